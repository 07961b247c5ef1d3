"""Per-person metrics on small graphs worked out by hand (edges respondent → nominee)."""

import dataclasses

import networkx as nx
import numpy as np
import pytest

from influence.analysis import kernel
from influence.analysis.graphs import build_graphs
from influence.analysis.metrics import all_relation_metrics, share_strictly_lower
from influence.analysis.types import NominationIn, RelationMetrics
from tests.influence.analysis import STAR, TWO_CLIQUES, survey


def metrics_of(data) -> dict[int, dict[str, RelationMetrics]]:
    graphs = build_graphs(data)
    plan = kernel.sampling_plan(graphs.size, exact_limit=10_000, samples=1000, seed=data.seed)
    per_relation = all_relation_metrics(data, graphs, plan)
    return {
        person_id: {relation: rows[i] for relation, rows in per_relation.items()}
        for i, person_id in enumerate(graphs.person_ids)
    }


def test_star_degrees_harmonic_and_percentiles():
    result = metrics_of(survey(STAR, silent=[1]))
    centre = result[1]["advice"]
    assert (centre.in_degree, centre.weighted_in_degree, centre.out_degree) == (4, 4.0, None)
    assert centre.harmonic == 4.0  # four people reach the centre in one step
    assert centre.betweenness == 0.0  # nobody goes through anyone
    assert centre.in_degree_pct_org == 0.8  # 4 of the 5 people are named less
    leaf = result[2]["advice"]
    assert (leaf.in_degree, leaf.out_degree, leaf.harmonic) == (0, 1, 0.0)
    assert leaf.in_degree_pct_org == 0.0 and leaf.in_degree_pct_team == 0.0


def test_star_pagerank_by_hand_and_against_networkx():
    # The centre names nobody, so its share is spread evenly: c = 0.03 + 3.4 l + 0.17 c and
    # l = 0.03 + 0.17 c give c = 11/21, l = 5/42.
    data = survey(STAR, silent=[1])
    result = metrics_of(data)
    assert result[1]["advice"].pagerank == pytest.approx(11 / 21, abs=1e-5)
    assert result[3]["advice"].pagerank == pytest.approx(5 / 42, abs=1e-5)
    reference = nx.pagerank(build_graphs(data).directed["advice"], alpha=0.85, weight="strength")
    assert {p: m["advice"].pagerank for p, m in result.items()} == reference


def test_bridge_between_two_cliques():
    result = metrics_of(survey(TWO_CLIQUES))
    # every path between the cliques (3 × 3 pairs each way) runs through 4: 18 / (6 × 5)
    assert result[4]["advice"].betweenness == pytest.approx(18 / 30, abs=1e-12)
    # 3 carries {1, 2} ↔ {4, 5, 6, 7}: 2 × 4 pairs each way
    assert result[3]["advice"].betweenness == pytest.approx(16 / 30, abs=1e-12)
    assert result[1]["advice"].betweenness == 0.0
    # distances into 4: 1 from 3 and 5, 2 from 1, 2, 6 and 7
    assert result[4]["advice"].harmonic == pytest.approx(4.0, abs=1e-12)
    # distances into 1: 1, 1 (2, 3), 2 (4), 3 (5), 4, 4 (6, 7)
    assert result[1]["advice"].harmonic == pytest.approx(1 + 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 4)


def test_isolate_is_a_node_with_zeros():
    result = metrics_of(survey(TWO_CLIQUES, people=[8]))
    isolate = result[8]["advice"]
    assert (isolate.in_degree, isolate.out_degree, isolate.betweenness, isolate.harmonic) == (
        0,
        0,
        0.0,
        0.0,
    )
    assert isolate.pagerank > 0
    # adding a node changes normalisation only: 4 still carries 18 ordered pairs, now of 7 × 6
    assert result[4]["advice"].betweenness == pytest.approx(18 / 42, abs=1e-12)


def test_non_respondent_with_incoming_ties_keeps_them():
    data = survey([(1, 9, 3), (2, 9, 4), (1, 2)], silent=[9])
    nine = metrics_of(data)[9]["advice"]
    assert (nine.in_degree, nine.weighted_in_degree, nine.out_degree) == (2, 7.0, None)


def test_out_degree_of_respondent_who_named_nobody_is_zero_not_none():
    result = metrics_of(survey([(1, 2)], people=[3]))
    assert result[3]["advice"].out_degree == 0


def test_repeated_nomination_is_one_tie_with_highest_strength_and_self_loops_are_ignored():
    result = metrics_of(survey([(1, 2, 1), (1, 2, 4), (1, 1, 4), (3, 2, None)]))
    assert result[2]["advice"].in_degree == 2
    assert result[2]["advice"].weighted_in_degree == 5.0  # 4 (highest of 1 and 4) + 1 (None)
    assert result[1]["advice"].in_degree == 0


def test_nominee_outside_the_people_is_ignored():
    data = survey([(1, 2)])
    outsider = NominationIn(respondent=1, nominee=99, relation="advice", strength=2)
    data = dataclasses.replace(data, nominations=data.nominations + (outsider,))
    result = metrics_of(data)
    assert set(result) == {1, 2}
    assert result[1]["advice"].out_degree == 1


def test_strength_is_not_a_distance_but_moves_pagerank():
    weak = survey([(1, 2, 1), (2, 3, 1), (1, 3, 1), (3, 1, 1), (4, 3, 1), (4, 1, 1)])
    strong = survey([(1, 2, 1), (2, 3, 4), (1, 3, 1), (3, 1, 1), (4, 3, 1), (4, 1, 4)])
    a, b = metrics_of(weak), metrics_of(strong)
    for person in a:
        assert a[person]["advice"].betweenness == b[person]["advice"].betweenness
        assert a[person]["advice"].harmonic == b[person]["advice"].harmonic
    # 4 now goes to 1 four times as often as to 3: more of 4's share reaches 1
    assert b[1]["advice"].pagerank > a[1]["advice"].pagerank


def test_a_daily_tie_is_not_a_long_way_round():
    # 1 → 2 daily (strength 4), and 1 → 4 → 2 monthly. Read as distances, 4 would lie on the
    # shortest path (1 + 1 < 4); as ties, 1 goes straight to 2.
    data = survey([(1, 2, 4), (1, 4, 1), (4, 2, 1)])
    assert metrics_of(data)[4]["advice"].betweenness == 0.0
    misread = nx.betweenness_centrality(build_graphs(data).directed["advice"], weight="strength")
    assert misread[4] > 0


def test_percentiles_count_strictly_lower_and_ties_share_a_value():
    values = np.array([3, 1, 1, 0, 5])
    assert share_strictly_lower(values, np.zeros(5, dtype=int)).tolist() == [
        0.6,
        0.2,
        0.2,
        0.0,
        0.8,
    ]
    everyone_tied = share_strictly_lower(np.array([2, 2, 2]), np.zeros(3, dtype=int))
    assert everyone_tied.tolist() == [0.0, 0.0, 0.0]


def test_team_percentile_compares_within_the_own_team_only():
    # team 1: 1 named by 2 and 3; team 2: 4 named by 5; 6 named by nobody
    data = survey([(2, 1), (3, 1), (5, 4)], people=[6], teams={1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2})
    result = metrics_of(data)
    assert result[1]["advice"].in_degree_pct_team == pytest.approx(2 / 3)
    assert result[4]["advice"].in_degree_pct_team == pytest.approx(2 / 3)
    assert result[4]["advice"].in_degree_pct_org == pytest.approx(4 / 6)
    assert result[1]["advice"].in_degree_pct_org == pytest.approx(5 / 6)


def test_every_relation_gets_metrics_even_without_nominations():
    result = metrics_of(survey({"advice": [(1, 2)], "help": []}))
    assert set(result[1]) == {"advice", "help"}
    assert result[2]["help"].in_degree == 0
    assert result[2]["help"].pagerank == pytest.approx(0.5)
