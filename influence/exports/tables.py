"""The tables the CSV files and the XLSX sheets share: a header and rows of plain values (str,
int, float, None). Writers make every string cell safe (common.spreadsheet.cell_safe)."""

from collections.abc import Iterator

from influence.exports.data import ExportData
from influence.models import kind_label
from influence.reports import METRIC_FIELDS

Table = tuple[list[str], Iterator[list]]


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def people_table(data: ExportData) -> Table:
    """One row per person and relation (one row with no relation for a person without any)."""
    keys = sorted({key for person in data.people for key in person.attributes})
    header = [
        "person",
        "email",
        "team",
        "title",
        "manager",
        *(f"attr_{key}" for key in keys),
        "responded",
        "community",
        "relation",
        *METRIC_FIELDS,
    ]

    def rows():
        for p in data.people:
            manager = data.people_by_id.get(p.manager_id)
            head = [p.label, p.email, p.team, p.title, manager.label if manager else ""]
            head += [p.attributes.get(key, "") for key in keys]
            head += [yes_no(p.responded), p.community]
            for relation in sorted(p.metrics) or [""]:
                metrics = p.metrics.get(relation, {})
                yield [*head, relation, *(_number(metrics.get(f)) for f in METRIC_FIELDS)]

    return header, rows()


def flags_table(data: ExportData, *, joiner: str) -> Table:
    header = ["person", "email", "team", "flag", "kind", "score", "evidence", "moves", "warning"]

    def rows():
        for flag in data.flags:
            person = data.people_by_id[flag.person_id]
            yield [
                person.label,
                person.email,
                person.team,
                kind_label(flag.kind),
                flag.kind,
                flag.score,
                joiner.join(flag.evidence),
                joiner.join(flag.moves),
                flag.warning,
            ]

    return header, rows()


def teams_table(data: ExportData) -> Table:
    """Teams with size, respondents, response rate, withheld and why, per-relation aggregates."""
    measures = sorted(
        {
            (rel, key)
            for t in data.teams
            for rel, values in (t.get("relations") or {}).items()
            for key in values
        }
    )
    header = [
        "team",
        "size",
        "respondents",
        "response_rate",
        "low_response",
        "withheld",
        "reason",
        *(f"{rel}_{key}" for rel, key in measures),
    ]

    def rows():
        for team in data.teams:
            relations = team.get("relations") or {}
            yield [
                team["name"],
                team["size"],
                team["respondents"],
                _number(team["response_rate"]),
                yes_no(team["low_response"]),
                yes_no(team["withheld"]),
                team.get("reason", ""),
                *(_number(relations.get(rel, {}).get(key)) for rel, key in measures),
            ]

    return header, rows()


def edges_table(data: ExportData) -> Table:
    """Who named whom: From → To, by label (Kumu joins on it), weight third (UCINET)."""
    header = ["From", "To", "Weight", "Type", "Direction"]
    label = {p.id: p.label for p in data.people}

    def rows():
        for edge in data.edges:
            yield [label[edge.source], label[edge.target], edge.weight, edge.relation, "directed"]

    return header, rows()


def changes_table(data: ExportData) -> Table:
    """Since the previous wave: new and resolved flags, biggest movers, response rates."""
    header = ["change", "person or team", "relation or flag", "before", "after"]
    changes = data.changes

    def rows():
        if changes is None:
            yield ["No previous wave", "", "", None, None]
            return
        comparison = changes.comparison
        for c in comparison.new_flags:
            yield ["New flag", data.person_label(c.person_id), c.kind_label, None, c.score]
        for c in comparison.resolved_flags:
            yield ["Resolved flag", data.person_label(c.person_id), c.kind_label, c.score, None]
        for c in comparison.movers:
            yield [
                "Named by (in-degree)",
                data.person_label(c.person_id),
                c.relation,
                c.before,
                c.after,
            ]
        for c in changes.rates:
            yield ["Response rate", c.team, "", _number(c.before), _number(c.after)]

    return header, rows()


def _number(value):
    return round(value, 6) if isinstance(value, float) else value
