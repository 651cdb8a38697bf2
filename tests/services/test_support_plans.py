"""Support plans: drafting from the register, signing bound to the exact text, versions, declines, reviews,
reminders, the PDF; and who may see what."""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

# Until the lead imports them from the blueprints' __init__, the routes the emails link to are registered here.
import portal.web.parent.plans  # noqa: F401
import portal.web.staff.plans  # noqa: F401
from portal.domain import support_plan as rules
from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, ParentAccount, Pupil, StaffUser
from portal.models.support_plan import ACTIVE, CLOSED, DRAFT, ESCALATED, PlanSignature
from portal.services import NotFound, ServiceError, support_plans as plans
from portal.services.attendance import pupil_attendance
from portal.services.permissions import NotPermitted

from factories import ALP, BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, calendar, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

MEETING = date(2026, 10, 5)  # a Monday in the ALP example's autumn term
DRAFTED = datetime(2026, 10, 5, 15, 30)
SENT = datetime(2026, 10, 5, 16, 0)
REVIEW = date(2026, 11, 16)


@dataclass
class Family:
    sam: Pupil
    jo: ParentAccount  # mother, parental responsibility
    alex: ParentAccount  # father, parental responsibility, separate account
    step: ParentAccount  # no parental responsibility
    stranger: ParentAccount  # another family's parent
    officer: StaffUser  # attendance officer at Bothal: may draft plans
    teacher: StaffUser  # teacher at Bothal: may not
    central: StaffUser  # attendance officer at Central: another school


def mark_september(pupil: Pupil, urn: str = BOTHAL, absent_days: int = 3) -> None:
    """Every school session from 1 September to 2 October present, but the first `absent_days` days: I then O."""
    days = calendar(urn).school_days(date(2026, 9, 1), date(2026, 10, 2))
    marks = []
    for index, day in enumerate(days):
        for session in calendar(urn).sessions_on(day):
            code = ("I" if index % 2 else "O") if index < absent_days else ("/" if session == "AM" else "\\")
            marks.append((day, session, code))
    add_marks(pupil, marks)


def make_family() -> Family:
    load_trust()
    sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", registration_group="2T")
    other = make_pupil(BOTHAL, forename="Kim", surname="Jones")
    mark_september(sam)
    return Family(
        sam=sam,
        jo=make_parent("jo@example.com", sam, name="Jo Taylor"),
        alex=make_parent("alex@example.com", sam, name="Alex Taylor"),
        step=make_parent("step@example.com", sam, name="Chris Step", parental_responsibility=False),
        stranger=make_parent("stranger@example.com", other, name="Pat Jones"),
        officer=make_staff("officer@bothal.example", "attendance_officer", BOTHAL, name="Ann Officer"),
        teacher=make_staff("teacher@bothal.example", "teacher", BOTHAL),
        central=make_staff("officer@central.example", "attendance_officer", CENTRAL),
    )


@pytest.fixture
def family(app_ctx) -> Family:
    return make_family()


def plan_input(**changes) -> plans.PlanInput:
    data = plans.PlanInput(
        meeting_date=MEETING, review_date=REVIEW, attendees_parents="Jo Taylor", attendees_school="Ann Officer",
        concerns="Frequent Monday absences.", parent_views="Mornings are hard with the baby.",
        barriers="Nursery run for a younger sibling.",
        support_offered=["Help with morning routine or transition", "Check-ins with key adult/staff member"],
        parent_commitments=list(rules.ALP_APPENDIX_1.parent_commitments),
        school_commitments=list(rules.ALP_APPENDIX_1.school_commitments),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def sent_plan(f: Family):
    plan = plans.draft_plan(f.officer, f.sam.id, plan_input(), now=DRAFTED)
    plans.send_for_signing(f.officer, plan.id, now=SENT)
    return plan


def sign(account, plan, at=datetime(2026, 10, 6, 19, 0), name=None):
    version = plan.current
    return plans.sign_as_parent(account, plan.id, version.number, version.sha256,
                                name or account.contacts[0].name, True, now=at)


def outbox(key_part: str = "") -> list[OutboxMessage]:
    return [m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)) if key_part in (m.key or "")]


# ---------------------------------------------------------------- drafting


def test_a_draft_has_every_field_of_appendix_1_and_the_attendance_from_the_register(family):
    plan = plans.draft_plan(family.officer, family.sam.id, plan_input(), now=DRAFTED)
    assert plan.state == DRAFT and plan.reference == f"SP-{plan.id:05d}" and plan.review_date == REVIEW
    version = plan.latest
    assert version.number == 1 and version.issued_at is None and plan.current is None
    f = version.fields
    assert set(f) == set(rules.FIELD_KEYS)
    # 3 days absent of the school days from 1 September to the meeting, as the attendance summary counts them.
    summary = pupil_attendance(family.sam.upn, as_of=MEETING).json
    assert f["attendance"]["pct"] == summary["attendance_pct"] and f["attendance"]["days_missed"] == "3.0"
    assert f["attendance"]["target"] == "97" and f["attendance"]["to"] == "2026-10-05"
    assert f["purpose"].startswith(f"The current attendance level for the pupil is {summary['attendance_pct']}%, "
                                   "which is below the school's expectation of 97% and above.")
    # The checklist keeps the policy's order, whatever order the form sent.
    assert f["support_offered"] == ["Check-ins with key adult/staff member", "Help with morning routine or transition"]
    assert version.text == rules.render_text(rules.document(f))
    assert version.sha256 == hashlib.sha256(version.text.encode()).hexdigest()
    assert "Pupil name: Sam Taylor" in version.text and "Class: 2T" in version.text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_plan.draft"))
    assert event.actor == f"staff:{family.officer.id}" and event.after["sha256"] == version.sha256


def test_a_meeting_in_the_future_takes_the_figure_as_of_today(family):
    plan = plans.draft_plan(family.officer, family.sam.id, plan_input(meeting_date=date(2026, 10, 12)),
                            now=DRAFTED)
    assert plan.latest.fields["attendance"]["to"] == "2026-10-05"


def test_only_the_roles_the_policy_names_draft_plans_and_only_at_their_schools(family):
    with pytest.raises(NotPermitted, match="Only the attendance officer, the headteacher or the senior leader"):
        plans.draft_plan(family.teacher, family.sam.id, plan_input(), now=DRAFTED)
    with pytest.raises(NotFound):
        plans.draft_plan(family.central, family.sam.id, plan_input(), now=DRAFTED)
    plan = plans.draft_plan(family.officer, family.sam.id, plan_input(), now=DRAFTED)
    for who in (family.teacher, family.central):
        with pytest.raises((NotFound, NotPermitted)):
            plans.staff_plan(who, plan.id)
    assert plans.plans_for_staff(family.central) == [] and plans.plans_for_staff(family.teacher) == []
    assert plans.plans_for_staff(family.officer) == [plan]
    trust_wide = make_staff("head@alp.example", "headteacher", trust="alp")
    assert plans.plans_for_staff(trust_wide) == [plan]


@pytest.mark.parametrize("changes, message", [
    ({"review_date": MEETING}, "The review date must be after the date of the meeting"),
    ({"support_offered": ["Free holidays"]}, "is not on the policy's list"),
    ({"concerns": "x" * 5001}, "longer than 5000"),
])
def test_a_draft_that_breaks_a_rule_is_refused(family, changes, message):
    with pytest.raises(ServiceError, match=message):
        plans.draft_plan(family.officer, family.sam.id, plan_input(**changes), now=DRAFTED)


def test_the_template_comes_from_the_policy(family, monkeypatch):
    custom = rules.PlanTemplate(title="Attendance Action Plan", purpose="Attendance {attendance}, target {target}.",
                                support_offered=("Individual incentive programme",),
                                parent_commitments=("Call school by 9.00am",), school_commitments=("Track it",),
                                review="We review it.", escalation="MAST", pupil_signature=False)
    for module in (plans.drafting, plans.status):  # where the package looks the template up
        monkeypatch.setattr(module, "template_for", lambda school: custom)
    plan = plans.draft_plan(family.officer, family.sam.id, plan_input(
        support_offered=["Individual incentive programme"], parent_commitments=["Call school by 9.00am"],
        school_commitments=["Track it"]), now=DRAFTED)
    assert plan.latest.text.startswith("Attendance Action Plan\n")
    assert plan.latest.fields["purpose"].startswith("Attendance ") and "target 97%." in plan.latest.fields["purpose"]
    plans.send_for_signing(family.officer, plan.id, now=SENT)
    assert plans.version_status(plan.current).pupil is None  # this policy does not ask the pupil to sign


@pytest.mark.parametrize("path, urn", [(ALP, BOTHAL), (RISE_PARK, RISE_PARK_URN)])
def test_each_example_policy_gives_the_template_its_file_describes(app_ctx, path, urn):
    load_trust(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    expected, problems = rules.parse_template(data.get("support_plan"))
    assert problems == []
    from factories import get_school

    assert plans.template_for(get_school(urn)) == expected


def test_changing_a_draft_keeps_version_1(family):
    plan = plans.draft_plan(family.officer, family.sam.id, plan_input(), now=DRAFTED)
    first = plan.latest.sha256
    version = plans.change_plan(family.officer, plan.id, plan_input(concerns="Mondays and Fridays."),
                                now=DRAFTED + timedelta(minutes=5))
    assert version.number == 1 and len(plan.versions) == 1 and version.sha256 != first
    assert "Mondays and Fridays." in version.text


# ---------------------------------------------------------------- sending and signing


def test_sending_fixes_the_text_and_invites_each_parent_with_parental_responsibility(family):
    plan = plans.draft_plan(family.officer, family.sam.id, plan_input(), now=DRAFTED)
    assert plans.plans_for_parent(family.jo) == []
    with pytest.raises(NotFound):
        plans.plan_for_parent(family.jo, plan.id)  # a draft is not the family's yet
    invited = plans.send_for_signing(family.officer, plan.id, now=SENT)
    assert sorted(invited) == ["alex@example.com", "jo@example.com"]  # not the step-parent without PR
    assert plan.state == ACTIVE and plan.current.issued_at == SENT and plan.started_on == MEETING
    emails = outbox(":invite:")
    assert sorted(m.recipients[0] for m in emails) == ["alex@example.com", "jo@example.com"]
    assert all(f"/parent/children/{family.sam.id}/plans/{plan.id}" in m.body_text for m in emails)
    assert "Dear Jo Taylor" in next(m for m in emails if m.recipients == ["jo@example.com"]).body_text
    assert plans.plans_for_parent(family.jo) == [plan] and plans.plans_for_parent(family.step) == []
    with pytest.raises(ServiceError, match="already been sent"):
        plans.send_for_signing(family.officer, plan.id, now=SENT)


def test_each_parent_signs_separately_and_the_school_signs_too(family):
    plan = sent_plan(family)
    version = plan.current
    jo = sign(family.jo, plan)
    assert (jo.role, jo.outcome, jo.typed_name, jo.sha256) == ("parent", "signed", "Jo Taylor", version.sha256)
    status = plans.version_status(version)
    assert [p.signed for p in status.parents] == [True, False] and not status.complete
    assert plans.status_words(plan) == "Waiting for signatures"
    with pytest.raises(ServiceError, match="already signed"):
        sign(family.jo, plan)
    sign(family.alex, plan, name="  Alex   Taylor ")
    assert not plans.version_status(version).complete  # the school has not signed
    plans.sign_as_school(family.officer, plan.id, version.number, version.sha256, "Ann Officer", True,
                         now=datetime(2026, 10, 7, 9, 0))
    status = plans.version_status(version)
    assert status.complete and plans.status_words(plan) == "Agreed"
    assert [s.typed_name for s in status.signatures] == ["Jo Taylor", "Alex Taylor", "Ann Officer"]
    assert {s.sha256 for s in status.signatures} == {hashlib.sha256(version.text.encode()).hexdigest()}
    # The pupil's signature is optional, and recorded by staff on the school's device.
    plans.record_pupil_signature(family.officer, plan.id, version.number, version.sha256, "Sam", True,
                                 now=datetime(2026, 10, 7, 9, 5))
    assert plans.version_status(version).pupil.signature.staff == family.officer
    assert outbox(":agreed") == []  # the last to sign was the owner: nobody else to tell


def test_the_owner_hears_when_the_last_parent_signs(family):
    plan = sent_plan(family)
    version = plan.current
    plans.sign_as_school(family.officer, plan.id, version.number, version.sha256, "Ann Officer", True)
    sign(family.jo, plan)
    assert outbox(":agreed") == []
    sign(family.alex, plan)
    (agreed,) = outbox(":agreed")
    assert agreed.recipients == ["officer@bothal.example"] and "is signed by every parent" in agreed.body_text


def test_a_signature_needs_a_typed_name_and_the_confirmation(family):
    plan = sent_plan(family)
    version = plan.current
    with pytest.raises(ServiceError, match="Type your full name"):
        plans.sign_as_parent(family.jo, plan.id, version.number, version.sha256, "   ", True)
    with pytest.raises(ServiceError, match="Confirm"):
        plans.sign_as_parent(family.jo, plan.id, version.number, version.sha256, "Jo Taylor", False)
    assert db.session.scalars(select(PlanSignature)).all() == []


def test_a_signature_is_refused_for_any_text_but_the_one_read(family):
    plan = sent_plan(family)
    version = plan.current
    with pytest.raises(plans.PlanChanged):
        plans.sign_as_parent(family.jo, plan.id, version.number, "0" * 64, "Jo Taylor", True)
    with pytest.raises(plans.PlanChanged):
        plans.sign_as_parent(family.jo, plan.id, version.number + 1, version.sha256, "Jo Taylor", True)


def test_changing_a_signed_plan_makes_a_new_version_that_needs_signing_again(family):
    plan = sent_plan(family)
    v1 = plan.current
    v1_text, v1_sha = v1.text, v1.sha256
    sign(family.jo, plan)
    plans.sign_as_school(family.officer, plan.id, 1, v1_sha, "Ann Officer", True)

    v2 = plans.change_plan(family.officer, plan.id, plan_input(additional_actions="Walking bus on Mondays."),
                           now=datetime(2026, 10, 12, 10, 0))
    assert v2.number == 2 and v2.issued_at is None and plan.current is v1  # the family still has version 1
    assert (v1.text, v1.sha256) == (v1_text, v1_sha) and len(v1.signatures) == 2  # version 1 never changes
    assert "Plan SP-" in v2.text and "version 2" in v2.text and "Walking bus on Mondays." in v2.text
    assert plans.status_words(plan) == "Waiting for signatures (version 2 not sent yet)"

    plans.send_for_signing(family.officer, plan.id, now=datetime(2026, 10, 12, 10, 5))
    assert plan.current is v2
    changed = [m for m in outbox(":v2:invite:")]
    assert len(changed) == 2 and all("needs your signature again" in m.body_text for m in changed)
    # Jo's page still held version 1: her signature is refused, and she is told to read the new one.
    with pytest.raises(plans.PlanChanged, match="changed this plan"):
        plans.sign_as_parent(family.jo, plan.id, 1, v1_sha, "Jo Taylor", True)
    status = plans.version_status(v2)
    assert not status.parent(family.jo).signed and not status.school.signed
    sign(family.jo, plan)
    assert plans.version_status(v2).parent(family.jo).signature.sha256 == v2.sha256 != v1_sha
    # Version 1 and its signatures stay readable, to the parents too.
    old = plans.version_of(plans.plan_for_parent(family.alex, plan.id), 1, issued_only=True)
    assert old.text == v1_text and [s.typed_name for s in old.signatures] == ["Jo Taylor", "Ann Officer"]


def test_a_parent_may_decline_and_say_why_and_still_sign_later(family):
    plan = sent_plan(family)
    version = plan.current
    with pytest.raises(ServiceError, match="why you do not agree"):
        plans.decline_as_parent(family.alex, plan.id, 1, version.sha256, "  ")
    refusal = plans.decline_as_parent(family.alex, plan.id, 1, version.sha256,
                                      "The breakfast club starts too late for my shifts.",
                                      now=datetime(2026, 10, 6, 20, 0))
    assert (refusal.outcome, refusal.typed_name, refusal.sha256) == ("declined", "Alex Taylor", version.sha256)
    assert plans.status_words(plan) == "Declined by a parent"
    (email,) = outbox(":declined:")
    assert email.recipients == ["officer@bothal.example"] and "starts too late for my shifts" in email.body_text
    with pytest.raises(ServiceError, match="already told the school"):
        plans.decline_as_parent(family.alex, plan.id, 1, version.sha256, "Again")
    sign(family.alex, plan)  # changed their mind
    assert plans.version_status(version).parent(family.alex).signed
    sign(family.jo, plan)
    with pytest.raises(ServiceError, match="already signed"):
        plans.decline_as_parent(family.jo, plan.id, 1, version.sha256, "Too late")


def test_a_parent_cannot_see_or_sign_another_familys_plan(family):
    plan = sent_plan(family)
    version = plan.current
    for account in (family.stranger, family.step):
        assert plans.plans_for_parent(account) == []
        with pytest.raises(NotFound):
            plans.plan_for_parent(account, plan.id)
        with pytest.raises(NotFound):
            plans.sign_as_parent(account, plan.id, 1, version.sha256, "Pat Jones", True)
        with pytest.raises(NotFound):
            plans.decline_as_parent(account, plan.id, 1, version.sha256, "Not mine")
    with pytest.raises(NotFound):  # the right parent, but a child in the URL that is not the plan's
        plans.plan_for_parent(family.jo, plan.id, pupil_id=family.sam.id + 1)
    with pytest.raises(NotFound):
        plans.plan_for_parent(family.jo, plan.id + 100)


def test_contacts_without_an_email_cannot_sign_online_and_are_named_to_staff(family):
    from portal.models import Contact

    db.session.add(Contact(pupil=family.sam, name="Grandma Taylor", relationship_to_pupil="Grandmother", email=None,
                           phone="", parental_responsibility=True, lives_with_pupil=True, priority=3))
    db.session.commit()
    assert plans.unreachable_parents(family.sam) == ["Grandma Taylor"]
    assert [name for _, name in plans.parent_signers(family.sam)] == ["Jo Taylor", "Alex Taylor"]


# ---------------------------------------------------------------- reviews and reminders


def test_a_review_shows_the_attendance_since_the_plan_started_and_continues_closes_or_escalates(family):
    plan = sent_plan(family)
    days = calendar().school_days(MEETING, date(2026, 10, 16))
    add_marks(family.sam, [(d, s, "/" if s == "AM" else "\\") for d in days for s in calendar().sessions_on(d)])
    since = plans.attendance_since_start(plan, date(2026, 10, 16))
    assert since.json["from"] == "2026-10-05" and since.json["attendance_pct"] == "100.0"
    assert plans.attendance_at_start(plan)["days_missed"] == "3.0"
    with pytest.raises(ServiceError, match="next review"):
        plans.review_plan(family.officer, plan.id, "Better.", "continue", None, now=datetime(2026, 10, 16, 12))
    review = plans.review_plan(family.officer, plan.id, "Full attendance since the meeting.", "continue",
                               date(2026, 12, 7), now=datetime(2026, 10, 16, 12))
    assert (review.due_on, review.next_review_date, plan.review_date, plan.state) == (
        REVIEW, date(2026, 12, 7), date(2026, 12, 7), ACTIVE)
    assert review.attendance_since["attendance_pct"] == "100.0" and review.attendance_before["days_missed"] == "3.0"
    plans.review_plan(family.officer, plan.id, "Sustained.", "closed", date(2027, 1, 1),
                      now=datetime(2026, 12, 7, 12))
    assert plan.state == CLOSED and plan.ended_at == datetime(2026, 12, 7, 12)
    assert plan.reviews[-1].next_review_date is None
    assert plans.status_words(plan) == "Closed"
    with pytest.raises(ServiceError, match="ended"):
        sign(family.jo, plan)
    with pytest.raises(ServiceError, match="ended"):
        plans.change_plan(family.officer, plan.id, plan_input())
    with pytest.raises(ServiceError, match="still running"):
        plans.review_plan(family.officer, plan.id, "Again", "escalated")


def test_escalation_ends_the_plan_and_a_draft_cannot_be_reviewed(family):
    draft = plans.draft_plan(family.officer, family.sam.id, plan_input(), now=DRAFTED)
    with pytest.raises(ServiceError, match="sent to the family"):
        plans.review_plan(family.officer, draft.id, "x", "closed")
    plan = sent_plan(family)
    with pytest.raises(ServiceError, match="Choose"):
        plans.review_plan(family.officer, plan.id, "No change.", "shrug")
    with pytest.raises(NotPermitted):
        plans.review_plan(family.teacher, plan.id, "No change.", "escalated")
    plans.review_plan(family.officer, plan.id, "No improvement.", "escalated", now=datetime(2026, 11, 16, 12))
    assert plan.state == ESCALATED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_plan.review.escalated"))
    assert event.before["state"] == ACTIVE and event.after["state"] == ESCALATED


def test_the_review_date_drives_the_queue_and_one_reminder_to_the_owner(family):
    plan = sent_plan(family)
    draft = plans.draft_plan(family.officer, family.sam.id, plan_input(review_date=date(2026, 11, 3)),
                             now=DRAFTED)  # never sent: not in the queue
    assert plans.due_reviews(date(2026, 11, 15)) == []
    (due,) = plans.due_reviews(date(2026, 11, 18), family.officer)
    assert (due.plan, due.review_date, due.days_overdue) == (plan, REVIEW, 2)
    assert plans.due_reviews(date(2026, 11, 18), family.central) == []  # another school's
    assert plans.due_reviews(date(2026, 11, 18), family.teacher) == []  # may not run plans
    assert draft.state == DRAFT

    assert plans.send_review_reminders(date(2026, 11, 12), "cli:test") == []  # 4 days ahead: not yet
    assert plans.send_review_reminders(date(2026, 11, 13), "cli:test") == [plan]
    (reminder,) = outbox(":review:")
    assert reminder.key == f"support-plan:{plan.id}:review:2026-11-16"
    assert reminder.recipients == ["officer@bothal.example"]
    assert "due in 3 days: Monday 16 November 2026" in reminder.body_text
    assert f"/staff/plans/{plan.id}/review" in reminder.body_text
    # Once per plan and review date, however often cron runs it.
    assert plans.send_review_reminders(date(2026, 11, 14), "cli:test") == []
    assert plans.send_review_reminders(date(2026, 11, 20), "cli:test") == []
    assert len(outbox(":review:")) == 1

    # A new review date gets its own reminder; an owner who has left hands it to the others who run plans.
    plans.review_plan(family.officer, plan.id, "Some progress.", "continue", date(2026, 12, 7),
                      now=datetime(2026, 11, 16, 12))
    family.officer.active = False
    make_staff("head@bothal.example", "headteacher", BOTHAL)
    db.session.commit()
    assert plans.send_review_reminders(date(2026, 12, 7), "cli:test") == [plan]
    latest = outbox(":review:")[-1]
    assert latest.key.endswith(":review:2026-12-07") and latest.recipients == ["head@bothal.example"]
    assert "due today" in latest.body_text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_plan.review_reminder"))


# ---------------------------------------------------------------- the PDF


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_shows_the_text_every_signature_and_the_version_hash(family):
    plan = sent_plan(family)
    version = plan.current
    sign(family.jo, plan)
    plans.sign_as_school(family.officer, plan.id, 1, version.sha256, "Ann Officer", True,
                         now=datetime(2026, 10, 7, 9, 0))
    data = plans.version_pdf(plan, version, now=datetime(2026, 10, 7, 9, 30))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert rules.ALP_APPENDIX_1.title in text.replace("\n", " ")
    assert "Jo Taylor" in text and "Ann Officer" in text and "Not signed." in text  # Alex has not signed
    assert text.count(version.sha256) >= 3  # Jo's, the school's and the version's own
    assert "Help with morning routine or transition" in text


def test_an_old_versions_pdf_says_it_was_replaced(family):
    plan = sent_plan(family)
    sign(family.jo, plan)
    plans.change_plan(family.officer, plan.id, plan_input(barriers="Transport."))
    plans.send_for_signing(family.officer, plan.id)
    text = pdf_text(plans.version_pdf(plan, plans.version_of(plan, 1)))
    assert "Replaced by version 2" in text and plan.versions[0].sha256 in text


# ---------------------------------------------------------------- the command line


def test_plans_remind_and_plans_due_from_the_command_line(app, runner):
    with app.app_context():
        f = make_family()
        plan = sent_plan(f)
        reference, upn = plan.reference, f.sam.upn
    result = runner.invoke(args=["plans", "remind", "--as-of", "2026-11-10"])
    assert result.exit_code == 0 and "0 reminders queued" in result.output
    result = runner.invoke(args=["plans", "remind", "--as-of", "2026-11-13"])
    assert result.exit_code == 0, result.output
    assert f"{reference}  Sam Taylor  review 2026-11-16" in result.output and "1 reminder queued" in result.output
    again = runner.invoke(args=["plans", "remind", "--as-of", "2026-11-13"])
    assert "0 reminders queued" in again.output
    assert "0 reminders queued" in runner.invoke(args=["plans", "remind", "--as-of", "2026-12-01"]).output
    with app.app_context():
        assert len(outbox(":review:")) == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_plan.review_reminder"))
        assert event.actor.startswith("cli:")
    due = runner.invoke(args=["plans", "due", "--as-of", "2026-11-18", "--json"])
    assert due.exit_code == 0
    assert json.loads(due.output) == [{"plan": reference, "upn": upn, "school": BOTHAL,
                                       "review_date": "2026-11-16"}]
    words = runner.invoke(args=["plans", "due", "--as-of", "2026-11-18"]).output
    assert "2 days overdue" in words and "1 review due by 2026-11-18." in words
    assert "0 reviews due" in runner.invoke(args=["plans", "due", "--as-of", "2026-11-01"]).output


def test_the_oversight_list_of_reviews_due(family):
    oversight = pytest.importorskip("portal.services.oversight")
    plan = sent_plan(family)
    view = oversight.overview(family.officer, date(2026, 11, 18))
    (entry,) = plans.oversight_entries(view)
    assert entry.row.pupil_id == family.sam.id and entry.since == REVIEW
    assert entry.detail.startswith(f"{plan.reference}: review due Monday 16 November 2026")


def test_a_review_is_on_a_school_day(family):
    # Monday 2 November 2026 is an INSET day at Bothal; Saturday 21 November is a weekend.
    with pytest.raises(ServiceError, match=r"Monday 2 November 2026, is not a school day \(INSET day.*such as "
                                           r"Tuesday 3 November 2026"):
        plans.draft_plan(family.officer, family.sam.id, plan_input(review_date=date(2026, 11, 2)), now=DRAFTED)
    plan = sent_plan(family)
    with pytest.raises(ServiceError, match=r"next review date, Saturday 21 November 2026, is not a school day "
                                           r"\(Weekend\)"):
        plans.review_plan(family.officer, plan.id, "Better", "continue", date(2026, 11, 21),
                          now=datetime(2026, 11, 16, 10, 0))
