"""The expensive graph measures, each with a plain networkx reference the tests hold it to.

Edges point from the respondent to the nominee (me → the person I go to). Shortest paths are
unweighted: tie strength is never used as a distance (networkx would read `weight` as one), so a
"daily" tie is not "longer" than a "monthly" one. Strength only enters PageRank, as a strength.

- betweenness(v): share of ordered (s, t) pairs, s ≠ v ≠ t, whose shortest paths pass through v,
  each pair counting the fraction of its shortest paths via v; normalised as networkx
  `betweenness_centrality(G, normalized=True)` on a directed graph: divided by (n-1)(n-2).
  Exact: networkit Betweenness (Brandes, C++).
- harmonic(v): sum of 1/d(u, v) over the people u who reach v (incoming distances), as networkx
  `harmonic_centrality(G)`: how close the organisation is to v when it seeks v out. Exact: a
  bit-parallel BFS in numpy (see `exact_harmonic`; ten times networkit's HarmonicCloseness).
- community: Louvain (networkit PLM) on the combined undirected graph, numbered 0.. in order of
  each community's smallest person id.
- PageRank stays networkx (scipy inside): under 1 s per relation for 100,000 people.

Determinism: every networkit call runs on one OpenMP thread (networkit's parallel betweenness
sums per-thread partial scores in a scheduling-dependent order, which changes the last bits);
the relations run side by side in Python threads instead, which networkit allows (no GIL).

Sampled mode (n above the exact limit): `k` source people drawn without replacement with
`random.Random(seed).sample(range(n), k)` — the draw networkx makes for `betweenness_centrality(G,
k=k, seed=seed)` on a graph whose nodes are in ascending id order — then Brandes from those sources
only (numpy, level by level), rescaled exactly as networkx does for sampled estimates: a person's
sum is divided by k(n-2), or by (k-1)(n-2) when the person is one of the sources (a source is
never between its own pairs). Both are unbiased estimates of the exact normalised value; with the
same seed they equal networkx's sampled result. networkit's EstimateBetweenness was not used: its
linear-scaling estimator is built for undirected graphs and draws sources with replacement, so
its values are not on networkx's scale for directed graphs. Harmonic closeness in sampled mode is
estimated from the same searches: the sum over sampled sources scaled by (n-1)/k, or (n-1)/(k-1)
for a sampled person.
"""

import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import networkit as nk
import networkx as nx
import numpy as np

from influence.analysis.graphs import CombinedEdges, RelationEdges

EXACT = "exact"
SAMPLED = "sampled"


@dataclass(frozen=True)
class SamplingPlan:
    mode: str  # EXACT or SAMPLED
    sources: tuple[int, ...]  # sampled source indices, in draw order; empty when exact


@dataclass(frozen=True)
class PathScores:
    """Per-node arrays in index order (people sorted by id)."""

    betweenness: np.ndarray
    harmonic: np.ndarray


def sampling_plan(n: int, *, exact_limit: int, samples: int, seed: int) -> SamplingPlan:
    """Exact up to `exact_limit` people (or when the samples would cover everyone)."""
    k = max(2, samples)
    if n <= exact_limit or k >= n:
        return SamplingPlan(EXACT, ())
    return SamplingPlan(SAMPLED, tuple(random.Random(seed).sample(range(n), k)))


def path_scores(
    n: int, edges_by_relation: dict[str, RelationEdges], plan: SamplingPlan
) -> dict[str, PathScores]:
    """Betweenness and harmonic closeness for every relation, computed in parallel threads.

    Each job runs networkit on one thread of its own, so results never depend on how work was
    split between threads (summation order), and the relations run side by side instead.
    """
    jobs: dict[tuple[str, str], Callable[[], np.ndarray | PathScores]] = {}
    for relation, edges in sorted(edges_by_relation.items()):
        if plan.mode == EXACT:
            jobs[relation, "betweenness"] = partial(exact_betweenness, n, edges)
            jobs[relation, "harmonic"] = partial(exact_harmonic, n, edges)
        else:
            jobs[relation, "sampled"] = partial(sampled_path_scores, n, edges, plan.sources)
    results = _run_side_by_side(jobs)
    scores = {}
    for relation in sorted(edges_by_relation):
        if plan.mode == EXACT:
            betweenness = results[relation, "betweenness"]
            scores[relation] = PathScores(betweenness, results[relation, "harmonic"])
        else:
            scores[relation] = results[relation, "sampled"]
    return scores


def _run_side_by_side(jobs: dict) -> dict:
    """Run independent jobs side by side; each one's networkit calls use one OpenMP thread."""
    if not jobs:
        return {}
    workers = max(1, min(len(jobs), nk.getMaxNumberOfThreads()))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


@contextmanager
def one_thread() -> Iterator[None]:
    """networkit on one OpenMP thread (a per-thread setting): same summation order every run."""
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        yield
    finally:
        nk.setNumberOfThreads(threads)


def networkit_digraph(n: int, source: np.ndarray, target: np.ndarray) -> nk.Graph:
    """Unweighted directed networkit graph over indices 0..n-1, edges source → target."""
    graph = nk.Graph(n, weighted=False, directed=True)
    if len(source):
        graph.addEdges((source.astype(np.uint64), target.astype(np.uint64)))
    return graph


def exact_betweenness(n: int, edges: RelationEdges) -> np.ndarray:
    """Exact directed betweenness, unweighted, divided by (n-1)(n-2) as networkx does."""
    if n == 0:
        return np.zeros(0)
    algorithm = nk.centrality.Betweenness(networkit_digraph(n, edges.source, edges.target))
    with one_thread():
        algorithm.run()
    scores = np.asarray(algorithm.scores(), dtype=np.float64)
    return scores / ((n - 1) * (n - 2)) if n > 2 else scores


def exact_harmonic(n: int, edges: RelationEdges, words: int = 16) -> np.ndarray:
    """Sum of 1/d(u, v) over everyone u who reaches v: bit-parallel BFS from all sources.

    64 × `words` sources travel together as bits of one row per node (multi-source BFS), and
    each level touches only edges leaving nodes that some source has just reached. Measured on
    10,000 people: 0.5 s per relation, against 5.8 s for networkit's HarmonicCloseness on the
    reversed graph (one thread). Counts are integers, so the result does not depend on the order.
    """
    harmonic = np.zeros(n)
    order = np.argsort(edges.target, kind="stable")
    pulled_from, pulled_into = edges.source[order], edges.target[order]
    width = 64 * words
    for first in range(0, n if len(order) else 0, width):
        batch = np.arange(first, min(n, first + width))
        _harmonic_batch(n, batch - first, batch, pulled_from, pulled_into, harmonic)
    return harmonic


def _harmonic_batch(n, slot, batch, pulled_from, pulled_into, harmonic) -> None:
    words = int(slot.max()) // 64 + 1
    frontier = np.zeros((n, words), dtype=np.uint64)  # bit j: reached by source j this level
    frontier[batch, slot // 64] = np.left_shift(np.uint64(1), (slot % 64).astype(np.uint64))
    seen = frontier.copy()
    active = np.zeros(n, dtype=bool)
    active[batch] = True
    depth = 0
    while True:
        depth += 1
        live = active[pulled_from]
        into = pulled_into[live]
        if len(into) == 0:
            return
        targets, starts = np.unique(into, return_index=True)
        new = np.bitwise_or.reduceat(frontier[pulled_from[live]], starts, axis=0) & ~seen[targets]
        counts = np.bitwise_count(new).sum(axis=1)
        keep = counts > 0
        if not keep.any():
            return
        targets, new = targets[keep], new[keep]
        harmonic[targets] += counts[keep] / depth
        seen[targets] |= new
        frontier[active] = 0
        active[:] = False
        frontier[targets], active[targets] = new, True


def sampled_path_scores(n: int, edges: RelationEdges, sources: tuple[int, ...]) -> PathScores:
    """Brandes from the sampled sources only, rescaled as networkx does (see module doc)."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(edges.source, minlength=n), out=indptr[1:])
    work = _BrandesWork(indptr, edges.target.astype(np.int64), n)
    for source in sources:
        work.accumulate(source)
    k = len(sources)
    is_source = np.zeros(n, dtype=bool)
    is_source[list(sources)] = True
    pair_scale = np.where(is_source, 1.0 / ((k - 1) * (n - 2)), 1.0 / (k * (n - 2)))
    reach_scale = np.where(is_source, (n - 1) / (k - 1), (n - 1) / k)
    return PathScores(work.betweenness * pair_scale, work.harmonic * reach_scale)


class _BrandesWork:
    """Level-synchronous BFS and dependency accumulation, vectorised with numpy per level."""

    def __init__(self, indptr: np.ndarray, targets: np.ndarray, n: int):
        self.indptr, self.targets = indptr, targets
        self.dist = np.full(n, -1, dtype=np.int64)
        self.sigma = np.zeros(n)  # number of shortest paths from the source
        self.delta = np.zeros(n)  # dependency of the source on each node
        self.mark = np.zeros(n, dtype=np.int64)
        self.betweenness = np.zeros(n)
        self.harmonic = np.zeros(n)

    def accumulate(self, source: int) -> None:
        levels, reached = self._search(source)
        for before, after in reversed(levels):
            share = self.sigma[before] / self.sigma[after] * (1.0 + self.delta[after])
            np.add.at(self.delta, before, share)
        self.delta[source] = 0.0
        self.betweenness[reached] += self.delta[reached]
        others = reached[1:]
        self.harmonic[others] += 1.0 / self.dist[others]
        self.dist[reached], self.sigma[reached], self.delta[reached] = -1, 0.0, 0.0

    def _search(self, source: int) -> tuple[list, np.ndarray]:
        """BFS from `source`: shortest-path DAG edges per level and the nodes reached."""
        self.dist[source], self.sigma[source] = 0, 1.0
        frontier = np.array([source], dtype=np.int64)
        levels, reached, depth = [], [frontier], 0
        while True:
            starts = self.indptr[frontier]
            counts = self.indptr[frontier + 1] - starts
            ends = np.cumsum(counts)
            if ends[-1] == 0:
                break
            before = np.repeat(frontier, counts)
            after = self.targets[np.arange(ends[-1]) + np.repeat(starts - ends + counts, counts)]
            seen = self.dist[after]
            new = after[seen < 0]
            self.dist[new] = depth + 1
            on_dag = (seen < 0) | (seen == depth + 1)
            before, after = before[on_dag], after[on_dag]
            np.add.at(self.sigma, after, self.sigma[before])
            levels.append((before, after))
            if new.size == 0:
                break
            order = np.arange(new.size)
            self.mark[new] = order  # keep one copy of each newly reached node
            frontier = new[self.mark[new] == order]
            reached.append(frontier)
            depth += 1
        return levels, np.concatenate(reached)


def communities(n: int, combined: CombinedEdges, seed: int) -> np.ndarray:
    """Louvain (networkit PLM, one thread, seeded) on the combined graph weighted by ties.

    Communities are numbered 0.. by their smallest member index (= smallest person id).
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = nk.Graph(n, weighted=True, directed=False)
    if len(combined.low):
        low, high = combined.low.astype(np.uint64), combined.high.astype(np.uint64)
        graph.addEdges((combined.ties.astype(np.float64), (low, high)))
    algorithm = nk.community.PLM(graph, refine=False, par="none")
    with one_thread():
        nk.setSeed(seed, False)
        algorithm.run()
    labels = np.asarray(algorithm.getPartition().getVector(), dtype=np.int64)
    return renumber_by_first_member(labels)


def renumber_by_first_member(labels: np.ndarray) -> np.ndarray:
    """Relabel so that community 0 holds index 0, community 1 the next unseen index, and so on."""
    if len(labels) == 0:
        return labels
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]


def pagerank(graph: nx.DiGraph) -> dict[int, float]:
    """networkx PageRank, alpha 0.85, `strength` as an edge strength (more often → more share).

    A person who named nobody (or did not answer) spreads their share evenly over everyone.
    """
    if graph.number_of_nodes() == 0:
        return {}
    return nx.pagerank(graph, alpha=0.85, weight="strength")


# Plain-networkx references, used by the tests and the benchmark.


def betweenness_reference(
    graph: nx.DiGraph, *, k: int | None = None, seed: int | None = None
) -> dict[int, float]:
    """networkx directed betweenness, unweighted (strength ignored), normalised."""
    return nx.betweenness_centrality(graph, k=k, normalized=True, weight=None, seed=seed)


def harmonic_reference(graph: nx.DiGraph) -> dict[int, float]:
    """networkx harmonic centrality, unweighted: sum of 1/d(u, v) over u reaching v."""
    return nx.harmonic_centrality(graph, distance=None)


def communities_reference(graph: nx.Graph, seed: int) -> list[set[int]]:
    """networkx Louvain on the combined graph weighted by `ties`."""
    return nx.community.louvain_communities(graph, weight="ties", seed=seed)


def networkit_without(graph: nk.Graph, removed: int) -> nk.Graph:
    """A copy of a networkit graph with one node taken out (indices unchanged)."""
    copy = nk.Graph(graph, weighted=False, directed=graph.isDirected())
    copy.removeNode(removed)
    return copy


def bfs_distances(graph: nk.Graph, source: int) -> np.ndarray:
    """Hop distances from `source` along edge direction; inf where it does not reach."""
    search = nk.distance.BFS(graph, source, storePaths=False)
    search.run()
    distances = np.asarray(search.getDistances(), dtype=np.float64)
    distances[distances > 1e300] = np.inf
    return distances
