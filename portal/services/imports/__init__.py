"""Imports from the school's MIS: pupils, contacts and marks as CSV (design.md section 6).

Every import validates the whole file first. If any row is bad it imports nothing and lists every bad row with its
line number and what to fix, unless the caller asks to skip invalid rows, which imports the good ones and writes
the bad ones to a file. Each import is one transaction: a crash leaves the database as it was.
"""

from portal.services.imports.common import ImportRejected, ImportResult, RowProblem
from portal.services.imports.contacts import import_contacts
from portal.services.imports.marks import MarkCounts, import_marks, store_marks
from portal.services.imports.pupils import import_pupils

__all__ = [
    "ImportRejected", "ImportResult", "MarkCounts", "RowProblem",
    "import_contacts", "import_marks", "import_pupils", "store_marks",
]
