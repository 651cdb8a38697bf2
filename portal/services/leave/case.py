"""Everything the decider sees about one child of a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.domain import absence as absence_rules
from portal.domain.attendance import format_pct
from portal.domain.leave import Flag, LeaveAssessment
from portal.domain.leave_dates import ONE_DAY
from portal.domain.policy import Conflict, Policy
from portal.domain.policy import School as SchoolRules
from portal.models import StaffUser
from portal.models.evidence import EvidenceFile
from portal.models.leave import APPROVED, PART_APPROVED, LeaveRequest, LeaveRequestChild
from portal.services.attendance import pupil_attendance, school_year_of
from portal.services.leave.assessment import assessment_for, portal_flags, previous_requests
from portal.services.leave.declarations import ParentDeclaration, declarations_status
from portal.services.leave.evidence import request_evidence
from portal.services.leave.queue import leave_item
from portal.services.policies import school_policy
from portal.services.permissions import AUTHORISE_ABSENCE, DECIDE_LEAVE, may


@dataclass
class Case:
    """Everything the decider sees about one child of a request."""

    child: LeaveRequestChild
    policy: Policy
    rules: SchoolRules
    assessment: LeaveAssessment
    flags: list[Flag]  # the domain's, then the portal's (declarations, earlier leave)
    conflicts: list[Conflict]  # where the policy contradicts itself about leave
    days: list[absence_rules.CoveredDay]
    evidence: list[EvidenceFile]
    declarations: list[ParentDeclaration]
    attendance_now: str | None  # this school year, today
    attendance_previous_year: str | None
    previous: list[LeaveRequestChild]  # this child's other requests in the policy's look-back
    others_in_request: list[LeaveRequestChild]
    may_decide: bool
    may_record: bool  # may write marks for an outcome (authorise absence, or decide leave)

    @property
    def request(self) -> LeaveRequest:
        return self.child.request

    @property
    def attendance_at_request(self) -> str | None:
        return format_pct(self.assessment.attendance)

    @property
    def previous_approved(self) -> list[LeaveRequestChild]:
        return [c for c in self.previous if c.status in (APPROVED, PART_APPROVED)]


def case_for(staff: StaffUser, child_id: int, today: date) -> Case:
    child = leave_item(staff, child_id)
    leave_request, pupil = child.request, child.pupil
    policy, rules = school_policy(leave_request.school.urn)
    evidence = request_evidence(leave_request)
    assessment = assessment_for(child, bool(evidence))
    declarations = declarations_status(leave_request)
    previous = previous_requests(child, policy.leave.previous_leave_months)
    flags = list(assessment.flags) + portal_flags(child, policy, declarations, previous)
    year_start, _ = school_year_of(today)
    previous_year = pupil_attendance(pupil.upn, start=year_start.replace(year=year_start.year - 1),
                                     end=year_start - ONE_DAY)
    return Case(
        child=child, policy=policy, rules=rules, assessment=assessment, flags=flags,
        conflicts=[c for c in policy.conflicts if c.key.startswith("leave.")],
        days=absence_rules.covered_days(leave_request.first_day,
                                        max(leave_request.first_day, leave_request.return_day - ONE_DAY),
                                        absence_rules.WHOLE_DAY, rules.calendar),
        evidence=evidence, declarations=declarations,
        attendance_now=pupil_attendance(pupil.upn, as_of=today).json["attendance_pct"],
        attendance_previous_year=previous_year.json["attendance_pct"],
        previous=previous, others_in_request=[c for c in leave_request.children if c.id != child.id],
        may_decide=may(staff, DECIDE_LEAVE, leave_request.school),
        may_record=(may(staff, AUTHORISE_ABSENCE, leave_request.school)
                    or may(staff, DECIDE_LEAVE, leave_request.school)),
    )
