"""Running staff accounts: admins list their schools' staff, switch off a leaver, change roles and send password
resets; staff change their own password, or choose a new one from an emailed single-use link.

Who may run whose account: a member of staff with the admin role at a school (or across a trust) runs the accounts
of staff whose every role is within that reach; someone who also works elsewhere is run by an admin of both (or
from the command line, whose actor is whoever runs the server's commands). Nobody runs their own account from here
but for their password. Every change is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import PasswordReset, School, StaffRole, StaffUser, Trust
from portal.services import NotFound, ServiceError, notify, sessions
from portal.services.audit_writer import record
from portal.services.parent_access import LinkNotValid, link_with_token
from portal.services.permissions import (
    NotPermitted, PasswordRefused, add_staff, hash_password, refuse_weak, schools_of, verify_password,
)

Actor = StaffUser | str  # a member of staff on the web, or "cli:<user>" at the server's command line
ADMIN = "admin"


def _name(actor: Actor) -> str:
    return actor.actor if isinstance(actor, StaffUser) else actor


def _reach(admin: StaffUser) -> tuple[set[int], set[int]]:
    """The schools where this member of staff is an admin, and the trusts across which they are."""
    trusts = {r.trust_id for r in admin.roles if r.role == ADMIN and r.school_id is None}
    schools = {r.school_id for r in admin.roles if r.role == ADMIN and r.school_id is not None}
    if trusts:
        schools |= set(db.session.scalars(select(School.id).where(School.trust_id.in_(trusts))))
    return schools, trusts


def _within(role: StaffRole, reach: tuple[set[int], set[int]]) -> bool:
    schools, trusts = reach
    return role.school_id in schools if role.school_id is not None else role.trust_id in trusts


def is_admin(staff: StaffUser) -> bool:
    return any(r.role == ADMIN for r in staff.roles)


def staff_list(actor: Actor) -> list[StaffUser]:
    """Everyone the actor may see here: staff with a role within an admin's reach (everyone, at the command line)."""
    everyone = db.session.scalars(select(StaffUser).order_by(StaffUser.name, StaffUser.email)).all()
    if not isinstance(actor, StaffUser):
        return list(everyone)
    reach = _reach(actor)
    return [s for s in everyone if any(_within(r, reach) for r in s.roles)]


def member(actor: Actor, staff_id: int) -> StaffUser:
    """A member of staff the actor may see, or NotFound: staff of other schools look like nobody."""
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or (isinstance(actor, StaffUser) and staff not in staff_list(actor)):
        raise NotFound("no such member of staff at your schools")
    return staff


def colleague(actor: StaffUser, staff_id: int) -> StaffUser:
    """A member of staff who works at one of the actor's schools (or across its trust), or NotFound."""
    staff = db.session.get(StaffUser, staff_id)
    schools = schools_of(actor)
    ids, trusts = {s.id for s in schools}, {s.trust_id for s in schools}
    if staff is None or not any(r.school_id in ids if r.school_id is not None else r.trust_id in trusts
                                for r in staff.roles):
        raise NotFound("no such member of staff at your schools")
    return staff


def by_email(email: str) -> StaffUser:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if staff is None:
        raise NotFound(f"no member of staff has the email address {email.strip()!r}")
    return staff


def may_run(actor: Actor, staff: StaffUser) -> bool:
    """Whether the actor may switch this account off or on and send it a password reset."""
    if not isinstance(actor, StaffUser):
        return True
    reach = _reach(actor)
    return actor.id != staff.id and bool(staff.roles) and all(_within(r, reach) for r in staff.roles)


def _require(actor: Actor, staff: StaffUser) -> None:
    if isinstance(actor, StaffUser) and actor.id == staff.id:
        raise NotPermitted("you cannot change your own account here: ask another admin")
    if not may_run(actor, staff):
        raise NotPermitted(f"{staff.name} also has a role outside the schools where you are an admin: ask an admin "
                           "of every school where they work")


def switch_off(actor: Actor, staff: StaffUser, now: datetime | None = None) -> None:
    """A leaver: they cannot sign in any more, and every session they have ends now."""
    _require(actor, staff)
    if staff.active:
        staff.active = False
        sessions.end_all(staff, _name(actor), sessions.SWITCHED_OFF, now)
        record(_name(actor), "staff.switched_off", staff, before={"active": True}, after={"active": False})
    db.session.commit()


def switch_on(actor: Actor, staff: StaffUser) -> None:
    _require(actor, staff)
    if not staff.active:
        staff.active = True
        record(_name(actor), "staff.switched_on", staff, before={"active": False}, after={"active": True})
    db.session.commit()


def assignable(actor: Actor) -> tuple[list[School], list[Trust]]:
    """Where the actor may give roles: schools, and trusts (for trust-wide roles)."""
    if not isinstance(actor, StaffUser):
        return (list(db.session.scalars(select(School).order_by(School.name))),
                list(db.session.scalars(select(Trust).order_by(Trust.name))))
    schools, trusts = _reach(actor)
    return ([s for s in schools_of(actor) if s.id in schools],
            list(db.session.scalars(select(Trust).where(Trust.id.in_(trusts)).order_by(Trust.name))))


def add_role(actor: Actor, staff: StaffUser, role: str, school: School | None = None,
             trust: Trust | None = None) -> None:
    if isinstance(actor, StaffUser) and actor.id == staff.id:
        raise NotPermitted("you cannot change your own roles: ask another admin")
    schools, trusts = assignable(actor)
    if (school is not None and school not in schools) or (school is None and trust not in trusts):
        raise NotPermitted("you can give roles only where you are an admin")
    add_staff(staff.email, staff.name, role, _name(actor), school_urn=school.urn if school else None,
              trust_slug=None if school else trust.slug)


def remove_role(actor: Actor, staff: StaffUser, role_id: int) -> None:
    role = next((r for r in staff.roles if r.id == role_id), None)
    if role is None:
        raise NotFound("that member of staff has no such role")
    if isinstance(actor, StaffUser):
        if actor.id == staff.id:
            raise NotPermitted("you cannot change your own roles: ask another admin")
        if not _within(role, _reach(actor)):
            raise NotPermitted("you can take away roles only where you are an admin")
    where = {"school": role.school.urn if role.school_id else None, "trust": role.trust.slug}
    record(_name(actor), "staff.role_removed", staff, before={"role": role.role, **where})
    staff.roles.remove(role)
    db.session.commit()


# ---------------------------------------------------------------------------------------------- passwords

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _places(staff: StaffUser) -> list[str]:
    schools = schools_of(staff)
    return sorted({s.name for s in schools} | {s.trust.name for s in schools})


def send_password_reset(actor: Actor, staff: StaffUser, now: datetime | None = None) -> None:
    """Email the member of staff a link to choose a new password: single use, for PORTAL_PASSWORD_RESET_MINUTES."""
    if isinstance(actor, StaffUser) and actor.id != staff.id:
        _require(actor, staff)
    if not staff.active:
        raise ServiceError(f"{staff.name}'s account is switched off: switch it on first")
    now = now or utcnow()
    minutes = current_app.config["PORTAL_PASSWORD_RESET_MINUTES"]
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(staff=staff, token_hash=_hash(token), created_at=now,
                          expires_at=now + timedelta(minutes=minutes))
    db.session.add(reset)
    db.session.flush()
    notify.queue([staff.email], "Choose a new password for the attendance portal", "password_reset",
                 link=link_with_token("staff.reset_password", token), minutes=minutes, name=staff.name)
    record(_name(actor), "staff.password_reset_sent", staff, after={"expires_at": reset.expires_at.isoformat()})
    db.session.commit()


def request_password_reset(email: str, now: datetime | None = None) -> bool:
    """A member of staff who forgot their password asks for a link. The caller answers the same either way."""
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == (email or "").strip().lower()))
    if staff is None or not staff.active or not staff.roles:
        return False
    send_password_reset(staff, staff, now)
    return True


def check_reset(token: str, now: datetime | None = None) -> PasswordReset:
    now = now or utcnow()
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None:
        raise LinkNotValid("unknown")
    if reset.used_at is not None:
        raise LinkNotValid("used")
    if reset.expires_at <= now or not reset.staff.active:
        raise LinkNotValid("expired")
    return reset


def reset_password(token: str, password: str, now: datetime | None = None) -> StaffUser:
    """Set the password chosen from an emailed link; the link is spent, and every session of the account ends."""
    now = now or utcnow()
    reset = check_reset(token, now)
    staff = reset.staff
    refuse_weak(password, staff.email, staff.name, _places(staff))
    spent = db.session.execute(
        PasswordReset.__table__.update()
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if spent != 1:
        db.session.rollback()
        raise LinkNotValid("used")
    staff.password_hash = hash_password(password)
    sessions.end_all(staff, staff.actor, sessions.CREDENTIALS_CHANGED, now)
    record(staff.actor, "staff.password_reset", staff)
    db.session.commit()
    return staff


class WrongPassword(ServiceError):
    """The current password given to change it is not right."""


def change_password(staff: StaffUser, current: str, new: str, now: datetime | None = None) -> int:
    """A member of staff changes their own password; their other sessions end. Returns how many ended."""
    if not verify_password(staff, current):
        raise WrongPassword("Your current password is not right")
    if new == current:
        raise PasswordRefused("Choose a password different from your current one")
    refuse_weak(new, staff.email, staff.name, _places(staff))
    staff.password_hash = hash_password(new)
    ended = sessions.end_all(staff, staff.actor, sessions.CREDENTIALS_CHANGED, now, keep=staff.session_token)
    record(staff.actor, "staff.password_changed", staff, after={"other_sessions_ended": ended})
    db.session.commit()
    return ended

