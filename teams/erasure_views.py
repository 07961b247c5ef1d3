"""HR erases a person (stub, being built)."""

from django.http import Http404


def person_erase(request, **kwargs):
    raise Http404
