"""Reads for surveys, scoped like the roster: HR sees the organisation's surveys; leads see
response rates of their teams; everybody sees their own invitations. Out of scope is 404."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from surveys.models import Invitation, InvitationEvent, Survey, Wave
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


def survey_get_for_user(*, user, survey_id) -> Survey:
    """A survey HR (any of the organisation) or a lead (one that reached their teams) may read."""
    surveys = survey_list_for_user(user=user, include_archived=True)
    return get_object_or_404(surveys.prefetch_related("questions", "audience_teams"), pk=survey_id)


def wave_get_for_hr(*, user, wave_id) -> Wave:
    person = viewer_person(user)
    if person is None or person.role != Role.HR:
        raise Http404("No wave here.")
    return wave_get_for_user(user=user, wave_id=wave_id)


def invitation_get_for_hr(*, user, invitation_id) -> Invitation:
    person = viewer_person(user)
    if person is None or person.role != Role.HR:
        raise Http404("No invitation here.")
    invitations = Invitation.objects.filter(
        wave__survey__organization_id=person.organization_id
    ).select_related("person__team", "wave__survey__organization")
    return get_object_or_404(invitations, pk=invitation_id)


def waves_with_counts() -> QuerySet[Wave]:
    """Waves with how many were invited and how many answered: counts, never who."""
    return Wave.objects.annotate(
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
    ).order_by("-number")


# Events that tell whether someone opened or answered (reminders go only to people who have not
# answered yet, so they tell it too): withheld for people of small teams.
STATUS_EVENTS = {
    InvitationEvent.Kind.REMINDED,
    InvitationEvent.Kind.OPENED,
    InvitationEvent.Kind.SAVED,
    InvitationEvent.Kind.ANSWERED,
}


@dataclass(frozen=True)
class InvitationView:
    """An invitation as HR may see it. In a team with fewer invited people than the anonymity
    threshold, everything that tells whether the person answered is withheld."""

    invitation: Invitation
    withheld: bool
    events: list[InvitationEvent]

    @property
    def opened_at(self):
        return None if self.withheld else self.invitation.opened_at

    @property
    def answered_at(self):
        return None if self.withheld else self.invitation.answered_at

    @property
    def reminder_count(self):
        return None if self.withheld else self.invitation.reminder_count


def wave_invitations_for_hr(*, wave: Wave) -> QuerySet[Invitation]:
    """The wave's invitations with person, team and delivery history loaded, by name."""
    return (
        wave.invitations.select_related("person__team")
        .prefetch_related(Prefetch("events", queryset=InvitationEvent.objects.order_by("at", "id")))
        .order_by("person__name", "person__email", "id")
    )


def invitation_views(*, wave: Wave, invitations) -> list[InvitationView]:
    """Invitations (loaded with their events) with small-team withholding applied."""
    per_team = wave.invitations.values("person__team_id").annotate(n=Count("id"))
    small = {row["person__team_id"] for row in per_team if row["n"] < settings.ANONYMITY_THRESHOLD}
    views = []
    for invitation in invitations:
        withheld = invitation.person.team_id in small
        events = [e for e in invitation.events.all() if not (withheld and e.kind in STATUS_EVENTS)]
        views.append(InvitationView(invitation, withheld, events))
    return views
