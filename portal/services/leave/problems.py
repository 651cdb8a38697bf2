"""What stops a leave request being sent: each problem names the field a parent must fix."""

from __future__ import annotations

from portal.domain import absence as absence_rules
from portal.services import ServiceError


Problem = absence_rules.Problem


class RequestNotValid(ServiceError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
