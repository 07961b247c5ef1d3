"""A simulated organisation with planted leadership patterns, to measure how well the flags work.

Pure Python (random.Random(seed)), no Django: `simulate()` returns the same AnalysisInput the
database selector builds, plus the truth that was planted. Edges point respondent → nominee.

The model, in the product's words:
- a team tree (a leadership team, departments under it, teams of about 8–15 people under those);
  every team has one lead; members report to their lead, leads to the lead of the parent team;
- every respondent names 2–5 people for advice and help and 1–3 for decisions (the import
  allows 5 a question), about three in four of them teammates, some in the same department, few
  elsewhere; their own lead is named most for decisions; popularity has a floor and a log-normal
  tail (decisions follow it less), so some people are named a lot without any planted role: the
  near misses every flag has to tell apart;
- planted patterns: informal decision-makers (most of them settle their team's decisions so that
  its lead is bypassed; some settle decisions across their department), overloaded helpers
  (asked for help by their team and far beyond it), silent members (rarely named, name few and
  answer less often), and brokers (the one person tying a group of teams that otherwise has only
  weak ties to the rest of the organisation);
- non-response: people answer with `response_rate` on average; central, engaged people somewhat
  more often, silent members less often (as surveys find); a non-respondent's outgoing ties are
  missing, their incoming ties stay;
- noise: each nomination is, with probability `noise`, someone picked at random instead.
Planted people are chosen at random (seeded); everyone gets at most one pattern. Ordinary
structure makes some unplanted people meet a flag's definition (a naturally bypassed lead, a
bridge nobody planted); the evaluation counts those as false positives.

`roster_rows` and `answer_rows` turn a simulated organisation into rows shaped like the CSV
files the roster and response imports read.
"""

import math
import random
from dataclasses import dataclass, field

from influence.analysis.types import AnalysisInput, NominationIn, PersonIn, TeamIn, Thresholds

RELATIONS = ("advice", "decision", "help")
PICKS = {"advice": (2, 5), "decision": (1, 3), "help": (2, 5)}  # people named per relation
KINDS = ("bypassed_lead", "broker", "hidden_workload", "informal_decision_maker", "silent_member")
DEPARTMENTS = (
    "Engineering", "Sales", "Operations", "Product", "Marketing", "Finance", "Customer Success",
    "Research", "Legal", "People", "Data", "Design",
)  # fmt: skip
FIRST_NAMES = (
    "Ada", "Ben", "Cleo", "Dev", "Ema", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai", "Lena",
    "Milo", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Vik", "Wen", "Yara",
)  # fmt: skip
LAST_NAMES = (
    "Abe", "Berg", "Costa", "Diaz", "Engel", "Fox", "Gomez", "Hale", "Ito", "Jensen", "Kova",
    "Lind", "Moreau", "Nagy", "Okafor", "Park", "Quist", "Rossi", "Silva", "Tan", "Weber",
)  # fmt: skip
EMAIL_DOMAIN = "simulated.example"

# Where people look, as a multiple of the other person's popularity.
SAME_TEAM, SAME_DEPARTMENT, ELSEWHERE = 10.0, 0.3, 0.03
LEAD_PULL = {"advice": 2.0, "decision": 15.0, "help": 1.5}  # one's own lead
PARENT_LEAD_PULL = 20.0  # a sub-team's lead asks the parent team's lead
POPULARITY_FLOOR, POPULARITY_SIGMA = 0.4, 0.5  # a floor and a log-normal tail
SILENT_PULL = 0.01  # how much less a silent member is named
SILO_TEAMS = 3  # teams in a silo (fewer when the department has fewer)
SILO_TIE = 0.02  # left-over weight of ties between a silo and the rest (weak, not zero)
DECIDER_PULL = 30.0  # teammates' pull towards a planted informal decision-maker
CROSS_DECIDER_PULL = 40.0  # department's pull towards one who decides across teams
HELPER_PULL = (4.0, 8.0, 1.0)  # an overloaded helper: team (×1+), department (+), elsewhere (+)
BROKER_OUT = 8.0  # a broker's pull towards people outside the silo
BROKER_IN = {"advice": 15.0, "help": 5.0}  # outsiders' pull towards a broker
ENGAGED, QUIET = 1.2, 0.6  # response propensity of central people and of silent members


@dataclass(frozen=True)
class PlantedTruth:
    """The people planted with each pattern (person ids per flag kind)."""

    informal_decision_maker: frozenset[int] = frozenset()
    bypassed_lead: frozenset[int] = frozenset()
    silent_member: frozenset[int] = frozenset()
    hidden_workload: frozenset[int] = frozenset()
    broker: frozenset[int] = frozenset()

    def by_kind(self) -> dict[str, frozenset[int]]:
        return {kind: getattr(self, kind) for kind in KINDS}


@dataclass
class _Org:
    teams: list[TeamIn]
    team_of: dict[int, int]  # person → team
    lead_of: dict[int, int]  # team → its lead
    department_of: dict[int, int]  # team → top team under the root (the root is its own)
    popularity: dict[int, float]
    parent_of: dict[int, int | None] = field(default_factory=dict)
    planted: dict[str, set[int]] = field(default_factory=dict)
    silo: dict[int, int] = field(default_factory=dict)  # person → silo number
    cross_deciders: set[int] = field(default_factory=set)  # decide across their department
    broker_silo: dict[int, int] = field(default_factory=dict)  # broker → the silo they tie


def simulate(
    *,
    people: int = 500,
    response_rate: float = 0.75,
    seed: int = 0,
    noise: float = 0.02,
    thresholds: Thresholds | None = None,
) -> tuple[AnalysisInput, PlantedTruth]:
    """A simulated organisation of `people` and its survey wave, plus the planted truth."""
    rng = random.Random(seed)
    org = _organisation(max(people, 2), rng)
    _plant(org, rng)
    answered = _respondents(org, response_rate, rng)
    nominations = []
    for respondent in sorted(answered):
        for relation in RELATIONS:
            nominations += _answer(org, respondent, relation, noise, rng)
    data = AnalysisInput(
        people=tuple(
            PersonIn(
                id=person,
                team_id=team,
                responded=person in answered,
                is_lead=org.lead_of[team] == person,
                direct_reports=_reports(org, person),
            )
            for person, team in sorted(org.team_of.items())
        ),
        teams=tuple(org.teams),
        relations=RELATIONS,
        nominations=tuple(nominations),
        thresholds=thresholds or Thresholds(),
        seed=seed,
    )
    truth = PlantedTruth(**{kind: frozenset(org.planted.get(kind, ())) for kind in KINDS})
    return data, truth


def _organisation(people: int, rng: random.Random) -> _Org:
    sizes = _team_sizes(people, rng)
    n_teams = len(sizes)
    n_departments = (
        min(max(1, round(math.sqrt(n_teams - 1))), len(DEPARTMENTS)) if n_teams > 1 else 0
    )
    parent = {1: None}
    for team in range(2, n_departments + 2):
        parent[team] = 1
    for i, team in enumerate(range(n_departments + 2, n_teams + 1)):
        parent[team] = 2 + i % n_departments
    teams = [
        TeamIn(id=t, name=_team_name(t, parent, n_departments), parent_id=parent[t]) for t in parent
    ]
    department_of = {t: t if parent[t] in (None, 1) else parent[t] for t in parent}
    team_of, lead_of, person = {}, {}, 1
    for team, size in zip(sorted(parent), sizes, strict=True):
        lead_of[team] = person
        for _ in range(size):
            team_of[person] = team
            person += 1
    popularity = {
        p: POPULARITY_FLOOR + (1 - POPULARITY_FLOOR) * rng.lognormvariate(0.0, POPULARITY_SIGMA)
        for p in team_of
    }
    return _Org(teams, team_of, lead_of, department_of, popularity, parent_of=parent)


def _team_sizes(people: int, rng: random.Random) -> list[int]:
    """Team sizes of 8–15 that add up to `people` (smaller teams for a small organisation)."""
    n_teams = max(1, round(people / 11.5))
    sizes = [rng.randint(8, 15) for _ in range(n_teams)]
    while sum(sizes) != people:
        i = rng.randrange(n_teams)
        step = 1 if sum(sizes) < people else -1
        if sizes[i] + step >= 2 or step > 0:
            sizes[i] += step
    return sizes


def _team_name(team: int, parent: dict[int, int | None], n_departments: int) -> str:
    if parent[team] is None:
        return "Leadership"
    if parent[team] == 1:
        return DEPARTMENTS[team - 2]
    department = DEPARTMENTS[parent[team] - 2]
    return f"{department} {1 + (team - n_departments - 2) // n_departments}"


def _reports(org: _Org, person: int) -> int:
    team = org.team_of[person]
    if org.lead_of[team] != person:
        return 0
    members = sum(1 for t in org.team_of.values() if t == team) - 1
    return members + sum(1 for t in org.teams if t.parent_id == team)


def _plant(org: _Org, rng: random.Random) -> None:
    """Choose the planted people; each person gets at most one pattern."""
    n = len(org.team_of)
    members = {t.id: [p for p, team in org.team_of.items() if team == t.id] for t in org.teams}
    taken = set(org.lead_of.values())
    planted = {kind: set() for kind in KINDS}
    big_teams = [t for t, m in sorted(members.items()) if len(m) >= 8 and t != 1]
    rng.shuffle(big_teams)
    for i, team in enumerate(big_teams[: max(1, n // 100)]):
        decider = _pick(rng, members[team], taken)
        planted["informal_decision_maker"].add(decider)
        if i % 4 == 3:  # settles decisions department-wide, next to a lead who is not bypassed
            org.cross_deciders.add(decider)
        else:  # settles the team's decisions: its lead is bypassed
            planted["bypassed_lead"].add(org.lead_of[team])
    _plant_silos(org, members, big_teams[max(1, n // 100) :], planted, taken, rng)
    others = [p for p in org.team_of if p not in taken]
    # Helpers are asked across the organisation: not in a silo, not in the leadership team.
    reachable = [p for p in others if p not in org.silo and org.team_of[p] != 1] or others
    for _ in range(max(1, n // 100)):
        planted["hidden_workload"].add(_pick(rng, reachable, taken))
    for _ in range(max(1, n // 50)):
        planted["silent_member"].add(_pick(rng, others, taken))
    org.planted = planted


def _plant_silos(org, members, free_teams, planted, taken, rng) -> None:
    """Groups of two sibling teams tied to the rest only through one broker (and weak ties)."""
    leaves = {t.id for t in org.teams} - {t.parent_id for t in org.teams}
    by_parent: dict[int, list[int]] = {}
    for team in free_teams:
        if team in leaves:
            by_parent.setdefault(next(t.parent_id for t in org.teams if t.id == team), []).append(
                team
            )
    pairs = [sorted(ts)[:SILO_TEAMS] for _, ts in sorted(by_parent.items()) if len(ts) >= 2]
    for number, pair in enumerate(pairs[: max(1, len(org.team_of) // 250)]):
        for team in pair:
            for person in members[team]:
                org.silo[person] = number
        broker = _pick(rng, members[pair[0]], taken)
        planted["broker"].add(broker)
        org.broker_silo[broker] = org.silo.pop(broker)  # the broker belongs to both sides


def _pick(rng: random.Random, people: list[int], taken: set[int]) -> int:
    person = rng.choice([p for p in people if p not in taken])
    taken.add(person)
    return person


def _respondents(org: _Org, response_rate: float, rng: random.Random) -> set[int]:
    """Who answered: propensity by role, scaled so the expected rate is `response_rate`."""
    central = set(org.lead_of.values()) | {
        p
        for kind in ("informal_decision_maker", "hidden_workload", "broker")
        for p in org.planted[kind]
    }
    propensity = {
        p: ENGAGED if p in central else QUIET if p in org.planted["silent_member"] else 1.0
        for p in org.team_of
    }
    scale = response_rate * len(propensity) / sum(propensity.values())
    return {p for p in sorted(org.team_of) if rng.random() < min(1.0, propensity[p] * scale)}


def _answer(
    org: _Org, respondent: int, relation: str, noise: float, rng: random.Random
) -> list[NominationIn]:
    silent = respondent in org.planted["silent_member"]
    low, high = (0, 1) if silent else PICKS[relation]
    count = rng.randint(low, high)
    people = sorted(org.team_of)
    weights = [_weight(org, respondent, other, relation) for other in people]
    chosen = _sample(rng, people, weights, count)
    for i, _ in enumerate(chosen):
        if rng.random() < noise:  # a random pick instead (a slip in the roster search)
            stranger = rng.choice(people)
            if stranger != respondent and stranger not in chosen:
                chosen[i] = stranger
    own = org.team_of[respondent]
    return [
        NominationIn(
            respondent=respondent,
            nominee=nominee,
            relation=relation,
            strength=rng.choice((2, 3, 4) if org.team_of[nominee] == own else (1, 2, 3)),
        )
        for nominee in chosen
    ]


def _weight(org: _Org, me: int, other: int, relation: str) -> float:
    if other == me:
        return 0.0
    my_team, their_team = org.team_of[me], org.team_of[other]
    if my_team == their_team:
        place = SAME_TEAM
    elif org.department_of[my_team] == org.department_of[their_team]:
        place = SAME_DEPARTMENT
    else:
        place = ELSEWHERE
    # Who settles decisions follows formal roles more than general popularity.
    popularity = org.popularity[other] ** (0.5 if relation == "decision" else 1.0)
    weight = popularity * place
    if other == org.lead_of[my_team]:
        weight *= LEAD_PULL[relation]
    elif org.lead_of[my_team] == me and other == org.lead_of.get(org.parent_of[my_team]):
        weight *= PARENT_LEAD_PULL if relation == "decision" else 1.5
    return _planted_weight(org, me, other, relation, weight)


def _planted_weight(org: _Org, me: int, other: int, relation: str, weight: float) -> float:
    planted = org.planted
    same_team = org.team_of[me] == org.team_of[other]
    same_department = org.department_of[org.team_of[me]] == org.department_of[org.team_of[other]]
    if relation == "decision" and same_team:
        if other in planted["informal_decision_maker"] and other not in org.cross_deciders:
            weight *= DECIDER_PULL
        elif other == org.lead_of[org.team_of[me]] and other in planted["bypassed_lead"]:
            weight *= 0.1
    if relation == "decision" and other in org.cross_deciders and same_department and not same_team:
        weight += CROSS_DECIDER_PULL
    if other in planted["hidden_workload"] and relation in ("help", "advice"):
        boost = 1.0 if relation == "help" else 0.3
        if same_team:
            weight *= 1 + HELPER_PULL[0] * boost
        else:
            weight += boost * HELPER_PULL[1 if same_department else 2]
    if other in planted["silent_member"]:
        weight *= SILENT_PULL
    return _silo_weight(org, me, other, relation, weight)


def _silo_weight(org: _Org, me: int, other: int, relation: str, weight: float) -> float:
    """A silo's ties to the rest run through its broker; everyone else's are weak."""
    bridges = org.broker_silo
    if me in bridges:  # the broker asks people outside their team, mostly outside the silo
        if org.team_of[me] == org.team_of[other] or relation == "decision":
            return weight
        return weight * (BROKER_OUT if org.silo.get(other) != bridges[me] else 3.0)
    if other in bridges:  # and is asked by the other team of the silo and by outsiders
        if org.team_of[me] == org.team_of[other]:
            return weight
        if org.silo.get(me) == bridges[other]:
            return weight * 5.0
        return weight * BROKER_IN.get(relation, 1.0)
    return weight * SILO_TIE if org.silo.get(me) != org.silo.get(other) else weight


def _sample(rng: random.Random, people: list[int], weights: list[float], k: int) -> list[int]:
    """k distinct people drawn with the given weights (Efraimidis–Spirakis keys)."""
    keyed = [(rng.random() ** (1 / w), p) for p, w in zip(people, weights, strict=True) if w > 0]
    return [p for _, p in sorted(keyed, reverse=True)[:k]]


def roster_rows(data: AnalysisInput) -> list[dict[str, str]]:
    """The simulated people as roster rows (email, name, team, parent_team, manager_email,
    title, role), in the shape `teams.roster_import` reads: parents before their children."""
    team_name = {t.id: t.name for t in data.teams}
    parent_of = {t.id: t.parent_id for t in data.teams}
    lead_of = {p.team_id: p.id for p in data.people if p.is_lead}
    rows = []
    for person in sorted(data.people, key=lambda p: (p.team_id, not p.is_lead, p.id)):
        manager = (
            lead_of.get(parent_of[person.team_id])
            if person.is_lead
            else lead_of.get(person.team_id)
        )
        rows.append(
            {
                "email": person_email(person.id),
                "name": person_name(person.id),
                "team": team_name[person.team_id],
                "parent_team": team_name.get(parent_of[person.team_id], ""),
                "manager_email": person_email(manager) if manager else "",
                "title": "Team Lead" if person.is_lead else "Team Member",
                "role": "lead" if person.is_lead else "employee",
            }
        )
    return rows


def answer_rows(data: AnalysisInput) -> list[dict[str, str]]:
    """The simulated answers as rows of respondent_email, relation, nominee_email, strength.

    A respondent who named nobody for a relation gets one row with an empty nominee_email (the
    import reads that as "answered, named nobody"); non-respondents have no rows.
    """
    named = {(n.respondent, n.relation) for n in data.nominations}
    rows = [
        {
            "respondent_email": person_email(n.respondent),
            "relation": n.relation,
            "nominee_email": person_email(n.nominee),
            "strength": "" if n.strength is None else str(n.strength),
        }
        for n in data.nominations
    ]
    rows += [
        {
            "respondent_email": person_email(p.id),
            "relation": relation,
            "nominee_email": "",
            "strength": "",
        }
        for p in data.people
        for relation in data.relations
        if p.responded and (p.id, relation) not in named
    ]
    return sorted(rows, key=lambda r: (r["respondent_email"], r["relation"], r["nominee_email"]))


def person_name(person_id: int) -> str:
    first = FIRST_NAMES[person_id % len(FIRST_NAMES)]
    last = LAST_NAMES[(person_id // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first} {last}"


def person_email(person_id: int) -> str:
    first, last = person_name(person_id).lower().split()
    return f"{first}.{last}.{person_id}@{EMAIL_DOMAIN}"
