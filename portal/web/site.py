"""The static parent site's pages (docs/static-site.md), rendered from a Policy while `site build` runs.

Not part of the live portal. `register(app)` adds the blueprint only to an app created with `SITE_BUILD = True`
(the one `site build` makes), and even there every page answers 404 unless a build is running, because the pages
read their policies from the build (`portal.services.site.active_build`), never from the database. Reasons:
- the published site is the one parents use; a second, live copy at another address could disagree with it
  (the live copy would follow `policy load`, the published one the last build);
- the pages are written for static hosting (relative links ending in index.html, no cookies, no forms), and
  a catch-all school-slug route at the portal's root would take over the portal's 404s and slash redirects;
- staff preview a site by building it into a folder and opening `index.html` from disk.

The rules live under PREFIX (`/_site`), static files included, so the frozen copy of that folder is the whole
site. Templates build every link between pages with `url_for`, which Frozen-Flask makes relative; links into the
portal are absolute (`portal_url`). Numbers come from the policy and the domain rules, never from the templates.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template

from portal.domain import codes
from portal.domain.attendance import BAND_WORDS, attendance_at, days_missed
from portal.domain.band_table import band_ranges
from portal.domain.calendar import holidays_between_terms, school_year_label
from portal.domain.lateness import code_for_arrival
from portal.domain.penalties import family_total, next_notice
from portal.domain.policy import Policy, School
from portal.domain.policy_words import decision_words, notice_words, roles_in_a_sentence
from portal.domain.wording import clock_words as clock
from portal.services.site import PAGES, PREFIX, active_build, example_values
from portal.services.site_calendar import bank_holidays_in_term, calendar_feed, long_day
from portal.web.site_words import attendance_words, days_words, exact_days, number

STATIC = Path(__file__).resolve().parent.parent / "static"

bp = Blueprint("site", __name__, url_prefix=PREFIX, static_folder=str(STATIC), static_url_path="/static")

CATEGORY_TITLES = (
    (codes.PRESENT_CATEGORY, "In school", "These count as attending."),
    (codes.APPROVED_ACTIVITY_CATEGORY, "Learning away from school", "These count as attending."),
    (codes.AUTHORISED_CATEGORY, "Authorised absence",
     "These count as absence, but the school has agreed to them or accepted the reason."),
    (codes.UNAUTHORISED_CATEGORY, "Unauthorised absence",
     "These count as absence without a reason the school has accepted."),
    (codes.NOT_COUNTED_CATEGORY, "Not counted",
     "Your child could not attend for a reason outside the family's control, or was elsewhere as agreed. "
     "These sessions are left out of the attendance figures altogether."),
    (codes.ADMINISTRATIVE_CATEGORY, "No school expected", "Nothing is counted for these sessions."),
)


def register(app: Flask) -> None:
    """Called by create_app: the site pages exist only in the app that `site build` creates."""
    if app.config.get("SITE_BUILD"):
        app.register_blueprint(bp)


@bp.before_request
def only_while_building():
    if active_build(current_app) is None:
        abort(404)


# ---------------------------------------------------------------- formatting (portal/web/site_words.py)

bp.add_app_template_filter(clock, "site_clock")
bp.add_app_template_filter(long_day, "site_day")
bp.add_app_template_filter(number, "site_number")


# ---------------------------------------------------------------- the pages

def _school(slug: str) -> tuple[Policy, School]:
    found = active_build(current_app).schools.get(slug)
    if found is None:
        abort(404)
    return found


def _render(template: str, policy: Policy | None, school: School | None, page=None, **context) -> str:
    build = active_build(current_app)
    return render_template(
        f"site/{template}",
        build=build,
        policy=policy,
        school=school,
        trust=policy.trust if policy else None,
        page=page,
        pages=PAGES,
        several_schools=len(build.schools) > 1,
        portal=build.links,
        links=policy.links if policy else None,
        lead=attendance_lead(policy, school) if school else None,
        examples=example_values(policy, school) if school else
        [f"{s.name}: {', '.join(v)}" for p, s in build.schools.values() if (v := example_values(p, s))],
        **context,
    )


@bp.get("/")
def index():
    return _render("index.html", None, None, policies=active_build(current_app).policies)


@bp.get("/<school>/")
def school_home(school: str):
    policy, found = _school(school)
    return _render("home.html", policy, found, facts=key_facts(policy, found))


@bp.get("/<school>/term-dates.ics", endpoint="calendar_feed")
def calendar_feed_view(school: str):
    policy, found = _school(school)
    return Response(calendar_feed(policy, found, active_build(current_app).today), mimetype="text/calendar")


def _page_view(page):
    def view(school: str):
        policy, found = _school(school)
        context = BUILDERS[page.endpoint](policy, found)
        return _render(f"{page.slug}.html", policy, found, page=page, **context)

    view.__name__ = page.endpoint
    return view


# ---------------------------------------------------------------- what each page says

def key_facts(policy: Policy, school: School) -> list[tuple[str, str]]:
    reporting = policy.absence_reporting
    facts = [("Report an absence", f"Before {clock(reporting.report_by)} on the first day"
              + (", and on every day your child is off" if reporting.every_day else ""))]
    closing = {site.name: (site.am.register_closes, site.pm.register_closes) for site in school.sites}
    for name, (am, pm) in closing.items():
        label = "Register closes" + (f" ({name.lower()})" if len(set(closing.values())) > 1 else "")
        facts.append((label, f"{clock(am)} in the morning, {clock(pm)} in the afternoon"))
        if len(set(closing.values())) == 1:
            break
    facts.append(("Attendance the school expects", f"{number(policy.bands.target)}% or more"))
    facts.append(("Leave in term time", f"Only in exceptional circumstances; ask at least "
                                        f"{notice_words(policy)} before"))
    return facts


def attendance_lead(policy: Policy, school: School) -> dict | None:
    """The attendance lead in words, with the school's own phone and email unless the policy gives theirs."""
    lead = policy.links.attendance_lead
    if lead is None:
        return None
    who = ", ".join(part for part in (lead.name, lead.role) if part)
    return {"who": who, "phone": lead.phone or school.phone, "email": lead.email or school.email}


_DAY_PREFIX = re.compile(r"^(Day \d+):")


def contact_steps(policy: Policy) -> list[str]:
    """The first-day contact process of the policy, in words for parents."""
    steps = []
    for step in policy.first_day_contact:
        day = _DAY_PREFIX.match(step.description)
        when = f"{day.group(1)}: " if day else (f"At {clock(step.at)}: " if step.at else "")
        if step.action == "referral":
            if policy.follow_up.cme_referral_days:
                text = ("if your child has not come back after "
                        f"{policy.follow_up.cme_referral_days} days and we have had no contact from you, or we "
                        "learn that your family has moved away, we refer your child to the council's Children "
                        "Missing Education team.")
            else:
                text = ("if we still cannot find out where your child is, we follow our safeguarding "
                        "procedures, which can mean a referral to children's social care or the police.")
        else:
            text = {
                "text": "we send you a text message.",
                "call": "we phone you.",
                "email": "the school's attendance leads are told about every child whose absence is not "
                         "explained.",
                "home_visit": "someone from school may visit your home.",
                "other_contacts": "we phone your child's other emergency contacts.",
            }[step.action]
        if step.condition:
            text = f"{step.condition}, {text}"
        steps.append(when + (text[0].upper() + text[1:] if not when else text))
    return steps


def report_absence(policy: Policy, school: School) -> dict:
    return {"reporting": policy.absence_reporting, "steps": contact_steps(policy),
            "wording": policy.wording.get("report_absence")}


def school_times(policy: Policy, school: School) -> dict:
    sites = []
    for site in school.sites:
        sessions = []
        for label, session, times in (("Morning", "AM", site.am), ("Afternoon", "PM", site.pm)):
            late = code_for_arrival(times.late_from, times, session)
            after = _plus_minute(times.register_closes)
            sessions.append({
                "label": label, "times": times,
                "on_time_code": code_for_arrival(times.doors_open, times, session),
                "late_code": late,
                "after_close": after,
                "after_close_code": code_for_arrival(after, times, session),
                "medical_code": code_for_arrival(after, times, session, appointment_with_evidence=True,
                                                 medical_code=policy.medical_appointment_code),
            })
        sites.append({"site": site, "sessions": sessions})
    same = len({(s.am, s.pm) for s in school.sites}) == 1
    return {"sites": sites, "same_times": same, "wording": policy.wording.get("lateness"),
            "medical_code": codes.CODES[policy.medical_appointment_code]}


def _plus_minute(moment: time) -> time:
    return (datetime.combine(date.min, moment) + timedelta(minutes=1)).time()


def school_years(school: School) -> list[dict]:
    """Each school year of the calendar: terms, INSET days, bank holidays in term, closures, days open."""
    info, calendar = school.calendar_info, school.calendar
    years: dict[str, list] = {}
    for year, term in info.terms:
        years.setdefault(year, []).append(term)
    breaks: dict[str, list] = {}  # each holiday goes with the school year of the term before it
    ordered = sorted(info.terms, key=lambda entry: entry[1].starts)
    for (year, before), (_, after) in zip(ordered, ordered[1:]):
        breaks.setdefault(year, []).extend(holidays_between_terms((before, after)))
    one_day = timedelta(days=1)
    holidays = bank_holidays_in_term(school)
    out = []
    for year, terms in years.items():
        first, last = terms[0].starts, terms[-1].ends
        out.append({
            "year": year,
            "terms": [{"name": t.name, "starts": t.starts, "ends": t.ends,
                       "pupils_first": _within(calendar.next_school_day(t.starts), t),
                       "pupils_last": _within(calendar.previous_school_day(t.ends + one_day), t)}
                      for t in terms],
            "first": first,
            "last": last,
            "inset": sorted(d for d in calendar.inset_days if first <= d <= last),
            "bank_holidays": [(d, n) for d, n in holidays if first <= d <= last],
            "closures": [c for c in calendar.closures if first <= c.starts <= last],
            "holidays": breaks.get(year, []),
            "school_days": calendar.count_school_days(first, last),
                    })
    return out


def _within(day: date | None, term) -> date | None:
    return day if day is not None and term.starts <= day <= term.ends else None


def current_year(school: School, today: date) -> dict | None:
    """The school year holding `today`, else the next one, else the last one the calendar has."""
    years = school_years(school)
    for year in years:
        if today <= year["last"]:
            return year
    return years[-1] if years else None


def term_dates(policy: Policy, school: School) -> dict:
    today = active_build(current_app).today
    years = school_years(school)
    upcoming = [y for y in years if y["last"] >= today]
    following = None
    if years:
        start = int(years[-1]["year"][:4]) + 1
        following = school_year_label(date(start, 9, 1))
    return {"years": upcoming or years, "all_past": not upcoming, "info": school.calendar_info,
            "following": following}


def leave(policy: Policy, school: School) -> dict:
    rules = policy.leave
    return {"rules": rules, "notice": notice_words(policy), "decision": decision_words(policy),
            "deciders": roles_in_a_sentence(rules.deciders), "local": policy.penalties.local,
            "penalties": policy.penalties, "threshold_days": number(Fraction(policy.penalties.threshold_sessions, 2)),
            "refused": codes.CODES[rules.refused_code], "approved": codes.CODES[rules.approved_code],
            "bar": number(rules.attendance_bar) if rules.attendance_bar is not None else None,
            "wording": policy.wording.get("leave")}


def penalty_notices(policy: Policy, school: School) -> dict:
    rules = policy.penalties
    fines = rules.fines
    today = active_build(current_app).today
    first = next_notice([], today, fines)
    second = next_notice([(today, False)], today, fines)
    third = next_notice([(today, False), (today, False)], today, fines)
    notices, early_total = family_total(2, 3, fines.first_early_days, first)
    _, full_total = family_total(2, 3, fines.first_full_days, first)
    return {
        "rules": rules, "fines": fines, "first": first, "second": second, "third": third,
        "threshold_days": number(Fraction(rules.threshold_sessions, 2)),
        "counted": [codes.CODES[c] for c in sorted(rules.counted_codes, key=list(codes.CODES).index)],
        "pending": [codes.CODES[c] for c in sorted(rules.pending_codes, key=list(codes.CODES).index)],
        "example": {"notices": notices, "early_total": early_total, "full_total": full_total},
        "local": rules.local,
    }


def attendance(policy: Policy, school: School) -> dict:
    bands = policy.bands
    year = current_year(school, active_build(current_app).today)
    days = year["school_days"] if year else 190  # the national minimum, if the policy has no calendar yet
    shown = {Decimal(100), bands.target, Decimal(95), attendance_at(bands.persistent_absence),
             attendance_at(bands.severe_absence)}
    if policy.leave.attendance_bar is not None and policy.leave.attendance_bar_effect == "refuse":
        shown.add(policy.leave.attendance_bar)
    leave_bar = policy.leave.attendance_bar if policy.leave.attendance_bar_effect == "refuse" else None
    rows = [{"pct": number(p), "days": exact_days(days_missed(p, days)), "is_target": p == bands.target,
             "is_leave_bar": p == leave_bar} for p in sorted(shown, reverse=True)]
    band_rows = [(BAND_WORDS[r.band], attendance_words(r), days_words(r, days)) for r in band_ranges(bands, days)]
    return {"year": year, "days": days, "sessions": 2 * days, "rows": rows, "bands": bands,
            "band_rows": band_rows, "tiers": sorted(policy.tiers, key=lambda t: t.number),
            "fortnight": number(100 * (1 - Fraction(1, 10)))}


FIRST_CODES = ("I", "M")  # illness and appointments: the authorised codes most parents look for, first
_PENALTY_SENTENCE = re.compile(r"[^.]*penalty notice[^.]*\.\s*")


def code_text(code: codes.Code, policy: Policy) -> str:
    """A code's words on the codes page. The page adds "It counts towards a penalty notice" (with a link) to the
    codes that do, so a sentence of the explanation saying the same is left out rather than said twice."""
    text = policy.code_wording.get(code.code, code.explanation)
    if code.code in policy.penalties.counted_codes:
        text = _PENALTY_SENTENCE.sub("", text).strip()
    return text


def code_groups(policy: Policy, school: School) -> dict:
    groups = []
    for category, title, meaning in CATEGORY_TITLES:
        ordered = sorted((c for c in codes.CODES.values() if c.category == category),
                         key=lambda c: FIRST_CODES.index(c.code) if c.code in FIRST_CODES else len(FIRST_CODES))
        entries = [(c, code_text(c, policy)) for c in ordered]
        groups.append({"id": category.replace("_", "-"), "title": title, "meaning": meaning, "codes": entries})
    return {"groups": groups, "retired": codes.RETIRED,
            "counted": sorted(policy.penalties.counted_codes, key=list(codes.CODES).index)}


def support(policy: Policy, school: School) -> dict:
    return {"tiers": sorted(policy.tiers, key=lambda t: t.number)}


def contact(policy: Policy, school: School) -> dict:
    return {"others": [s for s in policy.schools if s.slug != school.slug]}


def privacy(policy: Policy, school: School) -> dict:
    return {"retention": policy.retention}


BUILDERS = {
    "report_absence": report_absence,
    "school_times": school_times,
    "term_dates": term_dates,
    "leave": leave,
    "penalty_notices": penalty_notices,
    "attendance": attendance,
    "codes": code_groups,
    "support": support,
    "contact": contact,
    "privacy": privacy,
}
if set(BUILDERS) != {p.endpoint for p in PAGES}:  # checked at import, also under python -O
    raise RuntimeError("every page of services.site.PAGES needs a builder")

for _page in PAGES:
    bp.add_url_rule(f"/<school>/{_page.slug}/", endpoint=_page.endpoint, view_func=_page_view(_page))
