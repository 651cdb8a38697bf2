"""An example policy moved in time, for the tests that run on the machine's clock (marked `real_clock`).

The example policies publish two school years of term dates (2025-26 and 2026-27). A browser journey or a served
portal runs on the machine's date, whatever it is: these tests load a copy of the example whose every date is moved
forward by whole weeks (so each date keeps its weekday) and whose school-year labels follow, far enough that today
falls in the copy's first school year, with its second school year still ahead.
"""

from __future__ import annotations

import math
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIRST_DAY = date(2025, 9, 1)  # the examples' first school year starts here
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
YEAR_LABEL = re.compile(r'"(\d{4})-(\d{2})"')
_FOLDER = Path(tempfile.mkdtemp(prefix="portal-moved-policies-"))


def years_to_move(today: date) -> int:
    """Whole school years to move the examples by, so that today falls in their first school year (or before)."""
    return max(0, today.year - FIRST_DAY.year - (0 if today.month >= 9 else 1))


def moved_text(text: str, years: int) -> str:
    shift = timedelta(weeks=math.ceil(years * 365.2425 / 7))  # whole weeks, never earlier than a year on

    def move_date(match: re.Match) -> str:
        return (date(*map(int, match.groups())) + shift).isoformat()

    def move_label(match: re.Match) -> str:
        start = int(match.group(1)) + years
        return f'"{start}-{(start + 1) % 100:02d}"'

    return YEAR_LABEL.sub(move_label, ISO_DATE.sub(move_date, text))


def example_on(today: date, name: str = "alp.toml") -> Path:
    """The example policy `name`, moved so that its calendar holds `today` (the example itself when it does)."""
    years = years_to_move(today)
    if years == 0:
        return EXAMPLES / name
    path = _FOLDER / f"{years}-{name}"
    if not path.exists():
        path.write_text(moved_text((EXAMPLES / name).read_text(), years))
    return path
