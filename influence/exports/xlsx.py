"""The Excel workbook: Summary, People (one row per person and relation), Flags (evidence and
moves), Teams (response rates, withheld and why) and Changes (since the previous wave).

openpyxl in write-only mode (rows streamed, a few seconds for 5,000 people). Every string cell
goes through cell_safe, so none starts with "=" and openpyxl stores each as text, never as a
formula; control characters XML cannot hold are dropped.
"""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from common.spreadsheet import cell_safe
from influence.exports.data import ExportData
from influence.exports.summary import summary_facts, summary_notes
from influence.exports.tables import (
    Table,
    changes_table,
    flags_table,
    people_table,
    teams_table,
)

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TITLE = Font(bold=True, size=14)


def xlsx_bytes(data: ExportData) -> bytes:
    workbook = Workbook(write_only=True)
    _summary(workbook, data)
    _sheet(workbook, "People", people_table(data), widths={"A": 28, "B": 30, "C": 22, "D": 22})
    _sheet(
        workbook,
        "Flags",
        flags_table(data, joiner="\n"),
        widths={"A": 26, "B": 28, "C": 20, "D": 24, "E": 22, "G": 70, "H": 70, "I": 40},
        wrap_from=6,
    )
    _sheet(workbook, "Teams", teams_table(data), widths={"A": 28, "G": 50})
    _sheet(workbook, "Changes", changes_table(data), widths={"A": 22, "B": 28, "C": 28})
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def text(value):
    """A cell value safe to write: formulas neutralised, characters XML refuses removed."""
    if isinstance(value, str):
        return cell_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _summary(workbook: Workbook, data: ExportData) -> None:
    sheet = workbook.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    sheet.append([_styled(sheet, "Influence map report", TITLE)])
    sheet.append([])
    for label, value in summary_facts(data):
        sheet.append([_styled(sheet, label, BOLD), text(value)])
    sheet.append([])
    sheet.append([_styled(sheet, "Read first", BOLD)])
    for note in summary_notes(data):
        sheet.append([None, _styled(sheet, note, None, WRAP)])


def _sheet(workbook, title: str, table: Table, *, widths: dict, wrap_from: int | None = None):
    header, rows = table
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.append([_styled(sheet, name, BOLD) for name in header])
    for row in rows:
        if wrap_from is None:
            sheet.append([text(value) for value in row])
        else:
            sheet.append(
                [
                    _styled(sheet, value, None, WRAP) if i >= wrap_from else text(value)
                    for i, value in enumerate(row)
                ]
            )


def _styled(sheet, value, font=None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text(value))
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell
