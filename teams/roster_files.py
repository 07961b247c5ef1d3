"""Reading a roster file (CSV or XLSX) into a header and rows of text, with clear refusals."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

REQUIRED_COLUMNS = ("email", "name", "team", "manager_email", "title")
OPTIONAL_COLUMNS = ("parent_team", "role", "employee_id")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass(frozen=True)
class RosterProblem:
    """One thing to fix: row as a spreadsheet shows it (header = 1), column, what is wrong."""

    row: int | None
    column: str
    message: str


class RosterFileError(Exception):
    """The file cannot be read as a roster; each problem says what to do about it."""

    def __init__(self, message: str, *, problems: list[RosterProblem] | None = None):
        super().__init__(message)
        self.problems = problems or [RosterProblem(None, "", message)]


@dataclass(frozen=True)
class RosterTable:
    """Header names normalised to snake_case; rows keep their spreadsheet row number."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def normalise_column(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_roster_file(*, file_name: str, content: bytes) -> RosterTable:
    if not content.strip():
        raise RosterFileError("The file is empty. Upload a CSV or XLSX file with a header row.")
    lower = file_name.lower()
    if content[:4] == b"PK\x03\x04" or lower.endswith((".xlsx", ".xlsm")):
        return _table_from_cells(_xlsx_cells(content))
    if (
        lower.endswith((".xls", ".ods", ".numbers", ".pdf", ".doc", ".docx"))
        or b"\x00" in content[:4096]
    ):
        raise RosterFileError(
            f"'{file_name}' is not a CSV or XLSX file. Save the roster as CSV (UTF-8) or as an "
            "Excel workbook (.xlsx) and upload that."
        )
    return _table_from_cells(_csv_cells(content))


def _csv_cells(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            f"The file is not UTF-8 text (first unreadable byte on row {line}). In Excel choose "
            "'Save as… CSV UTF-8', or upload the .xlsx workbook instead."
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise RosterFileError(f"The CSV file cannot be read: {exc}.") from None


def _xlsx_cells(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise RosterFileError(
            "The file looks like a spreadsheet but is not a readable .xlsx workbook. Open it in "
            "Excel or LibreOffice and save it again as .xlsx or as CSV (UTF-8)."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # employee ids typed as numbers come back as 123.0
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _table_from_cells(cells: list[list[str]]) -> RosterTable:
    # Leading blank lines are skipped so that row numbers still match the spreadsheet.
    start = next((i for i, row in enumerate(cells) if any(c.strip() for c in row)), None)
    if start is None:
        raise RosterFileError("The file is empty. Upload a CSV or XLSX file with a header row.")
    header = [normalise_column(c) for c in cells[start]]
    while header and not header[-1]:
        header.pop()
    _check_header(header, header_row=start + 1)
    rows = []
    for index in range(start + 1, len(cells)):
        values = [c.strip() for c in cells[index]]
        if not any(values):
            continue
        values += [""] * (len(header) - len(values))
        rows.append((index + 1, dict(zip(header, values, strict=False))))
    if not rows:
        raise RosterFileError("The file has a header row but no people below it.")
    return RosterTable(columns=header, rows=rows)


def _check_header(header: list[str], *, header_row: int) -> None:
    problems = []
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(
                RosterProblem(
                    header_row,
                    f"column {position}",
                    "This header cell is empty: name the column or delete it.",
                )
            )
    for name in sorted({name for name in header if name and header.count(name) > 1}):
        problems.append(
            RosterProblem(
                header_row, name, f"Column '{name}' appears more than once in the header."
            )
        )
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(
                RosterProblem(
                    header_row,
                    name,
                    f"Required column '{name}' is missing from the header. "
                    f"Required: {', '.join(REQUIRED_COLUMNS)}; "
                    f"optional: {', '.join(OPTIONAL_COLUMNS)}; "
                    "any other column is kept as an attribute.",
                )
            )
    if problems:
        raise RosterFileError("The header row needs fixing.", problems=problems)
