"""The simulated organisation: deterministic, realistic in shape, with every pattern planted."""

from collections import Counter

from influence.simulation import KINDS, answer_rows, roster_rows, simulate


def test_the_same_seed_gives_the_same_organisation():
    assert simulate(people=200, seed=4) == simulate(people=200, seed=4)
    assert (
        simulate(people=200, seed=4)[0].nominations != simulate(people=200, seed=5)[0].nominations
    )


def test_teams_leads_and_reports_look_like_an_organisation():
    data, _ = simulate(people=300, seed=1)
    assert len(data.people) == 300 and data.relations == ("advice", "decision", "help")
    sizes = Counter(p.team_id for p in data.people)
    assert all(2 <= size <= 16 for size in sizes.values())
    assert 8 <= sorted(sizes.values())[len(sizes) // 2] <= 15  # the median team
    leads = [p for p in data.people if p.is_lead]
    assert sorted(p.team_id for p in leads) == sorted(sizes)  # one lead per team
    assert all(p.direct_reports >= sizes[p.team_id] - 1 for p in leads)
    assert all(p.direct_reports == 0 for p in data.people if not p.is_lead)
    roots = [t for t in data.teams if t.parent_id is None]
    assert len(roots) == 1 and len(data.teams) == len(sizes)


def test_answers_stay_mostly_in_the_team_and_popularity_has_a_tail():
    data, _ = simulate(people=300, seed=2)
    team = {p.id: p.team_id for p in data.people}
    inside = sum(team[n.respondent] == team[n.nominee] for n in data.nominations)
    assert 0.6 < inside / len(data.nominations) < 0.9
    per_answer = Counter((n.respondent, n.relation) for n in data.nominations)
    assert max(per_answer.values()) <= 5  # the import allows 5 per question
    named = Counter(n.nominee for n in data.nominations if n.relation == "advice")
    counts = sorted(named.values())
    assert counts[-1] >= 2.5 * counts[len(counts) // 2]
    assert all(n.respondent != n.nominee for n in data.nominations)


def test_response_rate_is_near_the_target_and_non_respondents_name_nobody():
    for rate in (0.6, 0.75, 0.9):
        rates = []
        for seed in (0, 1, 2, 3):
            data, _ = simulate(people=300, response_rate=rate, seed=seed)
            answered = {p.id for p in data.people if p.responded}
            rates.append(len(answered) / len(data.people))
            assert {n.respondent for n in data.nominations} <= answered
        assert abs(sum(rates) / len(rates) - rate) < 0.05  # one seed's sd is about 0.03


def test_every_pattern_is_planted_once_per_person():
    data, truth = simulate(people=500, seed=0)
    planted = truth.by_kind()
    assert sorted(planted) == sorted(KINDS)
    assert all(planted[kind] for kind in KINDS)
    leads = {p.id for p in data.people if p.is_lead}
    assert truth.bypassed_lead <= leads
    assert not (truth.informal_decision_maker | truth.hidden_workload | truth.broker) & leads
    everyone = [p for kind in KINDS for p in planted[kind]]
    assert len(everyone) == len(set(everyone))


def test_planted_decision_makers_take_their_teams_decisions():
    data, truth = simulate(people=500, seed=0)
    team = {p.id: p.team_id for p in data.people}
    received = Counter(
        n.nominee
        for n in data.nominations
        if n.relation == "decision" and team[n.respondent] == team[n.nominee]
    )
    lead_of = {p.team_id: p.id for p in data.people if p.is_lead}
    bypassed = [d for d in truth.informal_decision_maker if lead_of[team[d]] in truth.bypassed_lead]
    assert bypassed
    assert all(received[d] > received[lead_of[team[d]]] for d in bypassed)


def test_noise_and_small_organisations():
    quiet, _ = simulate(people=300, seed=1, noise=0.0)
    noisy, _ = simulate(people=300, seed=1, noise=0.3)
    team = {p.id: p.team_id for p in quiet.people}

    def outside(data):
        return sum(team[n.respondent] != team[n.nominee] for n in data.nominations)

    assert outside(noisy) > outside(quiet)
    tiny, truth = simulate(people=12, seed=0)
    assert len(tiny.people) == 12 and tiny.nominations


def test_roster_and_answer_rows_have_the_import_columns():
    data, _ = simulate(people=60, seed=0)
    roster = roster_rows(data)
    assert list(roster[0]) == [
        "email",
        "name",
        "team",
        "parent_team",
        "manager_email",
        "title",
        "role",
    ]
    emails = {row["email"] for row in roster}
    assert len(emails) == 60
    assert sum(row["manager_email"] == "" for row in roster) == 1  # the top lead
    assert all(row["manager_email"] in emails for row in roster if row["manager_email"])
    seen = set()
    for row in roster:  # parent teams come first, as the import reads them
        assert row["parent_team"] in seen | {""}
        seen.add(row["team"])

    answers = answer_rows(data)
    assert list(answers[0]) == ["respondent_email", "relation", "nominee_email", "strength"]
    assert {row["respondent_email"] for row in answers} == {
        row["email"]
        for row, p in zip(roster_by_id(data, roster), data.people, strict=True)
        if p.responded
    }
    assert all(row["nominee_email"] in emails | {""} for row in answers)


def roster_by_id(data, roster):
    by_email = {row["email"]: row for row in roster}
    from influence.simulation import person_email

    return [by_email[person_email(p.id)] for p in data.people]
