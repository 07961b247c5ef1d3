"""Reads for surveys, scoped like the roster: HR sees the organisation's surveys; leads see
response rates of their teams; everybody sees their own invitations. Out of scope is 404."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from surveys.models import Invitation, Survey, Wave
from teams.models import Role
from teams.selectors import led_team_ids, team_tree, viewer_person


def survey_list_for_user(*, user, include_archived: bool = False) -> QuerySet[Survey]:
    """HR: every survey of the organisation. Leads: those with a wave (for response rates)."""
    person = viewer_person(user)
    if person is None or person.role not in (Role.HR, Role.LEAD):
        return Survey.objects.none()
    surveys = Survey.objects.filter(organization_id=person.organization_id)
    if not include_archived:
        surveys = surveys.exclude(status=Survey.Status.ARCHIVED)
    if person.role == Role.LEAD:
        surveys = surveys.filter(waves__invitations__person__team_id__in=led_team_ids(person))
    return surveys.distinct().order_by("-created_at")


def survey_get_for_hr(*, user, survey_id) -> Survey:
    person = viewer_person(user)
    if person is None or person.role != Role.HR:
        raise Http404("No survey here.")
    return get_object_or_404(
        Survey.objects.filter(organization_id=person.organization_id), pk=survey_id
    )


def wave_get_for_user(*, user, wave_id) -> Wave:
    surveys = survey_list_for_user(user=user, include_archived=True)
    return get_object_or_404(
        Wave.objects.select_related("survey").filter(survey__in=surveys), pk=wave_id
    )


def my_invitations(*, user) -> QuerySet[Invitation]:
    """The signed-in person's invitations, newest wave first."""
    person = viewer_person(user)
    if person is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(person=person)
        .select_related("wave__survey")
        .order_by("-wave__opens_at", "-id")
    )


def my_invitation_get(*, user, invitation_id) -> Invitation:
    return get_object_or_404(
        my_invitations(user=user).select_related("person__organization"), pk=invitation_id
    )


@dataclass(frozen=True)
class RateRow:
    """Response counts of a group. Who answered is never shown; small groups say so."""

    name: str
    team_id: int | None
    depth: int
    invited: int
    answered: int
    below_threshold: bool

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def response_rates(*, user, wave: Wave) -> list[RateRow]:
    """The organisation (HR only) and every visible team with invitations, sub-teams included."""
    person = viewer_person(user)
    threshold = settings.ANONYMITY_THRESHOLD
    counts = {
        row["person__team_id"]: (row["invited"], row["answered"])
        for row in wave.invitations.values("person__team_id").annotate(
            invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
        )
    }
    visible = None if person.role == Role.HR else led_team_ids(person)
    nodes = team_tree(organization_id=wave.survey.organization_id, team_ids=visible)
    children: dict[int | None, list[int]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node.id)
    totals: dict[int, tuple[int, int]] = {}
    for node in reversed(nodes):  # children come after their parent in the tree order
        own = counts.get(node.id, (0, 0))
        below = [totals[c] for c in children.get(node.id, []) if c in totals]
        totals[node.id] = (own[0] + sum(i for i, _ in below), own[1] + sum(a for _, a in below))
    rows = []
    if person.role == Role.HR:
        invited = sum(i for i, _ in counts.values())
        answered = sum(a for _, a in counts.values())
        rows.append(RateRow("Whole organisation", None, 0, invited, answered, invited < threshold))
    for node in nodes:
        invited, answered = totals[node.id]
        if invited:
            rows.append(
                RateRow(
                    node.name,
                    node.id,
                    node.depth + (person.role == Role.HR),
                    invited,
                    answered,
                    invited < threshold,
                )
            )
    return rows
