"""Who and where parents are pointed to: the full attendance policy, the attendance lead, the local authority's
attendance service, the data protection officer, and the national pages for parents (docs/policy-format.md).

Read by `portal.domain.policy`; shown by the parent site. A school must publish its attendance policy and name a
senior attendance lead (Working together to improve school attendance, 2024), and a privacy notice names the data
protection officer, so leaving one out is a warning, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.domain.policy_file import Reader

NHS_TOO_ILL = "https://www.nhs.uk/live-well/is-my-child-too-ill-for-school/"
DFE_GUIDE_FOR_PARENTS = "https://www.gov.uk/government/publications/working-together-to-improve-school-attendance"

_URL = re.compile(r"https?://[^\s/]+\.[^\s]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{6,}")


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ParentLinks:
    attendance_policy: str | None = None  # the school's (or trust's) full attendance policy, as published
    too_ill_for_school: str = NHS_TOO_ILL
    dfe_guide_for_parents: str = DFE_GUIDE_FOR_PARENTS
    attendance_lead: Contact | None = None  # phone and email default to the school's own
    local_authority_service: Contact | None = None
    data_protection_officer: Contact | None = None


def read_links(r: Reader) -> ParentLinks:
    links = r.table("links")
    found = ParentLinks(
        attendance_policy=_url(links, "attendance_policy"),
        too_ill_for_school=_url(links, "too_ill_for_school") or NHS_TOO_ILL,
        dfe_guide_for_parents=_url(links, "dfe_guide_for_parents") or DFE_GUIDE_FOR_PARENTS,
        attendance_lead=_contact(r, "attendance_lead", ("name", "role", "phone", "email")),
        local_authority_service=_contact(r, "local_authority_service", ("name", "url", "phone", "email"),
                                         needs=("name",)),
        data_protection_officer=_contact(r, "data_protection_officer", ("name", "email", "phone"),
                                         needs=("name", "email")),
    )
    links.done()
    if found.attendance_policy is None:
        r.warn("links", "add `attendance_policy = \"https://...\"`: schools must publish their attendance policy, "
                        "and the parent site links to it")
    if found.attendance_lead is None or found.attendance_lead.name is None:
        r.warn("attendance_lead", "name the senior attendance lead (`name = ...` in [attendance_lead]): parents "
                                  "are told who it is and how to reach them")
    if found.data_protection_officer is None:
        r.warn("data_protection_officer", "add [data_protection_officer] with `name` and `email`: the privacy "
                                          "notice names them")
    return found


def _contact(r: Reader, key: str, keys: tuple[str, ...], needs: tuple[str, ...] = ()) -> Contact | None:
    if not r.has(key):
        return None
    t = r.table(key)
    values = {}
    for name in keys:
        if name == "url":
            values[name] = _url(t, name)
        elif name == "email":
            values[name] = _checked(t, name, _EMAIL, "an email address, like attendance@school.example")
        elif name == "phone":
            values[name] = _checked(t, name, _PHONE, "a phone number, like 01670 812 360")
        else:
            values[name] = t.str(name, required=name in needs)
    if "name" not in needs and values.get("name") is None and values.get("role") is None:
        t.error(None, "give the `name` or the `role` (or both)")
    t.done()
    return Contact(**values)


def _url(t: Reader, key: str) -> str | None:
    return _checked(t, key, _URL, "a web address starting https://")


def _checked(t: Reader, key: str, pattern: re.Pattern, what: str) -> str | None:
    value = t.str(key, required=False)
    if value is not None and not pattern.fullmatch(value.strip()):
        t.error(key, f"{value!r} should be {what}")
        return None
    return value
