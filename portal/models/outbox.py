"""Email waiting to be sent: written in the same transaction as the change it reports, sent after commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    # Makes a retried submission queue its email once: e.g. "absence-report:41:received".
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    recipients: Mapped[list] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(300))
    # Empty until the worker renders `template` with `context` in `locale` (notify.queue_rendered_later: nothing
    # slow on a parent's request); then what was sent.
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(100))
    context: Mapped[dict | None] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
