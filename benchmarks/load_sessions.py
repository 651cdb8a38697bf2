"""Signed-in requests for the load benchmark, written as files that benchmarks/wrk/replay.lua sends.

    python benchmarks/load_sessions.py OUTDIR [--parents 2000] [--submissions 30000] [--mix 60000]
                                             [--user-agent portal-bench]

Runs in the app's own environment (PORTAL_INSTANCE_PATH, DATABASE_URL), in an app context, and writes to OUTDIR:

  attendance.tsv       GET  /parent/children/<id>        one line per child of each parent of three (expects 200)
  home.tsv             GET  /parent/                     one line per parent (200)
  absence_form.tsv     POST /parent/report-absence        the form, filled in for one child (303 to "check")
  absence_submit.tsv   POST /parent/report-absence, then  a submission: the form (303 to "check", the draft kept on
                       POST /parent/report-absence/check  the server) then "Send report" (303 to the report), so
                                                          every second request records a new report; each wrk
                                                          thread has parents of its own (--connections)
  morning.tsv          the same, one report after another (--morning reports)
  mix.tsv              the morning peak: parents who only look (home, then a child's page) and parents who
                       report (home, the form, POST it, send it, then the child's page), each visit on one
                       connection, in order
  staff.json           a trust-wide headteacher's cookie, to time the queue and oversight pages
  meta.json            counts and the day the reports are for

Parents are signed in without email: each one's session is made as signing in makes it (portal.web.session.sign_in in
a request context from 127.0.0.1 with the benchmark's User-Agent, so session protection sees the same client),
with a CSRF token, and signed with the instance's SECRET_KEY as Flask signs its session cookie. Nothing else of
the app is bypassed: every request goes through gunicorn, the session check, CSRF and the services.

Each line: METHOD <tab> PATH <tab> COOKIE <tab> BODY (urlencoded, may be empty) <tab> EXPECT (e.g. 200, 303
/parent/reports/: a status and the start of the Location it must point to).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_STAFF = "bench-headteacher@example.com"
THREE_CHILD_FAMILIES = 300


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--parents", type=int, default=2000, help="how many parents to sign in (default 2000)")
    parser.add_argument("--submissions", type=int, default=30000,
                        help="distinct drafts for absence_submit.tsv (default 30000)")
    parser.add_argument("--mix", type=int, default=60000, help="requests in mix.tsv (default 60000)")
    parser.add_argument("--morning", type=int, default=100, help="reports in morning.tsv, sent one at a time")
    parser.add_argument("--connections", type=int, default=50,
                        help="wrk's connections (one a thread): absence_submit.tsv and mix.tsv give each its own "
                             "parents")
    parser.add_argument("--user-agent", default="portal-bench")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)

    from portal import create_app

    app = create_app()
    with app.app_context():
        write_all(app, args)
    return 0


def write_all(app, args) -> None:
    from flask_wtf.csrf import generate_csrf
    from flask import g, session
    from sqlalchemy import func, select

    from portal.domain import absence as rules
    from portal.extensions import db
    from portal.models import Contact, ParentAccount, Trust
    from portal.services import absences, permissions as staff_service
    from portal.clock import utcnow
    from portal.services.parent_access import children_of
    from portal.web.session import sign_in

    rng = random.Random(args.seed)
    serializer = app.session_interface.get_signing_serializer(app)
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    headers = {"User-Agent": args.user_agent}

    def signed_in(user) -> tuple[dict, str]:
        """The session Flask-Login makes on sign-in, and the CSRF token a form on that session carries."""
        with app.test_request_context("/", environ_base=environ, headers=headers):
            # g outlives the request here (one app context for them all): without these, the next parent would
            # find the previous one signed in (Flask-Login keeps the user in g) and end their session, and share
            # their CSRF token.
            g.pop(app.config["WTF_CSRF_FIELD_NAME"], None)
            g.pop("_login_user", None)
            sign_in(user)
            token = generate_csrf()
            return dict(session), token

    children_count = func.count(Contact.pupil_id.distinct())
    counted = db.session.execute(
        select(ParentAccount.id, children_count).join(Contact).where(Contact.parental_responsibility.is_(True))
        .group_by(ParentAccount.id).order_by(ParentAccount.id)).all()
    ids = [account_id for account_id, _ in counted]
    rng.shuffle(ids)
    # The attendance page is measured as a parent with three children uses it (issue 20): every family of three
    # among the parents signed in, and up to THREE_CHILD_FAMILIES more of them.
    chosen = set(ids[:args.parents])
    threes = [account_id for account_id, n in counted if n == 3]
    rng.shuffle(threes)
    extra = [account_id for account_id in threes if account_id not in chosen][:THREE_CHILD_FAMILIES]
    parents = []
    for account_id in ids[:args.parents] + extra:
        account = db.session.get(ParentAccount, account_id)
        children = children_of(account)
        if not children:
            continue
        data, token = signed_in(account)
        parents.append({"id": account.id, "children": [c.id for c in children], "session": data, "csrf": token,
                        "cookie": serializer.dumps(data)})
        db.session.expunge_all()
    if not parents:
        raise SystemExit("load_sessions: no parent with a child in the database: run `flask demo` first")

    # The day the reports are for: the first day from today that every school accepts a report for (today on a
    # school day, before or after the register: a morning peak).
    now = utcnow()
    first_day = None
    for offset in range(0, 30):
        day = now.date() + timedelta(days=offset)
        ok = True
        for parent in parents[:50]:  # parents at every school of the trust, most likely
            account = db.session.get(ParentAccount, parent["id"])
            draft = absences.AbsenceDraft(pupil_ids=parent["children"][:1], first_day=day, last_day=day,
                                          part=rules.WHOLE_DAY, reason=rules.ILLNESS, submission_key="probe")
            if any(c.problems for c in absences.preview(account, draft, now)):
                ok = False
                break
        if ok:
            first_day = day
            break
    if first_day is None:
        raise SystemExit(f"load_sessions: no day from {now.date()} for 30 days that the schools take reports for")

    def form_body(parent: dict, n: int) -> str:
        child = parent["children"][n % len(parent["children"])]
        return urlencode([("csrf_token", parent["csrf"]), ("children", child), ("starts", "other"),
                          ("first_day", first_day.day), ("first_day", first_day.month),
                          ("first_day", first_day.year), ("ends", "not_sure"), ("last_day", ""), ("last_day", ""),
                          ("last_day", ""), ("part", rules.WHOLE_DAY), ("reason", rules.ILLNESS),
                          ("symptoms", "Temperature and a cough"), ("appointment_time", ""), ("details", "")])

    cookie_name = app.config["SESSION_COOKIE_NAME"]

    def line(method, path, cookie, body="", expect="200") -> str:
        return f"{method}\t{path}\t{cookie_name}={cookie}\t{body}\t{expect}\n"

    def submit_body(parent: dict) -> str:
        return urlencode([("csrf_token", parent["csrf"])])

    out = args.outdir
    families = [p for p in parents if len(p["children"]) == 3] or parents
    with open(out / "attendance.tsv", "w") as f:
        for parent in families:
            for child in parent["children"]:
                f.write(line("GET", f"/parent/children/{child}", parent["cookie"]))
    with open(out / "home.tsv", "w") as f:
        for parent in parents:
            f.write(line("GET", "/parent/", parent["cookie"]))
    with open(out / "absence_form.tsv", "w") as f:
        for n, parent in enumerate(parents):
            f.write(line("POST", "/parent/report-absence", parent["cookie"], form_body(parent, n),
                         "303 /parent/report-absence/check"))
    # Drafts are kept on the server, one per parent (portal.services.drafts): a submission is the form POSTed,
    # then "Send report", by the same parent in that order. Each wrk thread (one connection) has parents of its
    # own, so no two connections work on one parent's draft at once (interleave(): thread t sends lines t, t+N...).
    def report(parent: dict, n: int) -> list[str]:
        return [line("POST", "/parent/report-absence", parent["cookie"], form_body(parent, n),
                     "303 /parent/report-absence/check"),
                line("POST", "/parent/report-absence/check", parent["cookie"], submit_body(parent),
                     "303 /parent/reports/")]

    def interleave(per_thread: list[list[str]]) -> list[str]:
        longest = max(len(lines) for lines in per_thread)
        return [lines[i % len(lines)] for i in range(longest) for lines in per_thread if lines]

    threads = args.connections
    own = [parents[t::threads] for t in range(threads)]
    per_thread = -(-args.submissions // threads)
    with open(out / "absence_submit.tsv", "w") as f:  # for wrk: N threads, each its parents' reports in turn
        f.writelines(interleave([[text for n in range(per_thread) for text in report(mine[n % len(mine)], n)]
                                 for mine in own if mine]))
    with open(out / "morning.tsv", "w") as f:  # one at a time, in order: a morning's reports
        f.writelines(text for n, parent in zip(range(args.morning), itertools.cycle(parents))
                     for text in report(parent, n))
    visits = []
    for mine in own:
        lines, n = [], 0
        while mine and len(lines) * threads < args.mix:
            parent = mine[n % len(mine)]
            child = parent["children"][n % len(parent["children"])]
            lines.append(line("GET", "/parent/", parent["cookie"]))
            if n % 2:  # every other parent reports an absence on the way
                lines += [line("GET", "/parent/report-absence", parent["cookie"]), *report(parent, n)]
            lines.append(line("GET", f"/parent/children/{child}", parent["cookie"]))
            n += 1
        visits.append(lines)
    mixed = 0
    with open(out / "mix.tsv", "w") as f:
        mixed_lines = interleave([v for v in visits if v])
        mixed = len(mixed_lines)
        f.writelines(mixed_lines)

    trust = db.session.scalar(select(Trust).order_by(Trust.id))
    staff, _ = staff_service.add_staff(BENCH_STAFF, "Bench Headteacher", "headteacher", actor="system:bench",
                                       trust_slug=trust.slug, password=None)
    db.session.commit()
    staff_session, _ = signed_in(staff)
    (out / "staff.json").write_text(json.dumps({"cookie": f"{cookie_name}={serializer.dumps(staff_session)}"}))
    (out / "meta.json").write_text(json.dumps({
        "parents": len(parents), "children": sum(len(p["children"]) for p in parents),
        "three_child_families": sum(1 for p in parents if len(p["children"]) == 3),
        "submissions": args.submissions, "mix": mixed, "first_day": first_day.isoformat(),
        "user_agent": args.user_agent,
    }, indent=1))


if __name__ == "__main__":
    sys.exit(main())
