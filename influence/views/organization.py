"""Placeholder until the dashboard pages land."""

from django.http import Http404


def organization_dashboard(request):
    raise Http404("Not built yet.")
