"""A page as a person sees it, for view tests: `page(client, url)` fetches it as a browser does and checks the
status; `page_of(response)` reads a response already in hand (after a POST, say).

    seen = page(client, "/parent/")
    assert seen.h1 == "Your children"
    assert "Report an absence" in seen.main
"""

from __future__ import annotations

from html.parser import HTMLParser

BROWSER = {"Accept": "text/html"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """What a page shows: its <title>, its <h1>, the words of <body> (`text`) and of <main> (`main`), whitespace
    collapsed; every element with its attributes; and how many inline scripts it has (the CSP allows none)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements: list[tuple[str, dict]] = []
        self.inline_scripts = 0
        self.title = self.h1 = ""
        self._open: list[str] = []
        self._body: list[str] = []
        self._main: list[str] = []
        self.feed(html)
        self.title, self.h1 = " ".join(self.title.split()), " ".join(self.h1.split())
        self.text = " ".join(" ".join(self._body).split())
        self.main = " ".join(" ".join(self._main).split())

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self._open.append(tag)

    def handle_endtag(self, tag):
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data):
        if self._open and self._open[-1] == "script" and data.strip():
            self.inline_scripts += 1
        if "title" in self._open:
            self.title += data
        elif "body" in self._open:
            self._body.append(data)
        if "h1" in self._open:
            self.h1 += data
        if "main" in self._open:
            self._main.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag]

    def links(self) -> set[str]:
        """Every link target on the page."""
        return {attrs.get("href", "") for attrs in self.all("a")}


def page_of(response, status: int = 200) -> Page:
    """The page in `response`, after checking it has `status` and is HTML (its start shown when it is not)."""
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html", response.mimetype
    return Page(response.get_data(as_text=True))


def page(client, url: str, status: int = 200, headers: dict | None = None) -> Page:
    """GET `url` as a browser does and read the page, checking its status."""
    return page_of(client.get(url, headers={**BROWSER, **(headers or {})}), status)
