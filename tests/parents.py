"""Families for tests: a parent account linked to children the way the contacts import links them."""

from __future__ import annotations

from datetime import datetime

from portal.extensions import db
from portal.models import Contact, ParentAccount, Pupil


def make_parent(email: str, *children: Pupil, parental_responsibility: bool = True,
                name: str = "Jo Parent") -> ParentAccount:
    account = db.session.query(ParentAccount).filter_by(email=email).one_or_none()
    if account is None:
        account = ParentAccount(email=email, created_at=datetime(2025, 9, 1))
        db.session.add(account)
    for child in children:
        db.session.add(Contact(pupil=child, name=name, relationship_to_pupil="Mother", email=email, phone="",
                               parental_responsibility=parental_responsibility, lives_with_pupil=True,
                               priority=1, parent_account=account))
    db.session.commit()
    return account


def sign_in_as(client, account) -> None:
    """Signed in as Flask-Login would after the emailed link."""
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
