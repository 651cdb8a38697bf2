"""The audit log as staff read it: newest first, filtered by pupil or by member of staff, a page at a time.

Read only: nothing here writes (events are added by `services.audit_writer.record`, in the transaction of the change).

Who sees what: an event is shown to a member of staff when its object belongs to one of their schools (a pupil,
their absence reports and decisions, first-day contact steps, evidence files, sign-in links of their parents) or
to their trust (a policy load), or is about a colleague with a role there (staff roles). Events that no school
owns, such as the MIS import runs (one file may hold several schools), are kept but not listed here. Later
features add their objects with `register_scope` (and `register_pupil_objects` for the pupil filter).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, false, func, or_, select

from portal.extensions import db
from portal.models import (
    AbsenceReport, AbsenceReportChild, AuditEvent, Contact, ParentAccount, Pupil, SignInLink, StaffRole, StaffUser,
    Trust,
)
from portal.models.contact_attempt import ContactAttempt
from portal.models.evidence import EvidenceFile
from portal.services import NotFound
from portal.services.permissions import may_see_pupil, schools_of

PAGE_SIZE = 50


class UnknownPupil(NotFound):
    """No such pupil at the viewer's schools (another school's pupils look like pupils that do not exist)."""


class UnknownStaff(NotFound):
    """No such colleague at the viewer's schools."""

ACTION_WORDS = {
    "subject_access.export": "Family's data exported (subject access request)",
    "absence.reported": "Absence reported by a parent",
    "absence.accept": "Absence accepted",
    "absence.question": "Question asked about an absence",
    "absence.unauthorised": "Absence recorded as unauthorised",
    "first_day.chase_email": "First-day chase email sent",
    "first_day.step": "First-day contact step logged",
    "staff.role_added": "Staff role added",
    "policy.load": "Policy loaded",
    "evidence.store": "Evidence file received",
    "evidence.attach": "Evidence file attached",
    "evidence.sweep": "Unused evidence file deleted",
    "sign_in.link_sent": "Sign-in link sent to a parent",
    "sign_in.link_used": "Parent signed in",
}


def _ids(column):
    return cast(column, String)


# object type -> the ids (as text, like AuditEvent.object_id) of such objects at the given schools / trusts.
Scope = Callable[[list[int], list[int]], object]
SCOPES: dict[str, Scope] = {
    "Pupil": lambda schools, trusts: select(_ids(Pupil.id)).where(Pupil.school_id.in_(schools)),
    "AbsenceReportChild": lambda schools, trusts: select(_ids(AbsenceReportChild.id)).join(Pupil)
    .where(Pupil.school_id.in_(schools)),
    "AbsenceReport": lambda schools, trusts: select(_ids(AbsenceReportChild.report_id)).join(Pupil)
    .where(Pupil.school_id.in_(schools)),
    "ContactAttempt": lambda schools, trusts: select(_ids(ContactAttempt.id)).join(Pupil)
    .where(Pupil.school_id.in_(schools)),
    "EvidenceFile": lambda schools, trusts: select(_ids(EvidenceFile.id)).where(EvidenceFile.school_id.in_(schools)),
    "SignInLink": lambda schools, trusts: select(_ids(SignInLink.id))
    .join(Contact, Contact.parent_account_id == SignInLink.parent_account_id).join(Pupil)
    .where(Pupil.school_id.in_(schools)),
    "StaffUser": lambda schools, trusts: select(_ids(StaffRole.staff_id)).where(
        or_(StaffRole.school_id.in_(schools), and_(StaffRole.school_id.is_(None), StaffRole.trust_id.in_(trusts)))),
    "Trust": lambda schools, trusts: select(_ids(Trust.id)).where(Trust.id.in_(trusts)),
}
# object type -> the ids (as text) of such objects that are about one pupil (the pupil filter).
PUPIL_OBJECTS: dict[str, Callable[[int], object]] = {
    "Pupil": lambda pupil_id: select(_ids(Pupil.id)).where(Pupil.id == pupil_id),
    "AbsenceReportChild": lambda pupil_id: select(_ids(AbsenceReportChild.id))
    .where(AbsenceReportChild.pupil_id == pupil_id),
    "AbsenceReport": lambda pupil_id: select(_ids(AbsenceReportChild.report_id))
    .where(AbsenceReportChild.pupil_id == pupil_id),
    "ContactAttempt": lambda pupil_id: select(_ids(ContactAttempt.id)).where(ContactAttempt.pupil_id == pupil_id),
}


def register_scope(object_type: str, scope: Scope, of_pupil: Callable[[int], object] | None = None) -> None:
    """Let staff see a new kind of object's events (e.g. leave requests, support plans) at their schools."""
    SCOPES[object_type] = scope
    if of_pupil is not None:
        PUPIL_OBJECTS[object_type] = of_pupil


@dataclass(frozen=True)
class Change:
    key: str
    before: str
    after: str


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: str
    who: str  # the actor in words
    action: str
    what: str  # the action in words
    object_type: str
    object_id: str
    about: str  # the object in words, with the pupil's name where there is one
    pupil_upn: str | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Page:
    events: list[EventView]
    total: int
    page: int
    pages: int
    pupil: Pupil | None
    staff_member: StaffUser | None


def staff_members(viewer: StaffUser) -> list[StaffUser]:
    """Colleagues the viewer may filter by: staff with a role at one of the viewer's schools or their trusts."""
    schools, trusts = _scope_ids(viewer)
    if not schools:
        return []
    ids = SCOPES["StaffUser"](schools, trusts)
    return list(db.session.scalars(select(StaffUser).where(_ids(StaffUser.id).in_(ids))
                                   .order_by(StaffUser.name, StaffUser.email)))


def _scope_ids(viewer: StaffUser) -> tuple[list[int], list[int]]:
    schools = schools_of(viewer)
    return [s.id for s in schools], sorted({s.trust_id for s in schools})


def events(viewer: StaffUser, upn: str | None = None, staff_id: int | None = None, page: int = 1,
           per_page: int = PAGE_SIZE) -> Page:
    """A page of the events the viewer may see, newest first, about one pupil and/or by one member of staff.

    NotFound for a pupil or colleague the viewer cannot see (another school's look like ones that do not exist)."""
    schools, trusts = _scope_ids(viewer)
    pupil = member = None
    conditions = [_visible(schools, trusts)]
    if upn:
        pupil = db.session.scalar(select(Pupil).where(Pupil.upn == upn.strip().upper()))
        if not may_see_pupil(viewer, pupil):
            raise UnknownPupil(f"No pupil with UPN {upn.strip().upper()} at your schools")
        conditions.append(or_(*(and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids(pupil.id)))
                                for kind, ids in PUPIL_OBJECTS.items())))
    if staff_id:
        member = next((s for s in staff_members(viewer) if s.id == staff_id), None)
        if member is None:
            raise UnknownStaff("No such member of staff at your schools")
        conditions.append(AuditEvent.actor == f"staff:{member.id}")
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(select(AuditEvent).where(*conditions)
                              .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(_describe(rows), total, page, pages, pupil, member)


def _visible(schools: list[int], trusts: list[int]):
    if not schools:
        return false()
    return or_(*(and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(scope(schools, trusts)))
                 for kind, scope in SCOPES.items()))


def _describe(rows: list[AuditEvent]) -> list[EventView]:
    """Each event in words: who did it, what, and to whom, with the pupil where there is one (a few queries per
    page, none per event)."""
    ids: dict[str, set[int]] = {}
    for row in rows:
        if row.object_id.isdigit():
            ids.setdefault(row.object_type, set()).add(int(row.object_id))
    pupils: dict[tuple[str, str], tuple[str, str | None]] = {}  # (type, id) -> (words, upn)

    def fetch(model, wanted):
        return db.session.scalars(select(model).where(model.id.in_(wanted))) if wanted else []

    for p in fetch(Pupil, ids.get("Pupil")):
        pupils[("Pupil", str(p.id))] = (f"{p.name} ({p.upn})", p.upn)
    for c in fetch(AbsenceReportChild, ids.get("AbsenceReportChild")):
        pupils[("AbsenceReportChild", str(c.id))] = (
            f"Absence report {c.report.reference} for {c.pupil.name} ({c.pupil.upn})", c.pupil.upn)
    for r in fetch(AbsenceReport, ids.get("AbsenceReport")):
        names = ", ".join(f"{c.pupil.name} ({c.pupil.upn})" for c in r.children)
        pupils[("AbsenceReport", str(r.id))] = (f"Absence report {r.reference} for {names}",
                                                r.children[0].pupil.upn if len(r.children) == 1 else None)
    for a in fetch(ContactAttempt, ids.get("ContactAttempt")):
        pupils[("ContactAttempt", str(a.id))] = (
            f"First-day contact for {a.pupil.name} ({a.pupil.upn}), absence on {a.date:%-d %B %Y}", a.pupil.upn)
    for s in fetch(StaffUser, ids.get("StaffUser")):
        pupils[("StaffUser", str(s.id))] = (f"Staff: {s.name} ({s.email})", None)
    for t in fetch(Trust, ids.get("Trust")):
        pupils[("Trust", str(t.id))] = (f"Trust: {t.name}", None)
    for f in fetch(EvidenceFile, ids.get("EvidenceFile")):
        pupils[("EvidenceFile", str(f.id))] = (f"Evidence file “{f.original_name}”", None)

    actors = {row.actor for row in rows}
    staff_ids = [int(a.split(":", 1)[1]) for a in actors if a.startswith("staff:") and a[6:].isdigit()]
    parent_ids = [int(a.split(":", 1)[1]) for a in actors if a.startswith("parent:") and a[7:].isdigit()]
    who = {f"staff:{s.id}": f"{s.name} ({s.email})" for s in fetch(StaffUser, staff_ids)}
    who.update({f"parent:{p.id}": f"Parent: {p.email}" for p in fetch(ParentAccount, parent_ids)})

    views = []
    for row in rows:
        about, upn = pupils.get((row.object_type, row.object_id), (f"{row.object_type} {row.object_id}", None))
        views.append(EventView(
            id=row.id, at=row.at, actor=row.actor, who=who.get(row.actor) or _actor_words(row.actor),
            action=row.action, what=ACTION_WORDS.get(row.action, row.action), object_type=row.object_type,
            object_id=row.object_id, about=about, pupil_upn=upn, changes=_changes(row.before, row.after)))
    return views


def _actor_words(actor: str) -> str:
    if actor.startswith("cli:"):
        return f"Command line ({actor[4:]})"
    return actor


def _changes(before: dict | None, after: dict | None) -> tuple[Change, ...]:
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return tuple(Change(_words(key), _text(before.get(key)), _text(after.get(key))) for key in keys
                 if before.get(key) != after.get(key) or key not in before)


def _words(key: str) -> str:
    """A recorded field's name as staff read it: "marks_replaced" -> "marks replaced"."""
    return str(key).replace("_", " ")


def _text(value) -> str:
    """A recorded value in words, never as JSON: a mapping as "key: value; ...", a list as "a, b"."""
    if value is None or value == {} or value == []:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{_words(k)}: {_text(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)
