"""Staff accounts and what each may see and do: roles per school, or across a trust; the policy names who decides.

The one home of staff scope: every staff service and view asks here which schools a member of staff works with
(`schools_of`, `schools_where`), whether they may see a pupil (`may_see_pupil`, `pupil_for`) and whether they may
take a decision (`may`, `require`). Another school's pupils look like pupils that do not exist (NotFound)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from portal.clock import utcnow
from portal.domain import passwords
from portal.domain.policy_rules import ROLES
from portal.domain.policy_words import role_name
from portal.extensions import db
from portal.models import Pupil, School, StaffRole, StaffUser, Trust
from portal.services import NotFound, ServiceError
from portal.services.audit_writer import record
from portal.services.policies import trust_policy

_hashers: dict[tuple[int, int], tuple[PasswordHasher, str]] = {}


def _hasher() -> tuple[PasswordHasher, str]:
    """The argon2 hasher at the configured cost, and a dummy hash verified against when the email is unknown,
    so that a wrong address takes as long as a wrong password."""
    cost = (current_app.config["PORTAL_ARGON2_TIME_COST"], current_app.config["PORTAL_ARGON2_MEMORY_KIB"])
    if cost not in _hashers:
        hasher = PasswordHasher(time_cost=cost[0], memory_cost=cost[1])
        _hashers[cost] = (hasher, hasher.hash(secrets.token_hex(16)))
    return _hashers[cost]

AUTHORISE_ABSENCE = "authorise_absence"
DECIDE_LEAVE = "decide_leave"
DRAFT_SUPPORT_PLANS = "draft_support_plans"
LEGAL_ACTION = "legal_action"  # notices to improve, penalty-notice decisions, LA returns, case files


class NotPermitted(ServiceError):
    """The member of staff has no role that allows this here."""


class PasswordRefused(ServiceError):
    """A new password that does not meet the rule (portal/domain/passwords.py): the message says what to choose."""


def add_staff(email: str, name: str, role: str, actor: str, school_urn: str | None = None,
              trust_slug: str | None = None, password: str | None = None,
              check_password: bool = True) -> tuple[StaffUser, str | None]:
    """Create (or give another role to) a member of staff. Returns the account and a new password, if one was
    generated for a new account, to hand over once. A password given must meet the rule, unless `check_password`
    is False (the demo trust's published password)."""
    if role not in ROLES:
        raise ServiceError(f"{role!r} is not a role; roles are: {', '.join(ROLES)}")
    if bool(school_urn) == bool(trust_slug):
        raise ServiceError("give either --school URN (a role at one school) or --trust SLUG (across a trust)")
    school = trust = None
    if school_urn:
        school = db.session.scalar(select(School).where(School.urn == school_urn))
        if school is None:
            raise NotFound(f"no school with URN {school_urn} is loaded")
        trust = school.trust
    else:
        trust = db.session.scalar(select(Trust).where(Trust.slug == trust_slug))
        if trust is None:
            raise NotFound(f"no trust called {trust_slug!r} is loaded")
    email = email.strip().lower()
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    new_password = None
    if staff is None:
        if password is not None and check_password:
            refuse_weak(password, email, name, [place for s in ([school] if school else trust.schools)
                                                for place in (s.name, trust.name)])
        new_password = password or secrets.token_urlsafe(12)
        staff = StaffUser(email=email, name=name, password_hash=_hasher()[0].hash(new_password), active=True,
                          created_at=utcnow())
        db.session.add(staff)
    if not any(r.role == role and r.school_id == (school.id if school else None) and r.trust_id == trust.id
               for r in staff.roles):
        staff.roles.append(StaffRole(trust_id=trust.id, school_id=school.id if school else None, role=role))
    db.session.flush()
    record(actor, "staff.role_added", staff,
           after={"email": email, "role": role, "school": school_urn, "trust": trust.slug})
    db.session.commit()
    return staff, None if password else new_password


def refuse_weak(password: str, email: str, name: str, places: list[str]) -> None:
    """PasswordRefused saying why, unless the password meets the rule."""
    if why := passwords.problem(password, passwords.personal_words(email, name, places)):
        raise PasswordRefused(why)


def hash_password(password: str) -> str:
    return _hasher()[0].hash(password)


def verify_password(staff: StaffUser, password: str) -> bool:
    try:
        return bool(staff.password_hash) and _hasher()[0].verify(staff.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> StaffUser | None:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == (email or "").strip().lower()))
    hasher, dummy = _hasher()
    try:
        if staff is None or not staff.active or not staff.password_hash:
            hasher.verify(dummy, password or "")
            return None
        hasher.verify(staff.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(staff.password_hash):  # the cost was raised since: upgrade on the way in
        staff.password_hash = hasher.hash(password)
        db.session.commit()
    return staff


def roles_at(staff: StaffUser, school: School) -> set[str]:
    """The roles a member of staff holds at a school: their own there, and any across its trust."""
    return {r.role for r in staff.roles
            if r.school_id == school.id or (r.school_id is None and r.trust_id == school.trust_id)}


def schools_of(staff: StaffUser) -> list[School]:
    """Every school the member of staff works with."""
    school_ids = {r.school_id for r in staff.roles if r.school_id is not None}
    trust_ids = {r.trust_id for r in staff.roles if r.school_id is None}
    if not school_ids and not trust_ids:
        return []
    return list(db.session.scalars(
        select(School).where(School.id.in_(school_ids) | School.trust_id.in_(trust_ids)).order_by(School.name)
    ))


def schools_where(staff: StaffUser, action: str) -> list[School]:
    """The schools where the member of staff may do `action` ("view": every school they work with)."""
    return [s for s in schools_of(staff) if may(staff, action, s)]


def schools_chosen(staff: StaffUser, school_urn: str | None) -> list[School]:
    """The member of staff's schools, or only the one with URN `school_urn` when one is given (none, if it is not
    one of theirs: another school looks like one that does not exist)."""
    return [s for s in schools_of(staff) if school_urn in (None, "", s.urn)]


def school_of(staff: StaffUser, school_urn: str) -> School:
    """One of the member of staff's schools by URN; NotFound for any other."""
    school = next((s for s in schools_of(staff) if s.urn == school_urn), None)
    if school is None:
        raise NotFound("no such school")
    return school


def may_see_pupil(staff: StaffUser, pupil: Pupil | None) -> bool:
    """Whether the member of staff works at the pupil's school (or across its trust)."""
    return pupil is not None and bool(roles_at(staff, pupil.school))


def pupil_for(staff: StaffUser, pupil_id: int, action: str = "view") -> Pupil:
    """The pupil, if the member of staff may do `action` at their school: NotFound for no such pupil or one at a
    school where they have no role, NotPermitted (naming who may) where their role does not allow `action`."""
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None:
        raise NotFound("no such pupil")
    require(staff, action, pupil.school)
    return pupil


def may(staff: StaffUser, action: str, school: School) -> bool:
    """Whether the policy lets this member of staff do `action` at `school`."""
    roles = roles_at(staff, school)
    if not roles:
        return False
    if action == "view":
        return True
    policy = trust_policy(school.trust)
    allowed = {
        AUTHORISE_ABSENCE: policy.roles.authorise_absence,
        DECIDE_LEAVE: policy.leave.deciders,
        DRAFT_SUPPORT_PLANS: policy.roles.draft_support_plans,
        LEGAL_ACTION: policy.roles.legal_action,
    }[action]
    return bool(roles & allowed)


def require(staff: StaffUser, action: str, school: School) -> None:
    if not may(staff, action, school):
        if not roles_at(staff, school):
            raise NotFound("no such pupil")  # another school's pupils look like pupils that do not exist
        raise NotPermitted(refusal(action, school))


# What each decision is, in the words of a sentence: "Only the headteacher can authorise absences".
ACTION_WORDS = {
    AUTHORISE_ABSENCE: "authorise absences",
    DECIDE_LEAVE: "decide leave requests",
    DRAFT_SUPPORT_PLANS: "run attendance support plans",
    LEGAL_ACTION: "take the legal steps on attendance (notices to improve, penalty notices)",
}


def refusal(action: str, school: School) -> str:
    """Why someone may not, naming who may: "Only the headteacher can authorise absences at Bothal Primary School:
    ask Hilary Head." """
    roles, names = who_may(action, school)
    ask = f": ask {_or(names)}" if names else ""
    return f"Only {roles} can {ACTION_WORDS[action]} at {school.name}{ask}."


def who_may(action: str, school: School) -> tuple[str, list[str]]:
    """The roles the policy lets do `action` at `school`, in words ("the headteacher"), and the names of the active
    staff who hold one of them there (at the school, or across its trust)."""
    policy = trust_policy(school.trust)
    roles = {AUTHORISE_ABSENCE: policy.roles.authorise_absence, DECIDE_LEAVE: policy.leave.deciders,
             DRAFT_SUPPORT_PLANS: policy.roles.draft_support_plans, LEGAL_ACTION: policy.roles.legal_action}[action]
    names = sorted({r.staff.name for r in db.session.scalars(select(StaffRole).where(
        StaffRole.role.in_(roles), StaffRole.trust_id == school.trust_id,
        (StaffRole.school_id == school.id) | StaffRole.school_id.is_(None))) if r.staff.active})
    return _or([f"the {role_name(role)}" for role in sorted(roles)]), names


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
