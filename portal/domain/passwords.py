"""The staff password rule, after the NCSC's password guidance: length, not composition.

At least 12 characters (three random words are easy to remember and long enough), no rules about capitals, digits
or symbols, and a refusal for what attackers try first: the 30,000 most common passwords from breaches (the list
zxcvbn ships), passwords built from the person's own name, email address or school, and anything else zxcvbn's
estimate finds easy to guess (keyboard runs, repeats, dates, a word and a year).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON = frozenset(FREQUENCY_LISTS["passwords"])
ENOUGH_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash scenario" (10^8 guesses)
ADVICE = "Three or more random words make a good password that is easy to remember."


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def personal_words(email: str, name: str, places: Iterable[str]) -> list[str]:
    """What a password must not be built from: the person's email address and name, and their schools' and trust's
    names, whole and in words of three letters or more."""
    local = email.partition("@")[0]
    words = [email, local, name, *places]
    for text in [local, name, *places]:
        words += [w for w in re.split(r"[^A-Za-z0-9]+", text) if len(w) >= 3]
    return sorted({w.lower() for w in words if w})


def problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why this password will not do, in words that say what to choose instead; None if it will do."""
    personal = list(personal)
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. {ADVICE}"
    if len(password) > MAX_LENGTH:
        return f"Use {MAX_LENGTH} characters or fewer"
    squashed = _squashed(password)
    if password.lower() in COMMON or squashed in COMMON or len(set(squashed)) < 4:
        return f"That is one of the most common passwords, which attackers try first. {ADVICE}"
    whole = [_squashed(w) for w in personal if any(c in w for c in " @.")]  # a full name, an address
    if any(len(w) >= 4 and w in squashed for w in whole) or _mostly_personal(squashed, personal):
        return f"Do not build your password from your name, email address or school. {ADVICE}"
    if zxcvbn(password[:100], user_inputs=personal)["score"] < ENOUGH_SCORE:
        return f"That password is too easy to guess. {ADVICE}"
    return None


def _mostly_personal(squashed: str, personal: list[str]) -> bool:
    """Whether what is left after taking out the personal words is too little to count (bothalprimary2026)."""
    rest = squashed
    for word in sorted((_squashed(w) for w in personal), key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    return rest != squashed and len(rest) < 8
