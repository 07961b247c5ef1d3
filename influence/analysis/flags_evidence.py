"""The words of the flags: lookups built once, evidence sentences, warnings and moves.

Edges point respondent → nominee, so "named by" counts the people whose answers point at the
person. Sentences count nominators by team and never name them.
"""

import statistics
from collections import Counter
from dataclasses import dataclass

from influence.analysis.types import (
    AnalysisInput,
    GroupResult,
    PersonIn,
    PersonResult,
    RelationMetrics,
)

RELATION_PHRASES = {
    "advice": "as someone they go to for advice",
    "decision": "as whose view settles decisions",
    "help": "as someone they turn to when stuck",
    "information": "as a source of information",
    "energy": "as someone who gives them energy",
    "trust": "as someone they trust",
}
NO_AUTHORITY = "Holds no formal reports and is not a team lead."
ADVICE_INSTEAD = "Decisions were not asked in this survey; this rests on advice instead."
NOUNS = {"decision": "decisions"}  # "named for decisions", "named for advice"
TEAMS_LISTED = 3  # teams named one by one in "named by" sentences; the rest are summed up

MOVES = {
    "informal_decision_maker": (
        "Invite them into the formal planning and decision meetings, so their influence is "
        "visible and accountable.",
        "Write down who owns which decision, and agree it with them and the team lead.",
        "Talk with them about a formal role (decision owner, tech lead), or recognise the role "
        "in their goals.",
    ),
    "bypassed_lead": (
        "Talk openly with the lead about who the team turns to for decisions and why; it often "
        "means the lead is stretched, new or far from the work, not that anyone failed.",
        "Write down who owns which decision, and share it with the team.",
        "Make the person the team turns to a named owner for their area, and take the other "
        "decisions in the team meeting.",
        "Rotate facilitation of the team's decision meetings so decisions are taken in the open.",
    ),
    "silent_member": (
        "Have a one-to-one conversation: ask how they work with the team and what gets in the "
        "way. Being on the edge of the map is a question, not a verdict.",
        "Pair them with a teammate on a piece of shared work.",
        "Rotate facilitation and demos so their work and views are seen.",
    ),
    "hidden_workload": (
        "Move recurring help requests to a documented channel or FAQ, so each answer is "
        "written once.",
        "Recognise the work in their goals and in workload planning.",
        "Pair them with a second person who takes part of the requests.",
    ),
    "broker": (
        "Pair them with a second person so the team does not depend on one bridge.",
        "Create direct ties between the groups they connect: a shared meeting, a rotation or a "
        "joint piece of work.",
        "Write down what flows through them (contacts, recurring requests), so it survives an "
        "absence.",
    ),
}
UNSEEN_MOVE = "First check whether they are new, part-time, on leave or mostly work elsewhere."


@dataclass(frozen=True)
class Index:
    """Small lookups built once per analysis from the plain input and results."""

    data: AnalysisInput
    person: dict[int, PersonIn]
    result: dict[int, PersonResult]
    team_name: dict[int, str]
    members: dict[int, tuple[int, ...]]  # team → its people, sorted
    named_by: dict[str, dict[int, frozenset[int]]]  # relation → nominee → respondents
    names: dict[str, dict[int, frozenset[int]]]  # relation → respondent → nominees
    groups: dict[int | None, GroupResult]  # team (None: the organisation) → group

    def team_of(self, person_id: int) -> int:
        return self.person[person_id].team_id

    def team_label(self, team_id: int) -> str:
        return self.team_name.get(team_id, f"team {team_id}")

    def metric(self, person_id: int, relation: str) -> RelationMetrics | None:
        return self.result[person_id].metrics.get(relation)

    def team_median(self, person_id: int, relation: str) -> float:
        """Median in-degree of the person's teammates (the person left out); 0 without any."""
        values = [
            m.in_degree
            for p in self.members[self.team_of(person_id)]
            if p != person_id and (m := self.metric(p, relation)) is not None
        ]
        return statistics.median(values) if values else 0.0

    def response_rate(self, team_id: int | None) -> float:
        group = self.groups.get(team_id)
        if group is not None:
            return group.response_rate
        people = self.members.get(team_id, ()) if team_id is not None else tuple(self.person)
        return sum(self.person[p].responded for p in people) / len(people) if people else 0.0


def build_index(
    data: AnalysisInput, people: list[PersonResult], groups: list[GroupResult]
) -> Index:
    """Index people, teams, nominations (distinct respondent → nominee per relation) and groups.
    Self-nominations and people without a result are left out, as the graphs leave them out."""
    result = {r.person_id: r for r in people}
    person = {p.id: p for p in data.people if p.id in result}
    members: dict[int, list[int]] = {}
    for p in sorted(person):
        members.setdefault(person[p].team_id, []).append(p)
    named_by: dict[str, dict[int, set[int]]] = {relation: {} for relation in data.relations}
    names: dict[str, dict[int, set[int]]] = {relation: {} for relation in data.relations}
    for n in data.nominations:
        if n.relation not in named_by or n.respondent == n.nominee:
            continue
        if n.respondent in person and n.nominee in person:
            named_by[n.relation].setdefault(n.nominee, set()).add(n.respondent)
            names[n.relation].setdefault(n.respondent, set()).add(n.nominee)
    return Index(
        data=data,
        person=person,
        result=result,
        team_name={t.id: t.name for t in data.teams},
        members={team: tuple(ids) for team, ids in members.items()},
        named_by=_freeze(named_by),
        names=_freeze(names),
        groups={g.team_id: g for g in groups},
    )


def _freeze(index: dict[str, dict[int, set[int]]]) -> dict[str, dict[int, frozenset[int]]]:
    return {key: {p: frozenset(s) for p, s in value.items()} for key, value in index.items()}


def percent(share: float) -> str:
    """14 % for shares of a tenth and more, 3.1 % below that."""
    value = 100 * share
    whole = value >= 10 or round(value, 1).is_integer()
    return f"{value:.0f} %" if whole else f"{value:.1f} %"


def number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def people_count(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def named_by_sentence(index: Index, person_id: int, relation: str) -> str:
    """'Named by 8 of 11 teammates (9 answered) and by 3 people from Sales as …', by team."""
    team = index.team_of(person_id)
    teammates = [p for p in index.members[team] if p != person_id]
    answered = sum(index.person[p].responded for p in teammates)
    nominators = index.named_by[relation].get(person_id, frozenset())
    inside = sum(index.team_of(p) == team for p in nominators)
    outside = Counter(index.team_label(index.team_of(p)) for p in nominators) - Counter(
        {index.team_label(team): inside}
    )
    parts = [f"{inside} of {len(teammates)} teammates ({answered} answered)"] if teammates else []
    if outside:
        parts.append(team_counts(outside))
    text = " and by ".join(parts) if parts else "nobody"
    return f"Named by {text} {RELATION_PHRASES.get(relation, f'for {relation}')}."


def team_counts(counts: Counter) -> str:
    """'3 people from Sales, 1 from Data and 4 more from 2 other teams'."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [
        f"{people_count(count) if i == 0 else count} from {team}"
        for i, (team, count) in enumerate(ranked[:TEAMS_LISTED])
    ]
    rest = ranked[TEAMS_LISTED:]
    if rest:
        others = "team" if len(rest) == 1 else "teams"
        shown.append(f"{sum(c for _, c in rest)} more from {len(rest)} other {others}")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def outside_counts(index: Index, person_id: int, people) -> Counter:
    """People outside the person's team, counted by team name."""
    team = index.team_of(person_id)
    return Counter(index.team_label(index.team_of(p)) for p in people if index.team_of(p) != team)


def reliability_warning(index: Index, person_id: int, *, fragile: bool) -> str:
    """Empty when the person's team and the organisation answered reliably; else why not."""
    threshold = index.data.thresholds.reliable_response_rate
    team = index.team_of(person_id)
    low = []
    for group_id, label in ((team, f"their team ({index.team_label(team)})"), (None, "everyone")):
        rate = index.response_rate(group_id)
        group = index.groups.get(group_id)
        if rate < threshold or (group is not None and group.low_response):
            low.append(f"{percent(rate)} of {label}")
    if not low:
        return ""
    text = f"Only {' and '.join(low)} answered, below the {percent(threshold)} treated as reliable."
    if fragile:
        return text + (
            " Shortest paths and reach run through people who did not answer, whose own ties "
            "are missing, so this flag can be wrong either way."
        )
    return (
        text + " Counts of who named them are lower bounds: people who did not answer named nobody."
    )


def idm_evidence(index: Index, person_id: int, relation: str, m: RelationMetrics) -> list[str]:
    leads = [
        p
        for p in index.members[index.team_of(person_id)]
        if index.person[p].is_lead and p != person_id
    ]
    lead_metrics = [lm for p in leads[:1] if (lm := index.metric(p, relation)) is not None]
    evidence = [
        named_by_sentence(index, person_id, relation),
        f"Named for {NOUNS.get(relation, relation)} more often than "
        f"{percent(m.in_degree_pct_org)} of the "
        f"organisation and {percent(m.in_degree_pct_team)} of their team; a typical teammate "
        f"is named by {number(index.team_median(person_id, relation))}.",
        *(f"Their team lead is named by {lm.in_degree} for the same." for lm in lead_metrics),
        NO_AUTHORITY,
    ]
    return evidence + ([ADVICE_INSTEAD] if relation != "decision" else [])


def bypassed_evidence(
    index: Index, lead: int, relation: str, received: Counter, total: int
) -> list[str]:
    members = index.members[index.team_of(lead)]
    top = max(c for p, c in received.items() if p != lead)
    ahead = sum(1 for p, c in received.items() if p != lead and c > received[lead])
    missing = sum(not index.person[p].responded for p in members if p != lead)
    evidence = [
        f"Receives {received[lead]} of the {total} {relation} nominations teammates gave inside "
        f"the team ({percent(received[lead] / total)}); the teammate named most receives "
        f"{top} ({percent(top / total)}).",
        f"{people_count(ahead)} in the team {'is' if ahead == 1 else 'are'} named for "
        f"{NOUNS.get(relation, relation)} more often than the lead.",
        f"Holds the lead role with {index.person[lead].direct_reports} formal reports.",
    ]
    if missing:
        evidence.append(
            f"{missing} of {len(members) - 1} teammates did not answer; whom they would name is "
            "unknown."
        )
    return evidence + ([ADVICE_INSTEAD] if relation != "decision" else [])


def silent_evidence(index: Index, person_id: int) -> list[str]:
    """Which of unseen, isolated or peripheral, with the ties behind it."""
    relations, person = index.data.relations, index.person[person_id]
    listed = ", ".join(relations[:-1]) + (" or " if len(relations) > 1 else "") + relations[-1]
    named = {r: len(index.named_by[r].get(person_id, ())) for r in relations}
    outgoing = {r: len(index.names[r].get(person_id, ())) for r in relations}
    typical = _typical_teammate(index, person_id)
    if not person.responded and not any(named.values()):
        return [
            f"Unseen: did not answer the survey, and nobody named them for {listed}.",
            "Whether they are on the edge or simply did not take part is unknown: this rests "
            "only on others' answers, since whom they go to is missing.",
            *typical,
        ]
    if person.responded and not any(named.values()) and not any(outgoing.values()):
        return [
            f"Isolated: answered the survey but named nobody, and nobody named them, for {listed}.",
            *typical,
        ]
    ties = "; ".join(
        f"{r}: named by {named[r]}" + (f", names {outgoing[r]}" if person.responded else "")
        for r in relations
    )
    evidence = [f"Peripheral: a few weak ties only ({ties}).", *typical]
    if not person.responded:
        evidence.append("Did not answer the survey: whom they go to is unknown.")
    return evidence


def _typical_teammate(index: Index, person_id: int) -> list[str]:
    if len(index.members[index.team_of(person_id)]) < 2:
        return []
    medians = ", ".join(
        f"{number(index.team_median(person_id, r))} for {r}" for r in index.data.relations
    )
    return [f"A typical teammate is named by {medians}."]


def workload_evidence(
    index: Index, person_id: int, relation: str, total: int, rank: int, top: int
) -> list[str]:
    m = index.metric(person_id, relation)
    median = index.team_median(person_id, relation)
    evidence = [
        named_by_sentence(index, person_id, relation),
        f"Receives {percent(m.in_degree / total)} of all {relation} requests in the "
        f"organisation; the team's typical member receives {number(median)}.",
        f"Number {rank} of {len(index.person)} people by {relation} requests received (the "
        f"top {percent(index.data.thresholds.workload_top_share)} are the first {top}).",
    ]
    advice = index.metric(person_id, "advice") if relation != "advice" else None
    if advice is not None:
        evidence.append(
            f"Also named by {advice.in_degree} for advice; a typical teammate by "
            f"{number(index.team_median(person_id, 'advice'))}."
        )
    return [*evidence, NO_AUTHORITY]


def broker_evidence(
    index: Index, person_id: int, graph_name: str, pct: float, loss: float, sources: int
) -> list[str]:
    where = "all relations together" if graph_name == "combined" else f"the {graph_name} network"
    estimated = "" if sources >= len(index.person) else f" (estimated from {sources} people)"
    evidence = [
        f"Lies on more shortest paths between people than {percent(pct)} of the organisation "
        f"({where}).",
        f"Without them, the organisation's cross-team reach drops by {percent(loss)}{estimated}: "
        "paths between teams get longer or break.",
    ]
    named = set().union(*(index.named_by[r].get(person_id, frozenset()) for r in index.names))
    names = set().union(*(index.names[r].get(person_id, frozenset()) for r in index.names))
    if outside := outside_counts(index, person_id, named):
        evidence.append(f"Named by {team_counts(outside)} outside their own team.")
    if outside := outside_counts(index, person_id, names):
        evidence.append(f"Names {team_counts(outside)} outside their own team.")
    return evidence
