"""Each school's term-dates.ics parses with `icalendar` and holds its terms, INSET days and closures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from site_helpers import ALP, RP, TODAY, build, instance_folder, policy

from portal.domain.calendar import Closure
from portal.services.site_calendar import bank_holidays_in_term, calendar_feed


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("calendar")
    with instance_folder(root / "instance"):
        build(root / "out", ALP, RP)
    return root / "out"


def events(path) -> list:
    calendar = Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def by_category(items, category):
    return [e for e in items if category in [str(c) for c in e.get("categories").cats]]


@pytest.mark.parametrize(("path", "slug"), [(ALP, "bothal"), (ALP, "central"), (RP, "rise-park")])
def test_feed_marks_each_term_and_holds_every_inset_day(out, path, slug):
    """Terms are markers on the pupils' first day back (one day each), not 6-8 week events."""
    school = next(s for s in policy(path).schools if s.slug == slug)
    items = events(out / slug / "term-dates.ics")
    terms = by_category(items, "Term")
    assert {e.decoded("dtstart") for e in terms} == \
        {school.calendar.next_school_day(t.starts) for _, t in school.calendar_info.terms}
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(days=1) for e in terms)
    assert all(str(e["summary"]).startswith("Back to school: ") for e in terms)
    inset = {e.decoded("dtstart") for e in by_category(items, "INSET day")}
    assert inset == set(school.calendar.inset_days) and len(inset) == 10
    for event in items:
        assert isinstance(event.decoded("dtstart"), date)  # all-day events
        assert event.decoded("dtend") > event.decoded("dtstart")
    uids = [str(e["uid"]) for e in items]
    assert len(uids) == len(set(uids))


def test_feed_has_each_holiday_as_days_off(out):
    items = events(out / "rise-park" / "term-dates.ics")
    holidays = {(e.decoded("dtstart"), e.decoded("dtend") - timedelta(days=1)): str(e["summary"])
                for e in by_category(items, "Holiday")}
    assert holidays[(date(2026, 10, 19), date(2026, 10, 30))] == "October half term: school closed"
    assert holidays[(date(2026, 12, 21), date(2027, 1, 1))] == "Christmas holiday: school closed"
    assert holidays[(date(2026, 7, 28), date(2026, 8, 31))] == "Summer holiday: school closed"
    assert len(holidays) == 11  # six terms a year for two years: five gaps in each, and the summer between


def test_feed_names_the_school_and_says_when_dates_are_an_example(out):
    alp = Calendar.from_ical((out / "bothal" / "term-dates.ics").read_bytes())
    assert str(alp["x-wr-calname"]) == "Bothal Primary School: term dates"
    assert "example, not the published calendar" in str(alp["x-wr-caldesc"])
    rp = Calendar.from_ical((out / "rise-park" / "term-dates.ics").read_bytes())
    assert "example" not in str(rp["x-wr-caldesc"])


def test_feed_marks_bank_holidays_in_term_as_closed(out):
    items = events(out / "rise-park" / "term-dates.ics")
    closed = {e.decoded("dtstart"): str(e["summary"]) for e in by_category(items, "Closed")}
    assert closed[date(2027, 5, 3)] == "Bank holiday: May Day"
    school = policy(RP).schools[0]
    assert set(closed) == {d for d, _ in bank_holidays_in_term(school)}


def test_feed_is_the_same_on_a_rebuild_the_same_day():
    school = policy(RP).schools[0]
    assert calendar_feed(policy(RP), school, TODAY) == calendar_feed(policy(RP), school, TODAY)


def test_feed_includes_planned_closures():
    rp = policy(RP)
    school = rp.schools[0]
    closure = Closure("Polling day", date(2026, 12, 10), date(2026, 12, 10), "PM")
    school = replace(school, calendar=replace(school.calendar, closures=(closure,)))
    items = list(Calendar.from_ical(calendar_feed(rp, school, TODAY)).walk("VEVENT"))
    summaries = {e.decoded("dtstart"): str(e["summary"]) for e in items}
    assert summaries[date(2026, 12, 10)] == "School closed (afternoon): Polling day"
