"""A team's influence dashboard, for its leads (and leads of a parent team) and HR: the map, the
flags with what was done about them, the team's health across waves, and how far a new analysis
is. Thin: scope through the selectors, call a service, render. Out of scope is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from influence.dashboard import (
    flag_get_for_user,
    flags_attach_reviews,
    team_dashboard_get,
    wave_get_for_run_status,
    wave_latest_run,
)
from influence.maps import map_page_config
from influence.models import FlagReview
from influence.selectors import analysis_run_current
from influence.services import flag_review_save
from teams.audit import audit_record
from teams.models import AuditEvent
from teams.selectors import team_get_for_user


@login_required
@require_GET
def wave_analysis_status(request, wave_id: int):
    """The htmx partial of the wave's latest run; it polls itself while the run is under way."""
    wave = wave_get_for_run_status(user=request.user, wave_id=wave_id)
    context = {
        "status_run": wave_latest_run(wave_id=wave.pk),
        "wave": wave,
        "has_results": analysis_run_current(wave) is not None,
    }
    return render(request, "influence/_run_status.html", context)


@login_required
def team_dashboard(request, team_id: int):
    team = team_get_for_user(user=request.user, team_id=team_id)
    dashboard = team_dashboard_get(
        team=team, wave_id=request.GET.get("wave"), all_flags=request.GET.get("flags") == "all"
    )
    show_map = dashboard.run is not None and not dashboard.people_withheld
    if show_map:  # people and their flags are on the page: an identified view
        _audit_dashboard(request, team, dashboard)
    context = {
        "team": team,
        "dashboard": dashboard,
        "health": dashboard.health,
        "next_url": request.get_full_path(),
        "map_config": map_page_config(run=dashboard.run, team=team) if show_map else None,
    }
    return render(request, "influence/team_dashboard.html", context)


def _audit_dashboard(request, team, dashboard) -> None:
    flagged = {flag.person_id for group in dashboard.flag_groups for flag in group.all_flags}
    audit_record(
        action=AuditEvent.Action.IDENTIFIED_VIEW,
        actor=request.user,
        organization=team.organization_id,
        target=f"team {team.pk} influence dashboard",
        detail={"wave": dashboard.run.wave_id, "flagged_people": len(flagged)},
    )


@login_required
@require_POST
def flag_review(request, flag_id: int):
    """Mark a flag discussed or acted on. With htmx the answer is the flag's card alone (with
    the error, if any); without, a redirect back to the dashboard with a message."""
    flag = flag_get_for_user(user=request.user, flag_id=flag_id)
    back = _back_url(request, flag)
    status = request.POST.get("status", "")
    note = request.POST.get("note", "")
    try:
        review = flag_review_save(flag=flag, status=status, note=note, user=request.user)
    except ValidationError as exc:
        error = "The review was not saved. " + " ".join(exc.messages)
        if request.htmx:
            form = {"status": status, "note": note}
            return _flag_card(request, flag, back, error=error, form=form)
        messages.error(request, f"{flag.person.name} ({flag.kind_label}): {error}")
        return redirect(f"{back}#flag-{flag.pk}")
    flags_attach_reviews([flag])
    if request.htmx:
        return _flag_card(request, flag, back)
    label = FlagReview.Status(review.status).label.lower()
    messages.success(request, f"{flag.person.name} ({flag.kind_label}) is marked {label}.")
    return redirect(f"{back}#flag-{flag.pk}")


def _flag_card(request, flag, back: str, *, error: str = "", form: dict | None = None):
    context = {"flag": flag, "next_url": back, "review_error": error, "review_form": form}
    return render(request, "influence/_flag.html", context)


def _back_url(request, flag) -> str:
    """Where the form was sent from, if it is this site; else the flag's team and wave."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back.split("#", 1)[0]
    url = reverse("team-dashboard", kwargs={"team_id": flag.person.team_id})
    return f"{url}?wave={flag.run.wave_id}"
