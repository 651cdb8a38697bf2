"""Email through a transactional outbox.

A use case queues its email in the same transaction as the change it reports, so a report is never saved without
its acknowledgement, nor an acknowledgement sent for a report that rolled back. No web request waits on a mail
server: `flask outbox work`, a process of its own, delivers what is due every few seconds (`outbox send` does one
pass, from cron), and each SMTP conversation gives up after MAIL_TIMEOUT seconds (default 10), so a server that
accepts and never answers costs the worker a few seconds, never a parent's page. A message that fails stays queued
with a growing delay. Each message is marked sent in its own transaction: it goes out at most once from here (a
crash between the SMTP server accepting it and that commit is the only way to send it twice).

A message queued from a parent's request (the acknowledgement of an absence report) is rendered by the worker, not
in the request: `queue_rendered_later` stores its template, its context as JSON and the locale of the page it was
sent from, and the worker renders it in that locale just before sending, keeping the body it sent.
"""

from __future__ import annotations

import smtplib
import threading
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_mail import Connection, Message
from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.languages import DEFAULT_LANGUAGE, babel_locale
from portal.extensions import db
from portal.models import OutboxMessage

BACKOFF_MINUTES = (1, 5, 15, 60, 240)  # then every 4 hours
DEFAULT_TIMEOUT_SECONDS = 10  # MAIL_TIMEOUT: each connect, command and reply
WORK_INTERVAL_SECONDS = 5  # `outbox work`: the pause between passes


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


def queue_rendered_later(recipients: list[str], subject: str, template: str, context: dict,
                         key: str | None = None) -> OutboxMessage:
    """Add an email to the caller's transaction, to be rendered by the worker in the current locale (the page's).
    `context`: what the template reads, as JSON-safe values and dates (no model objects: it is rendered later)."""
    if key is not None:
        existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        if existing is not None:
            return existing
    now = utcnow()
    locale = get_locale()
    message = OutboxMessage(created_at=now, key=key, recipients=sorted(set(recipients)), subject=subject,
                            template=template, context=_to_json(context), locale=str(locale) if locale else None,
                            attempts=0, next_attempt_at=now)
    db.session.add(message)
    return message


def _to_json(value):
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}  # the templates' date filters need dates again
    return value


def _from_json(value):
    if isinstance(value, dict):
        if value.keys() == {"date"}:
            return date.fromisoformat(value["date"])
        return {key: _from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def render(message: OutboxMessage) -> None:
    """Render a message queued with queue_rendered_later, in its locale, and keep the bodies (what is sent)."""
    if message.body_text is not None or message.template is None:
        return
    context = _from_json(message.context or {})
    with force_locale(message.locale or babel_locale(DEFAULT_LANGUAGE)):
        message.body_text = render_template(f"email/{message.template}.txt", **context)
        message.body_html = render_template(f"email/{message.template}.html", subject=message.subject, **context)


def deliver_due(now: datetime | None = None, limit: int = 200, even_if_not_due: bool = False,
                stop: threading.Event | None = None) -> tuple[int, int]:
    """Send what is due (or everything unsent); returns (sent, failed). Safe to run from several workers at
    once: each message is claimed before it is sent. Once `stop` is set, no further message is started."""
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
        if stop is not None and stop.is_set():
            break
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


class TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout (it has none: a silent server would hold the sender forever),
    which closes rather than says QUIT to a server that has already failed to answer."""

    def configure_host(self):
        timeout = float(current_app.config.get("MAIL_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
        kind = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = kind(self.mail.server, self.mail.port, timeout=timeout)
        try:
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            host.close()
            raise
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is not None and exc_type is not None:
            self.host.close()
            self.host = None
        super().__exit__(exc_type, exc_value, tb)


def _send(message_id: int, now: datetime) -> bool:
    message = db.session.get(OutboxMessage, message_id)
    try:
        render(message)  # a template that fails is kept and tried again, as a mail server that fails is
        if current_app.config["MAIL_TO_CONSOLE"]:
            _print(message)
        else:
            with TimedConnection(current_app.extensions["mail"]) as smtp:
                smtp.send(Message(subject=message.subject, recipients=message.recipients, body=message.body_text,
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


def work(stop: threading.Event, interval: float = WORK_INTERVAL_SECONDS) -> int:
    """Deliver what is due, then wait `interval` seconds, until `stop` is set (`outbox work`; the browser tests
    run it in a thread). A failing pass (the database restarting) is logged and tried again at the next one.
    Returns how many messages were sent."""
    sent_in_all = 0
    while not stop.is_set():
        try:
            sent, _ = deliver_due(stop=stop)  # a stop waits for the message being sent, not the whole pass
            sent_in_all += sent
        except Exception:  # noqa: BLE001 - keep working: the next pass retries whatever failed
            current_app.logger.exception("outbox pass failed")
            db.session.rollback()
        finally:
            db.session.remove()
        stop.wait(interval)
    return sent_in_all
