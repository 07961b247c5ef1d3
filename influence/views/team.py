"""Placeholder until the dashboard pages land."""

from django.http import Http404


def wave_analysis_status(request, wave_id):
    raise Http404("Not built yet.")


def team_dashboard(request, team_id):
    raise Http404("Not built yet.")


def flag_review(request, flag_id):
    raise Http404("Not built yet.")
