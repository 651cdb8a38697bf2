"""The references parents quote to the school office ("A3KX7QM"), and finding a record sent twice by its form's key.

One home for absence reports and leave requests, and for the next kind of record a parent sends."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from portal.extensions import db
from portal.services import NotFound

LETTERS = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B: read out over the phone


def new_reference(prefix: str, column) -> str:
    """`prefix` (a letter for the kind of record) and six characters, not yet used in `column`
    (e.g. LeaveRequest.reference)."""
    while True:
        reference = prefix + "".join(secrets.choice(LETTERS) for _ in range(6))
        if db.session.scalar(select(column).where(column == reference)) is None:
            return reference


def by_submission_key(model, key: str):
    """The record a form with this submission key made, if it was already sent (a double click, a resend)."""
    return db.session.scalar(select(model).where(model.submission_key == key))


def sent_before(model, key: str, account_id: int, what: str):
    """The record this parent's form already made (a double click, a resend: twice is once), or None; someone
    else's key is as good as no record at all to this parent."""
    existing = by_submission_key(model, key)
    if existing is not None and existing.parent_account_id != account_id:
        raise NotFound(f"no such {what}")
    return existing
