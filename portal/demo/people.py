"""The roll: families, their contacts and pupils, as rows of the MIS's pupils and contacts files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.demo.school_plan import SchoolPlan
from portal.domain.policy import Site


PUPIL_COLUMNS = ("upn", "school_urn", "legal_forename", "legal_surname", "preferred_forename", "date_of_birth",
                 "year_group", "registration_group", "site", "admission_date", "leaving_date", "vulnerable",
                 "health_need")


CONTACT_COLUMNS = ("upn", "contact_name", "relationship", "email", "phone", "parental_responsibility",
                   "lives_with_pupil", "priority", "preferred_language")


MARK_COLUMNS = ("upn", "date", "session", "code", "minutes_late", "comment", "recorded_at")


YEAR_GROUPS = ("N1", "N2", "R", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6")


# Age on 31 August before the school year starts (N1: two-year-olds turning three).
AGE_AT_START = {"N1": 2, "N2": 3, "R": 4, "Y1": 5, "Y2": 6, "Y3": 7, "Y4": 8, "Y5": 9, "Y6": 10}


# Relative size of each year group: the nursery is smaller than the main school.
YEAR_WEIGHTS = {"N1": 0.45, "N2": 0.85, "R": 1.0, "Y1": 1.0, "Y2": 1.0, "Y3": 1.0, "Y4": 1.0, "Y5": 1.0, "Y6": 1.0}


CLASS_SIZE = 30


@dataclass
class ContactPerson:
    name: str
    relationship: str
    email: str
    phone: str
    parental_responsibility: bool
    lives_with_pupil: bool


@dataclass
class Family:
    number: int
    surname: str
    contacts: list[ContactPerson]
    profile: tuple[str, float]  # the family's usual attendance pattern: (category, absence rate)
    holiday: list[date] = field(default_factory=list)  # term-time holiday: school days at the first child's school
    holiday_code: str = "G"
    holiday_comment: str = ""
    festival: tuple[str, tuple[date, ...]] | None = None  # (name, dates) of a day set apart for religion
    looked_after: bool = False


@dataclass
class DemoPupil:
    upn: str
    plan: SchoolPlan
    legal_forename: str
    legal_surname: str
    preferred_forename: str
    date_of_birth: date
    year_group: str
    registration_group: str
    site: Site
    admission_date: date
    leaving_date: date | None
    vulnerable: bool
    family: Family
    category: str  # "on_track", "at_risk", "persistent", "severe"
    absence_rate: float  # the target share of possible sessions missed
    late_rate: float  # the share of present sessions arrived late
    part_time: bool  # a nursery place of mornings only: afternoons are X
    mark_seed: int

    def pupil_row(self) -> tuple[str, ...]:
        return (self.upn, self.plan.school.urn, self.legal_forename, self.legal_surname, self.preferred_forename,
                self.date_of_birth.isoformat(), self.year_group, self.registration_group, self.site.slug,
                self.admission_date.isoformat(), self.leaving_date.isoformat() if self.leaving_date else "",
                "Y" if self.vulnerable else "N", "Y" if self.health_need else "N")

    @property
    def health_need(self) -> bool:
        """About one pupil in thirty has a recorded health need (from the marks' seed: no draw of its own)."""
        return self.mark_seed % 30 == 0
