"""One pupil's legal pathway as staff see it before any letter: the threshold, what to be careful of, the support
already offered, the parents a notice would go to, and the notices and decisions so far.

Only the policy's `roles.legal_action` (default: senior leaders and headteachers) may open it (issue 18). What to
be careful of comes first, so nobody writes a letter without seeing it: an open support plan, a part-time
timetable (C2), illness this year (I never counts towards the threshold), a pupil the school marked vulnerable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.domain import codes
from portal.domain.marks import Mark as DomainMark
from portal.domain.penalties import ThresholdResult, threshold_reached
from portal.domain.policy_words import english
from portal.domain.policy_rules import PenaltyRules
from portal.extensions import db
from portal.models import ContactAttempt, Mark, Pupil, School, StaffUser, SupportPlan
from portal.models.legal import NoticeToImprove, PenaltyDecision
from portal.models.support_plan import ACTIVE
from portal.services import NotFound
from portal.services.attendance import PupilAttendance, pupil_attendance, school_year_of
from portal.services.first_day import ACTION_WORDS
from portal.services.policies import school_policy, trust_policy
from portal.services.permissions import LEGAL_ACTION, pupil_for, require, schools_of, schools_where

LOOKBACK_DAYS = 400  # a 10-school-week window ending today reaches well under a year back
PART_TIME_WEEKS = 4  # a C2 mark this recent means a part-time timetable is (or was just) in place


def pupil_for_legal(staff: StaffUser, pupil_id: int) -> Pupil:
    return pupil_for(staff, pupil_id, LEGAL_ACTION)


def legal_schools(staff: StaffUser) -> list[School]:
    return schools_where(staff, LEGAL_ACTION)


def penalty_rules(pupil: Pupil) -> PenaltyRules:
    return trust_policy(pupil.school.trust).penalties


def domain_marks(pupil: Pupil, start: date, end: date) -> list[DomainMark]:
    rows = db.session.execute(select(Mark.date, Mark.session, Mark.code, Mark.minutes_late)
                              .where(Mark.pupil_id == pupil.id, Mark.date >= start, Mark.date <= end)
                              .order_by(Mark.date, Mark.session))
    return [DomainMark(r.date, r.session, r.code, r.minutes_late) for r in rows]


def threshold(pupil: Pupil, as_of: date) -> ThresholdResult:
    """The national threshold over the pupil's own register (which follows them between the trust's schools),
    the school weeks of their current school's calendar."""
    start = as_of - timedelta(days=LOOKBACK_DAYS)
    _, school = school_policy(pupil.school.urn)
    weeks = school.calendar.school_weeks(start, as_of) if school else []
    return threshold_reached(domain_marks(pupil, start, as_of), weeks, penalty_rules(pupil), as_of)


@dataclass(frozen=True)
class Parent:
    name: str
    email: str | None
    account_id: int | None


def parents_with_responsibility(pupil: Pupil) -> list[Parent]:
    """Each parent with parental responsibility, once: each gets their own notice (notices are per parent)."""
    found: dict[str, Parent] = {}
    for contact in pupil.contacts:
        if contact.parental_responsibility:
            key = " ".join(contact.name.split()).lower()
            found.setdefault(key, Parent(contact.name, contact.email, contact.parent_account_id))
    return list(found.values())


def cautions(pupil: Pupil, as_of: date) -> list[str]:
    """What staff must weigh before any letter, in plain words ("support first")."""
    found = []
    plans = db.session.scalars(select(SupportPlan).where(SupportPlan.pupil_id == pupil.id,
                                                         SupportPlan.state == ACTIVE)).all()
    for plan in plans:
        found.append(f"An attendance support plan is running ({plan.reference}): check what it agreed and how it "
                     "is going before any formal step.")
    from portal.services.part_time_timetables import current  # it reads this module's pupil check

    timetable = current(pupil.id, as_of)
    recent = domain_marks(pupil, as_of - timedelta(weeks=PART_TIME_WEEKS), as_of)
    if timetable is not None:
        found.append(f"The pupil is on a part-time timetable to {timetable.ends_on.strftime('%-d %B %Y')}, agreed "
                     f"with {timetable.consent_by}: the sessions they are not expected at are authorised (C2) and "
                     "never count.")
    elif any(m.code == "C2" for m in recent):
        found.append("The pupil is on a part-time timetable (C2 in the last four weeks): the sessions they are not "
                     "expected at are authorised and never count.")
    year_start, _ = school_year_of(as_of)
    illness = [m for m in domain_marks(pupil, year_start, as_of) if m.code in ("I", "M")]
    if illness:
        days = len(illness) / 2
        found.append(f"{days:g} day{'' if days == 1 else 's'} of illness or medical appointments this school year: a health need "
                     "may lie behind the absence. Illness is never counted towards the threshold.")
    if pupil.vulnerable:
        found.append("The school has marked this pupil as vulnerable: involve the designated safeguarding lead.")
    return found


def support_offered(pupil: Pupil, gettext=english, day_words=None) -> list[str]:
    """The support already offered, from the pupil's support plans and the contact log, for the letter; pass a
    gettext and a day_words (services/parent_language.py) for its translated companion. What staff wrote in a plan
    stays as they wrote it."""
    def day(value: date) -> str:
        if day_words is None:
            return value.strftime("%-d %B %Y")
        return day_words(value.date() if isinstance(value, datetime) else value, "day month year")

    lines = []
    plans = db.session.scalars(select(SupportPlan).where(SupportPlan.pupil_id == pupil.id)
                               .order_by(SupportPlan.id)).all()
    for plan in plans:
        version = plan.current
        if version is None:
            continue
        offered = list(version.fields.get("support_offered") or [])
        if version.fields.get("support_other"):
            offered.append(version.fields["support_other"])
        started = (gettext("Attendance support plan %(reference)s (from %(day)s)", reference=plan.reference,
                           day=day(plan.started_on)) if plan.started_on
                   else gettext("Attendance support plan %(reference)s (not started)", reference=plan.reference))
        lines.append(started + (f": {'; '.join(offered)}" if offered else ""))
    attempts = db.session.scalars(select(ContactAttempt).where(ContactAttempt.pupil_id == pupil.id)
                                  .order_by(ContactAttempt.at)).all()
    if attempts:
        by_action: dict[str, int] = {}
        for attempt in attempts:
            by_action[attempt.action] = by_action.get(attempt.action, 0) + 1
        listed = ", ".join(f"{gettext(ACTION_WORDS.get(a, a)).lower()} ({n})" for a, n in by_action.items())
        lines.append(gettext("Contact about absences from %(first)s to %(last)s: %(listed)s",
                             first=day(attempts[0].at), last=day(attempts[-1].at), listed=listed))
    return lines


def code_meaning(code: str) -> str:
    entry = codes.CODES.get(codes.normalise(code))
    return entry.meaning if entry else code


@dataclass
class Pathway:
    pupil: Pupil
    as_of: date
    threshold: ThresholdResult
    rules: PenaltyRules
    attendance: PupilAttendance
    cautions: list[str]
    support: list[str]
    parents: list[Parent]
    notices: list[NoticeToImprove]
    decisions: list[PenaltyDecision]


def pathway(staff: StaffUser, pupil_id: int, as_of: date) -> Pathway:
    pupil = pupil_for_legal(staff, pupil_id)
    notices = db.session.scalars(select(NoticeToImprove).where(NoticeToImprove.pupil_id == pupil.id)
                                 .order_by(NoticeToImprove.id.desc())).all()
    decisions = db.session.scalars(select(PenaltyDecision).where(PenaltyDecision.pupil_id == pupil.id)
                                   .order_by(PenaltyDecision.id.desc())).all()
    return Pathway(pupil, as_of, threshold(pupil, as_of), penalty_rules(pupil), pupil_attendance(pupil.upn, as_of=as_of),
                   cautions(pupil, as_of), support_offered(pupil), parents_with_responsibility(pupil),
                   list(notices), list(decisions))


@dataclass
class LegalOverview:
    at_threshold: list[tuple[Pupil, str]]  # (pupil, the alert's words)
    notices: list[NoticeToImprove]
    decisions: list[PenaltyDecision]


def find_pupils(staff: StaffUser, text: str, limit: int = 25) -> list[Pupil]:
    """Pupils at the schools where the member of staff may take legal action, by UPN or every word of the name:
    staff may start the pathway for a pupil who has not reached the threshold (after term-time leave, say)."""
    words = " ".join((text or "").split()).lower().split()
    school_ids = [s.id for s in legal_schools(staff)]
    if not words or not school_ids:
        return []
    pupils = db.session.scalars(select(Pupil).where(Pupil.school_id.in_(school_ids))
                                .order_by(Pupil.legal_surname, Pupil.legal_forename))
    return [p for p in pupils if p.upn == text.strip().upper() or all(
        w in f"{p.legal_forename} {p.preferred_forename} {p.legal_surname}".lower() for w in words)][:limit]


def overview_access(staff: StaffUser, school_urn: str | None = None) -> list[School]:
    """The schools where the member of staff may take legal action; NotPermitted (saying who may) if none.

    A school named that is not one of theirs at all is NotFound, as another school's pupils are."""
    if school_urn and school_urn.strip() not in {s.urn for s in schools_of(staff)}:
        raise NotFound(f"no school with URN {school_urn} at your schools")
    schools = legal_schools(staff)
    if not schools:
        require(staff, LEGAL_ACTION, schools_of(staff)[0])
    return schools


def overview(staff: StaffUser, as_of: date) -> LegalOverview:
    """The pathway page's lists, at the schools where the member of staff may take legal action: pupils who
    reached the threshold (the same alert as oversight and `attendance alerts`), notices and decisions."""
    from portal.services.attendance import alerts
    from portal.services.notices_to_improve import notices_for_staff
    from portal.services.penalty_decisions import decisions_at

    schools = overview_access(staff)
    found = []
    for school in schools:
        flagged = {a["upn"]: a["detail"] for a in alerts(school.urn, as_of) if a["kind"] == "penalty_threshold"}
        if flagged:
            pupils = db.session.scalars(select(Pupil).where(Pupil.upn.in_(flagged))
                                        .order_by(Pupil.legal_surname, Pupil.legal_forename)).all()
            found.extend((p, flagged[p.upn]) for p in pupils)
    ids = [s.id for s in schools]
    return LegalOverview(found, notices_for_staff(staff, ids), decisions_at(ids))
