"""The production recipe, run as `make serve` runs it: `flask db upgrade`, then honcho with the committed Procfile
and an environment file, on 127.0.0.1 (PostgreSQL when TEST_DATABASE_URL is set, else an SQLite file).

A parent signs in through the emailed link and reports an absence over HTTP; the outbox worker delivers both
emails to a real SMTP server; a marks file dropped into the watched folder is imported; SIGTERM stops every
process within seconds, each finishing what it was doing and exiting 0, and none is left behind.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, func, select

from factories import calendar, load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal import create_app, database_uri
from portal.clock import school_today
from portal.extensions import db
from portal.models import Mark
from smtp import SmtpServer, free_port, plain_body, wait_for_mail

import conftest

pytestmark = pytest.mark.real_clock  # every process of the recipe runs on the machine's clock
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def database(tmp_path):
    """An empty database for the recipe (the tables of whatever ran there before dropped first and after)."""
    url = database_uri(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'portal.sqlite'}")
    _drop_everything(url)
    yield url
    _drop_everything(url)


def _drop_everything(url: str) -> None:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(bind=engine)
    meta.drop_all(bind=engine)
    engine.dispose()


class Honcho:
    """honcho start, its output kept line by line (the `system` lines say each process's pid and exit status)."""

    def __init__(self, env_file: Path, env: dict):
        self.lines: list[str] = []
        self.process = subprocess.Popen([str(BIN / "honcho"), "--no-colour", "--env", str(env_file), "--procfile",
                                         "Procfile", "start"], cwd=conftest.ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def close(self) -> None:
        self._reader.join(timeout=5)
        self.process.stdout.close()

    def output(self) -> str:
        return "\n".join(self.lines[-80:])

    def system(self, pattern: str) -> dict[str, str]:
        found = (re.search(r"system\s*\| (\w+)\.1 " + pattern, line) for line in list(self.lines))
        return {match.group(1): match.group(2) for match in found if match}


def descendants(marker: str) -> list[int]:
    """Every process started with this run's marker in its environment: the recipe's processes and their children."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"RECIPE_RUN={marker}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or not ours to read
                pass
    return found


def wait_until(check, what: str, honcho: Honcho, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if honcho.process.poll() is not None:
            pytest.fail(f"honcho stopped while waiting for {what}:\n{honcho.output()}")
        if result := check():
            return result
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}:\n{honcho.output()}")


class Browser:
    """A parent's HTTP client: cookies kept, redirects followed, the form's CSRF token read from each page."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, page: str, fields: dict) -> tuple[str, str]:
        data = dict(fields, csrf_token=CSRF.search(page).group(1))
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.geturl(), response.read().decode()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answers: "degraded" is a 200 or 503 with a body
    except OSError:
        return False


def test_the_recipe_serves_a_parent_delivers_their_email_imports_the_mis_drop_and_stops_cleanly(database, tmp_path,
                                                                                                monkeypatch):
    port, marker = free_port(), uuid.uuid4().hex
    drop, instance = tmp_path / "mis-drop", tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))  # this test's own app, for the data, too
    drop.mkdir()
    smtp = SmtpServer().start()
    env_file = tmp_path / "portal.env"
    # The deployment's settings, as deploy/portal.env.example lists them; the FLASK_ ones only make the worker and
    # the watcher look more often than a school needs, so the test is quick.
    env_file.write_text(f"""DATABASE_URL={database}
PORTAL_BASE_URL=http://127.0.0.1:{port}
PORTAL_BIND=127.0.0.1:{port}
PORTAL_WEB_WORKERS=2
PORTAL_INSTANCE_PATH={instance}
PORTAL_MAIL_SERVER=127.0.0.1
PORTAL_MAIL_PORT={smtp.port}
PORTAL_MAIL_DEFAULT_SENDER="Bothal Primary <attendance@bothal.example.org>"
PORTAL_IMPORT_DIR={drop}
PORTAL_BACKUP_DIR={tmp_path / 'backups'}
PORTAL_HEALTH_TOKEN=monitoring-token
FLASK_OUTBOX_WORK_INTERVAL=0.5
FLASK_IMPORT_WATCH_EVERY=1
""")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PORTAL_", "FLASK_", "TEST_")) and key != "DATABASE_URL"}
    env.update(PATH=f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}", RECIPE_RUN=marker)
    # `make serve`, step 1: the schema.
    subprocess.run([str(BIN / "honcho"), "--env", str(env_file), "run", "flask", "--app", "portal", "db", "upgrade"],
                   cwd=conftest.ROOT, env=env, check=True, capture_output=True)

    app = create_app(conftest.test_config(SQLALCHEMY_DATABASE_URI=database))
    with app.app_context():
        load_trust(example_on(school_today()))
        sam = make_pupil("122239", forename="Sam", registration_group="3H")
        make_parent("jo@example.com", sam)
        sam_id, upn = sam.id, sam.upn
        absent_on = calendar().next_school_day(school_today() + timedelta(days=1))
        # Before the moved calendar's first school day (early September) there is no day before: the register
        # takes an exported mark for a coming school day as well.
        marked_on = calendar().previous_school_day(school_today()) or calendar().next_school_day(school_today())
        db.session.remove()
        db.engine.dispose()

    honcho = Honcho(env_file, env)
    try:
        wait_until(lambda: len(honcho.system(r"started \(pid=(\d+)\)")) == 4, "the four processes", honcho)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers(base + "/health"), "gunicorn to answer", honcho)

        # A parent signs in through the link the outbox worker emails...
        parent = Browser(base)
        _, page = parent.get("/sign-in")
        where, _ = parent.post("/sign-in", page, {"email": "jo@example.com"})
        assert where.endswith("/sign-in/check-your-email")
        link = re.search(r"http://\S+/sign-in/\S+", plain_body(wait_for_mail(smtp.inbox, 1))).group(0)
        _, page = parent.get("/sign-in/link")  # the token stays after the "#", as a browser keeps it
        where, page = parent.post("/sign-in/link", page, {"token": link})
        assert where == base + "/parent/" and "Your children" in page

        # ...reports Sam off ill, and gets the acknowledgement.
        _, page = parent.get("/parent/report-absence")
        day = [str(absent_on.day), str(absent_on.month), str(absent_on.year)]
        where, page = parent.post("/parent/report-absence", page, {
            "children": [sam_id], "starts": "other", "first_day": day, "ends": "one", "last_day": ["", "", ""],
            "part": "day", "reason": "illness", "symptoms": "Temperature", "appointment_time": "", "details": ""})
        assert where == base + "/parent/report-absence/check", page
        where, page = parent.post("/parent/report-absence/check", page, {})
        assert "Absence reported" in page
        reference = where.rsplit("/", 1)[1]
        acknowledgement = wait_for_mail(smtp.inbox, 2)
        assert reference in acknowledgement["Subject"] and acknowledgement["To"] == "jo@example.com"

        # The MIS drops a marks file: the watcher imports it and moves it to done/.
        (drop / "export.csv.part").write_text(
            "upn,date,session,code,minutes_late,comment,recorded_at\n"
            f"{upn},{marked_on.isoformat()},AM,/,,,{marked_on.isoformat()}T09:05:00+00:00\n"
            f"{upn},{marked_on.isoformat()},PM,I,,,{marked_on.isoformat()}T13:20:00+00:00\n")
        (drop / "export.csv.part").rename(drop / "export.csv")  # as an SFTP upload finishes
        done = wait_until(lambda: sorted((drop / "done").glob("*export.csv.report.txt")) if (drop / "done").is_dir()
                          else None, "the marks file to be imported", honcho)
        assert "Imported as marks: 2 added" in done[0].read_text()
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Mark)) == 2
            db.session.remove()
            db.engine.dispose()
    finally:
        started = honcho.system(r"started \(pid=(\d+)\)")
        honcho.process.send_signal(signal.SIGTERM)
        try:
            honcho.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in descendants(marker):
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"honcho did not stop within 20 s of SIGTERM:\n{honcho.output()}")
        finally:
            smtp.stop()
            honcho.close()
    stopped = honcho.system(r"stopped \((rc=-?\d+|signal: \d+)\)")
    assert set(stopped) == set(started) == {"web", "outbox", "imports", "scheduler"}, honcho.output()
    assert all(how == "rc=0" for how in stopped.values()), stopped
    # Each stopped as it does on SIGTERM, finishing what it was doing, rather than being cut off.
    for goodbye in ("Shutting down: Master", "Stopped: 2 sent while running.", "Stopped watching.", "Stopped."):
        assert any(line.endswith(goodbye) for line in honcho.lines), (goodbye, honcho.output())
    leftover = wait_until_gone(marker)
    assert not leftover, f"processes left behind: {leftover}"


def wait_until_gone(marker: str, timeout: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := descendants(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
