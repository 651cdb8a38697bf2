"""Attendance support plans (attendance contracts): drafting, signing, reviews, reminders and the PDF.

The life of a plan (domain.md section 7, ALP Appendix 1; the template comes from the school's policy):

1. Staff who may draft support plans (policy `roles.draft_support_plans`) draft it from a pupil: version 1, a
   draft only staff see. The attendance figure is filled in from the register, as of the meeting date.
2. Sending it to the family issues the version: from then on its text never changes. Each parent with parental
   responsibility is emailed a link into the portal (they sign in the usual way) and signs separately, by typing
   their name and confirming; or declines and says why. The school representative signs too; the pupil may.
3. Every signature stores the SHA-256 of the exact text signed, and is refused if the signer read another
   version. Changing a plan that was sent makes the next version, which needs signing again; the old versions
   and their signatures stay readable.
4. The review date puts the plan in the staff queue (`due_reviews`) and sends its owner one reminder
   (`send_review_reminders`, run by `flask plans remind`). A review records progress beside the attendance since
   the plan started, and closes the plan, escalates it, or sets the next review date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import render_template
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.clock import school_time, utcnow
from portal.domain import support_plan as rules
from portal.domain.support_plan import PlanTemplate
from portal.extensions import db
from portal.models import OutboxMessage, ParentAccount, Pupil, School, StaffRole, StaffUser
from portal.models.support_plan import (
    ACTIVE,
    CLOSED,
    CONTINUE,
    DECLINED,
    DRAFT,
    ESCALATED,
    OUTCOMES,
    PARENT,
    PUPIL,
    SCHOOL,
    SIGNED,
    PlanReview,
    PlanSignature,
    SupportPlan,
    SupportPlanVersion,
)
from portal.services import NotFound, ServiceError, notify, oversight
from portal.services.attendance import PupilAttendance, pupil_attendance
from portal.services.audit import record
from portal.services.parent_access import child_of, children_of
from portal.services.policies import school_policy, trust_policy
from portal.services.staff import DRAFT_SUPPORT_PLANS, may, require, schools_of

REVIEW_AFTER_SCHOOL_DAYS = 30  # the review date the form suggests: six school weeks (the seeds set none)
REMIND_DAYS_AHEAD = 3  # a review's reminder goes out this many days before it is due (or on any later run)
MAX_NAME = 200
MAX_TEXT = 5000
STATE_WORDS = {DRAFT: "Draft: not sent to the family", ACTIVE: "Active", CLOSED: "Closed", ESCALATED: "Escalated"}
OUTCOME_WORDS = {
    CONTINUE: "Continue the plan to a new review date",
    CLOSED: "Close the plan: attendance has improved",
    ESCALATED: "Escalate to the next stage of support",
}


class PlanChanged(ServiceError):
    """The signer read a version that is no longer the one to sign."""


# ---------------------------------------------------------------- what staff type


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


def template_for(school: School) -> PlanTemplate:
    """The school's plan template from its trust's policy; ALP Appendix 1 where the policy gives none."""
    return getattr(trust_policy(school.trust), "support_plan", None) or rules.ALP_APPENDIX_1


def checklist(template: PlanTemplate, key: str, version: SupportPlanVersion | None = None) -> list[str]:
    """The entries a checklist offers: the template's, then any a plan's version holds that the policy has
    since dropped (so changing an old plan never loses what was agreed)."""
    entries = list(getattr(template, key))
    if version is not None:
        entries += [e for e in version.fields.get(key) or [] if e not in entries]
    return entries


# ---------------------------------------------------------------- who may see what


def pupil_for_plan(staff: StaffUser, pupil_id: int) -> Pupil:
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None:
        raise NotFound("no such pupil")
    require(staff, DRAFT_SUPPORT_PLANS, pupil.school)
    return pupil


def staff_plan(staff: StaffUser, plan_id: int) -> SupportPlan:
    plan = db.session.get(SupportPlan, plan_id)
    if plan is None:
        raise NotFound("no such plan")
    require(staff, DRAFT_SUPPORT_PLANS, plan.school)
    return plan


def _drafting_school_ids(staff: StaffUser) -> list[int]:
    return [s.id for s in schools_of(staff) if may(staff, DRAFT_SUPPORT_PLANS, s)]


def plans_for_staff(staff: StaffUser, state: str | None = None) -> list[SupportPlan]:
    """Plans at the schools where the member of staff may draft them, the next review first."""
    school_ids = _drafting_school_ids(staff)
    if not school_ids:
        return []
    query = select(SupportPlan).where(SupportPlan.school_id.in_(school_ids))
    if state:
        query = query.where(SupportPlan.state == state)
    query = query.order_by(SupportPlan.state != ACTIVE, SupportPlan.review_date.is_(None), SupportPlan.review_date,
                           SupportPlan.id)
    return list(db.session.scalars(query))


def plans_of_pupil(staff: StaffUser, pupil: Pupil) -> list[SupportPlan]:
    require(staff, DRAFT_SUPPORT_PLANS, pupil.school)
    return list(db.session.scalars(select(SupportPlan).where(SupportPlan.pupil_id == pupil.id)
                                   .order_by(SupportPlan.id.desc())))


def open_plans_by_pupil(staff: StaffUser, pupil_ids: list[int]) -> dict[int, SupportPlan]:
    """Each of these pupils' newest plan still open (a draft, or sent and running), at the schools where `staff`
    may draft plans: a list of pupils links to it rather than offering to start another."""
    school_ids = _drafting_school_ids(staff)
    if not school_ids or not pupil_ids:
        return {}
    plans = db.session.scalars(select(SupportPlan).where(
        SupportPlan.pupil_id.in_(pupil_ids), SupportPlan.school_id.in_(school_ids),
        SupportPlan.state.in_((DRAFT, ACTIVE))).order_by(SupportPlan.id))
    return {plan.pupil_id: plan for plan in plans}


def find_pupils(staff: StaffUser, text: str, limit: int = 25) -> list[Pupil]:
    """Pupils at the staff member's drafting schools whose UPN is `text`, or whose name contains it."""
    text = " ".join((text or "").split())
    school_ids = _drafting_school_ids(staff)
    if not text or not school_ids:
        return []
    words = [w.lower() for w in text.split()]
    name = func.lower(Pupil.legal_forename + " " + Pupil.preferred_forename + " " + Pupil.legal_surname)
    query = (select(Pupil).where(Pupil.school_id.in_(school_ids))
             .where(or_(Pupil.upn == text.upper(), name.contains(words[0], autoescape=True))))
    found = [p for p in db.session.scalars(query.order_by(Pupil.legal_surname, Pupil.legal_forename))
             if p.upn == text.upper() or all(w in f"{p.legal_forename} {p.preferred_forename} "
                                                  f"{p.legal_surname}".lower() for w in words)]
    return found[:limit]


def plans_for_parent(account: ParentAccount) -> list[SupportPlan]:
    """The plans of this parent's children that the school has sent them (never drafts)."""
    children = children_of(account)
    if not children:
        return []
    return list(db.session.scalars(
        select(SupportPlan).where(SupportPlan.pupil_id.in_([c.id for c in children]), SupportPlan.state != DRAFT)
        .order_by(SupportPlan.id.desc())))


def plans_to_sign(account: ParentAccount) -> list[SupportPlan]:
    """Running plans whose current version this parent has not signed yet (for a reminder on their home page)."""
    waiting = []
    for plan in plans_for_parent(account):
        if plan.state == ACTIVE and plan.current is not None:
            me = version_status(plan.current).parent(account)
            if me is not None and not me.signed:
                waiting.append(plan)
    return waiting


def plan_for_parent(account: ParentAccount, plan_id: int, pupil_id: int | None = None) -> SupportPlan:
    """A plan of this parent's child that has been sent, or NotFound: another family's plan, or a draft, looks
    exactly like one that does not exist."""
    plan = db.session.get(SupportPlan, plan_id)
    if plan is None or plan.state == DRAFT or plan.current is None:
        raise NotFound("no such plan")
    if pupil_id is not None and plan.pupil_id != pupil_id:
        raise NotFound("no such plan")
    child_of(account, plan.pupil_id)
    return plan


def version_of(plan: SupportPlan, number: int, issued_only: bool = False) -> SupportPlanVersion:
    for version in plan.versions:
        if version.number == number and (version.issued_at is not None or not issued_only):
            return version
    raise NotFound("no such version")


# ---------------------------------------------------------------- signers and where a version stands


def parent_signers(pupil: Pupil) -> list[tuple[ParentAccount, str]]:
    """(account, name) of each parent with parental responsibility who can sign in: each signs separately."""
    signers: dict[int, tuple[ParentAccount, str]] = {}
    for contact in pupil.contacts:
        if contact.parental_responsibility and contact.parent_account is not None:
            signers.setdefault(contact.parent_account.id, (contact.parent_account, contact.name))
    return list(signers.values())


def unreachable_parents(pupil: Pupil) -> list[str]:
    """Names of contacts with parental responsibility but no email address: they cannot sign online."""
    return [c.name for c in pupil.contacts if c.parental_responsibility and c.parent_account is None]


@dataclass
class SignerStatus:
    signer: str  # "parent:<id>", "pupil" or "school"
    role: str
    name: str
    signature: PlanSignature | None = None
    refusal: PlanSignature | None = None
    account_id: int | None = None

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def declined(self) -> bool:
        return self.signature is None and self.refusal is not None


@dataclass
class VersionStatus:
    version: SupportPlanVersion
    parents: list[SignerStatus]
    school: SignerStatus
    pupil: SignerStatus | None

    @property
    def complete(self) -> bool:
        """Every parent who can sign has signed, and so has the school (the pupil's signature is optional)."""
        return self.school.signed and all(p.signed for p in self.parents)

    @property
    def declined(self) -> list[SignerStatus]:
        return [p for p in self.parents if p.declined]

    @property
    def signatures(self) -> list[PlanSignature]:
        return [s.signature for s in [*self.parents, self.school, *([self.pupil] if self.pupil else [])]
                if s.signature is not None]

    def parent(self, account: ParentAccount) -> SignerStatus | None:
        return next((p for p in self.parents if p.account_id == account.id), None)


def version_status(version: SupportPlanVersion) -> VersionStatus:
    plan = version.plan
    by_signer: dict[str, dict[str, PlanSignature]] = {}
    for signature in version.signatures:
        by_signer.setdefault(signature.signer, {})[signature.outcome] = signature

    def status(signer: str, role: str, name: str, account_id: int | None = None) -> SignerStatus:
        found = by_signer.get(signer, {})
        return SignerStatus(signer, role, name, found.get(SIGNED), found.get(DECLINED), account_id)

    parents = [status(f"parent:{account.id}", PARENT, name, account.id) for account, name in parent_signers(plan.pupil)]
    known = {p.signer for p in parents}
    for signature in version.signatures:  # someone who signed and has since lost access stays on the record
        if signature.role == PARENT and signature.signer not in known:
            known.add(signature.signer)
            parents.append(status(signature.signer, PARENT, signature.typed_name, signature.parent_account_id))
    show_pupil = template_for(plan.school).pupil_signature or PUPIL in by_signer
    return VersionStatus(
        version=version,
        parents=parents,
        school=status(SCHOOL, SCHOOL, plan.school.name),
        pupil=status(PUPIL, PUPIL, plan.pupil.name) if show_pupil else None,
    )


def status_words(plan: SupportPlan) -> str:
    """The plan's state in a few words, for lists and the page heading."""
    if plan.state != ACTIVE or plan.current is None:
        return STATE_WORDS[plan.state]
    status = version_status(plan.current)
    if status.complete:
        words = "Agreed"
    elif status.declined:
        words = "Declined by a parent"
    else:
        words = "Waiting for signatures"
    if plan.latest.issued_at is None:
        words += f" (version {plan.latest.number} not sent yet)"
    return words


# ---------------------------------------------------------------- drafting and changing


def _text(value: str, label: str, limit: int = MAX_TEXT) -> str:
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


def _on_a_school_day(pupil: Pupil, day: date, what: str, field: str) -> None:
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
    _on_a_school_day(pupil, data.review_date, "review date", "review_date")
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
            "parents": _text(data.attendees_parents, "Parent/Carer(s)", MAX_NAME * 3),
            "pupil": _text(data.attendees_pupil, "Pupil", MAX_NAME),
            "school": _text(data.attendees_school, "School representative(s)", MAX_NAME * 3),
            "others": _text(data.attendees_others, "Other professionals", MAX_NAME * 3),
        },
        "attendance": attendance,
        "purpose": rules.fill_purpose(template, attendance["pct"], attendance["target"]),
        "concerns": _text(data.concerns, "The school's concerns"),
        "parent_views": _text(data.parent_views, "The parent's views"),
        "pupil_views": _text(data.pupil_views, "The pupil's views"),
        "barriers": _text(data.barriers, "The barriers"),
        "support_offered": chosen["support_offered"],
        "support_other": _text(data.support_other, "Other support"),
        "parent_commitments": chosen["parent_commitments"],
        "additional_actions": _text(data.additional_actions, "Additional actions"),
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


def send_for_signing(staff: StaffUser, plan_id: int, now: datetime | None = None) -> list[str]:
    """Send the latest version to the family: it is fixed from now on, and each parent with parental
    responsibility is emailed a link to read and sign it. Returns the addresses invited."""
    now = now or utcnow()
    plan = staff_plan(staff, plan_id)
    if plan.state in (CLOSED, ESCALATED):
        raise ServiceError("This plan has ended")
    version = plan.latest
    if version.issued_at is not None:
        raise ServiceError(f"Version {version.number} has already been sent")
    version.issued_at, version.issued_by = now, staff
    plan.state = ACTIVE
    if plan.started_on is None:
        plan.started_on = date.fromisoformat(version.fields["meeting_date"])
    invited = []
    for account, name in parent_signers(plan.pupil):
        notify.queue([account.email], f"Please read and sign {plan.pupil.forename}’s attendance support plan",
                     "plan_invitation", key=f"support-plan:{plan.id}:v{version.number}:invite:{account.id}",
                     plan=plan, version=version, name=name, school=plan.school,
                     review_date=rules.long_date(version.fields["review_date"]),
                     link=notify.external_url("parent.plan", pupil_id=plan.pupil_id, plan_id=plan.id))
        invited.append(account.email)
    record(f"staff:{staff.id}", "support_plan.send", plan, after={
        "version": version.number, "sha256": version.sha256, "invited": sorted(invited)})
    db.session.commit()
    return invited


# ---------------------------------------------------------------- signing


def _version_to_sign(plan: SupportPlan, number: int, sha256: str) -> SupportPlanVersion:
    if plan.state != ACTIVE:
        raise ServiceError("This plan has ended: it can no longer be signed")
    version = plan.current
    if version is None or version.number != number or version.sha256 != sha256:
        raise PlanChanged("The school has changed this plan since you opened it. Read the new version before "
                          "you sign.")
    return version


def _signature_name(typed_name: str, confirmed: bool) -> str:
    name = rules.clean_line(typed_name)
    if not name:
        raise ServiceError("Type your full name to sign")
    if len(name) > MAX_NAME:
        raise ServiceError(f"The name is longer than {MAX_NAME} characters")
    if not confirmed:
        raise ServiceError("Confirm that you have read the plan and agree to it")
    return name


def _add(signature: PlanSignature) -> PlanSignature:
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:  # a double click: the first one counted
        db.session.rollback()
        raise ServiceError("This has already been signed") from None
    return signature


def sign_as_parent(account: ParentAccount, plan_id: int, number: int, sha256: str, typed_name: str,
                   confirmed: bool, now: datetime | None = None) -> PlanSignature:
    now = now or utcnow()
    plan = plan_for_parent(account, plan_id)
    version = _version_to_sign(plan, number, sha256)
    me = version_status(version).parent(account)
    if me is None:
        raise NotFound("no such plan")
    if me.signed:
        raise ServiceError("You have already signed this version")
    name = _signature_name(typed_name, confirmed)
    signature = _add(PlanSignature(version=version, signer=me.signer, role=PARENT, outcome=SIGNED,
                                   parent_account=account, typed_name=name, sha256=version.sha256, at=now))
    record(f"parent:{account.id}", "support_plan.sign", plan,
           after={"version": version.number, "sha256": version.sha256, "typed_name": name})
    _tell_owner_if_agreed(plan, version)
    db.session.commit()
    return signature


def decline_as_parent(account: ParentAccount, plan_id: int, number: int, sha256: str, reason: str,
                      now: datetime | None = None) -> PlanSignature:
    """A parent does not agree to this version, and says why. They may still sign it later."""
    now = now or utcnow()
    plan = plan_for_parent(account, plan_id)
    version = _version_to_sign(plan, number, sha256)
    me = version_status(version).parent(account)
    if me is None:
        raise NotFound("no such plan")
    if me.signed:
        raise ServiceError("You have already signed this version: to withdraw, contact the school")
    if me.refusal is not None:
        raise ServiceError("You have already told the school you do not agree to this version")
    reason = _text(reason, "The reason")
    if not reason:
        raise ServiceError("Tell the school why you do not agree")
    signature = _add(PlanSignature(version=version, signer=me.signer, role=PARENT, outcome=DECLINED,
                                   parent_account=account, typed_name=me.name, reason=reason,
                                   sha256=version.sha256, at=now))
    record(f"parent:{account.id}", "support_plan.decline", plan,
           after={"version": version.number, "sha256": version.sha256, "reason": reason})
    recipients = _staff_emails(plan)
    if recipients:
        notify.queue(recipients, f"{plan.reference}: a parent has not agreed to {plan.pupil.name}’s plan",
                     "plan_declined", key=f"support-plan:{plan.id}:v{version.number}:declined:{account.id}",
                     plan=plan, version=version, name=me.name, reason=reason,
                     link=notify.external_url("staff.plan", plan_id=plan.id))
    db.session.commit()
    return signature


def sign_as_school(staff: StaffUser, plan_id: int, number: int, sha256: str, typed_name: str, confirmed: bool,
                   now: datetime | None = None) -> PlanSignature:
    now = now or utcnow()
    plan = staff_plan(staff, plan_id)
    version = _version_to_sign(plan, number, sha256)
    if version_status(version).school.signed:
        raise ServiceError("The school has already signed this version")
    name = _signature_name(typed_name, confirmed)
    signature = _add(PlanSignature(version=version, signer=SCHOOL, role=SCHOOL, outcome=SIGNED, staff=staff,
                                   typed_name=name, sha256=version.sha256, at=now))
    record(f"staff:{staff.id}", "support_plan.sign_for_school", plan,
           after={"version": version.number, "sha256": version.sha256, "typed_name": name})
    _tell_owner_if_agreed(plan, version, signed_by=staff)
    db.session.commit()
    return signature


def record_pupil_signature(staff: StaffUser, plan_id: int, number: int, sha256: str, typed_name: str,
                           confirmed: bool, now: datetime | None = None) -> PlanSignature:
    """The pupil's own signature (optional), typed by the pupil on the school's device, with staff present."""
    now = now or utcnow()
    plan = staff_plan(staff, plan_id)
    version = _version_to_sign(plan, number, sha256)
    status = version_status(version)
    if status.pupil is None:
        raise ServiceError("The school's policy does not ask pupils to sign")
    if status.pupil.signed:
        raise ServiceError("The pupil has already signed this version")
    name = rules.clean_line(typed_name)
    if not name:
        raise ServiceError("The pupil types their name to sign")
    if len(name) > MAX_NAME:
        raise ServiceError(f"The name is longer than {MAX_NAME} characters")
    if not confirmed:
        raise ServiceError("Confirm that the pupil has had the plan read with them and typed their own name")
    signature = _add(PlanSignature(version=version, signer=PUPIL, role=PUPIL, outcome=SIGNED, staff=staff,
                                   typed_name=name, sha256=version.sha256, at=now))
    record(f"staff:{staff.id}", "support_plan.pupil_signature", plan,
           after={"version": version.number, "sha256": version.sha256, "typed_name": name})
    db.session.commit()
    return signature


def _tell_owner_if_agreed(plan: SupportPlan, version: SupportPlanVersion, signed_by: StaffUser | None = None):
    if not version_status(version).complete:
        return
    recipients = [e for e in _staff_emails(plan) if signed_by is None or e != signed_by.email]
    if recipients:
        notify.queue(recipients, f"{plan.reference}: {plan.pupil.name}’s plan is agreed", "plan_agreed",
                     key=f"support-plan:{plan.id}:v{version.number}:agreed", plan=plan, version=version,
                     review_date=rules.long_date(plan.review_date),
                     link=notify.external_url("staff.plan", plan_id=plan.id))


# ---------------------------------------------------------------- reviews


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
    progress = _text(progress, "Progress")
    if not progress:
        raise ServiceError("Write down the progress made")
    if outcome not in OUTCOMES:
        raise ServiceError("Choose whether to continue, close or escalate the plan")
    if outcome == CONTINUE:
        if next_review_date is None:
            raise ServiceError("Enter the date of the next review", field="next_review_date")
        if next_review_date <= school_time(now).date():
            raise ServiceError("The next review must be after today", field="next_review_date")
        _on_a_school_day(plan.pupil, next_review_date, "next review date", "next_review_date")
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
        school_ids = _drafting_school_ids(staff)
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
    school_ids = _drafting_school_ids(staff)
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


def _staff_emails(plan: SupportPlan) -> list[str]:
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
        recipients = _staff_emails(plan)
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


# ---------------------------------------------------------------- the PDF


def version_pdf(plan: SupportPlan, version: SupportPlanVersion, now: datetime | None = None) -> bytes:
    """The version as a PDF: its text, every signature with the fingerprint it was made on, and the version's
    fingerprint (SHA-256 of the exact text signed)."""
    import weasyprint  # imported here: heavy, and only this needs it

    html = render_template("letters/support_plan.html", plan=plan, version=version,
                           document=rules.document(version.fields), status=version_status(version),
                           superseded=plan.current is not None and plan.current.number > version.number
                           and version.issued_at is not None,
                           generated_at=now or utcnow(), long_date=rules.long_date)
    return weasyprint.HTML(string=html).write_pdf()


def oversight_entries(overview) -> list:
    """The oversight list "support plans due for review" (portal.services.oversight.register_list): pupils of the
    overview whose running plan's review is due on or before its day."""
    from portal.services.oversight import Entry  # the oversight pages are optional to this module

    rows = {row.pupil_id: row for row in overview.rows}
    return [Entry(rows[due.plan.pupil_id], due.review_date,
                  f"{due.plan.reference}: review due {rules.long_date(due.review_date)}"
                  + (f", {due.days_overdue} day{'s' * (due.days_overdue != 1)} overdue" if due.days_overdue else ""))
            for due in due_reviews(overview.as_of) if due.plan.pupil_id in rows]


# The oversight pages list plans due for review beside the other lists (portal/services/oversight.py).
oversight.register_list(
    oversight.ListKind(oversight.SUPPORT_PLANS_DUE_FOR_REVIEW, "Support plans due for review",
                       "Record the review: close, escalate or continue."),
    oversight_entries,
)
