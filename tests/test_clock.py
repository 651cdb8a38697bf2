"""One clock (portal/clock.py): the only code that reads the time, and what it answers in summer and winter."""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine

from portal import clock

ROOT = Path(__file__).resolve().parent.parent
# Calls that read the machine's clock; each has one home, portal/clock.py.
CLOCK_READS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
               ("time", "time"), ("time", "localtime"), ("time", "gmtime"), ("time", "time_ns")}


def clock_reads(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in CLOCK_READS:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_only_the_clock_module_reads_the_time():
    # The tests too: they read the clock they set (time-machine) through the same module, never the machine's.
    packages = ("portal", "forms", "tests", "benchmarks")
    sources = [p for package in packages for p in sorted((ROOT / package).rglob("*.py"))]
    strays = [read for path in sources if path != ROOT / "portal" / "clock.py" for read in clock_reads(path)]
    assert not strays, "read the time through portal.clock (school_today, school_now, utcnow):\n" + "\n".join(strays)


def test_the_convention_test_sees_a_stray_read(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("from datetime import date\n\n\ndef f():\n    return date.today()\n")
    assert clock_reads(stray, tmp_path) == ["stray.py:5: date.today()"]


@pytest.mark.parametrize(("utc", "school"), [
    ("2027-07-05 09:10", "2027-07-05 10:10"),  # British Summer Time: an hour ahead of UTC
    ("2027-01-11 09:40", "2027-01-11 09:40"),  # winter: the same
    ("2027-03-28 00:59", "2027-03-28 00:59"),  # the spring change night, a minute before 1 am GMT
    ("2027-03-28 01:00", "2027-03-28 02:00"),  # ... and at 1 am GMT the clocks read 2 am
    ("2027-10-30 23:30", "2027-10-31 00:30"),  # the autumn change night: after midnight in England already
    ("2026-12-31 23:30", "2026-12-31 23:30"),
])
def test_school_time_is_uk_time_whatever_the_server_says(utc, school):
    with time_machine.travel(datetime.fromisoformat(utc + "+00:00"), tick=False):
        assert clock.school_now() == datetime.fromisoformat(school)
        assert clock.school_today() == date.fromisoformat(school[:10])
        assert clock.utcnow() == datetime.fromisoformat(utc)
        assert clock.school_time(clock.utcnow()) == datetime.fromisoformat(school)
        assert clock.stored_time(clock.school_now()) == datetime.fromisoformat(utc)
