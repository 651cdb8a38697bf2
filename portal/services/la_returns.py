"""Statutory returns to the local authority, built from the register, for one school and a date range.

Each return lists the pupils a local authority asks for (domain.md §6; rules in portal.domain.follow_up):

- continuous_absence: 10 or more continuous school days of unauthorised absence (G, N, O, U) in the range;
- sickness: pupils of compulsory school age with illness (I) in the range whose illness this school year has
  reached the policy's 15 days, or who staff expect to reach it (`expected_further_days`, confirmed by a person);
- part_time: pupils on a part-time timetable (sessions coded C2) in the range;
- deletion_consideration: 20 continuous school days of G, N or O only (deletion ground (i)): the other conditions
  are left to people, and the return says so;
- admissions and deletions: pupils admitted, or whose name left the roll, in the range (from the imports).

The preview is for reading; each download (CSV or PDF) is audited with the range and who exported it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.age import is_compulsory_school_age
from portal.domain.deletion import DECISIONS
from portal.domain.follow_up import DELETION_CONDITIONS, deletion_consideration, la_absence_return, sickness_flag
from portal.domain.marks import Mark as DomainMark
from portal.domain.part_time import expected_days_problem
from portal.domain.support_plan import clean_text, long_date
from portal.extensions import db
from portal.models import Mark, Pupil, School, SicknessExpectation, StaffUser
from portal.services import NotFound, ServiceError
from portal.services.attendance import school_year_of
from portal.services.audit_writer import record
from portal.services.pdf import html_to_pdf
from portal.services.legal_pathway import legal_schools
from portal.services.deletions import checks_of
from portal.services.part_time_timetables import timetables_of
from portal.services.policies import school_policy, trust_policy

KINDS = {
    "continuous_absence": "10 continuous school days of unauthorised absence",
    "sickness": "Sickness: illness expected to reach 15 days",
    "part_time": "Part-time timetables (C2)",
    "deletion_consideration": "20 continuous school days of G, N or O (deletion ground (i))",
    "admissions": "New pupils admitted",
    "deletions": "Pupils whose names left the roll",
}
COLUMNS = ("upn", "legal_surname", "legal_forename", "date_of_birth", "year_group", "registration_group", "from",
           "to", "days", "detail")
MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class ReturnRow:
    pupil: Pupil
    start: date | None
    end: date | None
    days: str
    detail: str

    def as_csv(self) -> list[str]:
        p = self.pupil
        return [p.upn, p.legal_surname, p.legal_forename, p.date_of_birth.isoformat(), p.year_group,
                p.registration_group, self.start.isoformat() if self.start else "",
                self.end.isoformat() if self.end else "", self.days, self.detail]


@dataclass
class LAReturn:
    school: School
    kind: str
    start: date
    end: date
    rows: list[ReturnRow]

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    @property
    def note(self) -> str:
        if self.kind == "deletion_consideration":
            return ("Only the first condition of ground (i) is worked out from the register. Before a deletion, "
                    "people must also establish: " + "; and ".join(DELETION_CONDITIONS) + ".")
        if self.kind == "sickness":
            return ("Pupils of compulsory school age only. Expected further days are a person's judgement, "
                    "confirmed on the pupil's pathway page.")
        return ""


def _school(staff: StaffUser, urn: str) -> School:
    school = next((s for s in legal_schools(staff) if s.urn == (urn or "").strip()), None)
    if school is None:
        raise NotFound(f"no school with URN {urn} among the schools where you may make returns")
    return school


def _marks(pupil_ids: list[int], start: date, end: date) -> dict[int, list[DomainMark]]:
    found: dict[int, list[DomainMark]] = {}
    if not pupil_ids:
        return found
    rows = db.session.execute(select(Mark.pupil_id, Mark.date, Mark.session, Mark.code, Mark.minutes_late)
                              .where(Mark.pupil_id.in_(pupil_ids), Mark.date >= start, Mark.date <= end)
                              .order_by(Mark.pupil_id, Mark.date, Mark.session))
    for r in rows:
        found.setdefault(r.pupil_id, []).append(DomainMark(r.date, r.session, r.code, r.minutes_late))
    return found


def confirm_sickness(staff: StaffUser, pupil_id: int, further_days: int | None, note: str, today: date,
                     now: datetime | None = None) -> SicknessExpectation:
    """Staff confirm how many more school days of illness they reasonably expect (the sickness return's test)."""
    from portal.services.legal_pathway import pupil_for_legal

    pupil = pupil_for_legal(staff, pupil_id)
    problem = expected_days_problem(further_days)
    if problem:
        raise ServiceError(problem)
    found = SicknessExpectation(pupil_id=pupil.id, school_id=pupil.school_id, expected_further_days=further_days,
                                confirmed_on=today, note=clean_text(note or "")[:2000], staff_id=staff.id,
                                recorded_at=now or utcnow())
    db.session.add(found)
    db.session.flush()
    record(f"staff:{staff.id}", "sickness.expectation", found, after={
        "pupil": pupil.upn, "expected_further_days": further_days, "note": found.note})
    db.session.commit()
    return found


def expectations(school_id: int, year_start: date, end: date) -> dict[int, int]:
    """Each pupil's latest confirmed expectation this school year, up to `end`."""
    rows = db.session.scalars(select(SicknessExpectation).where(
        SicknessExpectation.school_id == school_id, SicknessExpectation.confirmed_on >= year_start,
        SicknessExpectation.confirmed_on <= end).order_by(SicknessExpectation.id))
    return {row.pupil_id: row.expected_further_days for row in rows}


def build(staff: StaffUser, urn: str, kind: str, start: date | None, end: date | None,
          expected: dict[int, int] | None = None) -> LAReturn:
    if kind not in KINDS:
        raise ServiceError(f"Choose a return: {', '.join(KINDS.values())}")
    if start is None or end is None:
        raise ServiceError("Enter the first and last day of the return's period")
    if end < start:
        raise ServiceError("The period ends before it starts")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ServiceError(f"A return covers at most {MAX_RANGE_DAYS} days: choose a shorter period")
    school = _school(staff, urn)
    policy = trust_policy(school.trust)
    _, spec = school_policy(school.urn)
    pupils = db.session.scalars(select(Pupil).where(Pupil.school_id == school.id)
                                .order_by(Pupil.legal_surname, Pupil.legal_forename)).all()
    rows: list[ReturnRow] = []
    if kind == "admissions":
        rows = [ReturnRow(p, p.admission_date, None, "", "Admitted") for p in pupils
                if start <= p.admission_date <= end]
    elif kind == "deletions":
        rows = [ReturnRow(p, None, p.leaving_date, "", "Name removed from the admission register") for p in pupils
                if p.leaving_date and start <= p.leaving_date <= end]
    else:
        on_roll = [p for p in pupils if p.admission_date <= end and (p.leaving_date is None or p.leaving_date >= start)]
        year_start = school_year_of(end)[0]
        if expected is None:
            expected = expectations(school.id, year_start, end)
        marks = _marks([p.id for p in on_roll], min(start, year_start), end)
        for pupil in on_roll:
            rows.extend(_rows(kind, pupil, marks.get(pupil.id, []), start, end, year_start, spec.calendar,
                              policy.follow_up, (expected or {}).get(pupil.id, 0)))
    return LAReturn(school, kind, start, end, rows)


def _rows(kind, pupil, marks, start, end, year_start, calendar, follow_up, expected_further) -> list[ReturnRow]:
    in_range = [m for m in marks if start <= m.date <= end]
    if kind == "continuous_absence":
        return [ReturnRow(pupil, run.start, run.end, str(run.days), f"{run.sessions} sessions")
                for run in la_absence_return(in_range, calendar, follow_up)]
    if kind == "deletion_consideration":
        decided = [c for c in checks_of(pupil.id) if c.decided_on >= start]
        note = (f"; decided {decided[0].decided_on.isoformat()}: {DECISIONS[decided[0].decision].lower()}"
                if decided else "; the other conditions not yet recorded")
        return [ReturnRow(pupil, run.start, run.end, str(run.days), f"{run.sessions} sessions{note}")
                for run in deletion_consideration(in_range, calendar, follow_up)]
    if kind == "part_time":
        c2 = [m for m in in_range if m.code == "C2"]
        agreed = [t for t in timetables_of(pupil.id) if t.starts_on <= end and t.ends_on >= start]
        if not c2 and not agreed:
            return []
        details = [f"{len(c2)} sessions coded C2"] + [
            f"agreed with {t.consent_by} on {t.consent_on.isoformat()}, {t.starts_on.isoformat()} to "
            f"{t.ends_on.isoformat()}, reviewed {len(t.reviews)} time{'' if len(t.reviews) == 1 else 's'}"
            for t in agreed]
        if c2 and not agreed:
            details.append("no agreement recorded in the portal")
        first = min([m.date for m in c2] + [t.starts_on for t in agreed])
        last = max([m.date for m in c2] + [t.ends_on for t in agreed])
        return [ReturnRow(pupil, first, last, f"{len(c2) / 2:g}", "; ".join(details))]
    if kind == "sickness":
        if not any(m.code == "I" for m in in_range) or not is_compulsory_school_age(pupil.date_of_birth, end):
            return []
        check = sickness_flag([m for m in marks if m.date >= year_start], follow_up, expected_further)
        if not check.flag:
            return []
        detail = (f"{check.days_so_far:g} days of illness this school year"
                  + (f", {expected_further} more expected (confirmed by staff)" if expected_further else ""))
        return [ReturnRow(pupil, None, None, f"{check.expected_days:g}", detail)]
    return []


def as_csv(found: LAReturn) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in found.rows:
        writer.writerow(row.as_csv())
    return out.getvalue()


def export(staff: StaffUser, found: LAReturn, fmt: str, now: datetime | None = None) -> tuple[str, bytes, str]:
    """The return as CSV or PDF: (file name, content, mimetype). Audited: who, which return, which period."""
    now = now or utcnow()
    name = f"{found.school.urn}-{found.kind}-{found.start.isoformat()}-to-{found.end.isoformat()}"
    if fmt == "csv":
        content, mimetype, name = as_csv(found).encode(), "text/csv", name + ".csv"
    elif fmt == "pdf":
        html = render_template("letters/la_return.html", found=found, long_date=long_date, generated_at=now,
                               generated_by=staff)
        content, mimetype, name = html_to_pdf(html), "application/pdf", name + ".pdf"
    else:
        raise ServiceError("Choose CSV or PDF")
    record(f"staff:{staff.id}", "la_return.export", object_type="School", object_id=str(found.school.id),
           after={"kind": found.kind, "from": found.start.isoformat(), "to": found.end.isoformat(),
                  "format": fmt, "pupils": [r.pupil.upn for r in found.rows]})
    db.session.commit()
    return name, content, mimetype
