"""Subject access export: everything held about a family, siblings included, another family never, only for staff
who may export at the pupil's school, with an audit event."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AbsenceReport, AbsenceReportChild, AuditEvent, ContactAttempt, EvidenceFile, LeaveDeclaration, LeaveRequest,
    LeaveRequestChild, OutboxMessage, ParentAccount, Pupil, SignInLink, StaffUser, SupportPlan, SupportPlanVersion,
)
from portal.services import NotFound, subject_access, uploads
from portal.services.audit_writer import record
from portal.services.permissions import NotPermitted

from factories import ALP, BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>"
       b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
NOW = datetime(2026, 11, 23, 10, 0)


@dataclass
class World:
    sam: Pupil  # Bothal; mother Jo and father Dan, both with parental responsibility
    tom: Pupil  # Bothal; Sam's brother (Jo)
    alex: Pupil  # Central (same trust); Sam's sister (Jo)
    zoe: Pupil  # Bothal; Dan's daughter from another relationship: Sam's half-sister, not Tom's
    lee: Pupil  # Bothal; Jo is only an emergency contact (no parental responsibility): not family
    kim: Pupil  # Bothal; another family entirely
    jo: ParentAccount
    pat: ParentAccount  # Kim's parent
    head: StaffUser  # headteacher at Bothal
    officer: StaffUser  # attendance officer across the whole trust
    office: StaffUser  # office at Bothal: may not export
    rise_park_head: StaffUser  # another trust's school


def report(parent: ParentAccount, pupils: list[Pupil], reference: str, details: str) -> AbsenceReport:
    made = AbsenceReport(reference=reference, submission_key=reference, parent_account_id=parent.id,
                         reported_at=datetime(2026, 10, 1, 7, 30), first_day=date(2026, 10, 1), part="day",
                         reason="illness", details=details, children=[AbsenceReportChild(pupil=p) for p in pupils])
    db.session.add(made)
    db.session.flush()
    record(f"parent:{parent.id}", "absence.reported", made, after={"reference": reference})
    db.session.add(OutboxMessage(created_at=NOW, key=f"absence:{reference}:received", recipients=[parent.email],
                                 subject=f"Absence reported: {reference}", body_text=f"We have your report {reference}",
                                 attempts=1, next_attempt_at=NOW, sent_at=NOW))
    db.session.commit()
    return made


@pytest.fixture
def world(app_ctx) -> World:
    load_trust(ALP)
    load_trust(RISE_PARK)
    sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
    tom = make_pupil(BOTHAL, forename="Tom", surname="Taylor")
    alex = make_pupil(CENTRAL, forename="Alex", surname="Taylor")
    zoe = make_pupil(BOTHAL, forename="Zoe", surname="Brown")
    lee = make_pupil(BOTHAL, forename="Lee", surname="Green")
    kim = make_pupil(BOTHAL, forename="Kim", surname="Other")
    jo = make_parent("jo@example.com", sam, tom, alex, name="Jo Taylor")
    make_parent("dan@example.com", sam, zoe, name="Dan Brown")
    make_parent("jo@example.com", lee, parental_responsibility=False, name="Jo Taylor (aunt)")
    pat = make_parent("pat@example.com", kim, name="Pat Other")
    world = World(sam, tom, alex, zoe, lee, kim, jo, pat,
                  head=make_staff("head@bothal.example", "headteacher", BOTHAL, name="Hana Head"),
                  officer=make_staff("officer@alp.example", "attendance_officer", trust="alp"),
                  office=make_staff("office@bothal.example", "office", BOTHAL),
                  rise_park_head=make_staff("head@risepark.example", "headteacher", RISE_PARK_URN))

    for pupil, code in ((sam, "I"), (tom, "/"), (alex, "/"), (zoe, "/"), (lee, "/"), (kim, "O")):
        add_marks(pupil, [(date(2026, 10, 1), "AM", code), (date(2026, 10, 1), "PM", code)])
    report(jo, [sam], "RSAM001", "Sam has a temperature")
    report(pat, [kim], "RKIM001", "Kim has a secret")

    request = LeaveRequest(
        reference="LSAM001", submission_key="LSAM001", parent_account_id=jo.id, school_id=sam.school_id,
        requested_at=datetime(2026, 9, 20, 9), first_day=date(2026, 11, 2), return_day=date(2026, 11, 9),
        circumstances="Grandmother's funeral in Krakow",
        children=[LeaveRequestChild(pupil=sam, status="approved", reasons="Exceptional: a funeral",
                                    decided_by_id=world.head.id, decided_at=datetime(2026, 9, 22, 9),
                                    letter={"status": "approved"})],
        declarations=[LeaveDeclaration(parent_account_id=jo.id, name="Jo Taylor", text="I declare this is true",
                                       declared_at=datetime(2026, 9, 20, 9))])
    db.session.add(request)
    db.session.flush()
    file = uploads.store(uploads.check(io.BytesIO(PDF), "Funeral notice.pdf"), f"parent:{jo.id}", sam.school_id,
                         jo.id)
    uploads.attach([file], "leave_request", request.id)
    other = uploads.store(uploads.check(io.BytesIO(PDF.replace(b"1.4", b"1.5")), "Kim letter.pdf"),
                          f"parent:{pat.id}", kim.school_id, pat.id)
    uploads.attach([other], "absence_report", db.session.scalar(
        select(AbsenceReport.id).where(AbsenceReport.reference == "RKIM001")))
    db.session.add(SignInLink(parent_account_id=jo.id, token_hash="a" * 64, created_at=NOW, expires_at=NOW))
    db.session.add(ContactAttempt(pupil_id=sam.id, date=date(2026, 10, 2), action="call",
                                  at=datetime(2026, 10, 2, 11), outcome="Mum says Sam is still ill",
                                  resolved=True, staff_id=world.office.id, recorded_at=datetime(2026, 10, 2, 10, 5)))
    plan = SupportPlan(pupil_id=sam.id, school_id=sam.school_id, owner_id=world.head.id, state="draft",
                       created_at=NOW)
    plan.versions.append(SupportPlanVersion(number=1, fields={"concerns": "Frequent Mondays"}, text="Plan text",
                                            sha256="b" * 64, created_at=NOW, created_by_id=world.head.id,
                                            updated_at=NOW))
    db.session.add(plan)
    db.session.commit()
    return world


def unpack(data: bytes) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["family.json"]), files


def upns(document: dict) -> set[str]:
    return {p["upn"] for p in document["pupils"]}


def test_the_export_holds_everything_about_the_family(world):
    document, files = unpack(subject_access.family_export(world.head, world.sam.id, now=NOW))

    assert {"README.txt", "family.json", "marks.csv"} <= set(files)
    sam = document["pupils"][0]
    assert sam["upn"] == world.sam.upn and sam["legal_forename"] == "Sam"
    assert {c["name"] for c in sam["contacts"]} == {"Jo Taylor", "Dan Brown"}
    assert [(m["date"], m["session"], m["code"]) for m in sam["marks"]] == [("2026-10-01", "AM", "I"),
                                                                             ("2026-10-01", "PM", "I")]
    assert sam["first_day_contact"][0]["outcome"] == "Mum says Sam is still ill"
    assert sam["support_plans"][0]["versions"][0]["fields"] == {"concerns": "Frequent Mondays"}
    assert {a["email"] for a in document["parent_accounts"]} == {"jo@example.com", "dan@example.com"}
    jo = next(a for a in document["parent_accounts"] if a["email"] == "jo@example.com")
    assert jo["sign_in_links"] == [{"created_at": NOW.isoformat(), "expires_at": NOW.isoformat(), "used_at": None}]
    assert jo["language"] is None  # the pages' language they chose (none yet: their contact's stands in)
    assert [r["reference"] for r in document["absence_reports"]] == ["RSAM001"]
    assert document["absence_reports"][0]["details"] == "Sam has a temperature"
    leave = document["leave_requests"][0]
    assert leave["circumstances"] == "Grandmother's funeral in Krakow"
    assert leave["children"][0]["status"] == "approved"
    assert leave["children"][0]["decided_by"] == {"name": "Hana Head", "email": "head@bothal.example"}
    assert leave["declarations"][0]["text"] == "I declare this is true"
    # The evidence file itself, as sent.
    [evidence_name] = leave["evidence"]
    assert files[evidence_name] == PDF and evidence_name.endswith("Funeral notice.pdf")
    assert document["evidence_files"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [e["subject"] for e in document["emails"]] == ["Absence reported: RSAM001"]
    assert {e["action"] for e in document["audit_events"]} >= {"absence.reported", "evidence.store",
                                                               "evidence.attach"}
    assert files["marks.csv"].decode().splitlines()[0] == "upn,date,session,code,minutes_late,comment,source," \
                                                          "recorded_at"
    assert "Before sending: review everything." in files["README.txt"].decode()


def test_siblings_sharing_a_parent_with_responsibility_are_included(world):
    document, _ = unpack(subject_access.family_export(world.head, world.sam.id, now=NOW))
    # Tom (brother) and Zoe (half-sister through Dan); Alex is at Central, where the head has no role.
    assert upns(document) == {world.sam.upn, world.tom.upn, world.zoe.upn}

    document, files = unpack(subject_access.family_export(world.officer, world.sam.id, now=NOW))
    assert upns(document) == {world.sam.upn, world.tom.upn, world.zoe.upn, world.alex.upn}  # trust-wide role
    assert files["marks.csv"].decode().count(world.alex.upn) == 2


def test_the_family_is_one_step_not_everyone_linked(world):
    # From Tom: Jo's children (Sam, Alex), but not Zoe, who is Dan's daughter and not Tom's half-sister.
    document, _ = unpack(subject_access.family_export(world.officer, world.tom.id, now=NOW))
    assert upns(document) == {world.tom.upn, world.sam.upn, world.alex.upn}


def test_another_family_is_never_included(world):
    _, files = unpack(subject_access.family_export(world.officer, world.sam.id, now=NOW))
    everything = b"\n".join(files.values())
    for secret in (world.kim.upn, "pat@example.com", "Kim has a secret", "RKIM001", "Kim letter", world.lee.upn):
        assert secret.encode() not in everything, secret
    assert not [name for name in files if name.startswith("evidence/") and files[name] != PDF]


def test_staff_of_another_school_are_refused_as_if_the_pupil_did_not_exist(world):
    with pytest.raises(NotFound):
        subject_access.family_export(world.rise_park_head, world.sam.id)
    with pytest.raises(NotFound):
        subject_access.pupil_by_upn(world.rise_park_head, world.sam.upn)
    assert subject_access.pupil_by_upn(world.head, f" {world.sam.upn.lower()} ") == world.sam


def test_office_staff_are_told_who_may_export(world):
    with pytest.raises(NotPermitted, match="headteacher, a senior leader or the attendance officer"):
        subject_access.family_export(world.office, world.sam.id)
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access.export")).all()


def test_each_export_is_audited_with_what_it_held(world):
    data = subject_access.family_export(world.head, world.sam.id, now=NOW)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access.export"))
    assert (event.actor, event.object_type, event.object_id) == (f"staff:{world.head.id}", "Pupil",
                                                                 str(world.sam.id))
    assert event.after["pupils"] == [world.sam.upn, world.zoe.upn, world.tom.upn]  # the pupil, then by surname
    assert event.after["evidence_files"] == 1 and event.after["absence_reports"] == 1
    assert event.after["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_missing_evidence_file_is_reported_not_fatal(world):
    stored = db.session.scalar(select(LeaveRequest).where(LeaveRequest.reference == "LSAM001"))
    uploads.path_for(db.session.scalar(select(EvidenceFile.stored_name).where(
        EvidenceFile.owner_id == stored.id, EvidenceFile.owner_type == "leave_request"))).unlink()

    document, files = unpack(subject_access.family_export(world.head, world.sam.id, now=NOW))

    assert document["evidence_files"][0]["on_disk"] is False
    assert not [name for name in files if name.startswith("evidence/")]
    assert "1 could not be found on disk" in files["README.txt"].decode()


def test_a_report_covering_a_sibling_at_another_school_leaks_nothing_of_them(world):
    """Jo reports Sam (Bothal) and Alex (Central) off together, with an appointment card: Bothal's export holds
    the report for Sam, but not the acknowledgement naming Alex, nor the card's copy for Central, nor Alex's UPN."""
    from portal.services import absences

    from factories import calendar, get_school

    day = calendar(BOTHAL).next_school_day(date(2026, 11, 24))
    draft = absences.AbsenceDraft([world.sam.id, world.alex.id], day, day, "day", "illness", "both-off",
                                  details="Both have a temperature")
    draft.evidence_ids = absences.store_evidence(world.jo, draft.pupil_ids, [
        type("Upload", (), {"stream": io.BytesIO(PDF.replace(b"1.4", b"1.6")), "filename": "card.pdf"})()], now=NOW)
    absences.submit(world.jo, draft, now=NOW)
    central = get_school(CENTRAL).name

    document, files = unpack(subject_access.family_export(world.head, world.sam.id, now=NOW))

    both = next(r for r in document["absence_reports"] if r["details"] == "Both have a temperature")
    assert [c["upn"] for c in both["children"]] == [world.sam.upn]
    assert len(both["evidence"]) == 1  # Bothal's copy of the card, not Central's
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        for secret in (world.alex.upn, "Alex", central):
            assert secret not in text, f"{name} names {secret}"
    assert "Left out: 1 email(s) and 1 audit event(s)" in files["README.txt"].decode()

    # The trust's attendance officer may export Central's pupils too: they see it all.
    document, files = unpack(subject_access.family_export(world.officer, world.sam.id, now=NOW))
    assert any("Alex" in e["text"] for e in document["emails"])
