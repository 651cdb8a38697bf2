"""A pupil at Bothal with a first half-term of marks and parents in given languages, for the nudge tests."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import select

from portal.clock import SCHOOL_ZONE
from portal.extensions import db
from portal.models import AbsenceReport, AbsenceReportChild, Contact
from portal.models.support_plan import ACTIVE, SupportPlan

from factories import BOTHAL, add_marks, calendar, days, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

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


def every_band_and_situation() -> dict:
    """Every band and situation at one school, and twelve classmates (no contacts) for the median."""
    load_trust()
    head = make_staff("head@bothal.example.com", "headteacher", BOTHAL)
    for n in range(12):
        pupil_with(f"Classmate{n}", {"I": 2})  # the typical pupil: 1 day missed
    p = {
        "olu": pupil_with("Olu", {"I": 1}, parents=[("olu.mum@example.com", "Ada Olu", "English")]),
        "bea": pupil_with("Bea", {"O": 3}, parents=[("bea.dad@example.com", "Ben Bea", "")]),
        "ari": pupil_with("Ari", {"O": 6}, parents=[("ari.mum@example.com", "Ana Ari", "English")]),
        "maja": pupil_with("Maja", {"I": 6, "O": 4, "M": 1},
                           parents=[("anna@example.com", "Anna Kowalska", "Polish"),
                                    ("piotr@example.com", "Piotr Kowalski", "English")]),
        "sev": pupil_with("Sev", {"O": 40}, parents=[("ioana@example.com", "Ioana Popescu", "Romanian")]),
        "pia": pupil_with("Pia", {"O": 10}, parents=[("pia.mum@example.com", "Pam Pia", "")]),
        "tom": pupil_with("Tom", last_codes=("C2",) * 8, parents=[("tom.dad@example.com", "Tim Tom", "")]),
        "hal": pupil_with("Hal", {"I": 12}, health_need=True, parents=[("hal.mum@example.com", "Hana Hal", "")]),
        "dee": pupil_with("Dee", {"O": 8}, parents=[("dee.mum@example.com", "Dora Dee", "")]),
        "neo": pupil_with("Neo", {"O": 8}),  # no parent with an email address
    }
    db.session.add(SupportPlan(pupil_id=p["pia"].id, school_id=p["pia"].school_id, owner_id=head.id, state=ACTIVE,
                               created_at=datetime(2025, 10, 1)))
    dee_parent = db.session.scalar(select(Contact).where(Contact.pupil_id == p["dee"].id)).parent_account
    db.session.add(AbsenceReport(reference="AB-DEE1", submission_key="AB-DEE1", parent_account_id=dee_parent.id,
                                 reported_at=datetime(2025, 11, 3, 7, 30), first_day=date(2025, 11, 4), part="day",
                                 reason="illness", children=[AbsenceReportChild(pupil=p["dee"])]))
    db.session.commit()
    return p
