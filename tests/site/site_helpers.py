"""Shared by the tests of the static parent site: building it, and reading the pages it wrote.

(No conftest.py here: a second root-level `conftest` module would shadow tests/conftest.py, and no __init__.py
either, as a package called `site` would shadow the standard library's.)
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES, test_config

from portal import create_app
from portal.services import site as site_service
from portal.services.policies import read_policy_file

PORTAL_URL = "https://portal.example.org"
TODAY = date(2026, 11, 23)  # a Monday in the 2026-27 autumn term of both example calendars
ALP = EXAMPLES / "alp.toml"
RP = EXAMPLES / "rise-park.toml"


def policy(path: Path):
    loaded, problems = read_policy_file(path)
    assert loaded is not None, problems
    return loaded


def portal_app(**overrides):
    """An app as tests/conftest.py configures them, without creating any tables."""
    return create_app(test_config(**overrides))


def site_app(**overrides):
    """An app with the site pages, as `site build` makes one."""
    return portal_app(SITE_BUILD=True, **overrides)


def build(outdir: Path, *paths: Path, today: date = TODAY):
    """Build the site of the policies in `paths` into `outdir` (the service, as `site build --policy` does)."""
    app = site_app()
    return site_service.build_site(app, [policy(p) for p in paths], outdir, portal_url=PORTAL_URL, today=today,
                                   allow_examples=True)


class Page(HTMLParser):
    """One written page: its links, ids, title, h1s, visible text and anything a static page must not have."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.html = path.read_text(encoding="utf-8")
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.title = ""
        self.h1: list[str] = []
        self.scripts = 0
        self.styles = 0
        self.forms = 0
        self._stack: list[str] = []
        self._text: list[str] = []
        self._main_text: list[str] = []
        self._h1 = None
        self.feed(self.html)
        self.title = " ".join(self.title.split())
        self.text = " ".join(" ".join(self._text).split())
        self.main_text = " ".join(" ".join(self._main_text).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "style" in attrs:
            self.styles += 1
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((tag, attrs[name]))
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self.styles += 1
        if tag == "form":
            self.forms += 1
        if tag == "h1":
            self._h1 = []
        if tag not in {"meta", "link", "input", "br", "hr", "img", "path"}:
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "h1" and self._h1 is not None:
            self.h1.append(" ".join("".join(self._h1).split()))
            self._h1 = None
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if "title" in self._stack:
            self.title += data
        elif "body" in self._stack:
            self._text.append(data)
            if "main" in self._stack:
                self._main_text.append(data)
        if self._h1 is not None:
            self._h1.append(data)


def pages(outdir: Path) -> dict[str, Page]:
    return {p.relative_to(outdir).as_posix(): Page(p) for p in sorted(outdir.rglob("*.html"))}


def text_of(outdir: Path, name: str) -> str:
    """The main content of a page as one line of text."""
    return Page(outdir / name).main_text


def table_rows(outdir: Path, name: str) -> list[list[str]]:
    """Every table row of a page, as the text of its cells."""
    html = (outdir / name).read_text(encoding="utf-8")
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


@contextlib.contextmanager
def instance_folder(path: Path):
    """Point create_app at a temporary instance folder (for module-scoped fixtures, which cannot monkeypatch)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_INSTANCE_PATH", str(path))
        yield
