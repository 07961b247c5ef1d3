"""Reads, scoped to the viewer. The one permission source for pages, the API and exports.

An employee sees their own record; a lead sees the teams they are listed in and every sub-team;
HR sees their organisation; nobody sees another organisation. Out of scope answers 404.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from teams.models import Organization, Person, Role, Team


def viewer_person(user) -> Person | None:
    """The active roster person behind a login, or None (anonymous, unlinked, deactivated)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_viewer_person"):
        person = (
            Person.objects.select_related("organization", "team")
            .filter(user=user, is_active=True)
            .first()
        )
        user._viewer_person = person
    return user._viewer_person


def is_hr(user) -> bool:
    person = viewer_person(user)
    return person is not None and person.role == Role.HR


def team_descendant_ids(*, organization_id: int, root_ids: set[int]) -> set[int]:
    """The given teams and all their sub-teams (one query over the organisation's tree)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for team_id, parent_id in Team.objects.filter(organization_id=organization_id).values_list(
        "id", "parent_id"
    ):
        children[parent_id].append(team_id)
    seen: set[int] = set()
    stack = list(root_ids)
    while stack:
        team_id = stack.pop()
        if team_id in seen:
            continue
        seen.add(team_id)
        stack.extend(children.get(team_id, ()))
    return seen


def led_team_ids(person: Person) -> set[int]:
    if person.role != Role.LEAD:
        return set()
    return team_descendant_ids(organization_id=person.organization_id, root_ids={person.team_id})


def organization_get_for_hr(*, user) -> Organization:
    """The HR viewer's organisation; 404 for anybody else."""
    person = viewer_person(user)
    if person is None or person.role != Role.HR:
        raise Http404("No organisation here.")
    return person.organization


def team_list_for_user(*, user) -> QuerySet[Team]:
    person = viewer_person(user)
    if person is None:
        return Team.objects.none()
    teams = Team.objects.filter(organization_id=person.organization_id)
    if person.role == Role.HR:
        return teams
    if person.role == Role.LEAD:
        return teams.filter(id__in=led_team_ids(person))
    return teams.none()


def team_get_for_user(*, user, team_id) -> Team:
    return get_object_or_404(team_list_for_user(user=user).select_related("parent"), pk=team_id)


def person_list_for_user(
    *,
    user,
    search: str = "",
    team_id: int | None = None,
    include_inactive: bool = False,
    include_erased: bool = False,
) -> QuerySet[Person]:
    """People the viewer may see, optionally narrowed by a search and a team (with sub-teams).
    Erased people are anonymous nodes of past results, not roster rows: only reachable by id."""
    person = viewer_person(user)
    if person is None:
        return Person.objects.none()
    people = Person.objects.filter(organization_id=person.organization_id)
    if person.role == Role.LEAD:
        people = people.filter(Q(team_id__in=led_team_ids(person)) | Q(pk=person.pk))
    elif person.role != Role.HR:
        people = people.filter(pk=person.pk)
    if not include_inactive:
        people = people.filter(is_active=True)
    if not include_erased:
        people = people.filter(erased_at__isnull=True)
    if team_id is not None:
        scope = team_descendant_ids(organization_id=person.organization_id, root_ids={team_id})
        people = people.filter(team_id__in=scope)
    search = search.strip()
    if search:
        people = people.filter(
            Q(name__icontains=search)
            | Q(email__istartswith=search)
            | Q(title__icontains=search)
            | Q(employee_id__iexact=search)
        )
    return people.select_related("team", "manager", "user").order_by("name", "email")


def person_get_for_user(*, user, person_id) -> Person:
    people = person_list_for_user(user=user, include_inactive=True, include_erased=True)
    return get_object_or_404(people, pk=person_id)


@dataclass(frozen=True)
class TeamNode:
    """A team in the tree with its head-counts of active people (own members / with sub-teams)."""

    id: int
    name: str
    depth: int
    members: int
    total: int
    parent_id: int | None


def team_tree(*, organization_id: int, team_ids: set[int] | None = None) -> list[TeamNode]:
    """Depth-first ordered teams with head-counts; one query whatever the size."""
    rows = list(
        Team.objects.filter(organization_id=organization_id)
        .annotate(n=Count("members", filter=Q(members__is_active=True)))
        .values_list("id", "name", "parent_id", "n")
    )
    by_id = {row[0]: row for row in rows}
    children: dict[int | None, list[int]] = defaultdict(list)
    for team_id, _name, parent_id, _ in sorted(rows, key=lambda r: r[1].lower()):
        # A parent outside the visible set makes the team a root of what the viewer sees.
        visible_parent = parent_id if team_ids is None or parent_id in team_ids else None
        if team_ids is None or team_id in team_ids:
            children[visible_parent if visible_parent in by_id else None].append(team_id)

    totals: dict[int, int] = {}

    def total(team_id: int) -> int:
        if team_id not in totals:
            totals[team_id] = by_id[team_id][3] + sum(total(c) for c in children.get(team_id, ()))
        return totals[team_id]

    nodes: list[TeamNode] = []
    stack = [(team_id, 0) for team_id in reversed(children.get(None, []))]
    while stack:
        team_id, depth = stack.pop()
        _, name, parent_id, members = by_id[team_id]
        nodes.append(TeamNode(team_id, name, depth, members, total(team_id), parent_id))
        stack.extend((c, depth + 1) for c in reversed(children.get(team_id, [])))
    return nodes
