"""Declarations by every parent with parental responsibility: who is asked, who has declared, and adding one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.clock import utcnow
from portal.extensions import db
from portal.models import ParentAccount, Pupil
from portal.models.leave import PENDING, LeaveDeclaration, LeaveRequest
from portal.services import NotFound, ServiceError
from portal.services.audit_writer import record
from portal.services.leave.parent_view import request_for
from portal.services.leave.wording import declaration_text
from portal.services.parent_access import children_of
from portal.services.policies import school_policy


def may_declare(account: ParentAccount, leave_request: LeaveRequest) -> bool:
    return (any(c.status == PENDING for c in leave_request.children)
            and not any(d.parent_account_id == account.id for d in leave_request.declarations)
            and bool(pupils_with_responsibility(account, leave_request)))


def declare(account: ParentAccount, reference: str, now: datetime | None = None) -> LeaveDeclaration:
    """Another parent with parental responsibility adds their declaration, while a decision is still to come."""
    now = now or utcnow()
    leave_request = request_for(account, reference)
    existing = next((d for d in leave_request.declarations if d.parent_account_id == account.id), None)
    if existing is not None:
        return existing
    pupils = pupils_with_responsibility(account, leave_request)
    if not pupils:
        raise NotFound("no such request")
    if not any(c.status == PENDING for c in leave_request.children):
        raise ServiceError(_l("The school has already decided this request"))
    policy, _ = school_policy(leave_request.school.urn)
    declaration = LeaveDeclaration(request=leave_request, parent_account=account, name=contact_name(account, pupils),
                                   text=declaration_text(policy, pupils), declared_at=now)
    db.session.add(declaration)
    db.session.flush()
    record(f"parent:{account.id}", "leave.declared", declaration,
           after={"reference": leave_request.reference, "pupils": [p.upn for p in pupils]})
    db.session.commit()
    return declaration


def declaration_text_for(account: ParentAccount, leave_request: LeaveRequest) -> str:
    """The declaration another parent is asked to add: for the children of the request they are responsible for."""
    policy, _ = school_policy(leave_request.school.urn)
    return declaration_text(policy, pupils_with_responsibility(account, leave_request))


def other_parent_names(account: ParentAccount, pupils: list[Pupil]) -> list[str]:
    """Other parents with parental responsibility for these children who will be asked for their declaration."""
    names = []
    for pupil in pupils:
        for contact in pupil.contacts:
            if (contact.parental_responsibility and contact.email and contact.parent_account_id is not None
                    and contact.parent_account_id != account.id and contact.name not in names):
                names.append(contact.name)
    return names


@dataclass(frozen=True)
class ParentDeclaration:
    name: str
    email: str | None
    declared_at: datetime | None
    has_account: bool


def declarations_status(leave_request: LeaveRequest) -> list[ParentDeclaration]:
    """Every parent with parental responsibility for a child of the request, and whether they have declared."""
    declared = {d.parent_account_id: d for d in leave_request.declarations}
    people: dict[str, ParentDeclaration] = {}
    for child in leave_request.children:
        for contact in child.pupil.contacts:
            if not contact.parental_responsibility:
                continue
            key = contact.email or f"name:{contact.name}"
            if key in people:
                continue
            done = declared.get(contact.parent_account_id)
            people[key] = ParentDeclaration(contact.name, contact.email, done.declared_at if done else None,
                                            contact.parent_account_id is not None)
    for declaration in leave_request.declarations:  # a declaration from a parent no longer in the contacts
        if declaration.parent_account.email not in people:
            people[declaration.parent_account.email] = ParentDeclaration(
                declaration.name, declaration.parent_account.email, declaration.declared_at, True)
    return sorted(people.values(), key=lambda p: (p.declared_at is None, p.declared_at or datetime.max, p.name))


def pupils_with_responsibility(account: ParentAccount, leave_request: LeaveRequest) -> list[Pupil]:
    mine = {p.id for p in children_of(account)}
    return [c.pupil for c in leave_request.children if c.pupil_id in mine]


def contact_name(account: ParentAccount, pupils: list[Pupil]) -> str:
    ids = {p.id for p in pupils}
    return next((c.name for c in account.contacts if c.pupil_id in ids and c.parental_responsibility),
                account.email)
