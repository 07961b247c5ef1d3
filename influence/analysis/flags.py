"""Flags: who leads without the title, whose lead is bypassed, who is on the edge, who carries
invisible load, and who is the one bridge between groups.

Edges point respondent → nominee, so a person's in-degree is the number of distinct people who
named them. Every flag carries a score between 0 and 1 (higher: clearer pattern; each kind's
docstring gives the formula), evidence sentences with the numbers behind it (nominators counted
by team, never named), concrete moves, and a warning when the person's team or the organisation
answered below the reliable response rate.

Inputs are the analysis input (people, teams, raw nominations, thresholds, seed) and the
pipeline's per-person metrics and groups; nothing here reads a database, a setting or a file.
"""

import bisect
import heapq
import math
import random
from collections import Counter, deque

import networkx as nx
import numpy as np

from influence.analysis import kernel
from influence.analysis.flags_evidence import (
    MOVES,
    UNSEEN_MOVE,
    Index,
    broker_evidence,
    build_index,
    bypassed_evidence,
    idm_evidence,
    reliability_warning,
    silent_evidence,
    workload_evidence,
)
from influence.analysis.graphs import RelationEdges
from influence.analysis.types import AnalysisInput, FlagResult, GroupResult, PersonIn, PersonResult

BROKER_GRAPHS = ("combined", "advice")  # metrics keys whose betweenness can make a broker
BROKER_MAX_CANDIDATES = 40  # highest betweenness first: bounds the cost of the removal test
REACH_PAIR_BUDGET = 500_000  # sources × people kept in memory; beyond it sources are sampled
REACH_MIN_SOURCES = 50


def detect_flags(
    input: AnalysisInput,  # noqa: A002 - the pipeline calls detect_flags(input, people, groups)
    people: list[PersonResult],
    groups: list[GroupResult],
) -> list[FlagResult]:
    """All flags of one analysis, sorted by kind, then score (highest first), then person id.

    Edges point respondent → nominee. Degenerate inputs (fewer than two people, no relation,
    nobody answered) give no flags.
    """
    if len(input.people) < 2 or not input.relations or not any(p.responded for p in input.people):
        return []
    index = build_index(input, people, groups)
    if len(index.person) < 2:
        return []
    flags = [
        *_informal_decision_makers(index),
        *_bypassed_leads(index),
        *_silent_members(index),
        *_hidden_workload(index),
        *_brokers(index),
    ]
    return sorted(flags, key=lambda f: (f.kind, -f.score, f.person_id))


def _has_authority(person: PersonIn) -> bool:
    return person.is_lead or person.direct_reports > 0


def _decision_relation(index: Index) -> str | None:
    relations = index.data.relations
    return "decision" if "decision" in relations else "advice" if "advice" in relations else None


def _bar(percentile: float, size: int) -> float:
    """The percentile bar, capped at what the top person of a group of `size` can reach (the
    share of a group with a lower in-degree is at most (size - 1) / size)."""
    return min(percentile, (size - 1) / size) if size else percentile


def _informal_decision_makers(index: Index) -> list[FlagResult]:
    """Named for decisions (advice when decisions were not asked) by at least
    decision_min_nominators people, at or above decision_percentile of both the organisation and
    their team, while holding no formal authority (no direct reports, not a lead).

    Score: half the organisation percentile plus half the nominators per answering teammate
    (capped at 1), so someone most of the team names ranks above someone named by a few.
    """
    relation, t = _decision_relation(index), index.data.thresholds
    if relation is None:
        return []
    flags = []
    for person_id, person in index.person.items():
        m = index.metric(person_id, relation)
        team = index.members[person.team_id]
        if (
            m is None
            or _has_authority(person)
            or m.in_degree < t.decision_min_nominators
            or m.in_degree_pct_org < _bar(t.decision_percentile, len(index.person))
            or m.in_degree_pct_team < _bar(t.decision_percentile, len(team))
        ):
            continue
        answered = sum(index.person[p].responded for p in team if p != person_id)
        score = 0.5 * m.in_degree_pct_org + 0.5 * min(1.0, m.in_degree / max(answered, 1))
        evidence = idm_evidence(index, person_id, relation, m)
        flags.append(_flag(index, person_id, "informal_decision_maker", score, evidence))
    return flags


def _bypassed_leads(index: Index) -> list[FlagResult]:
    """A lead who receives at most bypassed_lead_max_share of the decision nominations given
    inside their own team (respondent and nominee both in it), while a teammate receives more
    than they do. Teams with fewer than decision_min_nominators such nominations are not judged.

    Score: the most-named teammate's share of those nominations minus the lead's share.
    """
    relation, t = _decision_relation(index), index.data.thresholds
    if relation is None:
        return []
    flags = []
    for team, members in index.members.items():
        received = Counter(
            nominee
            for respondent in members
            for nominee in index.names[relation].get(respondent, ())
            if index.team_of(nominee) == team
        )
        total = sum(received.values())
        if total < t.decision_min_nominators:
            continue
        for lead in (p for p in members if index.person[p].is_lead):
            top = max((c for p, c in received.items() if p != lead), default=0)
            share = received[lead] / total
            if share > t.bypassed_lead_max_share or top <= received[lead]:
                continue
            evidence = bypassed_evidence(index, lead, relation, received, total)
            flags.append(_flag(index, lead, "bypassed_lead", top / total - share, evidence))
    return flags


def _silent_members(index: Index) -> list[FlagResult]:
    """Named by at most silent_max_in_degree people in every relation and naming at most
    silent_max_out_degree in every relation, or not answering. The evidence says which:
    isolated (answered, named nobody, nobody named them), unseen (did not answer, nobody named
    them) or peripheral (a few weak ties).

    Score: 1 − observed ties / (relations × (max in + max out) + 1); a non-respondent's score is
    scaled by 0.75, since their own ties are unknown.
    """
    t, relations = index.data.thresholds, index.data.relations
    flags = []
    for person_id, person in index.person.items():
        metrics = [index.metric(person_id, r) for r in relations]
        if any(m is None for m in metrics) or not all(
            m.in_degree <= t.silent_max_in_degree
            and (m.out_degree is None or m.out_degree <= t.silent_max_out_degree)
            for m in metrics
        ):
            continue
        ties = sum(m.in_degree + (m.out_degree or 0) for m in metrics)
        capacity = len(relations) * (t.silent_max_in_degree + t.silent_max_out_degree) + 1
        score = (1 - ties / capacity) * (1.0 if person.responded else 0.75)
        evidence = silent_evidence(index, person_id)
        flags.append(_flag(index, person_id, "silent_member", score, evidence))
    return flags


def _hidden_workload(index: Index) -> list[FlagResult]:
    """Named for help (advice when help was not asked) by at least workload_min_nominators
    people and at least workload_team_multiple × the teammates' median, among the top
    workload_top_share of people organisation-wide, without formal authority.

    Score: in-degree / max(teammates' median, 1) / (2 × workload_team_multiple), capped at 1:
    0.5 at the threshold multiple, 1 at twice it.
    """
    relations, t = index.data.relations, index.data.thresholds
    relation = "help" if "help" in relations else "advice" if "advice" in relations else None
    if relation is None:
        return []
    degrees = {p: m.in_degree for p in index.person if (m := index.metric(p, relation))}
    ordered, total = sorted(degrees.values()), sum(degrees.values())
    top = max(1, math.ceil(t.workload_top_share * len(index.person)))
    flags = []
    for person_id, degree in degrees.items():
        median = index.team_median(person_id, relation)
        higher = len(ordered) - bisect.bisect_right(ordered, degree)
        if (
            _has_authority(index.person[person_id])
            or degree < t.workload_min_nominators
            or degree < t.workload_team_multiple * median
            or higher >= top
        ):
            continue
        score = degree / max(median, 1) / (2 * t.workload_team_multiple)
        evidence = workload_evidence(index, person_id, relation, total, higher + 1, top)
        flags.append(_flag(index, person_id, "hidden_workload", score, evidence))
    return flags


def _brokers(index: Index) -> list[FlagResult]:
    """Betweenness at or above broker_percentile of the organisation (on the combined graph of
    all relations, or on advice), and taking the person out cuts the organisation's cross-team
    reach on the combined directed graph by at least broker_min_reach_loss (see reach_loss).

    Score: half the betweenness percentile plus half the reach loss relative to 4 × the
    threshold (capped at 1).
    """
    t = index.data.thresholds
    graph = combined_graph(index)
    candidates = _broker_candidates(index, graph)
    if not candidates:
        return []
    sources = _reach_sources(index)
    losses = reach_losses(graph, index, sources, sorted(candidates))
    flags = []
    for person_id, (graph_name, pct) in candidates.items():
        loss = losses[person_id]
        if loss < t.broker_min_reach_loss:
            continue
        score = 0.5 * pct + 0.5 * min(1.0, loss / (4 * t.broker_min_reach_loss))
        evidence = broker_evidence(index, person_id, graph_name, pct, loss, len(sources))
        flags.append(_flag(index, person_id, "broker", score, evidence, fragile=True))
    return flags


def combined_graph(index: Index) -> nx.DiGraph:
    """All relations in one directed graph over everyone, edge respondent → nominee."""
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(index.person))
    for relation in index.data.relations:
        for respondent, nominees in sorted(index.names[relation].items()):
            graph.add_edges_from((respondent, nominee) for nominee in sorted(nominees))
    return graph


def _broker_candidates(index: Index, graph: nx.DiGraph) -> dict[int, tuple[str, float]]:
    """People with betweenness > 0 at or above broker_percentile on the combined graph or on
    advice: person → (graph, percentile), at most BROKER_MAX_CANDIDATES, highest first."""
    betweenness = {
        key: {p: r.metrics[key].betweenness for p, r in index.result.items() if key in r.metrics}
        for key in BROKER_GRAPHS
    }
    if not betweenness["combined"]:  # the pipeline gave per-relation metrics only
        betweenness["combined"] = _combined_betweenness(index, graph)
    bar = _bar(index.data.thresholds.broker_percentile, len(index.person))
    best: dict[int, tuple[str, float]] = {}
    for key, values in sorted(betweenness.items()):
        ordered = sorted(values.values())
        for person_id, value in values.items():
            pct = bisect.bisect_left(ordered, value) / len(ordered)
            if value > 0 and pct >= bar and pct > best.get(person_id, ("", -1.0))[1]:
                best[person_id] = (key, pct)
    top = sorted(best, key=lambda p: (-best[p][1], p))[:BROKER_MAX_CANDIDATES]
    return {p: best[p] for p in sorted(top)}


def _combined_betweenness(index: Index, graph: nx.DiGraph) -> dict[int, float]:
    """Betweenness on the combined directed graph with the compiled kernel: exact when everyone
    fits the source budget, else from sources sampled with the input's seed (normalised as
    networkx does)."""
    ids = sorted(graph.nodes)
    n = len(ids)
    if n < 3:
        return dict.fromkeys(ids, 0.0)
    position = {person_id: i for i, person_id in enumerate(ids)}
    pairs = sorted((position[a], position[b]) for a, b in graph.edges)
    source = np.array([a for a, _ in pairs], dtype=np.int64)
    target = np.array([b for _, b in pairs], dtype=np.int64)
    edges = RelationEdges(source, target, np.ones(len(pairs)))
    count = _source_count(index)
    if count >= n:
        scores = kernel.exact_betweenness(n, edges)
    else:
        sources = tuple(sorted(random.Random(index.data.seed).sample(range(n), count)))
        scores = kernel.sampled_path_scores(n, edges, sources).betweenness
    return {person_id: float(scores[i]) for i, person_id in enumerate(ids)}


def _source_count(index: Index) -> int:
    n = len(index.person)
    return min(n, max(REACH_MIN_SOURCES, REACH_PAIR_BUDGET // max(n, 1)))


def _reach_sources(index: Index) -> list[int]:
    """Everyone up to the budget; beyond it a sample drawn with the input's seed."""
    people = sorted(index.person)
    count = _source_count(index)
    return (
        people
        if count >= len(people)
        else sorted(random.Random(index.data.seed).sample(people, count))
    )


def _cross_team_reach(index: Index, source: int, distances: dict[int, int]) -> float:
    """Sum of 1/distance over the people in other teams the source reaches."""
    team = index.team_of(source)
    return sum(1 / d for t, d in distances.items() if d and index.team_of(t) != team)


def reach_losses(
    graph: nx.DiGraph, index: Index, sources: list[int], candidates: list[int]
) -> dict[int, float]:
    """reach_loss for each candidate, on the compiled kernel (networkit breadth-first search
    from each source in the graph with and without the candidate). Same numbers as reach_loss,
    which stays as the plain reference."""
    ids = sorted(graph.nodes)
    position = {person_id: i for i, person_id in enumerate(ids)}
    n = len(ids)
    pairs = sorted((position[a], position[b]) for a, b in graph.edges)
    whole = kernel.networkit_digraph(
        n,
        np.array([a for a, _ in pairs], dtype=np.int64),
        np.array([b for _, b in pairs], dtype=np.int64),
    )
    team_codes = {team: code for code, team in enumerate(sorted({index.team_of(p) for p in ids}))}
    team = np.array([team_codes[index.team_of(p)] for p in ids], dtype=np.int64)
    source_idx = [position[s] for s in sources]
    base = {s: _inverse_cross_team(whole, s, team) for s in source_idx}
    losses = {}
    for candidate in candidates:
        c = position[candidate]
        without = kernel.networkit_without(whole, c)
        before = after = 0.0
        for s in source_idx:
            if s == c:
                continue
            inverse = base[s]
            before += inverse.sum() - inverse[c]
            after += _inverse_cross_team(without, s, team).sum()
        losses[candidate] = 1 - after / before if before > 0 else 0.0
    return losses


def _inverse_cross_team(graph, source: int, team: np.ndarray) -> np.ndarray:
    """1/distance from `source` to each person of another team it reaches, else 0."""
    distances = kernel.bfs_distances(graph, source)
    reached = (distances > 0) & np.isfinite(distances) & (team != team[source])
    inverse = np.zeros(len(distances))
    inverse[reached] = 1.0 / distances[reached]
    return inverse


def reach_loss(
    graph: nx.DiGraph,
    index: Index,
    distances: dict[int, dict[int, int]],
    reach: dict[int, float],
    removed: int,
) -> float:
    """Share of cross-team reach lost when `removed` is taken out of the directed graph.

    Cross-team reach sums 1/distance over the (source, person in another team) pairs a source
    reaches, so detours count as well as people cut off. `distances` and `reach` are each
    source's shortest path lengths and cross-team reach in the whole graph. The removed person
    is left out as source and as target on both sides, so only their bridging counts.
    """
    removed_team = index.team_of(removed)
    before = after = 0.0
    for source, dist in distances.items():
        if source == removed:
            continue
        team = index.team_of(source)
        kept = reach[source] - (
            1 / dist[removed] if removed in dist and removed_team != team else 0
        )
        before += kept
        after += kept
        for person, new in _distances_without(graph, dist, removed).items():
            if index.team_of(person) != team:
                after += (1 / new if new else 0.0) - 1 / dist[person]
    return 1 - after / before if before > 0 else 0.0


def _distances_without(graph: nx.DiGraph, dist: dict[int, int], removed: int) -> dict[int, int]:
    """New distances (0: no longer reached) of the people whose every shortest path from the
    source ran through `removed`; only that region is searched again."""
    level = dist.get(removed)
    if level is None:
        return {}
    pred, succ = graph.pred, graph.succ
    affected: set[int] = set()
    queue = deque(w for w in sorted(succ[removed]) if dist.get(w) == level + 1)
    queued = set(queue)
    while queue:  # level by level: lost every predecessor one step closer to the source?
        person = queue.popleft()
        d = dist[person]
        if any(dist.get(p) == d - 1 and p != removed and p not in affected for p in pred[person]):
            continue
        affected.add(person)
        for w in sorted(succ[person]):
            if dist.get(w) == d + 1 and w not in queued:
                queued.add(w)
                queue.append(w)
    heap = [
        (min(entry), person)
        for person in sorted(affected)
        if (
            entry := [
                dist[p] + 1
                for p in pred[person]
                if p in dist and p != removed and p not in affected
            ]
        )
    ]
    heapq.heapify(heap)
    new: dict[int, int] = {}
    while heap:  # unit-weight Dijkstra through the affected region
        d, person = heapq.heappop(heap)
        if person in new:
            continue
        new[person] = d
        for w in succ[person]:
            if w in affected and w not in new:
                heapq.heappush(heap, (d + 1, w))
    return {person: new.get(person, 0) for person in affected}


def _flag(index, person_id, kind, score, evidence, *, fragile=False) -> FlagResult:
    moves = MOVES[kind]
    if kind == "silent_member" and not index.person[person_id].responded:
        moves = (UNSEEN_MOVE, *moves)
    return FlagResult(
        person_id=person_id,
        kind=kind,
        score=round(min(1.0, max(0.0, score)), 4),
        evidence=tuple(evidence),
        moves=moves,
        warning=reliability_warning(index, person_id, fragile=fragile),
    )
