"""Oversight lists and whole-school figures: the same answers as `attendance alerts --json` and the domain."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

import pytest

from portal.domain.attendance import format_pct, summarise
from portal.domain.marks import Mark
from portal import demo
from portal.services import NotFound, imports
from portal.services import oversight as service
from portal.services.attendance import ALERT_KINDS, alerts
from portal.services.policies import load_policy_file, trust_policy

from factories import ALP, BOTHAL, CENTRAL, add_marks, calendar, load_trust, make_pupil, sessions
from staff import make_staff

TODAY = date(2026, 3, 10)  # a Tuesday in the spring term of 2025-26
YEAR_START = date(2025, 9, 1)
# A 60-pupil demo trust whose alerts hold every kind the ALP policy can raise (seed chosen for that).
DEMO = dict(pupils=60, seed=16, today=TODAY)
COMPARED = ("persistent_absence", "severe_absence", "penalty_threshold", "n_overdue", "continuous_absence_10",
            "deletion_consideration_20", "sickness_15")


@pytest.fixture
def demo_trust(app, tmp_path):
    with app.app_context():
        policy = trust_policy(load_policy_file(ALP, actor="test").trust)
        files = demo.write_csvs(tmp_path / "demo", policy, **DEMO)
        imports.import_pupils(files.pupils, actor="test", today=TODAY)
        imports.import_contacts(files.contacts, actor="test")
        imports.import_marks(files.marks, actor="test")
    return files


def pairs(found) -> set[tuple[str, str]]:
    return {(a["upn"], a["kind"]) for a in found}


def listed(result, kinds=COMPARED) -> set[tuple[str, str]]:
    return {(entry.row.upn, key) for key in kinds for entry in result.lists[key]}


def cli_alerts(app, *args) -> list[dict]:
    outcome = app.test_cli_runner().invoke(args=["attendance", "alerts", "--as-of", TODAY.isoformat(), "--json",
                                                 *args])
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.output)


def test_the_lists_agree_with_attendance_alerts_json_for_the_demo_trust(app, demo_trust):
    from_cli = cli_alerts(app)
    assert {a["kind"] for a in from_cli} == set(COMPARED)  # every list is really compared
    with app.app_context():
        head = make_staff("head@alp.example", "headteacher", trust="alp")
        result = service.overview(head, TODAY)
        assert listed(result) == pairs(from_cli)
        assert set(service.ALERT_LISTS) == set(ALERT_KINDS)
        # Each entry says what its alert says, from the same date (a pupil with two runs of 10 days has two).
        entries = sorted((e.row.upn, key, e.since.isoformat(), e.detail) for key in COMPARED for e in result.lists[key])
        assert entries == sorted((a["upn"], a["kind"], a["since"], a["detail"]) for a in from_cli)
        # The band shown beside each pupil agrees with the list the pupil is on.
        assert all(e.row.band in ("persistent", "severe") for e in result.lists["persistent_absence"])
        assert all(e.row.band == "severe" for e in result.lists["severe_absence"])
        assert all(e.row.band == "at_risk" for e in result.lists["at_risk"]) and result.lists["at_risk"]
        for urn in (BOTHAL, CENTRAL):
            one = service.overview(head, TODAY, school_urn=urn)
            assert listed(one) == pairs(cli_alerts(app, "--school", urn)) == pairs(alerts(urn, TODAY))
            assert {e.row.school_urn for key in COMPARED for e in one.lists[key]} <= {urn}


def test_whole_school_figures_are_the_domain_arithmetic_over_the_same_marks(app, demo_trust):
    # Recomputed from the demo CSV files, not the database: every enrolment of the year up to TODAY.
    with open(demo_trust.pupils, newline="", encoding="utf-8") as handle:
        pupils = {row["upn"]: row for row in csv.DictReader(handle)}
    marks = defaultdict(list)
    with open(demo_trust.marks, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            marks[row["upn"]].append(Mark(date.fromisoformat(row["date"]), row["session"], row["code"]))
    with app.app_context():
        bands = trust_policy(load_policy_file(ALP, actor="test").trust).bands
        head = make_staff("head@alp.example", "headteacher", trust="alp")
        result = service.overview(head, TODAY)
        every = result.rows  # every enrolment's row, loaded when asked for
    expected = {}
    for urn in (BOTHAL, CENTRAL):
        summaries = []
        for upn, row in pupils.items():
            leaving = date.fromisoformat(row["leaving_date"]) if row["leaving_date"] else None
            admission = date.fromisoformat(row["admission_date"])
            if row["school_urn"] != urn or admission > TODAY or (leaving and leaving < YEAR_START):
                continue
            summary = summarise(marks[upn], start=YEAR_START, end=TODAY, admission=admission, leaving=leaving,
                                bands=bands)
            if summary.possible:
                summaries.append(summary)
        possible = sum(s.possible for s in summaries)
        expected[urn] = dict(
            enrolments=len(summaries),
            attendance=Fraction(sum(s.attended for s in summaries), possible),
            absence=Fraction(sum(s.absent for s in summaries), possible),
            authorised_rate=Fraction(sum(s.authorised for s in summaries), possible),
            unauthorised_rate=Fraction(sum(s.unauthorised for s in summaries), possible),
            pa_rate=Fraction(sum(s.persistent_absence for s in summaries), len(summaries)),
            sa_rate=Fraction(sum(s.severe_absence for s in summaries), len(summaries)),
        )
    bothal, central, trust = result.figures
    assert (bothal.label, central.label, trust.label) == ("Bothal Primary School", "Central Primary School",
                                                          "All your schools")
    for figures, urn in ((bothal, BOTHAL), (central, CENTRAL)):
        got = {name: getattr(figures, name) for name in expected[urn]}
        assert got == expected[urn]
        assert figures.attendance + figures.absence == 1  # AEA counts as attended
        assert figures.pct("pa_rate") == format_pct(expected[urn]["pa_rate"])
    assert trust.enrolments == bothal.enrolments + central.enrolments
    assert trust.pa_rate == Fraction(bothal.persistent + central.persistent, trust.enrolments)
    # Leavers count in the figures up to their leaving date, but are on no list.
    on_lists = {e.row.upn for entries in result.lists.values() for e in entries}
    leavers = {upn for upn, row in pupils.items() if row["leaving_date"] and row["leaving_date"] < TODAY.isoformat()}
    assert leavers and not leavers & on_lists
    assert sum(f.enrolments for f in (bothal, central)) == sum(1 for r in every if r.summary.possible)


@pytest.fixture
def bothal(app_ctx):
    load_trust()
    return make_staff("head@bothal.example", "headteacher", BOTHAL), calendar(BOTHAL)


def term_of(cal, codes: str) -> list[tuple]:
    """`codes` on consecutive sessions from the first school day of the year (one character per session)."""
    return sessions(cal, YEAR_START, codes)


def test_alp_tier_2_is_over_10_percent_missed_while_persistent_absence_is_10_or_more(bothal):
    head, cal = bothal
    exactly = make_pupil(BOTHAL, forename="Ten")
    add_marks(exactly, term_of(cal, "II" + "/\\" * 9))  # 2 of 20: 10.0%
    over = make_pupil(BOTHAL, forename="Fifteen")
    add_marks(over, term_of(cal, "III" + "/\\" * 8 + "/"))  # 3 of 20: 15.0%
    at_risk = make_pupil(BOTHAL, forename="Six")
    add_marks(at_risk, term_of(cal, "I" + "/\\" * 7 + "/\\/"))  # 1 of 18: 5.6%
    result = service.overview(head, date(2025, 9, 30))
    rows = {e.row.forename: e.row for e in result.lists["persistent_absence"]}
    assert set(rows) == {"Ten", "Fifteen"}
    assert (rows["Ten"].tier.number, rows["Fifteen"].tier.number) == (1, 2)
    assert rows["Fifteen"].tier_words == "Tier 2: Early intervention"
    assert [e.row.forename for e in result.lists["at_risk"]] == ["Six"]
    assert [e.row.forename for e in result.lists["persistent_absence"]] == ["Fifteen", "Ten"]  # worst first


def test_persistent_lateness_is_4_late_sessions_in_the_last_20(bothal):
    head, cal = bothal
    late = make_pupil(BOTHAL, forename="Late")
    add_marks(late, term_of(cal, "/\\" * 20 + "L\\/\\U\\/\\L\\" + "/\\" * 3 + "L\\"))  # 4 in the last 20
    earlier = make_pupil(BOTHAL, forename="Earlier")
    add_marks(earlier, term_of(cal, "L\\L\\L\\L\\" + "/\\" * 26))  # 4 late, but not in the last 20
    three = make_pupil(BOTHAL, forename="Three")
    add_marks(three, term_of(cal, "/\\" * 20 + "L\\/\\L\\/\\L\\" + "/\\" * 5))
    result = service.overview(head, date(2025, 10, 31))
    [entry] = result.lists["persistent_lateness"]
    assert entry.row.forename == "Late" and (entry.row.late, entry.row.late_of) == (4, 20)
    assert entry.detail.startswith("Late at 4 of the last 20 sessions")
    assert service.lateness([]) == (0, 0, None)


def test_filters_narrow_lists_and_figures_and_other_schools_stay_out_of_sight(bothal):
    head, cal = bothal
    y3 = make_pupil(BOTHAL, forename="Three", year_group="Y3", registration_group="3H", site="upper")
    y5 = make_pupil(BOTHAL, forename="Five", year_group="Y5", registration_group="5B", site="lower")
    there = make_pupil(CENTRAL, forename="There")
    for p in (y3, y5, there):
        add_marks(p, term_of(cal, "II/\\"))  # 50%: severe
    as_of = date(2025, 9, 30)
    assert {e.row.forename for e in service.overview(head, as_of).lists["severe_absence"]} == {"Three", "Five"}
    by_year = service.overview(head, as_of, year_group="Y3")
    assert [e.row.forename for e in by_year.lists["severe_absence"]] == ["Three"]
    assert by_year.figures[0].enrolments == 1 and by_year.figures[0].label.endswith("Year group Y3")
    by_class = service.overview(head, as_of, registration_group="5B")
    assert [e.row.forename for e in by_class.lists["severe_absence"]] == ["Five"]
    upper = next(s for s in y3.school.sites if s.slug == "upper")
    assert [r.forename for r in service.overview(head, as_of, site_id=upper.id).rows] == ["Three"]
    with pytest.raises(NotFound):
        service.overview(head, as_of, school_urn=CENTRAL)
    central_site = next(s for s in there.school.sites)
    with pytest.raises(NotFound):
        service.overview(head, as_of, site_id=central_site.id)
    teacher = make_staff("teacher@central.example", "teacher", CENTRAL)
    seen = service.overview(teacher, as_of)
    assert [r.forename for r in seen.rows] == ["There"]
    assert [f.label for f in seen.figures] == ["Central Primary School"]


def test_each_list_exports_to_csv_with_a_header_and_one_row_per_pupil(bothal):
    head, cal = bothal
    sam = make_pupil(BOTHAL, forename="=cmd|' /C calc'!A0", surname="Taylor")
    marks = term_of(cal, "OO/\\")
    add_marks(sam, marks)
    result = service.overview(head, date(2025, 9, 30))
    text = service.list_csv(result, "severe_absence")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == service.CSV_COLUMNS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row["upn"] == sam.upn and row["forename"].startswith("'=")  # never a formula in a spreadsheet
    assert (row["absence_pct"], row["days_missed"], row["band"], row["tier"]) == ("50.0", "1.0", "severe", "2")
    assert row["since"] == marks[0][0].isoformat() and "Severe absence is 50%" in row["detail"]
    empty = list(csv.reader(io.StringIO(service.list_csv(result, "sickness_15"))))
    assert empty == [list(service.CSV_COLUMNS)]
    with pytest.raises(NotFound):
        service.list_csv(result, "no_such_list")


def test_later_features_add_their_lists_through_the_named_hook(bothal, monkeypatch):
    head, cal = bothal
    sam = make_pupil(BOTHAL, forename="Sam")
    add_marks(sam, term_of(cal, "/\\"))
    monkeypatch.setattr(service, "_EXTRA_LISTS", {})
    kind = service.ListKind(service.SUPPORT_PLANS_DUE_FOR_REVIEW, "Support plans due for review", "Review them.")
    review_on = date(2025, 9, 29)
    service.register_list(kind, lambda overview: [service.Entry(overview.row_for(sam.id), review_on, "Review due")])
    result = service.overview(head, date(2025, 9, 30))
    assert kind in result.kinds and service.list_kind(kind.key) == kind
    assert [(e.row.forename, e.since) for e in result.lists[kind.key]] == [("Sam", review_on)]
    rows = list(csv.DictReader(io.StringIO(service.list_csv(result, kind.key))))
    assert [(r["forename"], r["since"], r["detail"]) for r in rows] == [("Sam", "2025-09-29", "Review due")]
    with pytest.raises(ValueError):
        service.register_list(service.ListKind("at_risk", "Again", ""), lambda overview: [])


def test_a_pupil_who_has_left_is_in_the_figures_but_on_no_list(bothal):
    head, cal = bothal
    gone = make_pupil(BOTHAL, forename="Gone", leaving_date=date(2025, 9, 10))
    add_marks(gone, term_of(cal, "OOOO/\\"))
    result = service.overview(head, date(2025, 9, 30))
    assert all(not entries for entries in result.lists.values())
    assert result.figures[0].enrolments == 1 and result.figures[0].persistent == 1
    assert result.as_of - result.year_start == timedelta(days=29)


def test_the_sums_the_database_makes_equal_the_domain_rules_school_by_school(app, demo_trust):
    from portal.models import Pupil, School
    from portal.services import pupil_figures
    from portal.extensions import db

    with app.app_context():
        head = make_staff("head@alp.example", "headteacher", trust="alp")
        schools = {s.id: s for s in db.session.scalars(db.select(School))}
        assert len(schools) >= 2
        for narrowed in ({}, {"year_group": "Y4"}):
            result = service.overview(head, TODAY, **narrowed)
            pupils = [p for p in db.session.scalars(db.select(Pupil)) if p.admission_date <= TODAY
                      and (p.leaving_date is None or p.leaving_date >= YEAR_START)
                      and p.year_group == narrowed.get("year_group", p.year_group)]
            worked_out = pupil_figures.compute(pupils, schools, TODAY)  # the domain's summaries, from the marks
            expected = [service.figures(f.label, [worked_out[p.id].summary for p in pupils if p.school_id == school.id])
                        for school, f in zip(result.schools, result.figures)]
            expected.append(service.figures(result.figures[-1].label, [w.summary for w in worked_out.values()]))
            assert result.figures == expected
            assert all(f.enrolments for f in result.figures) and result.figures[-1].persistent
            # Row objects only for the pupils on the lists, not for every enrolment.
            on_lists = {e.row.pupil_id for entries in result.lists.values() for e in entries}
            assert {r.pupil_id for r in result.listed} == on_lists and len(result.listed) < len(pupils)
