"""The policy's [nudges] table: when parents are told their child's days missed, and in what words.

Every key is optional; left out, a school gets the issue's defaults: a message after each half-term, a short
thank-you for pupils on target, the gentle version for pupils with an open support plan, a part-time timetable or a
recorded health need. The school's own words (`[nudges.wording]`, English, and `[nudges.wording.pl]`... for other
languages) replace the portal's standard paragraphs; a placeholder the portal does not fill is an error, so a
parent never reads "{forname}".
"""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field

from portal.domain.policy_file import NOTE, Reader

SCHEDULES = ("half_term", "monthly", "off")
ON_TARGET = ("thanks", "none")
VERSIONS = ("gentle", "standard", "none")  # what a pupil in a situation below gets
SITUATIONS = ("health_need", "support_plan", "part_time")  # the gentlest applicable version wins
# Languages with a complete translation shipped (portal/translations); English is the authoritative text.
LANGUAGES = ("en", "pl", "ro")
DEFAULT_LANGUAGE = "en"
# Paragraphs a school may word itself, and the placeholders each may use.
WORDING_KEYS = ("opening", "next_step", "thanks", "gentle", "sign_off")
PLACEHOLDERS = ("forename", "school", "phone", "email")
MIN_DAYS_BETWEEN = 7  # never two messages about one child to a family within a week (issue 19)


@dataclass(frozen=True)
class NudgeRules:
    schedule: str = "half_term"  # one of SCHEDULES
    on_target: str = "thanks"  # one of ON_TARGET
    versions: dict[str, str] = field(default_factory=lambda: {s: "gentle" for s in SITUATIONS})
    days_between: int = MIN_DAYS_BETWEEN
    wording: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> key -> the school's text

    def words(self, language: str) -> dict[str, str]:
        """The school's own paragraphs in `language` (none: the portal's standard ones, translated)."""
        return self.wording.get(language, {})


# What the MIS writes for a language -> the code the portal uses. Unknown or unsupported: English.
_LANGUAGE_NAMES = {
    "en": "en", "eng": "en", "english": "en",
    "pl": "pl", "pol": "pl", "polish": "pl", "polski": "pl",
    "ro": "ro", "rum": "ro", "ron": "ro", "romanian": "ro", "română": "ro", "romana": "ro",
}


def language_code(value: str | None) -> str:
    """A contact's preferred language as the MIS exports it ("Polish", "pl-PL", "POL") -> "pl"; English when
    empty or not one the portal translates into."""
    key = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return _LANGUAGE_NAMES.get(key, DEFAULT_LANGUAGE)


def read_nudges(t: Reader) -> NudgeRules:
    """[nudges] from the policy file, each problem reported by key and line."""
    rules = NudgeRules(
        schedule=t.choice("schedule", SCHEDULES, "half_term"),
        on_target=t.choice("on_target", ON_TARGET, "thanks"),
        versions={s: t.choice(s, VERSIONS, "gentle") for s in SITUATIONS},
        days_between=t.int("days_between", MIN_DAYS_BETWEEN, minimum=MIN_DAYS_BETWEEN),
        wording=_wording(t.table("wording")),
    )
    t.done()
    return rules


def _wording(t: Reader) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    english = {k: v for k, v in t.data.items() if not isinstance(v, dict)}
    if english:
        found["en"] = _paragraphs(t, english)
    for language in [k for k, v in t.data.items() if isinstance(v, dict)]:
        if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
            t.error(language, f"no translation into {language!r}: the languages are {', '.join(LANGUAGES[1:])} "
                    "(English wording goes straight under [nudges.wording])")
            t.seen.add(language)
            continue
        table = t.table(language)
        found[language] = _paragraphs(table, table.data)
        table.done()
    t.done()
    for language in LANGUAGES[1:]:
        untranslated = sorted(set(found.get("en", {})) - set(found.get(language, {})))
        if untranslated:
            t.report(NOTE, None, f"{', '.join(untranslated)}: the school's words are not given in {language!r} "
                     f"([nudges.wording.{language}]): parents reading it get the portal's standard words, translated")
    return found


def _paragraphs(t: Reader, values: dict) -> dict[str, str]:
    out = {}
    for key in values:
        if key not in WORDING_KEYS:
            close = difflib.get_close_matches(key, WORDING_KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            t.error(key, f"unknown key{hint} (a school can word: {', '.join(WORDING_KEYS)})")
            continue
        text = t.str(key)
        if text and _placeholders_ok(t, key, text):
            out[key] = text.strip()
    t.seen.update(values)
    return out


def _placeholders_ok(t: Reader, key: str, text: str) -> bool:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        t.error(key, f"{error}: write a brace as {{{{ or }}}}, a placeholder as {{forename}}")
        return False
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        t.error(key, f"unknown placeholder {', '.join('{' + n + '}' for n in unknown)}; "
                f"the placeholders are {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
        return False
    return True


def fill(text: str, **values: str) -> str:
    """A school's paragraph with its placeholders filled (read_nudges has checked there are no others)."""
    return text.format_map({p: values.get(p, "") for p in PLACEHOLDERS})
