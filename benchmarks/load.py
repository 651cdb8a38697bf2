"""Load benchmark: the morning peak against gunicorn, next to a bare Flask endpoint served the same way.

    python benchmarks/load.py [--pupils 20000] [--db sqlite,postgresql] [--duration 60] [--connections 50]
                              [--soak 300] [--workers N] [--parents 2000] [--keep DIR] [--json FILE] [--check]

For each database (SQLite; PostgreSQL on a private server started on 127.0.0.1 and stopped afterwards, as in
.ci/run), in a fresh folder:

 1. `flask db upgrade` and `flask demo --pupils N`: a demo trust with this school year's marks up to today.
 2. benchmarks/load_sessions.py signs parents in (session cookies made as sign-in makes them) and writes the
    requests: each parent's children's attendance pages, their home page, the absence form filled in, and one
    distinct draft per absence submission; and a trust-wide headteacher for the staff pages.
 3. Starts two gunicorns with the same settings (sync workers, 127.0.0.1): the portal, and benchmarks/bare_app.py
    (a bare Flask view returning a small page). Email goes to a local SMTP sink (aiosmtpd), as in production the
    outbox sends it after each response.
 4. Sends "a morning's reports" (absence reports for 5% of the pupils, one at a time) and times the staff queue
    and the oversight page of the whole trust (each a few times, one request at a time).
 5. Drives each page with wrk from 127.0.0.1 (benchmarks/wrk/replay.lua: as many threads as connections, every
    answer checked: status and redirect target) for --duration seconds at --connections clients, after a short
    warm-up; the bare endpoint before the first page and after each one, for --bare-duration seconds. Each page's
    ratio is against the mean of the bare runs either side of it.
 6. The soak: the morning peak mixed (parents looking at their children's pages, parents reporting absences:
    home, form, POST, send, child's page) at --connections clients for --soak seconds. Goal: no error at all.
 7. Times the staff pages again (the queue now holds every report the load made), then checks the database: every
    report has its children, its acknowledgement in the outbox and its audit event; and scans gunicorn's log for
    errors and worker timeouts.

Prints throughput and p95 latency of each page next to the bare endpoint's, the ratios and the goals (issue 9:
attendance page >= 40% of the bare endpoint's throughput, absence submission >= 20%, no error under 50 clients for
5 minutes, the oversight page of the whole trust under a second). Absolute figures on shared machines are noisy;
the ratios, measured side by side in one run, are the ones to quote. See benchmarks/README.md.

Needs wrk (apt-get install -y wrk); PostgreSQL needs root and Debian's postgresql package (else it is skipped,
or give --postgres-url for an empty database you can spare). Exits 0 unless something failed; with --check,
exits 1 when a goal is not met; 2 when wrk is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scaling  # benchmarks/scaling.py: more than one portal server, and peak memory
from common import call  # benchmarks/common.py: the scripts run from this folder

from portal.clock import school_today

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
REPLAY = BENCH / "wrk" / "replay.lua"
USER_AGENT = "portal-bench"

# (key, what it is, the request file from load_sessions.py)
PAGES = [
    ("attendance", "parent: a child's attendance page   GET  /parent/children/<id>", "attendance.tsv"),
    ("home", "parent: home (children, reports)   GET  /parent/", "home.tsv"),
    ("absence_form", "parent: absence form filled in    POST /parent/report-absence", "absence_form.tsv"),
    ("absence_submit", "parent: absence submission (form, then send: 2 POSTs)", "absence_submit.tsv"),
]
GOALS = {"attendance": 0.40, "absence_submit": 0.20}  # share of the bare endpoint's throughput
OVERSIGHT_GOAL_S = 1.0
STAFF_PAGES = [("queue", "/staff/"), ("oversight", "/staff/oversight")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=20000, help="pupils in the demo trust (default 20000)")
    parser.add_argument("--seed", type=int, default=2026, help="the demo's random seed")
    parser.add_argument("--db", default="sqlite,postgresql", help="databases, comma-separated: sqlite, postgresql")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per page (default 60)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--soak", type=int, default=300,
                        help="seconds of the mixed morning peak (default 300; 0 skips it)")
    parser.add_argument("--bare-duration", type=int,
                        help="seconds of each bare endpoint run (default half of --duration, at least 10)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per page, not counted")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn sync workers, for the portal and the bare app alike (default 2 x cores + 1)")
    parser.add_argument("--timeout", type=int, default=120,
                        help="gunicorn's worker timeout in seconds (default 120; gunicorn's own default is 30)")
    parser.add_argument("--client-timeout", type=int, default=30,
                        help="seconds wrk waits for an answer before counting a timeout (default 30)")
    parser.add_argument("--parents", type=int, default=2000, help="parents signed in for the load (default 2000)")
    parser.add_argument("--staff-repeats", type=int, default=3, help="times each staff page is timed (default 3)")
    parser.add_argument("--pages", help="only these pages, comma-separated: " + ", ".join(k for k, *_ in PAGES))
    parser.add_argument("--portal-app", default="portal:create_app()",
                        help="the portal as gunicorn loads it (default portal:create_app()); another module that "
                             "wraps it, on PYTHONPATH, to measure a change")
    parser.add_argument("--postgres-url", help="use this (empty) PostgreSQL database instead of starting one")
    parser.add_argument("--pg-fsync-off", action="store_true",
                        help="the private PostgreSQL server with fsync off, as .ci/run (for runs that measure the "
                             "CPU, not the disk's commits)")
    parser.add_argument("--instances", type=int, default=1,
                        help="after the pages on one portal server, run them again and the soak on this many "
                             "(separate gunicorns on their own ports, one database), the clients spread across them")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is not met")
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        print("benchmark: wrk is needed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    databases = [d.strip() for d in args.db.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"--db: unknown {', '.join(sorted(unknown))}")
    pages = [p for p in PAGES if not args.pages or p[0] in args.pages.split(",")]
    if args.instances < 1 or args.connections % args.instances:
        parser.error("--instances: at least 1, and a divisor of --connections (each gets its share of clients)")

    work = args.keep or Path(tempfile.mkdtemp(prefix="portal-load-"))
    work.mkdir(parents=True, exist_ok=True)
    machine = describe_machine()
    print(f"Load benchmark: {args.pupils:,} pupils; {args.workers} gunicorn sync workers; wrk from 127.0.0.1 with "
          f"{args.connections} connections, {args.duration} s per page, soak {args.soak} s; in {work}", flush=True)
    print(f"  machine: {machine}", flush=True)
    report = {"date": school_today().isoformat(), "machine": machine, "settings": {
        k: v for k, v in vars(args).items() if k not in {"keep", "json", "check"}}, "databases": {}}
    met_all = True
    try:
        with smtp_sink(work) as mail_port:
            for kind in databases:
                result = run_database(kind, args, pages, work / kind, mail_port)
                report["databases"][kind] = result
                if result.get("skipped"):
                    continue
                met_all &= print_result(kind, result, args)
    finally:
        if args.json:
            args.json.write_text(json.dumps(report, indent=1, default=str))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if args.check and not met_all else 0


# ------------------------------------------------------------------------------------------------- one database
def run_database(kind: str, args, pages, folder: Path, mail_port: int | None) -> dict:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'portal.sqlite'}"
        elif args.postgres_url:
            url = args.postgres_url
        else:
            why = postgres_unavailable()
            if why:
                print(f"\nPostgreSQL: skipped ({why})", flush=True)
                return {"skipped": why}
            url = stack.enter_context(private_postgres(fsync=not args.pg_fsync_off))
        env = dict(os.environ, PORTAL_INSTANCE_PATH=str(folder / "instance"), DATABASE_URL=url,
                   PORTAL_BASE_URL="http://127.0.0.1",  # served as in production, which needs one
                   PYTHONWARNINGS="ignore",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        if mail_port:
            env.update(PORTAL_MAIL_SERVER="127.0.0.1", PORTAL_MAIL_PORT=str(mail_port))
        name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
        print(f"\n{name}: {url.split('@')[-1]}", flush=True)
        result: dict = {"database": name}

        flask = [sys.executable, "-m", "flask", "--app", "portal"]
        call(flask + ["db", "upgrade"], env)
        demo_output: list[str] = []
        output, seconds, peak = scaling.measured(flask + ["demo", "--pupils", str(args.pupils), "--seed",
                                                          str(args.seed)], env)
        demo_output.append(output)
        result["demo_seconds"] = round(seconds, 1)
        result["demo_peak_mb"] = peak
        marks = next((line.strip() for line in demo_output[0].splitlines() if line.strip().startswith("Marks:")), "")
        result["demo_marks"] = marks
        print(f"  demo trust of {args.pupils:,} pupils imported in {seconds:.0f} s (peak {peak:,.0f} MB); {marks}",
              flush=True)

        morning = max(10, args.pupils // 20)  # a morning's reports: 5% of pupils
        measured = max(2000, args.duration * 400)
        requests = folder / "requests"
        call([sys.executable, str(BENCH / "load_sessions.py"), str(requests), "--parents", str(args.parents),
              "--submissions", str(measured), "--morning", str(morning), "--connections", str(args.connections),
              "--mix", str(max(2000, args.soak * 500)), "--user-agent", USER_AGENT], env)
        meta = json.loads((requests / "meta.json").read_text())
        result["sessions"] = meta
        print(f"  {meta['parents']:,} parents signed in ({meta['children']:,} children); reports are for "
              f"{meta['first_day']}", flush=True)
        bare_file = requests / "bare.tsv"
        bare_file.write_text("GET\t/\t\t\t200\n" * args.connections)

        portal_port, bare_port = free_port(), free_port()
        logs = folder / "logs"
        logs.mkdir()
        portal = stack.enter_context(gunicorn(args.portal_app, ROOT, portal_port, args, env, logs / "portal.log"))
        stack.enter_context(gunicorn("bare_app:app", BENCH, bare_port, args, env, logs / "bare.log"))
        wait_ready(portal_port, "/health")
        wait_ready(bare_port, "/")
        portal_url, bare_url = f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{bare_port}"
        staff_cookie = json.loads((requests / "staff.json").read_text())["cookie"]

        # A morning's reports, one at a time, then the staff pages with that queue.
        sent = send_lines(portal_port, requests / "morning.tsv")
        result["morning_reports"] = sent
        print(f"  a morning's reports sent: {sent['ok']:,} of {sent['lines']:,} answered as expected", flush=True)
        result["staff_before"] = time_staff(portal_port, staff_cookie, args.staff_repeats)
        result["staff_before"]["open_reports"] = counts(env)["open_report_children"]
        print_staff("  staff pages", result["staff_before"])
        result["oversight_cold"] = time_cold_oversight(portal_port, staff_cookie, env, flask)
        result["oversight_kept"] = time_staff(portal_port, staff_cookie, args.staff_repeats)["oversight"]
        cold = result["oversight_cold"]
        print(f"  oversight with no figures kept (as after an MIS import): first request {cold['first_request']:.2f} s "
              f"(status {cold['status']}), the next {cold['next_request']:.2f} s; `attendance refresh` for the "
              f"whole trust {cold['refresh']:.1f} s (peak {cold['refresh_peak_mb']:,.0f} MB); oversight after it "
              f"{result['oversight_kept']['median']:.2f} s", flush=True)

        # Each page under load, with the bare endpoint measured between them: each page's ratio is taken against
        # the bare runs either side of it, so a machine that slows down during the run does not skew it.
        runs, bare_runs = {}, []
        bare_seconds = args.bare_duration or min(args.duration, max(10, args.duration // 2))
        warm_up(bare_url, bare_file, args)
        bare_runs.append(wrk(bare_url, bare_file, bare_seconds, args))
        show_run("bare Flask endpoint", bare_runs[-1])
        for key, label, filename in pages:
            warm_up(portal_url, requests / filename, args)
            runs[key] = wrk(portal_url, requests / filename, args.duration, args)
            show_run(label, runs[key])
            bare_runs.append(wrk(bare_url, bare_file, bare_seconds, args))
            show_run("bare Flask endpoint", bare_runs[-1])
            runs[key]["bare_req_per_s"] = statistics.mean(r["req_per_s"] for r in bare_runs[-2:])
            runs[key]["bare_p95_ms"] = statistics.mean(r["latency_ms"]["p95"] for r in bare_runs[-2:])
        result["bare_runs"] = bare_runs
        result["runs"] = runs

        servers = [portal_url]
        if args.instances > 1:
            # More portal servers on the same database: separate gunicorns (separate processes, their own ports),
            # as behind a load balancer on other machines. The same pages again, the clients spread across them.
            for number in range(2, args.instances + 1):
                port = free_port()
                stack.enter_context(gunicorn(args.portal_app, ROOT, port, args, env, logs / f"portal{number}.log"))
                wait_ready(port, "/health")
                servers.append(f"http://127.0.0.1:{port}")
            result["spread"] = scaling.spread_pages(servers, pages, requests, bare_url, bare_file, bare_seconds,
                                                    args, wrk, show_run)
        if args.soak:
            result["soak"] = scaling.spread(servers, requests / "mix.tsv", args.soak, args, wrk)
            show_run(f"morning peak mix, {args.soak} s" + (f", on {len(servers)} portal servers"
                                                          if len(servers) > 1 else ""), result["soak"])
        result["memory_mb"] = scaling.gunicorn_peaks(portal)

        result["staff_after"] = time_staff(portal_port, staff_cookie, args.staff_repeats)
        result["integrity"] = counts(env)
        result["staff_after"]["open_reports"] = result["integrity"]["open_report_children"]
        print_staff("  staff pages after the load", result["staff_after"])
        check = result["integrity"]
        print(f"  database after the load: {check['reports']:,} reports, {check['reports_without_children']} "
              f"without children, {check['reports_without_email']} without their email in the outbox, "
              f"{check['absence_audit_events']:,} 'absence.reported' audit events", flush=True)
    result["log"] = scan_logs(logs)  # the servers have stopped: their logs are complete
    if result["log"]["first"]:
        print("  gunicorn's log: " + " | ".join(result["log"]["first"]), flush=True)
    return result


def counts(env: dict) -> dict:
    """Reports and their parts, straight from the database, in the app's own environment."""
    script = r"""
import json
from sqlalchemy import func, select, exists
from portal import create_app
from portal.extensions import db
from portal.models import AbsenceReport, AbsenceReportChild, OutboxMessage
from portal.models.audit import AuditEvent
app = create_app()
with app.app_context():
    s = db.session
    reports = s.scalar(select(func.count()).select_from(AbsenceReport))
    no_child = s.scalar(select(func.count()).select_from(AbsenceReport).where(
        ~exists().where(AbsenceReportChild.report_id == AbsenceReport.id)))
    keys = set(s.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like("absence:%:received"))))
    refs = list(s.scalars(select(AbsenceReport.reference)))
    no_mail = sum(1 for r in refs if f"absence:{r}:received" not in keys)
    audited = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "absence.reported"))
    open_children = s.scalar(select(func.count()).select_from(AbsenceReportChild).where(
        AbsenceReportChild.status.in_(("received", "question", "answered"))))
    print(json.dumps({"reports": reports, "reports_without_children": no_child, "reports_without_email": no_mail,
                      "absence_audit_events": audited, "open_report_children": open_children}))
"""
    return json.loads(call([sys.executable, "-c", script], env).strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------------ the load
def wrk(url: str, requests: Path, seconds: int, args) -> dict:
    threads = args.connections  # one connection per thread: answers come back in order and are checked
    command = ["wrk", "-t", str(threads), "-c", str(args.connections), "-d", f"{seconds}s",
               "--timeout", f"{args.client_timeout}s", "-s", str(REPLAY), url, "--", str(requests), str(threads),
               USER_AGENT]
    output = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    if output.returncode != 0 or not lines:
        sys.stderr.write(output.stdout[-3000:] + output.stderr[-3000:])
        raise SystemExit(f"benchmark: wrk failed on {requests.name} (exit {output.returncode})")
    result = json.loads(lines[-1][len("RESULT "):])
    result["file"] = requests.name
    result["failures"] = sum(result["errors"].values()) + result["unexpected"]
    return result


def warm_up(url: str, requests: Path, args) -> None:
    if args.warmup > 0:
        wrk(url, requests, args.warmup, args)


def send_lines(port: int, requests: Path) -> dict:
    """Send each line once, one at a time, and count the answers that were as expected."""
    ok = 0
    lines = requests.read_text().splitlines()
    for text in lines:
        method, path, cookie, body, expect = text.split("\t")
        status, location = request(port, method, path, cookie, body)[:2]
        want_status, _, want_location = expect.partition(" ")
        ok += status == int(want_status) and want_location in location
    return {"lines": len(lines), "ok": ok}


def request(port: int, method: str, path: str, cookie: str = "", body: str = "") -> tuple[int, str, int, float]:
    """(status, Location, bytes, seconds) of one request on a new connection."""
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, response.getheader("Location") or "", len(data), time.perf_counter() - start
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"{type(exc).__name__}: {exc}", 0, time.perf_counter() - start
    finally:
        connection.close()


def time_staff(port: int, cookie: str, repeats: int) -> dict:
    """Each staff page `repeats` times, one request at a time: seconds, status and size of each."""
    timings = {}
    for name, path in STAFF_PAGES:
        answers = [request(port, "GET", path, cookie) for _ in range(repeats)]
        timings[name] = {"path": path, "seconds": [round(a[3], 3) for a in answers],
                         "status": [a[0] for a in answers], "bytes": answers[-1][2],
                         "median": round(statistics.median(a[3] for a in answers), 3),
                         "max": round(max(a[3] for a in answers), 3)}
    return timings


FORGET_FIGURES = r"""
from portal import create_app
from portal.extensions import db
from portal.models import PupilFigures

app = create_app()
with app.app_context():
    db.session.query(PupilFigures).delete()
    db.session.commit()
"""


def time_cold_oversight(port: int, cookie: str, env: dict, flask: list[str]) -> dict:
    """Oversight when no pupil's figures are kept (right after an MIS import changed every pupil's marks, before
    `attendance refresh`): the page works them all out. Then the nightly `attendance refresh` on its own."""
    call([sys.executable, "-c", FORGET_FIGURES], env)
    status, _, _, first = request(port, "GET", "/staff/oversight", cookie)
    _, _, _, following = request(port, "GET", "/staff/oversight", cookie)
    call([sys.executable, "-c", FORGET_FIGURES], env)
    _, refresh, peak = scaling.measured(flask + ["attendance", "refresh"], env)
    return {"first_request": round(first, 3), "status": status, "next_request": round(following, 3),
            "refresh": round(refresh, 1), "refresh_peak_mb": peak}


# ----------------------------------------------------------------------------------------------------- printing
def show_run(label: str, run: dict) -> None:
    flaws = []
    if run["unexpected"]:
        flaws.append(f"{run['unexpected']} unexpected answers, e.g. {run['examples'][:200]}")
    errors = {k: v for k, v in run["errors"].items() if v}
    if errors:
        flaws.append(f"wrk errors {errors}")
    print(f"  {label:<70} {run['req_per_s']:>9,.1f} req/s  p95 {run['latency_ms']['p95']:>8,.1f} ms"
          + (f"  [{'; '.join(flaws)}]" if flaws else ""), flush=True)


def print_staff(title: str, staff: dict) -> None:
    parts = [f"{name} {t['median']:.2f} s (max {t['max']:.2f}, status {'/'.join(map(str, sorted(set(t['status']))))})"
             for name, t in staff.items() if isinstance(t, dict)]
    print(f"{title} ({staff['open_reports']:,} open reports): " + "; ".join(parts), flush=True)


def print_result(kind: str, result: dict, args) -> bool:
    runs, bare_runs = result["runs"], result["bare_runs"]
    bare_all = [r["req_per_s"] for r in bare_runs]
    print(f"\n{result['database']}: {args.pupils:,} pupils, {args.workers} workers, {args.connections} connections, "
          f"{args.duration} s a page")
    print(f"{'page':<70} {'req/s':>9} {'p95 ms':>9} {'vs bare':>8}   goal")
    print(f"{'bare Flask endpoint (' + str(len(bare_runs)) + ' runs between the pages)':<70} "
          f"{statistics.mean(bare_all):>9,.1f} "
          f"{statistics.mean(r['latency_ms']['p95'] for r in bare_runs):>9,.1f} {'100%':>8}   "
          f"(runs from {min(bare_all):,.0f} to {max(bare_all):,.0f} req/s; each page is compared with the runs "
          "either side of it)")
    met_all = True
    for key, label, _ in PAGES:
        if key not in runs:
            continue
        run = runs[key]
        share = run["req_per_s"] / run["bare_req_per_s"] if run["bare_req_per_s"] else 0.0
        goal = GOALS.get(key)
        verdict = ""
        if goal is not None:
            met = share >= goal and run["failures"] == 0
            met_all &= met
            verdict = f"{'met' if met else 'NOT met'} (>= {goal:.0%})"
        if run["failures"]:
            verdict += f" {run['failures']} failed"
        print(f"{label:<70} {run['req_per_s']:>9,.1f} {run['latency_ms']['p95']:>9,.1f} {share:>8.1%}   {verdict}")
    if "soak" in result:
        soak = result["soak"]
        clean = soak["failures"] == 0 and not result["log"]["errors"] and not result["log"]["timeouts"]
        met_all &= clean
        print(f"{'morning peak mix, ' + str(args.soak) + ' s (' + format(soak['requests'], ',') + ' requests)':<70} "
              f"{soak['req_per_s']:>9,.1f} {soak['latency_ms']['p95']:>9,.1f} {'':>8}   "
              f"{'met' if clean else 'NOT met'} (no error: {soak['failures']} failed answers, "
              f"{result['log']['errors']} errors and {result['log']['timeouts']} worker timeouts in the log)")
    oversight = result["staff_before"]["oversight"]
    fine = oversight["max"] < OVERSIGHT_GOAL_S and set(oversight["status"]) == {200}
    met_all &= fine
    print(f"{'staff oversight, whole trust (' + format(result['staff_before']['open_reports'], ',') + ' open reports)':<70} "
          f"{oversight['median']:>8.2f}s {'':>9} {'':>8}   {'met' if fine else 'NOT met'} (< {OVERSIGHT_GOAL_S:g} s)")
    kept = result["oversight_kept"]
    print(f"{'staff oversight, whole trust, right after attendance refresh':<70} {kept['median']:>8.2f}s")
    cold = result["oversight_cold"]
    print(f"{'staff oversight, no figures kept (first request after an MIS import)':<70} "
          f"{cold['first_request']:>8.2f}s {'':>9} {'':>8}   then {cold['next_request']:.2f} s; "
          f"attendance refresh {cold['refresh']:.1f} s")
    queue = result["staff_before"]["queue"]
    print(f"{'staff queue, whole trust (first page of 100)':<70} {queue['median']:>8.2f}s")
    scaling.print_spread(result, args)
    memory = result["memory_mb"]
    print(f"memory: a portal worker's peak {max(memory['workers'], default=0):,.0f} MB (of {len(memory['workers'])} "
          f"workers; the master {memory['master']:,.0f} MB); `flask demo` {result['demo_peak_mb']:,.0f} MB, "
          f"`attendance refresh` {result['oversight_cold']['refresh_peak_mb']:,.0f} MB")
    print()
    return met_all


# ----------------------------------------------------------------------------------------------------- plumbing
@contextlib.contextmanager
def gunicorn(app_spec: str, chdir: Path, port: int, args, env: dict, log: Path):
    """gunicorn with the settings both apps share; stopped (TERM, then KILL) on the way out."""
    command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--timeout", str(args.timeout), "--chdir", str(chdir),
               "--log-level", "warning", "--error-logfile", str(log)]
    if gunicorn_has("--no-control-socket"):
        command.append("--no-control-socket")  # gunicorn 27+: two servers would share one control socket
    process = subprocess.Popen(command + [app_spec], env=env, cwd=chdir, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_GUNICORN_HELP: list[str] = []


def gunicorn_has(option: str) -> bool:
    if not _GUNICORN_HELP:
        _GUNICORN_HELP.append(subprocess.run([sys.executable, "-m", "gunicorn", "--help"], capture_output=True,
                                             text=True).stdout)
    return option in _GUNICORN_HELP[0]


def wait_ready(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if request(port, "GET", path)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"benchmark: nothing answered on 127.0.0.1:{port}{path} within {seconds:g} s")


@contextlib.contextmanager
def smtp_sink(work: Path):
    """A local SMTP server that accepts and drops every message (aiosmtpd's Sink); None if aiosmtpd is missing."""
    if importlib.util.find_spec("aiosmtpd") is None:
        print("  (aiosmtpd not installed: email fails and is retried later, as with a mail server down)")
        yield None
        return
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
                                "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def postgres_unavailable() -> str | None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "Debian's postgresql package is not installed: apt-get install -y postgresql"
    if os.geteuid() != 0:
        return "starting a private server needs root (runuser -u postgres); or give --postgres-url"
    return None


@contextlib.contextmanager
def private_postgres(fsync: bool = True):
    """A throwaway PostgreSQL server on 127.0.0.1 (docs: /work/shared/tooling.md), stopped and removed on the way
    out. Its folder is a temporary one of its own, owned by the postgres user (who cannot enter ours)."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    folder = Path(tempfile.mkdtemp(prefix="portal-load-pg-"))
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    try:
        shutil.chown(folder, "postgres")
        (folder / "pw").write_text("secret\n")
        shutil.chown(folder / "pw", "postgres")
        run_or_explain(as_postgres + [str(pgbin / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                                      f"--pwfile={folder / 'pw'}", "--auth-host=scram-sha-256", "--auth-local=peer",
                                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        # fsync stays on (unlike the test suite's server): commits cost what they cost in production; off only
        # when asked (--pg-fsync-off, as .ci/run), to measure the CPU a page costs rather than this disk.
        run_or_explain(as_postgres + [str(pgbin / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"),
                                      "-w", "-t", "30", "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} "
                                                              "-c max_connections=200"
                                                              + ("" if fsync else " -c fsync=off"), "start"],
                       folder / "log")
        run_or_explain([str(pgbin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qc",
                        "CREATE DATABASE portal"], env=dict(os.environ, PGPASSWORD="secret"))
        yield f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/portal"
    finally:
        if (folder / "data" / "postmaster.pid").exists():
            subprocess.run(as_postgres + [str(pgbin / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w",
                                          "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def run_or_explain(command: list[str], log: Path | None = None, env: dict | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
        if log and log.exists():
            sys.stderr.write(log.read_text()[-2000:])
        raise SystemExit(f"benchmark: {' '.join(command[:6])} ... failed (exit {result.returncode})")


def scan_logs(folder: Path) -> dict:
    """Errors and worker timeouts gunicorn logged (at level warning and above) for the portal."""
    text = "".join(log.read_text(errors="replace") for log in sorted(folder.glob("portal*.log")))  # each server
    lines = text.splitlines()
    errors = [line for line in lines if "[ERROR]" in line or "Traceback" in line]
    timeouts = [line for line in lines if "WORKER TIMEOUT" in line]
    return {"errors": len(errors), "timeouts": len(timeouts), "first": (errors + timeouts)[:5]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def describe_machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip()
    return (f"{os.cpu_count()} cores ({cpu}){memory}; Python {sys.version.split()[0]}; "
            f"{wrk_version or 'wrk'}")




if __name__ == "__main__":
    sys.exit(main())
