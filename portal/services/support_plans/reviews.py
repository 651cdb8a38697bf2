"""Reviews: attendance since the plan started, the review itself, plans due (staff queue, oversight list) and the
owner's reminder (`flask plans remind`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from portal.clock import school_time, utcnow
from portal.domain import support_plan as rules
from portal.extensions import db
from portal.models import OutboxMessage, Pupil, StaffRole, StaffUser
from portal.models.support_plan import (
    ACTIVE, CONTINUE, DECLINED, OUTCOMES, PlanReview, PlanSignature, SupportPlan, SupportPlanVersion,
)
from portal.services import ServiceError, notify, oversight
from portal.services.attendance import PupilAttendance, pupil_attendance
from portal.services.audit_writer import record
from portal.services.permissions import DRAFT_SUPPORT_PLANS, may
from portal.services.support_plans.access import drafting_school_ids, staff_plan
from portal.services.support_plans.drafting import checked_text, on_a_school_day
from portal.services.support_plans.status import SignerStatus, version_status


REMIND_DAYS_AHEAD = 3  # a review's reminder goes out this many days before it is due (or on any later run)


def attendance_since_start(plan: SupportPlan, as_of: date) -> PupilAttendance | None:
    """The pupil's attendance from the day the plan started (its first meeting) to `as_of`."""
    if plan.started_on is None or as_of < plan.started_on:
        return None
    return pupil_attendance(plan.pupil.upn, start=plan.started_on, end=as_of)


def attendance_at_start(plan: SupportPlan) -> dict | None:
    """The figure the plan was agreed on: the first version sent (or the draft)."""
    version = next((v for v in plan.versions if v.issued_at is not None), plan.versions[0] if plan.versions else None)
    return version.fields.get("attendance") if version else None


def review_plan(staff: StaffUser, plan_id: int, progress: str, outcome: str, next_review_date: date | None = None,
                now: datetime | None = None) -> PlanReview:
    """Record a review: progress, beside the attendance since the plan started, and the outcome."""
    now = now or utcnow()
    plan = staff_plan(staff, plan_id)
    if plan.state != ACTIVE:
        raise ServiceError("Only a plan that has been sent to the family and is still running can be reviewed")
    progress = checked_text(progress, "Progress")
    if not progress:
        raise ServiceError("Write down the progress made")
    if outcome not in OUTCOMES:
        raise ServiceError("Choose whether to continue, close or escalate the plan")
    if outcome == CONTINUE:
        if next_review_date is None:
            raise ServiceError("Enter the date of the next review", field="next_review_date")
        if next_review_date <= school_time(now).date():
            raise ServiceError("The next review must be after today", field="next_review_date")
        on_a_school_day(plan.pupil, next_review_date, "next review date", "next_review_date")
    else:
        next_review_date = None
    since = attendance_since_start(plan, school_time(now).date())
    review = PlanReview(plan=plan, due_on=plan.review_date, reviewed_at=now, reviewed_by=staff, progress=progress,
                        outcome=outcome, next_review_date=next_review_date,
                        attendance_before=attendance_at_start(plan), attendance_since=since.json if since else None)
    db.session.add(review)
    before = {"state": plan.state, "review_date": plan.review_date.isoformat() if plan.review_date else None}
    if outcome == CONTINUE:
        plan.review_date = next_review_date
    else:
        plan.state, plan.ended_at = outcome, now
    db.session.flush()
    record(f"staff:{staff.id}", f"support_plan.review.{outcome}", plan, before, {
        "state": plan.state, "review_date": plan.review_date.isoformat() if plan.review_date else None,
        "progress": progress})
    db.session.commit()
    return review


@dataclass(frozen=True)
class DueReview:
    plan: SupportPlan
    review_date: date
    days_overdue: int  # 0 on the day

    @property
    def pupil(self) -> Pupil:
        return self.plan.pupil


def due_reviews(as_of: date, staff: StaffUser | None = None, days_ahead: int = 0) -> list[DueReview]:
    """Running plans whose review is due on or before `as_of` (+ `days_ahead`), the most overdue first; only at
    the schools where `staff`, if given, may draft support plans. The staff queue page lists these."""
    query = select(SupportPlan).where(SupportPlan.state == ACTIVE, SupportPlan.review_date.is_not(None),
                                      SupportPlan.review_date <= as_of + timedelta(days=days_ahead))
    if staff is not None:
        school_ids = drafting_school_ids(staff)
        if not school_ids:
            return []
        query = query.where(SupportPlan.school_id.in_(school_ids))
    plans = db.session.scalars(query.order_by(SupportPlan.review_date, SupportPlan.id))
    return [DueReview(p, p.review_date, max((as_of - p.review_date).days, 0)) for p in plans]


@dataclass(frozen=True)
class DeclinedPlan:
    plan: SupportPlan
    declined: list[SignerStatus]  # the parents who did not agree to the version they were sent, with why

    @property
    def pupil(self) -> Pupil:
        return self.plan.pupil


def declined_plans(staff: StaffUser) -> list[DeclinedPlan]:
    """Running plans whose version sent to the family a parent has not agreed to: the school must talk to them
    and change the plan (or record why not). Only at the schools where `staff` may draft support plans."""
    school_ids = drafting_school_ids(staff)
    if not school_ids:
        return []
    plans = db.session.scalars(select(SupportPlan).where(SupportPlan.state == ACTIVE,
                                                         SupportPlan.school_id.in_(school_ids))
                               .join(SupportPlanVersion).join(PlanSignature)
                               .where(PlanSignature.outcome == DECLINED).distinct().order_by(SupportPlan.id))
    found = []
    for plan in plans:
        status = version_status(plan.current) if plan.current else None
        if status and status.declined:
            found.append(DeclinedPlan(plan, status.declined))
    return found


def staff_emails(plan: SupportPlan) -> list[str]:
    """The plan's owner; if they have left or lost the role, everyone who may draft plans at the school."""
    owner = plan.owner
    if owner.active and may(owner, DRAFT_SUPPORT_PLANS, plan.school):
        return [owner.email]
    staff = db.session.scalars(
        select(StaffUser).join(StaffRole).where(StaffUser.active.is_(True)).where(
            or_(StaffRole.school_id == plan.school_id,
                (StaffRole.school_id.is_(None)) & (StaffRole.trust_id == plan.school.trust_id))).distinct())
    return sorted({s.email for s in staff if may(s, DRAFT_SUPPORT_PLANS, plan.school)})


def reminder_key(plan: SupportPlan) -> str:
    return f"support-plan:{plan.id}:review:{plan.review_date.isoformat()}"


def send_review_reminders(as_of: date, actor: str, days_ahead: int = REMIND_DAYS_AHEAD) -> list[SupportPlan]:
    """Email each running plan's owner once per review date, from `days_ahead` days before it. Safe to run as
    often as you like (cron): a plan whose reminder for this review date was queued is skipped. Returns the
    plans reminded now."""
    reminded = []
    for due in due_reviews(as_of, days_ahead=days_ahead):
        plan = due.plan
        key = reminder_key(plan)
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
            continue
        recipients = staff_emails(plan)
        if not recipients:
            continue
        when = ("today" if due.review_date == as_of else
                f"in {(due.review_date - as_of).days} day{'s' * ((due.review_date - as_of).days != 1)}"
                if due.review_date > as_of else f"{due.days_overdue} day{'s' * (due.days_overdue != 1)} ago")
        notify.queue(recipients, f"Review due {rules.long_date(due.review_date)}: {plan.pupil.name}’s support plan",
                     "plan_review_reminder", key=key, plan=plan, review_date=rules.long_date(due.review_date),
                     when=when, link=notify.external_url("staff.plan_review", plan_id=plan.id))
        record(actor, "support_plan.review_reminder", plan,
               after={"review_date": due.review_date.isoformat(), "to": recipients})
        reminded.append(plan)
    db.session.commit()
    return reminded


def oversight_entries(overview) -> list:
    """The oversight list "support plans due for review" (portal.services.oversight.register_list): pupils of the
    overview whose running plan's review is due on or before its day."""
    from portal.services.oversight import Entry  # the oversight pages are optional to this module

    due = due_reviews(overview.as_of)
    rows = overview.rows_for(d.plan.pupil_id for d in due)  # row objects for these pupils only, not the trust's
    return [Entry(rows[d.plan.pupil_id], d.review_date,
                  f"{d.plan.reference}: review due {rules.long_date(d.review_date)}"
                  + (f", {d.days_overdue} day{'s' * (d.days_overdue != 1)} overdue" if d.days_overdue else ""))
            for d in due if d.plan.pupil_id in rows]


def register_oversight_list() -> None:
    """Put "support plans due for review" on the oversight pages beside their own lists (create_app calls this;
    calling it again replaces the entry)."""
    oversight.register_list(
        oversight.ListKind(oversight.SUPPORT_PLANS_DUE_FOR_REVIEW, "Support plans due for review",
                           "Record the review: close, escalate or continue."),
        oversight_entries,
    )
