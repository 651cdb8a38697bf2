"""The one CSV writer for every file the portal hands to people: exports, oversight lists, rejected import rows.

Such files are opened in Excel or LibreOffice, which run a cell beginning with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula: a register comment or a parent's text such as `=HYPERLINK(...)` would
become a live link or worse on the office PC. Every cell that begins with one of those characters gets a leading
apostrophe, which spreadsheets show as text and do not display (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as a spreadsheet will show it and never run it: None is empty, formulas are defused."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """csv.writer's writerow and writerows, each cell passed through `cell` first."""

    def __init__(self, handle, **options):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle, **options) -> SafeWriter:
    """Use in place of csv.writer for any file people will open (same options: lineterminator, ...)."""
    return SafeWriter(handle, **options)
