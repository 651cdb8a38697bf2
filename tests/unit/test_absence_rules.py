"""What a parent's report covers, when it counts as late, and what it may not ask for."""

from datetime import date, datetime, time
from pathlib import Path

import pytest

from portal.domain import absence as rules
from portal.domain.calendar import Closure, SchoolCalendar, Term
from portal.domain.policy_rules import AbsenceReporting, SessionTimes

CALENDAR = SchoolCalendar(
    terms=(Term("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),),
    inset_days=frozenset({date(2026, 11, 2)}),
    closures=(Closure("Polling station", date(2026, 11, 12), date(2026, 11, 12), "AM"),),
    bank_holidays={},
)
TIMES = {"AM": SessionTimes(time(8, 50), time(9, 0), time(9, 30), time(12, 0)),
         "PM": SessionTimes(time(13, 0), time(13, 0), time(13, 10), time(15, 15))}
RULES = AbsenceReporting()
TODAY = date(2026, 11, 23)  # a Monday


def test_days_without_school_are_listed_with_the_reason():
    days = rules.covered_days(date(2026, 11, 20), date(2026, 11, 23), rules.WHOLE_DAY, CALENDAR)
    assert [(d.date.day, d.sessions, d.closed_because) for d in days] == [
        (20, ("AM", "PM"), None), (21, (), "Weekend"), (22, (), "Weekend"), (23, ("AM", "PM"), None)]


def test_days_without_school_are_joined_into_runs_named_as_families_say_them():
    calendar = SchoolCalendar(
        terms=(Term("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
               Term("Spring 1", date(2027, 1, 4), date(2027, 2, 12))),
        bank_holidays={date(2026, 12, 25): "Christmas Day", date(2026, 12, 28): "Boxing Day (observed)",
                       date(2027, 1, 1): "New Year's Day"})
    days = rules.covered_days(date(2026, 12, 17), date(2027, 1, 5), rules.WHOLE_DAY, calendar)
    runs = [(r.first.isoformat(), r.last.isoformat(), len(r.sessions), r.closed_because)
            for r in rules.day_runs(days, calendar)]
    assert runs == [
        ("2026-12-17", "2026-12-17", 2, None), ("2026-12-18", "2026-12-18", 2, None),
        ("2026-12-19", "2027-01-03", 0, "Christmas holiday"),  # weekends and bank holidays inside it too
        ("2027-01-04", "2027-01-04", 2, None), ("2027-01-05", "2027-01-05", 2, None)]
    weekend = rules.day_runs(rules.covered_days(date(2026, 11, 27), date(2026, 11, 30), rules.WHOLE_DAY,
                                                CALENDAR), CALENDAR)
    assert [(r.first.day, r.last.day, r.closed_because) for r in weekend] == [
        (27, 27, None), (28, 29, "Weekend"), (30, 30, None)]


def test_a_half_day_closure_leaves_only_the_other_session():
    [day] = rules.covered_days(date(2026, 11, 12), None, rules.WHOLE_DAY, CALENDAR)
    assert day.sessions == ("PM",)
    [morning] = rules.covered_days(date(2026, 11, 12), None, "AM", CALENDAR)
    assert morning.sessions == () and morning.closed_because == "No school that session"


def test_not_sure_yet_covers_the_first_day_only():
    assert rules.sessions_reported(TODAY, None, rules.WHOLE_DAY, CALENDAR) == 2


@pytest.mark.parametrize(
    "first, last, reason, details, expected",
    [
        (TODAY, TODAY, rules.ILLNESS, "", []),
        (date(2026, 11, 16), None, rules.ILLNESS, "", []),  # 5 school days back: still allowed
        (date(2026, 11, 13), None, rules.ILLNESS, "", ["first_day"]),
        (date(2027, 1, 25), None, rules.ILLNESS, "", ["first_day"]),  # more than 60 days ahead
        (TODAY, date(2026, 11, 20), rules.ILLNESS, "", ["last_day"]),
        (TODAY, date(2027, 2, 1), rules.ILLNESS, "", ["last_day"]),
        (date(2026, 11, 21), date(2026, 11, 22), rules.ILLNESS, "", ["first_day"]),  # a weekend only
        (TODAY, None, rules.OTHER, "  ", ["details"]),
        (None, None, rules.ILLNESS, "", ["first_day"]),
    ],
)
def test_report_checks(first, last, reason, details, expected):
    problems = rules.check_report(first, last, rules.WHOLE_DAY, reason, details, TODAY, CALENDAR, RULES)
    assert [p.field for p in problems] == expected


def test_the_earliest_day_message_names_the_date_as_parents_write_it():
    [problem] = rules.check_report(date(2026, 11, 2), None, rules.WHOLE_DAY, rules.ILLNESS, "", TODAY, CALENDAR,
                                   RULES)
    assert "on or after 16 November 2026" in problem.message


@pytest.mark.parametrize(
    "part, reported, late",
    [
        (rules.WHOLE_DAY, datetime(2026, 11, 23, 9, 30), False),
        (rules.WHOLE_DAY, datetime(2026, 11, 23, 9, 31), True),
        ("PM", datetime(2026, 11, 23, 13, 10), False),
        ("PM", datetime(2026, 11, 23, 13, 11), True),
        (rules.WHOLE_DAY, datetime(2026, 11, 20, 16, 0), False),  # reported on Friday for Monday
    ],
)
def test_late_means_after_the_register_closed_for_the_first_session(part, reported, late):
    assert rules.is_late_report(TODAY, part, reported, TIMES, CALENDAR) is late


def test_a_report_whose_first_day_has_no_session_is_not_late():
    assert rules.is_late_report(date(2026, 11, 21), rules.WHOLE_DAY, datetime(2026, 11, 23), TIMES, CALENDAR) is False


def test_still_off_starts_on_the_next_school_day():
    assert rules.extension_first_day(date(2026, 11, 20), CALENDAR) == TODAY


def test_staff_get_a_suggested_code_but_other_reasons_are_left_to_them():
    assert rules.SUGGESTED_CODES == {"illness": "I", "medical": "M", "religious": "R", "other": None}


def test_a_day_past_the_published_term_dates_is_said_plainly():
    day = date(2026, 12, 21)  # CALENDAR's only term ends on Friday 18 December
    problems = rules.check_report(day, None, rules.WHOLE_DAY, rules.ILLNESS, "", date(2026, 12, 18), CALENDAR,
                                  RULES)
    assert [(p.field, p.message) for p in problems] == [(
        "first_day", "The school has not published its term dates for 21 December 2026 yet: please contact the "
                     "school office")]


def test_the_problems_read_in_the_callers_language_with_the_date_in_it():
    from babel.support import Translations

    from portal.domain.dates_words import date_words

    polish = Translations.load(str(Path(rules.__file__).parents[1] / "translations"), ["pl"])
    [problem] = rules.check_report(date(2026, 11, 2), None, rules.WHOLE_DAY, rules.ILLNESS, "", TODAY, CALENDAR,
                                   RULES, gettext=lambda text, **values: polish.gettext(text) % values if values
                                   else polish.gettext(text),
                                   day_words=lambda day: date_words(day, "day month year", "pl"))
    assert problem.message.startswith("Pierwszy dzień musi przypadać 16 listopada 2026 lub później")
