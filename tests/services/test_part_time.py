"""Part-time timetables: consent, an end date and a review at least every two weeks, with reminders; and the
illness staff expect, for the sickness return."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.domain import part_time as rules
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import ServiceError, la_returns, legal_pathway, part_time_timetables as timetables

from factories import BOTHAL, add_marks, calendar, days, load_trust, make_pupil
from staff import make_staff

TODAY = date(2026, 9, 14)


@pytest.mark.parametrize(("starts", "ends", "consent_on", "by", "every", "problem"), [
    (TODAY, date(2026, 10, 9), TODAY, "Jo", 14, None),
    (TODAY, None, TODAY, "Jo", 14, "end date"),
    (TODAY, date(2026, 9, 1), TODAY, "Jo", 14, "ends before it starts"),
    (TODAY, date(2026, 10, 9), TODAY, " ", 14, "parent's consent"),
    (TODAY, date(2026, 10, 9), date(2026, 9, 15), "Jo", 14, "future"),
    (date(2026, 9, 10), date(2026, 10, 9), date(2026, 9, 11), "Jo", 14, "before the timetable starts"),
    (TODAY, date(2026, 10, 9), TODAY, "Jo", 15, "at least every 14 days"),
    (TODAY, date(2026, 10, 9), TODAY, "Jo", 0, "at least every 14 days"),
])
def test_a_timetable_needs_consent_an_end_and_fortnightly_reviews(starts, ends, consent_on, by, every, problem):
    found = rules.timetable_problems(starts, ends, consent_on, by, every, TODAY)
    assert (found == []) if problem is None else any(problem in p for p in found)


@pytest.mark.parametrize(("after", "expected"), [
    (date(2026, 9, 14), date(2026, 9, 28)), (date(2026, 10, 1), date(2026, 10, 9)), (date(2026, 10, 9), None)])
def test_the_next_review_never_passes_the_end(after, expected):
    assert rules.next_review(after, 14, date(2026, 10, 9)) == expected


@pytest.fixture
def school(app_ctx):
    load_trust()
    sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
    head = make_staff("head@bothal.example", "headteacher", BOTHAL)
    make_staff("leader@alp.example", "senior_leader", trust="alp")
    make_staff("office@bothal.example", "office", BOTHAL)
    return {"sam": sam, "head": head}


def test_recorded_reviewed_and_reminded(school):
    sam, head = school["sam"], school["head"]
    with pytest.raises(ServiceError, match="Describe the arrangement"):
        timetables.record_timetable(head, sam.id, TODAY, date(2026, 10, 9), "", "Jo Taylor", TODAY, 14, TODAY)
    timetable = timetables.record_timetable(head, sam.id, TODAY, date(2026, 10, 9), "Mornings only, after surgery",
                                            "Jo Taylor", TODAY, 14, TODAY)
    assert timetable.next_review_on == date(2026, 9, 28)
    assert "part-time timetable to 9 October 2026, agreed with Jo Taylor" in " ".join(
        legal_pathway.cautions(sam, date(2026, 9, 20)))
    assert timetables.send_review_reminders(date(2026, 9, 27), "cli:test") == []
    assert timetables.send_review_reminders(date(2026, 9, 28), "cli:test") == [timetable]
    assert timetables.send_review_reminders(date(2026, 9, 29), "cli:test") == []  # once per review date
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipients == ["head@bothal.example", "leader@alp.example"]  # the legal roles, not the office
    timetables.review(head, timetable.id, date(2026, 9, 28), "Going well: add Tuesday afternoons", date(2026, 9, 28))
    assert timetable.next_review_on == date(2026, 10, 9)
    with pytest.raises(ServiceError, match="what the review found"):
        timetables.review(head, timetable.id, date(2026, 10, 9), " ", date(2026, 10, 9))


def test_the_part_time_return_says_what_was_agreed_and_flags_c2_without_agreement(school):
    sam, head = school["sam"], school["head"]
    other = make_pupil(BOTHAL, forename="Kim", surname="Jones")
    cal = calendar(BOTHAL)
    for pupil in (sam, other):
        add_marks(pupil, [m for m in days(cal, TODAY, date(2026, 9, 18), "C2") if m[1] == "PM"])
    timetables.record_timetable(head, sam.id, TODAY, date(2026, 10, 9), "Mornings only", "Jo Taylor", TODAY, 14,
                                TODAY)
    rows = {r.pupil.upn: r for r in la_returns.build(head, BOTHAL, "part_time", TODAY, date(2026, 9, 30)).rows}
    assert "agreed with Jo Taylor on 2026-09-14" in rows[sam.upn].detail
    assert rows[sam.upn].end == date(2026, 10, 9)
    assert "no agreement recorded" in rows[other.upn].detail


def test_staff_confirm_the_illness_they_expect(school):
    sam, head = school["sam"], school["head"]
    add_marks(sam, days(calendar(BOTHAL), TODAY, date(2026, 9, 18), "I"))  # 5 days
    assert la_returns.build(head, BOTHAL, "sickness", TODAY, date(2026, 9, 30)).rows == []
    with pytest.raises(ServiceError, match="0 to 190"):
        la_returns.confirm_sickness(head, sam.id, 500, "", date(2026, 9, 21))
    la_returns.confirm_sickness(head, sam.id, 12, "Hospital letter: surgery", date(2026, 9, 21),
                                now=datetime(2026, 9, 21, 9))
    row = la_returns.build(head, BOTHAL, "sickness", TODAY, date(2026, 9, 30)).rows[0]
    assert (row.pupil, row.days) == (sam, "17")
