"""The parent's hot paths in-process, beside the bare endpoint in the same loop: for before/after comparisons on a
shared machine, where gunicorn runs move by more than a change does (BENCHMARKS.md).

    python benchmarks/in_process.py DIR [--rounds 3] [--pages 120] [--submissions 40] [--profile FILE]

DIR is the SQLite folder `load.py --keep KEEP --db sqlite` left, KEEP/sqlite (or one made by hand, with
PORTAL_INSTANCE_PATH=DIR/instance and DATABASE_URL=sqlite:///DIR/portal.sqlite: `flask db upgrade`, `flask demo`,
then `load_sessions.py DIR/requests`): its database and instance are used in place, the requests read from
DIR/requests/attendance.tsv and absence_submit.tsv. Each round times the bare endpoint (benchmarks/bare_app.py,
through Flask's test client as well), `--pages` kept child pages (after one round of warm-up that keeps them) and
`--submissions` submissions (the form POSTed, then "Send report"), and prints each and its share of the bare
endpoint's throughput (a submission's per request, as load.py counts it: each of its two POSTs is a request). `--profile FILE` writes a cProfile of the pages and submissions of the last round.
The code measured is this checkout's, or `--code`'s: alternate two checkouts to compare them.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def requests_of(path: Path) -> list[tuple[str, str, str, str, str]]:
    return [tuple(line.rstrip("\n").split("\t")) for line in path.open()]


CLOCK = time.process_time  # CPU seconds of this process: what the other work on a shared machine disturbs least


def per_request(client, lines, environ) -> float:
    """Seconds a request, each answer checked against what its line expects."""
    start = CLOCK()
    for method, path, cookie, body, expect in lines:
        name, _, value = cookie.partition("=")
        client.set_cookie(name, value)
        response = client.open(path, method=method, data=body or None, environ_base=environ,
                               content_type="application/x-www-form-urlencoded" if body else None,
                               headers={"User-Agent": "portal-bench", "Accept": "text/html"})
        status, _, location = expect.partition(" ")
        if str(response.status_code) != status or not response.headers.get("Location", "").startswith(location):
            raise SystemExit(f"in_process: {method} {path} answered {response.status_code} "
                             f"{response.headers.get('Location', '')}, expected {expect}")
    return (CLOCK() - start) / len(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--wall", action="store_true",
                        help="time on the wall clock (with the disk's waits) rather than in CPU seconds")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose portal is measured (default: this one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    global CLOCK
    CLOCK = time.perf_counter if args.wall else time.process_time
    folder = args.folder.resolve()
    database = next(iter(sorted(folder.glob("*.sqlite"))), None)
    os.environ.setdefault("PORTAL_INSTANCE_PATH", str(folder / "instance"))
    if database and "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("PORTAL_BASE_URL", "http://127.0.0.1")

    import logging

    import bare_app
    from portal import create_app

    app = create_app()
    logging.getLogger("portal.access").disabled = True  # the terminal, not the figures
    requests = folder / "requests"
    pages = requests_of(requests / "attendance.tsv")[:args.pages]
    submit = requests_of(requests / "absence_submit.tsv")
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    portal, bare = app.test_client(), bare_app.app.test_client()
    bare_lines = [("GET", "/", "x=y", "", "200")] * 500
    per_request(portal, pages, environ)  # warm-up: the pages are kept
    per_request(portal, submit[:4], environ)  # and what a first submission loads once (the calendars' holidays)
    used = 4
    for round_ in range(1, args.rounds + 1):
        profile = cProfile.Profile() if args.profile and round_ == args.rounds else None
        bare_before = per_request(bare, bare_lines, environ)
        if profile:
            profile.enable()
        page = per_request(portal, pages, environ)
        pairs = submit[used:used + 2 * args.submissions]
        used += len(pairs)
        post = per_request(portal, pairs, environ) if pairs else float("nan")  # load.py's unit: one of the 2 POSTs
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        bare_after = per_request(bare, bare_lines, environ)
        bare_ms = (bare_before + bare_after) / 2
        print(f"round {round_}: bare {bare_ms * 1000:.3f} ms; kept child page {page * 1000:.2f} ms, "
              f"{bare_ms / page:.1%} of bare (goal 40%); submission (form + Send) {post * 2000:.2f} ms, "
              f"{bare_ms / post:.1%} of bare a request (goal 20%)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
