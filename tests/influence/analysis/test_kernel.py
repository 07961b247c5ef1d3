"""The networkit/numpy kernel against plain networkx: exact agreement where exact, close where
sampled, deterministic communities."""

import random

import networkx as nx
import numpy as np
import pytest

from influence.analysis import kernel
from influence.analysis.graphs import build_graphs, combined_graph
from tests.influence.analysis import TWO_CLIQUES, clique, survey


def random_survey(n: int, p: float, seed: int, **options):
    """A random directed survey with strengths 1–4 and some silent people."""
    rng = random.Random(seed)
    ties = [
        (a, b, rng.randint(1, 4))
        for a in range(1, n + 1)
        for b in range(1, n + 1)
        if a != b and rng.random() < p
    ]
    silent = [i for i in range(1, n + 1) if rng.random() < 0.2]
    ties = [t for t in ties if t[0] not in silent]
    return survey(ties, people=range(1, n + 1), silent=silent, seed=seed, **options)


def in_index_order(graphs, values: dict) -> np.ndarray:
    return np.asarray([values[p] for p in graphs.person_ids])


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_exact_betweenness_and_harmonic_match_networkx(seed):
    data = random_survey(40, 0.07, seed)
    graphs = build_graphs(data)
    edges, graph = graphs.edges["advice"], graphs.directed["advice"]
    betweenness = kernel.exact_betweenness(graphs.size, edges)
    harmonic = kernel.exact_harmonic(graphs.size, edges)
    reference_b = in_index_order(graphs, kernel.betweenness_reference(graph))
    reference_h = in_index_order(graphs, kernel.harmonic_reference(graph))
    assert np.abs(betweenness - reference_b).max() < 1e-9
    assert np.abs(harmonic - reference_h).max() < 1e-9
    assert reference_b.max() > 0 and reference_h.max() > 0  # not a vacuous comparison


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sampled_betweenness_equals_networkx_sampled_with_the_same_seed(seed):
    data = random_survey(60, 0.06, seed)
    graphs = build_graphs(data)
    plan = kernel.sampling_plan(graphs.size, exact_limit=10, samples=20, seed=seed)
    assert plan.mode == kernel.SAMPLED and len(plan.sources) == 20
    sampled = kernel.sampled_path_scores(graphs.size, graphs.edges["advice"], plan.sources)
    reference = kernel.betweenness_reference(graphs.directed["advice"], k=20, seed=seed)
    assert np.abs(sampled.betweenness - in_index_order(graphs, reference)).max() < 1e-9


def test_sampled_scores_are_close_to_exact_on_a_mid_size_graph():
    data = random_survey(500, 0.006, 7)
    graphs = build_graphs(data)
    edges, n = graphs.edges["advice"], graphs.size
    exact_b = kernel.exact_betweenness(n, edges)
    exact_h = kernel.exact_harmonic(n, edges)
    plan = kernel.sampling_plan(n, exact_limit=100, samples=250, seed=3)
    sampled = kernel.sampled_path_scores(n, edges, plan.sources)
    assert np.corrcoef(sampled.betweenness, exact_b)[0, 1] > 0.95
    assert np.abs(sampled.betweenness - exact_b).mean() < 0.2 * exact_b.mean()
    assert sampled.betweenness.mean() == pytest.approx(exact_b.mean(), rel=0.1)  # unbiased
    assert np.corrcoef(sampled.harmonic, exact_h)[0, 1] > 0.95
    top_exact = set(np.argsort(-exact_b, kind="stable")[:10].tolist())
    top_sampled = set(np.argsort(-sampled.betweenness, kind="stable")[:10].tolist())
    assert len(top_exact & top_sampled) >= 6


def test_sampling_plan_is_exact_up_to_the_limit_and_seeded_above():
    assert kernel.sampling_plan(100, exact_limit=100, samples=10, seed=1).mode == kernel.EXACT
    assert kernel.sampling_plan(100, exact_limit=50, samples=100, seed=1).mode == kernel.EXACT
    plan = kernel.sampling_plan(100, exact_limit=50, samples=10, seed=1)
    assert plan == kernel.sampling_plan(100, exact_limit=50, samples=10, seed=1)
    assert plan.sources == tuple(random.Random(1).sample(range(100), 10))


def test_parallel_jobs_give_the_same_numbers_as_one_by_one():
    data = random_survey(80, 0.05, 11)
    graphs = build_graphs(data)
    edges = {"advice": graphs.edges["advice"], "copy": graphs.edges["advice"]}
    scores = kernel.path_scores(graphs.size, edges, kernel.SamplingPlan(kernel.EXACT, ()))
    alone = kernel.exact_betweenness(graphs.size, graphs.edges["advice"])
    for relation in edges:
        assert scores[relation].betweenness.tolist() == alone.tolist()
    again = kernel.path_scores(graphs.size, edges, kernel.SamplingPlan(kernel.EXACT, ()))
    assert again["advice"].harmonic.tolist() == scores["advice"].harmonic.tolist()


def test_two_cliques_are_two_communities_numbered_by_smallest_id():
    # bigger cliques than the metric tests, so that modularity clearly prefers the split
    ties = clique(1, 2, 3, 4, 5) + clique(6, 7, 8, 9, 10) + [(5, 6), (6, 5)]
    graphs = build_graphs(survey(ties))
    labels = kernel.communities(graphs.size, graphs.combined, seed=42)
    assert labels.tolist() == [0] * 5 + [1] * 5
    reference = kernel.communities_reference(combined_graph(graphs), seed=42)
    assert sorted(map(sorted, reference)) == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]


def test_communities_are_deterministic():
    graphs = build_graphs(random_survey(300, 0.01, 5))
    first = kernel.communities(graphs.size, graphs.combined, seed=9)
    assert first.tolist() == kernel.communities(graphs.size, graphs.combined, seed=9).tolist()
    assert first[0] == 0
    seen_first = np.unique(first, return_index=True)[1]
    assert seen_first.tolist() == sorted(seen_first.tolist())  # numbered in order of first member


def test_isolates_are_their_own_communities():
    graphs = build_graphs(survey(TWO_CLIQUES, people=[8, 9]))
    labels = kernel.communities(graphs.size, graphs.combined, seed=1)
    assert labels[7] != labels[8] and labels[7] not in labels[:7]


def test_renumbering_follows_first_member():
    assert kernel.renumber_by_first_member(np.array([7, 7, 3, 9, 3])).tolist() == [0, 0, 1, 2, 1]


def test_empty_and_tiny_graphs():
    empty = build_graphs(survey([]))
    assert kernel.exact_betweenness(0, empty.edges["advice"]).tolist() == []
    assert kernel.communities(0, empty.combined, seed=1).tolist() == []
    pair = build_graphs(survey([(1, 2)]))
    assert kernel.exact_betweenness(2, pair.edges["advice"]).tolist() == [0.0, 0.0]
    assert kernel.exact_harmonic(2, pair.edges["advice"]).tolist() == [0.0, 1.0]
    assert kernel.pagerank(nx.DiGraph()) == {}
