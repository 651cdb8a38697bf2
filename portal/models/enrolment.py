"""A pupil's time on roll at one school: the pupil moves, the enrolment stays (design.md section 5).

Pupil.school_id, admission_date and leaving_date are the current enrolment's (the open one admitted last, else the
one that ended last), kept in step by the pupils import, so everything that shows one school per pupil still does;
what must see every setting (marks from before a move inside the trust) reads the enrolments.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Enrolment(db.Model):
    __table_args__ = (UniqueConstraint("pupil_id", "school_id", "admission_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    admission_date: Mapped[date]
    leaving_date: Mapped[date | None]

    pupil = relationship("Pupil", back_populates="enrolments")
    school = relationship("School")
