"""Sessions kept on the server, so that they can end.

Signing in starts a session: a random token goes in the browser's cookies (the session cookie, and the "keep me
signed in" cookie when asked for) and only its hash is stored here. Every request resumes the session from its
token, or finds it over: signed out, signed out everywhere, the account switched off or no longer a parent, the
password reset, expired, or (staff) idle too long. A replayed cookie from before any of these opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, exists, func, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from portal.clock import utcnow
from portal.extensions import db
from portal.models import AccountSession, Contact, ParentAccount, StaffUser
from portal.models.people import SignedIn
from portal.read_connections import read_first
from portal.services.audit_writer import record

Account = ParentAccount | StaffUser

# Why a session ended, as the audit log and the sessions table say it.
SIGNED_OUT = "signed out"
EVERYWHERE = "signed out everywhere"
SWITCHED_OFF = "account switched off"
NO_LONGER_PARENT = "no parental responsibility"
CREDENTIALS_CHANGED = "password changed"
EXPIRED = "expired"
IDLE = "idle"

# last_seen_at is written at most this often, not on every request: a write is a synced commit. Staff sessions end
# when idle (minutes), so theirs is kept to the minute; a parent's only says when the browser was last seen.
TOUCH_EVERY = {"staff": timedelta(minutes=1), "parent": timedelta(minutes=5)}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(account: Account, remember: bool = False, now: datetime | None = None) -> str:
    """A new session for a browser that just signed in; its token, also set on `account` for Flask-Login."""
    now = now or utcnow()
    remember = remember and account.kind == "parent"  # staff are never kept signed in: shared office computers
    config = current_app.config
    lasts = config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"]
    token = secrets.token_urlsafe(32)
    row = AccountSession(token_hash=_hash(token), remember=remember, created_at=now, last_seen_at=now,
                         expires_at=now + lasts)
    if account.kind == "staff":
        row.staff = account
    else:
        row.parent_account = account
    db.session.add(row)
    db.session.flush()
    record(account.actor, "session.started", row, after={"remember": remember, "until": row.expires_at.isoformat()})
    db.session.commit()
    account.session_token = token
    return token


_SESSION, _PARENT, _CONTACT = AccountSession.__table__, ParentAccount.__table__, Contact.__table__
# Whether any contact of the parent names a preferred language: most do not, and then the pages' language is known
# without loading the contacts on every request (portal.services.parent_language.language_of).
_LANGUAGES_GIVEN = exists().where(and_(_CONTACT.c.parent_account_id == _PARENT.c.id,
                                       func.coalesce(_CONTACT.c.preferred_language, "") != "")).label("languages_given")
# One indexed query (the unique index on token_hash) for the session and, for a parent, the account: plain columns,
# not ORM objects, for the page every parent opens at 8.15 (BENCHMARKS.md).
_RESUME = (select(_SESSION.c.id, _SESSION.c.staff_id, _SESSION.c.parent_account_id, _SESSION.c.last_seen_at,
                  _SESSION.c.expires_at, _SESSION.c.ended_at, _PARENT.c.email, _PARENT.c.created_at,
                  _PARENT.c.last_signed_in_at, _PARENT.c.language,
                  _LANGUAGES_GIVEN)
           .select_from(_SESSION.outerjoin(_PARENT, _PARENT.c.id == _SESSION.c.parent_account_id))
           .where(_SESSION.c.token_hash == bindparam("token_hash")))


def resume(token: str, now: datetime | None = None) -> StaffUser | ResumedParent | None:
    """The account whose session this token opens, or None if there is no such session or it is over. A parent
    comes back as a ResumedParent: the resumed columns, no ORM object (ResumedParent.account() builds one)."""
    now = now or utcnow()
    # A connection of its own, not the request's ORM session: a kept child page then never starts one (BENCHMARKS.md).
    row = read_first(_RESUME, {"token_hash": _hash(token)})
    if row is None or row.ended_at is not None:
        return None
    account = db.session.get(StaffUser, row.staff_id) if row.staff_id is not None else ResumedParent(row)
    why = None
    if row.expires_at <= now:
        why = EXPIRED
    elif account.kind == "staff" and not account.active:
        why = SWITCHED_OFF
    elif account.kind == "staff" and now - row.last_seen_at > timedelta(
            minutes=current_app.config["PORTAL_STAFF_IDLE_MINUTES"]):
        why = IDLE
    if why:
        db.session.execute(update(_SESSION).where(_SESSION.c.id == row.id).values(ended_at=now, ended_why=why))
        db.session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY[account.kind]:
        db.session.execute(update(_SESSION).where(_SESSION.c.id == row.id).values(last_seen_at=now))
        db.session.commit()
    account.session_token = token
    return account


class ResumedParent(SignedIn):
    """A signed-in parent as the session's resume read them: plain columns, no ORM object. A kept child page needs
    only the id and email (BENCHMARKS.md: building the ORM account was a sixth of that page's time); anything else
    takes account(), built from the same columns without another query."""

    kind = "parent"

    def __init__(self, row) -> None:
        self.id, self.email, self.language = row.parent_account_id, row.email, row.language
        self.created_at, self.last_signed_in_at = row.created_at, row.last_signed_in_at
        # False when no contact of the account names a preferred language (portal.services.parent_language).
        self.contact_languages_given = bool(row.languages_given)
        self._account: ParentAccount | None = None

    def account(self) -> ParentAccount:
        """The parent account, in the request's database session as if loaded by it."""
        if self._account is None:
            account = db.session.identity_map.get(identity_key(ParentAccount, self.id))
            if account is None:
                account = ParentAccount(id=self.id, email=self.email, created_at=self.created_at,
                                        last_signed_in_at=self.last_signed_in_at, language=self.language)
                make_transient_to_detached(account)
                db.session.add(account)
            account.contact_languages_given = self.contact_languages_given
            account.session_token = self.session_token
            self._account = account
        return self._account

    @property
    def contacts(self):
        return self.account().contacts


def sign_out(account: Account, now: datetime | None = None) -> None:
    """End the session this account is signed in with (the browser's own)."""
    now = now or utcnow()
    row = db.session.scalar(select(AccountSession).where(AccountSession.token_hash == _hash(account.session_token)))
    if row is not None and row.ended_at is None:
        _end(row, SIGNED_OUT, now)
        record(account.actor, "session.ended", row, after={"why": SIGNED_OUT})
        db.session.commit()
    account.session_token = None


def sign_out_everywhere(account: Account, now: datetime | None = None) -> int:
    """End every session of the account, this one included (a lost phone). Returns how many were open."""
    ended = end_all(account, account.actor, EVERYWHERE, now)
    db.session.commit()
    account.session_token = None
    return ended


def end_all(account: Account, actor: str, why: str, now: datetime | None = None, keep: str | None = None) -> int:
    """End every open session of an account (but the one whose token is `keep`), in the caller's transaction, with
    one audit event."""
    now = now or utcnow()
    column = AccountSession.staff_id if account.kind == "staff" else AccountSession.parent_account_id
    which = [column == account.id, AccountSession.ended_at.is_(None)]
    if keep:
        which.append(AccountSession.token_hash != _hash(keep))
    ended = db.session.execute(
        update(AccountSession).where(*which)
        .values(ended_at=now, ended_why=why).execution_options(synchronize_session=False)
    ).rowcount
    record(actor, "session.ended_all", account, after={"why": why, "sessions": ended})
    return ended


def end_for_former_parents(actor: str, now: datetime | None = None) -> int:
    """End the sessions of every parent account no longer linked to a child with parental responsibility (after a
    contacts import), in the caller's transaction. Returns how many accounts lost their sessions."""
    still_parent = exists().where(Contact.parent_account_id == AccountSession.parent_account_id,
                                  Contact.parental_responsibility.is_(True))
    ids = db.session.scalars(
        select(AccountSession.parent_account_id).distinct()
        .where(AccountSession.parent_account_id.is_not(None), AccountSession.ended_at.is_(None), ~still_parent)
    ).all()
    for account_id in ids:
        end_all(db.session.get(ParentAccount, account_id), actor, NO_LONGER_PARENT, now)
    return len(ids)


def open_sessions(account: Account, now: datetime | None = None) -> int:
    """How many browsers are signed in to this account (for "sign out everywhere")."""
    now = now or utcnow()
    column = AccountSession.staff_id if account.kind == "staff" else AccountSession.parent_account_id
    return len(db.session.scalars(select(AccountSession.id).where(
        column == account.id, AccountSession.ended_at.is_(None), AccountSession.expires_at > now)).all())


def _end(row: AccountSession, why: str, now: datetime) -> None:
    row.ended_at = now
    row.ended_why = why
