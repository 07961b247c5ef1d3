"""Per team and for the organisation: response and the shape of each relation's network.

A team's group is its own members only: members of its sub-teams are not included (a lead's
roll-up over sub-teams is a reading of these rows, not another measure). The organisation is
everyone (team_id None). Teams without people get no row. Edges point from the respondent to the
nominee. Per relation, in `relations[relation]`:

- density: ties inside the group / (respondents × (size - 1)). Only respondents' out-ties are
  observed, so the denominator counts the ties that could have been seen; at random non-response
  this estimates the full density rather than shrinking with the response rate. None when nobody
  answered or the group has one person.
- centralisation: Freeman in-degree centralisation of the group's internal ties,
  sum(max - d_i) / (size - 1)^2: 1 for a star (everyone goes to one person), 0 when everyone is
  named equally often. None below two people.
- cross_team_share: share of the ties from the group's members whose nominee is in another team
  (another team than the member's own, also for the organisation). None without ties.
- for `help` also top5_share: share of the help ties received by the group's members that go to
  its top 5 % most-named (rounded down, at least one person); and gini: Gini coefficient of the
  members' help in-degree (distinct nominators, from anywhere). Both None when nobody in the group
  is named for help.

All computed at once for every group with numpy (group codes), so 10,000 teams cost one pass.
"""

from dataclasses import dataclass

import numpy as np

from influence.analysis.graphs import RelationEdges, SurveyGraphs
from influence.analysis.metrics import people_in_index_order
from influence.analysis.types import ORGANIZATION, AnalysisInput, GroupResult

CONCENTRATION_RELATION = "help"
TOP_PERCENT = 5


@dataclass(frozen=True)
class Grouping:
    """Each person's group code (0..count-1) and what every person needs for the measures."""

    codes: np.ndarray  # group code per person index
    count: int
    team: np.ndarray  # team id per person index
    responded: np.ndarray  # bool per person index


def group_results(data: AnalysisInput, graphs: SurveyGraphs) -> list[GroupResult]:
    """The organisation first, then each team with people, by team id."""
    people = people_in_index_order(data, graphs)
    if not people:
        return []
    team = np.asarray([p.team_id for p in people], dtype=np.int64)
    responded = np.asarray([p.responded for p in people], dtype=bool)
    # teams of the input that have people; anyone else counts for the organisation only
    team_ids = sorted({t.id for t in data.teams} & set(team.tolist()))
    code_of = {team_id: code for code, team_id in enumerate(team_ids)}
    team_codes = np.asarray([code_of.get(t, len(team_ids)) for t in team.tolist()], np.int64)
    org = Grouping(np.zeros(len(people), dtype=np.int64), 1, team, responded)
    teams = Grouping(team_codes, len(team_ids) + 1, team, responded)  # + the "unlisted" code
    threshold = data.thresholds.reliable_response_rate
    results = _results(org, [ORGANIZATION], graphs.edges, threshold)
    return results + _results(teams, team_ids, graphs.edges, threshold)


def _results(
    grouping: Grouping, ids: list, edges: dict[str, RelationEdges], threshold: float
) -> list[GroupResult]:
    size = np.bincount(grouping.codes, minlength=grouping.count)
    respondents = np.bincount(grouping.codes[grouping.responded], minlength=grouping.count)
    per_relation = {
        relation: _relation_columns(grouping, size, respondents, relation_edges, relation)
        for relation, relation_edges in sorted(edges.items())
    }
    results = []
    for code, group_id in enumerate(ids):
        rate = float(respondents[code] / size[code])
        relations = {
            relation: {name: column[code] for name, column in columns.items()}
            for relation, columns in per_relation.items()
        }
        results.append(
            GroupResult(
                team_id=group_id,
                size=int(size[code]),
                respondents=int(respondents[code]),
                response_rate=rate,
                relations=relations,
                low_response=rate < threshold,
            )
        )
    return results


def _relation_columns(
    grouping: Grouping,
    size: np.ndarray,
    respondents: np.ndarray,
    edges: RelationEdges,
    relation: str,
) -> dict[str, list[float | None]]:
    codes, count = grouping.codes, grouping.count
    inside = codes[edges.source] == codes[edges.target]
    observed = inside & grouping.responded[edges.source]
    internal_ties = np.bincount(codes[edges.source[observed]], minlength=count)
    columns = {
        "density": _ratio(internal_ties, respondents * (size - 1)),
        "centralisation": _centralisation(codes, count, size, edges.target[inside]),
        "cross_team_share": _ratio(
            np.bincount(
                codes[edges.source],
                weights=(grouping.team[edges.source] != grouping.team[edges.target]).astype(float),
                minlength=count,
            ),
            np.bincount(codes[edges.source], minlength=count),
        ),
    }
    if relation == CONCENTRATION_RELATION:
        in_degree = np.bincount(edges.target, minlength=len(codes)).astype(np.float64)
        columns["top5_share"], columns["gini"] = _concentration(codes, count, in_degree)
    return columns


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> list[float | None]:
    return [
        float(top / bottom) if bottom > 0 else None
        for top, bottom in zip(numerator.tolist(), denominator.tolist(), strict=True)
    ]


def _centralisation(
    codes: np.ndarray, count: int, size: np.ndarray, internal_targets: np.ndarray
) -> list[float | None]:
    """Freeman in-degree centralisation of each group's internal ties."""
    in_degree = np.bincount(internal_targets, minlength=len(codes))
    highest = np.zeros(count, dtype=np.int64)
    np.maximum.at(highest, codes, in_degree)
    total = np.bincount(codes, weights=in_degree, minlength=count)
    spread = size * highest - total
    return [
        float(s / (n - 1) ** 2) if n > 1 else None
        for s, n in zip(spread.tolist(), size.tolist(), strict=True)
    ]


def _concentration(
    codes: np.ndarray, count: int, values: np.ndarray
) -> tuple[list[float | None], list[float | None]]:
    """Top-5 % share and Gini of `values` within each group (None where a group's total is 0)."""
    order = np.lexsort((values, codes))
    sorted_codes, sorted_values = codes[order], values[order]
    size = np.bincount(codes, minlength=count)
    start = np.searchsorted(sorted_codes, np.arange(count), side="left")
    rank = np.arange(len(codes)) - start[sorted_codes] + 1  # 1 = lowest within the group
    total = np.bincount(sorted_codes, weights=sorted_values, minlength=count)
    top_count = np.maximum(1, size * TOP_PERCENT // 100)
    in_top = rank > size[sorted_codes] - top_count[sorted_codes]
    top = np.bincount(sorted_codes[in_top], weights=sorted_values[in_top], minlength=count)
    ranked = np.bincount(sorted_codes, weights=rank * sorted_values, minlength=count)
    shares, ginis = [], []
    for n, group_total, group_top, group_ranked in zip(
        size.tolist(), total.tolist(), top.tolist(), ranked.tolist(), strict=True
    ):
        if group_total <= 0:
            shares.append(None)
            ginis.append(None)
            continue
        shares.append(group_top / group_total)
        ginis.append(max(0.0, 2 * group_ranked / (n * group_total) - (n + 1) / n))
    return shares, ginis


def gini(values: list[float]) -> float | None:
    """Gini coefficient, 0 (everyone equal) … (n-1)/n (one person has everything)."""
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if total <= 0:
        return None
    ranked = sum((i + 1) * value for i, value in enumerate(ordered))
    return max(0.0, 2 * ranked / (n * total) - (n + 1) / n)


def top_share(values: list[float]) -> float | None:
    """Share of the total held by the top 5 % (rounded down, at least one)."""
    total = sum(values)
    if total <= 0:
        return None
    top_count = max(1, len(values) * TOP_PERCENT // 100)
    return sum(sorted(values, reverse=True)[:top_count]) / total
