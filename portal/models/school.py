"""A trust, its schools and their sites, as loaded from the trust's policy file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Trust(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    # The policy is kept as written, so what the portal enforces can always be traced to the file a school signed off.
    policy_source: Mapped[str] = mapped_column(Text)
    policy_sha256: Mapped[str] = mapped_column(String(64))
    policy_loaded_at: Mapped[datetime]

    schools: Mapped[list[School]] = relationship(
        back_populates="trust", order_by="School.name", cascade="all, delete-orphan"
    )


class School(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trust.id"), index=True)
    urn: Mapped[str] = mapped_column(String(6), unique=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    local_authority: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")

    trust: Mapped[Trust] = relationship(back_populates="schools")
    sites: Mapped[list[Site]] = relationship(
        back_populates="school", order_by="Site.name", cascade="all, delete-orphan"
    )


class Site(db.Model):
    __table_args__ = (UniqueConstraint("school_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(100))

    school: Mapped[School] = relationship(back_populates="sites")
