"""Staff decide absence reports: only the roles the policy names authorise, only at their own schools."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Contact, Mark, OutboxMessage
from portal.models.marks import SOURCE_PORTAL
from portal.services import NotFound, ServiceError, absences, review, permissions
from portal.services.exports import export_marks

from factories import RISE_PARK, RISE_PARK_URN, add_marks, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

MONDAY = date(2026, 11, 23)
MORNING = datetime(2026, 11, 23, 8, 15)


@pytest.fixture
def reports(app_ctx):
    load_trust()
    sam, ali = make_pupil("122239", forename="Sam"), make_pupil("131021", forename="Ali")
    parent = make_parent("jo@example.com", sam, ali)

    def report(pupil, reason="illness", key=None, last=MONDAY):
        draft = absences.AbsenceDraft([pupil.id], MONDAY, last, "day", reason, key or f"k-{pupil.id}-{reason}",
                                      details="Family wedding" if reason == "other" else "")
        return absences.submit(parent, draft, now=MORNING).children[0]

    return sam, ali, report


def test_staff_add_and_sign_in_with_argon2(app_ctx):
    load_trust()
    staff = make_staff("Head@Bothal.example", "headteacher", "122239", password="s3cret-enough")
    assert staff.password_hash.startswith("$argon2")
    assert permissions.authenticate("head@bothal.example", "s3cret-enough") == staff
    assert permissions.authenticate("head@bothal.example", "wrong") is None
    assert permissions.authenticate("nobody@bothal.example", "s3cret-enough") is None


def test_the_headteacher_accepts_and_the_decision_becomes_marks_in_the_export(reports, tmp_path):
    sam, _, report = reports
    child = report(sam, last=date(2026, 11, 24))
    add_marks(sam, [(MONDAY, "AM", "N")], recorded_at=datetime(2026, 11, 23, 9, 31))
    head = make_staff("head@bothal.example", "headteacher", "122239")
    review.decide(head, child.id, "accept", "i", now=datetime(2026, 11, 23, 10, 0))
    assert (child.status, child.code, child.decided_by) == ("accepted", "I", head)
    marks = db.session.scalars(select(Mark).where(Mark.pupil_id == sam.id).order_by(Mark.date, Mark.session)).all()
    assert [(m.date.day, m.session, m.code, m.source) for m in marks] == [
        (23, "AM", "I", SOURCE_PORTAL), (23, "PM", "I", SOURCE_PORTAL),
        (24, "AM", "I", SOURCE_PORTAL), (24, "PM", "I", SOURCE_PORTAL)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "absence.accept"))
    assert event.before["status"] == "received" and event.after["marks_replaced"] == {"2026-11-23 AM": "N"}
    email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert "Accepted" in email.subject and "recorded the absence in the register: Ill (code I)." in email.body_text
    path = tmp_path / "decisions.csv"
    export_marks(path)
    exported = path.read_text()
    assert exported.count(",I,") == 4 and "head@bothal.example" in exported


def test_the_office_cannot_authorise_under_either_seed_policy_but_can_ask_a_question(reports):
    sam, _, report = reports
    child = report(sam)
    office = make_staff("office@bothal.example", "office", "122239")
    with pytest.raises(permissions.NotPermitted) as refused:
        review.decide(office, child.id, "accept", "I")
    assert str(refused.value) == "Only the headteacher can authorise absences at Bothal Primary School."
    review.decide(office, child.id, "question", note="Is it chickenpox? Please tell us if it is.")
    assert child.status == "question"
    assert db.session.scalars(select(Mark)).all() == []


def test_a_teacher_of_one_school_sees_nothing_of_another(reports):
    sam, ali, report = reports
    at_central = report(ali)
    report(sam)
    teacher = make_staff("teacher@bothal.example", "teacher", "122239")
    queue = review.absence_queue(teacher, MORNING)
    assert [item.pupil for item in queue] == [sam]
    with pytest.raises(NotFound):
        review.queue_item(teacher, at_central.id)
    with pytest.raises(NotFound):
        review.decide(teacher, at_central.id, "question", note="Hello")


def test_trust_wide_staff_see_every_school(reports):
    sam, ali, report = reports
    report(sam), report(ali)
    lead = make_staff("lead@alp.example", "attendance_officer", trust="alp")
    assert {item.pupil.forename for item in review.absence_queue(lead, MORNING)} == {"Sam", "Ali"}
    assert [i.pupil.forename for i in review.absence_queue(lead, MORNING, school_urn="131021")] == ["Ali"]


def test_unauthorised_needs_a_reason_and_codes_o(reports):
    sam, _, report = reports
    child = report(sam, reason="other")
    head = make_staff("head@bothal.example", "headteacher", "122239")
    with pytest.raises(ServiceError):
        review.decide(head, child.id, "unauthorised")
    with pytest.raises(ServiceError) as not_authorised_code:
        review.decide(head, child.id, "accept", "G")
    assert "not an authorised absence code" in str(not_authorised_code.value)
    review.decide(head, child.id, "unauthorised", note="A wedding is not an exceptional circumstance.")
    assert {m.code for m in db.session.scalars(select(Mark))} == {"O"}


def test_the_queue_puts_the_most_urgent_first_and_marks_overdue(reports):
    sam, ali, report = reports
    later = report(sam, key="later")
    later.report.first_day = date(2026, 11, 25)
    db.session.commit()
    sooner = report(ali, key="sooner")
    head = make_staff("lead@alp.example", "headteacher", trust="alp")
    items = review.absence_queue(head, datetime(2026, 11, 23, 10, 0))
    assert [i.child for i in items] == [sooner, later]
    assert [i.overdue for i in items] == [True, False]
    assert [i.child for i in review.absence_queue(head, datetime(2026, 11, 23, 10, 0), overdue_only=True)] == [sooner]


def test_bulk_accept_uses_suggested_codes_and_leaves_other_reasons(reports):
    sam, ali, report = reports
    ill, other = report(sam), report(ali, reason="other")
    head = make_staff("lead@alp.example", "headteacher", trust="alp")
    accepted, left = review.bulk_accept(head, [ill.id, other.id])
    assert accepted == 1 and left == [other.report.reference]
    assert (ill.status, ill.code, other.status) == ("accepted", "I", "received")


def test_assign_to_me_shows_who_has_it_and_filters_my_queue(reports):
    sam, ali, report = reports
    mine, other = report(sam), report(ali)
    head = make_staff("lead@alp.example", "headteacher", trust="alp")
    colleague = make_staff("officer@alp.example", "attendance_officer", trust="alp")
    review.assign(head, mine.id)
    assert mine.assigned_to == head
    assert [i.child for i in review.absence_queue(head, MORNING, assigned_to_me=True)] == [mine]
    assert review.absence_queue(colleague, MORNING, assigned_to_me=True) == []
    review.assign(head, mine.id)  # giving it back
    assert mine.assigned_to is None
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "absence.assign")).all() \
        == ["absence.assign", "absence.assign"]


def test_siblings_are_those_at_the_staff_members_schools(reports):
    sam, ali, _ = reports  # Sam at Bothal, Ali at Central: the same trust, one parent
    load_trust(RISE_PARK)
    kim = make_pupil(RISE_PARK_URN, forename="Kim")
    db.session.add(Contact(pupil=kim, name="Jo Taylor", email="jo@example.com", relationship_to_pupil="Mother",
                           parental_responsibility=True, lives_with_pupil=True, priority=1))
    db.session.commit()
    bothal_office = make_staff("office@bothal.example", "office", "122239")
    trust_head = make_staff("head@alp.example", "headteacher", trust="alp")
    assert review.siblings(sam, bothal_office) == []  # Ali is at Central, Kim at Rise Park (another trust)
    assert review.siblings(sam, trust_head) == [ali]  # the trust's head works with Central too, not Rise Park


def test_a_polish_parent_gets_the_schools_question_in_polish(reports):
    sam, _, report = reports
    child = report(sam)
    child.report.parent_account.language = "pl"
    office = make_staff("office@bothal.example", "office", "122239")
    review.decide(office, child.id, "question", note="Is it chickenpox?")
    email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert email.subject == f"Zgłoszenie nieobecności {child.report.reference}: Szkoła ma pytanie"
    assert "Sam: szkoła ma pytanie dotyczące tej nieobecności." in email.body_text
    assert "Zobacz zgłoszenie i odpowiedz szkole" in email.body_text and "Is it chickenpox?" in email.body_text
    assert "the school has a question" not in email.body_text and '<html lang="pl">' in email.body_html


def test_a_polish_parent_reads_the_register_code_in_polish(reports):
    sam, _, report = reports
    child = report(sam)
    child.report.parent_account.language = "pl"
    head = make_staff("head@bothal.example", "headteacher", "122239")
    review.decide(head, child.id, "accept", "i")
    email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert "Choroba (kod I). Zbyt chore, by przyjść do szkoły." in email.body_text
    assert "(code I)" not in email.body_text and "Too unwell" not in email.body_text
