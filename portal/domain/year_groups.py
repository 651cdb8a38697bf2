"""Year groups as MIS products write them, read into the portal's form: N1, N2, R, Y1 to Y14.

SIMS, Arbor, Bromcom and ScholarPack write the national curriculum year as "Year 4", "Yr 4", "Y4", "4" or "04",
reception as "Reception", "Rec", "R" or "YR", nursery as "Nursery 1", "N1" (and "Nursery 2", "N2"). All of these
are read; so is "Year R". Refused, with what to write: "0" (some data sets use it for reception, others for
nursery: not guessed), "Nursery" without 1 or 2, "X" (not following the national curriculum) and anything else.
"""

from __future__ import annotations

import re

STORED = re.compile(r"N1|N2|R|Y([1-9]|1[0-4])")
_SPOKEN = re.compile(r"(?:YEAR|YR|Y|NC YEAR|NCY)?\s*(?P<number>\d{1,2})")
_WORDS = {
    "R": "R", "REC": "R", "RECEPTION": "R", "YR": "R", "YEAR R": "R", "YEAR RECEPTION": "R",
    "N1": "N1", "NURSERY 1": "N1", "NUR 1": "N1", "N 1": "N1", "NURSERY1": "N1",
    "N2": "N2", "NURSERY 2": "N2", "NUR 2": "N2", "N 2": "N2", "NURSERY2": "N2",
}
SHOULD_BE = "N1, N2, R or Y1 to Y14 (Year 4, Yr 4, 4, Reception and Nursery 1 are read too)"


def read_year_group(value: str) -> tuple[str | None, str | None]:
    """(stored form, None), or (None, what to write instead)."""
    text = " ".join(value.replace("-", " ").replace("_", " ").split()).upper()
    if text in _WORDS:
        return _WORDS[text], None
    match = _SPOKEN.fullmatch(text)
    if match:
        number = int(match["number"])
        if 1 <= number <= 14:
            return f"Y{number}", None
        if number == 0:
            return None, f"year_group {value!r}: 0 means reception in some exports and nursery in others; write R, N1 or N2"
    if text in ("NURSERY", "NUR", "N"):
        return None, f"year_group {value!r}: say which nursery year, N1 or N2 (Nursery 1 or Nursery 2)"
    return None, f"year_group {value!r} should be {SHOULD_BE}"
