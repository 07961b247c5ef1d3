"""HR's organisation overview: every team of an analysed wave in one sortable table, the
organisation's map, two waves compared, the latest analysis runs, the "identified results"
switch and the retention setting (POST to the same page). Anybody but HR of the organisation
gets 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from influence.analysis.types import Thresholds
from influence.maps import map_page_config
from influence.overview import (
    analysis_run_to_compare,
    analysis_runs_latest_for_organization,
    organization_overview,
    team_changes,
)
from influence.selectors import (
    analysis_run_pick,
    analysis_runs_current_for_organization,
)
from influence.services import analysis_comparison
from teams.selectors import organization_get_for_hr, viewer_person
from teams.services import RETENTION_INVALID, organization_settings_update


@login_required
def organization_dashboard(request):
    organization = organization_get_for_hr(user=request.user)
    if request.method == "POST" and "retention_days" in request.POST:
        return _retention_update(request, organization)
    if request.method == "POST":
        return _identified_results_switch(request, organization)
    return render(request, "influence/organization_dashboard.html", _context(request, organization))


def _context(request, organization) -> dict:
    runs = analysis_runs_current_for_organization(organization_id=organization.id)
    run = analysis_run_pick(runs, request.GET.get("wave"))
    context = {
        "organization": organization,
        "runs": runs,
        "run": run,
        "latest_runs": analysis_runs_latest_for_organization(organization_id=organization.id),
        "threshold": settings.ANONYMITY_THRESHOLD,
        "reliable_percent": round(
            (run.reliable_response_rate if run else Thresholds().reliable_response_rate) * 100
        ),
    }
    if run is not None:
        context.update(_run_context(request, organization, runs, run))
    return context


def _run_context(request, organization, runs, run) -> dict:
    overview = organization_overview(run=run, organization_id=organization.id)
    compare_run = analysis_run_to_compare(runs=runs, run=run, compare=request.GET.get("compare"))
    context = {
        "overview": overview,
        "compare_run": compare_run,
        "compare_same": request.GET.get("compare") == str(run.wave_id),
        "map_config": map_page_config(run=run, team=None),
    }
    if compare_run is not None:
        before = organization_overview(run=compare_run, organization_id=organization.id)
        context["changes"] = team_changes(before=before, after=overview)
        context["comparison"] = analysis_comparison(run=run, previous_run=compare_run)
    return context


SWITCHED = {
    "on": "Identified results are on: employees now see who named them on their own network page.",
    "off": "Identified results are off: employees see counts and bands only.",
}


def _identified_results_switch(request, organization):
    choice = request.POST.get("identified_results")
    try:
        if choice not in SWITCHED:
            raise ValidationError("Choose whether identified results are on or off.")
        organization_settings_update(
            organization=organization,
            identified_results=choice == "on",
            actor=viewer_person(request.user),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, SWITCHED[choice])
    return _back(request, "identified-results")


def _back(request, anchor: str):
    query = request.GET.urlencode()
    url = reverse("organization-dashboard") + (f"?{query}" if query else "")
    return redirect(f"{url}#{anchor}")


def _retention_update(request, organization):
    """Days after a wave closes when its raw answers are deleted; empty keeps them. A bad value
    shows the page again with the error at the field, nothing changed."""
    raw = request.POST.get("retention_days", "").strip()[:20]
    try:
        if raw and not raw.isdigit():
            raise ValidationError({"retention_days": RETENTION_INVALID})
        organization = organization_settings_update(
            organization=organization,
            retention_days=int(raw) if raw else None,
            actor=viewer_person(request.user),
        )
    except ValidationError as exc:
        context = _context(request, organization)
        context.update(retention_value=raw, retention_error=" ".join(exc.messages))
        return render(request, "influence/organization_dashboard.html", context, status=400)
    if organization.retention_days is None:
        messages.success(request, "Raw answers are now kept until they are deleted by hand.")
    else:
        messages.success(
            request,
            f"Raw answers of a wave are now deleted {organization.retention_days} days after it "
            "closes; the results stay.",
        )
    return _back(request, "retention")
