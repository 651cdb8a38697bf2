"""`import pupils`: the pupil list from the MIS, matched by UPN."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.clock import school_today
from portal.domain.rows import parse_date, parse_flag, parse_upn
from portal.extensions import db
from portal.models import Pupil, School
from portal.services.imports.common import (
    CsvFile,
    ImportResult,
    Progress,
    check_rows,
    field_getter,
    finish,
    in_one_transaction,
)

REQUIRED = ("upn", "school_urn", "legal_forename", "legal_surname", "date_of_birth", "year_group",
            "registration_group", "admission_date")
OPTIONAL = ("preferred_forename", "site", "leaving_date", "vulnerable", "health_need")
YEAR_GROUP = re.compile(r"(N1|N2|R|Y([1-9]|1[0-4]))")
FIELDS = ("school_id", "site_id", "legal_forename", "legal_surname", "preferred_forename", "date_of_birth",
          "year_group", "registration_group", "admission_date", "leaving_date", "vulnerable", "health_need")


def import_pupils(path: str | Path, actor: str, skip_invalid: bool = False, rejected_path: Path | None = None,
                  progress: Progress | None = None, today: date | None = None) -> ImportResult:
    today = today or school_today()
    csv_file = CsvFile(path, REQUIRED, OPTIONAL)
    result = ImportResult("pupils", problems=csv_file.check_header())
    if result.problems:
        finish(result, csv_file, [], skip_invalid, rejected_path)
    schools = {s.urn: s for s in db.session.scalars(select(School))}
    get = field_getter(csv_file.index())
    seen: dict[str, int] = {}

    def check(line, fields):
        values, problems = _check_row(get, fields, schools, today)
        upn = values.get("upn")
        if upn and upn in seen:
            problems.append(f"UPN {upn} is also on line {seen[upn]}: keep one row per pupil")
        elif upn:
            seen[upn] = line
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
    year_group = need("year_group").upper()
    if year_group.isdigit():
        year_group = f"Y{int(year_group)}"  # MIS exports often write "3" for Year 3
    if year_group and not YEAR_GROUP.fullmatch(year_group):
        problems.append(f"year_group {year_group!r} should be N1, N2, R or Y1 to Y14")
    values["year_group"] = year_group
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
    existing = {p.upn: p for p in db.session.scalars(select(Pupil))}
    for row in rows:
        pupil = existing.get(row["upn"])
        if pupil is None:
            db.session.add(Pupil(upn=row["upn"], **{k: row[k] for k in FIELDS}))
            result.added += 1
        elif any(getattr(pupil, k) != row[k] for k in FIELDS):
            for k in FIELDS:
                setattr(pupil, k, row[k])
            result.updated += 1
        else:
            result.unchanged += 1
