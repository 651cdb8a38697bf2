"""Term dates that run out: which of a member of staff's schools need next school year's dates in their policy.

The rule of when to warn is the domain's (`portal.domain.calendar.calendar_runs_out`, which `policy check` uses
too); this says it to staff, school by school, on the pages they open every day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.domain.calendar import calendar_runs_out, school_year_label
from portal.models import StaffUser
from portal.services.policies import trust_policy
from portal.services.permissions import schools_of


@dataclass(frozen=True)
class RunningOut:
    school_name: str
    last_day: date  # the last day of the policy's terms
    next_year: str  # the school year whose dates are missing: "2027-28"

    @property
    def words(self) -> str:
        return (f"{self.school_name}: the term dates in the policy end on {self.last_day:%A} {self.last_day.day} "
                f"{self.last_day:%B %Y}, and those for {self.next_year} are missing. Parents cannot report absences "
                f"or ask for leave in {self.next_year} until they are added: ask whoever loads the policy to add "
                "them.")


def running_out(staff: StaffUser, today: date) -> list[RunningOut]:
    """The staff member's schools whose calendar runs out, once it is time to add the next year's dates."""
    found = []
    for school in schools_of(staff):
        spec = trust_policy(school.trust).school(school.urn)
        last = calendar_runs_out(spec.calendar, today) if spec is not None and spec.calendar else None
        if last is not None:
            following = school_year_label(date(int(school_year_label(last)[:4]) + 1, 9, 1))
            found.append(RunningOut(school.name, last, following))
    return found
