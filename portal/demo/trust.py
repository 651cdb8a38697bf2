"""A generated trust: its roll, and its three CSV streams in the MIS's formats."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from portal.demo.marks import pupil_marks, pupil_marks_csv
from portal.demo.names import LANGUAGE_OF_SURNAME
from portal.demo.people import DemoPupil, Family
from portal.demo.school_plan import SchoolPlan
from portal.domain.policy import Policy


class DemoFiles(NamedTuple):
    pupils: Path
    contacts: Path
    marks: Path


class DemoTrust:
    """A generated trust: its pupils and families are held (small); marks are generated on demand."""

    def __init__(self, policy: Policy, pupils: list[DemoPupil], families: list[Family], plans: list[SchoolPlan],
                 today: date, through: date):
        self.policy = policy
        self.pupils = pupils
        self.families = families
        self.plans = plans
        self.today = today
        self.through = through

    def pupil_rows(self) -> Iterator[tuple[str, ...]]:
        for pupil in self.pupils:
            yield pupil.pupil_row()

    def contact_rows(self) -> Iterator[tuple[str, ...]]:
        for pupil in self.pupils:
            for priority, c in enumerate(pupil.family.contacts, 1):
                yield (pupil.upn, c.name, c.relationship, c.email, c.phone, "Y" if c.parental_responsibility else "N",
                       "Y" if c.lives_with_pupil else "N", str(priority),
                       LANGUAGE_OF_SURNAME.get(c.name.rsplit(" ", 1)[-1], ""))

    def mark_rows(self) -> Iterator[tuple[str, ...]]:
        """Every pupil's marks, pupil by pupil, in date and session order."""
        for pupil in self.pupils:
            yield from pupil_marks(pupil)

    def mark_csv(self) -> Iterator[str]:
        """The same marks as CSV text, one pupil's lines at a time: what `write_csvs` writes, written as
        csv.writer would (tested), several times faster than formatting row by row."""
        for pupil in self.pupils:
            yield pupil_marks_csv(pupil)
