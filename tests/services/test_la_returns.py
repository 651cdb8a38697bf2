"""Returns to the local authority, from a register built here: each lists the right pupils, downloads, and is
audited."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from portal.services import NotFound, ServiceError, la_returns

from factories import BOTHAL, add_marks, calendar, days, load_trust, make_pupil
from staff import make_staff

START, END = date(2026, 9, 1), date(2026, 11, 30)


@pytest.fixture
def school(app_ctx):
    load_trust()
    cal = calendar(BOTHAL)
    made = {}

    def pupil(key, *runs, **details):
        made[key] = make_pupil(BOTHAL, forename=key.title(), surname="Pupil", **details)
        for first, last, code in runs:
            add_marks(made[key], days(cal, first, last, code))

    pupil("ten", (date(2026, 10, 5), date(2026, 10, 16), "O"))  # 10 school days
    pupil("nine", (date(2026, 10, 5), date(2026, 10, 15), "O"), (date(2026, 10, 16), date(2026, 10, 16), "/"))
    # 20 school days of N, O and G across half-term and an INSET day (Mon 2 Nov).
    pupil("twenty", (date(2026, 10, 5), date(2026, 10, 16), "N"), (date(2026, 10, 19), date(2026, 11, 9), "G"))
    pupil("late_run", (date(2026, 10, 5), date(2026, 10, 16), "U"))  # U counts for the LA, not for deletion
    pupil("ill", (date(2026, 9, 14), date(2026, 10, 2), "I"))  # 15 school days
    pupil("bit_ill", (date(2026, 9, 14), date(2026, 9, 18), "I"))  # 5
    pupil("young", (date(2026, 9, 14), date(2026, 10, 9), "I"), date_of_birth=date(2022, 1, 10))  # not yet CSA
    pupil("part_time", (date(2026, 9, 14), date(2026, 9, 25), "C2"))
    pupil("new", admission_date=date(2026, 10, 1))
    pupil("gone", leaving_date=date(2026, 10, 15))
    head = make_staff("head@bothal.example", "headteacher", BOTHAL, name="Miss L Hall")
    officer = make_staff("officer@bothal.example", "attendance_officer", BOTHAL)
    return {"pupils": made, "head": head, "officer": officer}


def upns(school, *keys):
    return sorted(school["pupils"][k].upn for k in keys)


@pytest.mark.parametrize(("kind", "expected"), [
    ("continuous_absence", ("ten", "twenty", "late_run")),
    ("deletion_consideration", ("twenty",)),
    ("sickness", ("ill",)),
    ("part_time", ("part_time",)),
    ("admissions", ("new",)),
    ("deletions", ("gone",)),
])
def test_each_return_lists_the_right_pupils(school, kind, expected):
    found = la_returns.build(school["head"], BOTHAL, kind, START, END)
    assert sorted(r.pupil.upn for r in found.rows) == upns(school, *expected)


def test_runs_carry_their_dates_and_the_deletion_return_names_the_other_conditions(school):
    found = la_returns.build(school["head"], BOTHAL, "deletion_consideration", START, END)
    row = found.rows[0]
    assert (row.start, row.end, row.days) == (date(2026, 10, 5), date(2026, 11, 9), "20")
    assert "failed, after reasonable enquiry, to find the pupil" in found.note


def test_a_run_outside_the_period_is_not_on_the_return(school):
    found = la_returns.build(school["head"], BOTHAL, "continuous_absence", date(2026, 11, 10), END)
    assert found.rows == []


def test_sickness_counts_what_staff_expect(school):
    bit_ill = school["pupils"]["bit_ill"]
    found = la_returns.build(school["head"], BOTHAL, "sickness", START, END, expected={bit_ill.id: 10})
    assert sorted(r.pupil.upn for r in found.rows) == upns(school, "ill", "bit_ill")
    assert "10 more expected (confirmed by staff)" in next(r.detail for r in found.rows if r.pupil == bit_ill)


def test_the_csv_and_pdf_downloads_are_audited(school):
    found = la_returns.build(school["head"], BOTHAL, "continuous_absence", START, END)
    name, content, mimetype = la_returns.export(school["head"], found, "csv")
    assert (name, mimetype) == ("122239-continuous_absence-2026-09-01-to-2026-11-30.csv", "text/csv")
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert sorted(r["upn"] for r in rows) == upns(school, "ten", "twenty", "late_run")
    assert next(r for r in rows if r["upn"] == school["pupils"]["ten"].upn)["from"] == "2026-10-05"
    _, pdf, mimetype = la_returns.export(school["head"], found, "pdf")
    assert mimetype == "application/pdf" and pdf.startswith(b"%PDF")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "la_return.export")).all()
    assert [(e.actor, e.after["format"], e.after["from"]) for e in events] == [
        (f"staff:{school['head'].id}", "csv", "2026-09-01"), (f"staff:{school['head'].id}", "pdf", "2026-09-01")]


def test_bad_periods_and_other_roles_are_refused(school):
    with pytest.raises(ServiceError, match="ends before it starts"):
        la_returns.build(school["head"], BOTHAL, "admissions", END, START)
    with pytest.raises(ServiceError, match="Choose a return"):
        la_returns.build(school["head"], BOTHAL, "everything", START, END)
    with pytest.raises(NotFound):
        la_returns.build(school["officer"], BOTHAL, "admissions", START, END)
