"""Pure tests of the analysis core: plain dataclasses in, plain dataclasses out, no database.

`survey` builds an AnalysisInput from hand-written ties so that each test shows its graph.
"""

from collections.abc import Iterable

from influence.analysis.types import AnalysisInput, NominationIn, PersonIn, TeamIn, Thresholds


def survey(
    ties: Iterable[tuple[int, int]] | dict[str, Iterable[tuple]],
    *,
    people: Iterable[int] = (),
    teams: dict[int, int] | None = None,
    silent: Iterable[int] = (),
    relations: tuple[str, ...] | None = None,
    team_parents: dict[int, int | None] | None = None,
    **options,
) -> AnalysisInput:
    """Ties (respondent, nominee[, strength]) for `advice`, or {relation: ties}. Everyone named
    is invited (plus `people`); `teams` maps person → team (default team 1); `silent` did not
    answer. Options go to AnalysisInput (seed, exact_limit, samples, thresholds, ...)."""
    by_relation = ties if isinstance(ties, dict) else {"advice": ties}
    nominations = [
        NominationIn(tie[0], tie[1], relation, tie[2] if len(tie) > 2 else None)
        for relation, relation_ties in by_relation.items()
        for tie in relation_ties
    ]
    ids = set(people) | {n.respondent for n in nominations} | {n.nominee for n in nominations}
    teams = teams or {}
    silent = set(silent)
    person_in = tuple(PersonIn(i, teams.get(i, 1), i not in silent, False, 0) for i in sorted(ids))
    parents = team_parents or {}
    team_ids = sorted({p.team_id for p in person_in} | set(parents))
    team_in = tuple(TeamIn(t, f"Team {t}", parents.get(t)) for t in team_ids)
    options.setdefault("thresholds", Thresholds())
    return AnalysisInput(
        people=person_in,
        teams=team_in,
        relations=relations or tuple(by_relation),
        nominations=tuple(nominations),
        **options,
    )


def both_ways(*pairs: tuple[int, int]) -> list[tuple[int, int]]:
    return [tie for a, b in pairs for tie in ((a, b), (b, a))]


def clique(*members: int) -> list[tuple[int, int]]:
    return [(a, b) for a in members for b in members if a != b]


# Two cliques {1, 2, 3} and {5, 6, 7}, joined through 4: 3 ↔ 4 ↔ 5 (every tie both ways).
TWO_CLIQUES = clique(1, 2, 3) + clique(5, 6, 7) + both_ways((3, 4), (4, 5))
# A star: 2, 3, 4, 5 all go to 1; 1 did not answer.
STAR = [(2, 1), (3, 1), (4, 1), (5, 1)]
