"""What stops a leave request being sent: each problem names the field a parent must fix."""

from __future__ import annotations

from portal.domain import absence as absence_rules
from portal.services import ServiceError


Problem = absence_rules.Problem


class RequestNotValid(ServiceError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p.message) for p in problems))  # a message may be a lazy translation
        self.problems = problems
