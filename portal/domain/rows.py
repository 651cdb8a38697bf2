"""Reading one field of an MIS export: each parser returns (value, None) or (None, what to fix).

Pure, so the same checks serve every import and can be table-tested without a database.
"""

from __future__ import annotations

from datetime import date, datetime

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.gb import upn as stdnum_upn

from portal.domain.uk_dates import DateProblem, read_date, read_datetime

YES = {"Y", "YES", "TRUE", "1"}
NO = {"N", "NO", "FALSE", "0", ""}


def parse_upn(value: str) -> tuple[str | None, str | None]:
    """A UPN (Part A point 10): 13 characters, check letter first; temporary UPNs end in a letter."""
    try:
        return stdnum_upn.validate(value), None
    except InvalidLength:
        return None, f"UPN {value!r} should be 13 characters (it has {len(value.strip())})"
    except InvalidFormat:
        return None, f"UPN {value!r} should be a letter, 11 digits, then a digit or letter"
    except InvalidComponent:
        return None, f"UPN {value!r} does not start with a known local authority number (characters 2 to 4)"
    except InvalidChecksum:
        expected = stdnum_upn.calc_check_digit(stdnum_upn.compact(value)[1:])
        return None, (f"UPN {value!r} has the wrong check letter (it should start with {expected}): "
                      "check it against the MIS")


def parse_date(value: str, what: str = "date") -> tuple[date | None, str | None]:
    """ISO or day-first (portal.domain.uk_dates), with or without a midnight time."""
    try:
        return date.fromisoformat(value.strip()), None
    except ValueError:
        pass
    try:
        return read_date(value), None
    except DateProblem as problem:
        return None, f"{what} {problem}"


def parse_datetime(value: str, what: str = "recorded_at") -> tuple[datetime | None, str | None]:
    """An ISO or day-first date and time; a time zone is converted to UTC, which is how the portal stores times."""
    try:
        return read_datetime(value), None
    except DateProblem as problem:
        return None, f"{what} {problem}"


def parse_flag(value: str, what: str) -> tuple[bool | None, str | None]:
    text = value.strip().upper()
    if text in YES:
        return True, None
    if text in NO:
        return False, None
    return None, f"{what} {value!r} should be Y or N"


def parse_whole_number(value: str, what: str, lowest: int = 0, highest: int | None = None):
    text = value.strip()
    if not text:
        return None, None
    if not text.isdigit() or int(text) < lowest or (highest is not None and int(text) > highest):
        limit = f" from {lowest} to {highest}" if highest is not None else ""
        return None, f"{what} {value!r} should be a whole number{limit}"
    return int(text), None
