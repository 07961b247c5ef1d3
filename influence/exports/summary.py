"""The summary every format opens with: facts (organisation, wave, scope, people, response
rate, flags per kind) and the notes a reader must see before the numbers (reliability, withheld
groups, missing ties, what a pseudonymised or a lead's export leaves out)."""

from collections import Counter

from influence.analysis.flags_evidence import percent
from influence.exports.data import ExportData
from influence.models import Flag, kind_label

NON_RESPONSE_NOTE = (
    "People who did not answer are still in the results through the ties others reported to "
    "them, but whom they would have named is unknown, not zero: counts of who named someone are "
    "lower bounds, and a quiet result can mean 'did not take part' rather than 'on the edge'."
)
PSEUDONYMISED_NOTE = (
    "Pseudonymised: names and e-mails are replaced by pseudonyms made for this export only. "
    "They agree across its files and sheets, but differ in every export, so exports cannot be "
    "joined."
)
LEAD_NOTE = (
    "This export covers the teams in scope only, and never says who answered: 'responded' and "
    "'out_degree' (how many people someone named) are left blank."
)


def flag_counts(data: ExportData) -> list[tuple[str, int]]:
    """(label, count) per kind: the known kinds in their order, then any others."""
    counts = Counter(flag.kind for flag in data.flags)
    kinds = [k for k in Flag.Kind.values if counts[k]] + sorted(set(counts) - set(Flag.Kind.values))
    return [(kind_label(kind), counts[kind]) for kind in kinds]


def response_rate(data: ExportData) -> float:
    return data.respondents / len(data.people) if data.people else 0.0


def summary_facts(data: ExportData) -> list[tuple[str, str]]:
    wave, finished = data.wave, data.run_finished_at
    facts = [
        ("Organisation", data.organization["name"]),
        ("Survey", wave["survey"]),
        ("Wave", f"{wave['number']} (id {wave['id']}, {wave['status']})"),
        ("Analysis run", f"{data.run['id']}, {finished:%d %B %Y %H:%M}" if finished else ""),
        ("Scope", data.scope),
        ("Pseudonymised", "yes" if data.pseudonymised else "no"),
        ("People", str(len(data.people))),
        ("Answered", f"{data.respondents} ({percent(response_rate(data))})"),
        ("Ties", str(len(data.edges)) if not data.edges_note else "none in this export"),
    ]
    facts += [(f"Flags: {label}", str(count)) for label, count in flag_counts(data)]
    if not data.flags:
        facts.append(("Flags", "none"))
    return facts


def summary_notes(data: ExportData) -> list[str]:
    notes = []
    rate = response_rate(data)
    if data.people and rate < data.reliable_rate:
        notes.append(
            f"Only {percent(rate)} answered, below the {percent(data.reliable_rate)} treated as "
            "reliable: results are less reliable."
        )
    low = [t["name"] for t in data.teams if t["low_response"] and t["team_id"] is not None]
    if low:
        notes.append(f"{len(low)} team(s) answered below the reliable rate: {listed(low)}.")
    withheld = [t["name"] for t in data.teams if t["withheld"]]
    if withheld:
        notes.append(_withheld_note(data, withheld))
    notes.append(NON_RESPONSE_NOTE)
    if data.edges_note:
        notes.append(data.edges_note)
    if data.lead_scope:
        notes.append(LEAD_NOTE)
    if data.pseudonymised:
        notes.append(PSEUDONYMISED_NOTE)
    notes += [f"Analysis warning: {warning}" for warning in data.run["warnings"] or []]
    return notes


def listed(names: list[str], limit: int = 12) -> str:
    """The first `limit` names, and how many more (a large organisation has hundreds)."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _withheld_note(data: ExportData, names: list[str]) -> str:
    text = (
        f"{len(names)} group(s) had fewer than {data.threshold} people answering, so their "
        f"aggregates are withheld: {listed(names)}."
    )
    if data.pseudonymised:
        text += (
            " Their members appear as 'Withheld group', without title, attributes or manager, "
            "and their flags are left out."
        )
    return text
