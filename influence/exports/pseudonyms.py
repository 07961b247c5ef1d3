"""Pseudonymised exports: names and e-mails replaced by "Person 0001"-style pseudonyms.

The numbers follow the order of HMAC(key, person id) with a key made for one export, so the
pseudonyms agree across every file and sheet of that export but two exports cannot be joined
(nor the numbers sorted back into roster order). Titles and attributes stay, except for people
of a group with fewer respondents than the anonymity threshold: their team reads "Withheld
group", their title, attributes and manager are blank and their flags are left out, since a few
people's title and team could tell who they are.
"""

import hashlib
import hmac
from dataclasses import replace

from influence.exports.data import Changes, ExportData, PersonRow, people_labelled
from influence.reports import ERASED_NAME

WITHHELD_TEAM = "Withheld group"
EMAIL_DOMAIN = "pseudonymised.invalid"


def pseudonym_numbers(person_ids, key: bytes) -> dict[int, int]:
    """1, 2, … in the order of the keyed hash of each id: random-looking, stable per key."""

    def digest(person_id: int) -> bytes:
        return hmac.new(key, str(person_id).encode(), hashlib.sha256).digest()

    return {pid: number for number, pid in enumerate(sorted(set(person_ids), key=digest), 1)}


def data_pseudonymise(data: ExportData, *, key: bytes) -> ExportData:
    """The same export with pseudonyms, small groups withheld, people re-ordered by pseudonym."""
    numbers = pseudonym_numbers([p.id for p in data.people], key)
    width = max(4, len(str(len(numbers))))
    open_teams = {team["team_id"] for team in data.teams if not team["withheld"]}
    people = sorted(
        (_person(p, numbers[p.id], width, p.team_id not in open_teams) for p in data.people),
        key=lambda p: numbers[p.id],
    )
    people = people_labelled(people)
    shown = {p.id for p in people if not p.withheld}
    flags = sorted(
        (flag for flag in data.flags if flag.person_id in shown),
        key=lambda f: (f.kind, -f.score, numbers[f.person_id]),
    )
    return replace(
        data,
        people=people,
        flags=flags,
        edges=sorted(data.edges, key=lambda e: (numbers[e.source], numbers[e.target], e.relation)),
        changes=_changes_kept(data.changes, shown),
        other_names={},
        pseudonymised=True,
    )


def _changes_kept(changes: Changes | None, shown: set[int]) -> Changes | None:
    if changes is None:
        return None
    comparison = changes.comparison
    kept = replace(
        comparison,
        movers=[c for c in comparison.movers if c.person_id in shown],
        new_flags=[c for c in comparison.new_flags if c.person_id in shown],
        resolved_flags=[c for c in comparison.resolved_flags if c.person_id in shown],
    )
    return replace(changes, comparison=kept)


def pseudonym_name(number: int, width: int) -> str:
    return f"Person {number:0{width}d}"


def pseudonym_email(number: int, width: int) -> str:
    return f"person-{number:0{width}d}@{EMAIL_DOMAIN}"


def _person(person: PersonRow, number: int, width: int, withheld: bool) -> PersonRow:
    changed = replace(
        person,
        node=f"n{number:0{width}d}",
        name=ERASED_NAME if person.erased else pseudonym_name(number, width),
        email="" if person.erased else pseudonym_email(number, width),
    )
    if not withheld:
        return changed
    return replace(
        changed, team=WITHHELD_TEAM, title="", attributes={}, manager_id=None, withheld=True
    )
