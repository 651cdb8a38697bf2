"""Every parent-facing string marked for translation has a complete Polish and Romanian translation, and the
compiled catalogues the app reads are those translations (docs/translation.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from portal.domain.nudge_rules import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_gettext": None,
            "_l": None, "N_": None}


def marked() -> set:
    """(context, msgid) of every string the sources in babel.cfg mark, as `pybabel extract` finds them."""
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _, _, message, _, context in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add((context, message if isinstance(message, str) else tuple(message)))
    return found


def catalogue(language: str, compiled: bool = False):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    if compiled:
        with open(folder / "messages.mo", "rb") as handle:
            return read_mo(handle)
    with open(folder / "messages.po", "rb") as handle:
        return read_po(handle)


def test_there_are_marked_strings_to_translate():
    assert len(marked()) > 30


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_marked_string_is_translated(language):
    po = catalogue(language)
    missing = []
    for context, msgid in sorted(marked(), key=str):
        entry = po.get(msgid, context=context)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (
            (entry.string,) if entry is not None else ("",))
        if entry is None or entry.fuzzy or not all(strings) or len(strings) not in (1, po.num_plurals):
            missing.append(msgid)
    assert missing == [], f"translate these into {language} (portal/translations/{language}): {missing}"


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_the_compiled_catalogue_is_the_translation(language):
    po, mo = catalogue(language), catalogue(language, compiled=True)
    def entries(messages):
        return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)):
                m.string if isinstance(m.string, str) else tuple(m.string) for m in messages if m.id}

    source, compiled = entries(po), entries(mo)
    assert compiled == source, f"run .venv/bin/pybabel compile -d portal/translations -l {language}"
