"""Everything an export file shows, read once into plain data: the report (report_build, the
JSON shape), plus what the other formats need — ties, titles, attributes, managers, map
positions and the changes since the previous wave. Writers never query the database.

Scope is the caller's (`team_ids` None: the whole organisation; else a lead's teams): only those
teams' people, flags and team rows, and only ties with both ends among those people.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.utils.text import slugify

from influence.models import AnalysisRun, PersonPosition, TeamMetric
from influence.reports import ERASED_NAME, report_build, withheld_reason
from influence.selectors import analysis_run_current_of_previous_wave
from influence.services.comparison import Comparison, analysis_comparison
from surveys.models import Nomination
from teams.models import Person, Team

MOVERS_LIMIT = 25


@dataclass(frozen=True)
class PersonRow:
    id: int  # database id: joins only, never written to a file
    node: str  # key in graph and edge files: "p<id>", "n0001" when pseudonymised
    name: str
    email: str
    label: str  # the name, made unique within the export (edge lists join on it)
    team_id: int
    team: str
    title: str
    attributes: dict[str, str]
    manager_id: int | None
    responded: bool | None  # None in a lead's export: never tells who answered
    community: int
    x: float
    y: float
    metrics: dict[str, dict]  # relation -> METRIC_FIELDS of influence.reports
    erased: bool = False
    withheld: bool = False  # pseudonymised, in a group below the anonymity threshold


@dataclass(frozen=True)
class FlagRow:
    person_id: int
    kind: str
    score: float
    evidence: list[str]
    moves: list[str]
    warning: str


@dataclass(frozen=True)
class Edge:
    """A submitted nomination: respondent → nominee in one relation, weight the strength."""

    source: int
    target: int
    relation: str
    weight: int


@dataclass(frozen=True)
class RateChange:
    team: str
    before: float
    after: float


@dataclass(frozen=True)
class Changes:
    previous_wave: int  # its number
    comparison: Comparison
    rates: list[RateChange]


@dataclass(frozen=True)
class ExportData:
    organization: dict  # id, name, slug
    wave: dict  # as in the report
    run: dict  # as in the report: id, status, parameters, warnings
    run_finished_at: datetime | None
    scope: str  # "Whole organisation" or the teams in words
    scope_slug: str  # "" for the whole organisation
    team_ids: set[int] | None
    people: list[PersonRow]
    flags: list[FlagRow]
    teams: list[dict]  # the report's team rows
    edges: list[Edge]
    edges_note: str  # why there are no ties ("" when they are there)
    respondents: int
    changes: Changes | None
    threshold: int
    reliable_rate: float
    pseudonymised: bool = False
    other_names: dict[int, str] = field(default_factory=dict)  # in changes, not in the export
    team_names: dict[int, str] = field(default_factory=dict)  # the organisation's teams
    team_parents: dict[int, int | None] = field(default_factory=dict)

    @cached_property
    def people_by_id(self) -> dict[int, PersonRow]:
        return {person.id: person for person in self.people}

    def person_label(self, person_id: int) -> str:
        person = self.people_by_id.get(person_id)
        return person.label if person else self.other_names.get(person_id, ERASED_NAME)

    @property
    def lead_scope(self) -> bool:
        return self.team_ids is not None

    def in_scope(self, team_id: int) -> bool:
        return self.team_ids is None or team_id in self.team_ids


def export_data_gather(*, run: AnalysisRun, team_ids: set[int] | None) -> ExportData:
    """Read the run's results in scope into plain data (a constant number of queries)."""
    run = AnalysisRun.objects.select_related("wave__survey__organization").get(pk=run.pk)
    report = report_build(run=run, team_ids=team_ids, person_ids=True)
    people = _people(run, team_ids, report["people"])
    ids = {person.id for person in people}
    threshold = settings.ANONYMITY_THRESHOLD
    respondents = _respondents(run, team_ids)
    edges_note = _edges_note(run, respondents, threshold)
    changes = _changes(run, team_ids)
    tree = Team.objects.filter(organization_id=report["organization"]["id"])
    tree = list(tree.values_list("id", "name", "parent_id"))
    scope, scope_slug = _scope(team_ids, tree)
    return ExportData(
        organization=report["organization"],
        wave=report["wave"],
        run=report["run"],
        run_finished_at=run.finished_at,
        scope=scope,
        scope_slug=scope_slug,
        team_ids=team_ids,
        people=people,
        flags=[_flag(row) for row in report["flags"]],
        teams=report["teams"],
        edges=[] if edges_note else _edges(run, team_ids, ids),
        edges_note=edges_note,
        respondents=respondents,
        changes=changes,
        threshold=threshold,
        reliable_rate=run.reliable_response_rate,
        other_names=_other_names(changes, ids),
        team_names={team_id: name for team_id, name, _ in tree},
        team_parents={team_id: parent for team_id, _, parent in tree},
    )


def _people(run: AnalysisRun, team_ids: set[int] | None, rows: list[dict]) -> list[PersonRow]:
    positions = PersonPosition.objects.filter(run=run)
    if team_ids is not None:
        positions = positions.filter(person__team_id__in=team_ids)
    details = {
        pid: rest
        for pid, *rest in positions.values_list(
            "person_id",
            "x",
            "y",
            "person__team_id",
            "person__attributes",
            "person__manager_id",
            "person__erased_at",
        )
    }
    people = []
    for row in rows:
        x, y, team_id, attributes, manager_id, erased_at = details[row["id"]]
        erased = erased_at is not None
        people.append(
            PersonRow(
                id=row["id"],
                node=f"p{row['id']}",
                name=row["name"],
                email=row["email"],
                label=row["name"],
                team_id=team_id,
                team=row["team"],
                title=row["title"],
                attributes={} if erased else {k: str(v) for k, v in (attributes or {}).items()},
                manager_id=manager_id,
                responded=row["responded"],
                community=row["community"],
                x=x,
                y=y,
                metrics=row["metrics"],
                erased=erased,
            )
        )
    return people_labelled(people)


def people_labelled(people: list[PersonRow]) -> list[PersonRow]:
    """Labels unique within the export: a repeated name gets its e-mail (or node) beside it."""
    counts = defaultdict(int)
    for person in people:
        counts[person.name] += 1
    return [
        replace(p, label=p.name if counts[p.name] == 1 else f"{p.name} ({p.email or p.node})")
        for p in people
    ]


def _flag(row: dict) -> FlagRow:
    return FlagRow(
        person_id=row["person_id"],
        kind=row["kind"],
        score=row["score"],
        evidence=list(row["evidence"] or []),
        moves=list(row["moves"] or []),
        warning=row["warning"] or "",
    )


def _respondents(run: AnalysisRun, team_ids: set[int] | None) -> int:
    rows = PersonPosition.objects.filter(run=run, responded=True)
    if team_ids is not None:
        rows = rows.filter(person__team_id__in=team_ids)
    return rows.count()


def _edges_note(run: AnalysisRun, respondents: int, threshold: int) -> str:
    """Why the export carries no ties: raw answers deleted, or too few answered (as the map)."""
    deleted_at = run.wave.answers_deleted_at
    if deleted_at is not None:
        return (
            f"The raw answers of this wave were deleted on {deleted_at:%d %B %Y} under the "
            "organisation's retention period: who named whom is no longer stored, so this "
            "export has no ties. The results computed from them remain."
        )
    if respondents < threshold:
        return "Ties withheld. " + withheld_reason(threshold)
    return ""


def _edges(run: AnalysisRun, team_ids: set[int] | None, ids: set[int]) -> list[Edge]:
    """Submitted nominations with both ends among the exported people, strengths summed."""
    rows = Nomination.objects.filter(
        response__invitation__wave_id=run.wave_id, response__submitted_at__isnull=False
    )
    if team_ids is not None:
        rows = rows.filter(
            response__invitation__person__team_id__in=team_ids, nominee__team_id__in=team_ids
        )
    weights: dict[tuple[int, int, str], int] = defaultdict(int)
    for source, target, relation, strength in rows.values_list(
        "response__invitation__person_id", "nominee_id", "question__relation", "strength"
    ).iterator(chunk_size=5000):
        if source in ids and target in ids and source != target:
            weights[(source, target, relation)] += strength or 1
    return [Edge(s, t, rel, w) for (s, t, rel), w in sorted(weights.items())]


def _changes(run: AnalysisRun, team_ids: set[int] | None) -> Changes | None:
    previous = analysis_run_current_of_previous_wave(run.wave)
    if previous is None:
        return None
    comparison = analysis_comparison(
        run=run, previous_run=previous, limit=MOVERS_LIMIT, team_ids=team_ids
    )
    return Changes(
        previous_wave=previous.wave.number,
        comparison=comparison,
        rates=_rate_changes(run, previous, team_ids),
    )


def _rate_changes(run, previous, team_ids) -> list[RateChange]:
    def rates(of):
        rows = TeamMetric.objects.filter(run=of)
        if team_ids is not None:
            rows = rows.filter(team_id__in=team_ids)
        values = rows.values_list("team_id", "team__name", "response_rate")
        return {tid: (name, rate) for tid, name, rate in values}

    before, after = rates(previous), rates(run)
    organization = run.wave.survey.organization.name
    found = [
        RateChange(name or organization, before[tid][1], rate)
        for tid, (name, rate) in after.items()
        if tid in before
    ]
    return sorted(found, key=lambda c: (c.team != organization, c.team))


def _other_names(changes: Changes | None, ids: set[int]) -> dict[int, str]:
    """Names of people in the changes who are not among the exported people (left the map)."""
    if changes is None:
        return {}
    comparison = changes.comparison
    found = {
        c.person_id: c.name
        for c in [*comparison.movers, *comparison.new_flags, *comparison.resolved_flags]
        if c.person_id not in ids
    }
    erased = set(
        Person.objects.filter(id__in=found, erased_at__isnull=False).values_list("id", flat=True)
    )
    return {pid: ERASED_NAME if pid in erased else name for pid, name in found.items()}


def _scope(team_ids: set[int] | None, tree: list[tuple]) -> tuple[str, str]:
    """The scope in words and as a file-name part: the top teams, and how many sub-teams."""
    if team_ids is None:
        return "Whole organisation", ""
    teams = [team for team in tree if team[0] in team_ids]
    roots = sorted(name for _, name, parent in teams if parent not in team_ids)
    subs = len(teams) - len(roots)
    words = ", ".join(roots) or "No teams"
    if subs:
        words += f" (with {subs} sub-team{'s' if subs != 1 else ''})"
    return words, slugify("-".join(roots))[:50] or "teams"
