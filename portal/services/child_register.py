"""A child's register as a parent reads it: a week to a row, a mark per session (its code and a word), and each
code explained once, in a key, rather than in every session it marks.

`register(marks, calendar, policy, start, end, as_of)` gives the weeks, newest first; `key(weeks, policy)` the
codes they hold, in words, and the days without school. The words come from portal.domain.codes (a code's short
word and its explanation) unless the school's policy words a code itself, and from the calendar for closed days.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain import codes
from portal.domain.calendar import AM, PM, SESSIONS, SchoolCalendar, monday_of
from portal.domain.marks import Mark
from portal.domain.policy import Policy

# A short label for each kind of mark, shown with the code in the key and in the day-by-day details.
CATEGORY_WORDS = {
    codes.PRESENT_CATEGORY: "Present",
    codes.APPROVED_ACTIVITY_CATEGORY: "Attending (approved activity)",
    codes.AUTHORISED_CATEGORY: "Authorised absence",
    codes.UNAUTHORISED_CATEGORY: "Unauthorised absence",
    codes.NOT_COUNTED_CATEGORY: "Not counted",
    codes.ADMINISTRATIVE_CATEGORY: "Not counted",
}
# The order of the key: what counts as attending first, then absence, then what is not counted.
CATEGORY_ORDER = (codes.PRESENT_CATEGORY, codes.APPROVED_ACTIVITY_CATEGORY, codes.AUTHORISED_CATEGORY,
                  codes.UNAUTHORISED_CATEGORY, codes.NOT_COUNTED_CATEGORY, codes.ADMINISTRATIVE_CATEGORY)
SESSION_WORDS = {AM: "morning", PM: "afternoon"}
CLOSED = "closed"  # the kind of a session the school did not hold
NOT_YET = "not_yet"  # a session held, with no mark yet
WEEKDAYS = 5


@dataclass(frozen=True)
class RegisterEntry:
    """One session of the register as a parent reads it."""

    session: str  # "AM" or "PM"
    code: str | None  # None: no mark (not recorded yet, or no session that day)
    words: str  # the code explained, or why there is no code
    label: str  # "Present", "Authorised absence"... or "" when there is no mark
    minutes_late: int | None = None
    word: str = ""  # the code's short word ("Ill"), or "Closed" / "Not yet" when there is no mark
    kind: str = ""  # the code's category, CLOSED or NOT_YET: how the grid shows it besides its words

    @property
    def session_words(self) -> str:
        return SESSION_WORDS[self.session]


@dataclass(frozen=True)
class RegisterDay:
    day: date
    am: RegisterEntry
    pm: RegisterEntry

    @property
    def closed(self) -> bool:
        """No session held that day (a weekend, holiday, INSET day...): the grid shows it once, not twice."""
        return self.am.kind == CLOSED and self.pm.kind == CLOSED and self.am.words == self.pm.words


@dataclass(frozen=True)
class RegisterWeek:
    monday: date
    days: tuple[RegisterDay, ...]

    @property
    def weekdays(self) -> tuple[RegisterDay | None, ...]:
        """Monday to Friday in order, None for a day outside the period (before admission, after today)."""
        by_day = {d.day: d for d in self.days}
        return tuple(by_day.get(self.monday + timedelta(days=i)) for i in range(WEEKDAYS))

    @property
    def weekend(self) -> tuple[RegisterDay, ...]:
        """Saturdays and Sundays with a mark (a rare weekend session): shown in the day-by-day details."""
        return tuple(d for d in self.days if d.day.weekday() >= WEEKDAYS)


@dataclass(frozen=True)
class KeyEntry:
    """A code on the page, explained once: "I  Ill  Authorised absence: Too unwell to come to school..."."""

    code: str
    word: str
    label: str
    words: str
    kind: str


@dataclass(frozen=True)
class ClosedDay:
    """A weekday without school in the weeks shown, and why."""

    day: date
    why: str


@dataclass(frozen=True)
class Key:
    codes: tuple[KeyEntry, ...]
    closed: tuple[ClosedDay, ...]
    not_yet: bool  # a session held with no mark yet is on the page


def code_words(code: str, policy: Policy) -> str:
    """A code in plain words: the school's own wording where its policy gives one, else the national one."""
    code = codes.normalise(code)
    wording = {codes.normalise(k): v for k, v in policy.code_wording.items()}
    if code in wording:
        return wording[code]
    entry = codes.CODES.get(code)
    return entry.explanation if entry else "A code the portal does not know: please ask the school."


# A code in a sentence, and its words for a code the portal does not know (babel.cfg reads both, as tables).
CODE_SENTENCE = "%(word)s (code %(code)s). %(explanation)s"
UNKNOWN_WORD = "Unknown"


def code_sentence(code: str, policy: Policy, gettext=lambda text: text) -> str:
    """A code as a parent reads it in a sentence: "Ill (code I). Too unwell to come to school. This is ...".

    Pass a gettext to have it in a parent's language; a school's own wording the catalogues do not hold stays
    as the school wrote it."""
    code = codes.normalise(code)
    return gettext(CODE_SENTENCE) % {"word": gettext(codes.SHORT_WORDS.get(code, UNKNOWN_WORD)), "code": code,
                                     "explanation": gettext(code_words(code, policy))}


def _entry(mark: Mark | None, session: str, day: date, calendar: SchoolCalendar | None, as_of: date,
           policy: Policy) -> RegisterEntry:
    if mark is not None:
        code = codes.normalise(mark.code)
        entry = codes.CODES.get(code)
        label = CATEGORY_WORDS[entry.category] if entry else ""
        if code == "L":
            label = "Late, counted as present"
        late = mark.minutes_late if code in ("L", "U") else None
        return RegisterEntry(session, code, code_words(code, policy), label, late,
                             word=codes.SHORT_WORDS.get(code, "Unknown"), kind=entry.category if entry else "")
    if calendar is not None and session not in calendar.sessions_on(day):
        why = calendar.why_closed(day) or next(
            (f"School closed: {c.name}" for c in calendar.closures if c.covers(day) and c.session == session),
            "No session: the school was closed.")
        return RegisterEntry(session, None, why, "", word="Closed", kind=CLOSED)
    if day <= as_of:
        return RegisterEntry(session, None, "Not recorded yet.", "", word="Not yet", kind=NOT_YET)
    return RegisterEntry(session, None, "", "")


def register(marks: list[Mark], calendar: SchoolCalendar | None, policy: Policy, start: date,
             end: date) -> tuple[RegisterWeek, ...]:
    """The weeks of the period holding a school day or a mark, newest first, each with its weekdays in the period
    (a weekday without a session says why: an INSET day, a bank holiday) and any marked weekend day."""
    marks = [m for m in marks if m.date >= start]
    by_key = {(m.date, m.session): m for m in marks}
    days = set(calendar.school_days(start, end)) if calendar is not None and start <= end else set()
    days.update(m.date for m in marks)
    for monday in {monday_of(d) for d in days}:
        days.update(d for d in (monday + timedelta(days=i) for i in range(WEEKDAYS)) if start <= d <= end)
    weeks = []
    for monday, group in itertools.groupby(sorted(days), key=monday_of):
        rows = tuple(
            RegisterDay(day, *(_entry(by_key.get((day, s)), s, day, calendar, end, policy) for s in SESSIONS))
            for day in group
        )
        weeks.append(RegisterWeek(monday, rows))
    return tuple(reversed(weeks))


def key(weeks: tuple[RegisterWeek, ...]) -> Key:
    """Every code in `weeks`, once, in the order attending, absent, not counted; and the weekdays without school."""
    found: dict[str, KeyEntry] = {}
    closed: dict[date, str] = {}
    not_yet = False
    for week in weeks:
        for day in week.days:
            for entry in (day.am, day.pm):
                if entry.code:
                    found.setdefault(entry.code, KeyEntry(entry.code, entry.word, entry.label, entry.words,
                                                          entry.kind))
                elif entry.kind == CLOSED and day.day.weekday() < WEEKDAYS:
                    closed.setdefault(day.day, entry.words)
                not_yet = not_yet or entry.kind == NOT_YET
    order = {category: i for i, category in enumerate(CATEGORY_ORDER)}
    ranked = sorted(found.values(), key=lambda e: (order.get(e.kind, len(order)), list(codes.CODES).index(e.code)
                                                   if e.code in codes.CODES else len(codes.CODES)))
    return Key(tuple(ranked), tuple(ClosedDay(d, closed[d]) for d in sorted(closed)), not_yet)
