"""Browser-test machinery shared by every end-to-end test: a live server, Debian's Chromium, axe.

A pytest plugin, registered once by tests/conftest.py, so every test module sees the same session-wide browser
(two definitions would start Playwright twice, which it refuses). Fixtures:

- `live_server(config=None, *, create_schema=True)`: a factory. Starts the app (create_app with `e2e_config` plus
  your overrides: a temporary SQLite file by default) on 127.0.0.1 on a free port in a background thread, and
  returns a LiveServer with `.url` ("http://127.0.0.1:PORT"), `.app` and `.url_for(endpoint, **values)`.
  PORTAL_BASE_URL is set to the server's address, so links in emails lead back to it; an outbox worker thread
  delivers queued email as `flask outbox work` would. Stopped after the test.
- `static_server(directory)`: a factory serving a folder (http.server in a thread); returns its base URL.
- `browser` (session): Chromium from /usr/bin/chromium through Playwright's sync API, headless. Never
  `playwright install`: Debian's package is the browser (apt-get install chromium).
- `context`, `page`: a fresh browser context and page per test.
- `check_axe(page)`: runs axe-core (axe-playwright-python) on the page and fails the test listing every violation.

Every browser test is marked `@pytest.mark.e2e`. Without /usr/bin/chromium (or Playwright) they fail, saying what
to install: `make test` installs Chromium, and a silent skip would hide the journeys and the accessibility checks.
To leave them out on purpose, say so: `pytest -m "not e2e"`. PORTAL_CHROMIUM names another binary.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from portal.services import notify
from portal.stop_signal import StopSignal

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def browser_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (make test-packages, or as root: apt-get install -y chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed: pip install -e '.[test]'"
    return None


# ---------------------------------------------------------------- the app on a real port

def e2e_config(tmp_path: Path, **overrides) -> dict:
    """Settings for an app served to a real browser: real CSRF, a temporary SQLite file, no mail sent."""
    config = {
        "SECRET_KEY": "e2e-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite'}",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "MAIL_SUPPRESS_SEND": True,
        "PORTAL_FREEZE_GC_AT_START": False,  # an app a test: frozen objects would never be freed
        "PORTAL_BASE_URL": "http://127.0.0.1",  # served as in production, which needs one; the server's own once it listens
    }
    config.update(overrides)
    return config


@dataclass
class LiveServer:
    app: Flask
    url: str
    _server: object
    _thread: threading.Thread

    def url_for(self, endpoint: str, **values) -> str:
        """The absolute address of an endpoint on this server."""
        adapter = self.app.url_map.bind(self.url.split("://", 1)[1], url_scheme="http")
        return adapter.build(endpoint, values, force_external=True)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


def outbox_worker(app: Flask) -> tuple[threading.Event, threading.Thread]:
    """`flask outbox work` beside the server, as production runs it: a request only queues its email, and this
    delivers it within a fraction of a second (a thread here, a process of its own in production)."""
    stop = StopSignal()

    def run():
        with app.app_context():
            notify.work(stop, interval=0.2)

    thread = threading.Thread(target=run, name="outbox-worker", daemon=True)
    thread.start()
    return stop, thread


@pytest.fixture
def live_server(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    started: list[LiveServer] = []
    workers: list[tuple[threading.Event, threading.Thread]] = []

    def start(config: dict | None = None, *, create_schema: bool = True) -> LiveServer:
        folder = tmp_path / f"server-{len(started)}"
        folder.mkdir(exist_ok=True)
        app = create_app(e2e_config(folder, **(config or {})))
        if create_schema:
            with app.app_context():
                db.create_all()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PORTAL_BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, name=f"live-server-{server.server_port}",
                                  daemon=True)
        thread.start()
        live = LiveServer(app, url, server, thread)
        started.append(live)
        if create_schema:
            workers.append(outbox_worker(app))
        return live

    yield start
    for stop, worker in workers:
        stop.set()
        worker.join(timeout=10)
    for live in started:
        live.stop()
        with live.app.app_context():
            db.engine.dispose()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
        pass


@pytest.fixture
def static_server():
    """Serve a folder over HTTP, as any static host would: `static_server(path)` returns the base URL."""
    servers = []

    def serve(directory: str | Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, name="static-server", daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser():
    reason = browser_missing()
    if reason:
        pytest.fail(f"The browser tests need Chromium: {reason} (or leave them out: -m 'not e2e')", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Under a moved clock (scripts/moved-date.sh) Chromium keeps the machine's: libfaketime makes it crawl.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
                                              env=env)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    yield context.new_page()


def check_axe(page, *, context=None, options=None) -> None:
    """Fail the test if axe-core finds any violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    kwargs = {"context": context}
    if options is not None:
        kwargs["options"] = options
    results = Axe().run(page, **kwargs)
    if results.violations_count:
        pytest.fail(f"axe found {results.violations_count} kind(s) of accessibility violation on {page.url}:\n"
                    f"{results.generate_report()}", pytrace=False)


def fill_date(page, field: str, day) -> None:
    """Type a date into a GOV.UK date input (three boxes: day, month, year)."""
    page.fill(f"#{field}-day", str(day.day))
    page.fill(f"#{field}-month", str(day.month))
    page.fill(f"#{field}-year", str(day.year))


SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"


def screenshot(page, journey: str, name: str) -> None:
    """Keep a picture of a key page under test-results/<journey>/ (git-ignored) for people to look at."""
    folder = SCREENSHOTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
