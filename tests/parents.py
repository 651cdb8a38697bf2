"""Families for tests: a parent account linked to children the way the contacts import links them."""

from __future__ import annotations

from datetime import datetime

from portal.extensions import db
from portal.models import Contact, ParentAccount, Pupil
from portal.services import sessions


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


def sign_in_as(client, account) -> str:
    """Signed in as the sign-in pages sign in (a parent or a member of staff): a session started on the server, its
    token in the session cookie where Flask-Login keeps it. Returns the token. Use in an app context."""
    token = sessions.start(account)
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token
