"""HR pages of the audit log (stub, being built)."""

from django.http import Http404


def audit_log(request, **kwargs):
    raise Http404


def audit_log_export(request, **kwargs):
    raise Http404
