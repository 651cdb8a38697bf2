"""Benchmark: `import marks` against sqlite3's `.import`, and `attendance alerts` against one raw SQL aggregate.

    python benchmarks/import_and_alerts.py [--pupils 20000] [--seed 1] [--today DATE] [--keep DIR] [--check]
                                           [--profile DIR]

Generates a demo trust (examples/alp.toml) of N pupils with a school year of marks as CSV, into a fresh SQLite
database in a temporary folder, then times in the same run (wall clock, each command a fresh process):

  (a) `flask --app portal import marks marks.csv`   vs   `sqlite3 DB ".mode csv" ".import marks.csv raw_marks"`
  (b) `flask --app portal attendance alerts --json` vs   one GROUP BY over the same `mark` table, via sqlite3

and prints the seconds, the ratios and whether each goal (within 3x) is met. Absolute times on shared machines
are noisy; the ratios, measured side by side, are the figures to quote. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from common import as_deployed, call, timed  # benchmarks/common.py: the scripts run from this folder

from portal.clock import school_today


ROOT = Path(__file__).resolve().parent.parent
GOAL = 3.0

# The raw aggregate: per pupil, the counts every alert starts from (codes as in portal.domain.codes).
RAW_AGGREGATE = """
SELECT pupil_id,
       SUM(code NOT IN ('D','Q','X','Y1','Y2','Y3','Y4','Y5','Y6','Y7','Z','#')) AS possible,
       SUM(code IN ('/','\\','L','K','V','P','W','B')) AS attended,
       SUM(code IN ('C','C1','C2','E','I','J1','M','R','S','T')) AS authorised,
       SUM(code IN ('G','N','O','U')) AS unauthorised,
       MIN(date), MAX(date)
FROM mark GROUP BY pupil_id;
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=20000, help="pupils in the demo trust (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the demo generator")
    parser.add_argument("--policy", default=str(ROOT / "examples" / "alp.toml"), help="the trust's policy file")
    parser.add_argument("--today", type=date.fromisoformat, default=default_today(),
                        help="the demo's 'today' (YYYY-MM-DD); default 31 July of the last school year that "
                             "has ended, so the marks fill a whole school year")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is not met")
    parser.add_argument("--profile", type=Path,
                        help="also profile both portal commands with cProfile into this folder (after timing)")
    args = parser.parse_args(argv)

    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        print("benchmark: the sqlite3 command-line shell is needed (apt-get install -y sqlite3)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="portal-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, work, sqlite3)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path, sqlite3: str) -> int:
    database = work / "bench.sqlite"
    for stale in (database, work / "instance"):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    # PORTAL_BASE_URL: an app made outside `flask` needs one.
    env = as_deployed(dict(os.environ, PORTAL_INSTANCE_PATH=str(work / "instance"),
                           DATABASE_URL=f"sqlite:///{database}", PORTAL_BASE_URL="http://127.0.0.1",
                           PYTHONWARNINGS="ignore"))
    csvs = work / "csv"
    csvs.mkdir(exist_ok=True)

    print(f"Benchmark: {args.pupils:,} pupils, seed {args.seed}, marks up to {args.today}, in {work}", flush=True)
    seconds = timed(lambda: generate(csvs, args, env))
    marks_csv = csvs / "marks.csv"
    rows = count_rows(marks_csv)
    print(f"  generated the CSVs in {seconds:.1f} s: {rows:,} marks "
          f"({marks_csv.stat().st_size / 1e6:,.0f} MB)", flush=True)

    flask = [sys.executable, "-m", "flask", "--app", "portal"]
    # The year's import as the office runs it: on the morning after the marks' last day, so the figures it works
    # out for the pupils it changed are of that year (on the real date, months later, they would be of a year with
    # no marks yet: much less work, and a figure that moved with the day the benchmark ran).
    on_the_day = on_the_morning_after(args.today)
    setup = [["db", "upgrade"], ["policy", "load", args.policy], ["import", "pupils", str(csvs / "pupils.csv")],
             ["import", "contacts", str(csvs / "contacts.csv")]]
    for command in setup:
        call(flask + command, env)
    print("  database ready: schema, policy, pupils and contacts loaded", flush=True)

    # (a) import: sqlite3's own CSV import of the same file into a fresh table, then the portal's import.
    raw_import = timed(lambda: call([sqlite3, str(database), ".mode csv", f".import {marks_csv} raw_marks"], env))
    raw_rows = int(call([sqlite3, str(database), "SELECT COUNT(*) FROM raw_marks;"], env).strip())
    call([sqlite3, str(database), "DROP TABLE raw_marks; VACUUM;"], env)
    print(f"  sqlite3 .import: {raw_import:.2f} s ({raw_rows:,} rows)", flush=True)
    portal_import = timed(lambda: call(on_the_day + flask + ["import", "marks", str(marks_csv)], env))
    stored = int(call([sqlite3, str(database), "SELECT COUNT(*) FROM mark;"], env).strip())
    print(f"  import marks:    {portal_import:.2f} s ({stored:,} marks stored)", flush=True)
    if stored != rows:
        print(f"benchmark: the portal stored {stored:,} marks of {rows:,} rows", file=sys.stderr)

    # (b) alerts: the raw aggregate first (it also warms the page cache for both), then the portal's command.
    call([sqlite3, str(database), "ANALYZE;"], env)
    raw_alerts = timed(lambda: call([sqlite3, str(database), RAW_AGGREGATE], env))
    print(f"  raw aggregate:   {raw_alerts:.2f} s", flush=True)
    as_of = call([sqlite3, str(database), "SELECT MAX(date) FROM mark;"], env).strip()[:10]
    alerts_out: list[str] = []
    alerts_command = flask + ["attendance", "alerts", "--as-of", as_of, "--json"]
    portal_alerts = timed(lambda: alerts_out.append(call(alerts_command, env)))
    alerts = alerts_out[0].count('"kind"')
    print(f"  alerts:          {portal_alerts:.2f} s ({alerts:,} alerts as of {as_of}, the last marked day)",
          flush=True)

    print()
    table = [
        (f"import marks ({rows:,} rows)", portal_import, "sqlite3 .import", raw_import),
        (f"attendance alerts ({args.pupils:,} pupils)", portal_alerts, "raw SQL aggregate", raw_alerts),
    ]
    print(f"{'portal command':<34} {'seconds':>8}   {'baseline':<18} {'seconds':>8}   {'ratio':>6}   goal")
    met_all = True
    for name, portal, baseline, base in table:
        ratio = portal / base if base else float("inf")
        met = ratio <= GOAL
        met_all &= met
        print(f"{name:<34} {portal:>8.2f}   {baseline:<18} {base:>8.2f}   {ratio:>5.1f}x   "
              f"{'met' if met else 'NOT met'} (within {GOAL:g}x)")
    print()

    if args.profile:
        profile(args.profile, marks_csv, as_of, env, args.today)
    return 1 if args.check and not met_all else 0


def on_the_morning_after(today: date) -> list[str]:
    """The prefix that runs a command with the clock at 07:00 UTC the day after `today` (libfaketime), or none if
    faketime is missing (then the import's figures are of the real date: said on the terminal)."""
    faketime = shutil.which("faketime")
    if not faketime:
        print("  (faketime is missing: the import runs on the real date, not the morning after the marks' last "
              "day; apt-get install -y faketime)", flush=True)
        return []
    return ["env", "TZ=UTC", faketime, "-f", f"@{today + timedelta(days=1)} 07:00:00"]


def default_today() -> date:
    """31 July of the latest school year that has ended: the demo then holds a full year of marks."""
    today = school_today()
    return date(today.year if today.month >= 8 else today.year - 1, 7, 31)


def generate(folder: Path, args, env: dict) -> None:
    """Write pupils.csv, contacts.csv and marks.csv with the demo generator, in a process of its own."""
    script = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from portal.demo import write_csvs\n"
        "from portal.services.policies import read_policy_file\n"
        f"policy, problems = read_policy_file({args.policy!r})\n"
        "if policy is None: sys.exit('\\n'.join(str(p) for p in problems))\n"
        f"write_csvs(Path({str(folder)!r}), policy, pupils={args.pupils}, seed={args.seed}, "
        f"today=date.fromisoformat({args.today.isoformat()!r}))\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)




def count_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def profile(folder: Path, marks_csv: Path, as_of: str, env: dict, today: date) -> None:
    """Profile the two portal commands in this process (so cProfile sees them); the import into a fresh table."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from portal import create_app
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        db.session.execute(db.text("DELETE FROM mark"))
        db.session.commit()
    runner = app.test_cli_runner()
    commands = (("import", ["import", "marks", str(marks_csv)]),
                ("alerts", ["attendance", "alerts", "--as-of", as_of, "--json"]))
    import time_machine  # a test dependency: the profiled import runs on the morning after, as the timed one

    for name, command in commands:
        with time_machine.travel(f"{today + timedelta(days=1)} 07:00:00+00:00", tick=True):
            profiler = cProfile.Profile()
            profiler.enable()
            result = runner.invoke(args=command)
            profiler.disable()
        if result.exit_code != 0:
            print(result.output[-2000:], file=sys.stderr)
        path = folder / f"{name}.prof"
        profiler.dump_stats(path)
        print(f"Profile of `{' '.join(command[:2])}` ({path}), top 20 by own time:")
        pstats.Stats(str(path)).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    sys.exit(main())
