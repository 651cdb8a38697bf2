"""`import pupils`: the pupil list from the MIS, matched by UPN."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.clock import school_today
from portal.domain import enrolments as enrolments_rules
from portal.domain.enrolments import Stay
from portal.domain.rows import parse_date, parse_flag, parse_upn
from portal.domain.year_groups import read_year_group
from portal.extensions import db
from portal.models import Enrolment, Pupil, School
from portal.services.imports.common import (
    Columns,
    CsvFile,
    ImportResult,
    Progress,
    check_rows,
    field_getter,
    finish,
    in_one_transaction,
    too_long,
)

FIELDS = ("school_id", "site_id", "legal_forename", "legal_surname", "preferred_forename", "date_of_birth",
          "year_group", "registration_group", "admission_date", "leaving_date", "vulnerable", "health_need")


def import_pupils(path: str | Path, actor: str, skip_invalid: bool = False, rejected_path: Path | None = None,
                  progress: Progress | None = None, today: date | None = None, columns: Columns | None = None,
                  school_urn: str | None = None) -> ImportResult:
    """`columns`: the school's own headings (domain.mis_columns); `school_urn`: for a file without that column."""
    today = today or school_today()
    csv_file = CsvFile(path, "pupils", columns, {"school_urn": school_urn or ""})
    result = ImportResult("pupils", problems=csv_file.check_header())
    if result.problems:
        finish(result, csv_file, [], skip_invalid, rejected_path)
    schools = {s.urn: s for s in db.session.scalars(select(School))}
    get = field_getter(csv_file.index())
    seen: dict[tuple, int] = {}

    def check(line, fields):
        values, problems = _check_row(get, fields, schools, today)
        # A pupil may have a row at each school of the trust (a move, dual registration), one at each.
        key = (values.get("upn"), values.get("school_id"))
        if key[0] and key in seen:
            problems.append(f"UPN {key[0]} is also on line {seen[key]}: keep one row per pupil (and school)")
        elif key[0]:
            seen[key] = line
        return values, problems

    good, bad = check_rows(csv_file, result, check, progress)
    finish(result, csv_file, bad, skip_invalid, rejected_path)
    return in_one_transaction(actor, csv_file, result, lambda: _apply(good, result))


def _check_row(get, fields, schools, today) -> tuple[dict, list[str]]:
    problems: list[str] = []
    values: dict = {}

    def need(name: str) -> str:
        value = get(fields, name)
        if not value:
            problems.append(f"{name} is empty")
        return value

    raw_upn = need("upn")
    if raw_upn:
        values["upn"], problem = parse_upn(raw_upn)
        problems += [problem] if problem else []
    urn = need("school_urn")
    school = schools.get(urn)
    if urn and school is None:
        problems.append(f"school_urn {urn} is not a loaded school: load its trust's policy first")
    values["school_id"] = school.id if school else None
    for name in ("legal_forename", "legal_surname", "registration_group"):
        values[name] = need(name)
    values["preferred_forename"] = get(fields, "preferred_forename")
    year_group = need("year_group")
    if year_group:
        values["year_group"], problem = read_year_group(year_group)
        problems += [problem] if problem else []
    for name in ("date_of_birth", "admission_date"):
        text = need(name)
        if text:
            values[name], problem = parse_date(text, name)
            problems += [problem] if problem else []
    values["leaving_date"] = None
    if text := get(fields, "leaving_date"):
        values["leaving_date"], problem = parse_date(text, "leaving_date")
        problems += [problem] if problem else []
    dob, admitted, left = values.get("date_of_birth"), values.get("admission_date"), values["leaving_date"]
    if dob and not (date(today.year - 20, 1, 1) <= dob <= today):
        problems.append(f"date_of_birth {dob} is not a plausible date of birth for a pupil")
    if dob and admitted and admitted < dob:
        problems.append(f"admission_date {admitted} is before the date of birth")
    if admitted and left and left < admitted:
        problems.append(f"leaving_date {left} is before the admission date {admitted}")
    problems += too_long(values, {"legal_forename": "legal_forename", "legal_surname": "legal_surname",
                                  "preferred_forename": "preferred_forename",
                                  "registration_group": "registration_group"}, Pupil)
    values["site_id"] = _site_id(get(fields, "site"), school, problems)
    values["vulnerable"], problem = parse_flag(get(fields, "vulnerable"), "vulnerable")
    problems += [problem] if problem else []
    values["health_need"], problem = parse_flag(get(fields, "health_need"), "health_need")
    problems += [problem] if problem else []
    return values, problems


def _site_id(text: str, school: School | None, problems: list[str]) -> int | None:
    if school is None:
        return None
    if not text:
        if len(school.sites) == 1:
            return school.sites[0].id
        problems.append(f"site is empty; {school.name} has sites: {', '.join(s.slug for s in school.sites)}")
        return None
    for site in school.sites:
        if text.lower() in (site.slug, site.name.lower()):
            return site.id
    problems.append(f"site {text!r} is not a site of {school.name}: use one of "
                    f"{', '.join(s.slug for s in school.sites)}")
    return None


def _apply(rows: list[dict], result: ImportResult) -> None:
    """Each row is the pupil's enrolment at its school: added or updated, never moving the pupil's other
    enrolments. The pupil's own fields follow the current enrolment (domain.enrolments.current), so the schools'
    files give the same result in any order: a row for an enrolment that is not current changes only it."""
    existing = {p.upn: p for p in db.session.scalars(select(Pupil))}
    held: dict[str, list[Enrolment]] = {}
    for upn, enrolment in db.session.execute(select(Pupil.upn, Enrolment).join(Enrolment.pupil)):
        held.setdefault(upn, []).append(enrolment)
    touched = []
    for row in rows:
        pupil = existing.get(row["upn"])
        new = pupil is None
        if new:
            pupil = existing[row["upn"]] = Pupil(upn=row["upn"], **{k: row[k] for k in FIELDS})
            db.session.add(pupil)
        enrolments = held.setdefault(row["upn"], [])
        if not enrolments and not new:  # made before enrolments were kept: its own school is its enrolment
            enrolments.append(_added(Enrolment(pupil=pupil, school_id=pupil.school_id,
                                               admission_date=pupil.admission_date, leaving_date=pupil.leaving_date)))
        changed = _enrol(pupil, enrolments, row)
        now = enrolments_rules.current(_stays(enrolments))
        is_current = now == Stay(row["school_id"], row["admission_date"], row["leaving_date"])
        if new:
            result.added += 1
        elif is_current and any(getattr(pupil, k) != row[k] for k in FIELDS):
            result.school_ids.add(pupil.school_id)  # the school the pupil leaves has news too
            for k in FIELDS:
                setattr(pupil, k, row[k])
            result.updated += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
        result.school_ids.add(row["school_id"])
        touched.append(pupil)
    db.session.flush()
    result.pupil_ids = {p.id for p in touched}


def _added(enrolment: Enrolment) -> Enrolment:
    db.session.add(enrolment)
    return enrolment


def _stays(enrolments: list[Enrolment]) -> list[Stay]:
    return [Stay(e.school_id, e.admission_date, e.leaving_date) for e in enrolments]


def _enrol(pupil: Pupil, enrolments: list[Enrolment], row: dict) -> bool:
    """Add or update the enrolment the row stands for; True if that changed anything."""
    stays = _stays(enrolments)
    match = enrolments_rules.matching(stays, row["school_id"], row["admission_date"])
    if match is None:
        enrolments.append(_added(Enrolment(pupil=pupil, school_id=row["school_id"],
                                           admission_date=row["admission_date"], leaving_date=row["leaving_date"])))
        return True
    enrolment = enrolments[stays.index(match)]
    if (enrolment.admission_date, enrolment.leaving_date) == (row["admission_date"], row["leaving_date"]):
        return False
    enrolment.admission_date, enrolment.leaving_date = row["admission_date"], row["leaving_date"]
    return True
