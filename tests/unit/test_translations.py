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
            "_l": None, "N_": None, "lazy_ngettext": (1, 2)}


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


def translated_templates() -> list[Path]:
    """The page templates babel.cfg lists: the parent's pages that are translated."""
    with open(ROOT / "babel.cfg") as handle:
        method_map, _ = parse_mapping_cfg(handle)
    return sorted(ROOT / pattern for pattern, method in method_map
                  if method == "jinja2" and pattern.endswith(".html") and "*" not in pattern)


def bare_text(source: str) -> list[str]:
    """Words in a template's own text (outside Jinja's tags and expressions and outside HTML tags): what a reader
    sees that nothing marks for translation."""
    import re

    from jinja2 import Environment, nodes

    env = Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    text = " ".join(node.data for node in env.parse(source).find_all(nodes.TemplateData))
    for pattern in (r"<!--.*?-->", r"<[^>]*>", r"&[a-z]+;|&#\d+;"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return re.findall(r"[A-Za-z]{2,}", text)


def test_the_parents_translated_pages_are_checked():
    names = {str(path.relative_to(ROOT)) for path in translated_templates()}
    assert {"templates/base.html", "templates/parent/child.html", "templates/parent/report_form.html",
            "templates/parent/home.html", "templates/_language_navigation.html"} <= names


@pytest.mark.parametrize("path", translated_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_translated_page_has_no_unmarked_text(path):
    assert bare_text(path.read_text()) == [], f"mark these for translation in {path.relative_to(ROOT)}"
