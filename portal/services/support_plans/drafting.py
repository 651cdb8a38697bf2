"""Drafting and changing a plan: what staff type, checked, becomes a version's fields (a sent version never changes:
changing it makes the next one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from portal.clock import school_time, utcnow
from portal.domain import support_plan as rules
from portal.domain.support_plan import PlanTemplate
from portal.extensions import db
from portal.models import Pupil, StaffUser
from portal.models.support_plan import CLOSED, DRAFT, ESCALATED, SupportPlan, SupportPlanVersion
from portal.services import ServiceError
from portal.services.attendance import pupil_attendance
from portal.services.audit_writer import record
from portal.services.policies import school_policy
from portal.services.support_plans.access import pupil_for_plan, staff_plan
from portal.services.support_plans.plan_template import checklist, template_for
from portal.services.support_plans.status import parent_signers


REVIEW_AFTER_SCHOOL_DAYS = 30  # the review date the form suggests: six school weeks (the seeds set none)


MAX_NAME = 200


MAX_TEXT = 5000


class PlanChanged(ServiceError):
    """The signer read a version that is no longer the one to sign."""


@dataclass
class PlanInput:
    """The fields of ALP Appendix 1 that staff fill in; the rest comes from the register and the policy."""

    meeting_date: date
    review_date: date
    attendees_parents: str = ""
    attendees_pupil: str = ""
    attendees_school: str = ""
    attendees_others: str = ""
    concerns: str = ""
    parent_views: str = ""
    pupil_views: str = ""
    barriers: str = ""
    support_offered: list[str] = field(default_factory=list)
    support_other: str = ""
    parent_commitments: list[str] = field(default_factory=list)
    additional_actions: str = ""
    school_commitments: list[str] = field(default_factory=list)


def input_from_version(version: SupportPlanVersion) -> PlanInput:
    """A version's fields as the form fills them in (to change the plan)."""
    f = version.fields
    attendees = f.get("attendees") or {}
    review = version.plan.review_date or (date.fromisoformat(f["review_date"]) if f.get("review_date") else None)
    return PlanInput(
        meeting_date=date.fromisoformat(f["meeting_date"]), review_date=review,
        attendees_parents=attendees.get("parents", ""), attendees_pupil=attendees.get("pupil", ""),
        attendees_school=attendees.get("school", ""), attendees_others=attendees.get("others", ""),
        concerns=f.get("concerns", ""), parent_views=f.get("parent_views", ""),
        pupil_views=f.get("pupil_views", ""), barriers=f.get("barriers", ""),
        support_offered=list(f.get("support_offered") or []), support_other=f.get("support_other", ""),
        parent_commitments=list(f.get("parent_commitments") or []),
        additional_actions=f.get("additional_actions", ""),
        school_commitments=list(f.get("school_commitments") or []),
    )


def new_input(staff: StaffUser, pupil: Pupil, today: date) -> PlanInput:
    """A blank plan as the form first shows it: today's meeting, a review six school weeks on, the parents with
    parental responsibility and the member of staff as attendees, every commitment of the template ticked."""
    template = template_for(pupil.school)
    _, school = school_policy(pupil.school.urn)
    review = school.calendar.nth_school_day_after(today, REVIEW_AFTER_SCHOOL_DAYS) if school else None
    return PlanInput(
        meeting_date=today, review_date=review or today + timedelta(weeks=6),
        attendees_parents=", ".join(name for _, name in parent_signers(pupil)),
        attendees_school=staff.name,
        parent_commitments=list(template.parent_commitments),
        school_commitments=list(template.school_commitments),
    )


def checked_text(value: str, label: str, limit: int = MAX_TEXT) -> str:
    text = rules.clean_text(value)
    if len(text) > limit:
        raise ServiceError(f"{label} is longer than {limit} characters")
    return text


def _attendance_figures(pupil: Pupil, as_of: date) -> dict:
    figures = pupil_attendance(pupil.upn, as_of=as_of)
    summary = figures.json
    return {
        "from": summary["from"], "to": summary["to"], "pct": summary["attendance_pct"],
        "days_missed": summary["days_missed"], "days_possible": f"{figures.summary.possible / 2:.1f}",
        "target": str(figures.bands.target),
    }


def on_a_school_day(pupil: Pupil, day: date, what: str, field: str) -> None:
    """A review is a meeting at school, so it falls on one of the school's days (where its calendar reaches)."""
    _, school = school_policy(pupil.school.urn)
    calendar = school.calendar if school else None
    if calendar is None or calendar.last_day is None or day > calendar.last_day:
        return
    why = calendar.why_closed(day)
    if why:
        following = calendar.next_school_day(day)
        instead = f", such as {rules.long_date(following)}" if following else ""
        raise ServiceError(f"The {what}, {rules.long_date(day)}, is not a school day ({why}): choose a school "
                           f"day{instead}", field=field)


def _fields(pupil: Pupil, school_name: str, reference: str | None, number: int, data: PlanInput,
            template: PlanTemplate, today: date, previous: SupportPlanVersion | None) -> dict:
    """The version's fields, every check made first: nothing is written until they pass (a new plan's reference,
    None here, is filled in once it has an id)."""
    if data.meeting_date is None:
        raise ServiceError("Enter the date of the meeting", field="meeting_date")
    if data.review_date is None:
        raise ServiceError("Enter the review date", field="review_date")
    problems = rules.check_dates(data.meeting_date, data.review_date)
    if problems:
        raise ServiceError(problems[0][1], field=problems[0][0])
    on_a_school_day(pupil, data.review_date, "review date", "review_date")
    chosen = {}
    for key in rules.LIST_KEYS:
        offered = checklist(template, key, previous)
        picked = [rules.clean_line(item) for item in getattr(data, key) or []]
        unknown = [item for item in picked if item not in offered]
        if unknown:
            raise ServiceError(f"{unknown[0]!r} is not on the policy's list: write it under “other” instead",
                               field=key)
        chosen[key] = [item for item in offered if item in picked]  # the policy's order
    attendance = _attendance_figures(pupil, min(data.meeting_date, today))
    return {
        "schema": rules.FIELDS_SCHEMA,
        "reference": reference,
        "version": number,
        "title": template.title,
        "school": school_name,
        "pupil_name": pupil.name,
        "pupil_class": pupil.registration_group,
        "meeting_date": data.meeting_date.isoformat(),
        "attendees": {
            "parents": checked_text(data.attendees_parents, "Parent/Carer(s)", MAX_NAME * 3),
            "pupil": checked_text(data.attendees_pupil, "Pupil", MAX_NAME),
            "school": checked_text(data.attendees_school, "School representative(s)", MAX_NAME * 3),
            "others": checked_text(data.attendees_others, "Other professionals", MAX_NAME * 3),
        },
        "attendance": attendance,
        "purpose": rules.fill_purpose(template, attendance["pct"], attendance["target"]),
        "concerns": checked_text(data.concerns, "The school's concerns"),
        "parent_views": checked_text(data.parent_views, "The parent's views"),
        "pupil_views": checked_text(data.pupil_views, "The pupil's views"),
        "barriers": checked_text(data.barriers, "The barriers"),
        "support_offered": chosen["support_offered"],
        "support_other": checked_text(data.support_other, "Other support"),
        "parent_commitments": chosen["parent_commitments"],
        "additional_actions": checked_text(data.additional_actions, "Additional actions"),
        "school_commitments": chosen["school_commitments"],
        "review_date": data.review_date.isoformat(),
        "review": template.review,
    }


def _write(version: SupportPlanVersion, fields: dict) -> None:
    version.fields = fields
    version.text = rules.render_text(rules.document(fields))
    version.sha256 = rules.text_sha256(version.text)


def draft_plan(staff: StaffUser, pupil_id: int, data: PlanInput, now: datetime | None = None) -> SupportPlan:
    """A new plan for a pupil, as a draft only staff see (version 1)."""
    now = now or utcnow()
    pupil = pupil_for_plan(staff, pupil_id)
    # Checked before the plan is added: a refused form must leave no draft behind, not even in this session.
    fields = _fields(pupil, pupil.school.name, None, 1, data, template_for(pupil.school), school_time(now).date(),
                     None)
    plan = SupportPlan(pupil=pupil, school=pupil.school, owner=staff, state=DRAFT, created_at=now,
                       review_date=data.review_date)
    db.session.add(plan)
    db.session.flush()
    fields["reference"] = plan.reference
    version = SupportPlanVersion(plan=plan, number=1, created_at=now, created_by=staff, updated_at=now)
    _write(version, fields)
    db.session.add(version)
    db.session.flush()
    record(f"staff:{staff.id}", "support_plan.draft", plan,
           after={"pupil": pupil.upn, "version": 1, "sha256": version.sha256})
    db.session.commit()
    return plan


def change_plan(staff: StaffUser, plan_id: int, data: PlanInput, now: datetime | None = None) -> SupportPlanVersion:
    """Change a plan. A version not yet sent is changed in place; once a version has been sent to the family it
    never changes, so the change becomes the next version, which must be sent and signed again."""
    now = now or utcnow()
    plan = staff_plan(staff, plan_id)
    if plan.state in (CLOSED, ESCALATED):
        raise ServiceError("This plan has ended: start a new plan instead")
    latest = plan.latest
    template = template_for(plan.school)
    if latest.issued_at is None:
        before = {"version": latest.number, "sha256": latest.sha256}
        _write(latest, _fields(plan.pupil, plan.school.name, plan.reference, latest.number, data, template,
                               school_time(now).date(), latest))
        latest.updated_at = now
        version = latest
    else:
        before = {"version": latest.number, "sha256": latest.sha256}
        # Its queries run before the new version is added to the session.
        fields = _fields(plan.pupil, plan.school.name, plan.reference, latest.number + 1, data, template,
                         school_time(now).date(), latest)
        version = SupportPlanVersion(plan=plan, number=latest.number + 1, created_at=now, created_by=staff,
                                     updated_at=now)
        _write(version, fields)
        db.session.add(version)
    plan.review_date = data.review_date
    db.session.flush()
    record(f"staff:{staff.id}", "support_plan.change", plan, before,
           {"version": version.number, "sha256": version.sha256})
    db.session.commit()
    return version
