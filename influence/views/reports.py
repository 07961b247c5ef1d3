"""Report exports (stub, being built)."""

from django.http import Http404


def wave_reports(request, **kwargs):
    raise Http404


def export_status(request, **kwargs):
    raise Http404


def export_download(request, **kwargs):
    raise Http404
