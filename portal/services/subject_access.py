"""Subject access requests: everything the portal holds about a family, as one ZIP for staff to review and send.

The family of a pupil is the pupil and their siblings: every pupil who has a contact with parental responsibility
in common with the pupil (the same parent account, or the same email address). One step only: a sibling's other
parents' other children are another family. Only pupils at schools where the member of staff may export are
included; a sibling elsewhere must be asked of that school (it may be another data controller). A report shared
with such a sibling is exported for the family's own children only: the evidence copies of their schools, and no
email or audit event that names the sibling (README.txt counts what was left out).

Who may export: a headteacher, senior leader, attendance officer or admin with a role at the pupil's school (or
across its trust). The export holds a whole family's records, special category data (health) included, so the
office and teachers, who see one case at a time, may not; they are told whom to ask. Staff of another school get
"no such pupil", as everywhere else.

The ZIP holds:
    README.txt      what the export is, who made it and when, what is in it and what is left out
    family.json     the pupils with their contacts, register marks, first-day contact log and support plans;
                    the parent accounts (with sign-in link times, never the links); absence reports and leave
                    requests with the school's decisions, letters, outcomes and declarations; evidence files'
                    details; emails the portal sent about those reports, requests and plans; the audit events
                    about all of these
    marks.csv       the register marks again, one row per session, for a spreadsheet
    evidence/       the evidence files themselves, as stored (photos without their metadata, as served to staff)

Staff must review it before sending: it can name other people (staff who decided, other parents in a
declaration), which the school may need to redact. Making an export records an audit event
(`subject_access.export`) on the pupil, with what it held and the SHA-256 of the ZIP.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, or_, select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import (
    AbsenceReport,
    AbsenceReportChild,
    AuditEvent,
    Contact,
    ContactAttempt,
    EvidenceFile,
    LeaveRequest,
    LeaveRequestChild,
    Mark,
    OutboxMessage,
    ParentAccount,
    PlanReview,
    Pupil,
    SignInLink,
    StaffUser,
    SupportPlan,
)
from portal.models.leave import EVIDENCE_OWNER as LEAVE_OWNER
from portal.services import NotFound, csv_files, notify, uploads
from portal.services.audit_writer import record
from portal.services.permissions import NotPermitted, may_see_pupil, require, roles_at

EXPORT_FAMILY_DATA = "export_family_data"  # the permission the staff page declares
REPORT_OWNER = "absence_report"  # EvidenceFile.owner_type of an absence report's appointment evidence
EXPORT_ROLES = frozenset({"headteacher", "senior_leader", "attendance_officer", "admin"})
CHUNK = 500


class UnknownPupil(NotFound):
    """No pupil with that UPN at the viewer's schools (another school's pupils look like pupils that do not exist)."""


@dataclass
class Export:
    data: bytes
    filename: str
    pupils: list[Pupil]


def may_export(staff: StaffUser, school) -> bool:
    return staff.active and bool(roles_at(staff, school) & EXPORT_ROLES)


def _require_export(staff: StaffUser, school) -> None:
    require(staff, "view", school)  # NotFound for a school where the member of staff has no role
    if not may_export(staff, school):
        raise NotPermitted(f"Only the headteacher, a senior leader or the attendance officer can export a family's "
                           f"data at {school.name}: ask one of them.")


def pupil_by_upn(staff: StaffUser, upn: str) -> Pupil:
    upn = (upn or "").strip().upper()
    pupil = db.session.scalar(select(Pupil).where(Pupil.upn == upn)) if upn else None
    if not may_see_pupil(staff, pupil):
        raise UnknownPupil(f"No pupil with UPN {upn} at your schools")
    return pupil


def family_of(staff: StaffUser, pupil: Pupil) -> list[Pupil]:
    """The pupil first, then the siblings the member of staff may export, by surname and name."""
    accounts = {c.parent_account_id for c in pupil.contacts if c.parental_responsibility and c.parent_account_id}
    emails = {c.email.lower() for c in pupil.contacts if c.parental_responsibility and c.email}
    shared = []
    if accounts:
        shared.append(Contact.parent_account_id.in_(accounts))
    if emails:
        shared.append(Contact.email.in_(emails))
    siblings = []
    if shared:
        siblings = db.session.scalars(
            select(Pupil).join(Contact, Contact.pupil_id == Pupil.id)
            .where(Contact.parental_responsibility.is_(True), or_(*shared), Pupil.id != pupil.id).distinct()
        ).all()
    siblings = sorted((p for p in siblings if may_export(staff, p.school)),
                      key=lambda p: (p.legal_surname, p.forename, p.upn))
    return [pupil, *siblings]


def family_export(staff: StaffUser, pupil_id: int, *, now: datetime | None = None) -> bytes:
    """The ZIP of everything held about the pupil's family (see the module docstring), with an audit event."""
    return export_for(staff, pupil_id, now=now).data


def export_for(staff: StaffUser, pupil_id: int, *, now: datetime | None = None) -> Export:
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None:
        raise UnknownPupil("no such pupil")
    _require_export(staff, pupil.school)
    now = now or utcnow()
    pupils = family_of(staff, pupil)
    document, evidence = _collect(pupils, staff, pupil, now)
    data = _zip(document, evidence, pupils, staff, pupil, now)
    digest = hashlib.sha256(data).hexdigest()
    record(f"staff:{staff.id}", "subject_access.export", pupil, after={
        "pupils": [p.upn for p in pupils], "parent_accounts": len(document["parent_accounts"]),
        "absence_reports": len(document["absence_reports"]), "leave_requests": len(document["leave_requests"]),
        "evidence_files": len(document["evidence_files"]), "audit_events": len(document["audit_events"]),
        "sha256": digest,
    })
    db.session.commit()
    return Export(data=data, filename=f"subject-access-{pupil.upn}-{now:%Y-%m-%d}.zip", pupils=pupils)


# ------------------------------------------------------------------------------------------------ collecting
def _in(column, ids):
    ids = sorted(ids)
    if not ids:
        return column.in_([])
    return or_(*(column.in_(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK)))


def _collect(pupils: list[Pupil], staff: StaffUser, requested: Pupil, now: datetime) -> tuple[dict, list]:
    ids = {p.id for p in pupils}
    contacts = [c for p in pupils for c in p.contacts]
    account_ids = {c.parent_account_id for c in contacts if c.parent_account_id}
    accounts = db.session.scalars(select(ParentAccount).where(_in(ParentAccount.id, account_ids))
                                  .order_by(ParentAccount.email)).all()
    links = db.session.scalars(select(SignInLink).where(_in(SignInLink.parent_account_id, account_ids))
                               .order_by(SignInLink.created_at)).all()

    marks = db.session.scalars(select(Mark).where(_in(Mark.pupil_id, ids))
                               .order_by(Mark.pupil_id, Mark.date, Mark.session)).all()
    attempts = db.session.scalars(select(ContactAttempt).where(_in(ContactAttempt.pupil_id, ids))
                                  .order_by(ContactAttempt.date, ContactAttempt.at)).all()

    report_ids = set(db.session.scalars(select(AbsenceReportChild.report_id)
                                        .where(_in(AbsenceReportChild.pupil_id, ids))))
    reports = db.session.scalars(select(AbsenceReport).where(_in(AbsenceReport.id, report_ids))
                                 .order_by(AbsenceReport.reported_at)).all()
    request_ids = set(db.session.scalars(select(LeaveRequestChild.request_id)
                                         .where(_in(LeaveRequestChild.pupil_id, ids))))
    requests = db.session.scalars(select(LeaveRequest).where(_in(LeaveRequest.id, request_ids))
                                  .order_by(LeaveRequest.requested_at)).all()
    plans = db.session.scalars(select(SupportPlan).where(_in(SupportPlan.pupil_id, ids))
                               .order_by(SupportPlan.id)).all()

    # A report can cover children at several schools, with a copy of its evidence for each: only the copies for
    # the exported pupils' schools, whose staff may read them.
    school_ids = {p.school_id for p in pupils}
    files = db.session.scalars(
        select(EvidenceFile).where(_in(EvidenceFile.school_id, school_ids), or_(
            and_(EvidenceFile.owner_type == LEAVE_OWNER, _in(EvidenceFile.owner_id, request_ids)),
            and_(EvidenceFile.owner_type == REPORT_OWNER, _in(EvidenceFile.owner_id, report_ids)),
            _in(EvidenceFile.parent_account_id, account_ids),
        )).order_by(EvidenceFile.uploaded_at, EvidenceFile.id)).all()
    evidence = [(f, _evidence_name(f)) for f in files]

    keys = ([f"absence:{r.reference}:" for r in reports] + [f"leave:{r.reference}:" for r in requests]
            + [f"support-plan:{p.id}:" for p in plans] + [f"nudge:{p.id}:" for p in pupils])  # services/nudges.py
    emails = db.session.scalars(
        select(OutboxMessage).where(or_(*(OutboxMessage.key.startswith(k, autoescape=True) for k in keys)))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)).all() if keys else []

    objects = {
        "Pupil": ids,
        "AbsenceReport": {r.id for r in reports},
        "AbsenceReportChild": {c.id for r in reports for c in r.children if c.pupil_id in ids},
        "ContactAttempt": {a.id for a in attempts},
        "LeaveRequest": {r.id for r in requests},
        "LeaveRequestChild": {c.id for r in requests for c in r.children if c.pupil_id in ids},
        "LeaveDeclaration": {d.id for r in requests for d in r.declarations},
        "EvidenceFile": {f.id for f in files},
        "SignInLink": {link.id for link in links},
        "SupportPlan": {p.id for p in plans},
        "ParentAccount": account_ids,
    }
    conditions = [and_(AuditEvent.object_type == kind, _in(AuditEvent.object_id, {str(i) for i in wanted}))
                  for kind, wanted in objects.items() if wanted]
    events = db.session.scalars(select(AuditEvent).where(or_(*conditions))
                                .order_by(AuditEvent.at, AuditEvent.id)).all() if conditions else []

    outside = _outside_markers([c.pupil for r in [*reports, *requests] for c in r.children], ids)
    for message in emails:
        notify.render(message)  # one still waiting for the outbox worker: its body as it will be sent
    kept_emails = [m for m in emails if not outside.search(_text(m.subject, m.body_text, m.body_html))]
    kept_events = [e for e in events if not outside.search(_text(e.before, e.after))]

    marks_by_pupil: dict[int, list[Mark]] = {}
    for mark in marks:
        marks_by_pupil.setdefault(mark.pupil_id, []).append(mark)
    document = {
        "export": {
            "kind": "Subject access request: everything the attendance portal holds about a family",
            "requested_for": requested.upn,
            "made_at": now,
            "made_by": {"name": staff.name, "email": staff.email},
            "family": "the pupil and every pupil with a contact with parental responsibility in common "
                      "(the same parent account or email address), at schools where the exporter may export",
        },
        "pupils": [_pupil(p, marks_by_pupil.get(p.id, []), [a for a in attempts if a.pupil_id == p.id],
                          [pl for pl in plans if pl.pupil_id == p.id]) for p in pupils],
        "parent_accounts": [_account(a, [link for link in links if link.parent_account_id == a.id])
                            for a in accounts],
        "absence_reports": [_report(r, ids, evidence) for r in reports],
        "leave_requests": [_leave(r, ids, evidence) for r in requests],
        "evidence_files": [_file(f, name) for f, name in evidence],
        "emails": [{"created_at": m.created_at, "sent_at": m.sent_at, "recipients": m.recipients,
                    "subject": m.subject, "text": m.body_text} for m in kept_emails],
        "audit_events": [{"at": e.at, "actor": e.actor, "action": e.action, "object_type": e.object_type,
                          "object_id": e.object_id, "before": e.before, "after": e.after} for e in kept_events],
        "left_out": {"emails": len(emails) - len(kept_emails), "audit_events": len(events) - len(kept_events)},
    }
    return document, evidence


def _outside_markers(involved: list[Pupil], ids: set[int]) -> re.Pattern:
    """What names a child outside the export (a sibling at a school the member of staff may not export, on a
    report or request shared with an exported child): their UPN, names and school. An email or audit event that
    holds one is left out; that school answers for its own pupils. Matches nothing when there is no such child."""
    words = set()
    for pupil in involved:
        if pupil.id not in ids:
            # Not the surname alone: brothers and sisters often share it.
            words.update({pupil.upn, pupil.legal_forename, pupil.forename, pupil.school.name})
    words = sorted((w for w in words if w and w.strip()), key=len, reverse=True)
    if not words:
        return re.compile(r"(?!)")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _text(*parts) -> str:
    return "\n".join(json.dumps(part, default=str, ensure_ascii=False) if not isinstance(part, str) else part
                     for part in parts if part is not None)


def _staff(user: StaffUser | None) -> dict | None:
    return {"name": user.name, "email": user.email} if user else None


def _pupil(p: Pupil, marks: list[Mark], attempts: list[ContactAttempt], plans: list[SupportPlan]) -> dict:
    return {
        "upn": p.upn, "legal_forename": p.legal_forename, "preferred_forename": p.preferred_forename,
        "legal_surname": p.legal_surname, "date_of_birth": p.date_of_birth, "year_group": p.year_group,
        "registration_group": p.registration_group, "school": {"urn": p.school.urn, "name": p.school.name},
        "site": p.site.name if p.site else None, "admission_date": p.admission_date,
        "leaving_date": p.leaving_date, "vulnerable": p.vulnerable,
        "contacts": [{"name": c.name, "relationship": c.relationship_to_pupil, "email": c.email, "phone": c.phone,
                      "parental_responsibility": c.parental_responsibility,
                      "lives_with_pupil": c.lives_with_pupil, "priority": c.priority,
                      "has_parent_account": c.parent_account_id is not None} for c in p.contacts],
        "marks": [{"date": m.date, "session": m.session, "code": m.code, "minutes_late": m.minutes_late,
                   "comment": m.comment, "source": m.source, "recorded_at": m.recorded_at,
                   "recorded_by": m.recorded_by} for m in marks],
        "first_day_contact": [{"absence_on": a.date, "action": a.action, "at": a.at, "outcome": a.outcome,
                               "contact_made": a.resolved, "chase_email": a.chase_email,
                               "by": _staff(a.staff), "recorded_at": a.recorded_at} for a in attempts],
        "support_plans": [_plan(plan) for plan in plans],
    }


def _plan(plan: SupportPlan) -> dict:
    return {
        "reference": plan.reference, "state": plan.state, "school": plan.school.urn, "owner": _staff(plan.owner),
        "created_at": plan.created_at, "started_on": plan.started_on, "review_date": plan.review_date,
        "ended_at": plan.ended_at,
        "versions": [{
            "number": v.number, "fields": v.fields, "text": v.text, "sha256": v.sha256, "created_at": v.created_at,
            "created_by": _staff(v.created_by), "issued_at": v.issued_at, "issued_by": _staff(v.issued_by),
            "signatures": [{"signer": s.signer, "role": s.role, "outcome": s.outcome, "typed_name": s.typed_name,
                            "reason": s.reason, "sha256": s.sha256, "at": s.at} for s in v.signatures],
        } for v in plan.versions],
        "reviews": [_review(r) for r in plan.reviews],
    }


def _review(r: PlanReview) -> dict:
    return {"due_on": r.due_on, "reviewed_at": r.reviewed_at, "reviewed_by": _staff(r.reviewed_by),
            "progress": r.progress, "outcome": r.outcome, "next_review_date": r.next_review_date,
            "attendance_before": r.attendance_before, "attendance_since": r.attendance_since}


def _account(a: ParentAccount, links: list[SignInLink]) -> dict:
    return {"email": a.email, "created_at": a.created_at, "last_signed_in_at": a.last_signed_in_at,
            "language": a.language,  # the pages' language they chose, or None (portal/web/parent/language.py)
            "sign_in_links": [{"created_at": link.created_at, "expires_at": link.expires_at, "used_at": link.used_at}
                              for link in links]}


def _report(r: AbsenceReport, ids: set[int], evidence: list[tuple[EvidenceFile, str]]) -> dict:
    return {
        "reference": r.reference, "sent_by": r.parent_account.email if r.parent_account else None,
        "reported_at": r.reported_at, "first_day": r.first_day, "last_day": r.last_day, "part": r.part,
        "reason": r.reason, "symptoms": r.symptoms, "appointment_time": r.appointment_time, "details": r.details,
        "late_reported": r.late_reported, "continues": r.continues.reference if r.continues else None,
        "children": [{"upn": c.pupil.upn, "status": c.status, "code": c.code, "note": c.note,
                      "answer": c.answer, "answered_at": c.answered_at,
                      "decided_by": _staff(c.decided_by), "decided_at": c.decided_at}
                     for c in r.children if c.pupil_id in ids],
        "evidence": [name for f, name in evidence if (f.owner_type, f.owner_id) == (REPORT_OWNER, r.id)],
    }


def _leave(r: LeaveRequest, ids: set[int], evidence: list[tuple[EvidenceFile, str]]) -> dict:
    return {
        "reference": r.reference, "school": r.school.urn,
        "sent_by": r.parent_account.email if r.parent_account else None, "requested_at": r.requested_at,
        "first_day": r.first_day, "return_day": r.return_day, "travelling_abroad": r.travelling_abroad,
        "destinations": r.destinations, "circumstances": r.circumstances, "decision_due": r.decision_due,
        "children": [{
            "upn": c.pupil.upn, "attendance_at_request": {"attended": c.attended_at_request,
                                                          "possible": c.possible_at_request},
            "status": c.status, "approved_days": c.approved_days, "reasons": c.reasons,
            "flags_at_decision": c.flags_at_decision, "decided_by": _staff(c.decided_by),
            "decided_at": c.decided_at, "letter": c.letter, "outcome": c.outcome,
            "actual_first_day": c.actual_first_day, "actual_return_day": c.actual_return_day,
            "late_return_choice": c.late_return_choice, "outcome_note": c.outcome_note,
            "outcome_by": _staff(c.outcome_by), "outcome_at": c.outcome_at,
        } for c in r.children if c.pupil_id in ids],
        "declarations": [{"name": d.name, "email": d.parent_account.email if d.parent_account else None,
                          "text": d.text, "declared_at": d.declared_at} for d in r.declarations],
        "evidence": [name for f, name in evidence if (f.owner_type, f.owner_id) == (LEAVE_OWNER, r.id)],
    }


def _evidence_name(file: EvidenceFile) -> str:
    safe = re.sub(r"[^\w.\- ]+", "_", file.original_name, flags=re.UNICODE).strip(" .") or "file"
    return f"evidence/{file.id}-{safe[:100]}"


def _file(f: EvidenceFile, name: str) -> dict:
    return {"file": name, "original_name": f.original_name, "type": f.content_type, "size": f.size,
            "sha256": f.sha256, "uploaded_at": f.uploaded_at, "uploaded_by": f.uploaded_by,
            "state": f.state, "belongs_to": f"{f.owner_type}:{f.owner_id}" if f.owner_type else None,
            "on_disk": uploads.path_for(f.stored_name).is_file()}


# ------------------------------------------------------------------------------------------------ packing
def _json_default(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot export {type(value).__name__}")


def _zip(document: dict, evidence: list, pupils: list[Pupil], staff: StaffUser, requested: Pupil,
         now: datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]

    def add(name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)

    with zipfile.ZipFile(buffer, "w") as archive:
        add("README.txt", _readme(document, pupils, staff, requested, now).encode("utf-8"))
        add("family.json", json.dumps(document, default=_json_default, ensure_ascii=False, indent=2)
            .encode("utf-8"))
        add("marks.csv", _marks_csv(document).encode("utf-8"))
        for file, name in evidence:
            path = uploads.path_for(file.stored_name)
            if path.is_file():
                add(name, path.read_bytes())
    return buffer.getvalue()


def _marks_csv(document: dict) -> str:
    out = io.StringIO()
    writer = csv_files.writer(out, lineterminator="\n")
    writer.writerow(["upn", "date", "session", "code", "minutes_late", "comment", "source", "recorded_at"])
    for pupil in document["pupils"]:
        for m in pupil["marks"]:
            writer.writerow([pupil["upn"], m["date"].isoformat(), m["session"], m["code"],
                             "" if m["minutes_late"] is None else m["minutes_late"], m["comment"], m["source"],
                             m["recorded_at"].isoformat()])
    return out.getvalue()


def _left_out(document: dict) -> str:
    emails, events = document["left_out"]["emails"], document["left_out"]["audit_events"]
    if not emails and not events:
        return ""
    return (f"Left out: {emails} email(s) and {events} audit event(s) about a report or request shared with a child\n"
            "at a school outside this export, because they name that child: ask that school.\n\n")


def _readme(document: dict, pupils: list[Pupil], staff: StaffUser, requested: Pupil, now: datetime) -> str:
    names = "\n".join(f"  - {p.name} ({p.upn}), {p.school.name}" for p in pupils)
    missing = sum(1 for f in document["evidence_files"] if not f["on_disk"])
    return f"""Subject access request: what the attendance portal holds about a family
=========================================================================

Made {now:%-d %B %Y at %H:%M} UTC by {staff.name} ({staff.email}), for pupil {requested.upn}.

Pupils included:
{names}

The family is the pupil and every pupil who has a contact with parental responsibility in common with them
(the same parent account or email address), at schools where {staff.name} may export data. A sibling at
another school is not included: ask that school.

Files:
  family.json   everything below, as one JSON document (dates as YYYY-MM-DD, times in UTC unless noted;
                first-day contact times are on the school's clock)
                  pupils            details, contacts, register marks, first-day contact log, support plans
                  parent_accounts   email, when created and last signed in, when sign-in links were sent
                  absence_reports   what parents reported and the school's decision for each child
                  leave_requests    requests, declarations, decisions, letters and outcomes
                  evidence_files    details of each file sent; the files are in evidence/
                  emails            emails the portal sent about these reports, requests and plans
                  audit_events      every recorded change to any of the above
  marks.csv     the register marks, one row per session
  evidence/     {len(document["evidence_files"]) - missing} evidence file(s){f"; {missing} could not be found on disk" if missing else ""}

{_left_out(document)}Before sending: review everything. Records can name other people (staff, other parents), whom the school may
need to redact, and some information may be exempt from disclosure. The portal holds only what it is given
and decides: the school's MIS holds the full pupil record.
"""
