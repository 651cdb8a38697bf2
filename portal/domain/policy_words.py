"""A policy's settings in the words people read: roles, notice and decision periods. The one home of this wording:
services (letters, emails), pages and the static parent site call these, and templates use them as the Jinja
filters `role_name` and `notice_words` (portal/web/templating.py).

The words are English; each function takes the caller's translate functions (`gettext`, `ngettext` with
Flask-Babel's signatures) so a page or a message in a parent's language reads them in it, while the domain stays
free of Flask. babel.cfg reads ROLE_WORDS, JOINERS and UNIT_PLURALS (portal/word_tables.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .leave import UNIT_WORDS

if TYPE_CHECKING:  # support_plan (which policy reads) uses these words' English functions
    from .policy import Policy

# A role as a parent reads it in a sentence ("ask the headteacher", "a senior leader decides").
ROLE_IN_A_SENTENCE = {"headteacher": "the headteacher", "senior_leader": "a senior leader",
                      "attendance_officer": "the attendance officer", "office": "the school office",
                      "teacher": "your child's teacher", "admin": "the portal administrator"}


# A policy role's name in words; a role not listed reads as its name with spaces.
ROLE_WORDS = {"headteacher": "headteacher", "senior_leader": "senior leader",
              "attendance_officer": "attendance officer", "office": "office", "teacher": "teacher",
              "admin": "admin"}
JOINERS = {"or": "or", "and": "and"}
# A period in the policy's unit, singular and plural (ngettext: "1 school day", "10 school days").
UNIT_PLURALS = {"calendar_days": ("%(num)d day", "%(num)d days"),
                "school_days": ("%(num)d school day", "%(num)d school days"),
                "weeks": ("%(num)d week", "%(num)d weeks"),
                "working_days": ("%(num)d working day", "%(num)d working days")}

Translate = Callable[[str], str]
Plural = Callable[..., str]


def english(text: str, **values) -> str:
    """gettext for English: the text, with %(name)s filled in from `values` as Flask-Babel's gettext does."""
    return text % values if values else text


def english_percent(number: str) -> str:
    """A percentage the services write as "93.5" in English words: "93.5%"."""
    return f"{number}%"


def english_plural(singular: str, plural: str, num: int) -> str:
    """ngettext for English: the form for `num`, with %(num)d filled in, as Flask-Babel's ngettext does."""
    return (singular if num == 1 else plural) % {"num": num}


def role_name(role: str, gettext: Translate = english) -> str:
    """A policy role's name in words: "senior_leader" -> "senior leader"."""
    return gettext(ROLE_WORDS[role]) if role in ROLE_WORDS else role.replace("_", " ")


def role_names(roles: Iterable[str], joiner: str = "or", gettext: Translate = english) -> str:
    """Roles in words, in a stable order: "headteacher or senior leader"."""
    return f" {gettext(JOINERS.get(joiner, joiner))} ".join(sorted(role_name(r, gettext) for r in roles))


def roles_in_a_sentence(roles: Iterable[str]) -> str:
    """Who, as a parent reads it: "the headteacher, a senior leader or the attendance officer"."""
    words = [ROLE_IN_A_SENTENCE.get(role, role_name(role)) for role in sorted(roles)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def period_words(number: int, unit: str, ngettext: Plural = english_plural) -> str:
    """A number of the policy's units in words: "10 school days", "1 week"."""
    if unit not in UNIT_PLURALS:
        return f"{number} {UNIT_WORDS.get(unit, unit)}"
    return ngettext(*UNIT_PLURALS[unit], number)


def notice_words(policy: Policy, ngettext: Plural = english_plural) -> str:
    """The notice a leave request needs: "10 school days"."""
    return period_words(policy.leave.notice, policy.leave.notice_unit, ngettext)


def decision_words(policy: Policy, ngettext: Plural = english_plural) -> str:
    """How soon the school decides a leave request: "10 school days"."""
    return period_words(policy.leave.decision_within, policy.leave.decision_unit, ngettext)
