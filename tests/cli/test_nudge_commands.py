"""`nudges preview` (a dry run: lists what would be sent, queues nothing) and `nudges send` (queues once)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import OutboxMessage

from factories import load_trust
from nudge_world import FIRST_DAY_BACK, at, pupil_with


def queued() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def world(app):
    with app.app_context():
        load_trust()
        pupil_with("Maja", {"I": 6, "O": 4, "M": 1}, parents=[("anna@example.com", "Anna Kowalska", "Polish")])
        pupil_with("Olu", {"I": 1}, parents=[("olu.mum@example.com", "Ada Olu", "")])
        pupil_with("Neo", {"O": 8})


def test_the_dry_run_lists_who_would_be_emailed_and_why_others_are_not_and_queues_nothing(app, runner):
    world(app)
    with at(FIRST_DAY_BACK):
        result = runner.invoke(args=["nudges", "preview", "--as-of", "2025-11-04", "--all"])
    assert result.exit_code == 0, result.output
    assert "Bothal Primary School: due, after Autumn term, first half (half-term:2025-10-24)" in result.output
    assert "Maja Nowak" in result.output
    assert "standard  to anna@example.com [pl]  missed 5.5 of 39 days (school median -)" in result.output
    assert "thanks  to olu.mum@example.com [en]" in result.output
    assert "Neo Nowak: nothing (no parent with parental responsibility has an email address)" in result.output
    assert "Emails: 2 (standard 1, thanks 1; English 1, Polish 1)" in result.output
    assert "Dry run: nothing queued. 2 emails would be queued" in result.output
    with app.app_context():
        assert queued() == 0


def test_send_queues_the_messages_once(app, runner):
    world(app)
    with at(FIRST_DAY_BACK):
        first = runner.invoke(args=["nudges", "send", "--as-of", "2025-11-04"])
        second = runner.invoke(args=["nudges", "send", "--as-of", "2025-11-04"])
    assert first.exit_code == 0, first.output
    assert "2 emails queued" in first.output and "0 emails queued" in second.output
    with app.app_context():
        assert queued() == 2


def test_on_a_day_with_no_round_nothing_is_due(app, runner):
    world(app)
    with at(FIRST_DAY_BACK):
        result = runner.invoke(args=["nudges", "preview", "--as-of", "2025-10-28"])  # half-term holiday
    assert "Bothal Primary School: no round due today" in result.output
    assert "0 emails would be queued" in result.output
