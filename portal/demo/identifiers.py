"""Identifiers and clock facts the MIS files carry: UPNs with their LA number and check letter, slugs, UK offsets."""

from __future__ import annotations

import unicodedata
import zlib
from datetime import date, timedelta

from stdnum.gb import upn as stdnum_upn


# The LA number that starts a UPN (DfE "new local authority codes", January 2011).
LA_NUMBERS = {
    "northumberland": 929, "nottingham city": 892, "nottingham": 892, "nottinghamshire": 891,
    "newcastle upon tyne": 391, "north tyneside": 392, "gateshead": 390, "south tyneside": 393,
    "sunderland": 394, "durham": 840, "county durham": 840, "derby": 831, "derbyshire": 830, "leeds": 383,
    "manchester": 352, "birmingham": 330, "camden": 202, "westminster": 213, "norfolk": 926, "suffolk": 935,
    "kent": 886, "essex": 881, "lancashire": 888, "cumbria": 909, "hertfordshire": 919, "surrey": 936,
}


def la_number(local_authority: str) -> int:
    """The LA number for a school's local authority; an unknown one gets a valid number chosen from its name."""
    known = LA_NUMBERS.get(local_authority.strip().lower())
    if known is not None:
        return known
    values = sorted(set(LA_NUMBERS.values()))
    return values[zlib.crc32(local_authority.encode()) % len(values)]


def make_upn(la: int, establishment: int, issue_year: int, serial: int) -> str:
    """A permanent UPN: check letter, LA number, DfE establishment number, 2-digit issue year, 3-digit serial."""
    body = f"{la:03d}{establishment:04d}{issue_year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def school_year_start(day: date) -> date:
    """1 September of the school year that holds `day` (the school year runs September to August)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def uk_offset(day: date) -> str:
    """UTC offset of UK clocks at mid-day on `day`: British Summer Time from the last Sunday in March to the
    last Sunday in October."""
    return "+01:00" if last_sunday(day.year, 3) <= day < last_sunday(day.year, 10) else "+00:00"


def ascii_slug(text: str) -> str:
    """`Siân O'Brien-Smith` -> `sianobriensmith`: for email addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())
