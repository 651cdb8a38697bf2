"""A form a parent has filled in and not yet sent (an absence report, a leave request), kept on the server.

Drafts used to live in the session cookie, where 5,000 characters of Arabic (the leave form's own limit) made a
cookie browsers drop, and the parent found an empty form. Here a draft is one row per account and kind, its
answers as JSON, until it is sent, replaced or expires (`services.drafts`; `evidence sweep` deletes expired ones).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Draft(db.Model):
    __table_args__ = (UniqueConstraint("parent_account_id", "kind", name="uq_draft_parent_account_id_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_account_id: Mapped[int] = mapped_column(ForeignKey("parent_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "absence", "leave"
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime]  # UTC
    expires_at: Mapped[datetime] = mapped_column(index=True)  # UTC
