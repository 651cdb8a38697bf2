"""Signing in: single-use links for parents, password-reset links for staff, and the sessions both open.

Only a hash of each token is stored: a copy of the database signs no one in and resets no password.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class SignInLink(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_account_id: Mapped[int] = mapped_column(ForeignKey("parent_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token in the link
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    parent_account = relationship("ParentAccount")


class PasswordReset(db.Model):
    """A single-use link that lets a member of staff choose a new password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    staff = relationship("StaffUser")


class AccountSession(db.Model):
    """One signed-in browser: its cookie (and "keep me signed in" cookie) carry a random token whose hash is here.
    A session counts only while `ended_at` is empty and it has neither expired nor sat idle too long."""

    __table_args__ = (Index("ix_account_session_open_parent", "parent_account_id", "ended_at"),
                      Index("ix_account_session_open_staff", "staff_id", "ended_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_account.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    remember: Mapped[bool]  # "keep me signed in on this device"
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the latest it can last, whatever happens
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str | None] = mapped_column(String(40))  # signed out, everywhere, switched off, idle...

    parent_account = relationship("ParentAccount")
    staff = relationship("StaffUser")
