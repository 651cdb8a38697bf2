"""Attendance support plans (attendance contracts): the policy's template, and the exact text a signature binds to.

Two halves, both pure:

- `parse_template(data)` reads a policy's `[support_plan]` table (a plain dict, as `tomllib` gives it) into a
  `PlanTemplate`, with every problem as a `(key, message)` pair for the policy reader to report with its line. A
  policy without the table gets `ALP_APPENDIX_1`: the Stage 1 Attendance Support Plan & Parent Partnership
  Attendance Contract of ALP Appendix 1 (domain.md section 7), word for word.
- `document(fields)` lays one version of a plan out as titled sections; `render_text(document)` is the canonical
  plain text of that version, and `text_sha256(text)` its fingerprint (portal/domain/plan_document.py, re-exported
  here). A signature stores the fingerprint of the text the signer read, so a signature can only ever belong to
  one exact text. The web page, the PDF and the hashed text are all drawn from the same `document`, so what a
  parent reads is what they sign.

`fields` is a JSON-ready dict (strings, lists of strings, small dicts): see `FIELD_KEYS`. User-typed text is passed
through `clean_text` before it is stored, so the rendering of a stored version never changes.
"""

from __future__ import annotations

import difflib
import string
import unicodedata
from dataclasses import dataclass
from datetime import date

from portal.domain.plan_document import (  # noqa: F401  re-exported: callers read the plan's rules from one module
    ATTENDEE_LABELS, FIELD_KEYS, NONE, WORDS, Document, Entry, Section, document, fingerprint_groups, long_date,
    render_text, text_sha256,
)

FIELDS_SCHEMA = 1

# ---------------------------------------------------------------- the template (policy `[support_plan]`)

PLACEHOLDERS = ("attendance", "target")  # allowed in `purpose`: "88.5%" and "97%", filled in from the register


@dataclass(frozen=True)
class PlanTemplate:
    title: str
    purpose: str  # may use {attendance} and {target}
    support_offered: tuple[str, ...]  # the checklist staff tick from (plus "other")
    parent_commitments: tuple[str, ...]
    school_commitments: tuple[str, ...]
    review: str  # what happens at the review date
    escalation: str  # what "escalate" means at this school, shown to staff at the review
    pupil_signature: bool = True  # whether the pupil may sign (always optional)


ALP_APPENDIX_1 = PlanTemplate(
    title="Stage 1: Attendance Support Plan & Parent Partnership Attendance Contract",
    purpose=(
        "The current attendance level for the pupil is {attendance}, which is below the school's expectation of "
        "{target} and above. This plan aims to build a collaborative approach between school and home to identify "
        "and address any challenges impacting attendance."
    ),
    support_offered=(
        "Check-ins with key adult/staff member",
        "Pastoral or emotional support/Thrive",
        "Help with morning routine or transition",
        "Medical/health referral signposting",
        "Help with uniform, transport, or breakfast club",
        "Flexible start (short-term, if needed)",
        "School counselling/mentoring",
        "SEND review or assessment",
        "EBSA toolkit initial assessment",
        "Family Support",
        "MARF referral",
        "Referral to attendance team for next level support",
    ),
    parent_commitments=(
        "Prioritise school attendance and morning routines",
        "Inform school before 9:00am if child is absent",
        "Provide medical evidence if child is unwell frequently",
        "Engage with referrals/support offered",
        "Maintain good communication with school",
    ),
    school_commitments=(
        "Monitor attendance weekly and provide feedback",
        "Implement agreed support strategies",
        "Maintain open communication with family",
    ),
    review=(
        "Progress will be reviewed on this date. If significant improvement is observed, the plan may be closed. "
        "Should concerns remain, the plan may be escalated to the next stage of support in line with the school's "
        "attendance procedures."
    ),
    escalation="the next stage of support in line with the school's attendance procedures",
    pupil_signature=True,
)

TEXT_KEYS = ("title", "purpose", "review", "escalation")
LIST_KEYS = ("support_offered", "parent_commitments", "school_commitments")
TEMPLATE_KEYS = TEXT_KEYS + LIST_KEYS + ("pupil_signature",)
MAX_ITEM = 300  # characters in one checklist entry


def parse_template(data: dict | None) -> tuple[PlanTemplate, list[tuple[str, str]]]:
    """The template a policy's `[support_plan]` table describes; keys left out take ALP Appendix 1's values.

    Returns the template and the problems found, each `(key, message)`; with problems, the template holds the
    defaults in place of the bad values (the policy loader refuses a policy with errors anyway)."""
    problems: list[tuple[str, str]] = []
    if data is None:
        return ALP_APPENDIX_1, problems
    if not isinstance(data, dict):
        return ALP_APPENDIX_1, [("", "should be a table: [support_plan]")]
    values: dict = {}
    for key in data:
        if key not in TEMPLATE_KEYS:
            close = difflib.get_close_matches(key, TEMPLATE_KEYS, n=1)
            problems.append((key, "unknown key" + (f"; did you mean `{close[0]}`?" if close else "")))
    for key in TEXT_KEYS:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str):
            problems.append((key, f"should be text in quotes, not {value!r}"))
        elif not value.strip():
            problems.append((key, "is empty"))
        else:
            values[key] = clean_text(value)
    if "purpose" in values:
        problem = _placeholder_problem(values["purpose"])
        if problem:
            problems.append(("purpose", problem))
            del values["purpose"]
    for key in LIST_KEYS:
        if key not in data:
            continue
        items = _items(key, data[key], problems)
        if items is not None:
            values[key] = items
    if "pupil_signature" in data:
        if isinstance(data["pupil_signature"], bool):
            values["pupil_signature"] = data["pupil_signature"]
        else:
            problems.append(("pupil_signature", f"should be true or false, not {data['pupil_signature']!r}"))
    defaults = ALP_APPENDIX_1
    return PlanTemplate(**{**{k: getattr(defaults, k) for k in TEMPLATE_KEYS}, **values}), problems


def _items(key: str, value, problems: list[tuple[str, str]]) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        problems.append((key, f"should be a list of text in square brackets, not {value!r}"))
        return None
    if not value:
        problems.append((key, "list at least one entry (leave the key out for ALP Appendix 1's list)"))
        return None
    items, ok = [], True
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            problems.append((key, f"entry {index} ({item!r}) should be text in quotes"))
            ok = False
        elif "\n" in item.strip():
            problems.append((key, f"entry {index} should be one line"))
            ok = False
        elif len(item.strip()) > MAX_ITEM:
            problems.append((key, f"entry {index} is longer than {MAX_ITEM} characters"))
            ok = False
        elif clean_line(item) in items:
            problems.append((key, f"entry {index} ({item.strip()!r}) is listed twice"))
            ok = False
        else:
            items.append(clean_line(item))
    return tuple(items) if ok else None


def _placeholder_problem(text: str) -> str | None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return "a brace is not closed: write a literal brace twice, {{ or }}"
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        return (f"unknown placeholder {{{unknown[0]}}}: only {{attendance}} and {{target}} are filled in; "
                "write a literal brace twice, {{ or }}")
    return None


def fill_purpose(template: PlanTemplate, attendance_pct: str | None, target_pct: str) -> str:
    """The purpose sentence with the pupil's attendance (or "not yet measured") and the school's target."""
    attendance = f"{attendance_pct}%" if attendance_pct else "not yet measured"
    return template.purpose.format(attendance=attendance, target=f"{target_pct}%")


# ---------------------------------------------------------------- cleaning what people type


def clean_text(value: str | None) -> str:
    """One canonical form for typed text: NFC, Unix newlines, no trailing spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def clean_line(value: str | None) -> str:
    return " ".join(clean_text(value).split())


# ---------------------------------------------------------------- one version of a plan, as text (plan_document.py)

def check_dates(meeting: date | None, review: date | None) -> list[tuple[str, str]]:
    """Problems with a plan's dates, as (field, message)."""
    if meeting and review and review <= meeting:
        return [("review_date", "The review date must be after the date of the meeting")]
    return []
