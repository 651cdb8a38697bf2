"""Generating a trust from its policy and writing its CSV files."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from portal.demo.builder import Builder
from portal.demo.identifiers import school_year_start
from portal.demo.people import CONTACT_COLUMNS, MARK_COLUMNS, PUPIL_COLUMNS
from portal.demo.school_plan import SchoolPlan
from portal.demo.trust import DemoFiles, DemoTrust
from portal.domain.policy import Policy


def generate(policy: Policy, pupils: int, seed: int, today: date, through: date | None = None) -> DemoTrust:
    """A trust of about `pupils` pupils across the policy's schools, with marks up to `through` (default:
    `today`, whose afternoon is left unmarked). Deterministic: the same arguments give the same rows."""
    if pupils < 1:
        raise ValueError("pupils must be 1 or more")
    rng = random.Random(seed)  # nosec B311 # reproducible made-up demo data, no secret
    through = through or today
    year_start = school_year_start(today)
    plans = [SchoolPlan(school, year_start, through, today) for school in policy.schools]
    return Builder(policy, plans, rng, year_start, today, through).build(pupils)


def write_csvs(folder: str | Path, policy: Policy, pupils: int, seed: int, today: date,
               through: date | None = None) -> DemoFiles:
    """Generate a trust and write pupils.csv, contacts.csv and marks.csv into `folder` (created if needed)."""
    return write_trust_csvs(folder, generate(policy, pupils, seed, today, through))


def write_trust_csvs(folder: str | Path, trust: DemoTrust) -> DemoFiles:
    """Write a generated trust's three CSV files into `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(folder / "pupils.csv", folder / "contacts.csv", folder / "marks.csv")
    for path, header, rows in ((files.pupils, PUPIL_COLUMNS, trust.pupil_rows()),
                               (files.contacts, CONTACT_COLUMNS, trust.contact_rows())):
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    with open(files.marks, "w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(MARK_COLUMNS) + "\n")
        handle.writelines(trust.mark_csv())
    return files
