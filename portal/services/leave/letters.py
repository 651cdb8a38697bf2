"""The decision letter: a snapshot of the facts it states, rendered as HTML (portal, email) or PDF (WeasyPrint)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as flask_gettext
from flask_babel import ngettext as flask_ngettext

from portal.clock import school_time
from portal.domain.attendance import format_pct
from portal.domain.languages import babel_locale
from portal.domain.leave import LeaveAssessment
from portal.domain.leave_dates import ONE_DAY
from portal.domain.policy import Policy
from portal.domain.policy import School as SchoolRules
from portal.domain.nudge_rules import LANGUAGES
from portal.domain.policy_words import english, english_percent, english_plural, notice_words, period_words, role_names
from portal.models import Pupil, StaffUser
from portal.models.leave import APPROVED, PART_APPROVED, REFUSED, LeaveRequestChild
from portal.services import NotFound
from portal.services.leave.assessment import assessment_for
from portal.services.leave.wording import (
    bar_words, decider_words, long_date, penalty_words, school_days_words, span_words,
)
from portal.services.nudge_words import percent_words
from portal.services.pdf import counter_content
from portal.services.parent_language import day_words
from portal.services.permissions import roles_at


def letter_html(letter: dict, language: str | None = None) -> str:
    """The letter as one document: the English letter, then its companion in `language` when it has one."""
    return render_template("letters/leave_decision.html", letter=letter, companion=companion_of(letter, language))


def letter_pdf(child: LeaveRequestChild, language: str | None = None) -> bytes:
    """The decision letter as a PDF, rendered by WeasyPrint from the letter's snapshot; with `language` (a parent's),
    the companion in it follows on its own pages."""
    if not child.letter:
        raise NotFound("no letter yet")
    return _weasyprint_html()(string=letter_html(child.letter, language)).write_pdf()


def companion_of(letter: dict, language: str | None) -> dict | None:
    """The letter translated into `language` for the parent's convenience, or None (English, or a letter written
    before companions were kept)."""
    return (letter.get("companions") or {}).get(language) if language else None


def letter_words(letter: dict) -> dict:
    """The letter's own words around its facts, in the letter's language: English for the letter itself, the
    companion's language for a companion (its "language"). Read by letters/leave_decision.html."""
    if not letter.get("language"):
        return _letter_words(letter, english)
    with force_locale(babel_locale(letter["language"])):
        return _letter_words(letter, flask_gettext)


def _letter_words(letter: dict, gettext) -> dict:
    school, pupil, requested = letter["school"], letter["pupil"], letter["requested"]
    parents = f" {gettext('and')} ".join(letter["parents"])
    return {
        "companion": gettext("Translation for your convenience — the English letter is the official one"),
        "companion_note": gettext("This is a translation of the school’s letter above. If the two differ, the "
                                  "English letter is what the school decided."),
        "title": gettext("Leave request %(reference)s: decision for %(name)s", reference=letter["reference"],
                         name=pupil["name"]),
        "telephone": gettext("Telephone %(phone)s", phone=school["phone"]) if school.get("phone") else "",
        "reference": gettext("Our reference: %(reference)s", reference=letter["reference"]),
        "dear": gettext("Dear %(names)s,", names=parents) if parents else gettext("Dear parent or carer,"),
        "subject": gettext("Request for leave of absence in term time: %(name)s, %(group)s", name=pupil["name"],
                           group=pupil["class"]),
        "thanks": gettext("Thank you for your request of %(requested_on)s for leave from %(first_day)s, returning "
                          "to school on %(return_day)s.", **requested),
        "decision": gettext("The decision"),
        "days": gettext("The days"),
        "days_caption": gettext("The school days asked for, and the decision for each"),
        "school_day": gettext("School day"),
        "sessions": gettext("Sessions"),
        "day_decision": gettext("Decision"),
        "day_sessions": [gettext("Morning and afternoon") if day["sessions"] == 2
                         else gettext("%(num)s session", num=day["sessions"]) for day in letter["days"]],
        "day_decisions": [gettext("Approved: authorised leave (%(code)s)", code=letter["approved_code"])
                          if day["approved"] else gettext("Not approved") for day in letter["days"]],
        "closures": gettext("Days without school in or next to these dates (never counted as school days):"),
        "reasons": gettext("The reasons"),
        "criteria": gettext("The criteria"),
        "meaning": gettext("What this means"),
        "contact": (gettext("Only a letter from the school approves leave. If you have questions about this decision, "
                            "please contact the school office on %(phone)s.", phone=school["phone"])
                    if school.get("phone") else
                    gettext("Only a letter from the school approves leave. If you have questions about this decision, "
                            "please contact the school office.")),
        "yours": gettext("Yours sincerely,"),
        "page_footer": counter_content(gettext("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0")),
    }


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
    """The letter's snapshot in English, the authoritative text, with a companion in each language the catalogues
    translate in full ("companions": {"pl": {...}}), built from the same facts by the same words."""
    def build(gettext, plural, day_words, percent) -> dict:
        return _letter(child, staff, now, policy, rules, requested, approved, has_evidence,
                       Words(gettext, plural, day_words, percent))

    companions = {}
    for language in LANGUAGES[1:]:
        with force_locale(babel_locale(language)):
            companions[language] = {**build(flask_gettext, flask_ngettext, day_words, percent_words),
                                    "language": language}
    return {**build(english, english_plural, long_date, english_percent), "companions": companions}


class Words(NamedTuple):
    """How a letter puts words around its facts: English for the letter, a language for its companion."""

    gettext: Callable[..., str]
    plural: Callable[..., str]
    day_words: Callable[[date], str]
    percent: Callable[[str], str]


def _letter(child: LeaveRequestChild, staff: StaffUser, now: datetime, policy: Policy, rules: SchoolRules,
            requested: list[date], approved: list[date], has_evidence: bool, words: Words) -> dict:
    gettext, plural, day_words = words.gettext, words.plural, words.day_words
    leave_request, pupil = child.request, child.pupil
    calendar = rules.calendar
    names = [c.name for c in pupil.contacts if c.parental_responsibility]
    role = sorted(roles_at(staff, leave_request.school) & set(policy.leave.deciders)) or ["headteacher"]
    assessment = assessment_for(child, has_evidence)
    back_on = calendar.next_school_day(approved[-1] + ONE_DAY) if approved else None
    who = role_names(role, "and", gettext)
    if child.status == APPROVED:
        decision = gettext("The %(who)s has approved leave of absence for %(name)s for all %(days)s asked for, "
                           "%(span)s.", who=who, name=pupil.name, days=school_days_words(len(requested), plural),
                           span=span_words(approved, gettext, day_words))
    elif child.status == PART_APPROVED:
        decision = gettext("The %(who)s has approved leave of absence for %(name)s for %(approved)s of the "
                           "%(days)s asked for, %(span)s. The other days are not approved.", who=who, name=pupil.name,
                           approved=school_days_words(len(approved), plural),
                           days=school_days_words(len(requested), plural),
                           span=span_words(approved, gettext, day_words))
    else:
        decision = gettext("The %(who)s has not approved leave of absence for %(name)s.", who=who, name=pupil.name)
    return {
        "reference": leave_request.reference,
        "date": school_time(now).date().isoformat(),
        "date_words": day_words(school_time(now).date()),
        "school": {"name": rules.name, "address": rules.address, "phone": rules.phone, "email": rules.email},
        "parents": names,
        "pupil": {"name": pupil.name, "forename": pupil.forename, "class": pupil.registration_group},
        "status": child.status,
        "decision": decision,
        "requested": {"first_day": day_words(leave_request.first_day),
                      "return_day": day_words(leave_request.return_day),
                      "requested_on": day_words(school_time(leave_request.requested_at).date())},
        "days": [{"date": d.isoformat(), "words": day_words(d), "sessions": len(calendar.sessions_on(d)),
                  "approved": d in approved} for d in requested],
        "closures": [{"words": _closure_words(c.start, c.end, gettext, day_words), "reasons": ", ".join(c.reasons),
                      "where": c.where} for c in assessment.closures],
        "back_on": day_words(back_on) if back_on else None,
        "approved_code": policy.leave.approved_code,
        "refused_code": policy.leave.refused_code,
        "reasons": child.reasons,
        "criteria": _criteria(policy, assessment, has_evidence, pupil, words),
        "consequences": _consequences(policy, child.status, pupil, back_on, gettext, day_words),
        "decided_by": {"name": staff.name, "role": role_names(role, "and", gettext).capitalize()},
    }


def _closure_words(start: date, end: date, gettext, day_words) -> str:
    return day_words(start) if start == end else gettext("%(first)s to %(last)s", first=day_words(start),
                                                         last=day_words(end))


def _criteria(policy: Policy, assessment: LeaveAssessment, has_evidence: bool, pupil: Pupil,
              words: Words) -> list[str]:
    gettext, plural, leave = words.gettext, words.plural, policy.leave
    criteria = [
        gettext("Leave of absence in term time can be granted only in exceptional circumstances (the School "
                "Attendance (Pupil Registration) (England) Regulations 2024, regulation 11). The Department for "
                "Education does not consider a need or desire for a holiday or other absence for leisure and "
                "recreation to be an exceptional circumstance. The %(decider)s decides, and sets the number of "
                "school days granted.", decider=decider_words(policy, gettext)),
        (gettext("The school asks for at least %(notice)s' notice before the first day of absence. This request gave "
                 "%(given)s.", notice=notice_words(policy, plural),
                 given=period_words(assessment.notice_given, leave.notice_unit, plural)) if assessment.notice_met
         else gettext("The school asks for at least %(notice)s' notice before the first day of absence. This request "
                      "gave %(given)s, less than the school asks.", notice=notice_words(policy, plural),
                      given=period_words(assessment.notice_given, leave.notice_unit, plural))),
    ]
    bar = bar_words(policy, words.percent)
    if bar is not None:
        standing = (gettext("%(name)s’s attendance this school year was %(percent)s when the request was made",
                            name=pupil.forename, percent=words.percent(format_pct(assessment.attendance)))
                    if assessment.attendance is not None
                    else gettext("No attendance had been recorded for %(name)s this school year", name=pupil.forename))
        rule = (gettext("Leave is not authorised when attendance is below %(bar)s", bar=bar)
                if leave.attendance_bar_effect == "refuse"
                else gettext("The school looks at whether attendance is above %(bar)s", bar=bar))
        criteria.append(f"{rule}. {standing}.")
    if leave.evidence != "optional":
        when = (gettext("Evidence of the exceptional circumstances must come with the request; evidence sent later is "
                        "not accepted.") if leave.evidence == "with_request"
                else gettext("Evidence of the exceptional circumstances must be supplied by the parent; the school "
                             "does not ask for it."))
        supplied = gettext("Evidence was supplied.") if has_evidence else gettext("No evidence was supplied.")
        criteria.append(f"{when} {supplied}")
    return criteria


def _consequences(policy: Policy, status: str, pupil: Pupil, back_on: date | None, gettext, day_words) -> list[str]:
    leave = policy.leave
    words = []
    if status != REFUSED:
        recorded = gettext("The approved days are recorded as authorised leave of absence (%(code)s).",
                           code=leave.approved_code)
        words.append(f"{recorded} " + gettext("%(name)s is expected back at school on %(day)s.", name=pupil.forename,
                                              day=day_words(back_on)) if back_on else recorded)
        if leave.late_return == "may_unauthorise_whole_period":
            words.append(gettext("If the leave starts earlier or ends later than the agreed dates, the school may "
                                 "record the whole period of leave as unauthorised."))
        else:
            words.append(gettext("Any day away outside the agreed dates is recorded as unauthorised."))
    if status != APPROVED:
        words.append(gettext("Days that are not approved are not permission to be away. If %(name)s is taken out of "
                             "school on those days, the absence is recorded as unauthorised (%(code)s).",
                             name=pupil.forename, code=leave.refused_code))
    return words + penalty_words(policy, gettext)[1:]
