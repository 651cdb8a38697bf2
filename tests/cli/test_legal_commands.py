"""`legal remind` queues part-time timetable review reminders once; `legal return` prints a return as CSV, as a
member of staff whose role allows it, audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, StaffUser
from portal.services import part_time_timetables

from factories import BOTHAL, add_marks, calendar, days, load_trust, make_pupil
from staff import make_staff


def test_remind_queues_each_review_once(app, runner):
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        head = make_staff("head@bothal.example", "headteacher", BOTHAL)
        part_time_timetables.record_timetable(head, sam.id, date(2026, 9, 14), date(2026, 10, 9), "Mornings",
                                              "Jo Taylor", date(2026, 9, 14), 14, date(2026, 9, 14))
    first = runner.invoke(args=["legal", "remind", "--as-of", "2026-09-28"])
    again = runner.invoke(args=["legal", "remind", "--as-of", "2026-09-28"])
    assert first.exit_code == 0 and "Sam Taylor" in first.output and "1 reminder queued" in first.output
    assert "0 reminders queued" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_return_prints_csv_for_staff_whose_role_allows_it(app, runner):
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        add_marks(sam, days(calendar(BOTHAL), date(2026, 10, 5), date(2026, 10, 16), "O"))
        make_staff("head@bothal.example", "headteacher", BOTHAL)
        make_staff("office@bothal.example", "office", BOTHAL)
        upn = sam.upn
    result = runner.invoke(args=["legal", "return", "--school", BOTHAL, "--kind", "continuous_absence", "--from",
                                 "2026-09-01", "--to", "2026-10-31", "--as", "head@bothal.example"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("upn,legal_surname") and lines[1].startswith(f"{upn},Taylor,Sam")
    with app.app_context():
        head = db.session.scalar(select(StaffUser).where(StaffUser.email == "head@bothal.example"))
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "la_return.export")).one()
        assert event.actor == f"staff:{head.id}" and event.after["pupils"] == [upn]
    refused = runner.invoke(args=["legal", "return", "--school", BOTHAL, "--kind", "admissions", "--from",
                                  "2026-09-01", "--to", "2026-10-31", "--as", "office@bothal.example"])
    assert refused.exit_code != 0 and "no school with URN 122239" in refused.output
