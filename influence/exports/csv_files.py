"""CSV exports: a zip of people.csv, flags.csv, teams.csv, edges.csv, changes.csv and a
README.txt, and the edge list alone. Every string cell goes through cell_safe, so that a name
like "=HYPERLINK(…)" is text in a spreadsheet, never a formula.

The zip's files are UTF-8 with a byte-order mark (Excel then reads accents right); the edge list
alone is plain UTF-8, as network tools expect.
"""

import csv
import io
import zipfile

from common.spreadsheet import row_safe
from influence.exports.data import ExportData
from influence.exports.summary import summary_facts, summary_notes
from influence.exports.tables import (
    Table,
    changes_table,
    edges_table,
    flags_table,
    people_table,
    teams_table,
)

JOINER = " | "
README_COLUMNS = """Files
  people.csv   one row per person and relation: team, title, manager, attributes (attr_*),
               whether they answered, community, and the relation's metrics (in_degree: distinct
               people who named them; out_degree: people they named, blank when they did not
               answer or in a lead's export; pagerank, betweenness, harmonic closeness;
               in_degree_pct_org / _team: share of the organisation / team named less often)
  flags.csv    one row per flag: kind, score (0-1), evidence and moves joined with " | ",
               and a warning when the group answered too little to be reliable
  teams.csv    one row per team (and the organisation): size, respondents, response rate,
               withheld and why, and per-relation aggregates (density, centralisation, ...)
  edges.csv    who named whom: From -> To, Weight (summed strength, 1 when not asked),
               Type (the relation)
  changes.csv  since the previous wave: new and resolved flags, biggest movers, response rates
Cells that a spreadsheet would run as a formula start with an apostrophe.
"""


def csv_bytes(table: Table, *, bom: bool) -> bytes:
    header, rows = table
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(row_safe(header))
    for row in rows:
        writer.writerow(row_safe(row))
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def edges_csv(data: ExportData) -> bytes:
    return csv_bytes(edges_table(data), bom=False)


def csv_zip(data: ExportData) -> bytes:
    files = {
        "README.txt": readme_text(data).encode(),
        "people.csv": csv_bytes(people_table(data), bom=True),
        "flags.csv": csv_bytes(flags_table(data, joiner=JOINER), bom=True),
        "teams.csv": csv_bytes(teams_table(data), bom=True),
        "edges.csv": csv_bytes(edges_table(data), bom=True),
        "changes.csv": csv_bytes(changes_table(data), bom=True),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def readme_text(data: ExportData) -> str:
    lines = ["Influence map report", ""]
    lines += [f"{label}: {value}" for label, value in summary_facts(data)]
    lines += ["", "Read first"]
    lines += [f"- {note}" for note in summary_notes(data)]
    return "\n".join(lines) + "\n\n" + README_COLUMNS
