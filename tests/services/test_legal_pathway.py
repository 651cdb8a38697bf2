"""Notices to improve and penalty-notice decisions, through the services: per parent, per child, from the register."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from PIL import ImageFile
from pypdf import PdfReader
from sqlalchemy import select

from portal.domain import legal_notices as legal
from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, StaffUser
from portal.services import NotFound, ServiceError
from portal.services import legal_pathway, notices_to_improve as notices, penalty_decisions as decisions
from portal.services.permissions import NotPermitted

from factories import BOTHAL, CENTRAL, add_marks, calendar, get_school, load_trust, make_pupil, sessions
from parents import make_parent
from staff import make_staff

LETTER_DAY = date(2026, 10, 14)  # a Wednesday; the period runs from Thu 15 Oct across half-term
NOW = datetime(2026, 10, 14, 11, 0)


@pytest.fixture
def family(app_ctx):
    """Two children at Bothal, both over the threshold in September; two parents with parental responsibility
    and a carer without it; the head (who may act) and an attendance officer (who may not, by default)."""
    load_trust()
    cal = calendar(BOTHAL)
    children = []
    for forename in ("Sam", "Ash"):
        pupil = make_pupil(BOTHAL, forename=forename, surname="Taylor")
        add_marks(pupil, sessions(cal, date(2026, 9, 2), "O" * 10 + "/" * 20))
        children.append(pupil)
    make_parent("jo@example.com", *children, name="Jo Taylor")
    make_parent("alex@example.com", *children, name="Alex Taylor")
    make_parent("gran@example.com", *children, name="Gran Taylor", parental_responsibility=False)
    head = make_staff("head@bothal.example", "headteacher", BOTHAL, name="Miss L Hall")
    officer = make_staff("officer@bothal.example", "attendance_officer", BOTHAL)
    elsewhere = make_staff("head@central.example", "headteacher", CENTRAL)
    return {"sam": children[0], "ash": children[1], "head": head, "officer": officer, "elsewhere": elsewhere}


def draft(family, child="sam"):
    return notices.draft_notices(family["head"], family[child].id, notices.NoticeInput(
        "No further unauthorised absence.", "Tuesday 20 October at 9.15am with Miss Hall, at school"),
        today=LETTER_DAY, now=NOW)


def test_a_notice_goes_to_each_parent_with_parental_responsibility_separately(family):
    drafted = draft(family)
    assert sorted(n.parent_name for n in drafted) == ["Alex Taylor", "Jo Taylor"]  # not the carer
    assert all(n.state == "draft" for n in drafted)
    fields = drafted[0].fields
    assert fields["window"]["counted"] == 10 and fields["window"]["met"]
    assert len(fields["sessions"]) == 10 and fields["sessions"][0]["code"] == "O"
    assert fields["period"] == {"start": "2026-10-15", "end": "2026-12-02", "weeks": 6, "school_days": 29}
    assert "£160 (reduced to £80 if paid within 21 days)" in fields["consequence"]
    assert "Northumberland" in fields["consequence"]
    assert fields["opening"].startswith("We are writing because we are worried about Sam’s attendance")
    for notice in drafted:
        notices.send_notice(family["head"], notice.id, today=LETTER_DAY, now=NOW)
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipients for m in mails] == [[drafted[0].parent_email], [drafted[1].parent_email]]
    assert "Dear Jo Taylor" in mails[[m.recipients[0] for m in mails].index("jo@example.com")].body_text
    assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {"notice_to_improve.draft",
                                                                          "notice_to_improve.send"}


def test_sending_later_dates_the_letter_and_the_period_from_the_day_sent(family):
    notice = draft(family)[0]
    notices.send_notice(family["head"], notice.id, today=date(2026, 10, 19), now=NOW)
    assert (notice.letter_date, notice.period_start) == (date(2026, 10, 19), date(2026, 10, 20))
    with pytest.raises(ServiceError, match="already been sent"):
        notices.send_notice(family["head"], notice.id, today=date(2026, 10, 19), now=NOW)


def test_only_the_legal_roles_at_the_pupils_school(family):
    with pytest.raises(NotPermitted, match="Only the headteacher or the senior leader can take the legal steps"):
        notices.draft_notices(family["officer"], family["sam"].id, notices.NoticeInput("x", "y"), LETTER_DAY)
    with pytest.raises(NotFound):
        notices.draft_notices(family["elsewhere"], family["sam"].id, notices.NoticeInput("x", "y"), LETTER_DAY)
    with pytest.raises(ServiceError, match="meeting offered"):
        notices.draft_notices(family["head"], family["sam"].id, notices.NoticeInput("x", " "), LETTER_DAY)


def test_the_posted_copy_is_recorded_with_its_date(family):
    notice = draft(family)[0]
    with pytest.raises(ServiceError, match="Send the notice first"):
        notices.record_posted(family["head"], notice.id, LETTER_DAY, today=LETTER_DAY)
    notices.send_notice(family["head"], notice.id, today=LETTER_DAY, now=NOW)
    with pytest.raises(ServiceError, match="future"):
        notices.record_posted(family["head"], notice.id, date(2026, 10, 16), today=LETTER_DAY)
    with pytest.raises(ServiceError, match="posted before"):
        notices.record_posted(family["head"], notice.id, date(2026, 10, 13), today=LETTER_DAY)
    notices.record_posted(family["head"], notice.id, date(2026, 10, 15), today=date(2026, 10, 16))
    assert notice.posted_on == date(2026, 10, 15)


def test_at_the_end_of_the_period_improvement_for_one_child_and_not_another(family):
    cal = calendar(BOTHAL)
    sam, ash = draft(family, "sam")[0], draft(family, "ash")[0]
    for notice in (sam, ash):
        notices.send_notice(family["head"], notice.id, today=LETTER_DAY, now=NOW)
    add_marks(family["sam"], [(d, s, "/") for d, s in cal.sessions(date(2026, 10, 15), date(2026, 12, 2))])
    period = cal.sessions(date(2026, 10, 15), date(2026, 12, 2))
    add_marks(family["ash"], [(d, s, "G" if d == date(2026, 11, 20) else "/") for d, s in period])
    assert notices.outcome(sam, date(2026, 11, 30)).state == legal.RUNNING
    assert notices.outcome(sam, date(2026, 12, 3)).state == legal.IMPROVED
    not_improved = notices.outcome(ash, date(2026, 12, 3))
    assert not_improved.state == legal.NOT_IMPROVED and len(not_improved.counted) == 2


def test_penalty_decisions_follow_the_national_rules(family):
    head, sam = family["head"], family["sam"]
    notice = draft(family)[0]
    notices.send_notice(head, notice.id, today=LETTER_DAY, now=NOW)
    parent = notice.parent_name
    assert "runs to Wednesday 2 December 2026" in decisions.warnings(sam.id, parent, legal.IRREGULAR, date(2026, 11, 1))[0]
    first = decisions.consider(head, sam.id, parent, legal.IRREGULAR, date(2026, 12, 3), "No improvement",
                               today=date(2026, 12, 3))
    assert first.notice_to_improve_id == notice.id
    with pytest.raises(ServiceError, match="still open"):
        decisions.consider(head, sam.id, parent, legal.IRREGULAR, date(2026, 12, 3), "", today=date(2026, 12, 3))
    with pytest.raises(ServiceError, match="next step is"):
        decisions.record_step(head, first.id, legal.PAID, date(2026, 12, 3), "", today=date(2026, 12, 3))
    decisions.record_step(head, first.id, legal.REQUESTED, date(2026, 12, 4), "", today=date(2026, 12, 4))
    issued = decisions.record_step(head, first.id, legal.ISSUED, date(2026, 12, 7), "", today=date(2026, 12, 7))
    assert (first.kind, issued.amount) == ("first", 160)
    paid = decisions.record_step(head, first.id, legal.PAID, date(2026, 12, 28), "", today=date(2027, 1, 4))
    assert paid.amount == 80 == first.amount_paid  # 21 days after receipt: the reduced amount

    second = decisions.consider(head, sam.id, parent, legal.IRREGULAR, date(2027, 3, 1), "", today=date(2027, 3, 1))
    decisions.record_step(head, second.id, legal.REQUESTED, date(2027, 3, 1), "", today=date(2027, 3, 1))
    decisions.record_step(head, second.id, legal.ISSUED, date(2027, 3, 2), "", today=date(2027, 3, 2))
    assert second.kind == "second"
    decisions.record_step(head, second.id, legal.PAID, date(2027, 3, 5), "", today=date(2027, 3, 5))
    assert second.amount_paid == 160  # no reduction on a second notice

    third = decisions.consider(head, sam.id, parent, legal.IRREGULAR, date(2027, 5, 3), "", today=date(2027, 5, 3))
    with pytest.raises(ServiceError, match="No further notice can be issued before 2029-12-07"):
        decisions.record_step(head, third.id, legal.REQUESTED, date(2027, 5, 3), "", today=date(2027, 5, 3))
    with pytest.raises(ServiceError, match="Say why"):
        decisions.record_step(head, third.id, legal.NOT_ISSUED, date(2027, 5, 3), "", today=date(2027, 5, 3))
    decisions.record_step(head, third.id, legal.NOT_ISSUED, date(2027, 5, 3), "Referred for prosecution",
                          today=date(2027, 5, 3))
    # The other parent's record is their own: a first notice.
    other = next(p.name for p in legal_pathway.parents_with_responsibility(sam) if p.name != parent)
    assert decisions.possible(sam.id, other, date(2027, 5, 3), legal_pathway.penalty_rules(sam).fines).kind == "first"


def test_a_withdrawn_notice_does_not_count_and_term_time_leave_skips_the_notice_to_improve(family):
    head, sam = family["head"], family["sam"]
    parent = "Jo Taylor"
    assert decisions.warnings(sam.id, parent, legal.TERM_TIME_LEAVE, date(2026, 10, 1)) == []
    assert "No notice to improve" in decisions.warnings(sam.id, parent, legal.IRREGULAR, date(2026, 10, 1))[0]
    first = decisions.consider(head, sam.id, parent, legal.TERM_TIME_LEAVE, date(2026, 10, 1), "",
                               today=date(2026, 10, 1))
    decisions.record_step(head, first.id, legal.REQUESTED, date(2026, 10, 1), "", today=date(2026, 10, 1))
    decisions.record_step(head, first.id, legal.ISSUED, date(2026, 10, 2), "", today=date(2026, 10, 2))
    with pytest.raises(ServiceError, match="Say why"):
        decisions.record_step(head, first.id, legal.WITHDRAWN, date(2026, 10, 5), "", today=date(2026, 10, 5))
    decisions.record_step(head, first.id, legal.WITHDRAWN, date(2026, 10, 5), "Issued in error",
                          today=date(2026, 10, 5))
    again = decisions.consider(head, sam.id, parent, legal.TERM_TIME_LEAVE, date(2026, 10, 6), "",
                               today=date(2026, 10, 6))
    decisions.record_step(head, again.id, legal.REQUESTED, date(2026, 10, 6), "", today=date(2026, 10, 6))
    decisions.record_step(head, again.id, legal.ISSUED, date(2026, 10, 7), "", today=date(2026, 10, 7))
    assert again.kind == "first"
    with pytest.raises(ServiceError, match="past the 28 days"):
        decisions.record_step(head, again.id, legal.PAID, date(2026, 11, 5), "", today=date(2026, 11, 5))


def test_the_threshold_follows_a_pupil_who_moves_between_the_trusts_schools(family):
    cal = calendar(BOTHAL)
    mover = make_pupil(BOTHAL, forename="Kit", surname="Mover")
    add_marks(mover, sessions(cal, date(2026, 9, 7), "OOOO" + "/" * 16))  # 4 at Bothal
    mover.school = get_school(CENTRAL)
    db.session.commit()
    add_marks(mover, sessions(calendar(CENTRAL), date(2026, 9, 21), "OOOOOO"))  # 6 at Central
    result = legal_pathway.threshold(mover, date(2026, 10, 1))
    assert result.met and result.counted == 10


def test_compassion_comes_first(family):
    sam = family["sam"]
    add_marks(sam, [(date(2026, 10, 5), "AM", "I"), (date(2026, 10, 5), "PM", "I"), (date(2026, 10, 6), "AM", "C2")])
    sam.vulnerable = True
    db.session.commit()
    found = " ".join(legal_pathway.cautions(sam, LETTER_DAY))
    assert "part-time timetable" in found and "1 day of illness" in found and "vulnerable" in found
    assert legal_pathway.cautions(family["ash"], LETTER_DAY) == []


def test_the_letter_pdf_holds_the_record_and_the_period(family):
    notice = draft(family)[0]
    notices.send_notice(family["head"], notice.id, today=LETTER_DAY, now=NOW)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(notices.notice_pdf(notice))).pages)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # WeasyPrint's import turns it on: uploads need it off
    text = " ".join(text.split())
    assert "Notice to improve: Sam’s school attendance" in text
    assert "Thursday 15 October 2026 to Wednesday 2 December 2026" in text
    assert "Tuesday 20 October at 9.15am" in text
    assert notice.sha256 in text.replace(" ", "") or notice.sha256[:20] in text
    assert db.session.scalar(select(StaffUser).where(StaffUser.email == "head@bothal.example")).name in text


def test_the_case_file_holds_the_register_the_letters_and_the_plans_signatures(family):
    from portal.models import ParentAccount
    from portal.services import case_files, support_plans

    head, sam = family["head"], family["sam"]
    plan = support_plans.draft_plan(head, sam.id, support_plans.PlanInput(
        meeting_date=date(2026, 9, 14), review_date=date(2026, 10, 12), concerns="Mondays",
        support_offered=["Check-ins with key adult/staff member"]), now=datetime(2026, 9, 14, 10))
    support_plans.send_for_signing(head, plan.id, now=datetime(2026, 9, 14, 11))
    jo = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com"))
    support_plans.sign_as_parent(jo, plan.id, 1, plan.current.sha256, "Jo Taylor", True,
                                 now=datetime(2026, 9, 15, 18))
    notice = draft(family)[0]
    notices.send_notice(head, notice.id, today=LETTER_DAY, now=NOW)
    decisions.consider(head, sam.id, "Jo Taylor", legal.IRREGULAR, LETTER_DAY, "", today=LETTER_DAY)

    found = case_files.case_file(head, sam.id, as_of=LETTER_DAY)
    assert [n.id for n in found.notices] == [notice.id]  # drafts are not in the file
    assert found.register[0].meaning.startswith("Absent in other or unknown circumstances")
    name, pdf = case_files.case_file_pdf(head, sam.id, as_of=LETTER_DAY)
    assert name == f"case-file-{sam.upn}-2026-10-14.pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for wanted in ("Wed 2 Sep 2026 O Absent in other or unknown circumstances",
                   "Check-ins with key adult/staff member", "Signed “Jo Taylor”", plan.current.sha256[:32],
                   "Notice to improve: Sam’s school attendance", "Dear Jo Taylor", notice.reference,
                   "penalty decision: considered", "Miss L Hall (staff)"):
        assert wanted in text, wanted
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_file.export")).one()
    assert exported.after["notices"] == [notice.reference]
    with pytest.raises(NotPermitted):
        case_files.case_file(family["officer"], sam.id, as_of=LETTER_DAY)


def test_two_parents_three_children_six_notices_and_a_parent_without_email_gets_the_post(family):
    third = make_pupil(BOTHAL, forename="Kit", surname="Taylor")
    add_marks(third, sessions(calendar(BOTHAL), date(2026, 9, 2), "O" * 10))
    make_parent("jo@example.com", third, name="Jo Taylor")
    make_parent("alex@example.com", third, name="Alex Taylor")
    drafted = [n for child in ("sam", "ash") for n in draft(family, child)]
    drafted += notices.draft_notices(family["head"], third.id, notices.NoticeInput("x", "y"), LETTER_DAY, now=NOW)
    assert len({(n.pupil_id, n.parent_name) for n in drafted}) == 6

    from portal.models import Contact
    db.session.add(Contact(pupil=third, name="Pat Taylor", relationship_to_pupil="Father", email=None,
                           parental_responsibility=True, lives_with_pupil=False, priority=3))
    db.session.commit()
    posted_only = next(n for n in notices.draft_notices(family["head"], third.id, notices.NoticeInput("x", "y"),
                                                        LETTER_DAY, now=NOW) if n.parent_name == "Pat Taylor")
    before = db.session.query(OutboxMessage).count()
    notices.send_notice(family["head"], posted_only.id, today=LETTER_DAY, now=NOW)
    assert posted_only.emailed_to is None and db.session.query(OutboxMessage).count() == before


def test_a_long_meeting_note_still_makes_an_email_smtp_accepts(family):
    """SMTP refuses lines over 998 characters (RFC 5321): a notice with a long paragraph once never left."""
    words = "We can meet at school, at home or by phone, whichever suits you best. " * 28  # ~2,000 characters
    notice = notices.draft_notices(family["head"], family["sam"].id, notices.NoticeInput(words, words, words),
                                   LETTER_DAY, now=NOW)[0]
    notices.send_notice(family["head"], notice.id, today=LETTER_DAY, now=NOW)
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert max(len(line) for line in mail.body_html.splitlines()) <= 998
    assert max(len(line) for line in mail.body_text.splitlines()) <= 998
    assert "whichever suits you best." in mail.body_text
