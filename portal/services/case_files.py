"""The case file: one pupil's attendance case as a local authority attendance officer or a court would read it.

For a period (by default the school year to date): the register extract with every code in words, the
attendance figures and the penalty-notice threshold window, every contact attempt, every notice to improve and
penalty-notice decision with their dates, the support plans with their signatures and the SHA-256 each was made
on, the leave decisions, and the audit trail of all of it. Only the policy's `legal_action` roles may open it
(issue 18); each PDF made is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from sqlalchemy import and_, or_, select

from portal.clock import utcnow
from portal.domain.penalties import ThresholdResult
from portal.domain.support_plan import long_date
from portal.extensions import db
from portal.models import AuditEvent, ContactAttempt, Mark, Pupil, StaffUser, SupportPlan
from portal.models.leave import LeaveRequestChild
from portal.models.legal import NoticeToImprove, PenaltyDecision
from portal.services import ServiceError
from portal.services.attendance import PupilAttendance, pupil_attendance, school_year_of
from portal.services.audit_writer import record
from portal.services.pdf import html_to_pdf
from portal.services.first_day import ACTION_WORDS
from portal.services.legal_pathway import code_meaning, pupil_for_legal, threshold
from portal.services.support_plans import VersionStatus, version_status

SESSION_WORDS = {"AM": "Morning", "PM": "Afternoon"}


@dataclass(frozen=True)
class RegisterLine:
    date: date
    session: str
    code: str
    meaning: str
    source: str
    recorded_by: str | None


@dataclass
class CaseFile:
    pupil: Pupil
    start: date
    end: date
    attendance: PupilAttendance
    threshold: ThresholdResult
    register: list[RegisterLine]
    contacts: list[ContactAttempt]
    notices: list[NoticeToImprove]
    decisions: list[PenaltyDecision]
    plans: list[tuple[SupportPlan, list[VersionStatus]]]
    leave: list[LeaveRequestChild]
    audit: list[AuditEvent]


def case_file(staff: StaffUser, pupil_id: int, as_of: date, start: date | None = None,
              end: date | None = None) -> CaseFile:
    pupil = pupil_for_legal(staff, pupil_id)
    start = start or school_year_of(as_of)[0]
    end = end or as_of
    if end < start:
        raise ServiceError("The case file's period ends before it starts")
    marks = db.session.scalars(select(Mark).where(Mark.pupil_id == pupil.id, Mark.date >= start, Mark.date <= end)
                               .order_by(Mark.date, Mark.session)).all()
    register = [RegisterLine(m.date, m.session, m.code, code_meaning(m.code), m.source, m.recorded_by) for m in marks]
    contacts = db.session.scalars(select(ContactAttempt).where(ContactAttempt.pupil_id == pupil.id)
                                  .order_by(ContactAttempt.at)).all()
    notices = db.session.scalars(select(NoticeToImprove).where(NoticeToImprove.pupil_id == pupil.id,
                                                               NoticeToImprove.state == "sent")
                                 .order_by(NoticeToImprove.letter_date, NoticeToImprove.id)).all()
    decisions = db.session.scalars(select(PenaltyDecision).where(PenaltyDecision.pupil_id == pupil.id)
                                   .order_by(PenaltyDecision.id)).all()
    plans = db.session.scalars(select(SupportPlan).where(SupportPlan.pupil_id == pupil.id, SupportPlan.state != "draft")
                               .order_by(SupportPlan.id)).all()
    leave = db.session.scalars(select(LeaveRequestChild).where(LeaveRequestChild.pupil_id == pupil.id)
                               .order_by(LeaveRequestChild.id)).all()
    return CaseFile(
        pupil=pupil, start=start, end=end, attendance=pupil_attendance(pupil.upn, start=start, end=end),
        threshold=threshold(pupil, end), register=register, contacts=list(contacts), notices=list(notices),
        decisions=list(decisions),
        plans=[(p, [version_status(v) for v in p.versions if v.issued_at is not None]) for p in plans],
        leave=list(leave), audit=_audit(pupil, contacts, notices, decisions, plans, leave))


def _audit(pupil, contacts, notices, decisions, plans, leave) -> list[AuditEvent]:
    objects = {"Pupil": [pupil.id], "ContactAttempt": [c.id for c in contacts],
               "NoticeToImprove": [n.id for n in notices], "PenaltyDecision": [d.id for d in decisions],
               "SupportPlan": [p.id for p in plans], "LeaveRequestChild": [c.id for c in leave],
               "LeaveRequest": [c.request_id for c in leave]}
    wanted = [and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_([str(i) for i in ids]))
              for kind, ids in objects.items() if ids]
    return list(db.session.scalars(select(AuditEvent).where(or_(*wanted)).order_by(AuditEvent.at, AuditEvent.id)))


def register_by_day(lines: list[RegisterLine]) -> list[tuple[date, RegisterLine | None, RegisterLine | None]]:
    days: dict[date, dict[str, RegisterLine]] = {}
    for line in lines:
        days.setdefault(line.date, {})[line.session] = line
    return [(day, found.get("AM"), found.get("PM")) for day, found in days.items()]


def actor_names(events: list[AuditEvent]) -> dict[str, str]:
    """"staff:12" -> "Miss L Hall (staff)"; parents by their email, the command line as itself."""
    from portal.models import ParentAccount

    names = {}
    for actor in {e.actor for e in events}:
        kind, _, ident = actor.partition(":")
        model = {"staff": StaffUser, "parent": ParentAccount}.get(kind)
        row = db.session.get(model, int(ident)) if model and ident.isdigit() else None
        names[actor] = (f"{row.name} (staff)" if kind == "staff" else f"{row.email} (parent)") if row else actor
    return names


def notice_outcome(notice: NoticeToImprove, as_of: date):
    from portal.services.notices_to_improve import outcome

    return outcome(notice, as_of)


def case_file_pdf(staff: StaffUser, pupil_id: int, as_of: date, now: datetime | None = None) -> tuple[str, bytes]:
    """The case file as a PDF, and its file name; the download is audited (it leaves the portal)."""
    now = now or utcnow()
    found = case_file(staff, pupil_id, as_of)
    html = render_template("letters/case_file.html", case=found, long_date=long_date, generated_at=now,
                           generated_by=staff, actions=ACTION_WORDS, days=register_by_day(found.register),
                           actors=actor_names(found.audit), outcome=notice_outcome)
    pdf = html_to_pdf(html)
    record(f"staff:{staff.id}", "case_file.export", found.pupil,
           after={"upn": found.pupil.upn, "from": found.start.isoformat(), "to": found.end.isoformat(),
                  "notices": [n.reference for n in found.notices], "decisions": [d.reference for d in found.decisions]})
    db.session.commit()
    return f"case-file-{found.pupil.upn}-{found.end.isoformat()}.pdf", pdf
