"""The whole analysis: determinism, sorted outputs, degenerate waves, warnings and the layout."""

import dataclasses
import math
import random
import sys

import numpy as np
import pytest

from influence.analysis import pipeline
from influence.analysis.layout import SPRING_LIMIT, hilbert_point, team_order
from influence.analysis.pipeline import analyse
from influence.analysis.types import ORGANIZATION, FlagResult, PersonIn
from tests.influence.analysis import STAR, TWO_CLIQUES, clique, survey

RELATIONS = ("advice", "decision", "help")


def organisation(size: int, seed: int = 3, **options):
    """Teams of 10 in a chain, most ties inside the team, a few across; 80 % answer."""
    rng = random.Random(seed)
    teams = {i: 1 + (i - 1) // 10 for i in range(1, size + 1)}
    silent = [i for i in teams if rng.random() < 0.2]
    ties = {relation: [] for relation in RELATIONS}
    for person, team in teams.items():
        if person in silent:
            continue
        mates = [p for p, t in teams.items() if t == team and p != person]
        for relation in RELATIONS:
            for _ in range(rng.randint(1, 4)):
                other = rng.choice(mates) if rng.random() < 0.8 else rng.randint(1, size)
                if other != person:
                    ties[relation].append((person, other, rng.randint(1, 4)))
    parents = {t: (t - 1 if t > 1 else None) for t in set(teams.values())}
    return survey(ties, people=teams, teams=teams, silent=silent, team_parents=parents, **options)


def without_timings(result):
    return dataclasses.replace(result, timings={})


def no_flags(data, people, groups):
    return []


def test_same_input_gives_identical_output():
    data = organisation(120)
    first, second = analyse(data), analyse(data)
    assert without_timings(first) == without_timings(second)
    assert set(first.timings) == {"graphs", "metrics", "groups", "flags", "layout"}


def test_outputs_are_sorted_and_complete():
    data = organisation(60)
    result = analyse(data, flagger=no_flags)
    assert [p.person_id for p in result.people] == sorted(p.id for p in data.people)
    assert [g.team_id for g in result.groups] == [ORGANIZATION, 1, 2, 3, 4, 5, 6]
    assert all(set(p.metrics) == set(RELATIONS) for p in result.people)
    assert result.parameters["betweenness"]["mode"] == "exact"
    assert result.parameters["people"] == 60


def test_flags_come_from_the_flagger_sorted_by_kind_score_and_person():
    def flagger(data, people, groups):
        assert [p.person_id for p in people] == [1, 2, 3, 4, 5]
        assert groups[0].team_id is ORGANIZATION
        return [
            FlagResult(5, "silent_member", 0.5, (), ()),
            FlagResult(2, "broker", 0.4, (), ()),
            FlagResult(1, "silent_member", 0.5, (), ()),
            FlagResult(3, "broker", 0.9, (), ()),
        ]

    result = analyse(survey(STAR), flagger=flagger)
    assert [(f.kind, f.person_id) for f in result.flags] == [
        ("broker", 3),
        ("broker", 2),
        ("silent_member", 1),
        ("silent_member", 5),
    ]


def test_without_a_flags_module_there_are_no_flags(monkeypatch):
    monkeypatch.setitem(sys.modules, pipeline.FLAGS_MODULE, None)  # import fails as if missing
    assert analyse(survey(STAR)).flags == ()


def test_nobody_invited():
    result = analyse(survey([]), flagger=no_flags)
    assert (result.people, result.groups, result.flags) == ((), (), ())
    assert result.warnings == ("Nobody was invited to this wave: there is nothing to analyse.",)


def test_one_person():
    result = analyse(survey([], people=[7]), flagger=no_flags)
    (person,) = result.people
    assert (person.person_id, person.community, person.x, person.y) == (7, 0, 0.0, 0.0)
    assert person.metrics["advice"].pagerank == 1.0
    assert person.metrics["advice"].in_degree_pct_org == 0.0
    assert [g.team_id for g in result.groups] == [ORGANIZATION, 1]


def test_nobody_answered():
    data = survey([], people=[1, 2, 3], silent=[1, 2, 3])
    result = analyse(data)
    assert all(p.metrics["advice"].out_degree is None for p in result.people)
    assert result.groups[0].response_rate == 0.0
    assert any(w.startswith("Nobody answered") for w in result.warnings)
    assert isinstance(result.flags, tuple)  # the flags module copes too (what it flags is its call)


def test_a_relation_without_nominations():
    result = analyse(survey({"advice": TWO_CLIQUES, "help": []}), flagger=no_flags)
    assert "Nobody was named for help: its measures are all zero." in result.warnings
    assert all(p.metrics["help"].in_degree == 0 for p in result.people)
    assert result.groups[0].relations["help"]["gini"] is None


def test_low_response_warning_names_both_rates():
    data = survey(clique(1, 2, 3), people=[4, 5], silent=[4, 5])  # 3 of 5 answered
    assert analyse(data, flagger=no_flags).warnings == (
        "Response rate 60 % is below 70 %: betweenness is fragile to missing people; "
        "in-degree is robust.",
    )


def test_sampled_betweenness_is_recorded_and_warned():
    data = organisation(120, exact_limit=50, samples=30)
    result = analyse(data, flagger=no_flags)
    assert result.parameters["betweenness"] == {
        **result.parameters["betweenness"],
        "mode": "sampled",
        "samples": 30,
    }
    assert (
        "Betweenness was sampled (30 sources) because the organisation has 120 people; "
        "harmonic closeness is estimated from the same sources." in result.warnings
    )
    assert all(math.isfinite(p.metrics["advice"].betweenness) for p in result.people)


def positions(result) -> dict[int, tuple[float, float]]:
    return {p.person_id: (p.x, p.y) for p in result.people}


@pytest.mark.parametrize("size", [40, SPRING_LIMIT + 100])
def test_layout_is_deterministic_and_inside_the_square(size):
    data = organisation(size)
    first = positions(analyse(data, flagger=no_flags))
    assert first == positions(analyse(data, flagger=no_flags))
    xy = np.asarray(list(first.values()))
    assert np.all(np.abs(xy) <= 1.0) and np.abs(xy).max() == pytest.approx(1.0)
    assert len({tuple(p) for p in xy.tolist()}) == size  # nobody on top of someone else


def test_layout_keeps_the_people_who_stay_and_places_newcomers_by_their_team():
    before = organisation(60)
    previous = positions(analyse(before, flagger=no_flags))
    newcomer = max(previous) + 1
    after = organisation(60, previous_positions=previous)
    people = after.people + (dataclasses.replace(after.people[0], id=newcomer, team_id=3),)
    after = dataclasses.replace(after, people=people)
    placed = positions(analyse(after, flagger=no_flags))
    assert all(placed[p] == previous[p] for p in previous)
    team_three = np.asarray([previous[p.id] for p in before.people if p.team_id == 3])
    others = np.asarray([previous[p.id] for p in before.people if p.team_id != 3])
    distance = np.linalg.norm(team_three.mean(axis=0) - placed[newcomer])
    assert distance < np.median(np.linalg.norm(others - placed[newcomer], axis=1))


def test_cliques_are_drawn_apart():
    ties = clique(1, 2, 3, 4, 5) + clique(6, 7, 8, 9, 10) + [(5, 6), (6, 5)]
    result = analyse(survey(ties), flagger=no_flags)
    xy = {p.person_id: np.array([p.x, p.y]) for p in result.people}
    within = np.linalg.norm(xy[1] - xy[2])
    across = np.linalg.norm(xy[1] - xy[9])
    assert within < across
    assert [p.community for p in result.people] == [0] * 5 + [1] * 5


def test_hilbert_curve_visits_every_cell_once_in_steps_of_one():
    x, y = hilbert_point(8, np.arange(64))
    assert len(set(zip(x.tolist(), y.tolist(), strict=True))) == 64
    steps = np.abs(np.diff(x)) + np.abs(np.diff(y))
    assert steps.tolist() == [1] * 63


def test_teams_are_ordered_depth_first_with_siblings_by_id():
    people = [PersonIn(i, team, True, False, 0) for i, team in enumerate([4, 2, 3, 1, 9])]
    parents = {1: None, 2: 1, 3: 1, 4: 2, 5: None}
    assert team_order(people, parents) == [1, 2, 4, 3, 5, 9]  # 9 is not in the team tree
