"""SQLAlchemy tables, one module per aggregate. Models hold no business decisions and never commit."""

from portal.models.absence import AbsenceReport, AbsenceReportChild
from portal.models.audit import AuditEvent
from portal.models.contact_attempt import ContactAttempt
from portal.models.data_arrival import DataArrival
from portal.models.draft import Draft
from portal.models.enrolment import Enrolment
from portal.models.evidence import EvidenceFile
from portal.models.job_run import JobRun
from portal.models.figures import ChildPage, PupilFigures
from portal.models.legal import (
    DeletionCheck,
    NoticeToImprove,
    PartTimeReview,
    PartTimeTimetable,
    PenaltyDecision,
    PenaltyDecisionStep,
    SicknessExpectation,
)
from portal.models.leave import LeaveDeclaration, LeaveRequest, LeaveRequestChild
from portal.models.marks import Mark
from portal.models.nudge import NudgeStop
from portal.models.outbox import OutboxMessage
from portal.models.people import Contact, ParentAccount, Pupil, StaffRole, StaffUser
from portal.models.school import School, Site, Trust
from portal.models.sign_in import AccountSession, PasswordReset, SignInLink
from portal.models.support_plan import PlanReview, PlanSignature, SupportPlan, SupportPlanVersion
from portal.models.throttle import ThrottleCounter

__all__ = [
    "LeaveDeclaration", "DeletionCheck", "NoticeToImprove", "PartTimeReview", "PartTimeTimetable", "PenaltyDecision",
    "PenaltyDecisionStep", "SicknessExpectation", "LeaveRequest", "LeaveRequestChild", "PlanReview", "PlanSignature", "SupportPlan",
    "SupportPlanVersion",
    "AbsenceReport", "AbsenceReportChild", "AuditEvent", "ChildPage", "ContactAttempt", "DataArrival", "Draft", "Enrolment",
    "EvidenceFile", "Contact", "JobRun", "Mark", "NudgeStop", "OutboxMessage", "ParentAccount", "Pupil",
    "PupilFigures", "School", "Site",
    "AccountSession", "PasswordReset", "SignInLink", "StaffRole", "StaffUser", "ThrottleCounter", "Trust",
]
