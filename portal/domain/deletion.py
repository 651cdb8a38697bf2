"""Deletion from the admission register under ground (i): the conditions people establish, recorded.

The register gives the first condition (20 continuous school days of G, N or O: `follow_up.deletion_consideration`);
the other two are for people ([REGS] reg 9(1)(i); domain.md §6): no reasonable grounds to believe the pupil is
unable to attend through sickness or an unavoidable cause, and the school and the local authority have both failed
to find the pupil after reasonable enquiry. A decision to delete needs all three; a decision to keep the pupil on
roll needs only a reason.
"""

from __future__ import annotations

import datetime as dt

DELETE, KEEP = "delete", "keep"
DECISIONS = {DELETE: "Delete from the register (ground (i)); make the deletion return",
             KEEP: "Keep on the register"}


def deletion_problems(decision: str, run_days: int, needed_days: int, no_grounds_illness: bool,
                      school_enquiries: str, la_enquiries: str, reason: str, decided_on: dt.date | None,
                      today: dt.date) -> list[str]:
    problems = []
    if decision not in DECISIONS:
        problems.append("Choose whether to delete the pupil from the register or keep them on it")
    if decided_on is None or decided_on > today:
        problems.append("Enter the date of the decision: today or earlier")
    if decision == DELETE:
        if run_days < needed_days:
            problems.append(f"Ground (i) needs {needed_days} continuous school days of G, N or O: the register shows "
                            f"{run_days}")
        if not no_grounds_illness:
            problems.append("Ground (i) needs no reasonable grounds to believe the pupil is ill or unable to attend")
        if not school_enquiries.strip():
            problems.append("Write down the school's enquiries to find the pupil")
        if not la_enquiries.strip():
            problems.append("Write down the local authority's enquiries to find the pupil")
    if decision == KEEP and not reason.strip():
        problems.append("Say why the pupil stays on the register")
    return problems
