"""Who may see which plan: staff at the pupil's school (drafters for drafts), parents of the child."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import ParentAccount, Pupil, StaffUser
from portal.models.support_plan import ACTIVE, DRAFT, SupportPlan, SupportPlanVersion
from portal.services import NotFound
from portal.services.parent_access import child_of, children_of
from portal.services.permissions import DRAFT_SUPPORT_PLANS, pupil_for, require, schools_where
from portal.services.support_plans.status import version_status


def pupil_for_plan(staff: StaffUser, pupil_id: int) -> Pupil:
    return pupil_for(staff, pupil_id, DRAFT_SUPPORT_PLANS)


def staff_plan(staff: StaffUser, plan_id: int) -> SupportPlan:
    plan = db.session.get(SupportPlan, plan_id)
    if plan is None:
        raise NotFound("no such plan")
    require(staff, DRAFT_SUPPORT_PLANS, plan.school)
    return plan


def drafting_school_ids(staff: StaffUser) -> list[int]:
    return [s.id for s in schools_where(staff, DRAFT_SUPPORT_PLANS)]


def plans_for_staff(staff: StaffUser, state: str | None = None) -> list[SupportPlan]:
    """Plans at the schools where the member of staff may draft them, the next review first."""
    school_ids = drafting_school_ids(staff)
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
    school_ids = drafting_school_ids(staff)
    if not school_ids or not pupil_ids:
        return {}
    plans = db.session.scalars(select(SupportPlan).where(
        SupportPlan.pupil_id.in_(pupil_ids), SupportPlan.school_id.in_(school_ids),
        SupportPlan.state.in_((DRAFT, ACTIVE))).order_by(SupportPlan.id))
    return {plan.pupil_id: plan for plan in plans}


def find_pupils(staff: StaffUser, text: str, limit: int = 25) -> list[Pupil]:
    """Pupils at the staff member's drafting schools whose UPN is `text`, or whose name contains it."""
    text = " ".join((text or "").split())
    school_ids = drafting_school_ids(staff)
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
