"""The decision letter: a snapshot of the facts it states, rendered as HTML (portal, email) or PDF (WeasyPrint)."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import render_template

from portal.clock import school_time
from portal.domain.attendance import format_pct
from portal.domain.leave import UNIT_WORDS, LeaveAssessment
from portal.domain.leave_dates import ONE_DAY
from portal.domain.policy import Policy
from portal.domain.policy import School as SchoolRules
from portal.domain.policy_words import notice_words, role_names
from portal.models import Pupil, StaffUser
from portal.models.leave import APPROVED, PART_APPROVED, REFUSED, LeaveRequestChild
from portal.services import NotFound
from portal.services.leave.assessment import assessment_for
from portal.services.leave.wording import (
    bar_words, decider_words, long_date, penalty_words, school_days_words, span_words,
)
from portal.services.permissions import roles_at


def letter_html(letter: dict) -> str:
    return render_template("letters/leave_decision.html", letter=letter)


def letter_pdf(child: LeaveRequestChild) -> bytes:
    """The decision letter as a PDF, rendered by WeasyPrint from the letter's snapshot."""
    if not child.letter:
        raise NotFound("no letter yet")
    return _weasyprint_html()(string=letter_html(child.letter)).write_pdf()


def _weasyprint_html():
    """WeasyPrint's HTML class, imported on first use (half a second that only letters need).

    Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True` (weasyprint/images.py),
    which would let truncated photos through the evidence checks of `services.uploads` for the rest of the
    process: put the setting back as it was. Letters hold no images, so WeasyPrint does not need it."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def letter_filename(child: LeaveRequestChild) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", child.pupil.name).strip("-")
    return f"leave-decision-{child.request.reference}-{name}.pdf"


def decision_letter(child: LeaveRequestChild, staff: StaffUser, now: datetime, policy: Policy, rules: SchoolRules,
                    requested: list[date], approved: list[date], has_evidence: bool) -> dict:
    leave_request, pupil = child.request, child.pupil
    calendar = rules.calendar
    names = [c.name for c in pupil.contacts if c.parental_responsibility]
    role = sorted(roles_at(staff, leave_request.school) & set(policy.leave.deciders)) or ["headteacher"]
    assessment = assessment_for(child, has_evidence)
    back_on = calendar.next_school_day(approved[-1] + ONE_DAY) if approved else None
    who = "The " + role_names(role, "and")
    if child.status == APPROVED:
        decision = (f"{who} has approved leave of absence for {pupil.name} for all "
                    f"{school_days_words(len(requested))} asked for, {span_words(approved)}.")
    elif child.status == PART_APPROVED:
        decision = (f"{who} has approved leave of absence for {pupil.name} for "
                    f"{school_days_words(len(approved))} of the {school_days_words(len(requested))} asked for, "
                    f"{span_words(approved)}. The other days are not approved.")
    else:
        decision = f"{who} has not approved leave of absence for {pupil.name}."
    return {
        "reference": leave_request.reference,
        "date": school_time(now).date().isoformat(),
        "date_words": long_date(school_time(now).date()),
        "school": {"name": rules.name, "address": rules.address, "phone": rules.phone, "email": rules.email},
        "parents": names,
        "pupil": {"name": pupil.name, "forename": pupil.forename, "class": pupil.registration_group},
        "status": child.status,
        "decision": decision,
        "requested": {"first_day": long_date(leave_request.first_day),
                      "return_day": long_date(leave_request.return_day),
                      "requested_on": long_date(school_time(leave_request.requested_at).date())},
        "days": [{"date": d.isoformat(), "words": long_date(d), "sessions": len(calendar.sessions_on(d)),
                  "approved": d in approved} for d in requested],
        "closures": [{"words": _closure_words(c.start, c.end), "reasons": ", ".join(c.reasons), "where": c.where}
                     for c in assessment.closures],
        "back_on": long_date(back_on) if back_on else None,
        "approved_code": policy.leave.approved_code,
        "refused_code": policy.leave.refused_code,
        "reasons": child.reasons,
        "criteria": _criteria(policy, assessment, has_evidence, pupil),
        "consequences": _consequences(policy, child.status, pupil, back_on),
        "decided_by": {"name": staff.name, "role": role_names(role, "and").capitalize()},
    }


def _closure_words(start: date, end: date) -> str:
    return long_date(start) if start == end else f"{long_date(start)} to {long_date(end)}"


def _criteria(policy: Policy, assessment: LeaveAssessment, has_evidence: bool, pupil: Pupil) -> list[str]:
    leave = policy.leave
    criteria = [
        "Leave of absence in term time can be granted only in exceptional circumstances (the School Attendance "
        "(Pupil Registration) (England) Regulations 2024, regulation 11). The Department for Education does not "
        "consider a need or desire for a holiday or other absence for leisure and recreation to be an exceptional "
        f"circumstance. The {decider_words(policy)} decides, and sets the number of school days granted.",
        f"The school asks for at least {notice_words(policy)}' notice before the first day of absence. This request "
        f"gave {assessment.notice_given} {UNIT_WORDS[leave.notice_unit]}"
        f"{'' if assessment.notice_met else ', less than the school asks'}.",
    ]
    bar = bar_words(policy)
    if bar is not None:
        standing = (f"{pupil.forename}’s attendance this school year was {format_pct(assessment.attendance)}% when "
                    "the request was made" if assessment.attendance is not None
                    else f"No attendance had been recorded for {pupil.forename} this school year")
        rule = (f"Leave is not authorised when attendance is below {bar}" if leave.attendance_bar_effect == "refuse"
                else f"The school looks at whether attendance is above {bar}")
        criteria.append(f"{rule}. {standing}.")
    if leave.evidence != "optional":
        when = ("must come with the request; evidence sent later is not accepted" if leave.evidence == "with_request"
                else "must be supplied by the parent; the school does not ask for it")
        criteria.append(f"Evidence of the exceptional circumstances {when}. "
                        f"{'Evidence was supplied' if has_evidence else 'No evidence was supplied'}.")
    return criteria


def _consequences(policy: Policy, status: str, pupil: Pupil, back_on: date | None) -> list[str]:
    leave = policy.leave
    words = []
    if status != REFUSED:
        words.append(f"The approved days are recorded as authorised leave of absence ({leave.approved_code}). "
                     f"{pupil.forename} is expected back at school on {long_date(back_on)}." if back_on else
                     f"The approved days are recorded as authorised leave of absence ({leave.approved_code}).")
        if leave.late_return == "may_unauthorise_whole_period":
            words.append("If the leave starts earlier or ends later than the agreed dates, the school may record "
                         "the whole period of leave as unauthorised.")
        else:
            words.append("Any day away outside the agreed dates is recorded as unauthorised.")
    if status != APPROVED:
        words.append(f"Days that are not approved are not permission to be away. If {pupil.forename} is taken out of "
                     "school on those days, the absence is recorded as unauthorised "
                     f"({leave.refused_code}).")
    return words + penalty_words(policy)[1:]
