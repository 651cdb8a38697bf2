"""The migrations build the schema the models describe, on an empty database; and upgrades lose nothing.

Upgrades without loss: from every schema revision in migrations/versions, a database holding rows upgrades to
the newest schema with every row still there and unchanged.

For each revision the schema is made as `flask db upgrade REV` makes it, then filled with ROWS: each table that
exists at that revision gets its rows, with the columns it has at that revision (the SQL is built from the schema
as it is then, not from today's models). After `flask db upgrade` every row is read back: each value as written,
and each column added since holds what its migration gives old rows (ADDED_LATER, else empty).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, inspect, select

from conftest import _drop_everything
from portal.extensions import db


def test_upgrade_from_empty_matches_the_models(make_app):
    app = make_app()
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == [], f"the models differ from the migrations: run `flask db migrate`. {diff}"


AT = datetime(2026, 11, 23, 9, 5, 30)
DAY = date(2026, 11, 23)
HASH = "ab" * 32
# Kept figures are a cache, worked out again from the register: a migration may drop them (e8b1f4a7c2d9 does).
CACHES = {"pupil_figures", "child_page"}
# Columns a later migration adds, and what it gives the rows already there (the others: empty, NULL).
ADDED_LATER = {("absence_report_child", "answer"): "", ("pupil", "health_need"): False,
               ("contact", "preferred_language"): None}

# A trust with a school, a pupil and their family, marks, a report with evidence, a plan signed, contact logged, a
# leave request decided, and the housekeeping rows. In the order their foreign keys need.
ROWS: dict[str, list[dict]] = {
    "trust": [dict(id=1, slug="alp", name="Ashington Learning Partnership", short_name="ALP",
                   policy_source="[trust]\nname = \"Ashington Learning Partnership\"\n", policy_sha256=HASH,
                   policy_loaded_at=AT)],
    "school": [dict(id=1, trust_id=1, urn="122239", slug="bothal", name="Bothal Primary School",
                    local_authority="Northumberland", phone="01670 000000", email="office@bothal.example")],
    "site": [dict(id=1, school_id=1, slug="main", name="Main site")],
    "audit_event": [dict(id=1, at=AT, actor="cli:root", action="policy.load", object_type="Trust", object_id="1",
                         before=None, after={"sha256": HASH, "schools": ["122239"]})],
    "outbox_message": [dict(id=1, created_at=AT, key="absence-report:1:received", recipients=["jo@ashdown.example"],
                            subject="We have your report", body_text="Thank you", body_html="<p>Thank you</p>",
                            attempts=1, next_attempt_at=AT, last_error=None, sent_at=AT)],
    "parent_account": [dict(id=1, email="jo@ashdown.example", created_at=AT, last_signed_in_at=AT)],
    "staff_user": [dict(id=1, email="head@bothal.example", name="Pat Head", password_hash="$argon2id$v=19$x",
                        active=True, created_at=AT)],
    "staff_role": [dict(id=1, staff_id=1, trust_id=1, school_id=1, role="headteacher")],
    "pupil": [dict(id=1, upn="A929200125001", school_id=1, site_id=1, legal_forename="Samuel",
                   legal_surname="Ashdown", preferred_forename="Sam", date_of_birth=date(2018, 5, 1), year_group="Y2",
                   registration_group="2T", admission_date=date(2025, 9, 1), leaving_date=None, vulnerable=True)],
    "contact": [dict(id=1, pupil_id=1, name="Jo Ashdown", relationship="Mother", email="jo@ashdown.example",
                     phone="07700 900000", parental_responsibility=True, lives_with_pupil=True, priority=1,
                     parent_account_id=1)],
    "mark": [dict(id=1, pupil_id=1, date=DAY, session="AM", code="/", minutes_late=None, comment="", source="mis",
                  recorded_at=AT, recorded_by=None),
             dict(id=2, pupil_id=1, date=DAY, session="PM", code="I", minutes_late=None, comment="Dentist",
                  source="portal", recorded_at=AT, recorded_by="staff:1")],
    "absence_report": [dict(id=1, reference="AR-000001", submission_key="k-1", parent_account_id=1,
                            reported_at=AT, first_day=DAY, last_day=DAY, part="pm", reason="medical",
                            symptoms="", appointment_time=time(13, 30), details="Dentist in town",
                            late_reported=False, continues_id=None)],
    "sign_in_link": [dict(id=1, parent_account_id=1, token_hash=HASH, created_at=AT, expires_at=AT, used_at=AT)],
    "absence_report_child": [dict(id=1, report_id=1, pupil_id=1, status="accepted", code="I", note="",
                                  decided_by_id=1, decided_at=AT)],
    "evidence_file": [dict(id=1, stored_name="0123456789abcdef0123456789abcdef", original_name="letter.png",
                           content_type="image/png", size=2048, sha256=HASH, uploaded_at=AT, uploaded_by="parent:1",
                           parent_account_id=1, school_id=1, owner_type="absence_report", owner_id=1,
                           state="attached")],
    "support_plan": [dict(id=1, pupil_id=1, school_id=1, owner_id=1, state="active", created_at=AT, started_on=DAY,
                          review_date=date(2027, 1, 11), ended_at=None)],
    "support_plan_version": [dict(id=1, plan_id=1, number=1, fields={"concerns": "Mondays"}, text="Plan text",
                                  sha256=HASH, created_at=AT, created_by_id=1, updated_at=AT, issued_at=AT,
                                  issued_by_id=1)],
    "plan_signature": [dict(id=1, version_id=1, signer="parent:1", role="parent", outcome="signed",
                            parent_account_id=1, staff_id=None, typed_name="Jo Ashdown", reason="", sha256=HASH,
                            at=AT)],
    "plan_review": [dict(id=1, plan_id=1, due_on=DAY, reviewed_at=AT, reviewed_by_id=1, progress="Better",
                         outcome="continue", next_review_date=date(2027, 2, 8),
                         attendance_before={"attendance_pct": "88.0"}, attendance_since={"attendance_pct": "95.5"})],
    "contact_attempt": [dict(id=1, pupil_id=1, date=DAY, action="call", at=AT, outcome="No answer", resolved=False,
                             chase_email=False, staff_id=1, recorded_at=AT)],
    "leave_request": [dict(id=1, reference="LR-000001", submission_key="l-1", parent_account_id=1, school_id=1,
                           requested_at=AT, first_day=date(2027, 1, 18), return_day=date(2027, 1, 20),
                           travelling_abroad=True, destinations="Poland", circumstances="A funeral",
                           decision_due=date(2027, 1, 4))],
    "leave_declaration": [dict(id=1, request_id=1, parent_account_id=1, name="Jo Ashdown", text="I declare",
                               declared_at=AT)],
    "leave_request_child": [dict(id=1, request_id=1, pupil_id=1, attended_at_request=100, possible_at_request=110,
                                 status="refused", approved_days=[], reasons="Not exceptional",
                                 flags_at_decision={"below_90": True}, decided_by_id=1, decided_at=AT,
                                 letter={"body": "We cannot authorise"}, outcome=None, actual_first_day=None,
                                 actual_return_day=None, late_return_choice=None, outcome_note="",
                                 outcome_by_id=None, outcome_at=None)],
    "throttle_counter": [dict(key=HASH, hits=3, expires_at=AT)],
    "account_session": [dict(id=1, token_hash=HASH, parent_account_id=1, staff_id=None, remember=True,
                             created_at=AT, last_seen_at=AT, expires_at=AT, ended_at=None, ended_why=None)],
    "password_reset": [dict(id=1, staff_id=1, token_hash=HASH, created_at=AT, expires_at=AT, used_at=None)],
    "data_arrival": [dict(id=1, school_id=1, kind="marks", at=AT, file_name="marks.csv", rows=2)],
    "enrolment": [dict(id=1, pupil_id=1, school_id=1, admission_date=date(2025, 9, 1), leaving_date=None)],
    "draft": [dict(id=1, parent_account_id=1, kind="leave", data={"circumstances": "A funeral"}, saved_at=AT,
                   expires_at=AT)],
    "job_run": [dict(id=1, job="outbox send", started_at=AT, finished_at=AT, result="ok", detail="1 sent, 0 failed")],
    "nudge_stop": [dict(id=1, school_id=1, round_key="2026-27:1", stopped_by_id=1, stopped_at=AT)],
    "notice_to_improve": [dict(id=1, pupil_id=1, school_id=1, parent_name="Jo Ashdown",
                               parent_email="jo@ashdown.example", parent_account_id=1, state="sent",
                               fields={"expectation": "Every day"}, sha256=HASH, letter_date=DAY, period_start=DAY,
                               period_end=date(2027, 1, 22), drafted_at=AT, drafted_by_id=1, sent_at=AT,
                               sent_by_id=1, emailed_to="jo@ashdown.example", posted_on=DAY,
                               posted_recorded_by_id=1)],
    "penalty_decision": [dict(id=1, pupil_id=1, school_id=1, parent_name="Jo Ashdown",
                              reason="irregular_attendance", notice_to_improve_id=1, state="issued", issued_on=DAY,
                              received_on=DAY, kind="first", amount_paid=None, created_at=AT, created_by_id=1)],
    "penalty_decision_step": [dict(id=1, decision_id=1, step="issued", happened_on=DAY, note="", amount=80,
                                   staff_id=1, recorded_at=AT)],
    "part_time_timetable": [dict(id=1, pupil_id=1, school_id=1, starts_on=DAY, ends_on=date(2027, 1, 29),
                                 arrangement="Mornings only", consent_by="Jo Ashdown", consent_on=DAY,
                                 review_every_days=14, next_review_on=date(2027, 1, 4), created_at=AT,
                                 created_by_id=1)],
    "part_time_review": [dict(id=1, timetable_id=1, reviewed_on=DAY, note="Going well", staff_id=1,
                              recorded_at=AT)],
    "sickness_expectation": [dict(id=1, pupil_id=1, school_id=1, expected_further_days=10, confirmed_on=DAY,
                                  note="Hospital letter", staff_id=1, recorded_at=AT)],
    "deletion_check": [dict(id=1, pupil_id=1, school_id=1, run_start=DAY, run_end=DAY, run_days=20,
                            no_grounds_illness=True, school_enquiries="Called", la_enquiries="Asked",
                            decision="keep", reason="Still enquiring", decided_on=DAY, staff_id=1, recorded_at=AT)],
}


def revisions() -> list[str]:
    """Every revision in migrations/versions, oldest first."""
    from portal import ROOT

    scripts = ScriptDirectory(str(ROOT / "migrations"))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def test_every_table_has_representative_rows(app_ctx):
    missing = set(db.metadata.tables) - set(ROWS) - CACHES
    assert not missing, f"add rows for {sorted(missing)} to ROWS in {__name__}: their data must survive upgrades"


@pytest.mark.parametrize("revision", revisions())
def test_an_upgrade_from_each_revision_keeps_every_row(make_app, revision):
    app = make_app()
    with app.app_context():
        _drop_everything()
        upgrade(revision=revision)
        written = fill()
        upgrade()
        at_head = MetaData()
        for name, rows in written.items():
            table = Table(name, at_head, autoload_with=db.session.connection())
            found = {tuple(row._mapping[c.name] for c in table.primary_key.columns): row._mapping
                     for row in db.session.execute(select(table))}
            assert len(found) == len(rows), f"{name}: {len(rows)} rows before the upgrade, {len(found)} after"
            for row in rows:
                stored = found[tuple(row[c.name] for c in table.primary_key.columns)]
                expected = {column.name: row.get(column.name, ADDED_LATER.get((name, column.name)))
                            for column in table.columns}
                assert dict(stored) == expected, f"{name} row {row} changed in the upgrade from {revision}"
        if "pupil" in written and "enrolment" not in written:
            # made by its migration (d8e2b5c7a913): each pupil's one school so far
            enrolments = db.session.execute(select(Table("enrolment", at_head, autoload_with=db.session.connection())))
            assert [tuple(e) for e in enrolments] == [(1, 1, 1, date(2025, 9, 1), None)]
        db.session.rollback()


def fill() -> dict[str, list[dict]]:
    """ROWS into the tables the database has now, each with the columns it has now."""
    # Read the schema on the session's connection: in-memory SQLite has one connection, and another's end would
    # roll back the rows written so far.
    connection = db.session.connection()
    existing = set(inspect(connection).get_table_names())
    meta = MetaData()
    written = {}
    for name, rows in ROWS.items():
        if name not in existing:
            continue
        table = Table(name, meta, autoload_with=connection)
        unknown = {key for row in rows for key in row} - set(table.columns.keys())
        required = {c.name for c in table.columns if not c.nullable and c.server_default is None}
        unset = required - {key for row in rows for key in row}
        assert not unset, f"{name} needs values for {sorted(unset)} in ROWS"
        written[name] = [{k: v for k, v in row.items() if k not in unknown} for row in rows]
        db.session.execute(table.insert(), written[name])
    db.session.commit()
    return written
