"""Placeholder until the dashboard pages land."""

from django.http import Http404


def my_network(request):
    raise Http404("Not built yet.")
