"""Map positions in [-1, 1]², computed once per run, deterministic and stable between waves.

- Org-chart placement, every size: teams in depth-first order of the team tree (siblings by id),
  each team's members by id, laid along a Hilbert curve that fills the square, with a gap between
  teams. The curve keeps each team a compact patch and sibling teams side by side. Then every
  person with ties moves a little towards the people they are tied to (combined undirected
  graph), at most NUDGE_CELLS cells, so someone tied across teams sits at the edge facing them.
  O(n + ties), a fraction of a second for 100,000 people.
- Up to SPRING_LIMIT people, that placement seeds networkx's spring layout (seeded,
  Fruchterman-Reingold, dense solver) on the combined graph plus one virtual node per team tied
  to its members and its parent team, so the informal structure shapes the picture. Above it,
  force layouts cost too much (networkit MaxentStress: ~18 s for 10,000 people) and PivotMDS,
  tried, blurred all teams into one blob, so large maps keep the org-chart placement: there the
  ties are read from the drawn lines and the communities, not from distances on the map.
- With previous positions, people who stay keep theirs exactly, so that the map is recognisable
  from wave to wave (to lay everyone out afresh, pass no previous positions). New people go to
  their team's centroid among those who stay, spread in a small sunflower; when no one from their
  team stayed, to their fresh position aligned (similarity Procrustes) onto the previous map.
  Small maps then relax the new people with the spring layout, those who stay pinned.
"""

import math

import networkx as nx
import numpy as np

from influence.analysis.graphs import SurveyGraphs
from influence.analysis.types import PersonIn

SPRING_LIMIT = 500
TEAM_GAP = 2  # empty cells between consecutive teams along the curve
NUDGE = 0.3  # share of the way towards the mean position of one's tie partners
NUDGE_CELLS = 1.0  # the longest nudge, in grid cells: people stay within reach of their team
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


def layout(
    people: list[PersonIn],
    parents: dict[int, int | None],
    graphs: SurveyGraphs,
    previous: dict[int, tuple[float, float]],
    seed: int,
) -> np.ndarray:
    """(n, 2) positions in index order. `people` in index order; `parents`: team → parent."""
    n = len(people)
    if n == 0:
        return np.zeros((0, 2))
    stays = np.asarray([p.id in previous for p in people], dtype=bool)
    start = np.asarray([previous.get(p.id, (0.0, 0.0)) for p in people], dtype=np.float64)
    start = np.clip(start, -1.0, 1.0)
    if stays.all():
        return start
    positions = org_chart_positions(people, parents, graphs)
    if stays.any():
        positions = _place_new_people(people, stays, start, _align(positions, start, stays))
    if n <= SPRING_LIMIT:
        positions = _spring(people, parents, graphs, positions, stays, seed)
    return np.clip(positions, -1.0, 1.0)


def org_chart_positions(
    people: list[PersonIn], parents: dict[int, int | None], graphs: SurveyGraphs
) -> np.ndarray:
    """Teams as patches of a Hilbert curve in team-tree order, nudged towards tie partners."""
    n = len(people)
    rank = {team_id: i for i, team_id in enumerate(team_order(people, parents))}
    team_rank = np.asarray([rank[p.team_id] for p in people], dtype=np.int64)
    order = np.lexsort((np.asarray([p.id for p in people]), team_rank))
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n) + team_rank[order] * TEAM_GAP
    slots = int(slot.max()) + 1
    side = 1 << max(0, math.ceil(math.log2(math.sqrt(slots))))
    cell = (slot * (side * side) // slots).astype(np.int64)  # spread over the whole square
    x, y = hilbert_point(side, cell)
    positions = np.column_stack([x, y]).astype(np.float64)
    positions = (positions + 0.5) / side * 2.0 - 1.0
    return _normalise(_nudge(positions, graphs, 2.0 / side))


def team_order(people: list[PersonIn], parents: dict[int, int | None]) -> list[int]:
    """Team ids depth first from the roots (children by id); teams off the tree at the end."""
    team_ids = sorted({p.team_id for p in people} | set(parents))
    children: dict[int | None, list[int]] = {}
    for team_id in team_ids:
        parent = parents.get(team_id)
        children.setdefault(parent if parent in parents else None, []).append(team_id)
    ordered, seen = [], set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        team_id = stack.pop()
        if team_id in seen:
            continue
        seen.add(team_id)
        ordered.append(team_id)
        stack.extend(reversed(children.get(team_id, [])))
    return ordered + [t for t in team_ids if t not in seen]  # cycles in the tree end up here


def hilbert_point(side: int, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell (x, y) of each position along the Hilbert curve over a side × side grid."""
    x = np.zeros_like(index)
    y = np.zeros_like(index)
    t = index.copy()
    s = 1
    while s < side:
        rx = (t // 2) & 1
        ry = (t ^ rx) & 1
        flip = (ry == 0) & (rx == 1)
        x = np.where(flip, s - 1 - x, x)
        y = np.where(flip, s - 1 - y, y)
        x, y = np.where(ry == 0, y, x), np.where(ry == 0, x, y)
        x, y = x + s * rx, y + s * ry
        t //= 4
        s *= 2
    return x, y


def _nudge(positions: np.ndarray, graphs: SurveyGraphs, cell: float) -> np.ndarray:
    """Move each person with ties a little towards the mean of their tie partners."""
    low, high = graphs.combined.low, graphs.combined.high
    if len(low) == 0:
        return positions
    n = len(positions)
    partners = np.bincount(low, minlength=n) + np.bincount(high, minlength=n)
    total = np.zeros_like(positions)
    np.add.at(total, low, positions[high])
    np.add.at(total, high, positions[low])
    tied = partners > 0
    step = np.zeros_like(positions)
    step[tied] = NUDGE * (total[tied] / partners[tied, None] - positions[tied])
    length = np.linalg.norm(step, axis=1, keepdims=True)
    limit = NUDGE_CELLS * cell
    step = np.where(length > limit, step * limit / np.maximum(length, 1e-300), step)
    return positions + step


def _normalise(positions: np.ndarray) -> np.ndarray:
    """Centre and scale uniformly (aspect kept) so the widest axis spans [-1, 1]."""
    low, high = positions.min(axis=0), positions.max(axis=0)
    half = float(np.max(high - low)) / 2.0
    centred = positions - (low + high) / 2.0
    return centred / half if half > 0 else centred


def _align(fresh: np.ndarray, previous: np.ndarray, stays: np.ndarray) -> np.ndarray:
    """Similarity transform of `fresh` fitted on the people who stay (Umeyama/Procrustes)."""
    if stays.sum() < 3:
        return fresh
    source, target = fresh[stays], previous[stays]
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    a, b = source - source_mean, target - target_mean
    u, singular, vt = np.linalg.svd(b.T @ a)
    rotation = u @ vt
    spread = float((a**2).sum())
    scale = float(singular.sum() / spread) if spread > 0 else 1.0
    return (fresh - source_mean) @ rotation.T * scale + target_mean


def _place_new_people(
    people: list[PersonIn], stays: np.ndarray, previous: np.ndarray, aligned: np.ndarray
) -> np.ndarray:
    """Stayers keep their place; newcomers go near their team's stayers (sunflower around)."""
    positions = np.where(stays[:, None], previous, aligned)
    spacing = 1.0 / math.sqrt(len(people))
    by_team: dict[int, list[int]] = {}
    for i, person in enumerate(people):
        by_team.setdefault(person.team_id, []).append(i)
    for members in by_team.values():
        staying = [i for i in members if stays[i]]
        if not staying:
            continue
        centre = previous[staying].mean(axis=0)
        for rank, i in enumerate(i for i in members if not stays[i]):
            radius = spacing * math.sqrt(rank + 0.5)
            angle = (rank + len(staying)) * GOLDEN_ANGLE
            positions[i] = centre + radius * np.array([math.cos(angle), math.sin(angle)])
    return positions


def _spring(
    people: list[PersonIn],
    parents: dict[int, int | None],
    graphs: SurveyGraphs,
    positions: np.ndarray,
    stays: np.ndarray,
    seed: int,
) -> np.ndarray:
    """networkx spring layout from `positions`; virtual team nodes start at their centroids."""
    n = len(people)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(
        zip(graphs.combined.low.tolist(), graphs.combined.high.tolist(), strict=True)
    )
    start = {i: tuple(p) for i, p in enumerate(positions.tolist())}
    teams = team_order(people, parents)
    node = {team_id: ("team", team_id) for team_id in teams}
    for i, person in enumerate(people):
        graph.add_edge(i, node[person.team_id])
    for team_id in teams:
        if parents.get(team_id) in node:
            graph.add_edge(node[team_id], node[parents[team_id]])
        members = [i for i in graph[node[team_id]] if isinstance(i, int)]
        start[node[team_id]] = tuple(positions[members].mean(axis=0)) if members else (0.0, 0.0)
    pinned = [i for i in range(n) if stays[i]] or None
    result = nx.spring_layout(
        graph, pos=start, fixed=pinned, seed=seed, weight=None, method="force", iterations=50
    )
    placed = np.asarray([result[i] for i in range(n)], dtype=np.float64)
    return placed if pinned else _normalise(placed)
