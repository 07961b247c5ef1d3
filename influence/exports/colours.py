"""Colours of people on the PDF map and in the GEXF file: by team when the scope has few enough
teams to tell apart, else by the ancestor teams (departments) at the deepest level of the tree
that still fits the palette. Withheld people share one colour, so that it cannot tell their team."""

from collections import Counter

from influence.exports.data import ExportData
from influence.exports.pseudonyms import WITHHELD_TEAM

# Colour-blind-friendly palette (Tableau 10); groups past it share the grey.
PALETTE = (
    (78, 121, 167),
    (242, 142, 43),
    (225, 87, 89),
    (118, 183, 178),
    (89, 161, 79),
    (237, 201, 72),
    (176, 122, 161),
    (255, 157, 167),
    (156, 117, 95),
    (186, 176, 172),
)
OTHER = (200, 200, 200)


def colour_groups(data: ExportData) -> dict[int, str]:
    """Person id → the name of the group that gives their colour."""
    chains = {team_id: _chain(data, team_id) for team_id in {p.team_id for p in data.people}}
    level, depth = 0, max((len(chain) for chain in chains.values()), default=0)
    for candidate in range(depth):
        keys = {chain[min(candidate, len(chain) - 1)] for chain in chains.values()}
        if len(keys) > len(PALETTE):
            break
        level = candidate
    groups = {}
    for person in data.people:
        chain = chains[person.team_id]
        team_id = chain[min(level, len(chain) - 1)]
        groups[person.id] = WITHHELD_TEAM if person.withheld else data.team_names[team_id]
    return groups


def group_palette(groups: dict[int, str]) -> dict[str, tuple[int, int, int]]:
    """The largest groups get a colour each (by size, then name); all others share grey."""
    sizes = Counter(groups.values())
    ordered = sorted(sizes, key=lambda group: (-sizes[group], group))
    return {group: PALETTE[i] if i < len(PALETTE) else OTHER for i, group in enumerate(ordered)}


def _chain(data: ExportData, team_id: int) -> list[int]:
    """The team's ancestors inside the scope, top first, ending with the team."""
    chain = [team_id]
    parent = data.team_parents.get(team_id)
    while parent is not None and parent not in chain and data.in_scope(parent):
        chain.append(parent)
        parent = data.team_parents.get(parent)
    return chain[::-1]
