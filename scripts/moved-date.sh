#!/usr/bin/env bash
# The whole suite with the machine's clock moved (libfaketime), so that no test leans on the real date.
#
# Usage: scripts/moved-date.sh [WHEN ...]   WHEN in UTC, "YYYY-MM-DD HH:MM:SS"; "all" for every date below;
# with no argument, one of them drawn at random, printed so that a failure can be replayed with the same WHEN.
# The clock starts at WHEN and runs on. pytest options: PYTEST_ARGS (by default "-n auto": a worker per core).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
# The moments of issue 13, in UTC (England is UTC+1 in summer time).
DATES=(
    "2027-01-11 08:40:00"  # a term-time Monday in winter, before the register closes
    "2027-07-05 08:10:00"  # a term-time Monday in summer time (09:10 in England)
    "2027-01-16 11:00:00"  # a Saturday
    "2027-08-10 10:00:00"  # the summer holiday
    "2027-05-03 09:00:00"  # the early May bank holiday
    "2026-12-31 23:30:00"  # New Year's Eve, half an hour before midnight
    "2027-03-28 00:59:00"  # the spring change night: at 01:00 UTC England goes from 01:00 to 02:00
    "2027-10-31 00:59:00"  # the autumn change night: at 01:00 UTC England goes from 02:00 back to 01:00
    "2029-01-08 08:40:00"  # a Monday in 2029, past the example policies' calendars
)
if [ "$#" -eq 0 ]; then
    set -- "${DATES[$((RANDOM % ${#DATES[@]}))]}"
elif [ "$1" = all ]; then
    set -- "${DATES[@]}"
fi
command -v faketime >/dev/null || scripts/debian-packages.sh test
status=0
for when in "$@"; do
    echo "== the suite with the clock at $when UTC (replay: scripts/moved-date.sh \"$when\")"
    # The monotonic clock moves with the rest (it still runs at the real speed): Python's sleeps wait on it, and
    # libfaketime refuses them (EINVAL) when only the wall clock is moved.
    TZ=UTC faketime -f "@$when" \
        "$PYTHON" -m pytest -q -p no:cacheprovider ${PYTEST_ARGS:--n auto} || { status=$?; echo "== FAILED at $when UTC"; }
done
exit "$status"
