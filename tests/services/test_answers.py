"""A parent answers the school's question about an absence: the report goes back to the school, once."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage
from portal.services import NotFound, ServiceError, absences, review

from factories import load_trust, make_pupil
from parents import make_parent
from staff import make_staff

MONDAY = date(2026, 11, 23)
MORNING = datetime(2026, 11, 23, 8, 15)


@pytest.fixture
def asked(app_ctx):
    load_trust()
    sam, ali = make_pupil("122239", forename="Sam"), make_pupil("122239", forename="Ali")
    jo = make_parent("jo@example.com", sam, ali)
    report = absences.submit(jo, absences.AbsenceDraft([sam.id, ali.id], MONDAY, MONDAY, "day", "illness", "k1"),
                             now=MORNING)
    office = make_staff("office@bothal.example", "office", "122239")
    sam_child, ali_child = report.children
    review.decide(office, sam_child.id, "question", note="Is it chickenpox?", now=datetime(2026, 11, 23, 10, 0))
    return jo, report, sam_child, ali_child, office


def emails_to(address: str) -> list[OutboxMessage]:
    return [m for m in db.session.scalars(select(OutboxMessage)) if address in m.recipients]


def test_the_answer_goes_back_to_the_queue_and_to_whoever_asked(asked):
    jo, report, sam_child, _, office = asked
    absences.answer_question(jo, report.reference, sam_child.id, "  Yes, the doctor confirmed it.  ",
                             now=datetime(2026, 11, 23, 12, 0))
    assert (sam_child.status, sam_child.answer) == ("answered", "Yes, the doctor confirmed it.")
    assert sam_child.status_words == "Answered: with the school"
    queue = review.absence_queue(office, datetime(2026, 11, 23, 12, 5), status="answered")
    assert [item.child for item in queue] == [sam_child]
    [email] = emails_to("office@bothal.example")
    assert "parent answered" in email.subject and "Yes, the doctor confirmed it." in email.body_text
    assert f"/staff/absences/{sam_child.id}" in email.body_text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "absence.answered"))
    assert event.before["status"] == "question" and event.after["answer"] == "Yes, the doctor confirmed it."


def test_sending_the_same_answer_twice_records_it_once(asked):
    jo, report, sam_child, _, _ = asked
    for _ in range(2):
        absences.answer_question(jo, report.reference, sam_child.id, "Yes.")
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "absence.answered")).all()) == 1
    assert len(emails_to("office@bothal.example")) == 1
    with pytest.raises(ServiceError, match="no question waiting"):
        absences.answer_question(jo, report.reference, sam_child.id, "Something else.")


def test_an_answer_needs_a_question_words_and_a_sensible_length(asked):
    jo, report, sam_child, ali_child, _ = asked
    with pytest.raises(ServiceError, match="no question waiting"):
        absences.answer_question(jo, report.reference, ali_child.id, "Nobody asked.")
    with pytest.raises(ServiceError, match="Write your answer"):
        absences.answer_question(jo, report.reference, sam_child.id, "   ")
    with pytest.raises(ServiceError, match="2,000 characters or fewer"):
        absences.answer_question(jo, report.reference, sam_child.id, "x" * 2001)
    assert sam_child.status == "question"


def test_another_family_cannot_answer(asked):
    _, report, sam_child, _, _ = asked
    stranger = make_parent("other@example.com", make_pupil("122239", forename="Kim"))
    with pytest.raises(NotFound):
        absences.answer_question(stranger, report.reference, sam_child.id, "Hello")
    assert sam_child.status == "question"


def test_a_new_question_clears_the_last_answer(asked):
    jo, report, sam_child, _, office = asked
    absences.answer_question(jo, report.reference, sam_child.id, "Yes.")
    review.decide(office, sam_child.id, "question", note="Which doctor?")
    assert (sam_child.status, sam_child.note, sam_child.answer, sam_child.answered_at) == (
        "question", "Which doctor?", "", None)
