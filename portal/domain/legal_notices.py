"""The legal pathway: notices to improve and penalty-notice decisions (national framework from 19 August 2024).

Sources (docs/legal-pathway.md has them in full):
- Improvement period: "between 3 and 6 weeks" (the national framework as quoted by Nottinghamshire's and
  Rotherham's codes of conduct); Norfolk and Southwark use 6 school weeks ("a maximum of 30 school days"). The
  policy sets it within 3 to 6 school weeks (`[penalties] notice_to_improve_weeks`, default 6).
- A notice to improve is "usually" sent first where support is appropriate; an authorised officer may choose not
  to; it is not used for term-time leave, where support is not appropriate (Medway; Cognus for parents).
- Sufficient improvement is for the school to judge case by case (Nottinghamshire): the portal shows the counted
  unauthorised sessions (G, O, U) recorded in the period, and says "no further unauthorised absence" or not
  (Rotherham: "further unauthorised absence in the monitoring period").
- Amounts, payment periods and the three-year rule are portal.domain.penalties.next_notice (domain.md §3).

Everything here judges and explains; nothing issues. "Today" is always passed in.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import dataclass

from .calendar import SchoolCalendar
from .marks import Mark
from .penalties import NextNotice, amount_payable, next_notice
from .policy_rules import Fines, PenaltyRules
from .support_plan import long_date

IMPROVEMENT_WEEKS_MIN = 3  # national framework 2024
IMPROVEMENT_WEEKS_MAX = 6

# Why a penalty notice is being considered.
IRREGULAR = "irregular_attendance"
TERM_TIME_LEAVE = "term_time_leave"
REASONS = {IRREGULAR: "Irregular attendance (unauthorised absence)",
           TERM_TIME_LEAVE: "Term-time leave taken without the school's agreement"}


# ---------------------------------------------------------------- the letter's own words (policy [notice_to_improve])

PLACEHOLDERS = ("forename",)  # the child's first name, the only thing a paragraph may fill in


@dataclass(frozen=True)
class NoticeWording:
    """The paragraphs of a notice to improve a school may write in its own words; the rest (the record, the
    period, the meeting, the fines) comes from the register, the policy and staff. Plain and kind: support first."""

    opening: str = ("We are writing because we are worried about {forename}’s attendance, and we want to help. "
                    "Every day in school matters for {forename}’s learning, friendships and wellbeing. This letter "
                    "is a formal notice to improve: a final chance to work with us, with the support we offer, before "
                    "the school considers asking for a penalty notice.")
    help: str = ("If something is making it hard for {forename} to come to school (health, worries, anxiety, "
                 "bullying, transport, money or anything else), please tell us. We will listen, and we can put you "
                 "in touch with support such as early help, the school nurse or the local authority’s attendance "
                 "team.")
    duty: str = ("Parents have a legal duty to make sure their child of compulsory school age receives a suitable "
                 "full-time education (section 7 of the Education Act 1996). If there are further unauthorised "
                 "absences during the improvement period, a penalty notice may be requested before the period ends.")


WORDING_KEYS = ("opening", "help", "duty")


def wording_problem(text: str) -> str | None:
    """Why a paragraph cannot be filled in, or None: only {forename}; a literal brace is written twice."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        return f"has a stray brace ({exc}): write a literal brace twice, {{{{ or }}}}"
    unknown = names - set(PLACEHOLDERS)
    if unknown:
        return f"{{{sorted(unknown)[0]}}} is not something the letter can fill in: use {{forename}} only"
    return None


def fill(text: str, forename: str) -> str:
    return text.format(forename=forename)


def improvement_weeks_problem(weeks: int) -> str | None:
    """Why a policy's improvement period is outside the law's bounds, or None."""
    if IMPROVEMENT_WEEKS_MIN <= weeks <= IMPROVEMENT_WEEKS_MAX:
        return None
    return (f"the improvement period of a notice to improve is {IMPROVEMENT_WEEKS_MIN} to {IMPROVEMENT_WEEKS_MAX} "
            f"school weeks under the 2024 national framework, not {weeks}")


# ---------------------------------------------------------------- the improvement period


@dataclass(frozen=True)
class ImprovementPeriod:
    start: dt.date  # the first school day after the notice's date
    end: dt.date  # the last school day of the period
    weeks: int
    school_days: int


def improvement_period(calendar: SchoolCalendar, notice_date: dt.date, weeks: int) -> ImprovementPeriod | None:
    """The period a notice dated `notice_date` gives: from the next school day, for `weeks` school weeks.

    A school week is one holding a session (holiday weeks are skipped, as in the penalty threshold), so a period
    across a half-term ends a week later on the calendar. The period ends on the last school day before the same
    weekday `weeks` school weeks on: a notice starting on a Wednesday runs to a Tuesday. None when the school's
    calendar does not reach that far (load next year's term dates)."""
    if improvement_weeks_problem(weeks):
        raise ValueError(improvement_weeks_problem(weeks))
    start = calendar.nth_school_day_after(notice_date, 1)
    if start is None:
        return None
    school_weeks = calendar.school_weeks(start)
    if len(school_weeks) <= weeks:
        return None
    boundary = school_weeks[weeks] + dt.timedelta(days=start.weekday())
    end = calendar.previous_school_day(boundary)
    if end is None or end < start:
        return None
    return ImprovementPeriod(start, end, weeks, calendar.count_school_days(start, end))


@dataclass(frozen=True)
class ImprovementOutcome:
    state: str  # "running", "improved", "not_improved"
    counted: tuple[Mark, ...]  # counted unauthorised sessions (G, O, U) in the period so far
    pending: tuple[Mark, ...]  # sessions still N in the period: shown, not counted
    message: str


RUNNING, IMPROVED, NOT_IMPROVED = "running", "improved", "not_improved"
OUTCOME_WORDS = {RUNNING: "Improvement period running", IMPROVED: "Improved: no further unauthorised absence",
                 NOT_IMPROVED: "Not improved: further unauthorised absence"}


def improvement_outcome(marks: Iterable[Mark], period: ImprovementPeriod, rules: PenaltyRules,
                        as_of: dt.date) -> ImprovementOutcome:
    """Whether the unauthorised absence stopped during the period, from the register as of `as_of`.

    Until the period ends the answer is "running" (with what the register holds so far). Afterwards it is
    "improved" when no counted session (the policy's penalty codes: G, O, U) falls in the period, otherwise "not
    improved". N sessions are shown as pending: until they are recoded the answer says so. Sufficient improvement
    stays a person's judgement: this only reads the register."""
    in_period = [m for m in marks if period.start <= m.date <= min(period.end, as_of)]
    counted = tuple(sorted((m for m in in_period if m.code in rules.counted_codes), key=lambda m: m.key))
    pending = tuple(sorted((m for m in in_period if m.code in rules.pending_codes
                            and m.code not in rules.counted_codes), key=lambda m: m.key))
    pending_note = (f" {len(pending)} session{_s(len(pending))} still coded N: recode them before deciding."
                    if pending else "")
    if as_of <= period.end:
        return ImprovementOutcome(RUNNING, counted, pending,
                                  f"The period runs to {long_date(period.end)}: {len(counted)} unauthorised "
                                  f"session{_s(len(counted))} so far.{pending_note}")
    if counted:
        return ImprovementOutcome(NOT_IMPROVED, counted, pending,
                                  f"{len(counted)} unauthorised session{_s(len(counted))} during the period "
                                  f"({long_date(counted[0].date)} the first): attendance has not improved as the "
                                  f"notice asked.{pending_note}")
    return ImprovementOutcome(IMPROVED, counted, pending,
                              f"No unauthorised absence during the period.{pending_note}")


# ---------------------------------------------------------------- penalty-notice decisions

CONSIDERED = "considered"
REQUESTED = "requested"  # the school has asked the local authority to issue
ISSUED = "issued"  # the local authority has issued the notice
PAID = "paid"
UNPAID = "unpaid"  # not paid within the full period: the local authority may prosecute
WITHDRAWN = "withdrawn"  # does not count towards the three-year limit
NOT_ISSUED = "not_issued"  # decided against, or not possible (a third within three years): with the reason
STEPS = (CONSIDERED, REQUESTED, ISSUED, PAID, UNPAID, WITHDRAWN, NOT_ISSUED)
STEP_WORDS = {
    CONSIDERED: "Considered", REQUESTED: "Requested from the local authority", ISSUED: "Issued",
    PAID: "Paid", UNPAID: "Not paid within the period", WITHDRAWN: "Withdrawn", NOT_ISSUED: "Not issued",
}
# What may follow each state: a decision moves forward only, and ends when paid, withdrawn or not issued.
NEXT_STEPS = {
    CONSIDERED: (REQUESTED, NOT_ISSUED),
    REQUESTED: (ISSUED, NOT_ISSUED, WITHDRAWN),
    ISSUED: (PAID, UNPAID, WITHDRAWN),
    UNPAID: (WITHDRAWN,),
    PAID: (), WITHDRAWN: (), NOT_ISSUED: (),
}
ENDED = frozenset(s for s, following in NEXT_STEPS.items() if not following)


def step_problem(current: str, step: str) -> str | None:
    """Why `step` cannot follow `current`, in words; None if it can."""
    if step not in STEPS:
        return f"{step!r} is not a step of a penalty-notice decision"
    if step in NEXT_STEPS[current]:
        return None
    if current in ENDED:
        return f"This decision has ended ({STEP_WORDS[current].lower()}): start a new one if needed"
    allowed = " or ".join(STEP_WORDS[s].lower() for s in NEXT_STEPS[current])
    return f"After “{STEP_WORDS[current].lower()}” the next step is {allowed}"


def counted_notices(history: Iterable[tuple[dt.date | None, str]]) -> list[tuple[dt.date, bool]]:
    """Earlier decisions for the same parent and child, as `next_notice` reads them: (issued_on, withdrawn).

    Only notices the local authority issued count; a withdrawn one does not (Manchester §4.3); paid, unpaid and
    prosecuted ones do."""
    return [(issued_on, state == WITHDRAWN) for issued_on, state in history if issued_on is not None]


def what_is_possible(history: Iterable[tuple[dt.date | None, str]], on: dt.date, fines: Fines) -> NextNotice:
    """What a notice issued `on` to this parent for this child would be: first, second, or none (no third within
    the repeat window: the local authority considers alternative action instead)."""
    return next_notice(counted_notices(history), on, fines)


def support_first_problem(reason: str, improvement: str | None, improvement_end: dt.date | None,
                          on: dt.date) -> str | None:
    """What staff should know before asking for a notice: a notice to improve usually comes first.

    Term-time leave skips it (support is not appropriate; the framework allows it). Otherwise: no notice to
    improve yet, or one still running, or one after which attendance improved, is said plainly. It is a warning,
    never a block: an authorised officer may choose not to use one."""
    if reason == TERM_TIME_LEAVE:
        return None
    if improvement is None:
        return ("No notice to improve has been sent to this parent for this child. For irregular attendance a "
                "notice to improve usually comes first, to give a final chance to engage with support.")
    if improvement == RUNNING or (improvement_end is not None and on <= improvement_end):
        return (f"The notice to improve's period runs to {long_date(improvement_end)}"
                ": wait for it to end unless the notice's own grounds for acting earlier apply.")
    if improvement == IMPROVED:
        return "Attendance improved during the notice to improve's period: continue with support instead."
    return None


def payment_due(notice: NextNotice, received_on: dt.date, paid_on: dt.date) -> int | None:
    """The amount due for a notice received `received_on` and paid `paid_on`; None once past the full period."""
    return amount_payable(notice, (paid_on - received_on).days)


def _s(n: int) -> str:
    return "" if n == 1 else "s"

