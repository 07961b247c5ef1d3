"""Flags on small hand-built organisations whose answers can be worked out by hand.

Pure: no database. Metrics are built here the way the contract documents them (in-degree =
distinct nominators, out-degree None for non-respondents, percentiles = share strictly lower),
so the flags are tested on their own. Edges point respondent → nominee.
"""

import random
from dataclasses import replace

import networkx as nx
import pytest

from influence.analysis.flags import combined_graph, detect_flags, reach_loss, reach_losses
from influence.analysis.flags_evidence import build_index
from influence.analysis.types import (
    AnalysisInput,
    GroupResult,
    NominationIn,
    PersonIn,
    PersonResult,
    RelationMetrics,
    TeamIn,
    Thresholds,
)

TEAMS = (TeamIn(1, "Platform", None), TeamIn(2, "Sales", 1), TeamIn(3, "Data", 1))


def person(id, team, *, lead=False, reports=0, responded=True):
    return PersonIn(id, team, responded, lead, reports)


def ties(relation, pairs):
    return tuple(NominationIn(r, n, relation, 3) for r, n in pairs)


def analysed(data: AnalysisInput):
    """(people, groups) for `data`, computed here as the pipeline documents them."""
    team_of = {p.id: p.team_id for p in data.people}
    responded = {p.id for p in data.people if p.responded}
    metrics = {p: {} for p in team_of}
    for relation in data.relations:
        graph = nx.DiGraph()
        graph.add_nodes_from(team_of)
        graph.add_edges_from(
            (n.respondent, n.nominee)
            for n in data.nominations
            if n.relation == relation and n.respondent != n.nominee
        )
        betweenness = nx.betweenness_centrality(graph)
        degree = dict(graph.in_degree())
        for p in team_of:
            mates = [degree[q] for q in team_of if team_of[q] == team_of[p]]
            metrics[p][relation] = RelationMetrics(
                in_degree=degree[p],
                weighted_in_degree=float(degree[p]),
                out_degree=graph.out_degree(p) if p in responded else None,
                pagerank=0.0,
                betweenness=betweenness[p],
                harmonic=0.0,
                in_degree_pct_org=sum(v < degree[p] for v in degree.values()) / len(degree),
                in_degree_pct_team=sum(v < degree[p] for v in mates) / len(mates),
            )
    people = [PersonResult(p, 0, metrics[p], 0.0, 0.0) for p in sorted(team_of)]
    groups = []
    for team in [None, *sorted(set(team_of.values()))]:
        ids = [p for p in team_of if team is None or team_of[p] == team]
        answered = sum(p in responded for p in ids)
        rate = answered / len(ids)
        low = rate < data.thresholds.reliable_response_rate
        groups.append(GroupResult(team, len(ids), answered, rate, {}, low))
    return people, groups


def flags_of(data: AnalysisInput, kind: str | None = None):
    flags = detect_flags(data, *analysed(data))
    return [f for f in flags if kind is None or f.kind == kind]


def decision_team(**changes) -> AnalysisInput:
    """Platform (1–6, lead 1) settles decisions with member 2; Sales (7–11) with its lead 7."""
    people = [
        person(1, 1, lead=True, reports=5),
        *(person(i, 1) for i in range(2, 7)),
        person(7, 2, lead=True, reports=4),
        *(person(i, 2) for i in range(8, 12)),
    ]
    decisions = [(3, 2), (4, 2), (5, 2), (6, 2), (2, 1), (8, 2), (9, 2)]
    decisions += [(8, 7), (9, 7), (10, 7), (11, 7)]
    advice = [(i, i + 1) for i in range(1, 11)] + [(11, 1)]
    data = AnalysisInput(
        people=tuple(people),
        teams=TEAMS[:2],
        relations=("advice", "decision"),
        nominations=ties("decision", decisions) + ties("advice", advice),
    )
    return replace(data, **changes)


def test_informal_decision_maker_is_named_by_teammates_and_others_without_authority():
    (flag,) = flags_of(decision_team(), "informal_decision_maker")

    assert flag.person_id == 2
    assert flag.evidence[0] == (
        "Named by 4 of 5 teammates (5 answered) and by 2 people from Sales as whose view "
        "settles decisions."
    )
    assert "more often than 91 % of the organisation and 83 % of their team" in flag.evidence[1]
    assert "Their team lead is named by 1 for the same." in flag.evidence
    assert "Holds no formal reports and is not a team lead." in flag.evidence
    assert any("planning" in move for move in flag.moves)
    # Score: half the organisation percentile (10/11) + half min(1, 6 nominators / 5 answered).
    assert flag.score == pytest.approx(0.5 * 10 / 11 + 0.5, abs=1e-4)
    assert flag.warning == ""


def test_a_lead_or_a_manager_named_for_decisions_is_not_an_informal_decision_maker():
    data = decision_team()
    assert 7 not in {f.person_id for f in flags_of(data, "informal_decision_maker")}
    managing = [replace(p, direct_reports=2) if p.id == 2 else p for p in data.people]
    assert flags_of(replace(data, people=tuple(managing)), "informal_decision_maker") == []


def test_too_few_nominators_is_not_an_informal_decision_maker():
    strict = replace(Thresholds(), decision_min_nominators=7)
    assert flags_of(decision_team(thresholds=strict), "informal_decision_maker") == []


def test_bypassed_lead_when_the_team_looks_to_someone_else():
    (flag,) = flags_of(decision_team(), "bypassed_lead")

    assert flag.person_id == 1
    # Inside Platform: 5 decision nominations, 1 to the lead (20 %), 4 to member 2 (80 %).
    assert flag.evidence[0] == (
        "Receives 1 of the 5 decision nominations teammates gave inside the team (20 %); the "
        "teammate named most receives 4 (80 %)."
    )
    assert flag.score == pytest.approx(0.6)
    assert "Write down who owns which decision, and share it with the team." in flag.moves


def test_a_lead_the_team_turns_to_is_not_bypassed():
    assert 7 not in {f.person_id for f in flags_of(decision_team(), "bypassed_lead")}


def test_without_a_decision_question_advice_stands_in():
    data = decision_team()
    as_advice = [
        replace(n, relation="advice") for n in data.nominations if n.relation == "decision"
    ]
    data = replace(data, relations=("advice",), nominations=tuple(as_advice))

    (flag,) = flags_of(data, "informal_decision_maker")
    assert flag.person_id == 2
    assert flag.evidence[0].endswith("as someone they go to for advice.")
    assert "Decisions were not asked in this survey; this rests on advice instead." in flag.evidence


def edge_team() -> AnalysisInput:
    """Platform: 1–5 name each other; 6 answered and named nobody; 7 did not answer and nobody
    names them; 8 answered, names one person once and is named once."""
    core = [(a, b) for a in range(1, 6) for b in range(1, 6) if a != b]
    relations = ("advice", "help")
    nominations = ties("advice", core + [(8, 1), (1, 8)]) + ties("help", core)
    people = [person(1, 1, lead=True, reports=7), *(person(i, 1) for i in range(2, 9))]
    people[6] = person(7, 1, responded=False)
    return AnalysisInput(tuple(people), TEAMS[:1], relations, nominations)


def test_silent_members_are_isolated_unseen_or_peripheral():
    # Peripheral needs a threshold above the default of 0 nominators.
    data = replace(edge_team(), thresholds=replace(Thresholds(), silent_max_in_degree=1))
    flags = {f.person_id: f for f in flags_of(data, "silent_member")}

    assert sorted(flags) == [6, 7, 8]
    assert flags[6].evidence[0].startswith("Isolated: answered the survey but named nobody")
    assert flags[7].evidence[0] == (
        "Unseen: did not answer the survey, and nobody named them for advice or help."
    )
    assert "whom they go to is missing" in flags[7].evidence[1]  # out-degree unknown, said so
    assert flags[7].moves[0].startswith("First check whether they are new")
    assert flags[8].evidence[0] == (
        "Peripheral: a few weak ties only (advice: named by 1, names 1; help: named by 0, names 0)."
    )
    # Score: 1 − ties / (2 relations × (1 + 1) + 1); the non-respondent's scaled by 0.75.
    assert flags[6].score == 1.0 and flags[7].score == 0.75
    assert flags[8].score == pytest.approx(1 - 2 / 5)


def test_a_stricter_in_degree_leaves_the_peripheral_member_out():
    strict = replace(Thresholds(), silent_max_in_degree=0)
    flagged = {f.person_id for f in flags_of(replace(edge_team(), thresholds=strict))}
    assert 8 not in flagged and {6, 7} <= flagged


def test_low_response_adds_a_warning():
    data = edge_team()
    quiet = tuple(replace(p, responded=p.id in (1, 2, 3, 4, 6)) for p in data.people)
    flags = flags_of(replace(data, people=quiet), "silent_member")

    assert flags
    for flag in flags:
        assert flag.warning.startswith("Only 62 % of their team (Platform) and 62 % of everyone")
        assert "below the 70 % treated as reliable" in flag.warning


def helpdesk() -> AnalysisInput:
    """Data (21–30) and Sales (31–40) ask 25 in Data for help; everyone else gets one request."""
    people = [person(21, 3, lead=True, reports=9), *(person(i, 3) for i in range(22, 31))]
    people += [person(31, 2, lead=True, reports=9), *(person(i, 2) for i in range(32, 41))]
    ring = [(i, i + 1) for i in range(21, 40)] + [(40, 21)]
    asks = [(i, 25) for i in range(21, 41) if i not in (24, 25)]
    return AnalysisInput(
        people=tuple(people),
        teams=(TEAMS[1], TEAMS[2]),
        relations=("advice", "help"),
        nominations=ties("help", ring + asks) + ties("advice", ring),
    )


def test_hidden_workload_for_the_person_everyone_asks():
    (flag,) = flags_of(helpdesk(), "hidden_workload")

    assert flag.person_id == 25
    assert flag.evidence[0] == (
        "Named by 9 of 9 teammates (9 answered) and by 10 people from Sales as someone they "
        "turn to when stuck."
    )
    # 19 of the 38 help ties in the organisation; the teammates' median is 1.
    assert flag.evidence[1] == (
        "Receives 50 % of all help requests in the organisation; the team's typical member "
        "receives 1."
    )
    assert flag.score == 1.0  # 19 / max(1, 1) / (2 × 2.5), capped
    assert "Recognise the work in their goals and in workload planning." in flag.moves


def test_a_lead_everyone_asks_is_no_hidden_workload():
    data = helpdesk()
    leading = tuple(replace(p, is_lead=p.id == 25 or p.is_lead) for p in data.people)
    assert flags_of(replace(data, people=leading), "hidden_workload") == []


def bridge() -> AnalysisInput:
    """Platform (1–4) and Sales (6–9) name everyone in their team; 5 (Data) is their only tie."""
    clique = [(a, b) for g in ((1, 2, 3, 4), (6, 7, 8, 9)) for a in g for b in g if a != b]
    links = [(4, 5), (5, 4), (5, 6), (6, 5)]
    people = [person(i, 1 if i < 5 else 2 if i > 5 else 3) for i in range(1, 10)]
    return AnalysisInput(tuple(people), TEAMS, ("advice",), ties("advice", clique + links))


def test_the_only_bridge_between_teams_is_a_broker():
    flags = {f.person_id: f for f in flags_of(bridge(), "broker")}

    assert 5 in flags
    flag = flags[5]
    assert flag.evidence[0].startswith("Lies on more shortest paths between people than 89 %")
    assert "cross-team reach drops by 100 %" in flag.evidence[1]
    assert "Named by 2 people from Platform and 1 from Sales" not in flag.evidence
    assert (
        flag.evidence[2]
        == "Named by 1 person from Platform and 1 from Sales outside their own team."
    )
    assert "Pair them with a second person so the team does not depend on one bridge." in flag.moves


def test_reach_loss_counts_detours_and_leaves_the_removed_person_out():
    # 1 → 2 → 3 (teams A, B, C) and a detour 1 → 4 → 5 → 3 (4, 5 in team D).
    people = [person(1, 1), person(2, 2), person(3, 3), person(4, 2), person(5, 2)]
    data = AnalysisInput(
        tuple(people),
        TEAMS,
        ("advice",),
        ties("advice", [(1, 2), (2, 3), (1, 4), (4, 5), (5, 3)]),
    )
    index = build_index(data, *analysed(data))
    graph = combined_graph(index)
    distances = {s: nx.single_source_shortest_path_length(graph, s) for s in index.person}
    team = index.team_of
    reach = {
        s: sum(1 / d for t, d in dist.items() if d and team(t) != team(s))
        for s, dist in distances.items()
    }
    # Without 2: 1 reaches 3 in 3 steps instead of 2; 1 → 4 (1/1) and 1 → 5 (1/2) stay;
    # 4 → 3 (1/2) and 5 → 3 (1/1) stay. Before: 1 + 1/2 + 1/2 + 1/2 + 1 = 3.5; after: 3 + 1/3.
    loss = reach_loss(graph, index, distances, reach, 2)
    assert loss == pytest.approx(1 - (1 / 3 + 1 + 1 / 2 + 1 / 2 + 1) / 3.5)
    assert reach_losses(graph, index, sorted(index.person), [2])[2] == pytest.approx(loss)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kernel_reach_loss_matches_the_plain_reference(seed):
    rng = random.Random(seed)
    people = [person(i, 1 + i % 3) for i in range(1, 41)]
    pairs = sorted({(rng.randint(1, 40), rng.randint(1, 40)) for _ in range(90)})
    data = AnalysisInput(
        tuple(people), TEAMS, ("advice",), ties("advice", [(a, b) for a, b in pairs if a != b])
    )
    index = build_index(data, *analysed(data))
    graph = combined_graph(index)
    sources = sorted(index.person)
    distances = {s: nx.single_source_shortest_path_length(graph, s) for s in sources}
    team = index.team_of
    reach = {
        s: sum(1 / d for t, d in dist.items() if d and team(t) != team(s))
        for s, dist in distances.items()
    }
    candidates = sorted(rng.sample(sources, 8))
    fast = reach_losses(graph, index, sources, candidates)
    for candidate in candidates:
        plain = reach_loss(graph, index, distances, reach, candidate)
        assert fast[candidate] == pytest.approx(plain, abs=1e-12)


def test_degenerate_inputs_give_no_flags():
    empty = AnalysisInput((), (), ("advice",), ())
    assert detect_flags(empty, [], []) == []
    nobody = replace(
        edge_team(), people=tuple(replace(p, responded=False) for p in edge_team().people)
    )
    assert flags_of(nobody) == []
    alone = AnalysisInput((person(1, 1),), TEAMS[:1], ("advice",), ())
    assert flags_of(alone) == []


def test_flags_are_sorted_and_deterministic():
    data = decision_team()
    flags = flags_of(data)
    assert flags == flags_of(data)
    assert flags == sorted(flags, key=lambda f: (f.kind, -f.score, f.person_id))
    assert all(0.0 <= f.score <= 1.0 and f.evidence and f.moves for f in flags)
