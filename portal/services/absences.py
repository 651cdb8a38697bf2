"""Parents report absences: one report for one or several children, checked against each child's school."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import format_number, gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.clock import school_time, utcnow
from portal.domain import absence as rules
from portal.extensions import db
from portal.models import AbsenceReport, AbsenceReportChild, EvidenceFile, ParentAccount, Pupil
from portal.models.absence import ANSWERED, QUESTION
from portal.models.evidence import PENDING
from portal.services import NotFound, ServiceError, notify, uploads
from portal.services.audit_writer import record
from portal.services.parent_access import child_of, children_of, may_see
from portal.services.parent_language import day_words
from portal.services.policies import policy_of, school_policy
from portal.services.references import by_submission_key, new_reference, sent_before



@dataclass
class AbsenceDraft:
    pupil_ids: list[int]
    first_day: date
    last_day: date | None  # None: not sure yet
    part: str
    reason: str
    submission_key: str
    symptoms: str = ""
    appointment_time: time | None = None
    details: str = ""
    continues: str | None = None  # the reference of the report this one extends
    evidence_ids: list[int] = field(default_factory=list)  # files kept, pending, until the report is sent


@dataclass
class ChildPreview:
    pupil: Pupil
    school_name: str
    days: list[rules.CoveredDay]
    late: bool
    problems: list[rules.Problem] = field(default_factory=list)
    runs: list[rules.DayRun] = field(default_factory=list)  # `days`, with the days without school joined

    @property
    def sessions(self) -> int:
        return sum(len(d.sessions) for d in self.days)


class ReportNotValid(ServiceError):
    def __init__(self, problems: list[rules.Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _day_month_year(day: date) -> str:
    return day_words(day, "day month year")


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


def preview(account: ParentAccount, draft: AbsenceDraft, now: datetime,
            children: list[Pupil] | None = None) -> list[ChildPreview]:
    """What the report means for each child: the sessions it covers, the days the school is closed, lateness.

    `now` is the school's wall clock (`clock.school_now()`), as the register times are. `children`: the parent's
    children (`parent_access.children_of`) when the caller has them already; each pupil of the draft must be one,
    else NotFound."""
    mine = {pupil.id: pupil for pupil in (children_of(account) if children is None else children)}
    schools = {}  # one policy look-up per school, not per child: siblings share it
    previews = []
    for pupil_id in draft.pupil_ids:
        pupil = mine.get(pupil_id)
        if pupil is None:
            raise NotFound("no such child")  # another family's child looks exactly like one that does not exist
        if pupil.school_id not in schools:
            schools[pupil.school_id] = policy_of(pupil.school)
        policy, school = schools[pupil.school_id]
        site = school.site(pupil.site.slug) if pupil.site else school.sites[0]
        days = rules.covered_days(draft.first_day, draft.last_day, draft.part, school.calendar)
        previews.append(ChildPreview(
            pupil=pupil,
            school_name=school.name,
            days=days,
            runs=rules.day_runs(days, school.calendar),
            late=rules.is_late_report(draft.first_day, draft.part, now, {"AM": site.am, "PM": site.pm},
                                      school.calendar),
            problems=rules.check_report(draft.first_day, draft.last_day, draft.part, draft.reason, draft.details,
                                        now.date(), school.calendar, policy.absence_reporting, gettext=gettext,
                                        day_words=_day_month_year),
        ))
    return previews


def submit(account: ParentAccount, draft: AbsenceDraft, now: datetime | None = None) -> AbsenceReport:
    """Record the report and queue its acknowledgement. The same draft submitted twice makes one report."""
    now = now or utcnow()
    existing = sent_before(AbsenceReport, draft.submission_key, account.id, "report")
    if existing is not None:
        return existing
    if not draft.pupil_ids:
        raise ReportNotValid([rules.Problem("children", gettext("Select the children who are absent"))])
    previews = preview(account, draft, school_time(now))
    problems = [p for child in previews for p in child.problems]
    if problems:
        raise ReportNotValid(problems)
    continues = report_for(account, draft.continues) if draft.continues else None
    report = AbsenceReport(
        reference=new_reference("A", AbsenceReport.reference), submission_key=draft.submission_key,
        parent_account=account, reported_at=now, first_day=draft.first_day, last_day=draft.last_day, part=draft.part,
        reason=draft.reason, symptoms=draft.symptoms.strip(), appointment_time=draft.appointment_time,
        details=draft.details.strip(), late_reported=any(c.late for c in previews), continues=continues,
    )
    report.children = [AbsenceReportChild(pupil=c.pupil) for c in previews]
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # the same form submitted twice at once: the other request made it
        db.session.rollback()
        return by_submission_key(AbsenceReport, draft.submission_key)
    uploads.attach(pending_evidence(account, draft.evidence_ids), "absence_report", report.id,
                   actor=f"parent:{account.id}")
    # In the parent's language: the page they sent it from (Flask-Babel's locale: portal/web/parent/language.py).
    # Rendered by the outbox worker, not in this request: what the template reads, as plain values.
    notify.queue_rendered_later(
        [account.email], gettext("Absence reported: %(reference)s", reference=report.reference), "absence_received",
        key=f"absence:{report.reference}:received",
        context={"report": {"reference": report.reference, "first_day": report.first_day,
                            "last_day": report.last_day, "late_reported": report.late_reported},
                 "previews": [{"pupil": {"name": c.pupil.name}, "school_name": c.school_name,
                               "sessions": c.sessions} for c in previews],
                 "link": notify.external_url("parent.report", reference=report.reference)})
    record(f"parent:{account.id}", "absence.reported", report,
           after={"reference": report.reference, "pupils": [c.pupil.upn for c in previews],
                  "first_day": report.first_day.isoformat(),
                  "last_day": report.last_day.isoformat() if report.last_day else None,
                  "part": report.part, "reason": report.reason, "late": report.late_reported})
    db.session.commit()
    return report


def store_evidence(account: ParentAccount, pupil_ids: list[int], files, now: datetime | None = None) -> list[int]:
    """Check and keep appointment evidence until the report is sent: one copy for each school of the children, so
    each school's staff can read it. Raises uploads.UploadsRejected naming each bad file. Commits, so the files
    survive the check-your-answers page; anything never sent is removed by `evidence sweep`."""
    detected = uploads.check_many(files, actor=f"parent:{account.id}")
    schools = {child_of(account, pupil_id).school_id for pupil_id in pupil_ids}
    stored = [uploads.store(d, f"parent:{account.id}", school_id, account.id, now=now)
              for d in detected for school_id in sorted(schools)]
    db.session.commit()
    return [f.id for f in stored]


def pending_evidence(account: ParentAccount, ids: list[int]) -> list[EvidenceFile]:
    """The parent's own files not yet part of a report."""
    if not ids:
        return []
    return list(db.session.scalars(select(EvidenceFile).where(
        EvidenceFile.id.in_(ids), EvidenceFile.parent_account_id == account.id, EvidenceFile.state == PENDING)))


def report_evidence(report: AbsenceReport) -> list[EvidenceFile]:
    return list(db.session.scalars(select(EvidenceFile).where(
        EvidenceFile.owner_type == "absence_report", EvidenceFile.owner_id == report.id).order_by(EvidenceFile.id)))


def is_submitted(draft: AbsenceDraft) -> bool:
    return by_submission_key(AbsenceReport, draft.submission_key) is not None




def reports_for(account: ParentAccount) -> list[AbsenceReport]:
    return list(db.session.scalars(
        select(AbsenceReport).where(AbsenceReport.parent_account_id == account.id)
        .order_by(AbsenceReport.reported_at.desc())
    ))


def report_for(account: ParentAccount, reference: str) -> AbsenceReport:
    """A report this parent can see: one they made, or one about their child made by another parent."""
    report = db.session.scalar(select(AbsenceReport).where(AbsenceReport.reference == (reference or "").upper()))
    if report is None:
        raise NotFound("no such report")
    if not may_see(account, report.parent_account_id, (c.pupil_id for c in report.children)):
        raise NotFound("no such report")
    return report


def continuation(account: ParentAccount, reference: str) -> AbsenceDraft:
    """"Still off": a new report starting the school day after this one ends, with the same children and reason."""
    report = report_for(account, reference)
    _, school = school_policy(report.children[0].pupil.school.urn)
    last = report.last_day or report.first_day
    first = rules.extension_first_day(last, school.calendar) or last
    return AbsenceDraft(pupil_ids=[c.pupil_id for c in report.children], first_day=first, last_day=None,
                        part=rules.WHOLE_DAY, reason=report.reason, submission_key=new_submission_key(),
                        symptoms=report.symptoms, details=report.details, continues=report.reference)


ANSWER_MAX = 2000  # characters: a few paragraphs, as a parent would write in an email


def answer_question(account: ParentAccount, reference: str, child_id: int, answer: str,
                    now: datetime | None = None) -> AbsenceReportChild:
    """The parent's answer to the school's question about one child's absence: the report goes back to the school
    (the staff member who asked is emailed). Sending the same answer twice (a double click) records it once."""
    report = report_for(account, reference)
    child = next((c for c in report.children if c.id == child_id), None)
    if child is None or not may_see(account, report.parent_account_id, [child.pupil_id]):
        raise NotFound("no such child on this report")
    answer = (answer or "").strip()
    if child.status == ANSWERED and child.answer == answer:
        return child
    if child.status != QUESTION:
        raise ServiceError(gettext("The school has no question waiting for your answer about this absence"))
    if not answer:
        raise ServiceError(gettext("Write your answer to the school's question"))
    if len(answer) > ANSWER_MAX:
        raise ServiceError(gettext("Your answer must be %(num)s characters or fewer", num=format_number(ANSWER_MAX)))
    before = {"status": child.status, "answer": child.answer}
    child.answer, child.answered_at, child.status = answer, now or utcnow(), ANSWERED
    record(f"parent:{account.id}", "absence.answered", child, before,
           {"status": child.status, "answer": child.answer})
    asked_by = child.decided_by
    if asked_by is not None and asked_by.active:
        notify.queue([asked_by.email], f"Absence report {report.reference}: {child.pupil.name}'s parent answered",
                     "absence_answered", child=child, report=report,
                     link=notify.external_url("staff.absence", child_id=child.id))
    db.session.commit()
    return child
