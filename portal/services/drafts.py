"""Forms a parent has filled in and not yet sent, kept on the server for a day (portal/models/draft.py).

The absence report and the leave request are filled in on one page and sent from the next ("check your answers"),
so their answers must be kept in between. The session cookie cannot hold them: a browser drops a cookie over 4 KB,
and the leave form alone takes 5,000 characters, which in Arabic or Bengali are 10,000 to 15,000 bytes. So each
draft is a row keyed by the parent's account and the kind of form; the cookie holds nothing of it.

    save_absence / load_absence, save_leave / load_leave    the drafts as the views and services use them
    discard(account, kind)                                   after sending, or to start again
    sweep(now)                                               deletes expired drafts (`evidence sweep` runs it)

A draft lasts DRAFT_HOURS (24) from its last save: long enough to finish a form after a lunch break or the next
morning, short enough that a shared computer does not keep a family's reasons for long. Drafts are the parent's
own working copy, not a record, so saving one is not audited; sending it is.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.clock import utcnow
from portal.extensions import db
from portal.models import Draft, ParentAccount
from portal.services.absences import AbsenceDraft
from portal.services.leave import LeaveDraft

ABSENCE, LEAVE = "absence", "leave"
DRAFT_HOURS = 24


def save(account: ParentAccount, kind: str, data: dict, *, now: datetime | None = None) -> None:
    """Keep `data` (JSON-safe) as the account's draft of this kind, replacing any before; commits."""
    now = now or utcnow()
    values = {"data": data, "saved_at": now, "expires_at": now + timedelta(hours=DRAFT_HOURS)}
    for _ in range(2):  # two tabs saving a first draft at once: the loser updates the winner's row
        row = _row(account, kind)
        if row is None:
            db.session.add(Draft(parent_account_id=account.id, kind=kind, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not save the draft")  # pragma: no cover - a third writer in the same instant


def load(account: ParentAccount, kind: str, *, now: datetime | None = None) -> dict | None:
    row = _row(account, kind)
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return dict(row.data)


def discard(account: ParentAccount, kind: str) -> None:
    db.session.execute(delete(Draft).where(Draft.parent_account_id == account.id, Draft.kind == kind))
    db.session.commit()


def sweep(now: datetime | None = None) -> int:
    """Delete every expired draft; returns how many."""
    removed = db.session.execute(delete(Draft).where(Draft.expires_at <= (now or utcnow()))).rowcount
    db.session.commit()
    return removed


def _row(account: ParentAccount, kind: str) -> Draft | None:
    return db.session.scalar(select(Draft).where(Draft.parent_account_id == account.id, Draft.kind == kind))


# ---------------------------------------------------------------- the two forms
def save_absence(account: ParentAccount, draft: AbsenceDraft) -> None:
    data = asdict(draft)
    data["first_day"] = draft.first_day.isoformat()
    data["last_day"] = draft.last_day.isoformat() if draft.last_day else None
    data["appointment_time"] = draft.appointment_time.strftime("%H:%M") if draft.appointment_time else None
    save(account, ABSENCE, data)


def load_absence(account: ParentAccount) -> AbsenceDraft | None:
    data = load(account, ABSENCE)
    if not data:
        return None
    try:
        data["first_day"] = date.fromisoformat(data["first_day"])
        data["last_day"] = date.fromisoformat(data["last_day"]) if data["last_day"] else None
        data["appointment_time"] = time.fromisoformat(data["appointment_time"]) if data["appointment_time"] else None
        return AbsenceDraft(**data)
    except (KeyError, TypeError, ValueError):  # a draft saved by an older version: start the form again
        return None


def save_leave(account: ParentAccount, draft: LeaveDraft) -> None:
    data = asdict(draft)
    data["first_day"], data["return_day"] = draft.first_day.isoformat(), draft.return_day.isoformat()
    save(account, LEAVE, data)


def load_leave(account: ParentAccount) -> LeaveDraft | None:
    data = load(account, LEAVE)
    if not data:
        return None
    try:
        data["first_day"] = date.fromisoformat(data["first_day"])
        data["return_day"] = date.fromisoformat(data["return_day"])
        return LeaveDraft(**data)
    except (KeyError, TypeError, ValueError):
        return None
