"""The half-termly message (portal/services/nudges.py): a register with pupils in every band and situation, and
which parents get which message, in which language, once, never two in a week, with the parent page's figures."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AbsenceReportChild, AuditEvent, Contact, OutboxMessage
from portal.models.absence import ACCEPTED
from portal.services import notify, nudges
from portal.services.child_attendance import child_attendance

from factories import ALP, load_trust
from nudge_world import FIRST_DAY_BACK, at, every_band_and_situation, pupil_with
from parents import sign_in_as
from smtp import SmtpServer, plain_body
from staff import make_staff

@pytest.fixture
def school(app_ctx):
    return every_band_and_situation()


def planned(batch) -> dict[str, tuple]:
    """forename -> (outcome, version, situation or reason, sorted (email, language) of the emails due)."""
    return {item.pupil.forename: (item.choice.outcome, item.choice.version,
                                  item.choice.situation or item.choice.reason,
                                  sorted((r.email, r.language) for r in item.due))
            for item in batch.items if not item.pupil.forename.startswith("Classmate")}


def test_each_parent_gets_the_version_their_childs_band_and_situation_call_for_in_their_language(school):
    with at(FIRST_DAY_BACK):
        batch = nudges.plan(FIRST_DAY_BACK)
    assert batch.rounds["Bothal Primary School"].key == "half-term:2025-10-24"
    assert planned(batch) == {
        "Olu": ("send", "thanks", None, [("olu.mum@example.com", "en")]),
        "Bea": ("send", "standard", None, [("bea.dad@example.com", "en")]),
        "Ari": ("send", "standard", None, [("ari.mum@example.com", "en")]),
        "Maja": ("send", "standard", None, [("anna@example.com", "pl"), ("piotr@example.com", "en")]),
        "Sev": ("send", "standard", None, [("ioana@example.com", "ro")]),
        "Pia": ("send", "gentle", "support_plan", [("pia.mum@example.com", "en")]),
        "Tom": ("send", "gentle", "part_time", [("tom.dad@example.com", "en")]),
        "Hal": ("send", "gentle", "health_need", [("hal.mum@example.com", "en")]),
        "Dee": ("held", None, "open_decision", []),
        "Neo": ("send", "standard", None, []),
    }
    counts = batch.counts()
    assert (counts["email:standard"], counts["email:gentle"], counts["email:thanks"]) == (5, 3, 1)
    assert (counts["language:pl"], counts["language:ro"], counts["child:no_email"]) == (1, 1, 13)
    maja = nudges.complete(next(i for i in batch.items if i.pupil.forename == "Maja"), FIRST_DAY_BACK).content
    assert (str(maja.days_missed), str(maja.illness_days), str(maja.medical_days), str(maja.median_days)) == (
        "5.5", "3", "0.5", "1")


def test_sending_queues_each_message_once_with_an_audit_event_and_a_rerun_sends_nothing(school):
    with at(FIRST_DAY_BACK):
        first = nudges.send(FIRST_DAY_BACK, "cli:test")
        again = nudges.send(FIRST_DAY_BACK, "cli:test")
    assert len(first.messages) == 9 and again.messages == []
    assert db.session.query(OutboxMessage).count() == 9
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "nudge.queued")).all()
    assert sorted(e.after["to"] for e in events) == sorted(r.email for _, r in first.messages)
    maja = next(e for e in events if e.after["to"] == "anna@example.com")
    assert (maja.object_type, maja.object_id, maja.after["language"], maja.after["days_missed"]) == (
        "Pupil", str(school["maja"].id), "pl", "5.5")


def test_a_held_message_goes_once_the_decision_is_made(school):
    with at(FIRST_DAY_BACK):
        nudges.send(FIRST_DAY_BACK, "cli:test")
    db.session.scalar(select(AbsenceReportChild).where(AbsenceReportChild.pupil_id == school["dee"].id)).status = \
        ACCEPTED
    db.session.commit()
    with at(date(2025, 11, 5)):
        batch = nudges.send(date(2025, 11, 5), "cli:test")
    assert [(i.pupil.forename, r.email) for i, r in batch.messages] == [("Dee", "dee.mum@example.com")]


def test_the_message_states_the_figures_the_parent_page_shows(school, client):
    bea = school["bea"]
    with at(FIRST_DAY_BACK):
        nudges.send(FIRST_DAY_BACK, "cli:test")
        page = child_attendance(bea, FIRST_DAY_BACK)
        sign_in_as(client, db.session.scalar(select(Contact).where(Contact.pupil_id == bea.id)).parent_account)
        html = client.get(f"/parent/children/{bea.id}").get_data(as_text=True)
    [message] = [m for m in db.session.scalars(select(OutboxMessage)) if m.recipients == ["bea.dad@example.com"]]
    text = message.body_text.replace("\u00a0", " ")
    assert str(page.missed) == "1.5 days" and f"has missed {page.missed}" in html
    assert f"Bea has missed {page.missed} out of {page.possible.days} school days" in text
    assert "The typical pupil at Bothal Primary School has missed 1 day so far." in text
    assert "about 7 days by 17 July 2026" in text  # 3 sessions in 78, over the year's 380: 14.6 sessions
    assert str(page.projected) == "7 days" and "will have missed about 7 days by the end of it" in html
    assert f"/parent/children/{bea.id}" in text
    # The school's own next step (examples/alp.toml [nudges.wording]) with its placeholders filled.
    assert "If anything is making school hard for Bea, please talk to us: call 01670 812 360" in text


def test_the_messages_are_in_the_subject_access_export(school):
    with at(FIRST_DAY_BACK):
        nudges.send(FIRST_DAY_BACK, "cli:test")
    from portal.services.subject_access import _collect

    officer = make_staff("officer@alp.example.com", "attendance_officer", trust="alp")
    document, _ = _collect([school["maja"]], officer, school["maja"], datetime(2025, 11, 5))
    assert sorted(e["recipients"][0] for e in document["emails"]) == ["anna@example.com", "piotr@example.com"]
    assert {e["action"] for e in document["audit_events"]} >= {"nudge.queued"}


def monthly_policy(tmp_path: Path) -> Path:
    path = tmp_path / "alp-monthly.toml"
    path.write_text(ALP.read_text().replace('schedule = "half_term"', 'schedule = "monthly"', 1))
    return path


def test_never_two_messages_about_one_child_to_a_family_within_a_week(app_ctx, tmp_path):
    load_trust(monthly_policy(tmp_path))
    pupil_with("Bea", {"O": 3}, parents=[("bea.dad@example.com", "Ben Bea", "")])
    sent = []
    for day in (date(2025, 11, 28), date(2025, 12, 1), date(2025, 12, 4), date(2025, 12, 5), date(2025, 12, 8)):
        with at(day):
            sent.append((day, len(nudges.send(day, "cli:test").messages)))
    # November's round on Friday 28th; December's waits until a week has passed, then goes once.
    assert sent == [(date(2025, 11, 28), 1), (date(2025, 12, 1), 0), (date(2025, 12, 4), 0),
                    (date(2025, 12, 5), 1), (date(2025, 12, 8), 0)]


def test_no_round_is_due_in_the_holiday_nor_when_the_policy_turns_messages_off(app_ctx, tmp_path):
    path = tmp_path / "alp-off.toml"
    path.write_text(ALP.read_text().replace('schedule = "half_term"', 'schedule = "off"', 1))
    load_trust(path)
    pupil_with("Bea", {"O": 3}, parents=[("bea.dad@example.com", "Ben Bea", "")])
    with at(FIRST_DAY_BACK):
        assert nudges.send(FIRST_DAY_BACK, "cli:test").messages == []
    assert db.session.query(OutboxMessage).count() == 0


@pytest.fixture
def smtp_app(make_app):
    server = SmtpServer()
    app = make_app(MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield app, server
    server.stop()


def test_a_polish_parent_receives_the_message_in_polish_through_a_real_smtp_server(smtp_app):
    app, server = smtp_app
    server.start()
    with app.app_context(), at(FIRST_DAY_BACK):
        load_trust()
        maja = pupil_with("Maja", {"I": 6, "O": 4, "M": 1}, parents=[("anna@example.com", "Anna Kowalska", "pl-PL")])
        maja_id = maja.id
        nudges.send(FIRST_DAY_BACK, "cli:test")
        assert notify.deliver_due() == (1, 0)
    [delivered] = server.inbox.messages
    body = plain_body(delivered).replace("\u00a0", " ")
    assert delivered["To"] == "anna@example.com"
    assert delivered["Subject"] == "Frekwencja – Maja: 5,5 dnia nieobecności w tym roku szkolnym"
    assert "W tym roku szkolnym Maja ma dotąd 5,5 dnia nieobecności na 39 dni nauki." in body
    assert "- Choroba: 3 dni" in body and "- Wizyty u lekarza lub dentysty: pół dnia" in body
    assert "do 17 lipca 2026 Maja będzie mieć około 27 dni nieobecności" in body
    assert "wiążący jest tekst angielski" in body
    assert f"/parent/children/{maja_id}" in body
    html = delivered.get_body(("html",)).get_content()
    assert '<html lang="pl">' in html and "Choroba: 3" in html
