"""`retention purge`: prints each trust's cutoffs and the counts; --dry-run deletes nothing and says so."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Mark
from portal.services.policies import load_policy_source

from factories import ALP, BOTHAL, add_marks, load_trust, make_pupil


def marks() -> int:
    return db.session.scalar(select(func.count(Mark.id)))


def test_a_dry_run_prints_the_counts_and_deletes_nothing(app, runner):
    with app.app_context():
        load_trust()
        add_marks(make_pupil(BOTHAL), [(date(2019, 3, 15), "AM", "I"), (date(2019, 9, 2), "AM", "/")])

    result = runner.invoke(args=["retention", "purge", "--dry-run", "--as-of", "2025-09-01"])

    assert result.exit_code == 0, result.output
    assert "Retention as of 1 September 2025" in result.output
    assert "register marks dated before 1 September 2019 (6 years)" in result.output
    assert "evidence files before 1 September 2024 (1 year)" in result.output
    assert "Would delete:" in result.output
    assert any(line.split() == ["register", "marks", "1"] for line in result.output.splitlines())
    assert "Dry run: nothing was deleted and no audit event was recorded." in result.output
    with app.app_context():
        assert marks() == 2
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "retention.purge")) == 0


def test_a_real_run_deletes_and_records_the_event(app, runner):
    with app.app_context():
        load_trust()
        add_marks(make_pupil(BOTHAL), [(date(2019, 3, 15), "AM", "I"), (date(2019, 9, 2), "AM", "/")])

    result = runner.invoke(args=["retention", "purge", "--as-of", "2025-09-01"])

    assert result.exit_code == 0, result.output
    assert "Deleted:" in result.output
    assert "1 record(s) deleted; audit event retention.purge recorded." in result.output
    with app.app_context():
        assert marks() == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.purge"))
        assert event.actor.startswith("cli:") and event.after["counts"]["marks"] == 1


def test_a_later_day_is_refused_without_dry_run(app, runner):
    result = runner.invoke(args=["retention", "purge", "--as-of", "2999-09-01"])
    assert result.exit_code == 1
    assert "has not come yet" in result.output


def test_the_policy_floor_is_shown(app, runner):
    with app.app_context():
        load_policy_source(ALP.read_text().replace("register_years = 6", "register_years = 3", 1), actor="test")
    result = runner.invoke(args=["retention", "purge", "--dry-run", "--as-of", "2025-09-01"])
    assert "(6 years; the policy says 3, the law requires at least 6)" in result.output
