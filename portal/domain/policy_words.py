"""A policy's settings in the words people read: roles, notice and decision periods. The one home of this wording:
services (letters, emails), pages and the static parent site call these, and templates use them as the Jinja
filters `role_name` and `notice_words` (portal/web/templating.py)."""

from __future__ import annotations

from collections.abc import Iterable

from .leave import UNIT_WORDS
from .policy import Policy

# A role as a parent reads it in a sentence ("ask the headteacher", "a senior leader decides").
ROLE_IN_A_SENTENCE = {"headteacher": "the headteacher", "senior_leader": "a senior leader",
                      "attendance_officer": "the attendance officer", "office": "the school office",
                      "teacher": "your child's teacher", "admin": "the portal administrator"}


def role_name(role: str) -> str:
    """A policy role's name in words: "senior_leader" -> "senior leader"."""
    return role.replace("_", " ")


def role_names(roles: Iterable[str], joiner: str = "or") -> str:
    """Roles in words, in a stable order: "headteacher or senior leader"."""
    return f" {joiner} ".join(sorted(role_name(r) for r in roles))


def roles_in_a_sentence(roles: Iterable[str]) -> str:
    """Who, as a parent reads it: "the headteacher, a senior leader or the attendance officer"."""
    words = [ROLE_IN_A_SENTENCE.get(role, role_name(role)) for role in sorted(roles)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def notice_words(policy: Policy) -> str:
    """The notice a leave request needs: "10 school days"."""
    return f"{policy.leave.notice} {UNIT_WORDS[policy.leave.notice_unit]}"


def decision_words(policy: Policy) -> str:
    """How soon the school decides a leave request: "10 school days"."""
    return f"{policy.leave.decision_within} {UNIT_WORDS[policy.leave.decision_unit]}"
