"""Deletion ground (i): the register gives the 20 days; people record the rest, and the return shows it."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.deletion import DELETE, KEEP, deletion_problems
from portal.services import ServiceError, deletions, la_returns

from factories import BOTHAL, add_marks, calendar, days, load_trust, make_pupil
from staff import make_staff

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(("decision", "run", "illness", "school", "la", "reason", "problem"), [
    (DELETE, 20, True, "Home visits", "CME officer", "", None),
    (DELETE, 19, True, "Home visits", "CME officer", "", "needs 20 continuous school days"),
    (DELETE, 20, False, "Home visits", "CME officer", "", "no reasonable grounds"),
    (DELETE, 20, True, "", "CME officer", "", "school's enquiries"),
    (DELETE, 20, True, "Home visits", " ", "", "local authority's enquiries"),
    (KEEP, 3, False, "", "", "Family found: moving house", None),
    (KEEP, 20, False, "", "", "", "Say why"),
    ("maybe", 20, True, "x", "y", "", "Choose whether"),
])
def test_a_deletion_needs_every_condition_and_keeping_a_reason(decision, run, illness, school, la, reason, problem):
    found = deletion_problems(decision, run, 20, illness, school, la, reason, TODAY, TODAY)
    assert (found == []) if problem is None else any(problem in p for p in found)


@pytest.fixture
def school(app_ctx):
    load_trust()
    kit = make_pupil(BOTHAL, forename="Kit", surname="Away")
    add_marks(kit, days(calendar(BOTHAL), date(2026, 10, 5), date(2026, 11, 9), "O"))  # 20 school days
    return {"kit": kit, "head": make_staff("head@bothal.example", "headteacher", BOTHAL)}


def test_the_decision_is_recorded_against_the_registers_run_and_shown_on_the_return(school):
    kit, head = school["kit"], school["head"]
    run = deletions.latest_run(kit, TODAY)
    assert (run.start, run.end, run.days) == (date(2026, 10, 5), date(2026, 11, 9), 20)
    before = la_returns.build(head, BOTHAL, "deletion_consideration", date(2026, 9, 1), TODAY).rows[0]
    assert "the other conditions not yet recorded" in before.detail
    with pytest.raises(ServiceError, match="local authority's enquiries"):
        deletions.record_check(head, kit.id, DELETE, True, "Three home visits", "", "", TODAY, TODAY)
    check = deletions.record_check(head, kit.id, DELETE, True, "Three home visits; all contacts rung",
                                   "CME officer: no trace at the address", "", TODAY, TODAY)
    assert (check.run_start, check.run_days) == (date(2026, 10, 5), 20)
    after = la_returns.build(head, BOTHAL, "deletion_consideration", date(2026, 9, 1), TODAY).rows[0]
    assert "decided 2026-11-20: delete from the register" in after.detail
