"""Per person and relation: degrees, PageRank, betweenness, harmonic closeness and percentiles.

Edges point from the respondent to the nominee, so in-degree counts the distinct people who go to
a person, out-degree the distinct people a respondent goes to (None when they did not answer:
unknown, not zero). Percentiles compare in-degrees:

    in_degree_pct_org(v)  = |{u in the organisation: in_degree(u) < in_degree(v)}| / |organisation|
    in_degree_pct_team(v) = the same within v's own team (members of sub-teams not included)

Strictly lower, over everyone in the group including v: tied people share the same value (the
share below the whole tie), the most-named person of a group of ten gets 0.9, and everyone gets 0
when no one stands out (all tied).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from influence.analysis import kernel
from influence.analysis.graphs import RelationEdges, SurveyGraphs
from influence.analysis.types import AnalysisInput, PersonIn, RelationMetrics


@dataclass(frozen=True)
class Degrees:
    """Index-ordered degree arrays of one relation."""

    in_degree: np.ndarray  # int64, distinct nominators
    weighted_in_degree: np.ndarray  # float64, sum of strengths
    out_degree: np.ndarray  # int64, distinct nominees (meaningful for respondents only)


def people_in_index_order(data: AnalysisInput, graphs: SurveyGraphs) -> list[PersonIn]:
    """One PersonIn per graph node, in index order (ascending id; the first wins on duplicates)."""
    by_id: dict[int, PersonIn] = {}
    for person in data.people:
        by_id.setdefault(person.id, person)
    return [by_id[person_id] for person_id in graphs.person_ids]


def degrees(n: int, edges: RelationEdges) -> Degrees:
    """In-degree (people naming v), weighted in-degree (their strengths), out-degree (named)."""
    return Degrees(
        np.bincount(edges.target, minlength=n).astype(np.int64),
        np.bincount(edges.target, weights=edges.strength, minlength=n).astype(np.float64),
        np.bincount(edges.source, minlength=n).astype(np.int64),
    )


def share_strictly_lower(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each element: share of its group (itself included) with a strictly lower value."""
    if len(values) == 0:
        return np.zeros(0)
    order = np.lexsort((values, groups))
    sorted_groups, sorted_values = groups[order], values[order]
    positions = np.arange(len(values))
    run_start = np.ones(len(values), dtype=bool)  # first of a run of equal (group, value)
    run_start[1:] = (sorted_groups[1:] != sorted_groups[:-1]) | (
        sorted_values[1:] != sorted_values[:-1]
    )
    first_of_run = np.maximum.accumulate(np.where(run_start, positions, 0))
    group_start = np.searchsorted(sorted_groups, sorted_groups, side="left")
    group_end = np.searchsorted(sorted_groups, sorted_groups, side="right")
    shares = np.empty(len(values))
    shares[order] = (first_of_run - group_start) / (group_end - group_start)
    return shares


def relation_metrics(
    people: Sequence[PersonIn],
    relation_degrees: Degrees,
    pagerank: dict[int, float],
    scores: kernel.PathScores,
) -> list[RelationMetrics]:
    """RelationMetrics for every person of one relation, in index order."""
    teams = np.asarray([p.team_id for p in people], dtype=np.int64)
    in_degree = relation_degrees.in_degree
    pct_org = share_strictly_lower(in_degree, np.zeros(len(people), dtype=np.int64)).tolist()
    pct_team = share_strictly_lower(in_degree, teams).tolist()
    columns = zip(
        people,
        in_degree.tolist(),
        relation_degrees.weighted_in_degree.tolist(),
        relation_degrees.out_degree.tolist(),
        scores.betweenness.tolist(),
        scores.harmonic.tolist(),
        pct_org,
        pct_team,
        strict=True,
    )
    return [
        RelationMetrics(
            in_degree=into,
            weighted_in_degree=weighted,
            out_degree=out if person.responded else None,
            pagerank=pagerank[person.id],
            betweenness=betweenness,
            harmonic=harmonic,
            in_degree_pct_org=org,
            in_degree_pct_team=team,
        )
        for person, into, weighted, out, betweenness, harmonic, org, team in columns
    ]


def all_relation_metrics(
    data: AnalysisInput, graphs: SurveyGraphs, plan: kernel.SamplingPlan
) -> dict[str, list[RelationMetrics]]:
    """Every relation's metrics, in index order (people sorted by id)."""
    people = people_in_index_order(data, graphs)
    scores = kernel.path_scores(graphs.size, graphs.edges, plan)
    return {
        relation: relation_metrics(
            people,
            degrees(graphs.size, edges),
            kernel.pagerank(graphs.directed[relation]),
            scores[relation],
        )
        for relation, edges in sorted(graphs.edges.items())
    }
