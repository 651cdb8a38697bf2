"""The static parent site's term dates: the iCalendar feed a parent subscribes to, and the dates the pages show.

`calendar_feed` writes each school's `term-dates.ics` (with the `icalendar` package) for `portal.web.site`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from icalendar import Calendar, Event

from portal.domain.calendar import english_bank_holidays, holidays_between_terms
from portal.domain.policy import Policy, School


def calendar_feed(policy: Policy, school: School, today: date) -> bytes:
    """The days the school is closed to pupils, as iCalendar: holidays, INSET days, bank holidays in term time and
    planned closures, each an all-day event over the days off; and each term as a one-day marker on the pupils'
    first day back (a term is not an event a parent wants filling six weeks of their calendar).

    UIDs are stable from build to build (school URN, kind and date), so a calendar that subscribed updates its
    events rather than duplicating them."""
    info, calendar = school.calendar_info, school.calendar
    stamp = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//Attendance portal//Static parent site//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{school.name}: term dates")
    description = (f"Holidays, INSET days and closures of {school.name}, and the first day of each term, from "
                   f"{info.authority}'s calendar.")
    if info.status != "published":
        description += " These dates are an example, not the published calendar: check them with the school."
    cal.add("x-wr-caldesc", description)
    domain = f"{school.urn}.{policy.trust.slug}.attendance-portal"

    def event(kind: str, first: date, last: date, summary: str, detail: str, category: str) -> None:
        item = Event()
        item.add("uid", f"{kind}-{first.isoformat()}@{domain}")
        item.add("dtstamp", stamp)
        item.add("dtstart", first)
        item.add("dtend", last + timedelta(days=1))  # DTEND of an all-day event is the day after
        item.add("summary", summary)
        item.add("description", detail)
        item.add("categories", [category])
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)

    for year, term in info.terms:
        first = calendar.next_school_day(term.starts)
        if first is not None and first <= term.ends:
            event("term", first, first, f"Back to school: {term.name}",
                  f"{school.name}: the first day of {term.name} ({year}) for pupils. The term ends on "
                  f"{long_day(term.ends)}.", "Term")
    for holiday in holidays_between_terms(t for _, t in info.terms):
        event("holiday", holiday.starts, holiday.ends, f"{holiday.name}: school closed",
              f"{school.name} is closed for the {holiday.name.lower()}.", "Holiday")
    for day in sorted(calendar.inset_days):
        event("inset", day, day, "INSET day: school closed to pupils",
              f"{school.name} is closed to pupils for staff training.", "INSET day")
    for day, name in bank_holidays_in_term(school):
        event("bank-holiday", day, day, f"Bank holiday: {name}", f"{school.name} is closed.", "Closed")
    for closure in calendar.closures:
        when = {"AM": " (morning)", "PM": " (afternoon)"}.get(closure.session or "", "")
        event(f"closure-{closure.session or 'day'}", closure.starts, closure.ends, f"School closed{when}: "
              f"{closure.name}", f"{school.name} is closed{when}: {closure.name}.", "Closed")
    return cal.to_ical()


def bank_holidays_in_term(school: School) -> list[tuple[date, str]]:
    """Bank holidays that fall on a weekday inside one of the school's terms (the school is closed)."""
    calendar = school.calendar
    years = {y for t in calendar.terms for y in range(t.starts.year, t.ends.year + 1)}
    holidays = calendar.bank_holidays if calendar.bank_holidays is not None else english_bank_holidays(years)
    return sorted((day, name) for day, name in holidays.items()
                  if day.weekday() < 5 and calendar.term_of(day) is not None)


def long_day(day: date) -> str:
    """"Monday 1 September 2025"."""
    return f"{day:%A} {day.day} {day:%B %Y}"
