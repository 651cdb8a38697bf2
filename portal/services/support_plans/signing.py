"""Sending a version to the family and every signature on it, each on the SHA-256 of the exact text signed."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from portal.clock import utcnow
from portal.domain import support_plan as rules
from portal.extensions import db
from portal.models import ParentAccount, StaffUser
from portal.models.support_plan import (
    ACTIVE, CLOSED, DECLINED, ESCALATED, PARENT, PUPIL, SCHOOL, SIGNED, PlanSignature, SupportPlan,
    SupportPlanVersion,
)
from portal.services import NotFound, ServiceError, notify
from portal.services.audit_writer import record
from portal.services.parent_language import message_locale
from portal.services.support_plans.access import plan_for_parent, staff_plan
from portal.services.support_plans.drafting import MAX_NAME, PlanChanged, checked_text
from portal.services.support_plans.reviews import staff_emails
from portal.services.support_plans.status import parent_signers, version_status


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
        with force_locale(message_locale(account)):  # the parent's language (services/parent_language.py)
            notify.queue([account.email],
                         gettext("Please read and sign %(name)s’s attendance support plan", name=plan.pupil.forename),
                         "plan_invitation", key=f"support-plan:{plan.id}:v{version.number}:invite:{account.id}",
                         plan=plan, version=version, name=name, school=plan.school,
                         review_date=date.fromisoformat(version.fields["review_date"]),
                         link=notify.external_url("parent.plan", pupil_id=plan.pupil_id, plan_id=plan.id))
        invited.append(account.email)
    record(f"staff:{staff.id}", "support_plan.send", plan, after={
        "version": version.number, "sha256": version.sha256, "invited": sorted(invited)})
    db.session.commit()
    return invited


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
    reason = checked_text(reason, "The reason")
    if not reason:
        raise ServiceError("Tell the school why you do not agree")
    signature = _add(PlanSignature(version=version, signer=me.signer, role=PARENT, outcome=DECLINED,
                                   parent_account=account, typed_name=me.name, reason=reason,
                                   sha256=version.sha256, at=now))
    record(f"parent:{account.id}", "support_plan.decline", plan,
           after={"version": version.number, "sha256": version.sha256, "reason": reason})
    recipients = staff_emails(plan)
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
    recipients = [e for e in staff_emails(plan) if signed_by is None or e != signed_by.email]
    if recipients:
        notify.queue(recipients, f"{plan.reference}: {plan.pupil.name}’s plan is agreed", "plan_agreed",
                     key=f"support-plan:{plan.id}:v{version.number}:agreed", plan=plan, version=version,
                     review_date=rules.long_date(plan.review_date),
                     link=notify.external_url("staff.plan", plan_id=plan.id))
