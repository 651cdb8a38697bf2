"""`retention purge`: each kind goes after its period, a whole school year at a time; registers are kept at least 6
years whatever a policy says; a dry run changes nothing; a real run leaves one audit event with the counts."""

from __future__ import annotations

import io
import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AbsenceReport, AbsenceReportChild, AuditEvent, ContactAttempt, EvidenceFile, LeaveDeclaration, LeaveRequest,
    LeaveRequestChild, Mark, OutboxMessage, ParentAccount, Pupil, SignInLink, AccountSession, PasswordReset,
)
from portal.models.throttle import ThrottleCounter
from portal.services import retention, throttle, uploads
from portal.services.policies import load_policy_source

from factories import ALP, BOTHAL, RISE_PARK, RISE_PARK_URN, add_marks, get_school, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

AS_OF = date(2025, 9, 1)  # the first day of 2025/26: with 6 years, 2018/19 (ended 31 August 2019) may go
ONE_DAY_EARLIER = date(2025, 8, 31)
PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>"
       b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
_serial = itertools.count(1)


def purge(as_of: date = AS_OF, dry_run: bool = False, now: datetime | None = None) -> retention.PurgeResult:
    return retention.purge("cli:test", as_of=as_of, dry_run=dry_run, now=now, today=max(as_of, AS_OF))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def report(parent: ParentAccount, pupils: list[Pupil], reported_at: datetime, first_day: date,
           last_day: date | None = None, continues: AbsenceReport | None = None,
           decided_at: datetime | None = None) -> AbsenceReport:
    n = next(_serial)
    made = AbsenceReport(
        reference=f"R{n:06d}", submission_key=f"report-{n}", parent_account_id=parent.id, reported_at=reported_at,
        first_day=first_day, last_day=last_day, part="day", reason="illness", continues=continues,
        children=[AbsenceReportChild(pupil=p, status="accepted" if decided_at else "received", decided_at=decided_at)
                  for p in pupils],
    )
    db.session.add(made)
    db.session.commit()
    return made


def leave_request(parent: ParentAccount, pupil: Pupil, requested_at: datetime, first_day: date, return_day: date,
                  evidence_uploaded_at: datetime | None = None) -> LeaveRequest:
    n = next(_serial)
    made = LeaveRequest(
        reference=f"L{n:06d}", submission_key=f"leave-{n}", parent_account_id=parent.id, school_id=pupil.school_id,
        requested_at=requested_at, first_day=first_day, return_day=return_day, circumstances="A funeral abroad",
        children=[LeaveRequestChild(pupil=pupil, status="approved", decided_at=requested_at + timedelta(days=3),
                                    letter={"status": "approved"})],
        declarations=[LeaveDeclaration(parent_account_id=parent.id, name="Jo Parent", text="I declare",
                                       declared_at=requested_at)],
    )
    db.session.add(made)
    db.session.flush()
    if evidence_uploaded_at:
        evidence(parent, pupil, evidence_uploaded_at, owner=made)
    db.session.commit()
    return made


def evidence(parent: ParentAccount, pupil: Pupil, uploaded_at: datetime,
             owner: LeaveRequest | AbsenceReport | None = None) -> EvidenceFile:
    file = uploads.store(uploads.check(io.BytesIO(PDF), "GP letter.pdf"), f"parent:{parent.id}", pupil.school_id,
                         parent.id, now=uploaded_at)
    if owner is not None:
        uploads.attach([file], "leave_request" if isinstance(owner, LeaveRequest) else "absence_report", owner.id)
    db.session.commit()
    return file


def on_disk(file: EvidenceFile | str) -> bool:
    return uploads.path_for(file if isinstance(file, str) else file.stored_name).is_file()


def contact_step(pupil: Pupil, day: date, staff) -> ContactAttempt:
    step = ContactAttempt(pupil_id=pupil.id, date=day, action="call", at=datetime.combine(day, datetime.min.time())
                          + timedelta(hours=11), outcome="No answer", staff_id=staff.id,
                          recorded_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=10))
    db.session.add(step)
    db.session.commit()
    return step


def load_with_retention(path: Path, **years: int) -> None:
    """Load a shipped policy with other retention periods (e.g. register_years=3)."""
    source = path.read_text(encoding="utf-8")
    for key, value in years.items():
        line = next(line for line in source.splitlines() if line.startswith(f"{key} = "))
        source = source.replace(line, f"{key} = {value}", 1)
    load_policy_source(source, actor="test")


@pytest.fixture
def ctx(app_ctx):
    load_trust(ALP)  # registers, absence reports and leave requests 6 years; evidence 1 year
    return app_ctx


@pytest.fixture
def family(ctx):
    sam = make_pupil(BOTHAL, forename="Sam")
    return sam, make_parent("jo@example.com", sam)


# ------------------------------------------------------------------------------------------------- each kind
def test_marks_go_a_whole_school_year_at_a_time(family):
    sam, _ = family
    add_marks(sam, [(date(2018, 9, 3), "AM", "/"), (date(2019, 3, 15), "AM", "I"), (date(2019, 8, 30), "PM", "#"),
                    (date(2019, 9, 2), "AM", "/"), (date(2020, 3, 2), "PM", "U")])

    assert purge(ONE_DAY_EARLIER).counts["marks"] == 0  # 2018/19 is kept until 31 August 2025
    result = purge(AS_OF)

    assert result.counts["marks"] == 3  # the whole of 2018/19, and nothing of 2019/20
    assert sorted(m.date for m in db.session.scalars(select(Mark))) == [date(2019, 9, 2), date(2020, 3, 2)]
    assert result.trusts[0].marks_before == date(2019, 9, 1)


def test_registers_are_kept_six_years_even_if_the_policy_says_three(app_ctx):
    load_with_retention(ALP, register_years=3, absence_reports_years=3)
    sam = make_pupil(BOTHAL)
    parent = make_parent("jo@example.com", sam)
    add_marks(sam, [(date(2019, 3, 15), "AM", "I")])
    report(parent, [sam], datetime(2019, 3, 15, 8), date(2019, 3, 15))

    result = purge(date(2022, 9, 1))  # 3 years after 2018/19 ended

    assert result.counts["marks"] == 0 and count(Mark) == 1  # 6 years, not 3
    assert result.counts["absence_reports"] == 1  # the policy's own 3 years apply to reports
    cut = result.trusts[0]
    assert (cut.periods.register, cut.periods.register_raised_from, cut.marks_before) == (6, 3, date(2016, 9, 1))
    assert purge(date(2025, 8, 31)).counts["marks"] == 0
    assert purge(date(2025, 9, 1)).counts["marks"] == 1


def test_absence_reports_go_with_their_decisions_and_the_first_day_contact_log(family):
    sam, parent = family
    staff = make_staff("office@bothal.example", "office", BOTHAL)
    old = report(parent, [sam], datetime(2019, 3, 15, 8), date(2019, 3, 15), decided_at=datetime(2019, 3, 15, 10))
    later = report(parent, [sam], datetime(2019, 9, 3, 8), date(2019, 9, 3), continues=old)
    # Sent in August about a September absence: it belongs to the school year of the absence.
    ahead = report(parent, [sam], datetime(2019, 8, 20, 9), date(2019, 9, 4))
    contact_step(sam, date(2019, 3, 18), staff)
    kept_step = contact_step(sam, date(2019, 9, 9), staff)

    result = purge()

    assert (result.counts["absence_reports"], result.counts["contact_attempts"]) == (1, 1)
    db.session.expire_all()
    assert sorted(r.id for r in db.session.scalars(select(AbsenceReport))) == sorted([later.id, ahead.id])
    assert count(AbsenceReportChild) == 2
    assert db.session.get(AbsenceReport, later.id).continues_id is None  # it now stands on its own
    assert [a.id for a in db.session.scalars(select(ContactAttempt))] == [kept_step.id]


def test_leave_requests_go_with_children_declarations_and_evidence(family):
    sam, parent = family
    old = leave_request(parent, sam, datetime(2019, 1, 10, 9), date(2019, 3, 4), date(2019, 3, 11),
                        evidence_uploaded_at=datetime(2019, 1, 10, 9))
    old_file = db.session.scalar(select(EvidenceFile).where(EvidenceFile.owner_id == old.id)).stored_name
    # Asked in July 2019 for leave in October: it belongs to 2019/20 and stays.
    kept = leave_request(parent, sam, datetime(2019, 7, 1, 9), date(2019, 10, 7), date(2019, 10, 14))

    result = purge()

    assert result.counts["leave_requests"] == 1
    assert [r.id for r in db.session.scalars(select(LeaveRequest))] == [kept.id]
    assert count(LeaveRequestChild) == 1 and count(LeaveDeclaration) == 1
    assert result.counts["evidence_files"] == 1 and count(EvidenceFile) == 0
    assert not on_disk(old_file)


def test_evidence_goes_after_its_own_shorter_period_and_the_request_stays(family):
    sam, parent = family
    request = leave_request(parent, sam, datetime(2024, 5, 1, 9), date(2024, 6, 10), date(2024, 6, 17),
                            evidence_uploaded_at=datetime(2024, 5, 1, 9))
    gone = db.session.scalar(select(EvidenceFile).where(EvidenceFile.owner_id == request.id))
    # Sent in 2023/24 for leave in 2024/25: kept with that year.
    later_leave = leave_request(parent, sam, datetime(2024, 7, 1, 9), date(2024, 10, 7), date(2024, 10, 14),
                                evidence_uploaded_at=datetime(2024, 7, 1, 9))
    kept_with_leave = db.session.scalar(select(EvidenceFile).where(EvidenceFile.owner_id == later_leave.id))
    kept = evidence(parent, sam, datetime(2024, 10, 1, 9), owner=request)
    gone_name = gone.stored_name

    assert purge(ONE_DAY_EARLIER).counts["evidence_files"] == 0
    result = purge()

    assert result.counts["evidence_files"] == 1 and result.counts["leave_requests"] == 0
    assert sorted(f.id for f in db.session.scalars(select(EvidenceFile))) == sorted([kept.id, kept_with_leave.id])
    assert not on_disk(gone_name) and on_disk(kept) and on_disk(kept_with_leave)
    assert count(LeaveRequest) == 2


def test_appointment_evidence_goes_with_its_report_or_after_its_own_period(family):
    sam, parent = family
    old = report(parent, [sam], datetime(2019, 3, 15, 7), date(2019, 3, 15))
    with_old = evidence(parent, sam, datetime(2019, 3, 15, 7), owner=old).stored_name
    recent = report(parent, [sam], datetime(2024, 6, 3, 7), date(2024, 6, 3))
    past_its_year = evidence(parent, sam, datetime(2024, 6, 3, 7), owner=recent).stored_name
    # Sent in August for an appointment in September: it belongs to the school year of the appointment.
    ahead = report(parent, [sam], datetime(2024, 8, 28, 7), date(2024, 9, 10))
    kept = evidence(parent, sam, datetime(2024, 8, 28, 7), owner=ahead)

    result = purge()

    assert (result.counts["absence_reports"], result.counts["evidence_files"]) == (1, 2)
    assert sorted(r.id for r in db.session.scalars(select(AbsenceReport))) == sorted([recent.id, ahead.id])
    assert [f.id for f in db.session.scalars(select(EvidenceFile))] == [kept.id]
    assert not on_disk(with_old) and not on_disk(past_its_year) and on_disk(kept)


def test_a_report_for_children_of_two_trusts_waits_for_the_longer_period(ctx):
    load_with_retention(RISE_PARK, absence_reports_years=8)
    here, there = make_pupil(BOTHAL), make_pupil(RISE_PARK_URN)
    parent = make_parent("jo@example.com", here, there)
    report(parent, [here, there], datetime(2019, 3, 15, 8), date(2019, 3, 15))

    assert purge().counts["absence_reports"] == 0
    assert purge(date(2027, 8, 31)).counts["absence_reports"] == 0
    assert purge(date(2027, 9, 1)).counts["absence_reports"] == 1


def test_housekeeping_links_sent_email_and_rate_limit_windows(family):
    _, parent = family
    now = datetime(2025, 9, 1, 12, 0)
    for n, expires in enumerate([now - timedelta(days=2), now - timedelta(hours=12), now + timedelta(minutes=5)]):
        db.session.add(SignInLink(parent_account_id=parent.id, token_hash=f"{n:064d}", created_at=expires,
                                  expires_at=expires))
    for n, sent in enumerate([now - timedelta(days=91), now - timedelta(days=89), None]):
        created = now - timedelta(days=100)
        db.session.add(OutboxMessage(created_at=created, key=f"k{n}", recipients=["jo@example.com"], subject="Hi",
                                     body_text="Hello", attempts=1, next_attempt_at=created, sent_at=sent))
    db.session.commit()
    throttle.hit("ended", 5, 60, now=now - timedelta(minutes=5))
    throttle.hit("current", 5, 900, now=now - timedelta(minutes=5))

    result = purge(now=now)

    assert (result.counts["sign_in_links"], result.counts["sent_emails"], result.counts["rate_limit_windows"]) == (
        1, 1, 1)
    assert count(SignInLink) == 2
    assert sorted(m.key for m in db.session.scalars(select(OutboxMessage))) == ["k1", "k2"]  # unsent mail stays
    assert count(ThrottleCounter) == 1


# ------------------------------------------------------------------------------------------------- runs
@pytest.fixture
def old_records(family):
    sam, parent = family
    add_marks(sam, [(date(2019, 3, 15), "AM", "I"), (date(2019, 9, 2), "AM", "/")])
    report(parent, [sam], datetime(2019, 3, 15, 8), date(2019, 3, 15))
    leave_request(parent, sam, datetime(2019, 1, 10, 9), date(2019, 3, 4), date(2019, 3, 11),
                  evidence_uploaded_at=datetime(2019, 1, 10, 9))
    return sam, parent


def snapshot() -> dict:
    return {model.__name__: count(model) for model in (Mark, AbsenceReport, AbsenceReportChild, LeaveRequest,
                                                       LeaveRequestChild, LeaveDeclaration, EvidenceFile)}


def test_a_dry_run_counts_the_same_but_changes_nothing_and_records_no_event(old_records):
    before = snapshot()
    files = [f.stored_name for f in db.session.scalars(select(EvidenceFile))]

    dry = purge(dry_run=True)

    assert dry.dry_run and dry.counts["marks"] == 1 and dry.counts["absence_reports"] == 1
    assert dry.counts["leave_requests"] == 1 and dry.counts["evidence_files"] == 1
    assert snapshot() == before
    assert all(on_disk(name) for name in files)
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()

    real = purge()
    assert real.counts == dry.counts and not real.dry_run


def test_a_real_run_records_one_audit_event_with_the_counts(old_records):
    result = purge()

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.object_type, event.object_id) == ("cli:test", "Retention", "2025-09-01")
    assert event.after["counts"] == result.counts
    assert event.after["counts"]["marks"] == 1
    assert event.after["trusts"]["alp"]["marks_before"] == "2019-09-01"

    again = purge()  # nothing left to delete: still one event for the run
    assert again.total == 0
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()) == 2


def test_a_day_that_has_not_come_is_only_a_dry_run(old_records):
    with pytest.raises(retention.FutureDate):
        retention.purge("cli:test", as_of=date(2031, 9, 1), today=AS_OF)
    # A preview of 1 September 2031, when everything before 2025/26 may go (both marks); nothing goes now.
    assert retention.purge("cli:test", as_of=date(2031, 9, 1), today=AS_OF, dry_run=True).counts["marks"] == 2
    assert count(Mark) == 2


def test_a_school_of_another_trust_is_judged_by_its_own_policy(ctx):
    load_with_retention(RISE_PARK, register_years=10)
    here, there = make_pupil(BOTHAL), make_pupil(RISE_PARK_URN)
    for pupil in (here, there):
        add_marks(pupil, [(date(2019, 3, 15), "AM", "I")])

    result = purge()

    assert result.counts["marks"] == 1
    assert [m.pupil_id for m in db.session.scalars(select(Mark))] == [there.id]
    assert get_school(RISE_PARK_URN).trust.slug in {t.slug for t in result.trusts}


def test_sessions_long_over_and_expired_password_reset_links_go(family):
    _, parent = family
    now = datetime(2025, 9, 1, 12, 0)
    staff = make_staff("office@bothal.example", "office", "122239")
    for n, expires in enumerate([now - timedelta(days=91), now - timedelta(days=89), now + timedelta(days=29)]):
        db.session.add(AccountSession(token_hash=f"{n:064d}", parent_account_id=parent.id, remember=True,
                                      created_at=expires - timedelta(days=30), last_seen_at=expires,
                                      expires_at=expires))
    for n, expires in enumerate([now - timedelta(days=2), now + timedelta(minutes=5)]):
        db.session.add(PasswordReset(staff_id=staff.id, token_hash=f"{n:064d}", created_at=expires,
                                     expires_at=expires))
    db.session.commit()

    result = purge(now=now)

    assert (result.counts["sessions"], result.counts["reset_links"]) == (1, 1)
    assert count(AccountSession) == 2 and count(PasswordReset) == 1
