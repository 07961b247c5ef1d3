"""Plain data in and out of the analysis. No Django, no networkx objects: only these cross the
seam between the database and the analysis.

Edges always point from the respondent to the nominee ("I go to X for advice": me → X), so a
high in-degree means many people go to that person.
"""

from dataclasses import dataclass, field

ORGANIZATION = None  # team_id of the organisation-wide group


@dataclass(frozen=True)
class PersonIn:
    id: int
    team_id: int
    responded: bool  # answered the wave; False: outgoing ties are unknown, not zero
    is_lead: bool  # holds the lead role (leads their team and its sub-teams)
    direct_reports: int  # formal reports (people whose manager this person is)


@dataclass(frozen=True)
class TeamIn:
    id: int
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class NominationIn:
    respondent: int
    nominee: int
    relation: str
    strength: int | None  # 1 monthly … 4 daily; None when not asked (weight 1)


@dataclass(frozen=True)
class Thresholds:
    """Flag thresholds. Defaults are the ones `manage.py evaluate_flags` shows to work."""

    # informal decision-maker: in-degree percentile (organisation and team) and distinct nominators
    decision_percentile: float = 0.90
    decision_min_nominators: int = 3
    # bypassed lead: share of the team's decision nominations (inside the team) that go to the lead
    bypassed_lead_max_share: float = 0.5
    # silent member: at most this many nominators in every relation
    silent_max_in_degree: int = 0  # 1 also flags every non-respondent named once per relation
    silent_max_out_degree: int = 1
    # hidden workload: help in-degree at least this multiple of the team median, and among the
    # top share of receivers organisation-wide
    workload_team_multiple: float = 2.5
    workload_top_share: float = 0.05
    workload_min_nominators: int = 10  # 4 also flags ordinary popular teammates
    # broker: share of cross-team shortest paths, and reach lost when removed
    broker_percentile: float = 0.99
    broker_min_reach_loss: float = 0.012  # one person rarely holds 5 % of an organisation's reach
    # reliability: below this response rate a group's flags carry a warning
    reliable_response_rate: float = 0.70


@dataclass(frozen=True)
class AnalysisInput:
    people: tuple[PersonIn, ...]
    teams: tuple[TeamIn, ...]
    relations: tuple[str, ...]  # asked in the wave, e.g. ("advice", "decision", "help")
    nominations: tuple[NominationIn, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    seed: int = 42
    exact_limit: int = 20_000  # people; betweenness is exact up to here, sampled above
    samples: int = 1_000  # betweenness source samples when sampled
    previous_positions: dict[int, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class RelationMetrics:
    """One person in one relation's graph (edges respondent → nominee)."""

    in_degree: int  # distinct people who named this person
    weighted_in_degree: float  # sum of strengths (1 when not asked)
    out_degree: int | None  # people this person named; None: did not answer (unknown)
    pagerank: float  # alpha 0.85, strength as edge weight
    betweenness: float  # directed, unweighted, normalised as networkx does by default
    harmonic: float  # sum of 1/d over people who reach this person (incoming distances)
    in_degree_pct_org: float  # share of the organisation with a lower in-degree, 0–1
    in_degree_pct_team: float  # same within the person's team


@dataclass(frozen=True)
class PersonResult:
    person_id: int
    community: int  # Louvain on the combined undirected graph, seeded
    metrics: dict[str, RelationMetrics]  # by relation
    x: float  # layout position for the map
    y: float


@dataclass(frozen=True)
class GroupResult:
    """A team (team_id) or the organisation (team_id None). Per relation values in `relations`."""

    team_id: int | None
    size: int
    respondents: int
    response_rate: float
    # relation -> {"density", "centralisation", "cross_team_share"} and, for help, also
    # "top5_share" and "gini"; any value may be None (e.g. nobody in the group answered)
    relations: dict[str, dict[str, float | None]]
    low_response: bool  # below the reliable response rate


@dataclass(frozen=True)
class FlagResult:
    person_id: int
    kind: str  # informal_decision_maker, bypassed_lead, silent_member, hidden_workload, broker
    score: float  # 0–1
    evidence: tuple[str, ...]  # sentences with the numbers behind them
    moves: tuple[str, ...]  # concrete steps a lead can take
    warning: str = ""  # e.g. the person's team answered below the reliable response rate


@dataclass(frozen=True)
class AnalysisResult:
    people: tuple[PersonResult, ...]  # sorted by person_id
    groups: tuple[GroupResult, ...]  # organisation first, then teams by id
    flags: tuple[FlagResult, ...]  # sorted by kind, then score descending, then person_id
    parameters: dict  # betweenness mode (exact/sampled) and samples, seed, thresholds, sizes
    warnings: tuple[str, ...]
    # Seconds per stage: not part of the result's identity (same input, equal results).
    timings: dict[str, float] = field(default_factory=dict, compare=False)
