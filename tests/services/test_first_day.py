"""First-day contact: who the office must chase, the chase email, and the log of every step (ALP §12)."""

from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.domain.policy_rules import ContactStep
from portal.extensions import db
from portal.models import AuditEvent, Contact, OutboxMessage
from portal.models.contact_attempt import ContactAttempt
from portal.services import NotFound, ServiceError, absences
from portal.services import first_day as service

from factories import BOTHAL, CENTRAL, add_marks, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

MONDAY = date(2026, 11, 23)  # a school day at both ALP schools; registers close at 09:30 and 13:45
BEFORE_CLOSE = datetime(2026, 11, 23, 9, 15)
MID_MORNING = datetime(2026, 11, 23, 10, 0)
AFTERNOON = datetime(2026, 11, 23, 14, 0)


@pytest.fixture
def school(app_ctx):
    load_trust()
    head = make_staff("head@bothal.example", "headteacher", BOTHAL)
    return head


def pupil(forename, surname="Taylor", urn=BOTHAL, **kwargs):
    return make_pupil(urn, forename=forename, surname=surname, **kwargs)


def absent(p, *sessions, code="N"):
    add_marks(p, [(MONDAY, s, code) for s in sessions or ("AM",)])


def names(entries):
    return [e.pupil.forename for e in entries]


def report(parent, *children, part="day", key="k"):
    draft = absences.AbsenceDraft([c.id for c in children], MONDAY, MONDAY, part, "illness", key)
    return absences.submit(parent, draft, now=datetime(2026, 11, 23, 10, 5))


def test_the_list_is_the_pupils_marked_n_at_a_closed_register_with_no_word_from_home(school):
    sam, ali, kim, lee, nat = (pupil(n) for n in ("Sam", "Ali", "Kim", "Lee", "Nat"))
    absent(sam)
    add_marks(ali, [(MONDAY, "AM", "/")])
    add_marks(kim, [(MONDAY, "AM", "N"), (MONDAY, "PM", "\\")])  # came in at lunchtime: seen
    absent(lee, code="I")  # the reason is known
    gone = pupil("Max", leaving_date=date(2026, 11, 20))
    absent(gone)
    elsewhere = pupil("Zoe", urn=CENTRAL)
    absent(elsewhere)
    # nat has no mark at all: the register has not arrived, which is not absence.

    before = service.first_day_list(school, MONDAY, BEFORE_CLOSE)
    assert before.to_contact == []
    assert "Bothal Primary School: the morning register closes at 09:30" in before.waiting

    morning = service.first_day_list(school, MONDAY, MID_MORNING)
    assert names(morning.to_contact) == ["Kim", "Sam"]  # Kim's afternoon register has not closed yet
    assert morning.to_contact[1].sessions == ("AM",)
    assert morning.unmarked == [("Bothal Primary School", "AM", 1)]  # Nat

    afternoon = service.first_day_list(school, MONDAY, AFTERNOON)
    assert names(afternoon.to_contact) == ["Sam"]  # the later mark wins: Kim has been seen
    # Only Kim's afternoon mark has been imported: the others are counted, and Sam's morning N still stands.
    assert afternoon.unmarked == [("Bothal Primary School", "PM", 4)]


def test_a_pupil_with_a_later_afternoon_n_is_listed_for_both_sessions(school):
    sam = pupil("Sam")
    absent(sam, "AM", "PM")
    [entry] = service.first_day_list(school, MONDAY, AFTERNOON).to_contact
    assert entry.sessions == ("AM", "PM")


def test_the_list_shrinks_when_a_parent_reports(school):
    sam, ali, kim = pupil("Sam"), pupil("Ali", "Brown"), pupil("Kim", "Clark")
    for p in (sam, ali, kim):
        absent(p)
    assert names(service.first_day_list(school, MONDAY, MID_MORNING).to_contact) == ["Ali", "Kim", "Sam"]

    report(make_parent("jo@example.com", sam), sam)
    listing = service.first_day_list(school, MONDAY, MID_MORNING)
    assert names(listing.to_contact) == ["Ali", "Kim"]
    assert [p.forename for p in listing.reported] == ["Sam"]

    # An afternoon-only report does not explain a morning absence.
    report(make_parent("pat@example.com", ali), ali, part="PM", key="pm")
    assert names(service.first_day_list(school, MONDAY, MID_MORNING).to_contact) == ["Ali", "Kim"]


def test_vulnerable_pupils_come_first(school):
    ann, bob, cat = pupil("Ann", "Adams"), pupil("Bob", "Baker"), pupil("Cat", "Cole")
    cat.vulnerable = True
    db.session.commit()
    for p in (ann, bob, cat):
        absent(p)
    listing = service.first_day_list(school, MONDAY, MID_MORNING)
    assert names(listing.to_contact) == ["Cat", "Ann", "Bob"]
    assert [e.pupil.vulnerable for e in listing.to_contact] == [True, False, False]


def test_one_click_emails_each_family_once_at_their_contacts_with_parental_responsibility(school):
    sam, sid = pupil("Sam"), pupil("Sid")  # siblings: one email for both
    make_parent("jo@example.com", sam, sid)
    make_parent("alex@example.com", sam, sid, name="Alex Parent")
    db.session.add_all([
        Contact(pupil=sam, name="Gran", relationship_to_pupil="Grandmother", email="gran@example.com", phone="",
                parental_responsibility=False, lives_with_pupil=False, priority=3),
        Contact(pupil=sam, name="Dad", relationship_to_pupil="Father", email=None, phone="07700 900123",
                parental_responsibility=True, lives_with_pupil=False, priority=2),
    ])
    db.session.commit()
    kim = pupil("Kim", "Clark")
    make_parent("kim.parent@example.com", kim)
    nat = pupil("Nat", "Young")  # no contact with an email: the office must phone
    for p in (sam, sid, kim, nat):
        absent(p)

    ids = [sam.id, sid.id, kim.id, nat.id]
    result = service.chase(school, MONDAY, ids, "click-1", MID_MORNING)
    assert {p.forename for p in result.emailed} == {"Sam", "Sid", "Kim"}
    assert [p.forename for p in result.no_email] == ["Nat"]
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted(m.recipients for m in messages) == [["alex@example.com", "jo@example.com"],
                                                      ["kim.parent@example.com"]]
    family = next(m for m in messages if "jo@example.com" in m.recipients)
    assert family.subject == "Please tell us why Sam and Sid are not in school today"
    assert "Sam was not in school at the morning register today" in family.body_text
    assert "/parent/report-absence" in family.body_text and "01670" in family.body_text

    # The same click submitted again sends nothing more; a new click is a new chase.
    again = service.chase(school, MONDAY, ids, "click-1", MID_MORNING)
    assert again.emailed == [] and {p.forename for p in again.already} == {"Sam", "Sid", "Kim"}
    assert db.session.query(OutboxMessage).count() == 2
    service.chase(school, MONDAY, [kim.id], "click-2", datetime(2026, 11, 23, 11, 30))
    assert db.session.query(OutboxMessage).count() == 3

    logged = db.session.scalars(select(ContactAttempt).where(ContactAttempt.pupil_id == sam.id)).all()
    assert [(a.action, a.chase_email, a.at) for a in logged] == [("email", True, MID_MORNING)]
    assert "alex@example.com, jo@example.com" in logged[0].outcome
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "first_day.chase_email")).all()
    assert len(events) == 4 and {e.actor for e in events} == {f"staff:{school.id}"}
    # The email is on top of the procedure: ALP's 9.30 text is still the next step, and overdue.
    entry = next(e for e in service.first_day_list(school, MONDAY, MID_MORNING).to_contact if e.pupil == sam)
    assert entry.emailed and entry.next_step.action == "text" and entry.overdue


def test_no_email_goes_to_a_pupil_reported_since_the_page_was_drawn(school):
    sam = pupil("Sam")
    parent = make_parent("jo@example.com", sam)
    absent(sam)
    report(parent, sam)
    result = service.chase(school, MONDAY, [sam.id], "click", MID_MORNING)
    assert result.not_listed == [sam] and result.emailed == []
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.like("first-day:%"))).all() == []


def test_each_step_is_logged_with_its_time_and_outcome_and_audited(school):
    sam = pupil("Sam")
    make_parent("jo@example.com", sam)
    absent(sam)
    entry = service.first_day_list(school, MONDAY, MID_MORNING).to_contact[0]
    assert (entry.next_step.action, entry.due, entry.overdue) == ("text", datetime(2026, 11, 23, 9, 30), True)

    service.log_step(school, sam.id, MONDAY, "text", "Texted both parents, no reply", datetime(2026, 11, 23, 9, 32),
                     MID_MORNING)
    entry = service.first_day_list(school, MONDAY, MID_MORNING).to_contact[0]
    assert [a.outcome for a in entry.attempts] == ["Texted both parents, no reply"]
    assert (entry.next_step.action, entry.due, entry.overdue) == ("call", datetime(2026, 11, 23, 11, 0), False)

    with pytest.raises(ServiceError, match="has not come yet"):
        service.log_step(school, sam.id, MONDAY, "call", "Rang", datetime(2026, 11, 23, 11, 0), MID_MORNING)
    with pytest.raises(ServiceError, match="Write what happened"):
        service.log_step(school, sam.id, MONDAY, "call", "  ", datetime(2026, 11, 23, 9, 50), MID_MORNING)
    with pytest.raises(ServiceError, match="Choose a step"):
        service.log_step(school, sam.id, MONDAY, "carrier pigeon", "Sent", datetime(2026, 11, 23, 9, 50),
                         MID_MORNING)

    later = datetime(2026, 11, 23, 11, 5)
    service.log_step(school, sam.id, MONDAY, "call", "Mum answered: Sam has a temperature", later, later,
                     resolved=True)
    listing = service.first_day_list(school, MONDAY, later)
    assert listing.to_contact == [] and names(listing.resolved) == ["Sam"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "first_day.step")
                                .order_by(AuditEvent.id)).all()
    assert [(e.after["action"], e.after["at"], e.after["resolved"]) for e in events] == [
        ("text", "2026-11-23T09:32", False), ("call", "2026-11-23T11:05", True)]
    assert events[1].after["outcome"] == "Mum answered: Sam has a temperature"
    assert events[1].after["upn"] == sam.upn and events[1].actor == f"staff:{school.id}"


def test_the_procedure_is_followed_in_order_skips_included_and_repeats_too():
    rp = tuple(ContactStep(a, "office", a) for a in ("text", "call", "text", "call", "other_contacts"))
    done = lambda *actions: [SimpleNamespace(action=a, chase_email=False) for a in actions]  # noqa: E731
    assert service.next_step(rp, done()).action == "text"
    assert service.next_step(rp, done("text", "call")) == rp[2]  # day two: text again
    assert service.next_step(rp, done("call")) == rp[2]  # the first text was skipped: the next is after the call
    assert service.next_step(rp, done("text", "call", "text", "call", "other_contacts")) is None
    chase = [SimpleNamespace(action="email", chase_email=True)]
    alp = tuple(ContactStep(a, "office", a) for a in ("text", "call", "email", "home_visit"))
    assert service.next_step(alp, chase).action == "text"


def test_a_teacher_of_another_school_sees_nothing_and_can_do_nothing(school):
    sam = pupil("Sam")
    make_parent("jo@example.com", sam)
    absent(sam)
    teacher = make_staff("teacher@central.example", "teacher", CENTRAL)
    listing = service.first_day_list(teacher, MONDAY, MID_MORNING)
    assert listing.entries == [] and listing.reported == [] and listing.unmarked == []
    with pytest.raises(NotFound):
        service.first_day_list(teacher, MONDAY, MID_MORNING, school_urn=BOTHAL)
    with pytest.raises(NotFound):
        service.chase(teacher, MONDAY, [sam.id], "click", MID_MORNING)
    with pytest.raises(NotFound):
        service.log_step(teacher, sam.id, MONDAY, "call", "Rang", MID_MORNING, MID_MORNING)
    with pytest.raises(NotFound):
        service.pupil_contact(teacher, sam.id, MONDAY, MID_MORNING)
    assert db.session.query(OutboxMessage).count() == 0 and db.session.query(ContactAttempt).count() == 0
    # Trust-wide staff see both schools.
    lead = make_staff("lead@alp.example", "attendance_officer", trust="alp")
    zoe = pupil("Zoe", urn=CENTRAL)
    absent(zoe)
    assert names(service.first_day_list(lead, MONDAY, MID_MORNING).to_contact) == ["Sam", "Zoe"]


def test_no_school_no_list(school):
    saturday = date(2026, 11, 28)
    listing = service.first_day_list(school, saturday, datetime(2026, 11, 28, 12, 0))
    assert listing.entries == [] and listing.closed == [("Bothal Primary School", "Weekend")]


def test_the_pupil_page_has_the_contacts_the_steps_and_where_the_pupil_stands(school):
    sam = pupil("Sam")
    parent = make_parent("jo@example.com", sam)
    absent(sam)
    service.log_step(school, sam.id, MONDAY, "text", "No reply", datetime(2026, 11, 23, 9, 31), MID_MORNING)
    contact = service.pupil_contact(school, sam.id, MONDAY, MID_MORNING)
    assert contact.entry is not None and not contact.reported
    assert [a.action for a in contact.attempts] == ["text"]
    assert [s.action for s in contact.steps] == ["text", "call", "email", "home_visit", "other_contacts", "referral"]
    report(parent, sam)
    contact = service.pupil_contact(school, sam.id, MONDAY, MID_MORNING)
    assert contact.entry is None and contact.reported and len(contact.attempts) == 1
    assert contact.steps[0].at == time(9, 30)


def test_the_chase_email_goes_to_each_parent_in_their_language(school):
    from portal.extensions import mail
    from portal.services import notify

    sam, sid = pupil("Sam"), pupil("Sid")
    jo = make_parent("jo@example.com", sam, sid)
    make_parent("alex@example.com", sam, sid, name="Alex Parent")
    jo.language = "pl"
    db.session.commit()
    absent(sam)
    absent(sid, "AM", "PM")
    result = service.chase(school, MONDAY, [sam.id, sid.id], "click", AFTERNOON)
    assert result.messages == 1 and {p.forename for p in result.emailed} == {"Sam", "Sid"}
    with mail.record_messages() as outbox:
        assert notify.deliver_due(even_if_not_due=True) == (2, 0)
    emails = {tuple(email.recipients): email for email in outbox}
    polish, english = emails[("jo@example.com",)], emails[("alex@example.com",)]
    assert polish.subject == "Prosimy o informację, dlaczego dzieci (Sam i Sid) nie ma w szkole dzisiaj"
    assert "Państwa dziecko (Sam) było nieobecne przy porannym sprawdzaniu obecności dzisiaj" in polish.body
    assert "Państwa dziecko (Sid) było nieobecne przy porannym i popołudniowym" in polish.body
    assert "zgłosić nieobecność przez internet" in polish.html and "please phone" not in polish.body
    assert english.subject == "Please tell us why Sam and Sid are not in school today"
    assert "Sid was not in school at the morning and afternoon registers today" in english.body
    # The same click again sends nothing more, in any language.
    assert service.chase(school, MONDAY, [sam.id, sid.id], "click", AFTERNOON).messages == 0
