"""The demo trust: what a person trying the portal (or reading the sample CSVs) would notice if it were wrong."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from stdnum.gb import upn as stdnum_upn

from portal.domain import codes
from portal.domain.attendance import pct, summarise
from portal.domain.marks import Mark
from portal.extensions import db
from portal.models import Mark as MarkRow
from portal.models import ParentAccount, Pupil
from portal import demo
from portal.services import imports
from portal.services.policies import load_policy_file, read_policy_file

from conftest import EXAMPLES

TODAY = date(2026, 3, 10)  # a Tuesday in the spring term of 2025-26
# The sample CSVs in examples/ (README, importer tests) are this generator's output for these arguments.
SAMPLE = dict(pupils=12, seed=25, today=date(2025, 10, 17))
REGENERATE = ("/tmp/venv/bin/python -c \"from datetime import date; from portal.demo import write_csvs; "
              "from portal.services.policies import read_policy_file; "
              "write_csvs('examples', read_policy_file('examples/alp.toml')[0], pupils=12, seed=25, "
              "today=date(2025, 10, 17))\"")


def policy_of(name: str):
    policy, problems = read_policy_file(EXAMPLES / name)
    assert policy is not None, problems
    return policy


@pytest.fixture(scope="module")
def alp():
    return policy_of("alp.toml")


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def trust_files(alp, tmp_path_factory):
    """The default demo (600 pupils) as of TODAY, written once for the module."""
    folder = tmp_path_factory.mktemp("demo")
    files = demo.write_csvs(folder, alp, pupils=600, seed=2026, today=TODAY)
    return files, read(files.pupils), read(files.contacts), read(files.marks)


def test_the_same_seed_gives_byte_identical_files_and_another_seed_different_ones(alp, tmp_path):
    first = demo.write_csvs(tmp_path / "a", alp, pupils=80, seed=7, today=TODAY)
    again = demo.write_csvs(tmp_path / "b", alp, pupils=80, seed=7, today=TODAY)
    other = demo.write_csvs(tmp_path / "c", alp, pupils=80, seed=8, today=TODAY)
    for a, b, c in zip(first, again, other):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.read_bytes() != c.read_bytes(), a.name


def test_running_the_demo_again_later_in_the_year_keeps_the_same_pupils_and_contacts(alp):
    # `make run` on another day must not fill the database with a second school of strangers.
    earlier = demo.generate(alp, 300, seed=5, today=date(2025, 10, 1))
    later = demo.generate(alp, 300, seed=5, today=TODAY)
    names = lambda trust: {(p.upn, p.legal_forename, p.legal_surname, p.registration_group)  # noqa: E731
                           for p in trust.pupils}
    assert names(earlier) == names(later)
    assert list(earlier.contact_rows()) == list(later.contact_rows())
    # Only those who joined or left between the two dates differ, and only in those dates.
    changed = {p.upn for p in later.pupils} - {p.upn for p, q in zip(
        sorted(earlier.pupils, key=lambda p: p.upn), sorted(later.pupils, key=lambda p: p.upn))
        if (p.admission_date, p.leaving_date) == (q.admission_date, q.leaving_date)}
    assert 0 < len(changed) < 0.05 * 300


def test_the_files_have_the_documented_headers(trust_files):
    files = trust_files[0]
    headers = [path.read_text(encoding="utf-8").splitlines()[0] for path in files]
    assert headers == [
        "upn,school_urn,legal_forename,legal_surname,preferred_forename,date_of_birth,year_group,"
        "registration_group,site,admission_date,leaving_date,vulnerable,health_need",
        "upn,contact_name,relationship,email,phone,parental_responsibility,lives_with_pupil,priority,"
        "preferred_language",
        "upn,date,session,code,minutes_late,comment,recorded_at",
    ]


def test_the_marks_file_is_what_csv_writer_writes_for_the_mark_rows(alp):
    trust = demo.generate(alp, 40, seed=3, today=TODAY)
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(trust.mark_rows())
    assert "".join(trust.mark_csv()) == expected.getvalue()
    assert '"' in expected.getvalue()  # some comments hold a comma ("Hand, foot and mouth"), so quoting is tested


def test_every_upn_is_valid_unique_and_starts_with_the_schools_la_number(trust_files):
    _, pupils, _, _ = trust_files
    upns = [p["upn"] for p in pupils]
    assert len(upns) == 600 and len(set(upns)) == 600
    assert all(stdnum_upn.is_valid(u) for u in upns)
    assert {u[1:4] for u in upns} == {"929"}  # Northumberland
    rise_park = demo.generate(policy_of("rise-park.toml"), 50, seed=1, today=TODAY)
    assert {p.upn[1:4] for p in rise_park.pupils} == {"892"}  # Nottingham
    assert all(stdnum_upn.is_valid(p.upn) for p in rise_park.pupils)


def test_a_large_trust_still_gets_unique_upns(alp):
    # Over 999 pupils starting school in the same year at one school need a second issuing number.
    trust = demo.generate(alp, 6000, seed=1, today=date(2025, 9, 30))
    upns = [p.upn for p in trust.pupils]
    assert len(set(upns)) == 6000 and all(stdnum_upn.is_valid(u) for u in upns)


def test_pupils_fill_every_year_group_class_and_site_of_both_schools(trust_files, alp):
    _, pupils, _, _ = trust_files
    by_school = Counter(p["school_urn"] for p in pupils)
    assert set(by_school) == {s.urn for s in alp.schools}
    assert min(by_school.values()) > 200
    assert {p["year_group"] for p in pupils} == {"N1", "N2", "R", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6"}
    assert {p["site"] for p in pupils} == {"upper", "lower"}
    assert {p["site"] for p in pupils if p["year_group"] in ("N1", "N2", "R")} == {"lower"}
    assert {p["site"] for p in pupils if p["year_group"] == "Y6"} == {"upper"}
    classes = Counter((p["school_urn"], p["registration_group"]) for p in pupils)
    assert max(classes.values()) <= 30
    assert "3" in {name[0] for _, name in classes}  # "3H" style at one school
    assert {"Oak", "Ash", "Willow", "Rowan", "Hazel", "Birch"} & {name for _, name in classes}  # trees at the other
    for p in pupils:  # ages fit the year group: a Year 3 pupil was 7 on 31 August 2025
        age = 2025 - int(p["date_of_birth"][:4]) - (p["date_of_birth"][5:] > "08-31")
        assert age == demo.AGE_AT_START[p["year_group"]], p
        assert p["admission_date"] <= TODAY.isoformat()
        assert p["legal_forename"] and p["legal_surname"]
    assert len({(p["legal_forename"], p["legal_surname"]) for p in pupils}) > 500  # varied names
    vulnerable = sum(p["vulnerable"] == "Y" for p in pupils)
    assert 5 <= vulnerable <= 40  # about 3%


def test_contacts_are_fictional_and_parents_hold_parental_responsibility(trust_files):
    _, pupils, contacts, _ = trust_files
    per_pupil = Counter(c["upn"] for c in contacts)
    assert set(per_pupil) == {p["upn"] for p in pupils}
    assert set(per_pupil.values()) <= {1, 2, 3}
    for c in contacts:
        assert c["email"] == "" or c["email"].endswith("@example.com"), c
        assert c["phone"].startswith("07700 900") and len(c["phone"]) == 12, c
        assert c["relationship"] in ("Mother", "Father", "Carer", "Grandparent")
        if c["relationship"] in ("Mother", "Father"):
            assert c["parental_responsibility"] == "Y"
    assert sum(c["email"] != "" for c in contacts) > 0.9 * len(contacts)
    names = Counter((c["upn"], c["contact_name"]) for c in contacts)
    assert max(names.values()) == 1  # a contact's name is unique per pupil, as the import requires


def test_siblings_share_their_parents_contacts(trust_files):
    _, pupils, contacts, _ = trust_files
    emails = defaultdict(set)
    for c in contacts:
        if c["email"]:
            emails[c["upn"]].add(c["email"])
    children_of = defaultdict(set)
    for upn, addresses in emails.items():
        for address in addresses:
            children_of[address].add(upn)
    shared = {address: kids for address, kids in children_of.items() if len(kids) > 1}
    assert shared
    assert max(len(kids) for kids in shared.values()) in (2, 3)
    for kids in shared.values():  # brothers and sisters have the same contacts, not just one in common
        assert len({frozenset(emails[k]) for k in kids}) == 1
    families = {frozenset(addresses) for addresses in emails.values()}
    with_siblings = {f for f in families if len(children_of[next(iter(sorted(f)))]) > 1}
    assert 0.15 <= len(with_siblings) / len(families) <= 0.45  # about 30% of families


def test_every_mark_is_a_2024_code_on_a_session_of_the_pupils_school(trust_files, alp):
    _, pupils, _, marks = trust_files
    pupil = {p["upn"]: p for p in pupils}
    calendars = {s.urn: s.calendar for s in alp.schools}
    seen = set()
    for m in marks:
        assert codes.check_code(m["code"]) is None, m
        p = pupil[m["upn"]]
        day = date.fromisoformat(m["date"])
        assert m["session"] in calendars[p["school_urn"]].sessions_on(day), m
        assert p["admission_date"] <= m["date"] <= (p["leaving_date"] or TODAY.isoformat()), m
        assert (m["upn"], m["date"], m["session"]) not in seen
        seen.add((m["upn"], m["date"], m["session"]))
        assert m["recorded_at"].startswith(f"{m['date']}T{'09:35' if m['session'] == 'AM' else '13:45'}")
    first_day = min(calendars[u].school_days(date(2025, 9, 1), TODAY)[0] for u in calendars)
    assert min(m["date"] for m in marks) == first_day.isoformat()
    # Every session from admission to today has a mark, but this afternoon's register is not taken yet.
    assert not [m for m in marks if m["date"] == TODAY.isoformat() and m["session"] == "PM"]
    on_roll_today = [p for p in pupils if not p["leaving_date"]]
    assert sum(m["date"] == TODAY.isoformat() for m in marks) == len(on_roll_today)


def summaries(pupils, marks, bands):
    by_upn = defaultdict(list)
    for m in marks:
        by_upn[m["upn"]].append(Mark(date.fromisoformat(m["date"]), m["session"], m["code"]))
    return [summarise(by_upn[p["upn"]], bands=bands) for p in pupils if by_upn[p["upn"]]]


def test_the_spread_is_believable(trust_files, alp):
    _, pupils, _, marks = trust_files
    results = [s for s in summaries(pupils, marks, alp.bands) if s.possible]
    share_95 = sum(s.attendance >= pct(95) for s in results) / len(results)
    persistent = sum(s.persistent_absence for s in results) / len(results)
    severe = sum(s.severe_absence for s in results)
    assert share_95 >= 0.60  # most pupils at or above 95%
    assert 0.10 <= persistent <= 0.25  # about one in six persistently absent
    assert 1 <= severe <= 0.04 * len(results)  # a few severely
    assert sum(s.attendance == 1 for s in results) < 0.5 * len(results)  # not a register of perfect attenders
    # ...and the service's own count agrees with the domain's, read from the file.
    spread = demo.spread(demo.read_mark_rows(trust_files[0].marks), alp.bands, TODAY)
    assert spread.persistent == sum(s.persistent_absence for s in results)
    assert spread.at_or_above_95 == sum(s.attendance >= pct(95) for s in results)


def test_todays_register_has_unexplained_absences_for_the_first_day_contact_list(trust_files):
    _, pupils, _, marks = trust_files
    today_n = [m for m in marks if m["date"] == TODAY.isoformat() and m["code"] == "N"]
    assert 0.02 * len(pupils) <= len(today_n) <= 0.06 * len(pupils)  # about 3%
    assert all(m["comment"] == "" for m in today_n)
    # Older N marks are mostly recoded: only a handful are left overdue (more than 5 school days old).
    overdue = [m for m in marks if m["code"] == "N" and m["date"] < (TODAY - timedelta(days=10)).isoformat()]
    assert 0 < len(overdue) < 0.01 * len(marks)


def test_illness_peaks_in_winter_and_absences_look_like_real_ones(trust_files, alp):
    _, pupils, _, marks = trust_files
    by_month = Counter(m["date"][:7] for m in marks)
    illness = Counter(m["date"][:7] for m in marks if m["code"] == "I")
    winter = sum(illness[k] for k in ("2025-11", "2025-12", "2026-01", "2026-02")) / sum(
        by_month[k] for k in ("2025-11", "2025-12", "2026-01", "2026-02"))
    autumn = (illness["2025-09"] + illness["2025-10"]) / (by_month["2025-09"] + by_month["2025-10"])
    assert winter > 1.5 * autumn
    found = Counter(m["code"] for m in marks)
    for code in ("/", "\\", "I", "M", "L", "U", "G", "O", "N", "V", "X"):
        assert found[code], code
    assert found["/"] + found["\\"] > 0.8 * len(marks)
    # Lateness: L within the register window (minutes after late-from), U after the register closed.
    site_times = {(s.urn, site.slug): site for s in alp.schools for site in s.sites}
    pupil = {p["upn"]: p for p in pupils}
    for m in marks:
        if m["code"] in ("L", "U"):
            times = site_times[(pupil[m["upn"]]["school_urn"], pupil[m["upn"]]["site"])].times(m["session"])
            window = times.register_open_minutes
            minutes = int(m["minutes_late"])
            assert (0 <= minutes <= window) if m["code"] == "L" else (minutes > window), m
        else:
            assert m["minutes_late"] == "", m
    # Term-time holidays: runs of several school days of G, the whole family together.
    g_days = defaultdict(set)
    for m in marks:
        if m["code"] == "G":
            g_days[m["upn"]].add(m["date"])
    assert max(len(days) for days in g_days.values()) >= 3
    # Part-time nursery places: afternoons are X, and only for nursery pupils.
    assert {pupil[m["upn"]]["year_group"] for m in marks if m["code"] == "X"} <= {"N1", "N2"}


def test_the_sample_csvs_in_examples_are_the_generators_output(alp, tmp_path):
    files = demo.write_csvs(tmp_path, alp, **SAMPLE)
    for made in files:
        shipped = EXAMPLES / made.name
        assert shipped.read_bytes() == made.read_bytes(), f"examples/{made.name} is stale; run {REGENERATE}"
        assert shipped.stat().st_size < 60_000


def test_the_sample_csvs_import_cleanly(app_ctx):
    load_policy_file(EXAMPLES / "alp.toml", actor="test")
    today = SAMPLE["today"]
    assert imports.import_pupils(EXAMPLES / "pupils.csv", actor="test", today=today).added == 12
    assert imports.import_contacts(EXAMPLES / "contacts.csv", actor="test").rejected == 0
    marks = imports.import_marks(EXAMPLES / "marks.csv", actor="test")
    assert marks.added == marks.rows > 500


def test_the_demo_command_loads_the_policy_pupils_contacts_and_marks(runner, app):
    result = runner.invoke(args=["demo", "--pupils", "60", "--seed", "1", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Ashington Learning Partnership" in result.output
    assert "persistently absent" in result.output and "first-day contact list" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pupil)) == 60
        marks = db.session.scalar(select(func.count()).select_from(MarkRow))
        assert marks > 60 * 200  # about 250 sessions each so far this year
        assert db.session.scalar(select(func.count()).select_from(MarkRow).where(
            MarkRow.date == TODAY, MarkRow.code == "N")) >= 1
        accounts = db.session.scalars(select(ParentAccount)).all()
        assert max(len(a.children) for a in accounts) >= 2  # one sign-in reaches brothers and sisters
    again = runner.invoke(args=["demo", "--pupils", "60", "--seed", "1", "--today", TODAY.isoformat()])
    assert again.exit_code == 0, again.output
    assert "0 added" in again.output and "60 unchanged" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MarkRow)) == marks


def test_the_demo_command_keeps_the_csvs_when_asked(runner, tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(args=["demo", "--pupils", "20", "--today", TODAY.isoformat(), "--out", str(out),
                                 "--policy", str(EXAMPLES / "rise-park.toml")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["contacts.csv", "marks.csv", "pupils.csv"]
    assert {row["site"] for row in read(out / "pupils.csv")} == {"main"}
    assert "Rise Park Primary and Nursery School (122580): 20 pupils" in result.output


def test_a_date_outside_the_calendar_is_refused_with_the_range(runner):
    result = runner.invoke(args=["demo", "--today", "2030-03-10"])
    assert result.exit_code != 0
    assert "runs from 2025-09-02 to 2027-07-19" in result.output
