"""Placeholder until the dashboard pages land."""

from django.http import Http404


def team_map_data(request, team_id):
    raise Http404("Not built yet.")


def team_map_person(request, team_id, person_id):
    raise Http404("Not built yet.")


def organization_map_data(request):
    raise Http404("Not built yet.")


def organization_map_person(request, person_id):
    raise Http404("Not built yet.")
