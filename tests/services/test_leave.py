"""Term-time leave (issue 5) through the service, under both example policies: the notice and bar flags shown to the
decider and never a refusal (scenarios 19, 20), who may decide, approved days as C in the marks export and the rest
G only once taken, the late-return recoding with its effect on the penalty threshold (scenario 21), evidence with
the request (ALP) and who may read it, declarations, the letter and its PDF."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from PIL import Image, ImageFile
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.models import AuditEvent, Mark, OutboxMessage, StaffRole, StaffUser
from portal.models.evidence import EvidenceFile
from portal.models.leave import LeaveRequest
from portal.models.marks import SOURCE_PORTAL
from portal.services import NotFound, ServiceError, leave
from portal.services.exports import export_marks
from portal.services.policies import school_policy
from portal.services.permissions import NotPermitted
from portal.web.parent import leave as parent_leave_views  # noqa: F401  the emails link to these pages: until the
from portal.web.staff import leave as staff_leave_views  # noqa: F401  blueprints import them, register them here

from factories import ALP, BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, calendar, get_school, load_trust, \
    make_pupil, sessions
from parents import make_parent
from staff import make_staff


def png(colour=(20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name="booking.png", data=None) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data or png()), filename=name, content_type="image/png")


def draft(pupils, first, back, key="key-1", evidence=(), abroad=False, circumstances="A family funeral abroad"):
    return leave.LeaveDraft(pupil_ids=[p.id for p in pupils], first_day=first, return_day=back,
                            travelling_abroad=abroad, destinations="Poland" if abroad else "",
                            circumstances=circumstances, submission_key=key,
                            evidence_ids=[f.id for f in evidence])


def attended(pupil, first_day, present: int, absent: int):
    """`present` attended sessions then `absent` illness sessions from `first_day`, as MIS marks."""
    add_marks(pupil, sessions(calendar(pupil.school.urn), first_day, "/" * present + "I" * absent))


def flag(case_or_flags, key):
    flags = case_or_flags.flags if hasattr(case_or_flags, "flags") else case_or_flags
    return next(f.message for f in flags if f.key == key)


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def marks_of(pupil):
    return [(m.date, m.session, m.code) for m in db.session.scalars(
        select(Mark).where(Mark.pupil_id == pupil.id, Mark.source == SOURCE_PORTAL).order_by(Mark.date, Mark.session))]


# ------------------------------------------------------------------------------------------------------ ALP
NOW_ALP = datetime(2026, 11, 23, 10, 0)  # Monday


@pytest.fixture
def alp(app_ctx):
    load_trust(ALP)
    sam = make_pupil(BOTHAL, forename="Sam")
    ali = make_pupil(BOTHAL, forename="Ali")
    cal_sibling = make_pupil(CENTRAL, forename="Cal")
    jo = make_parent("jo@example.com", sam, ali, cal_sibling, name="Jo Taylor")
    alex = make_parent("alex@example.com", sam, ali, name="Alex Taylor")
    return {"sam": sam, "ali": ali, "cal": cal_sibling, "jo": jo, "alex": alex,
            "head": make_staff("head@bothal.example", "headteacher", BOTHAL),
            "office": make_staff("office@bothal.example", "office", BOTHAL)}


def send(family, pupils, first, back, key="key-1", now=NOW_ALP, files=1, parent="jo"):
    account = family[parent]
    evidence = leave.store_evidence(account, [p.id for p in pupils], [upload() for _ in range(files)]) if files else []
    return leave.submit(account, draft(pupils, first, back, key, evidence), declared=True, now=now)


def test_scenario_19_alp_short_notice_and_under_96_shown_to_the_head_not_refused(alp):
    sam = alp["sam"]
    attended(sam, date(2026, 9, 2), 84, 4)  # 84 of 88: 95.5%
    request = send(alp, [sam], date(2026, 12, 3), date(2026, 12, 10))  # 10 days' notice
    child = request.children[0]
    assert child.status == "pending" and request.decision_due == date(2026, 11, 30)  # "normally within 7 days"
    case = leave.case_for(alp["head"], child.id, NOW_ALP.date())
    assert "Under 14 days' notice: the request gives 10 days" in flag(case, "short_notice")
    assert "95.5% is below 96%: not authorisable under the policy" in flag(case, "below_attendance_bar")
    assert case.may_decide
    # Flagged, not refused: the head may still approve, giving reasons.
    leave.decide(alp["head"], child.id, case.assessment.school_days, "Exceptional: a funeral; evidence seen",
                 now=NOW_ALP)
    assert child.status == "approved"
    assert {"short_notice", "below_attendance_bar"} <= {f["key"] for f in child.flags_at_decision}


def test_alp_evidence_must_come_with_the_request(alp):
    with pytest.raises(leave.RequestNotValid) as refused:
        send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16), files=0)
    assert [p.field for p in refused.value.problems] == ["evidence"]
    assert "evidence sent later is not accepted" in str(refused.value)
    assert db.session.query(LeaveRequest).count() == 0
    request = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16), files=2, key="key-2")
    files = leave.request_evidence(request)
    assert len(files) == 2 and {(f.state, f.owner_type, f.owner_id) for f in files} == {
        ("attached", "leave_request", request.id)}


def test_siblings_at_one_school_in_one_request_each_decided_on_their_own(alp):
    request = send(alp, [alp["sam"], alp["ali"]], date(2026, 12, 14), date(2026, 12, 17))
    sam_child, ali_child = request.children
    leave.decide(alp["head"], sam_child.id, [date(2026, 12, 14), date(2026, 12, 15)], "Two days only", now=NOW_ALP)
    leave.decide(alp["head"], ali_child.id, [], "Not exceptional for Ali", now=NOW_ALP)
    assert (sam_child.status, ali_child.status) == ("part_approved", "refused")
    assert sam_child.approved_days == ["2026-12-14", "2026-12-15"] and ali_child.approved_days == []


def test_children_at_another_school_need_their_own_request(alp):
    with pytest.raises(leave.RequestNotValid) as refused:
        send(alp, [alp["sam"], alp["cal"]], date(2026, 12, 14), date(2026, 12, 16), files=0)
    assert "Cal is at Central Primary School" in str(refused.value)


def test_an_office_user_cannot_decide_the_headteacher_can(alp):
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).children[0]
    assert not leave.case_for(alp["office"], child.id, NOW_ALP.date()).may_decide
    with pytest.raises(NotPermitted) as refused:
        leave.decide(alp["office"], child.id, [date(2026, 12, 14)], "Fine by me")
    assert "Only the headteacher" in str(refused.value) and "can decide leave requests at" in str(refused.value)
    assert child.status == "pending" and marks_of(alp["sam"]) == []
    leave.decide(alp["head"], child.id, [date(2026, 12, 14), date(2026, 12, 15)], "Approved", now=NOW_ALP)
    assert child.status == "approved" and child.decided_by == alp["head"]


def test_staff_of_another_school_see_nothing(alp):
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).children[0]
    central_head = make_staff("head@central.example", "headteacher", CENTRAL)
    with pytest.raises(NotFound):
        leave.case_for(central_head, child.id, NOW_ALP.date())
    with pytest.raises(NotFound):
        leave.decide(central_head, child.id, [], "No")
    assert leave.leave_queue(central_head, NOW_ALP.date()) == []


def test_approved_days_are_C_in_the_export_and_the_rest_G_only_once_taken(alp, tmp_path):
    sam = alp["sam"]
    child = send(alp, [sam], date(2026, 12, 14), date(2026, 12, 21)).children[0]  # Mon-Fri, 10 sessions
    leave.decide(alp["head"], child.id, [date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 16)],
                 "A funeral: three days are enough", now=NOW_ALP)
    assert child.status == "part_approved"
    assert marks_of(sam) == [(date(2026, 12, d), s, "C") for d in (14, 15, 16) for s in ("AM", "PM")]
    path = tmp_path / "marks.csv"
    export_marks(path)
    rows = read_csv(path)
    assert [(r["date"], r["session"], r["code"]) for r in rows] == [
        (f"2026-12-{d}", s, "C") for d in (14, 15, 16) for s in ("AM", "PM")]
    assert all(r["upn"] == sam.upn and r["recorded_by"] == "head@bothal.example" for r in rows)

    # Later: Sam was away on the two days not approved as well.
    effect = leave.outcome_effect(alp["head"], child.id, "taken_after_refusal")
    [option] = effect.options
    assert option.unauthorised_sessions == 4 and not option.threshold.met
    leave.record_outcome(alp["head"], child.id, "taken_after_refusal", now=NOW_ALP + timedelta(days=30))
    export_marks(path)
    codes = [(r["date"], r["session"], r["code"]) for r in read_csv(path)]
    assert codes[-4:] == [("2026-12-17", "AM", "G"), ("2026-12-17", "PM", "G"), ("2026-12-18", "AM", "G"),
                          ("2026-12-18", "PM", "G")]
    assert child.outcome == "taken_after_refusal" and child.outcome_words == "Leave taken without approval"
    # The parents are told what the register now says, in words, once.
    [told] = [m for m in db.session.scalars(select(OutboxMessage)) if m.key and m.key.endswith(":outcome")]
    assert told.recipients == sorted(leave.decision_recipients(child))
    assert "Sam’s absence recorded" in told.subject
    assert ("- Thursday 17 December 2026: morning and afternoon, G (Holiday not granted by the school)"
            in told.body_text)
    assert "Friday 18 December 2026: morning and afternoon" in told.body_text


def test_approving_must_be_one_period_of_requested_school_days(alp):
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 21)).children[0]
    with pytest.raises(ServiceError, match="consecutive"):
        leave.decide(alp["head"], child.id, [date(2026, 12, 14), date(2026, 12, 16)], "Odd days")
    with pytest.raises(ServiceError, match="asked for"):
        leave.decide(alp["head"], child.id, [date(2026, 12, 21)], "Extra day")
    with pytest.raises(ServiceError, match="reasons"):
        leave.decide(alp["head"], child.id, [], "  ")
    leave.decide(alp["head"], child.id, [], "Not exceptional", now=NOW_ALP)
    with pytest.raises(ServiceError, match="already decided"):
        leave.decide(alp["head"], child.id, [], "Again")


def test_the_letter_goes_to_every_parent_with_parental_responsibility_and_its_pdf_says_the_decision(alp):
    make_parent("gran@example.com", alp["sam"], parental_responsibility=False, name="Gran")
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).children[0]
    leave.decide(alp["head"], child.id, [], "A holiday is not an exceptional circumstance.", now=NOW_ALP)
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key.like("%decided")))
    assert email.recipients == ["alex@example.com", "jo@example.com"]  # not Gran: no parental responsibility
    assert "has not approved leave of absence for Sam Taylor" in email.body_text
    assert "A holiday is not an exceptional circumstance." in email.body_text
    assert "£80 if paid within 21 days, or £160 if paid within 28 days" in email.body_text
    assert "/parent/leave/" in email.body_text and ".pdf" in email.body_text
    pdf = leave.letter_pdf(child)
    assert pdf.startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # WeasyPrint's import turns it on: truncated photos would pass
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "has not approved leave of absence for Sam Taylor" in text
    assert "A holiday is not an exceptional circumstance." in text
    assert "14 days' notice" in text and "below 96%" in text
    assert "Dear Jo Taylor and Alex Taylor" in text


def test_the_other_parent_is_asked_to_declare_and_staff_see_who_has(alp):
    request = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16))
    invite = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key.like("%declare%")))
    assert invite.recipients == ["alex@example.com"] and "Jo Taylor has asked" in invite.body_text
    case = leave.case_for(alp["head"], request.children[0].id, NOW_ALP.date())
    assert "1 of 2 parents with parental responsibility have declared; not yet: Alex Taylor" in flag(
        case, "declarations_missing")
    assert leave.may_declare(alp["alex"], request)
    declaration = leave.declare(alp["alex"], request.reference)
    assert declaration.name == "Alex Taylor" and "I have parental responsibility for Sam Taylor" in declaration.text
    assert leave.declare(alp["alex"], request.reference) is declaration  # twice is once
    assert [d.declared_at is not None for d in leave.declarations_status(request)] == [True, True]
    stranger = make_parent("stranger@example.com", make_pupil(BOTHAL, forename="Other"))
    with pytest.raises(NotFound):
        leave.declare(stranger, request.reference)


def test_the_same_submission_twice_makes_one_request_and_emails(alp):
    first = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16))
    again = leave.submit(alp["jo"], draft([alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)), True, NOW_ALP)
    assert first.id == again.id and db.session.query(LeaveRequest).count() == 1
    assert db.session.query(OutboxMessage).count() == 2  # the receipt, and Alex's invitation
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "leave.requested"))
    assert event.after["flags"] == {alp["sam"].upn: ["no_attendance_yet"]}


def test_without_the_declaration_nothing_is_sent(alp):
    evidence = leave.store_evidence(alp["jo"], [alp["sam"].id], [upload()])
    with pytest.raises(leave.RequestNotValid, match="declaration"):
        leave.submit(alp["jo"], draft([alp["sam"]], date(2026, 12, 14), date(2026, 12, 16), evidence=evidence),
                     declared=False, now=NOW_ALP)


def test_parents_see_their_requests_and_strangers_do_not(alp):
    request = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16))
    assert leave.requests_for(alp["alex"]) == [request] == leave.requests_for(alp["jo"])
    stranger = make_parent("stranger@example.com", make_pupil(BOTHAL, forename="Other"))
    assert leave.requests_for(stranger) == []
    with pytest.raises(NotFound):
        leave.request_for(stranger, request.reference)


def test_the_queue_shows_the_deadline_soonest_first_and_what_is_overdue(alp):
    late = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16), key="a", now=datetime(2026, 11, 2, 9))
    soon = send(alp, [alp["ali"]], date(2027, 1, 11), date(2027, 1, 13), key="b", now=NOW_ALP)
    items = leave.leave_queue(alp["office"], NOW_ALP.date())
    assert [i.request for i in items] == [late, soon]
    assert [(i.due, i.overdue) for i in items] == [(date(2026, 11, 9), True), (date(2026, 11, 30), False)]
    leave.decide(alp["head"], late.children[0].id, [], "No", now=NOW_ALP)
    assert [i.request for i in leave.leave_queue(alp["office"], NOW_ALP.date())] == [soon]
    assert [i.request for i in leave.leave_queue(alp["office"], date(2026, 12, 20), view="to_record")] == [late]


def test_staff_see_previous_requests_in_the_last_12_months(alp):
    old = send(alp, [alp["sam"]], date(2026, 2, 2), date(2026, 2, 4), key="old", now=datetime(2026, 1, 5, 9))
    leave.decide(alp["head"], old.children[0].id, [date(2026, 2, 2), date(2026, 2, 3)], "Yes",
                 now=datetime(2026, 1, 6, 9))
    older = send(alp, [alp["sam"]], date(2025, 10, 6), date(2025, 10, 8), key="older", now=datetime(2025, 9, 8, 9))
    new = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16), key="new")
    case = leave.case_for(alp["head"], new.children[0].id, NOW_ALP.date())
    assert [c.request for c in case.previous] == [old] and older not in [c.request for c in case.previous]
    assert "1 other leave request for Sam in the last 12 months; 1 approved." == flag(case, "previous_leave")


def test_evidence_is_readable_by_the_parent_who_sent_it_and_the_schools_staff_only(alp):
    request = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16))
    [file] = leave.request_evidence(request)
    assert leave.evidence_of(request, file.id, alp["jo"]).download_name.endswith(".png")
    assert leave.evidence_of(request, file.id, alp["office"]).file == file
    trust_wide = StaffUser(email="trust@alp.example", name="Trust", created_at=datetime(2026, 9, 1), roles=[
        StaffRole(trust_id=get_school(BOTHAL).trust_id, school_id=None, role="attendance_officer")])
    db.session.add(trust_wide)
    db.session.commit()
    assert leave.evidence_of(request, file.id, trust_wide).file == file
    central = make_staff("office@central.example", "office", CENTRAL)
    stranger = make_parent("stranger@example.com", make_pupil(BOTHAL, forename="Other"))
    for reader in (alp["alex"], stranger, central):  # even the other parent: the file is the sender's
        with pytest.raises(NotFound):
            leave.evidence_of(request, file.id, reader)
    other = send(alp, [alp["ali"]], date(2027, 1, 11), date(2027, 1, 13), key="other")
    with pytest.raises(NotFound):  # a file of another request, through this one
        leave.evidence_of(other, file.id, alp["jo"])


def test_files_for_a_request_are_checked_by_content(alp):
    from portal.services.uploads import UploadsRejected

    with pytest.raises(UploadsRejected) as rejected:
        leave.store_evidence(alp["jo"], [alp["sam"].id], [upload("letter.png", b"<html><script>x</script>")])
    assert "letter.png" in rejected.value.messages[0]
    with pytest.raises(leave.RequestNotValid, match="5 files or fewer"):
        leave.store_evidence(alp["jo"], [alp["sam"].id], [upload() for _ in range(6)])
    assert db.session.query(EvidenceFile).count() == 0


# ------------------------------------------------------------------------------------------------------ RP
@pytest.fixture
def rp(app_ctx):
    load_trust(RISE_PARK)
    ria = make_pupil(RISE_PARK_URN, forename="Ria")
    return {"ria": ria, "jo": make_parent("jo@example.com", ria, name="Jo Patel"),
            "head": make_staff("head@rp.example", "headteacher", RISE_PARK_URN),
            "office": make_staff("office@rp.example", "office", RISE_PARK_URN),
            "officer": make_staff("officer@rp.example", "attendance_officer", RISE_PARK_URN)}


def test_scenario_20_rp_25_school_days_meets_20_and_the_6_weeks_conflict_is_shown_to_staff(rp):
    now = datetime(2027, 4, 19, 9, 0)
    cal = calendar(RISE_PARK_URN)
    first = cal.nth_school_day_after(now.date(), 25)
    assert (first - now.date()).days < 42  # under 6 weeks
    request = send(rp, [rp["ria"]], first, first + timedelta(days=3), now=now)
    child = request.children[0]
    case = leave.case_for(rp["head"], child.id, now.date())
    assert case.assessment.notice_given == 25 and case.assessment.notice_met
    assert "short_notice" not in [f.key for f in case.flags]
    assert "meets 20 school days but not 6 weeks: the policy states both" in flag(case, "notice_conflict")
    assert "leave.notice" in [c.key for c in case.conflicts]
    assert child.status == "pending"  # shown, never refused
    # RP's own contradiction about attendance is shown too, and its 10-school-day deadline used.
    assert "past attendance is not considered" in flag(case, "attendance_bar_contradiction")
    assert request.decision_due == cal.nth_school_day_after(now.date(), 10)


def test_rp_evidence_is_required_but_a_request_without_it_reaches_the_head_flagged(rp):
    request = send(rp, [rp["ria"]], date(2027, 3, 1), date(2027, 3, 3), files=0, now=datetime(2027, 1, 11, 9))
    case = leave.case_for(rp["head"], request.children[0].id, date(2027, 1, 11))
    assert "The policy requires it, and the school will not chase it." in flag(case, "evidence_missing")


@pytest.mark.parametrize("role", ["office", "officer"])
def test_rp_only_the_headteacher_decides(rp, role):
    child = send(rp, [rp["ria"]], date(2027, 3, 1), date(2027, 3, 3), now=datetime(2027, 1, 11, 9)).children[0]
    with pytest.raises(NotPermitted):
        leave.decide(rp[role], child.id, [], "No")
    leave.decide(rp["head"], child.id, [], "No", now=datetime(2027, 1, 12, 9))
    assert child.status == "refused"


def test_scenario_21_rp_late_return_recodes_the_whole_period_and_shows_the_threshold(rp):
    ria = rp["ria"]
    # Leave granted Mon 1 to Fri 5 March 2027 (back Mon 8); Ria comes back on Wed 10 March.
    child = send(rp, [ria], date(2027, 3, 1), date(2027, 3, 8), now=datetime(2027, 1, 11, 9)).children[0]
    leave.decide(rp["head"], child.id, [date(2027, 3, d) for d in range(1, 6)], "Exceptional",
                 now=datetime(2027, 1, 12, 9))
    assert len(marks_of(ria)) == 10 and {c for *_, c in marks_of(ria)} == {"C"}
    effect = leave.outcome_effect(rp["head"], child.id, "returned_late", actual_return=date(2027, 3, 10))
    missed, whole = effect.options
    assert not effect.before.met and effect.before.counted == 0
    assert (missed.key, missed.default, missed.unauthorised_sessions, missed.threshold.met) == (
        "unauthorise_missed", True, 4, False)
    assert (whole.key, whole.unauthorised_sessions, whole.threshold.met, whole.threshold.counted) == (
        "unauthorise_whole_period", 14, True, 14)
    assert whole.local_runs  # Nottingham's 5-day rule too

    with pytest.raises(NotPermitted):  # taking back granted leave is a leave decision: not the office's
        leave.record_outcome(rp["office"], child.id, "returned_late", actual_return=date(2027, 3, 10),
                             choice="unauthorise_whole_period")
    leave.record_outcome(rp["head"], child.id, "returned_late", actual_return=date(2027, 3, 10),
                         choice="unauthorise_whole_period", note="Back two days late",
                         now=datetime(2027, 3, 10, 12))
    assert [c for *_, c in marks_of(ria)] == ["G"] * 14
    assert (child.outcome, child.late_return_choice, child.actual_return_day) == (
        "returned_late", "unauthorise_whole_period", date(2027, 3, 10))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "leave.outcome"))
    assert event.after["threshold_met"] is True and event.after["threshold_counted"] == 14
    assert event.after["marks_replaced"]["2027-03-01 AM"] == "C"
    with pytest.raises(ServiceError, match="Already recorded"):
        leave.record_outcome(rp["head"], child.id, "returned_on_time")


def test_scenario_21_default_unauthorises_only_the_days_missed(rp):
    ria = rp["ria"]
    child = send(rp, [ria], date(2027, 3, 1), date(2027, 3, 8), now=datetime(2027, 1, 11, 9)).children[0]
    leave.decide(rp["head"], child.id, [date(2027, 3, d) for d in range(1, 6)], "Exceptional",
                 now=datetime(2027, 1, 12, 9))
    leave.record_outcome(rp["head"], child.id, "returned_late", actual_return=date(2027, 3, 10),
                         now=datetime(2027, 3, 10, 12))
    assert [c for *_, c in marks_of(ria)] == ["C"] * 10 + ["G"] * 4
    assert child.late_return_choice == "unauthorise_missed"


def test_alp_late_return_offers_only_the_days_missed(alp):
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).children[0]
    leave.decide(alp["head"], child.id, [date(2026, 12, 14), date(2026, 12, 15)], "Yes", now=NOW_ALP)
    effect = leave.outcome_effect(alp["head"], child.id, "returned_late", actual_return=date(2026, 12, 17))
    assert [o.key for o in effect.options] == ["unauthorise_missed"]
    with pytest.raises(ServiceError, match="returned on time"):
        leave.outcome_effect(alp["head"], child.id, "returned_late", actual_return=date(2026, 12, 16))


def test_rp_notice_rule_read_from_the_policys_own_conflict(rp):
    policy = school_policy(RISE_PARK_URN)[0]
    assert [(r.amount, r.unit) for r in leave.also_stated_notice(policy)] == [(6, "weeks")]


def test_a_polish_parents_decision_email_arrives_in_polish_and_the_other_parents_in_english(alp):
    from portal.extensions import mail
    from portal.services import notify

    alp["jo"].language = "pl"
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).children[0]
    reference = child.request.reference
    db.session.query(OutboxMessage).delete()  # only the decision's emails below
    db.session.commit()
    leave.decide(alp["head"], child.id, [], "A holiday is not an exceptional circumstance.", now=NOW_ALP)
    with mail.record_messages() as outbox:
        assert notify.deliver_due(even_if_not_due=True) == (2, 0)
    by_recipient = {tuple(email.recipients): email for email in outbox}
    polish, english = by_recipient[("jo@example.com",)], by_recipient[("alex@example.com",)]
    assert polish.subject == f"Prośba o zwolnienie {reference}: decyzja szkoły w sprawie dziecka (Sam)"
    assert "Przeczytaj list w portalu" in polish.body and '<html lang="pl">' in polish.html
    assert "has not approved leave of absence for Sam Taylor" in polish.body  # the letter: the English original
    assert english.subject == f"Leave request {reference}: the school’s decision for Sam"
    assert "Read the letter in the portal" in english.body and "Przeczytaj" not in english.body


def delivered():
    """The queued emails, sent through the test SMTP server, by recipients."""
    from portal.extensions import mail
    from portal.services import notify

    with mail.record_messages() as outbox:
        notify.deliver_due(even_if_not_due=True)
    return {tuple(email.recipients): email for email in outbox}


def test_a_polish_parent_is_told_their_leave_request_was_received_in_polish(alp):
    alp["jo"].language = "pl"
    reference = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).reference
    received = delivered()[("jo@example.com",)]
    assert received.subject == f"Otrzymaliśmy prośbę o zwolnienie {reference}: to jeszcze nie jest decyzja"
    assert "To nie jest zgoda." in received.html and "To nie jest zgoda." in received.body
    assert "Sam Taylor: 4 części dnia (2 dni nauki)" in received.body
    assert "pierwszy dzień nieobecności: poniedziałek 14 grudnia 2026" in received.body
    assert '<html lang="pl">' in received.html
    assert "This is not permission" not in received.body


def test_the_other_parent_is_asked_for_a_declaration_in_their_own_language(alp):
    alp["alex"].language = "pl"  # Jo asks, in English; Alex reads Polish
    reference = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).reference
    emails = delivered()
    declare, received = emails[("alex@example.com",)], emails[("jo@example.com",)]
    assert declare.subject == f"Prośba o zwolnienie {reference}: prosimy dodać Państwa oświadczenie"
    assert "Jo Taylor prosi szkołę" in declare.body and "dodać własne oświadczenie" in declare.html
    assert received.subject == f"Leave request {reference} received: not yet a decision"
    assert "This is not permission" in received.body


def test_a_polish_parent_hears_the_leave_outcome_in_polish_the_other_in_english(alp):
    alp["jo"].language = "pl"
    child = send(alp, [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16)).children[0]
    reference = child.request.reference
    leave.decide(alp["head"], child.id, [], "Not exceptional", now=NOW_ALP)
    db.session.query(OutboxMessage).delete()
    db.session.commit()
    leave.record_outcome(alp["head"], child.id, "taken_after_refusal", now=NOW_ALP + timedelta(days=30))
    emails = delivered()
    polish, english = emails[("jo@example.com",)], emails[("alex@example.com",)]
    assert polish.subject == f"Prośba o zwolnienie {reference}: nieobecność dziecka (Sam) wpisana do dziennika"
    assert ("- poniedziałek 14 grudnia 2026: rano i po południu, G (Wyjazd wakacyjny, na który szkoła nie udzieliła "
            "zgody)" in polish.body)
    assert "Holiday not granted" not in polish.body
    assert "nieobecnością nieusprawiedliwioną" in polish.body and "If you think" not in polish.body
    assert english.subject == f"Leave request {reference}: Sam’s absence recorded"
    assert ("- Monday 14 December 2026: morning and afternoon, G (Holiday not granted by the school)"
            in english.body)
