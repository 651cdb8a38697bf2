"""The 2024 attendance codes (School Attendance (Pupil Registration) (England) Regulations 2024, reg 10).

Categories follow the DfE absence statistics methodology (domain.md Part B §1-2). A code may be two characters
(C1, C2, J1, Y1..Y7): nothing here or in callers may assume one character per code.
"""

from __future__ import annotations

from dataclasses import dataclass

PRESENT_CATEGORY = "present"
APPROVED_ACTIVITY_CATEGORY = "approved_activity"
AUTHORISED_CATEGORY = "authorised"
UNAUTHORISED_CATEGORY = "unauthorised"
NOT_COUNTED_CATEGORY = "not_counted"
ADMINISTRATIVE_CATEGORY = "administrative"


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str  # the regulations' meaning, paraphrased
    explanation: str  # for parents: plain, kind, honest
    category: str

    @property
    def counts_as_possible(self) -> bool:
        return self.category not in (NOT_COUNTED_CATEGORY, ADMINISTRATIVE_CATEGORY)

    @property
    def is_absence(self) -> bool:
        return self.category in (AUTHORISED_CATEGORY, UNAUTHORISED_CATEGORY)


_NOT_AGAINST = "This is not counted against your child's attendance."
_AUTHORISED = "This is an authorised absence."
_UNAUTHORISED = "This is an unauthorised absence."

_TABLE = (
    ("/", "Present at morning registration", "In school for the morning.", PRESENT_CATEGORY),
    ("\\", "Present at afternoon registration", "In school for the afternoon.", PRESENT_CATEGORY),
    ("L", "Late: arrived after registration began but before the register closed",
     "Arrived late, but before the register closed, so it counts as present. Regular lateness still "
     "means missed learning.", PRESENT_CATEGORY),
    ("K", "Attending education provision arranged by the local authority",
     "Learning at a place the council arranged (for example, under an EHC plan). This counts as attending.",
     APPROVED_ACTIVITY_CATEGORY),
    ("V", "Attending an educational visit or trip organised and supervised by the school",
     "On a school trip with school staff. This counts as attending.", APPROVED_ACTIVITY_CATEGORY),
    ("P", "Participating in an approved, supervised sporting activity",
     "Taking part in a sports event the school approved and supervises. This counts as attending.",
     APPROVED_ACTIVITY_CATEGORY),
    ("W", "Attending work experience", "On work experience. This counts as attending.",
     APPROVED_ACTIVITY_CATEGORY),
    ("B", "Attending any other approved, supervised educational activity off site",
     "Learning somewhere else that the school approved and supervises (learning at home does not count "
     "here). This counts as attending.", APPROVED_ACTIVITY_CATEGORY),
    ("D", "Attending the session at another school where the pupil is also registered",
     f"At the other school your child is also registered with. {_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("C1", "Leave of absence to take part in a licensed regulated performance or regulated employment abroad",
     f"Time off the school agreed for a licensed performance or a job abroad. {_AUTHORISED}",
     AUTHORISED_CATEGORY),
    ("M", "Leave of absence to attend a medical or dental appointment",
     f"At a medical or dental appointment. {_AUTHORISED} Where you can, please book appointments outside "
     "school hours.", AUTHORISED_CATEGORY),
    ("J1", "Leave of absence to attend an interview for employment or for another educational institution",
     f"At an interview for a job or for a place at another school or college. {_AUTHORISED}",
     AUTHORISED_CATEGORY),
    ("S", "Leave of absence to study for a public examination",
     f"Time off the school agreed for study before a public exam. {_AUTHORISED}", AUTHORISED_CATEGORY),
    ("C2", "Leave of absence for a compulsory-school-age pupil on an agreed temporary part-time timetable",
     f"Not in school because of a part-time timetable agreed with you for a short time. {_AUTHORISED}",
     AUTHORISED_CATEGORY),
    ("C", "Leave of absence for exceptional circumstances",
     f"Time off the headteacher agreed to because of exceptional circumstances. {_AUTHORISED}",
     AUTHORISED_CATEGORY),
    ("T", "Parent travelling for occupational purposes (mobile child)",
     f"Travelling with a parent whose work moves from place to place. {_AUTHORISED}", AUTHORISED_CATEGORY),
    ("R", "Religious observance on a day set apart by the parent's religious body",
     f"A day set apart for your family's religion. {_AUTHORISED}", AUTHORISED_CATEGORY),
    ("I", "Illness (not a medical or dental appointment)",
     f"Too unwell to come to school. {_AUTHORISED} If illness is frequent the school may ask for evidence, "
     "such as an appointment card or prescription.", AUTHORISED_CATEGORY),
    ("E", "Suspended or permanently excluded, with no alternative provision made",
     f"Suspended or excluded, with no other education arranged for the day. {_AUTHORISED}",
     AUTHORISED_CATEGORY),
    ("Q", "Unable to attend because the local authority's access arrangements were not made",
     f"Could not come because transport or other arrangements the council should make were not in place. "
     f"{_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("Y1", "Unable to attend: transport normally provided is not available and the school is beyond walking "
     "distance", f"The usual school transport did not run and school is too far to walk. {_NOT_AGAINST}",
     NOT_COUNTED_CATEGORY),
    ("Y2", "Unable to attend: widespread disruption to travel caused by an emergency",
     f"Travel was badly disrupted by an emergency, such as severe weather. {_NOT_AGAINST}",
     NOT_COUNTED_CATEGORY),
    ("Y3", "Unable to attend: part of the school premises is unavoidably closed",
     f"The part of the school your child uses was unexpectedly closed. {_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("Y4", "Unable to attend: the whole school site is unexpectedly closed",
     f"The school was unexpectedly closed. {_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("Y5", "Unable to attend: the pupil is in criminal justice detention",
     "Your child was held in custody, so could not attend. This is not counted in attendance.",
     NOT_COUNTED_CATEGORY),
    ("Y6", "Unable to attend in accordance with public health guidance or law",
     f"Public health rules or advice meant your child could not come. {_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("Y7", "Unable to attend because of any other unavoidable cause",
     f"Something unavoidable stopped your child coming to school. {_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("G", "Holiday not granted by the school",
     f"A holiday the school did not agree to. {_UNAUTHORISED} It may lead to a penalty notice.",
     UNAUTHORISED_CATEGORY),
    ("N", "Reason for absence not yet established",
     "We do not know the reason yet: please tell the school. If no reason is given soon, it becomes an "
     "unauthorised absence.", UNAUTHORISED_CATEGORY),
    ("O", "Absent in other or unknown circumstances, or the reason given was not accepted",
     f"Absent without a reason the school could accept. {_UNAUTHORISED}", UNAUTHORISED_CATEGORY),
    ("U", "Arrived in school after the register closed",
     f"Arrived after the register closed. Your child was safe in school, but the session counts as missed. "
     f"{_UNAUTHORISED}", UNAUTHORISED_CATEGORY),
    ("X", "Non-compulsory-school-age pupil not required to attend",
     f"Your child is younger than compulsory school age and was not expected in for this session. "
     f"{_NOT_AGAINST}", NOT_COUNTED_CATEGORY),
    ("Z", "Prospective pupil not yet on the admission register",
     "Your child had not yet joined the school. Nothing is counted for this session.", ADMINISTRATIVE_CATEGORY),
    ("#", "Planned whole or partial school closure (holidays, INSET days, year group not expected)",
     "The school, or your child's year group, was closed as planned (for example a holiday or a staff "
     "training day). Nothing is counted for this session.", ADMINISTRATIVE_CATEGORY),
)

CODES: dict[str, Code] = {row[0]: Code(*row) for row in _TABLE}

# A word beside each code where a parent scans the register a week at a time (the explanation says the rest, once,
# in the page's key). Short enough for a phone: a week of five days is one row.
SHORT_WORDS: dict[str, str] = {
    "/": "In", "\\": "In", "L": "Late", "K": "Council", "V": "Trip", "P": "Sport", "W": "Work", "B": "Off-site",
    "D": "Other school", "C1": "Leave", "M": "Medical", "J1": "Interview", "S": "Study", "C2": "Part-time",
    "C": "Leave", "T": "Travel", "R": "Religious", "I": "Ill", "E": "Excluded", "Q": "Council", "Y1": "Transport",
    "Y2": "Disruption", "Y3": "Closed", "Y4": "Closed", "Y5": "Custody", "Y6": "Public health", "Y7": "Unavoidable",
    "G": "Holiday", "N": "No reason", "O": "Absent", "U": "Very late", "X": "Not due", "Z": "Not joined",
    "#": "Closed",
}


def _of(*categories: str) -> frozenset[str]:
    return frozenset(c.code for c in CODES.values() if c.category in categories)


PRESENT = _of(PRESENT_CATEGORY)
APPROVED_ACTIVITY = _of(APPROVED_ACTIVITY_CATEGORY)
ATTENDED = PRESENT | APPROVED_ACTIVITY
AUTHORISED = _of(AUTHORISED_CATEGORY)
UNAUTHORISED = _of(UNAUTHORISED_CATEGORY)
ABSENCE = AUTHORISED | UNAUTHORISED
# The statistics treat administrative codes (Z, #) like the not-counted ones: neither is a possible session.
NOT_COUNTED = _of(NOT_COUNTED_CATEGORY, ADMINISTRATIVE_CATEGORY)

# Retired codes and what to use instead (domain.md Part A point 1).
RETIRED: dict[str, str] = {
    "H": "C (leave granted) or G (holiday not authorised)",
    "J": "J1",
    "F": "C",
    "Y": "Y1 to Y7",
}
# In 2020-22 X was reused for Covid-related non-attendance and MIS suppliers added sub-codes (X plus more
# characters). The sub-codes differ between suppliers, so any longer code starting with X is treated as one.
_COVID_X_HINT = "the 2024 code for the real reason (for example I, Y6 or O)"


def normalise(code: str) -> str:
    """Letters to upper case; `/`, `\\` and `#` unchanged. Surrounding spaces are dropped."""
    return code.strip().upper()


def lookup(code: str) -> Code:
    """The code's entry; KeyError (with the check_code message) if it is not a 2024 code."""
    entry = CODES.get(normalise(code))
    if entry is None:
        raise KeyError(check_code(code))
    return entry


def check_code(code: str) -> str | None:
    """None for a valid 2024 code, otherwise a message saying what to put instead."""
    value = normalise(code)
    if not value:
        return "No code given: enter one of the 2024 attendance codes."
    if value in CODES:
        return None
    if value in RETIRED:
        return f"Code {value} was retired in August 2024: use {RETIRED[value]}."
    if value.startswith("X"):
        return f"Code {value} looks like a retired Covid X sub-code: use {_COVID_X_HINT}."
    return f"Code {value!r} is not a 2024 attendance code. Valid codes: {' '.join(CODES)}."
