"""Pupils, their contacts, parent accounts and staff."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Pupil(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    upn: Mapped[str] = mapped_column(String(13), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    legal_forename: Mapped[str] = mapped_column(String(100))
    legal_surname: Mapped[str] = mapped_column(String(100))
    preferred_forename: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[date]
    year_group: Mapped[str] = mapped_column(String(10))
    registration_group: Mapped[str] = mapped_column(String(30))
    admission_date: Mapped[date]
    leaving_date: Mapped[date | None]
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)  # first-day contact: refer at once (ALP §12)
    # A recorded health need (the MIS's medical flag): messages about attendance take the policy's [nudges] version.
    health_need: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    school = relationship("School")
    site = relationship("Site")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="pupil", order_by="Contact.priority", cascade="all, delete-orphan"
    )
    # Every school the pupil has been on roll at (portal.models.enrolment); the fields above are the current one's.
    enrolments = relationship("Enrolment", back_populates="pupil", order_by="Enrolment.admission_date",
                              cascade="all, delete-orphan")

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def name(self) -> str:
        return f"{self.forename} {self.legal_surname}"


class Contact(db.Model):
    """A person the school holds for a pupil, as the MIS exports them: one row per pupil and contact."""

    __table_args__ = (UniqueConstraint("pupil_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_pupil: Mapped[str] = mapped_column("relationship", String(60))
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # stored lower-case
    phone: Mapped[str] = mapped_column(String(40), default="")
    parental_responsibility: Mapped[bool] = mapped_column(Boolean)
    lives_with_pupil: Mapped[bool] = mapped_column(Boolean)
    priority: Mapped[int] = mapped_column(default=1)
    # As the MIS writes it ("Polish", "pl"): messages go out in it when the portal has a translation.
    preferred_language: Mapped[str | None] = mapped_column(String(60))
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_account.id"), index=True)

    pupil: Mapped[Pupil] = relationship(back_populates="contacts")
    parent_account: Mapped[ParentAccount | None] = relationship(back_populates="contacts")


class SignedIn(UserMixin):
    """An account as Flask-Login sees it. What the session cookie (and the "keep me signed in" cookie) holds is
    the random token of this browser's own session (portal/services/sessions.py), never the account's id: ending
    the session on the server makes the cookie worthless."""

    kind = ""  # "parent" or "staff"
    session_token = None  # set when a session is started or resumed, for this request only

    # One object per row in a database session: identity, not Flask-Login's comparison of get_id().
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("sign in through portal.web.session.sign_in, which starts a session")
        return self.session_token

    @property
    def actor(self) -> str:
        """How the audit log names this account."""
        return f"{self.kind}:{self.id}"


class ParentAccount(SignedIn, db.Model):
    """One per email address; reaches every child whose contact with that email has parental responsibility."""

    kind = "parent"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    created_at: Mapped[datetime]
    last_signed_in_at: Mapped[datetime | None]
    # The pages' language the parent chose (portal.domain.languages.PAGE_LANGUAGES); empty: their contact's
    # preferred language, else English.
    language: Mapped[str | None] = mapped_column(String(5))

    contacts: Mapped[list[Contact]] = relationship(back_populates="parent_account")
    # Set by portal.services.sessions.resume, for this request only: False when none of the account's contacts has a
    # preferred language (the pages' language is then known without loading them); None: not known.
    contact_languages_given = None

    @property
    def children(self) -> list[Pupil]:
        pupils = {c.pupil for c in self.contacts if c.parental_responsibility}
        return sorted(pupils, key=lambda p: (p.legal_surname, p.forename))


class StaffUser(SignedIn, db.Model):
    kind = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    roles: Mapped[list[StaffRole]] = relationship(back_populates="staff", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.active


class StaffRole(db.Model):
    """A role at one school, or across a whole trust (school_id empty)."""

    __table_args__ = (
        UniqueConstraint("staff_id", "trust_id", "school_id", "role"),
        Index("ix_staff_role_school", "school_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trust.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    role: Mapped[str] = mapped_column(String(30))

    staff: Mapped[StaffUser] = relationship(back_populates="roles")
    school = relationship("School")
    trust = relationship("Trust")
