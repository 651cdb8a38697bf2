"""Term-time leave requests: what the decider needs to see (domain.md Part A point 6, Part B §5).

Nothing here refuses a request. Short notice, attendance under the bar and missing evidence are flags for the
person the policy names; only they decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .attendance import format_pct, pct, sessions_as_days
from .calendar import SchoolCalendar
from .leave_dates import ONE_DAY, ClosedSpan, NoticeRule, closures_around, decision_due, notice_given, notice_met
from .marks import Mark
from .penalties import LeaveRun, ThresholdResult, local_leave_flag, threshold_reached
from .policy_rules import LeaveRules, LocalPenaltyRule, PenaltyRules

UNIT_WORDS = {"calendar_days": "days", "school_days": "school days", "weeks": "weeks", "working_days": "working days"}


@dataclass(frozen=True)
class Flag:
    key: str
    message: str


@dataclass(frozen=True)
class LeaveAssessment:
    first_day: dt.date
    return_day: dt.date
    school_days: tuple[dt.date, ...]
    sessions: int
    closures: tuple[ClosedSpan, ...]
    notice_given: int  # in notice_unit; whole weeks when the unit is weeks
    notice_unit: str
    notice_met: bool
    attendance: Fraction | None
    below_bar: bool | None  # None when the policy has no bar or there is no figure yet
    decision_due: dt.date | None
    local_runs_if_refused: tuple[LeaveRun, ...]
    flags: tuple[Flag, ...]

    @property
    def days(self) -> Decimal:
        return sessions_as_days(self.sessions)

    @property
    def flag_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.flags)


def _words(rule: NoticeRule) -> str:
    return f"{rule.amount} {UNIT_WORDS[rule.unit]}"


def _notice_flags(requested_on: dt.date, first_day: dt.date, calendar: SchoolCalendar, rules: LeaveRules,
                  also_stated: Sequence[NoticeRule]) -> tuple[int, bool, list[Flag]]:
    policy = NoticeRule(rules.notice, rules.notice_unit)
    given = notice_given(requested_on, first_day, policy.unit, calendar)
    met = notice_met(requested_on, first_day, policy, calendar)
    flags = []
    if requested_on >= first_day:
        flags.append(Flag("not_in_advance", "The request was made on or after the first day of leave; the "
                                            "regulations expect leave to be asked for in advance."))
    elif not met:
        flags.append(Flag("short_notice", f"Under {_words(policy)}' notice: the request gives "
                                          f"{given} {UNIT_WORDS[policy.unit]} before the first day."))
    for other in also_stated:
        if notice_met(requested_on, first_day, other, calendar) != met:
            kept, failed = (policy, other) if met else (other, policy)
            source = f" ({other.source})" if other.source else ""
            flags.append(Flag("notice_conflict", f"The request meets {_words(kept)} but not {_words(failed)}: the "
                                                 f"policy states both{source}. The decider chooses which applies."))
    return given, met, flags


def _attendance_flags(attendance: Fraction | None, rules: LeaveRules) -> tuple[bool | None, list[Flag]]:
    if rules.attendance_bar is None:
        return None, []
    bar = f"{rules.attendance_bar}%"
    flags = []
    if not rules.past_attendance_considered:
        flags.append(Flag("attendance_bar_contradiction", f"The policy sets an attendance bar of {bar} but also "
                                                          "says past attendance is not considered: the decider weighs "
                                                          "both."))
    if attendance is None:
        flags.append(Flag("no_attendance_yet", f"No attendance figure yet, so the {bar} bar cannot be checked."))
        return None, flags
    below = attendance < pct(rules.attendance_bar)
    if below and rules.attendance_bar_effect == "refuse":
        flags.append(Flag("below_attendance_bar", f"Attendance {format_pct(attendance)}% is below {bar}: not "
                                                  "authorisable under the policy."))
    elif below:
        flags.append(Flag("below_attendance_bar", f"Attendance {format_pct(attendance)}% is below {bar}: for the "
                                                  "decider to weigh."))
    return below, flags


def _evidence_flags(has_evidence: bool, rules: LeaveRules) -> list[Flag]:
    if has_evidence or rules.evidence == "optional":
        return []
    if rules.evidence == "with_request":
        return [Flag("evidence_missing", "No evidence came with the request. The policy says evidence must come "
                                         "with the application; evidence sent later is not accepted.")]
    return [Flag("evidence_missing", "No evidence supplied. The policy requires it, and the school will not "
                                     "chase it.")]


def refused_marks(calendar: SchoolCalendar, first_day: dt.date, last_day: dt.date, code: str) -> list[Mark]:
    """The marks the register would hold if the leave were taken without permission."""
    return [Mark(day, session, code) for day, session in calendar.sessions(first_day, last_day)]


def assess_leave_request(first_day: dt.date, return_day: dt.date, requested_on: dt.date, calendar: SchoolCalendar,
                         rules: LeaveRules, attendance: Fraction | None, has_evidence: bool,
                         penalty_local: LocalPenaltyRule | None = None,
                         also_stated: Sequence[NoticeRule] = ()) -> LeaveAssessment:
    """Everything a decider should see about a request for leave from `first_day` until `return_day` (the day
    the pupil is back; the leave ends the day before). `also_stated` are notice periods the policy also gives
    where it contradicts itself; a request that meets one but not the other is flagged, not refused."""
    last_day = return_day - ONE_DAY
    flags: list[Flag] = []
    if return_day <= first_day:
        flags.append(Flag("invalid_dates", "The return date must be after the first day of leave."))
        last_day = first_day - ONE_DAY
    days = tuple(calendar.school_days(first_day, last_day))
    sessions = len(calendar.sessions(first_day, last_day))
    if not days and return_day > first_day:
        flags.append(Flag("no_school_days", "There are no school days in these dates, so no leave is needed."))
    if return_day > first_day and not calendar.is_school_day(return_day):
        flags.append(Flag("return_not_school_day", f"The return date is not a school day "
                                                   f"({calendar.why_closed(return_day) or 'no sessions'})."))

    given, met, notice = _notice_flags(requested_on, first_day, calendar, rules, also_stated)
    below, attendance_flags = _attendance_flags(attendance, rules)
    due = decision_due(requested_on, rules.decision_within, rules.decision_unit, calendar)
    flags += notice + attendance_flags + _evidence_flags(has_evidence, rules)
    if due is not None and days and due >= first_day:
        flags.append(Flag("decision_after_start", f"The decision is due {due.isoformat()}, on or after the first "
                                                  "day of leave: it needs deciding sooner."))
    runs: tuple[LeaveRun, ...] = ()
    if penalty_local is not None and days:
        marks = refused_marks(calendar, first_day, last_day, rules.refused_code)
        runs = tuple(local_leave_flag(marks, calendar, penalty_local, frozenset({rules.refused_code})))
        flags += [Flag("local_penalty_if_refused", f"If refused and taken: {run.message}") for run in runs]
    return LeaveAssessment(
        first_day=first_day, return_day=return_day, school_days=days, sessions=sessions,
        closures=tuple(closures_around(calendar, first_day, last_day)) if days else (),
        notice_given=given, notice_unit=rules.notice_unit, notice_met=met, attendance=attendance,
        below_bar=below, decision_due=due, local_runs_if_refused=runs, flags=tuple(flags),
    )


@dataclass(frozen=True)
class LateReturnOption:
    key: str  # "unauthorise_missed" or "unauthorise_whole_period"
    description: str
    marks: tuple[Mark, ...]  # the marks this choice would write
    threshold: ThresholdResult  # the national threshold with those marks and the pupil's others
    local_runs: tuple[LeaveRun, ...]
    default: bool

    @property
    def unauthorised_sessions(self) -> int:
        return len(self.marks)


def late_return_effect(approved_first: dt.date, approved_return: dt.date, actual_return: dt.date,
                       calendar: SchoolCalendar, rules: LeaveRules, penalty_rules: PenaltyRules,
                       other_marks: Iterable[Mark] = (), actual_first: dt.date | None = None
                       ) -> list[LateReturnOption]:
    """The choices staff have when a pupil left earlier or came back later than the leave granted.

    The default unauthorises only the sessions outside the agreed dates. Where the policy allows it (RP), the
    whole period may be unauthorised instead; both are shown with their effect on the penalty threshold so
    that staff choose knowingly. Empty when no session fell outside the agreed dates."""
    actual_first = min(actual_first or approved_first, approved_first)
    code = rules.refused_code
    outside = refused_marks(calendar, actual_first, approved_first - ONE_DAY, code) + refused_marks(
        calendar, approved_return, actual_return - ONE_DAY, code)
    if not outside:
        return []
    end = max(actual_return, approved_return)
    choices = [("unauthorise_missed", "Only the sessions outside the agreed dates are unauthorised.", outside)]
    if rules.late_return == "may_unauthorise_whole_period":
        whole = refused_marks(calendar, actual_first, end - ONE_DAY, code)
        choices.append(("unauthorise_whole_period", "The whole period of leave is unauthorised, as the policy "
                                                    "allows for a late return.", whole))
    others = list(other_marks)
    options = []
    for key, description, marks in choices:
        replaced = {(m.date, m.session) for m in marks}
        merged = [m for m in others if (m.date, m.session) not in replaced] + marks
        threshold = threshold_reached(merged, calendar.school_weeks(), penalty_rules, end)
        local = () if penalty_rules.local is None else tuple(
            local_leave_flag(merged, calendar, penalty_rules.local, frozenset({code})))
        options.append(LateReturnOption(key, description, tuple(marks), threshold, local,
                                        default=key == "unauthorise_missed"))
    return options
