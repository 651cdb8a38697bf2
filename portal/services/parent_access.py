"""Parents sign in with a single-use emailed link, and reach only the children the MIS links them to."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Contact, ParentAccount, Pupil, SignInLink
from portal.services import NotFound, ServiceError, notify
from portal.services.audit_writer import record
from portal.services.parent_language import message_locale


class LinkNotValid(ServiceError):
    """A sign-in link that cannot be used: `reason` is "unknown", "used" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_for_email(email: str) -> ParentAccount | None:
    """The parent account of an address, if a contact with parental responsibility has it."""
    account = db.session.scalar(select(ParentAccount).where(ParentAccount.email == email.strip().lower()))
    if account is None or not any(c.parental_responsibility for c in account.contacts):
        return None
    return account


def request_sign_in_link(email: str, now: datetime | None = None) -> bool:
    """Email a sign-in link if the address belongs to a parent. The caller must answer the same either way."""
    now = now or utcnow()
    account = account_for_email(email)
    if account is None:
        return False
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PORTAL_SIGN_IN_LINK_MINUTES"]
    link = SignInLink(parent_account=account, token_hash=_hash(token), created_at=now,
                      expires_at=now + timedelta(minutes=minutes))
    db.session.add(link)
    db.session.flush()
    with force_locale(message_locale(account)):  # the parent's language (portal/services/parent_language.py)
        notify.queue([account.email], gettext("Your sign-in link for the attendance portal"), "sign_in_link",
                     link=link_with_token("auth.use_link", token), minutes=minutes,
                     schools=sorted({c.pupil.school.name for c in account.contacts}))
    record(f"parent:{account.id}", "sign_in.link_sent", link, after={"expires_at": link.expires_at.isoformat()})
    db.session.commit()
    return True


def link_with_token(endpoint: str, token: str) -> str:
    """An emailed link that carries its token after `#`: browsers never send that part to a server, so no access
    or proxy log holds a live link; the page's own form posts the token (portal/web/auth.py)."""
    return f"{notify.external_url(endpoint)}#{token}"


def check_link(token: str, now: datetime | None = None) -> SignInLink:
    """The link if it can still be used; LinkNotValid saying why not."""
    now = now or utcnow()
    link = db.session.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(token)))
    if link is None:
        raise LinkNotValid("unknown")
    if link.used_at is not None:
        raise LinkNotValid("used")
    if link.expires_at <= now:
        raise LinkNotValid("expired")
    return link


def use_link(token: str, now: datetime | None = None) -> ParentAccount:
    """Sign in with a link, once: the link is spent in the same transaction."""
    now = now or utcnow()
    link = check_link(token, now)
    spent = db.session.execute(
        SignInLink.__table__.update()
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if spent != 1:  # two clicks racing: only one signs in
        db.session.rollback()
        raise LinkNotValid("used")
    account = link.parent_account
    account.last_signed_in_at = now
    record(f"parent:{account.id}", "sign_in.link_used", link)
    db.session.commit()
    return account


def children_of(account: ParentAccount) -> list[Pupil]:
    """The children this parent may see and report for: contacts with parental responsibility, still on roll."""
    pupils = db.session.scalars(
        select(Pupil).join(Contact).where(Contact.parent_account_id == account.id,
                                          Contact.parental_responsibility.is_(True))
        .distinct().order_by(Pupil.legal_surname, Pupil.legal_forename)
    ).all()
    return list(pupils)


def may_see(account: ParentAccount, sent_by_id: int, pupil_ids: Iterable[int]) -> bool:
    """Whether a parent may see what a parent sent about these children (an absence report, a leave request, or
    one child's part of either): the parent who sent it may, and so may a parent of one of the children."""
    return sent_by_id == account.id or not {p.id for p in children_of(account)}.isdisjoint(pupil_ids)


def child_of(account: ParentAccount, pupil_id: int) -> Pupil:
    """A child of this parent, or NotFound: another family's child looks exactly like one that does not exist."""
    for pupil in children_of(account):
        if pupil.id == pupil_id:
            return pupil
    raise NotFound("no such child")
