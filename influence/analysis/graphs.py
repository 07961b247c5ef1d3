"""Survey nominations as graphs: one directed graph per relation plus the combined undirected one.

Every invited person is a node, respondents and non-respondents alike (a non-respondent's incoming
ties are real observations; their outgoing ties are unknown). An edge points from the respondent
to the nominee ("I go to X for advice": me → X) and carries `strength` (1 monthly … 4 daily; 1
when the question did not ask). Self-nominations and nominees outside the people are dropped; a
nomination repeated for the same pair and relation is one tie with the highest strength given.

Besides the networkx graphs, each relation keeps its edges as numpy arrays over contiguous node
indices (people sorted by id → 0..n-1): the networkit kernel and the vectorised metrics use those.
The combined undirected graph (communities, layout) is kept as arrays too and turned into a
networkx graph only on request (`combined_graph`), since the pipeline itself never needs it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from influence.analysis.types import AnalysisInput, NominationIn


@dataclass(frozen=True)
class RelationEdges:
    """Distinct ties of one relation, sorted by (source, target); source → target."""

    source: np.ndarray  # int64 index of the respondent
    target: np.ndarray  # int64 index of the nominee
    strength: np.ndarray  # float64, ≥ 1


@dataclass(frozen=True)
class CombinedEdges:
    """Undirected pairs low < high with `ties`: how many (relation, direction) ties join them."""

    low: np.ndarray
    high: np.ndarray
    ties: np.ndarray  # int64, 1 … 2 × number of relations


@dataclass(frozen=True)
class SurveyGraphs:
    person_ids: tuple[int, ...]  # sorted; position = contiguous index
    index: dict[int, int]  # person id → index
    directed: dict[str, nx.DiGraph]  # relation → graph over person ids, edge respondent → nominee
    edges: dict[str, RelationEdges]  # relation → the same edges as index arrays
    combined: CombinedEdges

    @property
    def size(self) -> int:
        return len(self.person_ids)


def node_index(person_ids: Iterable[int]) -> dict[int, int]:
    """Contiguous indices 0..n-1 for the given ids in ascending id order."""
    return {person_id: i for i, person_id in enumerate(sorted(set(person_ids)))}


def build_graphs(data: AnalysisInput) -> SurveyGraphs:
    """Per-relation directed graphs (respondent → nominee) and the combined undirected ties."""
    index = node_index(p.id for p in data.people)
    person_ids = tuple(index)
    relations = tuple(sorted(set(data.relations)))
    edges = nomination_edges(data.nominations, relations, person_ids)
    directed = {relation: _digraph(person_ids, edges[relation]) for relation in relations}
    combined = combined_edges(len(person_ids), edges.values())
    return SurveyGraphs(person_ids, index, directed, edges, combined)


def nomination_edges(
    nominations: Sequence[NominationIn], relations: Sequence[str], person_ids: Sequence[int]
) -> dict[str, RelationEdges]:
    """Distinct ties per relation as index arrays; strength is the highest given (1 if None)."""
    codes = {relation: code for code, relation in enumerate(relations)}
    count = len(nominations)
    rel = np.fromiter((codes.get(x.relation, -1) for x in nominations), np.int64, count)
    respondent = np.fromiter((x.respondent for x in nominations), np.int64, count)
    nominee = np.fromiter((x.nominee for x in nominations), np.int64, count)
    strength = np.fromiter((x.strength or 1 for x in nominations), np.float64, count)
    ids = np.asarray(person_ids, dtype=np.int64)
    source, source_ok = _positions(ids, respondent)
    target, target_ok = _positions(ids, nominee)
    keep = (rel >= 0) & source_ok & target_ok & (source != target)
    rel, source, target, strength = rel[keep], source[keep], target[keep], strength[keep]
    order = np.lexsort((strength, target, source, rel))  # the last of a pair has the top strength
    rel, source, target, strength = rel[order], source[order], target[order], strength[order]
    last = np.ones(len(rel), dtype=bool)
    last[:-1] = (rel[1:] != rel[:-1]) | (source[1:] != source[:-1]) | (target[1:] != target[:-1])
    rel, source, target, strength = rel[last], source[last], target[last], strength[last]
    return {
        relation: RelationEdges(source[rel == code], target[rel == code], strength[rel == code])
        for relation, code in codes.items()
    }


def _positions(ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each value in the sorted `ids`, and whether it is there at all."""
    if len(ids) == 0:
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    position = np.minimum(np.searchsorted(ids, values), len(ids) - 1)
    return position, ids[position] == values


def _digraph(person_ids: tuple[int, ...], edges: RelationEdges) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(person_ids)
    ids = np.asarray(person_ids, dtype=np.int64)
    graph.add_weighted_edges_from(
        zip(
            ids[edges.source].tolist(),
            ids[edges.target].tolist(),
            edges.strength.tolist(),
            strict=True,
        ),
        weight="strength",
    )
    return graph


def combined_edges(n: int, all_edges: Iterable[RelationEdges]) -> CombinedEdges:
    """Undirected pairs (low index, high index) with the number of directed ties between them."""
    lows = [np.minimum(e.source, e.target) for e in all_edges]
    highs = [np.maximum(e.source, e.target) for e in all_edges]
    if not lows:
        empty = np.zeros(0, dtype=np.int64)
        return CombinedEdges(empty, empty, empty)
    keys = np.concatenate(lows) * max(n, 1) + np.concatenate(highs)
    unique, counts = np.unique(keys, return_counts=True)
    return CombinedEdges(unique // max(n, 1), unique % max(n, 1), counts.astype(np.int64))


def combined_graph(graphs: SurveyGraphs) -> nx.Graph:
    """The combined undirected networkx graph over person ids, edge attribute `ties`."""
    graph = nx.Graph()
    graph.add_nodes_from(graphs.person_ids)
    ids = np.asarray(graphs.person_ids, dtype=np.int64)
    pairs = zip(
        ids[graphs.combined.low].tolist(),
        ids[graphs.combined.high].tolist(),
        graphs.combined.ties.tolist(),
        strict=True,
    )
    graph.add_weighted_edges_from(pairs, weight="ties")
    return graph
