"""Report files of a run: JSON, CSV (zip), XLSX, PDF, GraphML, GEXF and an edge-list CSV.

Contract used by the export jobs, the pages, the API and `manage.py export_report`:
`export_render(run=, team_ids=, fmt=, pseudonymise=, progress=)` → ExportFile. Same data and
scope as the pages: `team_ids` None is the whole organisation (HR), else a lead's teams (their
people, flags and team rows, ties with both ends among them, and never who answered).

The data is read once (data.py), pseudonymised when asked (pseudonyms.py), then written by one
module per format. Every string cell of CSV and XLSX goes through common.spreadsheet.cell_safe.
"""

import importlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from influence.models import AnalysisRun

FORMATS: dict[str, str] = {
    "json": "JSON",
    "csv": "CSV (zip: people, flags, teams, edges)",
    "xlsx": "Excel workbook",
    "pdf": "PDF report",
    "graphml": "GraphML (Gephi, yEd)",
    "gexf": "GEXF (Gephi)",
    "edges": "Edge list CSV (UCINET, Kumu)",
}
# (file-name ending, content type)
FILE_TYPES: dict[str, tuple[str, str]] = {
    "json": (".json", "application/json"),
    "csv": (".zip", "application/zip"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (".pdf", "application/pdf"),
    "graphml": (".graphml", "application/graphml+xml"),
    "gexf": (".gexf", "application/gexf+xml"),
    "edges": ("-edges.csv", "text/csv; charset=utf-8"),
}
TEXT_FORMATS = frozenset({"json", "graphml", "gexf", "edges"})


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def export_render(
    *,
    run: AnalysisRun,
    team_ids: set[int] | None,
    fmt: str,
    pseudonymise: bool = False,
    progress: Callable[[int, str], None] | None = None,
    pseudonym_key: bytes | None = None,
) -> ExportFile:
    """The report of `run` in `fmt` (a key of FORMATS); progress(percent, stage) as it goes.
    A pseudonymised export uses a fresh random key (`pseudonym_key` fixes it, for tests)."""
    # Imported here: influence.services imports this package, and data.py imports a service.
    from influence.exports.data import export_data_gather
    from influence.exports.pseudonyms import data_pseudonymise

    if fmt not in FORMATS:
        raise ValueError(f"Unknown format '{fmt}'. Available: {', '.join(FORMATS)}.")
    report = progress or (lambda percent, stage: None)
    report(5, "Reading the results")
    data = export_data_gather(run=run, team_ids=team_ids)
    if pseudonymise:
        report(30, "Pseudonymising")
        data = data_pseudonymise(data, key=pseudonym_key or secrets.token_bytes(32))
    report(40, f"Writing the {FORMATS[fmt]}")
    content = _writer(fmt)(data)
    report(100, "Done")
    ending, content_type = FILE_TYPES[fmt]
    return ExportFile(export_filename(data, ending), content_type, content)


def export_filename(data, ending: str) -> str:
    """influence-<org>-wave-<n>[-<team>][-pseudonymised]<ending>"""
    parts = ["influence", data.organization["slug"], "wave", str(data.wave["number"])]
    if data.scope_slug:
        parts.append(data.scope_slug)
    if data.pseudonymised:
        parts.append("pseudonymised")
    return "-".join(parts) + ending


# Module and function per format, imported when used (reportlab and openpyxl load slowly).
WRITERS: dict[str, tuple[str, str]] = {
    "json": ("json_file", "json_file"),
    "csv": ("csv_files", "csv_zip"),
    "xlsx": ("xlsx", "xlsx_bytes"),
    "pdf": ("pdf", "pdf_bytes"),
    "graphml": ("graphs", "graphml_file"),
    "gexf": ("graphs", "gexf_file"),
    "edges": ("csv_files", "edges_csv"),
}


def _writer(fmt: str) -> Callable:
    module, function = WRITERS[fmt]
    return getattr(importlib.import_module(f"influence.exports.{module}"), function)


def export_people_count(*, run: AnalysisRun, team_ids: set[int] | None) -> int:
    """How many people an export would list: decides streaming against a background job."""
    from influence.models import PersonPosition

    positions = PersonPosition.objects.filter(run=run)
    if team_ids is not None:
        positions = positions.filter(person__team_id__in=team_ids)
    return positions.count()
