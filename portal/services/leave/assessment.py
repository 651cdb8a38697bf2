"""The domain's assessment of a request, fed with what the portal knows: attendance, the policy's other notice
periods, earlier requests and the declarations still missing (the portal's own flags for the decider)."""

from __future__ import annotations

import re
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import select

from portal.clock import school_time
from portal.domain.leave import Flag, LeaveAssessment, assess_leave_request
from portal.domain.leave_dates import NoticeRule
from portal.domain.policy import Policy
from portal.domain.policy import School as SchoolRules
from portal.extensions import db
from portal.models import Pupil
from portal.models.leave import APPROVED, PART_APPROVED, LeaveRequest, LeaveRequestChild
from portal.services.attendance import pupil_attendance
from portal.services.leave.declarations import ParentDeclaration
from portal.services.leave.wording import join_names
from portal.services.policies import school_policy


def assess(policy: Policy, rules: SchoolRules, first: date, back: date, requested_on: date,
           attendance: Fraction | None, has_evidence: bool) -> LeaveAssessment:
    return assess_leave_request(first, back, requested_on, rules.calendar, policy.leave, attendance, has_evidence,
                                penalty_local=policy.penalties.local, also_stated=also_stated_notice(policy))


NOTICE_IN_WORDS = re.compile(r"(\d+)\s*(school days|weeks|days)", re.IGNORECASE)


_UNITS = {"school days": "school_days", "weeks": "weeks", "days": "calendar_days"}


def also_stated_notice(policy: Policy) -> tuple[NoticeRule, ...]:
    """Notice periods the policy also states where it contradicts itself (its `leave.notice` conflict, such as
    RP's "at least 6 weeks"), read from the conflict's words so the decider sees which the request meets."""
    rules = []
    for conflict in policy.conflicts:
        if conflict.key != "leave.notice":
            continue
        for amount, unit in NOTICE_IN_WORDS.findall(conflict.also_stated):
            rule = NoticeRule(int(amount), _UNITS.get(unit.lower(), "calendar_days"), conflict.source)
            if rule not in rules and (rule.amount, rule.unit) != (policy.leave.notice, policy.leave.notice_unit):
                rules.append(rule)
    return tuple(rules)


def assessment_for(child: LeaveRequestChild, has_evidence: bool) -> LeaveAssessment:
    """The domain's assessment as at the day the request was made, with the attendance the parent saw then."""
    leave_request = child.request
    policy, rules = school_policy(leave_request.school.urn)
    attendance = (Fraction(child.attended_at_request, child.possible_at_request)
                  if child.possible_at_request else None)
    asked_on = school_time(leave_request.requested_at).date()
    return assess(policy, rules, leave_request.first_day, leave_request.return_day, asked_on, attendance, has_evidence)


def attendance_counts(pupil: Pupil, today: date) -> tuple[int | None, int | None]:
    summary = pupil_attendance(pupil.upn, as_of=today).summary
    return (summary.attended, summary.possible) if summary.possible else (None, None)


def portal_flags(child: LeaveRequestChild, policy: Policy, declarations: list[ParentDeclaration],
                 previous: list[LeaveRequestChild]) -> list[Flag]:
    flags = []
    missing = [d for d in declarations if d.declared_at is None]
    if missing:
        flags.append(Flag("declarations_missing", f"{len(declarations) - len(missing)} of {len(declarations)} "
                                                  "parents with parental responsibility have declared; not yet: "
                                                  f"{join_names([d.name for d in missing])}."))
    if previous:
        granted = sum(c.status in (APPROVED, PART_APPROVED) for c in previous)
        flags.append(Flag("previous_leave", f"{len(previous)} other leave request"
                                            f"{'s' if len(previous) != 1 else ''} for {child.pupil.forename} in the "
                                            f"last {policy.leave.previous_leave_months} months; {granted} approved."))
    return flags


def previous_requests(child: LeaveRequestChild, months: int) -> list[LeaveRequestChild]:
    """The child's other leave requests made in the `months` before this one (RP's form asks about 12)."""
    made = child.request.requested_at
    since = datetime.combine(months_before(made.date(), months), datetime.min.time())
    return list(db.session.scalars(
        select(LeaveRequestChild).join(LeaveRequest)
        .where(LeaveRequestChild.pupil_id == child.pupil_id, LeaveRequestChild.id != child.id,
               LeaveRequest.requested_at >= since, LeaveRequest.requested_at <= made)
        .order_by(LeaveRequest.requested_at.desc())))


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
