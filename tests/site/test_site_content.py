"""Each school's site says its own policy's numbers (the ALP and Rise Park seeds), worked out by the domain rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from site_helpers import ALP, RP, build, instance_folder, policy, table_rows, text_of

from portal.domain.attendance import Summary, band, days_missed
from portal.web.site import clock, number


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("content")
    with instance_folder(root / "instance"):
        build(root / "out", ALP, RP)
    return root / "out"


def page(out, school, folder=None):
    return text_of(out, f"{school}/{folder}/index.html" if folder else f"{school}/index.html")


def session_times(out, school) -> list[list[str]]:
    """The school-times tables (a column per session, a row per time) read back as one row per session."""
    found, header, columns = [], None, []
    for row in table_rows(out, f"{school}/school-times/index.html") + [[""]]:
        if row[0] == "":  # a table's header row (or the end)
            found.extend([name, *times] for name, times in zip(header or [], columns))
            header, columns = row[1:], [[] for _ in row[1:]]
        else:
            for column, value in zip(columns, row[1:]):
                column.append(value)
    return found


# ---------------------------------------------------------------- ALP: Bothal and Central

@pytest.mark.parametrize("school", ["bothal", "central"])
def test_alp_target_leave_notice_and_attendance_bar(out, school):
    assert "expects every child to attend at least 97% of the time" in page(out, school, "attendance-percentages")
    leave = page(out, school, "leave-in-term-time")
    assert "At least 14 days before the first day of leave" in leave
    assert "If your child’s attendance is below 96%, the leave will not be authorised" in leave
    assert "Evidence sent afterwards will not be accepted" in leave
    assert "within 7 days" in leave
    assert "Miss L Hall" in leave
    home = page(out, school)
    assert "Attendance the school expects 97% or more" in home
    assert "Register closes 9.30am in the morning, 1.45pm in the afternoon" in home  # the same on both sites


@pytest.mark.parametrize("school", ["bothal", "central"])
def test_alp_upper_and_lower_site_times(out, school):
    rows = session_times(out, school)
    # Session, doors open, late from, register closes, ends; upper site first, then lower (ALP §10, §16).
    assert rows.index(["Morning", "8.30am", "8.40am", "9.30am", "midday"]) < \
        rows.index(["Morning", "8.40am", "8.50am", "9.30am", "midday"])
    text = page(out, school, "school-times")
    assert "Upper site" in text and "Lower site" in text
    assert "check the times for your child’s site" in text
    assert "arriving before 8.40am: present ( / )" in text and "arriving before 8.50am: present ( / )" in text
    assert "arriving after 9.30am from a doctor’s or dentist’s appointment" in text and "( M )" in text


def test_alp_first_day_contact_and_evidence(out):
    text = page(out, "bothal", "report-an-absence")
    assert "tell us before 9.00am on the first day, and again on every day your child is off" in text
    assert "At 9.30am: we send you a text message" in text and "At 11.00am: we phone you" in text
    assert "a doctor's note" in text and "a copy of a prescription" in text
    assert "01670 812 360" in text and "bps@alptrust.co.uk" in text
    assert "01670 810 570" in page(out, "central", "report-an-absence")


def test_alp_term_dates_are_marked_as_an_example(out):
    text = page(out, "bothal", "term-dates")
    assert "These dates are an example based on Northumberland County Council’s usual pattern" in text
    assert "The school is open to pupils on 190 days this year" in text
    assert "Tuesday 1 September 2026" in text  # an INSET day
    assert ["Autumn term, first half", "Wednesday 2 September 2026", "Friday 23 October 2026"] in \
        table_rows(out, "bothal/term-dates/index.html")


def test_alp_support_tiers(out):
    text = page(out, "bothal", "support")
    assert "Tier 2: Early intervention" in text and "Pupils missing more than 10% of sessions" in text
    assert "Stage 1" in text and "Referral to the Education Welfare Officer" in text


def test_alp_has_no_local_penalty_rule(out):
    text = page(out, "bothal", "penalty-notices")
    assert "Nottingham" not in text and "term-time leave rule" not in text
    assert "£80 if paid within 21 days; £160 if paid within 28 days" in text


# ---------------------------------------------------------------- Rise Park

def test_rp_register_closes_at_9_30_and_1_10(out):
    rows = session_times(out, "rise-park")
    assert ["Morning", "8.50am", "9.00am", "9.30am", "midday"] in rows
    assert ["Afternoon", "12.50pm", "1.00pm", "1.10pm", "3.15pm"] in rows
    text = page(out, "rise-park", "school-times")
    assert "arriving after 9.30am: the register has closed, and the morning counts as an unauthorised absence" \
        in text
    assert "arriving after 1.10pm: the register has closed, and the afternoon counts" in text
    assert "Register closes 9.30am in the morning, 1.10pm in the afternoon" in page(out, "rise-park")


def test_rp_leave_notice_evidence_and_late_return(out):
    text = page(out, "rise-park", "leave-in-term-time")
    assert "At least 20 school days before the first day of leave" in text
    assert "within 10 school days" in text
    assert "the school will not ask you for it, and a request without it will be declined" in text
    assert "the school may record the whole period of leave as unauthorised" in text
    assert "Good attendance in the past is not a reason to agree to leave" in text
    assert "96%" not in text and "6 weeks" not in text


def test_rp_nottingham_local_rule_and_2024_amounts(out):
    text = page(out, "rise-park", "penalty-notices")
    assert "Nottingham City Council term-time leave rule" in text
    assert "5 or more school days in a row" in text
    assert "4 or more school days in a row when they are joined to a school holiday" in text
    assert "INSET days count as school days towards these" in text
    assert "£80 if paid within 21 days; £160 if paid within 28 days" in text
    assert "£60" not in text and "£120" not in text  # the 2013 amounts on RP's old form footer
    assert "2 parents with 3 children absent get 6 notices: £480" in text and "£960" in text
    assert "10 sessions of unauthorised absence within any 10 school weeks" in text


def test_rp_days_based_at_risk_band_and_cme_referral(out):
    rows = table_rows(out, "rise-park/attendance-percentages/index.html")
    assert rows[-5:] == [
        ["On target", "97% or more", "5.5 days or fewer"],  # 3% of 190 days is 5.7: 6 days is below target
        ["Below target", "about 93.7% or more and under 97%", "6 to 11.5 days"],
        ["At risk of persistent absence", "over 90% and about 93.7% or less", "12 to 18.5 days"],
        ["Persistent absence", "over 50% and 90% or less", "19 to 94.5 days"],
        ["Severe absence", "50% or less", "95 days or more"],
    ]
    text = page(out, "rise-park", "report-an-absence")
    assert "Day 2: we phone your child's other emergency contacts" in text
    assert "after 10 days" in text and "Children Missing Education" in text
    assert "a screenshot from the My GP app" in text


def test_rp_term_dates_follow_the_published_calendar(out):
    text = page(out, "rise-park", "term-dates")
    assert "follows Nottingham City Council’s school calendar" in text
    assert "These dates are an example" not in text and "term dates (an example" not in text
    assert "Monday 12 April 2027" in text  # an INSET day


# ---------------------------------------------------------------- numbers from the domain, not the templates

@pytest.mark.parametrize("school", ["bothal", "rise-park"])
def test_percentages_in_days_over_the_schools_own_year(out, school):
    rows = table_rows(out, f"{school}/attendance-percentages/index.html")
    days = {r[0].split("%")[0]: r[1] for r in rows if len(r) == 2}
    assert days["90"] == "19" and days["95"] == "9.5" and days["100"] == "0" and days["50"] == "95"
    assert days["97"] == "5.7"
    assert ("96" in days) == (school == "bothal")  # ALP refuses leave below 96%; RP only flags 95%


def test_days_missed_is_the_domain_arithmetic():
    assert days_missed(90, 190) == 19
    assert days_missed(Decimal(95), 190) == Decimal("9.5")
    assert number(days_missed(97, 190)) == "5.7"
    assert number(Decimal("96.5")) == "96.5"


@pytest.mark.parametrize(("path", "absent", "expected"), [
    (ALP, 38, "persistent"),  # 19 days of 190: "19 days or more"
    (ALP, 37, "at_risk"),  # 18.5 days: over 5% absence, "more than 9.5 days"
    (ALP, 19, "below_target"),  # 9.5 days: exactly 5%, not over it
    (RP, 24, "at_risk"),  # 12 days: RP's "12 days or more"
    (RP, 23, "below_target"),
])
def test_the_bands_the_page_describes_are_the_ones_the_portal_applies(path, absent, expected):
    bands = policy(path).bands
    summary = Summary(possible=380, attended=380 - absent, present=380 - absent, approved_activity=0,
                      authorised=absent, unauthorised=0, late_before_close=0, late_after_close=0, not_counted=0,
                      persistent_absence=absent * 10 >= 380, severe_absence=absent * 2 >= 380, bands=bands)
    assert band(summary, bands) == expected


def test_clock_writes_times_as_the_schools_do():
    from datetime import time

    assert [clock(time(8, 30)), clock(time(13, 10)), clock(time(12, 0)), clock(time(0, 5))] == \
        ["8.30am", "1.10pm", "midday", "12.05am"]


def test_privacy_notice_gives_each_trusts_controller_system_and_retention(out):
    alp = page(out, "bothal", "privacy")
    assert "Ashington Learning Partnership is the data controller" in alp and "(Edgen)" in alp
    rp = page(out, "rise-park", "privacy")
    assert "Rise Park Primary and Nursery School is the data controller" in rp and "(Arbor)" in rp
    assert ["Attendance register entries", "6 years after the entry is made"] in \
        table_rows(out, "rise-park/privacy/index.html")
    assert ["Evidence you upload, such as appointment letters", "1 year"] in \
        table_rows(out, "bothal/privacy/index.html")


def test_code_explanations_use_each_policys_wording(out):
    rp = page(out, "rise-park", "attendance-codes")
    assert "Arrived after the register closed (after 9.30am, or after 1.10pm in the afternoon)" in rp
    alp = page(out, "bothal", "attendance-codes")
    assert "after 1.10pm" not in alp
    assert "H : now C (leave granted) or G (holiday not authorised)" in alp


def test_the_levels_table_is_exact_at_its_edges(tmp_path, monkeypatch):
    """A 95% target over a 189-day year: on target is 9 days or fewer (9.5 days is 94.97%), and with the at-risk
    line at 95% too there is no "below target" level at all: every row says what `band` does."""
    from dataclasses import replace
    from datetime import date

    from site_helpers import PORTAL_URL, TODAY, site_app

    from portal.domain.calendar import Closure
    from portal.services import site as site_service

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    alp = policy(ALP)
    snow = Closure("Snow", date(2027, 1, 12), date(2027, 1, 12))
    schools = tuple(replace(s, calendar=replace(s.calendar, closures=(snow,))) for s in alp.schools)
    alp = replace(alp, schools=schools, bands=replace(alp.bands, target=Decimal(95)))
    site_service.build_site(site_app(), [alp], tmp_path / "out", portal_url=PORTAL_URL, today=TODAY,
                            allow_examples=True)
    rows = [r for r in table_rows(tmp_path / "out", "bothal/attendance-percentages/index.html") if len(r) == 3]
    assert rows[1:] == [
        ["On target", "95% or more", "9 days or fewer"],
        ["At risk of persistent absence", "over 90% and under 95%", "9.5 to 18.5 days"],
        ["Persistent absence", "over 50% and 90% or less", "19 to 94 days"],
        ["Severe absence", "50% or less", "94.5 days or more"],
    ]
    assert "in a year of 189 days" in rows[0][2]
    days = {r[0].split("%")[0]: r[1] for r in table_rows(tmp_path / "out", "bothal/attendance-percentages/index.html")
            if len(r) == 2}
    assert days["95"] == "9.45" and days["96"] == "7.56" and days["90"] == "18.9"  # exact, not rounded


def test_rp_first_day_call_keeps_the_policys_condition(out):
    """RP App. 5: the day-1 call happens only "if there are attendance, welfare or safeguarding concerns"."""
    text = page(out, "rise-park", "report-an-absence")
    assert "Day 1: if there are attendance, welfare or safeguarding concerns, we phone you." in text
    assert "Day 1: we phone you" not in text
    assert "At 11.00am: we phone you" in page(out, "bothal", "report-an-absence")  # ALP's call is unconditional


def test_codes_page_puts_illness_first_among_authorised_codes_and_says_each_thing_once(out):
    rows = table_rows(out, "bothal/attendance-codes/index.html")
    authorised = [r[0] for r in rows if len(r) == 2 and r[0] in {"I", "M", "C1", "J1", "S", "C2", "C", "T", "R"}]
    assert authorised[:2] == ["I", "M"]  # the reasons most parents give, first
    [g] = [r[1] for r in rows if r and r[0] == "G"]
    assert g.count("penalty notice") == 1, g
    assert g == "A holiday the school did not agree to. This is an unauthorised absence. It counts towards a " \
                "penalty notice ."


def test_term_dates_list_every_holiday_and_say_when_the_next_year_is_missing(out):
    rows = table_rows(out, "rise-park/term-dates/index.html")
    assert ["October half term", "Monday 19 October 2026", "Friday 30 October 2026"] in rows
    assert ["Christmas holiday", "Monday 21 December 2026", "Friday 1 January 2027"] in rows
    assert ["February half term", "Monday 15 February 2027", "Friday 19 February 2027"] in rows
    assert ["Easter holiday", "Friday 26 March 2027", "Friday 9 April 2027"] in rows
    assert ["May half term", "Monday 31 May 2027", "Friday 4 June 2027"] in rows
    text = page(out, "rise-park", "term-dates")
    assert "The term dates for 2027-28 are not published yet" in text


NHS = "https://www.nhs.uk/live-well/is-my-child-too-ill-for-school/"
DFE = "https://www.gov.uk/government/publications/working-together-to-improve-school-attendance"


def links_of(out, name):
    from site_helpers import Page

    return [url for tag, url in Page(out / name).links if tag == "a"]


def test_each_school_names_its_attendance_lead_with_contact_details(out):
    bothal = page(out, "bothal", "contact")
    assert "Catharine Harle, Designated Senior Leader for attendance" in bothal and "01670 812 360" in bothal
    assert "Catharine Harle" in page(out, "central", "contact") and "01670 810 570" in page(out, "central", "contact")
    assert "Catharine Harle" in page(out, "bothal", "support")
    assert "the Attendance Officer" in page(out, "rise-park", "contact")


def test_links_to_the_full_policy_the_nhs_the_dfe_and_the_local_authority(out):
    for school in ("bothal", "rise-park"):
        home = links_of(out, f"{school}/index.html")
        assert DFE in home
        full_policy = policy(ALP if school == "bothal" else RP).links.attendance_policy
        assert full_policy and full_policy in home  # the school's full attendance policy
        assert NHS in links_of(out, f"{school}/report-an-absence/index.html")
    rp = page(out, "rise-park", "support")
    assert "Nottingham City Council Education Welfare and EOTAS Service" in rp and "0115 876 2965" in rp
    assert ("https://www.nottinghamcity.gov.uk/information-for-residents/education-and-schools/education-welfare/"
            "school-attendance/") in links_of(out, "rise-park/support/index.html")


def test_privacy_notice_names_the_data_protection_officer(out):
    for school in ("bothal", "rise-park"):
        text = page(out, school, "privacy")
        assert "data protection officer is" in text and "dpo@" in text, text
