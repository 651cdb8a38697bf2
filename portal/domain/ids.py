"""Ids that name rows: whole numbers from 1 to 2,147,483,647, the largest a PostgreSQL `integer` column holds.

Anything else typed into a URL, a filter or a form names no row. Asking the database about it would fail on
PostgreSQL ("integer out of range") and on SQLite (a number beyond 64 bits cannot be bound), a server error, so
these helpers turn it into "no such thing" before any query.
"""

from __future__ import annotations

import re

MAX_ID = 2_147_483_647
_DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII digits only: str.isdigit() also takes "²" and "١", which int() refuses


def parse_id(text) -> int | None:
    """The id in `text` ("42"), or None when it cannot name a row (empty, not digits, 0, or too large)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 1 <= text <= MAX_ID else None
    if not isinstance(text, str) or not _DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if 1 <= value <= MAX_ID else None


def coerce_id(value) -> int:
    """For a form field's `coerce`: the id, or ValueError (WTForms then marks the field invalid)."""
    parsed = parse_id(value)
    if parsed is None:
        raise ValueError(f"not an id: {str(value)[:20]!r}")
    return parsed
