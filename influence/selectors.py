"""Reads for the influence analysis.

`analysis_input_for_wave` is the one seam between the database and the analysis: it turns rows
into the plain dataclasses of `influence.analysis.types`, in a constant number of queries. The
other selectors find runs, scoped like the rest of the site: HR sees the organisation, a lead
their teams and sub-teams, anybody else gets 404.
"""

from dataclasses import fields, replace

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Now
from django.http import Http404
from django.shortcuts import get_object_or_404

from influence.analysis.types import (
    AnalysisInput,
    NominationIn,
    PersonIn,
    TeamIn,
    Thresholds,
)
from influence.models import AnalysisRun, Export, PersonPosition
from surveys.models import Nomination, Question, Wave
from teams.models import Organization, Person, Role, Team
from teams.selectors import led_team_ids, viewer_person

# --- the seam ------------------------------------------------------------------------------


def analysis_input_for_wave(wave: Wave) -> AnalysisInput:
    """Everything the analysis needs about a wave, as plain data, in a constant number of queries.

    People are everybody invited (respondents and not: `responded` is whether the invitation was
    answered); nominations come from submitted responses only (drafts are not answers) and name
    invited people only, as the map is drawn over the invited. Edges point respondent → nominee.
    """
    organization_id = wave.survey.organization_id
    people = _people_in(wave, organization_id)
    teams = tuple(
        TeamIn(id=team_id, name=name, parent_id=parent_id)
        for team_id, name, parent_id in Team.objects.filter(organization_id=organization_id)
        .order_by("id")
        .values_list("id", "name", "parent_id")
    )
    relations = tuple(
        Question.objects.filter(survey_id=wave.survey_id, kind=Question.Kind.NOMINATION)
        .order_by("position", "id")
        .values_list("relation", flat=True)
    )
    return AnalysisInput(
        people=people,
        teams=teams,
        relations=relations,
        nominations=_nominations_in(wave, {person.id for person in people}),
        thresholds=analysis_thresholds(Organization.objects.get(pk=organization_id)),
        seed=getattr(settings, "INFLUENCE_SEED", 42),
        previous_positions=_previous_positions(wave),
    )


def _people_in(wave: Wave, organization_id: int) -> tuple[PersonIn, ...]:
    """The invited, sorted by id; direct reports count the organisation's active people."""
    reports = dict(
        Person.objects.filter(
            organization_id=organization_id, is_active=True, manager__isnull=False
        )
        .values("manager_id")
        .annotate(n=Count("id"))
        .values_list("manager_id", "n")
    )
    invited = wave.invitations.order_by("person_id").values_list(
        "person_id", "person__team_id", "person__role", "answered_at"
    )
    return tuple(
        PersonIn(
            id=person_id,
            team_id=team_id,
            responded=answered_at is not None,
            is_lead=role == Role.LEAD,
            direct_reports=reports.get(person_id, 0),
        )
        for person_id, team_id, role, answered_at in invited
    )


def _nominations_in(wave: Wave, invited_ids: set[int]) -> tuple[NominationIn, ...]:
    rows = (
        Nomination.objects.filter(
            response__invitation__wave=wave, response__submitted_at__isnull=False
        )
        .order_by("response__invitation__person_id", "question__position", "nominee_id")
        .values_list(
            "response__invitation__person_id", "nominee_id", "question__relation", "strength"
        )
    )
    return tuple(
        NominationIn(respondent=respondent, nominee=nominee, relation=relation, strength=strength)
        for respondent, nominee, relation, strength in rows
        if nominee in invited_ids
    )


def _previous_positions(wave: Wave) -> dict[int, tuple[float, float]]:
    """Map positions of the previous wave's current run, so that the map keeps its shape."""
    previous = analysis_run_current_of_previous_wave(wave)
    if previous is None:
        return {}
    rows = PersonPosition.objects.filter(run=previous).values_list("person_id", "x", "y")
    return {person_id: (x, y) for person_id, x, y in rows}


# --- runs ----------------------------------------------------------------------------------


def analysis_run_list_for_wave(wave: Wave) -> QuerySet[AnalysisRun]:
    return wave.analysis_runs.select_related("requested_by").order_by("-created_at", "-id")


def analysis_run_current(wave: Wave) -> AnalysisRun | None:
    """The run whose results are shown: the latest that succeeded. A newer run that is queued,
    running or failed does not replace it."""
    return (
        wave.analysis_runs.filter(status=AnalysisRun.Status.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )


def analysis_run_active(wave: Wave) -> AnalysisRun | None:
    return wave.analysis_runs.filter(status__in=AnalysisRun.ACTIVE).order_by("-id").first()


def wave_previous(wave: Wave) -> Wave | None:
    """The wave of the same survey before this one."""
    return (
        Wave.objects.filter(survey_id=wave.survey_id, number__lt=wave.number)
        .order_by("-number")
        .first()
    )


def analysis_run_current_of_previous_wave(wave: Wave) -> AnalysisRun | None:
    """The current run of the wave before this one (None when it has none)."""
    previous = wave_previous(wave)
    return None if previous is None else analysis_run_current(previous)


def analysis_run_get_for_hr(*, user, run_id) -> AnalysisRun:
    person = viewer_person(user)
    if person is None or person.role != Role.HR:
        raise Http404("No analysis run here.")
    runs = AnalysisRun.objects.filter(
        wave__survey__organization_id=person.organization_id
    ).select_related("wave__survey", "requested_by")
    return get_object_or_404(runs, pk=run_id)


def report_team_ids_for_user(*, user) -> set[int] | None:
    """Which teams' people and rows a viewer may see in a report: None for the whole
    organisation (HR), a lead's teams with sub-teams, 404 for anybody else."""
    person = viewer_person(user)
    if person is None or person.role not in (Role.HR, Role.LEAD):
        raise Http404("No report here.")
    return None if person.role == Role.HR else led_team_ids(person)


def analysis_thresholds(organization) -> Thresholds:
    """The defaults, then settings.INFLUENCE_THRESHOLDS, then the organisation's own values.
    An unknown name is refused with the list of known ones (the run fails and says so)."""
    overrides = {
        **getattr(settings, "INFLUENCE_THRESHOLDS", {}),
        **(organization.analysis_thresholds or {}),
    }
    known = {f.name for f in fields(Thresholds)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(
            f"Unknown flag threshold(s) {', '.join(unknown)} for {organization.name}; "
            f"known: {', '.join(sorted(known))}."
        )
    return replace(Thresholds(), **overrides)


# --- dashboards ----------------------------------------------------------------------------


def analysis_runs_current_for_organization(*, organization_id: int) -> list[AnalysisRun]:
    """The current run (latest succeeded) of every wave of the organisation that has one,
    newest wave first; `run.wave.survey` is loaded. One query."""
    runs = (
        AnalysisRun.objects.filter(
            wave__survey__organization_id=organization_id, status=AnalysisRun.Status.SUCCEEDED
        )
        .select_related("wave__survey")
        .order_by("wave_id", "-finished_at", "-id")
    )
    current: dict[int, AnalysisRun] = {}
    for run in runs:
        current.setdefault(run.wave_id, run)
    return sorted(
        current.values(),
        key=lambda r: (r.wave.closed_at or r.wave.opens_at or r.created_at, r.wave_id),
        reverse=True,
    )


def analysis_run_pick(runs: list[AnalysisRun], wave_id: str | None) -> AnalysisRun | None:
    """The run of `?wave=<id>` among `runs` (404 when it is not one of them), else the newest;
    None when there is none."""
    if wave_id in (None, ""):
        return runs[0] if runs else None
    for run in runs:
        if str(run.wave_id) == str(wave_id):
            return run
    raise Http404("No analysed wave with that id here.")


# --- report exports ------------------------------------------------------------------------


def export_list_for_user(
    *, user, wave_id: int | None = None, status: str | None = None
) -> QuerySet[Export]:
    """Exports a viewer may follow and download, newest first: HR the organisation's, a lead
    their own; nobody else any. The file itself is left out (deferred); `expired` says whether
    its download time has passed."""
    person = viewer_person(user)
    if person is None or person.role not in (Role.HR, Role.LEAD):
        return Export.objects.none()
    exports = Export.objects.filter(organization_id=person.organization_id)
    if person.role != Role.HR:
        exports = exports.filter(requested_by=user)
    if wave_id is not None:
        exports = exports.filter(wave_id=wave_id)
    if status:
        exports = exports.filter(status=status)
    return (
        exports.defer("content")
        .select_related("wave__survey", "team", "requested_by")
        .annotate(expired=ExpressionWrapper(Q(expires_at__lte=Now()), output_field=BooleanField()))
        .order_by("-created_at", "-id")
    )


def export_get_for_user(*, user, export_id) -> Export:
    """The requester's export, or any of the organisation's for HR; 404 for anybody else."""
    return get_object_or_404(export_list_for_user(user=user), pk=export_id)
