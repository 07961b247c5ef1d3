"""Demo survey answers for the demo roster: who goes to whom for advice, decisions and help.

Deterministic (random.Random(seed)). The structure is what a real team shows: people mostly name
teammates and their own lead; a few go-to experts are named across teams for advice and help;
one senior engineer settles decisions for their team more than its lead does; one support
specialist receives a large share of all help requests; a few quiet people are rarely named and
answer less often. About 80 % of people answer.
"""

import csv
import io
import random

DEMO_SURVEY_TITLE = "Northwind pulse"
DEMO_RELATIONS = ("advice", "decision", "help")
PICKS = {"advice": (2, 5), "decision": (1, 3), "help": (1, 4)}


def demo_answer_rows(
    roster: list[dict[str, str]],
    *,
    seed: int = 11,
    response_rate: float = 0.8,
    variant: int = 0,
) -> list[dict[str, str]]:
    """Rows of respondent_email, relation, nominee_email, strength for a closed demo wave.

    `variant` draws other answers from the same planted people (another wave of the same
    organisation); variant 0 is the demo's latest closed wave."""
    rng = random.Random(seed)
    roles = _planted_roles(roster, rng)
    if variant:
        rng = random.Random(f"{seed}-{variant}")
    lead_of = {row["team"]: row["email"] for row in roster if row["role"] == "lead"}
    parent_of = {row["team"]: row["parent_team"] for row in roster}
    # Who answers is drawn apart from whom they name, so tuning one does not move the other.
    answering = random.Random(seed + 1 + 1000 * variant)
    rows = []
    for respondent in roster:
        quiet = respondent["email"] in roles["quiet"]
        if answering.random() > (response_rate * (0.6 if quiet else 1.05)):
            continue
        for relation in DEMO_RELATIONS:
            weights = [
                _weight(respondent, other, relation, roles, lead_of, parent_of) for other in roster
            ]
            low, high = PICKS[relation]
            for nominee in _sample(rng, roster, weights, rng.randint(low, high)):
                close = nominee["team"] == respondent["team"]
                strength = rng.choice((3, 4) if close else (1, 2, 3))
                rows.append(
                    {
                        "respondent_email": respondent["email"],
                        "relation": relation,
                        "nominee_email": nominee["email"],
                        "strength": str(strength),
                    }
                )
    return rows


def demo_answers_csv(roster: list[dict[str, str]], **options) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out, fieldnames=("respondent_email", "relation", "nominee_email", "strength")
    )
    writer.writeheader()
    writer.writerows(demo_answer_rows(roster, **options))
    return out.getvalue().encode("utf-8")


def _planted_roles(roster, rng) -> dict[str, set[str]]:
    """Go-to experts, an informal decision-maker, an overloaded helper and quiet people."""
    seniors = [r for r in roster if r["role"] == "employee" and r["level"] in ("senior", "staff")]
    juniors = [r for r in roster if r["role"] == "employee" and r["level"] in ("junior", "mid")]
    platform_seniors = [r for r in seniors if r["team"] == "Platform"]
    helpers = [r for r in roster if r["team"] == "Customer Success" and r["role"] == "employee"]
    return {
        "experts": {r["email"] for r in rng.sample(seniors, 5)},
        "decider": {platform_seniors[0]["email"]} if platform_seniors else set(),
        "helper": {helpers[0]["email"]} if helpers else set(),
        "quiet": {r["email"] for r in rng.sample(juniors, 6)},
    }


def _weight(me, other, relation, roles, lead_of, parent_of) -> float:
    if other["email"] == me["email"]:
        return 0.0
    same_team = other["team"] == me["team"]
    near = other["team"] in (parent_of.get(me["team"]), me["team"]) or parent_of.get(
        other["team"]
    ) == parent_of.get(me["team"])
    weight = 6.0 if same_team else 0.8 if near else 0.05
    if other["email"] == lead_of.get(me["team"]):
        weight *= (
            0.35
            if relation == "decision" and other["team"] == "Platform"
            else (8.0 if relation == "decision" else 0.8)
        )
    if other["email"] in roles["experts"] and relation in ("advice", "help"):
        weight += 2.5
    if other["email"] in roles["decider"] and relation == "decision" and same_team:
        weight *= 16.0
    if other["email"] in roles["helper"] and relation == "help":
        weight += 6.0
    if other["email"] in roles["quiet"]:
        weight *= 0.03
    return weight


def _sample(rng, people, weights, k):
    """k distinct people drawn with the given weights (Efraimidis–Spirakis keys)."""
    keyed = [(rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0]
    return [people[i] for _, i in sorted(keyed, reverse=True)[:k]]
