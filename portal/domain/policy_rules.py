"""The rule settings a policy file sets, as frozen dataclasses.

The defaults are the national rules in force from 19 August 2024 (domain.md Part B): the policy loader builds
these from a trust's TOML file, and every rule function takes them as arguments, so a test can state the rules it
runs under in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

ROLES = ("office", "teacher", "attendance_officer", "senior_leader", "headteacher", "admin")
NOTICE_UNITS = ("calendar_days", "school_days", "weeks")
DECISION_UNITS = ("calendar_days", "school_days", "working_days")
CONTACT_ACTIONS = ("text", "call", "email", "home_visit", "other_contacts", "referral")


@dataclass(frozen=True)
class SessionTimes:
    """One session (AM or PM) at one site. L from `late_from`, U after `register_closes`."""

    doors_open: time
    late_from: time
    register_closes: time
    ends: time

    @property
    def register_open_minutes(self) -> int:
        return (self.register_closes.hour * 60 + self.register_closes.minute) - (
            self.late_from.hour * 60 + self.late_from.minute
        )


@dataclass(frozen=True)
class Bands:
    """Attendance bands (domain.md Part A point 3). Percentages are exact Decimals."""

    target: Decimal = Decimal(97)  # attendance % at or above: on target
    persistent_absence: Decimal = Decimal(10)  # absence % at or above: PA [METH] §3.2
    severe_absence: Decimal = Decimal(50)  # absence % at or above: SA (also PA)
    at_risk_absence_over: Decimal | None = Decimal(5)  # absence % over this: at risk
    at_risk_days_missed_from: Decimal | None = None  # or: days missed from this (RP's "12 to 18 days")


@dataclass(frozen=True)
class Tier:
    number: int
    name: str
    applies_to: str  # in words: "Every pupil", "Pupils missing more than 10%"
    description: str = ""
    absence_over: Decimal | None = None  # makes the tier computable (ALP Tier 2: missing > 10%)


@dataclass(frozen=True)
class Fines:
    """Penalty-notice amounts in GBP: [PNREG] 2024."""

    first_early: int = 80
    first_early_days: int = 21
    first_full: int = 160
    first_full_days: int = 28
    second: int = 160
    repeat_window_years: int = 3


@dataclass(frozen=True)
class LocalPenaltyRule:
    """A local authority's own leave trigger (RP: Nottingham), flagged apart from the national threshold."""

    name: str
    consecutive_leave_days: int = 5
    adjacent_to_holiday_days: int | None = None
    inset_counts: bool = True


@dataclass(frozen=True)
class PenaltyRules:
    threshold_sessions: int = 10
    window_school_weeks: int = 10
    counted_codes: frozenset[str] = frozenset({"G", "O", "U"})
    pending_codes: frozenset[str] = frozenset({"N"})
    fines: Fines = field(default_factory=Fines)
    local: LocalPenaltyRule | None = None
    notice_to_improve_weeks: int = 6  # school weeks, 3 to 6 (national framework 2024; Norfolk and Southwark: 6)


@dataclass(frozen=True)
class LeaveRules:
    notice: int = 14
    notice_unit: str = "calendar_days"  # one of NOTICE_UNITS
    decision_within: int = 7
    decision_unit: str = "calendar_days"  # one of DECISION_UNITS
    attendance_bar: Decimal | None = None
    attendance_bar_effect: str = "flag"  # "refuse" (ALP) or "flag" (RP)
    past_attendance_considered: bool = True
    evidence: str = "optional"  # "with_request" (ALP), "required" (RP) or "optional"
    deciders: frozenset[str] = frozenset({"headteacher"})
    previous_leave_months: int = 12
    late_return: str = "unauthorise_missed"  # or "may_unauthorise_whole_period" (RP)
    approved_code: str = "C"
    refused_code: str = "G"


@dataclass(frozen=True)
class FollowUpRules:
    n_recode_after: int = 5  # school days
    continuous_unauthorised: int = 10  # school days of G/N/O/U: tell the LA
    deletion_consideration: int = 20  # school days of G/N/O only: consider deletion, ground (i)
    sickness_days: int = 15  # days of I: sickness return
    cme_referral_days: int | None = None


@dataclass(frozen=True)
class AbsenceReporting:
    report_by: time = time(9, 0)
    every_day: bool = True
    max_days_past: int = 5  # school days
    max_days_ahead: int = 60  # calendar days
    evidence_accepted: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactStep:
    action: str  # one of CONTACT_ACTIONS
    who: str  # a role
    description: str
    at: time | None = None
    # In words for parents, when the step is taken only sometimes: "if there are attendance, welfare or
    # safeguarding concerns". The parent site says it with the step, so a conditional step never reads as certain.
    condition: str | None = None


@dataclass(frozen=True)
class Retention:
    register_years: int = 6
    absence_reports_years: int = 6
    leave_requests_years: int = 6
    evidence_years: int = 1
