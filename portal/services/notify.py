"""Email through a transactional outbox.

A use case queues its email in the same transaction as the change it reports, so a report is never saved without
its acknowledgement, nor an acknowledgement sent for a report that rolled back. Delivery happens after commit,
and any message that fails stays queued with a growing delay until `outbox send` or a later delivery gets it out.
Each message is marked sent in its own transaction: it goes out at most once from here (a crash between the SMTP
server accepting it and that commit is the only way to send it twice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db, mail
from portal.models import OutboxMessage

BACKOFF_MINUTES = (1, 5, 15, 60, 240)  # then every 4 hours


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, from PORTAL_BASE_URL (there is no request to take the host from)."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def queue(recipients: list[str], subject: str, template: str, key: str | None = None, **context) -> OutboxMessage:
    """Add an email to the caller's transaction. A message with the same key is queued once."""
    if key is not None:
        existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        if existing is not None:
            return existing
    now = utcnow()
    message = OutboxMessage(
        created_at=now,
        key=key,
        recipients=sorted(set(recipients)),
        subject=subject,
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", subject=subject, **context),
        attempts=0,
        next_attempt_at=now,
    )
    db.session.add(message)
    return message


def deliver_due(now: datetime | None = None, limit: int = 200, even_if_not_due: bool = False) -> tuple[int, int]:
    """Send what is due (or everything unsent); returns (sent, failed). Safe to run from several workers at
    once: each message is claimed before it is sent."""
    now = now or utcnow()
    due_by = datetime.max if even_if_not_due else now
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= due_by)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message_id in due:
        if _claim(message_id, now, due_by):
            if _send(message_id, now):
                sent += 1
            else:
                failed += 1
    return sent, failed


def _claim(message_id: int, now: datetime, due_by: datetime) -> bool:
    """Push the next attempt forward before sending, so a second worker skips this message meanwhile."""
    claimed = db.session.execute(
        OutboxMessage.__table__.update()
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
               OutboxMessage.next_attempt_at <= due_by)
        .values(next_attempt_at=now + timedelta(minutes=2))
    ).rowcount
    db.session.commit()
    return claimed == 1


def _print(message: OutboxMessage) -> None:
    """Development (`make run`): show the email in the terminal instead of sending it anywhere."""
    print(f"\n----- email to {', '.join(message.recipients)}: {message.subject}\n{message.body_text}-----\n",
          flush=True)


def _send(message_id: int, now: datetime) -> bool:
    message = db.session.get(OutboxMessage, message_id)
    try:
        if current_app.config["MAIL_TO_CONSOLE"]:
            _print(message)
        else:
            mail.send(Message(subject=message.subject, recipients=message.recipients, body=message.body_text,
                              html=message.body_html))
    except Exception as exc:  # noqa: BLE001 - any SMTP or network failure: keep the message and retry later
        message.attempts += 1
        delay = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
        message.next_attempt_at = now + timedelta(minutes=delay)
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        current_app.logger.warning("email %s not sent (attempt %s): %s", message.id, message.attempts, exc)
        return False
    message.attempts += 1
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return True
