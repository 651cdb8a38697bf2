"""How long records are kept, counted in whole school years (domain.md §4; [REGS] reg 7).

A record belongs to the English school year (1 September to 31 August) of its date. A period of N years is
counted from the end of that school year: the record is kept until 31 August N years later, and may be deleted
from the next day. So a whole school year goes at once, on 1 September, and nothing goes part-way through a
year. Example: a mark of 15 March 2026 belongs to 2025/26, which ends on 31 August 2026; with 6 years it is kept
until 31 August 2032 and may be deleted from 1 September 2032.

Registers are kept at least 6 years (the 2024 regulations), whatever a policy says: a policy asking for fewer is
loaded with a warning (`policy check`), and its number is raised to 6 here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from portal.domain.policy_checks import MIN_REGISTER_YEARS
from portal.domain.policy_rules import Retention

LONDON = ZoneInfo("Europe/London")


def school_year_start(day: date) -> date:
    """1 September of the school year holding `day`."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def school_year_end(day: date) -> date:
    """31 August of the school year holding `day`."""
    return date(school_year_start(day).year + 1, 8, 31)


def kept_until(day: date, years: int) -> date:
    """The last day a record of `day` must be kept for a period of `years` school years."""
    return date(school_year_end(day).year + max(0, years), 8, 31)


def cutoff(as_of: date, years: int) -> date:
    """The first day of the oldest school year still kept on `as_of`: records dated before it may be deleted.

    Equivalent to `as_of > kept_until(record_day, years)`, for every record day."""
    return date(school_year_start(as_of).year - max(0, years), 9, 1)


def midnight_utc(day: date) -> datetime:
    """Midnight at the start of `day` in England, as a naive UTC datetime like the portal's timestamps."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(timezone.utc).replace(tzinfo=None)


def cutoff_instant(as_of: date, years: int) -> datetime:
    """The cutoff as a UTC moment: midnight at the start of the cutoff day in England, so a report sent at 00:30
    on 1 September (23:30 UTC on 31 August) belongs to the new school year."""
    return midnight_utc(cutoff(as_of, years))


@dataclass(frozen=True)
class Periods:
    """The periods applied, in school years: the policy's, with the register raised to the legal minimum."""

    register: int
    absence_reports: int
    leave_requests: int
    evidence: int
    register_raised_from: int | None = None  # the policy's number, when it was under the legal minimum


def periods(retention: Retention) -> Periods:
    raised = retention.register_years if retention.register_years < MIN_REGISTER_YEARS else None
    return Periods(
        register=max(retention.register_years, MIN_REGISTER_YEARS),
        absence_reports=max(0, retention.absence_reports_years),
        leave_requests=max(0, retention.leave_requests_years),
        evidence=max(0, retention.evidence_years),
        register_raised_from=raised,
    )
