"""A gunicorn worker killed with SIGKILL in the middle of an upload or a submission leaves no half record and, once
`evidence sweep` has run, no orphan file (issue 9, part 1).

The portal runs as in production: a real gunicorn (one sync worker) on a database of its own (a temporary SQLite
file, or TEST_DATABASE_URL's PostgreSQL), filled by `flask demo`. Parents sign in the real way: the sign-in form,
the link read from the outbox row the portal wrote, the link's confirmation form. Nothing in the portal is changed
or slowed for the test: the kills come from outside, with `kill -9` on the worker's pid, and the master starts a
new worker as it would in production.

1. Upload cut off while its body is still arriving: the worker is killed with half of a 30 MB multipart request
   sent. Afterwards: no evidence row, no file, and the portal answers again.
2. Upload killed between writing the file and committing its row: five 9.5 MB PDFs are sent to the leave-request
   form; a watcher polls the uploads folder and kills the worker the moment the first file appears, which is after
   every file passed its checks and before the transaction that records them commits (services/uploads.store
   writes each file, then the view commits all of them). The attempt is repeated (up to 5 times) until that
   window is hit, which the test confirms: a file on disk with no row. Then: no row of that request was committed;
   `evidence sweep` leaves the fresh file alone (it may belong to a request still running) and, once the file is
   older than its --older-than-hours (the file's clock is put back two hours, standing in for the wait), deletes
   it; at the end every file under uploads/ has its row and every row its file.
3. Absence reports in a burst, with kills at random moments: three parents each report absences in a loop (the
   form, then "Send report", retrying a step whose connection the kill cut, as a browser's resend would) while
   the worker is killed six times. Afterwards: every report has its children, its acknowledgement email in the
   outbox and its audit event; every report a parent was shown exists and there is no other (a submission killed
   after its commit is found again by its submission key, not made twice); SQLite's integrity check passes.

What it does not prove: the kills in 3 land wherever the worker happens to be (the test checks that some landed
in the middle of a request, not that every instruction boundary was tried); a machine that loses power is a
different fault (the disk's and SQLite's/PostgreSQL's own guarantees); and in 2 the only files left behind are the
ones the sweep is designed to find, so the claim is "no orphan after the sweep", not "never an orphan".
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, text

from moved_policy import example_on
from portal import database_uri
from portal.clock import school_today

ROOT = Path(__file__).resolve().parents[2]
USER_AGENT = "fault-test"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINK = re.compile(r"/sign-in/link#([A-Za-z0-9_-]{20,})")  # the token after #, posted by the page's form
PDF_SIZE = 9_500_000  # under the 10 MB limit for each file

# gunicorn and the CLI run in processes of their own, on the machine's clock: so does the test.
pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads worker pids from /proc"),
              pytest.mark.real_clock]


# --------------------------------------------------------------------------------------------- the real server
class Server:
    """gunicorn with one sync worker on 127.0.0.1, and the means to kill its worker."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.killed: set[int] = set()  # a killed worker stays in /proc as a zombie until the master reaps it
        self.port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "2"]
        if "--no-control-socket" in subprocess.run([sys.executable, "-m", "gunicorn", "--help"],
                                                   capture_output=True, text=True).stdout:
            command.append("--no-control-socket")
        self.log_file = open(log, "wb")
        self.process = subprocess.Popen(command + ["portal:create_app()"], cwd=ROOT, env=env,
                                        stdout=self.log_file, stderr=subprocess.STDOUT)
        self.wait_ready()

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children if int(pid) not in self.killed and _alive(int(pid))]

    def wait_ready(self, seconds: float = 60) -> int:
        """Until one worker is up and answers /health; its pid."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: {self.log.read_text()[-2000:]}"
            workers = self.workers()
            if len(workers) == 1:
                try:
                    status = Client(self.port).request("GET", "/health", timeout=5)[0]
                except (OSError, http.client.HTTPException):
                    status = None
                if status == 200:
                    return workers[0]
            time.sleep(0.05)
        raise AssertionError(f"gunicorn did not come back within {seconds} s: {self.log.read_text()[-2000:]}")

    def kill_worker(self) -> int:
        (pid,) = self.workers()
        os.kill(pid, signal.SIGKILL)
        self.killed.add(pid)
        return pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


class Client:
    """A browser, near enough: keeps cookies, sends the same User-Agent, does not follow redirects."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
                timeout: float = 60) -> tuple[int, str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, response.getheader("Location") or "", page
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, object]]):
        return self.request("POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def token(self, path: str) -> str:
        status, _, page = self.get(path)
        assert status == 200, (path, status)
        return CSRF.search(page).group(1)


# ---------------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fault")
    url = database_uri(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'portal.sqlite'}")
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(folder / "instance"), DATABASE_URL=url,
               PORTAL_MAIL_SUPPRESS_SEND="true", PORTAL_BASE_URL="http://127.0.0.1", PYTHONWARNINGS="ignore")
    engine = create_engine(url)
    _drop_everything(engine)
    flask = [sys.executable, "-m", "flask", "--app", "portal"]
    policy = str(example_on(school_today()))  # served on the machine's clock: a calendar that holds today
    for command in (["db", "upgrade"], ["demo", "--policy", policy, "--pupils", "24", "--seed", "7"]):
        done = subprocess.run(flask + command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    server = Server(env, folder / "gunicorn.log")
    try:
        yield {"server": server, "engine": engine, "env": env, "uploads": folder / "instance" / "uploads",
               "url": url}
    finally:
        server.stop()
        _drop_everything(engine)
        engine.dispose()


def _drop_everything(engine) -> None:
    from sqlalchemy import MetaData

    meta = MetaData()
    meta.reflect(bind=engine)
    meta.drop_all(bind=engine)


def _parents(engine, count: int) -> list[tuple[str, int]]:
    """(email, a child's pupil id) of `count` parents with parental responsibility."""
    with engine.connect() as db:
        rows = db.execute(text(
            "SELECT parent_account.email, MIN(contact.pupil_id) FROM parent_account "
            "JOIN contact ON contact.parent_account_id = parent_account.id "
            "WHERE contact.parental_responsibility = :yes GROUP BY parent_account.email "
            "ORDER BY parent_account.email"), {"yes": True}).all()
    assert len(rows) >= count
    return [(email, pupil_id) for email, pupil_id in rows[:count]]


def sign_in(portal, email: str) -> Client:
    """The real way: ask for a link, read it from the email the portal queued, confirm it."""
    client = Client(portal["server"].port)
    status, location, _ = client.post("/sign-in", [("csrf_token", client.token("/sign-in")), ("email", email)])
    assert status == 303, status
    with portal["engine"].connect() as db:
        bodies = db.execute(text("SELECT recipients, body_text FROM outbox_message ORDER BY id DESC")).all()
    token = next(LINK.search(body).group(1) for recipients, body in bodies
                 if email in (json.loads(recipients) if isinstance(recipients, str) else recipients))
    status, location, _ = client.post("/sign-in/link", [("csrf_token", client.token("/sign-in/link")),
                                                        ("token", token)])
    assert status == 303 and urlsplit(location).path == "/parent/", (status, location)
    return client


# ------------------------------------------------------------------------------------------ files and their rows
def files_on_disk(root: Path) -> set[str]:
    return {p.name for p in root.glob("*/*") if p.is_file()} if root.is_dir() else set()


def evidence_rows(engine) -> set[str]:
    with engine.connect() as db:
        return set(db.execute(text("SELECT stored_name FROM evidence_file")).scalars())


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     "Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def big_pdf(size: int, seed: int) -> bytes:
    """A plain PDF (one page, one stream of filler) of about `size` bytes that passes every content check."""
    filler = (b"%d filler line for a large scanned letter, page one of one\n" % seed) * (size // 60)
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
            b"4 0 obj << /Length " + str(len(filler)).encode() + b" >> stream\n" + filler + b"\nendstream endobj\n")
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def leave_form(client: Client, pupil_id: int, files: list[bytes]) -> tuple[str, bytes]:
    start = school_today() + timedelta(days=120)
    fields = [("csrf_token", client.token("/parent/leave/new")), ("children", str(pupil_id)),
              ("first_day", str(start.day)), ("first_day", str(start.month)), ("first_day", str(start.year)),
              ("return_day", str((start + timedelta(days=7)).day)),
              ("return_day", str((start + timedelta(days=7)).month)),
              ("return_day", str((start + timedelta(days=7)).year)),
              ("abroad", "no"), ("destinations", ""), ("circumstances", "A family funeral abroad.")]
    return multipart(fields, [("evidence", f"letter-{n}.pdf", data) for n, data in enumerate(files)])


# ------------------------------------------------------------------------------------------------------- tests
def test_upload_cut_off_in_flight_leaves_nothing(portal):
    server, engine, uploads = portal["server"], portal["engine"], portal["uploads"]
    email, pupil_id = _parents(engine, 1)[0]
    client = sign_in(portal, email)
    content_type, body = leave_form(client, pupil_id, [big_pdf(PDF_SIZE, n) for n in range(3)])
    rows_before, files_before = evidence_rows(engine), files_on_disk(uploads)

    headers = (f"POST /parent/leave/new HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUser-Agent: {USER_AGENT}\r\n"
               f"Cookie: {'; '.join(f'{k}={v}' for k, v in client.cookies.items())}\r\n"
               f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(headers + body[:len(body) // 2])
        time.sleep(0.5)  # the worker has taken the request and is reading the body
        killed = server.kill_worker()
        with pytest.raises(OSError):  # the connection dies with the worker: no answer, nothing half done
            sock.sendall(body[len(body) // 2:])
            if not sock.recv(1):
                raise ConnectionResetError("closed without an answer")
    assert server.wait_ready() != killed
    assert evidence_rows(engine) == rows_before
    assert files_on_disk(uploads) == files_before


def test_upload_killed_between_file_and_commit_leaves_no_orphan_after_sweep(portal):
    server, engine, uploads, env = portal["server"], portal["engine"], portal["uploads"], portal["env"]
    email, pupil_id = _parents(engine, 2)[1]
    client = sign_in(portal, email)
    files = [big_pdf(PDF_SIZE, n) for n in range(5)]

    hit = None
    for attempt in range(5):
        rows_before, files_before = evidence_rows(engine), files_on_disk(uploads)
        content_type, body = leave_form(client, pupil_id, files)
        seen: list[set[str]] = []
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                new = files_on_disk(uploads) - files_before
                if new:
                    server.kill_worker()
                    seen.append(new)
                    return
                time.sleep(0.0005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            answer = client.request("POST", "/parent/leave/new", body, content_type)
        except (OSError, http.client.HTTPException):
            answer = None  # the worker died under the request
        finally:
            stop.set()
            watcher.join()
        server.wait_ready()
        assert seen or answer is None, f"the upload finished without storing a file: {answer and answer[:2]}"
        new_rows = evidence_rows(engine) - rows_before
        orphans = files_on_disk(uploads) - files_before - evidence_rows(engine)
        if orphans and not new_rows:
            hit = orphans
            print(f"attempt {attempt + 1}: killed with {len(orphans)} file(s) written and none committed")
            break
        # Killed too late: the request committed (its files have rows). Try again.
        assert not orphans, "a request committed some of its files but not others"
    assert hit, "the kill never landed between a file being written and its row being committed in 5 attempts"

    def sweep() -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "evidence", "sweep",
                               "--older-than-hours", "1"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    # A fresh file may belong to a request still running: the sweep leaves it.
    assert "and 0 file(s) with no record" in sweep()
    assert hit <= files_on_disk(uploads)
    # An hour later (the clock of every stored file put back two hours), the orphan goes and nothing else.
    kept = files_on_disk(uploads) - hit
    for path in uploads.glob("*/*"):
        past = path.stat().st_mtime - 2 * 3600
        os.utime(path, (past, past))
    assert f"and {len(hit)} file(s) with no record; 0 record(s) whose file was already gone" in sweep()
    assert files_on_disk(uploads) == kept == evidence_rows(engine)


def test_absence_reports_killed_at_random_leave_no_half_record(portal):
    server, engine = portal["server"], portal["engine"]
    parents = _parents(engine, 5)[2:]
    clients = [(sign_in(portal, email), pupil_id) for email, pupil_id in parents]
    first_day = _reportable_day(*clients[0])
    assert first_day is not None, "no day in the next 60 that the moved example policy takes reports for"
    with engine.connect() as db:
        before = set(db.execute(text("SELECT reference FROM absence_report")).scalars())

    stop = threading.Event()
    shown: list[str] = []
    interrupted = [0]
    lock = threading.Lock()

    def step(client: Client, path: str, fields_for, want: str) -> str:
        """One POST, resent after a cut connection (as a browser's "resend" would), until it is answered."""
        for _ in range(100):
            try:
                status, location, page = client.post(path, fields_for())
            except (OSError, http.client.HTTPException):
                with lock:
                    interrupted[0] += 1
                time.sleep(0.2)
                continue
            assert status == 303 and want in location, (path, status, location, page[:500])
            return location
        raise AssertionError(f"{path}: no answer after 100 tries")

    def parent(client: Client, pupil_id: int, token: str):
        form = [("csrf_token", token), ("children", pupil_id), ("starts", "other"), ("first_day", first_day.day),
                ("first_day", first_day.month), ("first_day", first_day.year), ("last_day", ""), ("last_day", ""),
                ("last_day", ""), ("ends", "not_sure"), ("part", "day"), ("reason", "illness"),
                ("symptoms", "A cough"), ("appointment_time", ""), ("details", "")]
        while not stop.is_set():
            step(client, "/parent/report-absence", lambda: form, "/parent/report-absence/check")
            location = step(client, "/parent/report-absence/check", lambda: [("csrf_token", token)],
                            "/parent/reports/")
            with lock:
                shown.append(location.rsplit("/", 1)[1])

    # Each parent's form is opened before the first kill: only the submissions are cut.
    threads = [threading.Thread(target=parent, args=(client, pupil_id, client.token("/parent/report-absence")))
               for client, pupil_id in clients]
    for thread in threads:
        thread.start()
    rng = random.Random(9)
    kills = 0
    try:
        for _ in range(6):
            time.sleep(rng.uniform(0.1, 0.6))
            server.kill_worker()
            kills += 1
            server.wait_ready()
    finally:
        stop.set()
        for thread in threads:
            thread.join(120)
    server.wait_ready()

    print(f"{kills} kills, {interrupted[0]} requests cut off and sent again, {len(shown)} reports made")
    assert kills == 6
    assert interrupted[0] >= 1, "no kill landed during a request: the test proved nothing"
    assert len(shown) >= 3
    with engine.connect() as db:
        reports = {ref: report_id for report_id, ref in db.execute(text("SELECT id, reference FROM absence_report"))}
        new = set(reports) - before
        without_children = db.execute(text(
            "SELECT COUNT(*) FROM absence_report r WHERE NOT EXISTS "
            "(SELECT 1 FROM absence_report_child c WHERE c.report_id = r.id)")).scalar()
        keys = set(db.execute(text("SELECT key FROM outbox_message WHERE key LIKE 'absence:%'")).scalars())
        audited = set(db.execute(text("SELECT object_id FROM audit_event WHERE action = 'absence.reported'"))
                      .scalars())
        if portal["url"].startswith("sqlite"):
            assert db.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert without_children == 0
    assert {ref for ref in reports if f"absence:{ref}:received" not in keys} == set()
    assert {ref for ref, report_id in reports.items() if str(report_id) not in audited} == set()
    # Every report a parent was shown exists, and there is no other: none lost, none made twice.
    assert new == set(shown)
    assert len(shown) == len(set(shown))


def _reportable_day(client: Client, pupil_id: int) -> date | None:
    """The first day from today that the form accepts a report for (the check page follows): within the 60 days
    ahead the example policy takes reports for, so past a summer holiday too."""
    token = client.token("/parent/report-absence")
    for offset in range(60):
        day = school_today() + timedelta(days=offset)
        status, location, _ = client.post("/parent/report-absence", [
            ("csrf_token", token), ("children", pupil_id), ("starts", "other"), ("first_day", day.day),
            ("first_day", day.month), ("first_day", day.year), ("last_day", ""), ("last_day", ""), ("last_day", ""),
            ("ends", "not_sure"),
            ("part", "day"), ("reason", "illness"), ("symptoms", ""), ("appointment_time", ""), ("details", "")])
        if status == 303:
            return day
    return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
