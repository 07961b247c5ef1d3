"""Reads for HR's organisation overview: every team of one run in a row, two runs side by side,
and the organisation's latest runs. Each is a constant number of queries, whatever the number of
people and teams.

A team's row is its own members only (TeamMetric does not roll up sub-teams). Teams with fewer
respondents than settings.ANONYMITY_THRESHOLD keep their name, parent and size; everything else
in their row (respondents, response rate, flag counts, help concentration) is withheld.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from influence.models import AnalysisRun, Flag, TeamMetric, kind_label
from influence.reports import withheld_reason
from influence.selectors import analysis_run_pick, wave_previous
from teams.models import Team

RUNS_SHOWN = 15
CONCENTRATION_RELATION = "help"


@dataclass(frozen=True)
class TeamRow:
    """One team (or the organisation, team_id None) in one run."""

    team_id: int | None
    name: str
    parent: str
    size: int | None  # invited in the wave; None: nobody of the team was invited
    respondents: int | None  # None when withheld or not surveyed
    response_rate: float | None
    low_response: bool
    withheld: bool
    flags: tuple[int, ...] | None  # per kind, in the order of Overview.flag_kinds
    top5_share: float | None
    gini: float | None

    @property
    def surveyed(self) -> bool:
        return self.size is not None

    @property
    def flag_total(self) -> int | None:
        return None if self.flags is None else sum(self.flags)


@dataclass(frozen=True)
class Overview:
    run: AnalysisRun
    flag_kinds: list[tuple[str, str]]  # (kind, label), the columns of the flag counts
    rows: list[TeamRow]  # by team name
    total: TeamRow | None  # the organisation; None when the run has no organisation row
    threshold: int
    withheld_reason: str

    @property
    def table_rows(self) -> list[TeamRow]:
        """The teams, then the organisation's total row when there is one."""
        return self.rows + ([self.total] if self.total else [])


def organization_overview(*, run: AnalysisRun, organization_id: int) -> Overview:
    """Every team of the organisation in `run` (three queries)."""
    threshold = settings.ANONYMITY_THRESHOLD
    metrics = {metric.team_id: metric for metric in TeamMetric.objects.filter(run=run)}
    teams = list(
        Team.objects.filter(organization_id=organization_id)
        .select_related("parent")
        .order_by("name", "id")
    )
    flag_counts = _flag_counts(run)
    kinds = list(Flag.Kind.values) + sorted(
        {kind for counts in flag_counts.values() for kind in counts} - set(Flag.Kind.values)
    )
    rows = [
        _row(
            team.id,
            team.name,
            team.parent.name if team.parent else "",
            metrics.get(team.id),
            flag_counts.get(team.id, Counter()),
            kinds,
            threshold,
        )
        for team in teams
    ]
    organisation = metrics.get(None)
    total = None
    if organisation is not None:
        everything = sum(flag_counts.values(), Counter())
        total = _row(None, "Whole organisation", "", organisation, everything, kinds, threshold)
    return Overview(
        run=run,
        flag_kinds=[(kind, kind_label(kind)) for kind in kinds],
        rows=rows,
        total=total,
        threshold=threshold,
        withheld_reason=withheld_reason(threshold),
    )


def _flag_counts(run: AnalysisRun) -> dict[int, Counter]:
    counts: dict[int, Counter] = {}
    rows = (
        Flag.objects.filter(run=run)
        .values("person__team_id", "kind")
        .annotate(n=Count("id"))
        .values_list("person__team_id", "kind", "n")
    )
    for team_id, kind, n in rows:
        counts.setdefault(team_id, Counter())[kind] += n
    return counts


def _row(team_id, name, parent, metric, counts, kinds, threshold) -> TeamRow:
    if metric is None:
        return TeamRow(team_id, name, parent, None, None, None, False, False, None, None, None)
    if metric.respondents < threshold:
        return TeamRow(
            team_id, name, parent, metric.size, None, None, False, True, None, None, None
        )
    help_ = metric.relations.get(CONCENTRATION_RELATION) or {}
    return TeamRow(
        team_id=team_id,
        name=name,
        parent=parent,
        size=metric.size,
        respondents=metric.respondents,
        response_rate=metric.response_rate,
        low_response=metric.low_response,
        withheld=False,
        flags=tuple(counts.get(kind, 0) for kind in kinds),
        top5_share=help_.get("top5_share"),
        gini=help_.get("gini"),
    )


# --- two waves -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamChange:
    """A team in an earlier and a later run; withheld when it is withheld in either."""

    team_id: int | None
    name: str
    withheld: bool
    rate_before: float | None
    rate_after: float | None
    flags_before: int | None
    flags_after: int | None

    @property
    def rate_change_points(self) -> float | None:
        if self.rate_before is None or self.rate_after is None:
            return None
        return round((self.rate_after - self.rate_before) * 100, 1)

    @property
    def flag_change(self) -> int | None:
        if self.flags_before is None or self.flags_after is None:
            return None
        return self.flags_after - self.flags_before


def team_changes(*, before: Overview, after: Overview) -> list[TeamChange]:
    """Teams surveyed in both runs, by name; the organisation first."""
    earlier = {row.team_id: row for row in before.rows}
    pairs = [(before.total, after.total)] if before.total and after.total else []
    pairs += [
        (earlier[row.team_id], row)
        for row in after.rows
        if row.surveyed and row.team_id in earlier and earlier[row.team_id].surveyed
    ]
    return [
        TeamChange(
            team_id=now.team_id,
            name=now.name,
            withheld=then.withheld or now.withheld,
            rate_before=then.response_rate,
            rate_after=now.response_rate,
            flags_before=then.flag_total,
            flags_after=now.flag_total,
        )
        for then, now in pairs
    ]


# --- runs ----------------------------------------------------------------------------------


def analysis_runs_latest_for_organization(
    *, organization_id: int, limit: int = RUNS_SHOWN
) -> list[AnalysisRun]:
    """The newest runs of the organisation's waves, whatever their status (one query)."""
    return list(
        AnalysisRun.objects.filter(wave__survey__organization_id=organization_id)
        .select_related("wave__survey")
        .order_by("-created_at", "-id")[:limit]
    )


def analysis_run_to_compare(
    *, runs: list[AnalysisRun], run: AnalysisRun, compare: str | None
) -> AnalysisRun | None:
    """The run of `?compare=<wave id>` among `runs` (404 when unknown); by default the previous
    wave of the same survey, when that wave is analysed. None when there is nothing to compare."""
    if compare not in (None, ""):
        other = analysis_run_pick(runs, compare)
        return None if other.pk == run.pk else other
    previous = wave_previous(run.wave)
    if previous is None:
        return None
    return next((r for r in runs if r.wave_id == previous.pk), None)
