"""Cells that a spreadsheet would run as a formula are written as text.

A value starting with = + - @, a tab or a carriage return is a formula (or becomes one) in
Excel, LibreOffice and Google Sheets; a roster name like "=HYPERLINK(...)" would run on the
reader's machine. Such strings get a leading apostrophe, the convention spreadsheets read as
"this is text". Numbers stay numbers: a negative score is not a formula.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """The value to write into a CSV or XLSX cell."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_safe(values) -> list:
    return [cell_safe(value) for value in values]
