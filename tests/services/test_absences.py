"""Reporting absences: siblings at once, each child's calendar, late reports, double submissions, extensions."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from portal.domain import absence as rules
from portal.extensions import db, mail
from portal.models import AbsenceReport, AuditEvent, OutboxMessage
from portal.services import NotFound, absences, notify

from factories import load_trust, make_pupil
from parents import make_parent

MONDAY = date(2026, 11, 23)
BEFORE_REGISTER = datetime(2026, 11, 23, 8, 15)


@pytest.fixture
def family(app_ctx):
    load_trust()
    sam, ali = make_pupil("122239", forename="Sam"), make_pupil("131021", forename="Ali")
    other = make_pupil("122239", forename="Other")
    return make_parent("jo@example.com", sam, ali), sam, ali, other


def draft(pupils, first=MONDAY, last=MONDAY, part=rules.WHOLE_DAY, reason=rules.ILLNESS, key="key-1", **extra):
    return absences.AbsenceDraft(pupil_ids=[p.id for p in pupils], first_day=first, last_day=last, part=part,
                                 reason=reason, submission_key=key, **extra)


def test_one_report_covers_siblings_at_two_schools_with_one_acknowledgement(family):
    parent, sam, ali, _ = family
    report = absences.submit(parent, draft([sam, ali], last=date(2026, 11, 25)), now=BEFORE_REGISTER)
    assert [c.pupil for c in report.children] == [sam, ali]
    assert [c.status for c in report.children] == ["received", "received"]
    assert not report.late_reported
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipients == ["jo@example.com"] and report.reference in message.subject
    assert message.body_text is None  # rendered by the outbox worker, not in the parent's request
    with mail.record_messages() as outbox:
        assert notify.deliver_due() == (1, 0)
    [email] = outbox
    assert "Sam Taylor (Bothal Primary School): 6 sessions" in email.body
    assert "Ali Taylor (Central Primary School): 6 sessions" in email.body
    assert message.body_text == email.body  # the outbox keeps what was sent
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "AbsenceReport")) \
        == "absence.reported"


def test_the_same_submission_twice_makes_one_report_and_one_email(family):
    parent, sam, ali, _ = family
    first = absences.submit(parent, draft([sam]), now=BEFORE_REGISTER)
    second = absences.submit(parent, draft([sam]), now=BEFORE_REGISTER)
    assert first.id == second.id
    assert db.session.query(AbsenceReport).count() == 1
    assert db.session.query(OutboxMessage).count() == 1


def test_another_parents_form_key_neither_shows_their_report_nor_makes_a_new_one(family):
    parent, sam, _, other = family
    theirs = absences.submit(make_parent("kim@example.com", other), draft([other]), now=BEFORE_REGISTER)
    with pytest.raises(NotFound):
        absences.submit(parent, draft([sam]), now=BEFORE_REGISTER)  # the same key, "key-1", from another account
    assert db.session.scalars(select(AbsenceReport)).all() == [theirs]


def test_weekends_inside_the_range_are_left_out_and_shown(family):
    parent, sam, *_ = family
    [child] = absences.preview(parent, draft([sam], first=date(2026, 11, 27), last=date(2026, 12, 1)),
                               BEFORE_REGISTER)
    assert child.sessions == 6
    closed = {d.date: d.closed_because for d in child.days if not d.sessions}
    assert closed == {date(2026, 11, 28): "Weekend", date(2026, 11, 29): "Weekend"}


@pytest.mark.parametrize(
    "part, reported_at, late",
    [
        (rules.WHOLE_DAY, datetime(2026, 11, 23, 9, 30), False),  # the register closes at 9.30: still in time
        (rules.WHOLE_DAY, datetime(2026, 11, 23, 9, 45), True),
        ("PM", datetime(2026, 11, 23, 9, 45), False),  # the afternoon register has not closed yet
        ("PM", datetime(2026, 11, 23, 14, 0), True),
    ],
)
def test_a_report_after_the_register_closed_is_accepted_and_marked_late(family, part, reported_at, late):
    parent, sam, *_ = family
    report = absences.submit(parent, draft([sam], part=part), now=reported_at)
    assert report.late_reported is late


def test_every_problem_is_reported_at_once(family):
    parent, sam, *_ = family
    with pytest.raises(absences.ReportNotValid) as invalid:
        absences.submit(parent, draft([sam], first=date(2026, 10, 1), last=date(2026, 10, 1), reason=rules.OTHER),
                        now=BEFORE_REGISTER)
    fields = {p.field for p in invalid.value.problems}
    assert fields == {"first_day", "details"}
    assert db.session.query(AbsenceReport).count() == 0


def test_days_with_no_school_cannot_be_reported(family):
    parent, sam, *_ = family
    with pytest.raises(absences.ReportNotValid) as invalid:
        absences.submit(parent, draft([sam], first=date(2026, 11, 28), last=date(2026, 11, 29)),
                        now=BEFORE_REGISTER)
    assert "There is no school on the days you chose" in str(invalid.value)


def test_a_parent_cannot_report_for_another_familys_child(family):
    parent, sam, _, other = family
    with pytest.raises(NotFound):
        absences.submit(parent, draft([sam, other]), now=BEFORE_REGISTER)
    assert db.session.query(AbsenceReport).count() == 0


def test_still_off_starts_the_next_school_day_with_the_same_children_and_reason(family):
    parent, sam, ali, _ = family
    report = absences.submit(parent, draft([sam, ali], first=MONDAY, last=date(2026, 11, 27),
                                           symptoms="Chickenpox"), now=BEFORE_REGISTER)
    follow_on = absences.continuation(parent, report.reference)
    assert follow_on.first_day == date(2026, 11, 30)
    assert follow_on.pupil_ids == [sam.id, ali.id] and follow_on.symptoms == "Chickenpox"
    assert follow_on.continues == report.reference and follow_on.submission_key != report.submission_key
    second = absences.submit(parent, follow_on, now=datetime(2026, 11, 30, 8, 0))
    assert second.continues == report


def test_the_other_parent_sees_a_report_about_their_child_but_a_stranger_does_not(family):
    parent, sam, _, other = family
    report = absences.submit(parent, draft([sam], appointment_time=time(10, 30), reason=rules.MEDICAL),
                             now=BEFORE_REGISTER)
    other_parent = make_parent("dad@example.com", sam, name="Dad")
    assert absences.report_for(other_parent, report.reference.lower()) == report
    stranger = make_parent("stranger@example.com", other, name="Stranger")
    with pytest.raises(NotFound):
        absences.report_for(stranger, report.reference)


@pytest.mark.parametrize("locale", ["en_GB", "pl"])
@pytest.mark.parametrize("last", [None, MONDAY, date(2026, 11, 25)])
def test_the_acknowledgement_the_worker_renders_is_the_one_the_request_rendered_before(family, locale, last):
    """The worker renders from the JSON context stored with the message: the email is word for word what rendering
    it from the report and its previews in the parent's request gave (late, not sure yet, one day, several)."""
    from flask import render_template
    from flask_babel import force_locale

    from portal.clock import school_time

    parent, sam, ali, _ = family
    sent = datetime(2026, 11, 23, 10, 30)  # after the register closed: the late paragraph too
    with force_locale(locale):
        report = absences.submit(parent, draft([sam, ali], last=last), now=sent)
    assert report.late_reported
    with mail.record_messages() as outbox:
        assert notify.deliver_due() == (1, 0)
    [email] = outbox
    with force_locale(locale):  # what submit() rendered before, from the report and its previews
        context = dict(report=report, previews=absences.preview(parent, draft([sam, ali], last=last), school_time(sent)),
                       link=notify.external_url("parent.report", reference=report.reference))
        assert email.body == render_template("email/absence_received.txt", **context)
        assert email.html == render_template("email/absence_received.html", subject=email.subject, **context)
