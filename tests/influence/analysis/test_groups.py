"""Team and organisation measures on hand-made groups (edges respondent → nominee)."""

import dataclasses

import pytest

from influence.analysis.graphs import build_graphs
from influence.analysis.groups import gini, group_results, top_share
from influence.analysis.types import ORGANIZATION, Thresholds
from tests.influence.analysis import STAR, clique, survey


def groups_of(data) -> dict:
    return {group.team_id: group for group in group_results(data, build_graphs(data))}


def test_star_team_response_density_and_centralisation():
    team = groups_of(survey(STAR, silent=[1]))[1]
    assert (team.size, team.respondents, team.response_rate) == (5, 4, 0.8)
    advice = team.relations["advice"]
    assert advice["centralisation"] == 1.0  # everyone goes to one person
    # 4 ties seen out of the 4 respondents × 4 others they could have named
    assert advice["density"] == 0.25
    assert advice["cross_team_share"] == 0.0


def test_equal_in_degrees_have_no_centralisation_and_full_density():
    advice = groups_of(survey(clique(1, 2, 3, 4)))[1].relations["advice"]
    assert advice["centralisation"] == 0.0
    assert advice["density"] == 1.0


def test_low_response_follows_the_threshold():
    data = survey(STAR, silent=[1])
    assert not groups_of(data)[ORGANIZATION].low_response  # 0.8 ≥ 0.7
    strict = survey(STAR, silent=[1], thresholds=Thresholds(reliable_response_rate=0.9))
    assert groups_of(strict)[ORGANIZATION].low_response


def test_cross_team_share_of_a_team_and_of_the_organisation():
    # team 1 = {1, 2}: 1 → 2 inside, 1 → 3 and 2 → 3 to team 2; team 2 = {3, 4}: 3 → 4 inside
    data = survey([(1, 2), (1, 3), (2, 3), (3, 4)], teams={1: 1, 2: 1, 3: 2, 4: 2})
    groups = groups_of(data)
    assert groups[1].relations["advice"]["cross_team_share"] == pytest.approx(2 / 3)
    assert groups[2].relations["advice"]["cross_team_share"] == 0.0
    assert groups[ORGANIZATION].relations["advice"]["cross_team_share"] == pytest.approx(2 / 4)
    # density inside team 1: 1 internal tie / (2 respondents × 1 other)
    assert groups[1].relations["advice"]["density"] == 0.5


def test_team_rows_hold_own_members_only_not_sub_teams():
    data = survey([(1, 2), (3, 1)], teams={1: 1, 2: 1, 3: 2}, team_parents={1: None, 2: 1})
    groups = groups_of(data)
    assert (groups[1].size, groups[2].size, groups[ORGANIZATION].size) == (2, 1, 3)


def test_order_is_organisation_then_teams_and_empty_teams_are_skipped():
    data = survey([(1, 2)], teams={1: 5, 2: 3}, team_parents={5: None, 3: None, 9: None})
    assert [g.team_id for g in group_results(data, build_graphs(data))] == [ORGANIZATION, 3, 5]


def test_people_of_unlisted_teams_count_for_the_organisation_only():
    data = survey([(1, 2)], teams={1: 1, 2: 77})
    data = dataclasses.replace(data, teams=tuple(t for t in data.teams if t.id != 77))
    groups = groups_of(data)
    assert set(groups) == {ORGANIZATION, 1}
    assert groups[ORGANIZATION].size == 2


def help_survey():
    # person 1 is named for help by 2..11; 12..20 are each named by one of 2..10; 21..22 by none
    ties = [(i, 1) for i in range(2, 12)] + [(i, i + 10) for i in range(2, 11)]
    return survey({"help": ties}, people=[21, 22])


def test_top5_share_and_gini_on_a_known_distribution():
    values = [10] + [1] * 9 + [0] * 12  # help in-degrees of the 22 people
    org = groups_of(help_survey())[ORGANIZATION].relations["help"]
    # 5 % of 22 people rounds down to 1 person: the one named 10 times of 19
    assert org["top5_share"] == pytest.approx(10 / 19)
    n, mean = len(values), sum(values) / len(values)
    by_definition = sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)
    assert org["gini"] == pytest.approx(by_definition)
    assert gini(values) == pytest.approx(by_definition)
    assert top_share(values) == pytest.approx(10 / 19)


def test_concentration_edges():
    assert gini([3, 3, 3]) == 0.0
    assert gini([0, 0]) is None and top_share([0, 0]) is None
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)  # (n - 1) / n: one person has all
    assert top_share([1] * 40) == pytest.approx(2 / 40)  # 5 % of 40 = 2 people


def test_help_concentration_only_for_help_and_none_without_help_ties():
    data = survey({"advice": [(1, 2)], "help": []})
    org = groups_of(data)[ORGANIZATION]
    assert "top5_share" not in org.relations["advice"]
    assert org.relations["help"]["top5_share"] is None
    assert org.relations["help"]["gini"] is None


def test_one_person_and_nobody_answering_give_none_not_errors():
    lonely = groups_of(survey([], people=[1]))[ORGANIZATION]
    assert lonely.relations["advice"]["density"] is None
    assert lonely.relations["advice"]["centralisation"] is None
    silent = groups_of(survey([], people=[1, 2, 3], silent=[1, 2, 3]))[ORGANIZATION]
    assert (silent.respondents, silent.response_rate, silent.low_response) == (0, 0.0, True)
    assert silent.relations["advice"]["density"] is None
    assert silent.relations["advice"]["centralisation"] == 0.0
    assert group_results(survey([]), build_graphs(survey([]))) == []
