"""A pupil at Bothal with a first half-term of marks and parents in given languages, for the nudge tests."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import select

from portal.clock import SCHOOL_ZONE
from portal.extensions import db
from portal.models import Contact

from factories import BOTHAL, add_marks, calendar, days, make_pupil
from parents import make_parent

FIRST_DAY_BACK = date(2025, 11, 4)  # Bothal: Autumn 1 ends Fri 24 Oct, Mon 3 Nov is an INSET day
HALF_TERM = (date(2025, 9, 1), date(2025, 10, 24))


def at(day: date, hour: int = 7):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SCHOOL_ZONE), tick=False)


def pupil_with(forename: str, absences: dict[str, int] | None = None, *, parents=(), health_need=False,
               last_codes: tuple[str, ...] = ()):
    """A Bothal pupil present every session of the first half-term except `absences` (code -> sessions, from the
    first session on) and `last_codes` (the last sessions), with parents given as (email, name, language)."""
    pupil = make_pupil(BOTHAL, forename=forename, surname="Nowak")
    pupil.health_need = health_need
    sessions = days(calendar(), *HALF_TERM, "/")
    codes = [c for c, n in (absences or {}).items() for _ in range(n)]
    codes += ["/"] * (len(sessions) - len(codes) - len(last_codes)) + list(last_codes)
    add_marks(pupil, [(d, s, c) for (d, s, _), c in zip(sessions, codes)])
    for email, name, language in parents:
        make_parent(email, pupil, name=name)
        contact = db.session.scalar(select(Contact).where(Contact.pupil_id == pupil.id, Contact.email == email))
        contact.preferred_language = language
    db.session.commit()
    return pupil
