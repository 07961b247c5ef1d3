"""Reads for a team's influence dashboard: the team's analysed waves, its flags with what was
done about them, its health with a trend across the survey's waves, what changed since the
previous wave, and the state of the wave's latest run; in a constant number of queries.

The caller scopes first (team_get_for_user: 404 out of scope); only the team and its sub-teams
are read. Aggregates of a group with fewer respondents than settings.ANONYMITY_THRESHOLD are
withheld, and when the whole team is below it, so is every part naming people (flags, movers,
the map). Who answered is never told per person."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from influence.models import (
    KIND_EXPLANATIONS,
    AnalysisRun,
    Flag,
    FlagReview,
    TeamMetric,
    kind_label,
)
from influence.reports import withheld_reason
from influence.selectors import (
    analysis_run_pick,
    analysis_runs_current_for_organization,
    report_team_ids_for_user,
)
from influence.services.comparison import Comparison, analysis_comparison
from surveys.models import Wave
from teams.models import Team
from teams.selectors import (
    TeamNode,
    team_descendant_ids,
    team_get_for_user,
    team_tree,
    viewer_person,
)

FLAGS_SHOWN = 10  # per kind, strongest first; "show all" lists the rest
HEALTH_TEAMS_SHOWN = 30  # teams of the tree in the health tables
# (key in TeamMetric.relations, label, shown as a percentage)
MEASURES = (
    ("density", "Density", False),
    ("centralisation", "Centralisation", False),
    ("cross_team_share", "Cross-team share", True),
    ("top5_share", "Top 5 % share", True),
    ("gini", "Gini", False),
)


@dataclass(frozen=True)
class Cell:
    """A measure as the page shows it: a percentage or two decimals, a dash when undefined."""

    value: float | None
    percent: bool = False

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        return f"{round(self.value * 100)} %" if self.percent else f"{self.value:.2f}"


@dataclass(frozen=True)
class HealthRow:
    """A team of the scope in one run; `metric` None when nobody of it was in the wave."""

    node: TeamNode
    metric: TeamMetric | None
    threshold: int

    @property
    def withheld(self) -> bool:
        return self.metric is not None and self.metric.respondents < self.threshold

    @property
    def response_rate(self) -> Cell:
        return Cell(self.metric.response_rate if self.metric else None, percent=True)


@dataclass(frozen=True)
class RelationTable:
    relation: str
    headers: list[str]
    rows: list[tuple[HealthRow, list[Cell] | None]]  # None: withheld or no results


@dataclass(frozen=True)
class TrendPoint:
    run: AnalysisRun
    selected: bool
    respondents: int
    response_rate: Cell
    withheld: bool
    cells: list[Cell]  # aligned with Trend.columns; empty when withheld


@dataclass(frozen=True)
class Trend:
    columns: list[tuple[str, list[str]]]  # relation, measure labels
    points: list[TrendPoint]
    chart: dict  # embedded with json_script for static/js/health-trend.js

    @property
    def column_count(self) -> int:
        return sum(len(labels) for _, labels in self.columns)


@dataclass(frozen=True)
class TeamHealth:
    rows: list[HealthRow]
    tables: list[RelationTable]
    size: int
    respondents: int
    reliable_rate: float
    threshold: int
    trend: Trend | None
    hidden_teams: int = 0  # sub-teams past HEALTH_TEAMS_SHOWN: on their own dashboards

    @property
    def response_rate(self) -> Cell:
        return Cell(self.respondents / self.size if self.size else None, percent=True)

    @property
    def low_response(self) -> bool:
        return self.size > 0 and self.respondents / self.size < self.reliable_rate

    @property
    def withheld(self) -> bool:
        return self.respondents < self.threshold

    @property
    def reliable_percent(self) -> str:
        return str(Cell(self.reliable_rate, percent=True))


@dataclass(frozen=True)
class FlagGroup:
    kind: str
    label: str
    explanation: str
    all_flags: list[Flag]  # each with `.review` (FlagReview or None)
    limit: int | None = None  # how many the page shows; None: all

    @property
    def flags(self) -> list[Flag]:
        return self.all_flags if self.limit is None else self.all_flags[: self.limit]

    @property
    def hidden(self) -> int:
        return len(self.all_flags) - len(self.flags)


@dataclass
class TeamDashboard:
    team: Team
    team_ids: set[int]
    tree: list[TeamNode]
    runs: list[AnalysisRun]  # the wave picker, newest first
    run: AnalysisRun | None = None
    health: TeamHealth | None = None
    flag_groups: list[FlagGroup] = field(default_factory=list)
    previous_run: AnalysisRun | None = None
    changes: Comparison | None = None
    status_run: AnalysisRun | None = None  # the wave's latest run, when queued, running or failed
    pending_runs: list[AnalysisRun] = field(default_factory=list)  # other waves in analysis
    empty_wave: Wave | None = None  # `?wave=` of the organisation with no results for the team
    empty_wave_analysed: bool = False

    @property
    def people_withheld(self) -> bool:
        return self.health is not None and self.health.withheld

    @property
    def withheld_reason(self) -> str:
        return withheld_reason(settings.ANONYMITY_THRESHOLD)

    @property
    def flag_count(self) -> int:
        return sum(len(group.all_flags) for group in self.flag_groups)

    @property
    def review_counts(self) -> dict[str, int]:
        """How many flags are discussed, acted on, or not looked at yet."""
        counts = {"discussed": 0, "acted": 0, "open": 0}
        for group in self.flag_groups:
            for flag in group.all_flags:
                counts[flag.review.status if flag.review else "open"] += 1
        return counts


def team_dashboard_get(
    *, team: Team, wave_id: str | None, all_flags: bool = False
) -> TeamDashboard:
    """The dashboard of `team` (already scoped to the viewer) for `?wave=` (404 when it is not
    one of the team's analysed waves), else the newest; empty parts when there is nothing.
    A department's page stays light: the strongest FLAGS_SHOWN flags of each kind unless
    `all_flags`, and the first HEALTH_TEAMS_SHOWN teams of the tree in the health tables."""
    team_ids = team_descendant_ids(organization_id=team.organization_id, root_ids={team.id})
    all_runs = analysis_runs_current_for_organization(organization_id=team.organization_id)
    runs = _runs_with_results(all_runs, team_ids)
    analysed = {r.wave_id for r in all_runs}
    dashboard = TeamDashboard(
        team=team,
        team_ids=team_ids,
        tree=team_tree(organization_id=team.organization_id, team_ids=team_ids),
        runs=runs,
        pending_runs=_pending_runs(team.organization_id, analysed),
    )
    try:
        dashboard.run = run = analysis_run_pick(runs, wave_id)
    except Http404:
        # A wave of the organisation without results for this team is an empty state.
        wave = _wave_of_organization(team.organization_id, wave_id)
        dashboard.empty_wave, dashboard.empty_wave_analysed = wave, wave.pk in analysed
        dashboard.status_run = wave_latest_run(wave_id=wave.pk)
        dashboard.pending_runs = [r for r in dashboard.pending_runs if r.wave_id != wave.pk]
        return dashboard
    if run is None:
        return dashboard
    survey_runs = sorted(
        (r for r in runs if r.wave.survey_id == run.wave.survey_id), key=lambda r: r.wave.number
    )
    dashboard.health = _health(dashboard, survey_runs)
    latest = wave_latest_run(wave_id=run.wave_id)  # shown when under way or failed
    dashboard.status_run = None if latest.status == AnalysisRun.Status.SUCCEEDED else latest
    if dashboard.people_withheld:
        return dashboard
    dashboard.flag_groups = flag_groups(
        run=run, team_ids=team_ids, limit=None if all_flags else FLAGS_SHOWN
    )
    earlier = [r for r in survey_runs if r.wave.number < run.wave.number]
    if earlier:
        dashboard.previous_run = earlier[-1]
        dashboard.changes = analysis_comparison(
            run=run, previous_run=earlier[-1], team_ids=team_ids
        )
    return dashboard


def _wave_of_organization(organization_id: int, wave_id: str) -> Wave:
    if not str(wave_id).isdigit():
        raise Http404("No wave with that id here.")
    waves = Wave.objects.select_related("survey").filter(survey__organization_id=organization_id)
    return get_object_or_404(waves, pk=wave_id)


def _runs_with_results(runs: list[AnalysisRun], team_ids: set[int]) -> list[AnalysisRun]:
    with_results = set(
        TeamMetric.objects.filter(run__in=[r.pk for r in runs], team_id__in=team_ids)
        .values_list("run_id", flat=True)
        .distinct()
    )
    return [r for r in runs if r.pk in with_results]


def _pending_runs(organization_id: int, analysed_wave_ids: set[int]) -> list[AnalysisRun]:
    """Queued or running first analyses of the organisation's waves: results on their way."""
    return list(
        AnalysisRun.objects.filter(
            wave__survey__organization_id=organization_id, status__in=AnalysisRun.ACTIVE
        )
        .exclude(wave_id__in=analysed_wave_ids)
        .select_related("wave__survey")
        .order_by("-created_at", "-id")
    )


def wave_get_for_run_status(*, user, wave_id) -> Wave:
    """A wave of the viewer's organisation, for HR and leads (404 for anybody else): its run
    status tells how far the analysis is, nothing about people."""
    report_team_ids_for_user(user=user)  # 404 unless HR or a lead
    waves = Wave.objects.select_related("survey").filter(
        survey__organization_id=viewer_person(user).organization_id
    )
    return get_object_or_404(waves, pk=wave_id)


def wave_latest_run(*, wave_id: int) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.filter(wave_id=wave_id)
        .select_related("wave__survey")
        .order_by("-created_at", "-id")
        .first()
    )


# --- flags ---------------------------------------------------------------------------------


def flag_groups(
    *, run: AnalysisRun, team_ids: set[int], limit: int | None = None
) -> list[FlagGroup]:
    """The run's flags on people of `team_ids`, by kind (known kinds in their order, then any
    other), strongest first; each flag carries its review, whichever wave it was made in."""
    flags = list(
        Flag.objects.filter(run=run, person__team_id__in=team_ids)
        .select_related("person__team")
        .order_by("-score", "person__name", "person__email")
    )
    flags_attach_reviews(flags)
    order = {kind: i for i, kind in enumerate(Flag.Kind.values)}
    groups: dict[str, list[Flag]] = {}
    for flag in flags:
        groups.setdefault(flag.kind, []).append(flag)
    return [
        FlagGroup(kind, kind_label(kind), KIND_EXPLANATIONS.get(kind, ""), groups[kind], limit)
        for kind in sorted(groups, key=lambda k: (order.get(k, len(order)), k))
    ]


def flags_attach_reviews(flags: list[Flag]) -> None:
    """Set `flag.review` on each flag, in one query."""
    reviews = {
        (review.person_id, review.kind): review
        for review in FlagReview.objects.filter(
            person_id__in={flag.person_id for flag in flags},
            kind__in={flag.kind for flag in flags},
        ).select_related("reviewed_by", "run__wave")
    }
    for flag in flags:
        flag.review = reviews.get((flag.person_id, flag.kind))


def flag_get_for_user(*, user, flag_id) -> Flag:
    """A flag the viewer may review: its person is in a team they may see (404 otherwise), and
    the viewer's scope answered enough for its people to be shown in that run."""
    flag = get_object_or_404(
        Flag.objects.select_related("person__team", "run__wave__survey"), pk=flag_id
    )
    team_get_for_user(user=user, team_id=flag.person.team_id)
    visible = report_team_ids_for_user(user=user)  # None: HR, the organisation's row
    scope = {"team__isnull": True} if visible is None else {"team_id__in": visible}
    metrics = TeamMetric.objects.filter(run_id=flag.run_id, **scope)
    respondents = metrics.aggregate(n=Sum("respondents"))["n"] or 0
    if respondents < settings.ANONYMITY_THRESHOLD:
        raise Http404("No flag here.")
    flags_attach_reviews([flag])
    return flag


# --- health --------------------------------------------------------------------------------


def _health(dashboard: TeamDashboard, survey_runs: list[AnalysisRun]) -> TeamHealth:
    run, team = dashboard.run, dashboard.team
    threshold = settings.ANONYMITY_THRESHOLD
    metrics = list(
        TeamMetric.objects.filter(
            run__in=[r.pk for r in survey_runs], team_id__in=dashboard.team_ids
        )
    )
    current = {m.team_id: m for m in metrics if m.run_id == run.pk}
    shown = dashboard.tree[:HEALTH_TEAMS_SHOWN]
    rows = [HealthRow(node, current.get(node.id), threshold) for node in shown]
    relations = sorted({rel for m in current.values() for rel in m.relations})
    own = {m.run_id: m for m in metrics if m.team_id == team.id}
    return TeamHealth(
        rows=rows,
        tables=[_relation_table(relation, rows) for relation in relations],
        size=sum(m.size for m in current.values()),
        respondents=sum(m.respondents for m in current.values()),
        reliable_rate=run.reliable_response_rate,
        threshold=threshold,
        trend=_trend(team, survey_runs, own, run, threshold) if own else None,
        hidden_teams=len(dashboard.tree) - len(shown),
    )


def _relation_table(relation: str, rows: list[HealthRow]) -> RelationTable:
    shown = [r.metric.relations.get(relation, {}) for r in rows if r.metric and not r.withheld]
    measures = [m for m in MEASURES if any(m[0] in values for values in shown)] or list(
        MEASURES[:3]
    )
    table_rows = []
    for row in rows:
        cells = None
        if row.metric is not None and not row.withheld:
            values = row.metric.relations.get(relation, {})
            cells = [Cell(values.get(key), percent) for key, _, percent in measures]
        table_rows.append((row, cells))
    return RelationTable(relation, [label for _, label, _ in measures], table_rows)


def _trend(team, survey_runs, own: dict[int, TeamMetric], selected, threshold) -> Trend:
    """The team's own row across the survey's analysed waves (withheld waves leave a gap)."""
    runs = [r for r in survey_runs if r.pk in own]
    relations = sorted({rel for m in own.values() for rel in m.relations})
    columns = [
        (relation, key, label, percent)
        for relation in relations
        for key, label, percent in MEASURES
        if any(key in own[r.pk].relations.get(relation, {}) for r in runs)
    ]
    points = []
    for r in runs:
        metric = own[r.pk]
        withheld = metric.respondents < threshold
        cells = [
            Cell(metric.relations.get(relation, {}).get(key), percent)
            for relation, key, _, percent in columns
            if not withheld
        ]
        rate = Cell(metric.response_rate, percent=True)
        points.append(TrendPoint(r, r.pk == selected.pk, metric.respondents, rate, withheld, cells))
    header = [(rel, [label for r, _, label, _ in columns if r == rel]) for rel in relations]
    return Trend([h for h in header if h[1]], points, _chart(team, points, columns))


def _chart(team: Team, points: list[TrendPoint], columns: list[tuple]) -> dict:
    """Plain data for Chart.js: per measure, one line per relation (None leaves a gap)."""
    rates = [point.response_rate.value for point in points]
    measures = [
        {
            "label": "Response rate",
            "percent": True,
            "series": [{"label": team.name, "values": rates}],
        }
    ]
    for key, label, percent in MEASURES:
        series = [
            {
                "label": relation,
                "values": [None if p.withheld else p.cells[i].value for p in points],
            }
            for i, (relation, column_key, _, _) in enumerate(columns)
            if column_key == key
        ]
        if series:
            measures.append({"label": label, "percent": percent, "series": series})
    return {"labels": [f"Wave {p.run.wave.number}" for p in points], "measures": measures}
