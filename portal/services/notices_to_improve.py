"""Notices to improve: drafted per parent with parental responsibility, sent, posted, and judged from the register.

1. A member of staff with the policy's `legal_action` role drafts the notice for one child: one notice for each
   parent with parental responsibility, separately (notices are per parent). Each holds the child's record in
   the threshold window, the support already offered (support plans and contact log), the improvement expected,
   the improvement period (the policy's 3 to 6 school weeks from the day after the letter's date), the meeting
   offered, what help there is, and what happens if attendance does not improve.
2. Sending dates the letter today (the period is worked out again from that date), fixes its text (SHA-256),
   emails the parent where they have an address, and leaves the paper copy to post: legal warnings go by post in
   most local authorities, so staff record the date it went.
3. At the end of the period the notice shows whether the unauthorised absence stopped, from the register.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from sqlalchemy import select

from portal.clock import utcnow
from portal.domain import legal_notices as legal
from portal.domain.nudge_rules import LANGUAGES
from portal.domain.policy_words import english
from portal.domain.support_plan import clean_text, long_date
from portal.extensions import db
from portal.models import ParentAccount, StaffUser
from portal.models.legal import CANCELLED, DRAFT, SENT, NoticeToImprove, PenaltyDecision
from portal.services import NotFound, ServiceError, notify
from portal.services import notice_letters
from portal.services.audit_writer import record
from portal.services.pdf import html_to_pdf, page_counter
from portal.services.legal_pathway import (
    Parent,
    code_meaning,
    domain_marks,
    parents_with_responsibility,
    penalty_rules,
    pupil_for_legal,
    support_offered,
    threshold,
)
from portal.services.policies import school_policy, trust_policy
from portal.services.permissions import LEGAL_ACTION, require

MAX_TEXT = 2000
STATE_WORDS = {DRAFT: "Draft: not sent", SENT: "Sent", CANCELLED: "Cancelled"}
DEFAULT_EXPECTATION = ("No further unauthorised absence during the improvement period: {forename} attends school "
                       "every day and on time, unless ill or with the school's agreement.")


@dataclass
class NoticeInput:
    expectation: str  # the improvement expected, in words
    meeting: str  # the meeting offered: when, where, with whom
    help_available: str = ""  # further help the school can offer now


def staff_notice(staff: StaffUser, notice_id: int) -> NoticeToImprove:
    notice = db.session.get(NoticeToImprove, notice_id)
    if notice is None:
        raise NotFound("no such notice")
    require(staff, LEGAL_ACTION, notice.school)
    return notice


def notice_for_parent(account: ParentAccount, notice_id: int) -> NoticeToImprove:
    """A notice sent to this parent: each parent sees their own notice only; anything else looks like nothing."""
    notice = db.session.get(NoticeToImprove, notice_id)
    if notice is None or notice.state != SENT or notice.parent_account_id != account.id:
        raise NotFound("no such notice")
    return notice


def notices_for_parent(account: ParentAccount) -> list[NoticeToImprove]:
    return list(db.session.scalars(select(NoticeToImprove).where(
        NoticeToImprove.parent_account_id == account.id, NoticeToImprove.state == SENT)
        .order_by(NoticeToImprove.id.desc())))


def default_input(pupil) -> NoticeInput:
    return NoticeInput(expectation=DEFAULT_EXPECTATION.format(forename=pupil.forename), meeting="")


def _text(value: str, label: str, required: bool = False) -> str:
    text = clean_text(value or "")
    if required and not text:
        raise ServiceError(f"Enter {label}")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"{label[0].upper()}{label[1:]} is longer than {MAX_TEXT} characters")
    return text


def _period(pupil, letter_date: date) -> legal.ImprovementPeriod:
    _, school = school_policy(pupil.school.urn)
    weeks = penalty_rules(pupil).notice_to_improve_weeks
    period = legal.improvement_period(school.calendar, letter_date, weeks) if school else None
    if period is None:
        raise ServiceError(f"The school's calendar does not reach {weeks} school weeks after "
                           f"{long_date(letter_date)}: load the next year's term dates into the policy first")
    return period


def _consequence(pupil, parent: Parent, on: date, gettext=english) -> str:
    """What happens if attendance does not improve, for this parent and child under the national rules; pass a
    gettext for the letter's translated companion."""
    from portal.services.penalty_decisions import history_for  # the decisions read notices too

    rules = penalty_rules(pupil)
    possible = legal.what_is_possible(history_for(pupil.id, parent.name), on, rules.fines)
    authority = pupil.school.local_authority or gettext("the local authority")
    name = pupil.forename
    if possible.kind == "first":
        fine = gettext("a penalty notice of £%(full)s (reduced to £%(early)s if paid within %(days)s days)",
                       full=possible.full_amount, early=possible.early_amount, days=possible.early_days)
    elif possible.kind == "second":
        fine = gettext("a second penalty notice, of £%(full)s with no reduction, because a notice was issued to you "
                       "for %(name)s within the last %(years)s years", full=possible.full_amount, name=name,
                       years=rules.fines.repeat_window_years)
    else:
        return gettext("If %(name)s's attendance does not improve, the school will refer the matter to "
                       "%(authority)s, which may consider other action, including prosecution in the magistrates' "
                       "court.", name=name, authority=authority)
    return gettext("If %(name)s's attendance does not improve during the improvement period, the school may ask "
                   "%(authority)s to issue you with %(fine)s. Not paying a penalty notice may lead to prosecution.",
                   name=name, authority=authority, fine=fine)


def _fields(pupil, parent: Parent, data: NoticeInput, letter_date: date, staff: StaffUser) -> dict:
    period = _period(pupil, letter_date)
    result = threshold(pupil, letter_date)
    rules = penalty_rules(pupil)
    school = pupil.school
    wording = trust_policy(school.trust).notice_wording
    return {
        "school": school.name, "school_phone": school.phone, "school_email": school.email,
        "local_authority": school.local_authority,
        "letter_date": letter_date.isoformat(), "parent_name": parent.name,
        "pupil_name": pupil.name, "pupil_forename": pupil.forename, "pupil_class": pupil.registration_group,
        "window": {"start": result.window_start.isoformat() if result.window_start else None,
                   "end": result.window_end.isoformat() if result.window_end else None,
                   "counted": result.counted, "pending": result.pending, "met": result.met,
                   "threshold": rules.threshold_sessions, "weeks": rules.window_school_weeks},
        "sessions": [{"date": m.date.isoformat(), "session": m.session, "code": m.code,
                      "meaning": code_meaning(m.code)} for m in result.sessions],
        "support": support_offered(pupil),
        "expectation": _text(data.expectation, "the improvement expected", required=True),
        "meeting": _text(data.meeting, "the meeting offered (when, where and with whom)", required=True),
        "help_available": _text(data.help_available, "the help available"),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "weeks": period.weeks,
                   "school_days": period.school_days},
        "consequence": _consequence(pupil, parent, letter_date),
        "opening": legal.fill(wording.opening, pupil.forename),
        "help_text": legal.fill(wording.help, pupil.forename),
        "duty": legal.fill(wording.duty, pupil.forename),
        "signed_by": staff.name,
        "companions": notice_letters.companions(
            lambda gettext, day_words: {"consequence": _consequence(pupil, parent, letter_date, gettext),
                                        "support": support_offered(pupil, gettext, day_words)}),
    }


def _fingerprint(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _write(notice: NoticeToImprove, fields: dict) -> None:
    notice.fields = fields
    notice.sha256 = _fingerprint(fields)
    notice.letter_date = date.fromisoformat(fields["letter_date"])
    notice.period_start = date.fromisoformat(fields["period"]["start"])
    notice.period_end = date.fromisoformat(fields["period"]["end"])


def draft_notices(staff: StaffUser, pupil_id: int, data: NoticeInput, today: date,
                  now: datetime | None = None) -> list[NoticeToImprove]:
    """One draft notice for each parent with parental responsibility, each separately addressed."""
    now = now or utcnow()
    pupil = pupil_for_legal(staff, pupil_id)
    parents = parents_with_responsibility(pupil)
    if not parents:
        raise ServiceError(f"No contact of {pupil.name} has parental responsibility: a notice to improve goes to "
                           "a parent. Check the contacts in the MIS and import them again")
    drafts = []
    for parent in parents:
        notice = NoticeToImprove(pupil=pupil, school=pupil.school, parent_name=parent.name, state=DRAFT,
                                 parent_email=parent.email, parent_account_id=parent.account_id, drafted_at=now,
                                 drafted_by=staff)
        _write(notice, _fields(pupil, parent, data, today, staff))
        db.session.add(notice)
        drafts.append(notice)
    db.session.flush()
    for notice in drafts:
        record(f"staff:{staff.id}", "notice_to_improve.draft", notice,
               after={"pupil": pupil.upn, "parent": notice.parent_name, "sha256": notice.sha256,
                      "period": notice.fields["period"]})
    db.session.commit()
    return drafts


def send_notice(staff: StaffUser, notice_id: int, today: date, now: datetime | None = None) -> NoticeToImprove:
    """Date the letter today, fix its text, and email it to the parent where they have an address."""
    now = now or utcnow()
    notice = staff_notice(staff, notice_id)
    if notice.state != DRAFT:
        raise ServiceError(f"{notice.reference} has already been {notice.state}")
    pupil = notice.pupil
    parent = Parent(notice.parent_name, notice.parent_email, notice.parent_account_id)
    data = NoticeInput(notice.fields["expectation"], notice.fields["meeting"], notice.fields["help_available"])
    _write(notice, _fields(pupil, parent, data, today, staff))
    notice.state, notice.sent_at, notice.sent_by = SENT, now, staff
    if notice.parent_email:
        notify.queue([notice.parent_email], f"Notice to improve {pupil.forename}’s attendance at {pupil.school.name}",
                     "notice_to_improve", key=f"notice-to-improve:{notice.id}", notice=notice,
                     fields=notice.fields, long_date=long_date,
                     letter=notice_letters.letter_html(notice, notice_letters.parent_language(notice)),
                     link=notify.external_url("parent.notice", notice_id=notice.id) if notice.parent_account_id
                     else None)
        notice.emailed_to = notice.parent_email
    record(f"staff:{staff.id}", "notice_to_improve.send", notice,
           after={"sha256": notice.sha256, "letter_date": notice.letter_date.isoformat(),
                  "period": notice.fields["period"], "emailed_to": notice.emailed_to})
    db.session.commit()
    return notice


def record_posted(staff: StaffUser, notice_id: int, posted_on: date | None, today: date) -> NoticeToImprove:
    notice = staff_notice(staff, notice_id)
    if notice.state != SENT:
        raise ServiceError("Send the notice first: the posted copy is the letter as sent")
    if posted_on is None:
        raise ServiceError("Enter the date the letter was posted")
    if posted_on > today:
        raise ServiceError("The date posted cannot be in the future")
    if posted_on < notice.letter_date:
        raise ServiceError(f"The letter is dated {long_date(notice.letter_date)}: it cannot have been posted before")
    before = {"posted_on": notice.posted_on.isoformat() if notice.posted_on else None}
    notice.posted_on, notice.posted_recorded_by = posted_on, staff
    record(f"staff:{staff.id}", "notice_to_improve.posted", notice, before, {"posted_on": posted_on.isoformat()})
    db.session.commit()
    return notice


def cancel_draft(staff: StaffUser, notice_id: int) -> NoticeToImprove:
    notice = staff_notice(staff, notice_id)
    if notice.state != DRAFT:
        raise ServiceError("Only a draft can be cancelled: a notice that was sent stays on the record")
    notice.state = CANCELLED
    record(f"staff:{staff.id}", "notice_to_improve.cancel", notice, {"state": DRAFT}, {"state": CANCELLED})
    db.session.commit()
    return notice


def outcome(notice: NoticeToImprove, as_of: date) -> legal.ImprovementOutcome | None:
    """Whether the unauthorised absence stopped during the notice's period, from the register (sent notices)."""
    if notice.state != SENT:
        return None
    period = legal.ImprovementPeriod(notice.period_start, notice.period_end, notice.fields["period"]["weeks"],
                                     notice.fields["period"]["school_days"])
    marks = domain_marks(notice.pupil, notice.period_start, notice.period_end)
    return legal.improvement_outcome(marks, period, penalty_rules(notice.pupil), as_of)


def latest_sent(pupil_id: int, parent_name: str) -> NoticeToImprove | None:
    return db.session.scalar(select(NoticeToImprove).where(
        NoticeToImprove.pupil_id == pupil_id, NoticeToImprove.parent_name == parent_name,
        NoticeToImprove.state == SENT).order_by(NoticeToImprove.id.desc()).limit(1))


def notices_for_staff(staff: StaffUser, school_ids: list[int]) -> list[NoticeToImprove]:
    if not school_ids:
        return []
    return list(db.session.scalars(select(NoticeToImprove).where(NoticeToImprove.school_id.in_(school_ids),
                                                                 NoticeToImprove.state != CANCELLED)
                                   .order_by(NoticeToImprove.period_end.desc(), NoticeToImprove.id.desc())))


def drafted_with(notice: NoticeToImprove) -> list[NoticeToImprove]:
    """The same child's notices to the other parents, drafted at the same time (each parent gets their own)."""
    return list(db.session.scalars(select(NoticeToImprove).where(
        NoticeToImprove.pupil_id == notice.pupil_id, NoticeToImprove.id != notice.id,
        NoticeToImprove.drafted_at == notice.drafted_at, NoticeToImprove.state != CANCELLED)
        .order_by(NoticeToImprove.id)))


def decisions_after(notice: NoticeToImprove) -> list[PenaltyDecision]:
    return list(db.session.scalars(select(PenaltyDecision).where(PenaltyDecision.notice_to_improve_id == notice.id)))


def notice_pdf(notice: NoticeToImprove, now: datetime | None = None, language: str | None = None) -> bytes:
    """The letter as a PDF; with `language` (the parent's), its translated companion follows on its own pages."""
    html = render_template("letters/notice_to_improve.html", notice=notice, fields=notice.fields,
                           letter=notice_letters.letter_html(notice, language), long_date=long_date,
                           translation_footer=page_counter(language) if language in LANGUAGES[1:] else None,
                           generated_at=now or utcnow())
    return html_to_pdf(html)
