"""A school's leave rules and a decision's facts in the words parents and deciders read (pages, emails, letters)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.domain import codes
from portal.domain.policy import Policy
from portal.domain.policy_words import english, english_percent, english_plural, period_words, role_names
from portal.models import Pupil
from portal.services.nudge_words import decimal_words


def decider_words(policy: Policy, gettext=english) -> str:
    """Who decides, in words ("headteacher or senior leader"); pass a gettext to have them in a parent's language."""
    return role_names(policy.leave.deciders, gettext=gettext)


def bar_number(policy: Policy) -> str | None:
    """The attendance bar for leave as a number ("90", "92.5"), or None: put it in words with a percent_words."""
    return None if policy.leave.attendance_bar is None else f"{Decimal(policy.leave.attendance_bar).normalize():f}"


def bar_words(policy: Policy, percent=None) -> str | None:
    """The bar in words, "90%"; pass a percent_words (portal/services/nudge_words.py) for a parent's language."""
    number = bar_number(policy)
    return None if number is None else (percent or english_percent)(number)



def penalty_words(policy: Policy, gettext=None) -> list[str]:
    """What a refusal means, with the current penalty-notice amounts, for the check page and the letter.

    Pass a gettext to have them in a parent's language (the check page); the letter keeps the English."""
    gettext = gettext or english
    leave, penalties = policy.leave, policy.penalties
    fines = penalties.fines
    days = f"{Decimal(penalties.threshold_sessions) / 2:f}"  # "4.5" for an odd number of sessions
    days = days if gettext is english else decimal_words(days)  # "4,5" in Polish
    words = [
        gettext("If leave is not approved and a child is taken out of school anyway, the absence is recorded as "
                "unauthorised (%(code)s: holiday not authorised).", code=leave.refused_code),
        gettext("%(sessions)s sessions (%(days)s school days) of unauthorised absence within %(weeks)s school weeks "
                "is the point at which the school must consider asking the local authority for a penalty notice.",
                sessions=penalties.threshold_sessions, days=days,
                weeks=penalties.window_school_weeks),
        gettext("A penalty notice is issued to each parent, for each child. A first notice is £%(early)s if paid "
                "within %(early_days)s days, or £%(full)s if paid within %(full_days)s days.",
                early=fines.first_early, early_days=fines.first_early_days, full=fines.first_full,
                full_days=fines.first_full_days),
        gettext("A second notice to the same parent for the same child within %(years)s years of the first is "
                "£%(second)s, with no reduced amount. No third notice can be issued within those %(years)s years: "
                "the local authority takes other action instead, which may be prosecution.",
                years=fines.repeat_window_years, second=fines.second),
    ]
    local = penalties.local
    if local is not None:
        values = {"name": local.name, "days": local.consecutive_leave_days,
                  "holiday_days": local.adjacent_to_holiday_days}
        words.append(gettext("%(name)s: %(days)s or more consecutive school days of term-time leave, or "
                             "%(holiday_days)s or more joined to a school holiday, may lead to a penalty notice.",
                             **values) if local.adjacent_to_holiday_days else
                     gettext("%(name)s: %(days)s or more consecutive school days of term-time leave may lead to a "
                             "penalty notice.", **values))
        if local.inset_counts:
            words[-1] += " " + gettext("INSET days count towards those days.")
    return words


def declaration_text(policy: Policy, pupils: list[Pupil]) -> str:
    names = join_names([p.name for p in pupils])
    return (f"I have parental responsibility for {names}. The information in this request is true to the best of "
            "my knowledge. I understand that a request is not permission: only a letter from the school approves "
            "leave. I understand that if the leave is not approved and my child is taken out of school anyway, "
            "the absence will be recorded as unauthorised, and the school may ask the local authority to issue a "
            f"penalty notice to each parent for each child (a first notice is £{policy.penalties.fines.first_early} "
            f"if paid within {policy.penalties.fines.first_early_days} days, £{policy.penalties.fines.first_full} "
            f"within {policy.penalties.fines.first_full_days} days).")


# The leave settings a policy can contradict itself about, as the staff deciding a request read them.
CONFLICT_WORDS = {
    "leave.approved_code": "The code for leave the school grants",
    "leave.decision_within": "How soon the school decides",
    "leave.notice": "The notice parents must give",
    "leave.past_attendance_considered": "Whether past attendance is considered",
}


def conflict_words(key: str) -> str:
    """A policy setting's name in words: "leave.approved_code" -> "The code for leave the school grants"; a setting
    without words of its own, its last part with spaces ("leave.bar" -> "Bar")."""
    return CONFLICT_WORDS.get(key) or key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def marks_in_words(marks: list[tuple[date, str, str]], gettext=None, day_words=None) -> list[str]:
    """"Monday 5 January 2027: morning and afternoon, G (unauthorised leave of absence)", one line a day.

    Pass a gettext and a day_words (a date in words) to have the lines in a parent's language; a code's meaning
    is the regulations' (portal/domain/codes.py `_TABLE`, read into the catalogues by babel.cfg)."""
    gettext, day_words = gettext or english, day_words or long_date
    by_day: dict[date, list[tuple[str, str]]] = {}
    for day, session, code in sorted(marks):
        by_day.setdefault(day, []).append((session, code))
    lines = []
    for day, sessions in by_day.items():
        held = {s for s, _ in sessions}
        parts = (gettext("morning and afternoon") if held == {"AM", "PM"}
                 else gettext("morning") if held == {"AM"} else gettext("afternoon"))
        marked = sorted({c for _, c in sessions})
        meaning = "; ".join(f"{c} ({gettext(codes.CODES[c].meaning)})" if c in codes.CODES else c for c in marked)
        lines.append(gettext("%(day)s: %(sessions)s, %(codes)s", day=day_words(day), sessions=parts, codes=meaning))
    return lines


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def school_days_words(n: int, ngettext=english_plural) -> str:
    """"1 school day", "3 school days": the policy's school-day unit in words (pass an ngettext for a language)."""
    return period_words(n, "school_days", ngettext)


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def span_words(days: list[date], gettext=english, day_words=long_date) -> str:
    return day_words(days[0]) if len(days) == 1 else gettext("from %(first)s to %(last)s", first=day_words(days[0]),
                                                               last=day_words(days[-1]))
