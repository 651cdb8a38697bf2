"""Column headings of MIS exports, mapped onto the portal's columns (README "Importing from the MIS").

A heading is compared after folding case, spaces, underscores, hyphens, dots and slashes ("Legal Forename",
"LEGAL_FORENAME" and "legal-forename" are one heading). Each of the portal's columns has its own name and the
aliases below, from the field names of SIMS, Arbor, Bromcom, ScholarPack and the aggregators (Wonde, Groupcall
Xporter). A school whose export names a column otherwise adds it in a mapping file (`--columns FILE`, or
columns.toml in a watched folder):

    [pupils]
    "Pupil Surname" = "legal_surname"

Headings that name nothing the portal keeps (Adno, Gender, Ethnicity...) are read past.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

KINDS = ("pupils", "contacts", "marks")

REQUIRED = {
    "pupils": ("upn", "school_urn", "legal_forename", "legal_surname", "date_of_birth", "year_group",
               "registration_group", "admission_date"),
    "contacts": ("upn", "contact_name", "relationship", "email", "phone", "parental_responsibility",
                 "lives_with_pupil", "priority"),
    "marks": ("upn", "date", "session", "code"),
}
OPTIONAL = {
    "pupils": ("preferred_forename", "site", "leaving_date", "vulnerable", "health_need"),
    "contacts": ("preferred_language",),
    "marks": ("minutes_late", "comment", "recorded_at"),
}

_UPN = ("upn", "unique pupil number", "pupil upn", "student upn", "learner upn")
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "pupils": {
        "upn": _UPN,
        "school_urn": ("urn", "school urn", "establishment urn"),
        "legal_forename": ("legal forename", "forename", "first name", "legal first name", "forenames",
                           "legal forenames", "given name"),
        "legal_surname": ("legal surname", "surname", "last name", "legal last name", "family name"),
        "preferred_forename": ("preferred forename", "preferred first name", "preferred name", "known as",
                               "chosen forename"),
        "date_of_birth": ("date of birth", "dob", "birth date", "birthdate"),
        "year_group": ("year group", "year", "nc year", "nc year actual", "national curriculum year",
                       "curriculum year", "yeargroup"),
        "registration_group": ("registration group", "reg group", "reg", "form", "form group", "tutor group",
                               "class", "registration class", "reg form", "registration form"),
        "admission_date": ("admission date", "date of admission", "adm date", "entry date", "date of entry",
                           "start date", "enrolment date", "enrolment start date"),
        "leaving_date": ("leaving date", "date of leaving", "leave date", "end date", "enrolment end date"),
        "site": ("site", "campus"),
        "vulnerable": ("vulnerable",),
        "health_need": ("health need", "medical need", "medical condition"),
    },
    "contacts": {
        "upn": _UPN,
        "contact_name": ("contact name", "contact full name", "full name", "contact", "name"),
        "relationship": ("relationship", "relationship to pupil", "relationship to student", "relation",
                         "contact relationship"),
        "email": ("email", "email address", "e mail", "contact email", "main email", "primary email"),
        "phone": ("phone", "telephone", "phone number", "telephone number", "mobile", "mobile phone",
                  "contact phone", "main telephone", "primary telephone"),
        "parental_responsibility": ("parental responsibility", "has parental responsibility", "pr",
                                    "parental resp"),
        "lives_with_pupil": ("lives with pupil", "lives with", "lives with student", "resides with pupil",
                             "resides with", "same address"),
        "priority": ("priority", "contact priority", "priority order", "contact order", "order"),
        "preferred_language": ("preferred language", "language", "home language", "first language",
                               "contact language"),
    },
    "marks": {
        "upn": _UPN,
        "date": ("date", "session date", "attendance date", "mark date"),
        "session": ("session", "am pm", "am/pm", "session name"),
        "code": ("code", "mark", "attendance code", "attendance mark", "session mark"),
        "minutes_late": ("minutes late", "mins late", "late minutes", "minutes"),
        "comment": ("comment", "comments", "note", "notes"),
        "recorded_at": ("recorded at", "date recorded", "last modified", "date modified", "last updated",
                        "modified"),
    },
}

_FOLD = re.compile(r"[\s_\-./]+")


def fold(heading: str) -> str:
    """A heading as compared: lower case, runs of spaces and punctuation as one space."""
    return _FOLD.sub(" ", heading.replace("\ufeff", "")).strip().lower()


@dataclass(frozen=True)
class HeaderMatch:
    kind: str
    columns: dict[str, int]  # portal column -> index in the row
    renamed: dict[str, str]  # portal column -> the heading it was read from, when not its own name
    missing: tuple[str, ...]

    def describe_renames(self) -> str:
        return ", ".join(f"{heading!r} as {column}" for column, heading in self.renamed.items())


def aliases_for(kind: str, extra: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Each column's accepted headings (folded), the school's own first."""
    table = {column: tuple(fold(a) for a in names) for column, names in ALIASES[kind].items()}
    for heading, column in (extra or {}).items():
        table[column] = (fold(heading), *table.get(column, ()))
    return table


def match_header(kind: str, header: list[str], extra: Mapping[str, str] | None = None) -> HeaderMatch:
    """Which heading holds each of the kind's columns: its own name first, then the school's headings, then the
    aliases in table order."""
    folded = [fold(h) for h in header]
    table = aliases_for(kind, extra)
    columns, renamed = {}, {}
    taken: set[int] = set()
    for column in REQUIRED[kind] + OPTIONAL[kind]:
        for name in (fold(column), *table.get(column, ())):
            index = next((i for i, h in enumerate(folded) if h == name and i not in taken), None)
            if index is not None:
                columns[column] = index
                taken.add(index)
                if folded[index] != fold(column):
                    renamed[column] = header[index].strip()
                break
    missing = tuple(c for c in REQUIRED[kind] if c not in columns)
    return HeaderMatch(kind, columns, renamed, missing)


def recognise(header: list[str], extra: Mapping[str, Mapping[str, str]] | None = None,
              default_columns: tuple[str, ...] = ()) -> HeaderMatch:
    """The kind of file a header belongs to: the one whose columns are all there (pupils before contacts before
    marks when several fit); else the closest, with its missing columns. `default_columns` are columns the caller
    can fill when absent (a school URN given on the command line)."""
    matches = []
    for kind in KINDS:
        found = match_header(kind, header, (extra or {}).get(kind))
        missing = tuple(c for c in found.missing if c not in default_columns)
        matches.append(HeaderMatch(kind, found.columns, found.renamed, missing))
    complete = [m for m in matches if not m.missing]
    if complete:
        return complete[0]
    return max(matches, key=lambda m: len(m.columns) / (len(m.columns) + len(m.missing)))


def check_mapping(mapping: object) -> tuple[dict[str, dict[str, str]], list[str]]:
    """A school's mapping file, read from TOML: ({kind: {heading: column}}, problems)."""
    problems: list[str] = []
    result: dict[str, dict[str, str]] = {}
    if not isinstance(mapping, Mapping):
        return {}, ["the mapping file should hold tables [pupils], [contacts] or [marks]"]
    for kind, table in mapping.items():
        if kind not in KINDS or not isinstance(table, Mapping):
            problems.append(f"[{kind}] is not one of [pupils], [contacts], [marks]")
            continue
        known = REQUIRED[kind] + OPTIONAL[kind]
        for heading, column in table.items():
            if column not in known:
                problems.append(f"[{kind}] {heading!r} = {column!r}: {column!r} is not a column of the {kind} "
                                f"file; use one of {', '.join(known)}")
            else:
                result.setdefault(kind, {})[str(heading)] = column
    return result, problems


def describe_missing(found: HeaderMatch, header: list[str]) -> str:
    """The message for a header that lacks columns: what was found, what is missing, and what else is read."""
    shown = [h.strip()[:40] for h in header[:30]]
    more = f" and {len(header) - 30} more" if len(header) > 30 else ""
    table = ALIASES[found.kind]
    wanted = "; ".join(f"{c} (or {', '.join(repr(a) for a in table[c][:4] if fold(a) != fold(c))})"
                       if len(table.get(c, ())) > 1 else c for c in found.missing)
    return (f"this looks like a {found.kind} file, but the header row lacks the column(s) "
            f"{', '.join(found.missing)}; it needs {','.join(REQUIRED[found.kind])}. Columns found: "
            f"{', '.join(repr(h) for h in shown)}{more}. Missing, with the headings also read: {wanted}. "
            "A heading of your MIS not listed here can be added in a mapping file (see the README)")
