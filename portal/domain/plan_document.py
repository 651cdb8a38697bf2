"""One version of a support plan laid out as text: the sections of ALP Appendix 1 filled from the version's fields
(`document`), its canonical plain text (`render_text`), which a signature's fingerprint (`text_sha256`) is taken
over, and the same layout with the document's own words in a parent's language for its translated companion.

Pure, like `portal.domain.support_plan`, which re-exports these names: the web page, the PDF and the hashed text are
all drawn from one `document`, so what a parent reads is what they sign.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from portal.domain.policy_words import english, english_percent

# ---------------------------------------------------------------- one version of a plan, as text

FIELD_KEYS = (
    "schema", "reference", "version", "title", "school", "pupil_name", "pupil_class", "meeting_date",
    "attendees", "attendance", "purpose", "concerns", "parent_views", "pupil_views", "barriers",
    "support_offered", "support_other", "parent_commitments", "additional_actions", "school_commitments",
    "review_date", "review",
)
ATTENDEE_LABELS = (
    ("parents", "Parent/Carer(s)"),
    ("pupil", "Pupil (where appropriate)"),
    ("school", "School Representative(s)"),
    ("others", "Other Professionals"),
)
NONE = "None recorded."
# The document's own words around what staff and the policy wrote: English here, the signed text; a translated
# companion passes its language's gettext to `document` (babel.cfg reads this table, ATTENDEE_LABELS and NONE).
WORDS = {
    "plan": "Plan %(reference)s, version %(version)s",
    "measured": "Attendance from %(first)s to %(last)s: %(percent)s, %(missed)s of %(possible)s days missed.",
    "unmeasured": "No attendance recorded from %(first)s to %(last)s.",
    "pupil": "Pupil", "pupil_name": "Pupil name", "class": "Class", "meeting_date": "Date of meeting",
    "attendees": "Meeting attendees", "purpose": "Purpose of the support plan",
    "discussion": "Summary of discussion", "concerns": "School's concerns", "parent_views": "Parent/carer's views",
    "pupil_views": "Pupil's views (where appropriate)", "barriers": "Identified barriers to attendance",
    "support": "Support strategies offered by school", "other": "Other",
    "parent_commitments": "Parent/carer commitments", "additional_actions": "Additional actions agreed",
    "school_commitments": "School commitments", "review": "Review and monitoring", "review_date": "Review date",
    "not_set": "Not set",
}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(value: date | str | None) -> str:
    """"Monday 5 October 2026", the same in every locale (the hashed text must not depend on the machine)."""
    if not value:
        return WORDS["not_set"]
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Entry:
    """A labelled piece of a section: text (paragraphs split by newlines) or a bulleted list."""

    label: str | None = None
    text: str = ""
    items: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p]


@dataclass(frozen=True)
class Section:
    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Document:
    title: str
    heading_lines: tuple[str, ...]  # school, plan reference and version
    sections: tuple[Section, ...]


def document(fields: dict, gettext: Callable[..., str] = english, day_words: Callable | None = None,
             percent: Callable[[str], str] = english_percent, number: Callable[[str], str] = str) -> Document:
    """The sections of ALP Appendix 1, in its order, filled from one version's fields: in English, the signed text;
    with a language's `gettext`, `day_words`, `percent` and `number`, its translated companion (what staff and the
    policy wrote stays as written)."""
    def day(value: date | str | None) -> str:
        if day_words is None:
            return long_date(value)
        return day_words(date.fromisoformat(value) if isinstance(value, str) else value) if value \
            else gettext(WORDS["not_set"])

    words = {key: gettext(text) for key, text in WORDS.items() if "%(" not in text}
    none = gettext(NONE)
    attendees = fields.get("attendees") or {}
    attendance = fields.get("attendance") or {}
    measured = ""
    if attendance.get("from") and attendance.get("to"):
        first, last = day(attendance["from"]), day(attendance["to"])
        if attendance.get("pct"):
            measured = gettext(WORDS["measured"], first=first, last=last, percent=percent(attendance["pct"]),
                               missed=number(attendance.get("days_missed", "0.0")),
                               possible=number(attendance.get("days_possible", "0.0")))
        else:
            measured = gettext(WORDS["unmeasured"], first=first, last=last)
    support = tuple(fields.get("support_offered") or ())
    return Document(
        title=fields["title"],
        heading_lines=(fields["school"],
                       gettext(WORDS["plan"], reference=fields["reference"], version=fields["version"])),
        sections=(
            Section(words["pupil"], (
                Entry(words["pupil_name"], fields["pupil_name"]),
                Entry(words["class"], fields.get("pupil_class") or none),
                Entry(words["meeting_date"], day(fields.get("meeting_date"))),
            )),
            Section(words["attendees"], tuple(
                Entry(gettext(label), attendees.get(key) or none) for key, label in ATTENDEE_LABELS)),
            Section(words["purpose"], (
                Entry(None, "\n".join(t for t in (fields["purpose"], measured) if t)),
            )),
            Section(words["discussion"], (
                Entry(words["concerns"], fields.get("concerns") or none),
                Entry(words["parent_views"], fields.get("parent_views") or none),
                Entry(words["pupil_views"], fields.get("pupil_views") or none),
                Entry(words["barriers"], fields.get("barriers") or none),
            )),
            Section(words["support"], (
                Entry(None, "" if support else none, support),
                Entry(words["other"], fields.get("support_other") or none),
            )),
            Section(words["parent_commitments"], (
                Entry(None, "" if fields.get("parent_commitments") else none,
                      tuple(fields.get("parent_commitments") or ())),
                Entry(words["additional_actions"], fields.get("additional_actions") or none),
            )),
            Section(words["school_commitments"], (
                Entry(None, "" if fields.get("school_commitments") else none,
                      tuple(fields.get("school_commitments") or ())),
            )),
            Section(words["review"], (
                Entry(words["review_date"], day(fields.get("review_date"))),
                Entry(None, fields.get("review") or ""),
            )),
        ),
    )


def render_text(doc: Document) -> str:
    """The canonical plain text of a version: what a signature's fingerprint is computed over."""
    lines = [doc.title, *doc.heading_lines]
    for section in doc.sections:
        lines += ["", section.heading.upper()]
        for entry in section.entries:
            paragraphs = entry.paragraphs
            if entry.label and len(paragraphs) == 1 and not entry.items:
                lines.append(f"{entry.label}: {paragraphs[0]}")
                continue
            if entry.label:
                lines.append(f"{entry.label}:")
            lines += paragraphs
            lines += [f"- {item}" for item in entry.items]
    return "\n".join(lines) + "\n"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_groups(sha256: str, size: int = 8) -> str:
    """A fingerprint in groups ("3f2a9c1b 7d0e..."), so it wraps on a phone; the PDF prints it whole."""
    return " ".join(sha256[i:i + size] for i in range(0, len(sha256), size))
