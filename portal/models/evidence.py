"""Evidence files parents send with a submission (a GP letter, a booking, a photo of an appointment card).

The file itself lives on disk under the instance folder (`uploads/<2 hex>/<stored_name>`), never under `static/` and
never under the name it was sent with; this row says what it is, who sent it and which school's staff may read it.
`services.uploads` is the only code that writes, reads or deletes the files.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

PENDING = "pending"  # stored, but the submission it belongs to has not been committed (or attached) yet
ATTACHED = "attached"  # part of a committed submission: owner_type/owner_id say which


class EvidenceFile(db.Model):
    __table_args__ = (Index("ix_evidence_file_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)  # 32 random hex digits, the name on disk
    original_name: Mapped[str] = mapped_column(String(255))  # sanitised, for display and the download name only
    content_type: Mapped[str] = mapped_column(String(40))  # as detected from the content, never as declared
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(index=True)
    uploaded_by: Mapped[str] = mapped_column(String(200))  # actor, as in the audit log: "parent:12", "staff:3"
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_account.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)  # whose staff may read it
    owner_type: Mapped[str | None] = mapped_column(String(30))  # "leave_request", ... once attached
    owner_id: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)

    parent_account = relationship("ParentAccount")
    school = relationship("School")
