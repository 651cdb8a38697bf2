"""A small world for the authorization matrix (tests/web/test_authorization_matrix.py): two trusts, two families,
every kind of object a family can have, and a member of staff in every role.

Side A: Sam Ashdown at Bothal (ALP trust; Central is the trust's other school), whose half-brother Ali Brightwater
is at Rise Park. Side B: Kim Quennell at Rise Park (Rise Park trust). Each side has an absence report with an
appointment letter and another the school asked a question about, a leave request already refused (so it has a
letter) and one still waiting, both with evidence, and a support plan that was sent (version 1, waiting for
signatures) and changed since (version 2, not sent yet), so that each POST that would act really could.

Everything is made through the services, as a parent or member of staff would make it, as of NOW. Use in an app
context.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from PIL import Image
from sqlalchemy import select, text
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.models import StaffRole, StaffUser
from portal.services import (
    absences, leave, notices_to_improve, notify, part_time_timetables, penalty_decisions, review, support_plans,
)

from factories import (
    ALP, BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, calendar, get_school, load_trust, make_pupil, sessions,
)
from parents import make_parent
from staff import make_staff


# When the world is made: a Monday in the autumn term of both example calendars (as tests/web/test_leave_pages.py).
# The pages are then read on whatever day the suite runs: who may see what does not depend on the day.
NOW = datetime(2026, 11, 23, 10, 0)


@dataclass
class Side:
    """One family at one school, and the ids and references of everything it has."""

    name: str
    urn: str
    pupil_id: int
    upn: str
    surname: str
    site_id: int
    report: str  # absence report reference
    absence_child: int  # AbsenceReportChild.id: the staff queue item
    absence_file: int  # the appointment letter (EvidenceFile.id)
    question: str  # an absence report the school asked the parent a question about
    question_child: int
    decided: str  # leave request refused: has a letter
    decided_child: int
    decided_file: int
    pending: str  # leave request waiting for a decision
    pending_child: int
    pending_file: int
    plan_id: int
    plan_sha: str  # version 1: the one sent for signing
    plan_ref: str
    review_day: date  # a school day some six weeks ahead, for a plan's review
    colleague: int  # a member of staff at the side's school (StaffUser.id), whose account an admin there runs
    notice_id: int = 0  # a notice to improve, sent
    notice_ref: str = ""
    draft_notice_id: int = 0  # a notice to improve still a draft: a send would act
    decision_id: int = 0  # a penalty-notice decision, considered
    decision_ref: str = ""
    timetable_id: int = 0  # a part-time timetable, recorded
    # The family's child at the other side's school (another trust): their surname and UPN. This family may see
    # them, and so may the other side's staff; nobody else.
    sibling: tuple[str, ...] = ()

    @property
    def markers(self) -> tuple[str, ...]:
        """Strings only this side's pages contain: if another actor's page shows one, something leaked."""
        return (self.surname, self.upn, self.report, self.question, self.decided, self.pending, self.plan_ref,
                self.notice_ref, self.decision_ref)


@dataclass(frozen=True)
class Actor:
    """Someone making requests: anonymous, a parent (their family is their side) or staff (their roles)."""

    name: str
    kind: str  # "anonymous", "parent" or "staff"
    email: str | None = None
    role: str | None = None  # the staff role; None for staff with no role at all
    own: tuple[str, ...] = ()  # the sides whose objects are this actor's own (their family, or their schools)
    sides: tuple[str, ...] = ("A",)  # the sides the matrix tries this actor on
    active: bool = True  # False: an account switched off since it signed in, which must count as signed out

    @property
    def signed_in(self) -> bool:
        return self.kind != "anonymous" and self.active


ACTORS = (
    Actor("anonymous", "anonymous"),
    Actor("parent A", "parent", "jo@ashdown.example", own=("A",), sides=("A", "B")),
    Actor("parent B", "parent", "pat@quennell.example", own=("B",), sides=("B", "A")),
    # Sam's carer without parental responsibility: in the school's contacts, with an account, but not a parent here.
    Actor("carer A without PR", "parent", "carer@ashdown.example", own=(), sides=("A",)),
    # Every role at Bothal, school-scoped (the trust's policy: only the head decides; plans: officer, leader, head).
    *(Actor(f"{role} at Bothal", "staff", f"{role}@bothal.example", role, own=("A",), sides=("A", "B"))
      for role in ("office", "teacher", "attendance_officer", "headteacher", "admin")),
    Actor("senior_leader across ALP", "staff", "leader@alp.example", "senior_leader", own=("A",), sides=("A", "B")),
    Actor("headteacher at Central", "staff", "head@central.example", "headteacher", own=(), sides=("A", "B")),
    Actor("headteacher at Rise Park", "staff", "head@risepark.example", "headteacher", own=("B",),
          sides=("B", "A")),
    Actor("staff with no role", "staff", "nobody@bothal.example", None, own=(), sides=("A",)),
    Actor("deactivated headteacher at Bothal", "staff", "gone@bothal.example", "headteacher", own=("A",),
          sides=("A",), active=False),
)
STAFF_SCHOOLS = {  # where each member of staff has their role
    "office@bothal.example": {"school_urn": BOTHAL}, "teacher@bothal.example": {"school_urn": BOTHAL},
    "attendance_officer@bothal.example": {"school_urn": BOTHAL}, "headteacher@bothal.example": {"school_urn": BOTHAL},
    "admin@bothal.example": {"school_urn": BOTHAL}, "leader@alp.example": {"trust": "alp"},
    "head@central.example": {"school_urn": CENTRAL}, "head@risepark.example": {"school_urn": RISE_PARK_URN},
    "gone@bothal.example": {"school_urn": BOTHAL},
}


def upload(name: str) -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, "PNG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=name, content_type="image/png")


def build() -> dict[str, Side]:
    load_trust(ALP)
    load_trust(RISE_PARK)
    for actor in ACTORS:
        if actor.kind == "staff" and actor.role:
            make_staff(actor.email, actor.role, name=f"Staff {actor.name}", **STAFF_SCHOOLS[actor.email])
    nobody = StaffUser(email="nobody@bothal.example", name="No roles", created_at=NOW)
    db.session.add(nobody)
    _staff("gone@bothal.example").active = False
    db.session.commit()
    a = _side("A", BOTHAL, "Sam", "Ashdown", "jo@ashdown.example", "attendance_officer@bothal.example",
              "headteacher@bothal.example", "teacher@bothal.example")
    b = _side("B", RISE_PARK_URN, "Kim", "Quennell", "pat@quennell.example", "head@risepark.example",
              "head@risepark.example", "head@risepark.example")
    # Sam's half-brother Ali is at Rise Park, in another trust: Sam's parent is his parent too.
    ali = make_pupil(RISE_PARK_URN, forename="Ali", surname="Brightwater")
    make_parent("jo@ashdown.example", ali, name="Parent Ashdown")
    a.sibling = (ali.legal_surname, ali.upn)
    assert not db.session.scalars(select(StaffRole).where(StaffRole.staff_id == nobody.id)).all()
    notify.deliver_due(even_if_not_due=True)  # (suppressed) the world's email is sent: the outbox is settled
    return {"A": a, "B": b}


def _staff(email: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


def _side(name: str, urn: str, forename: str, surname: str, email: str, drafter: str, head: str,
          colleague: str) -> Side:
    school = get_school(urn)
    pupil = make_pupil(school, forename=forename, surname=surname, site=school.sites[0].slug)
    parent = make_parent(email, pupil, name=f"Parent {surname}")
    if name == "A":
        make_parent("carer@ashdown.example", pupil, name="Carer Ashdown", parental_responsibility=False)
    cal = calendar(urn)
    today = NOW.date()
    # A quarter of this school year's sessions missed: persistently absent, so on the oversight lists.
    year_start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    add_marks(pupil, sessions(cal, year_start, "O" * 10 + "/" * 30))

    day = cal.next_school_day(today + timedelta(days=1))
    draft = absences.AbsenceDraft([pupil.id], day, day, "day", "illness", f"absence-{name}")
    draft.evidence_ids = absences.store_evidence(parent, [pupil.id], [upload("appointment.png")], now=NOW)
    report = absences.submit(parent, draft, now=NOW)
    later = cal.next_school_day(day + timedelta(days=1))
    question = absences.submit(parent, absences.AbsenceDraft([pupil.id], later, later, "day", "illness",
                                                             f"question-{name}"), now=NOW)
    review.decide(_staff(head), question.children[0].id, "question", note="Which illness?", now=NOW)

    def leave_request(key: str, weeks: int):
        first = cal.next_school_day(today + timedelta(weeks=weeks))
        back = cal.nth_school_day_after(first, 2)
        files = leave.store_evidence(parent, [pupil.id], [upload("booking.png")], now=NOW)
        return leave.submit(parent, leave.LeaveDraft(
            pupil_ids=[pupil.id], first_day=first, return_day=back, travelling_abroad=False, destinations="",
            circumstances="A funeral", submission_key=f"{key}-{name}", evidence_ids=[f.id for f in files]),
            declared=True, now=NOW), files[0].id

    decided, decided_file = leave_request("decided", 5)
    leave.decide(_staff(head), decided.children[0].id, [], "Not exceptional", now=NOW)
    pending, pending_file = leave_request("pending", 6)

    officer = _staff(drafter)
    review_day = cal.next_school_day(today + timedelta(weeks=6))
    data = support_plans.PlanInput(
        meeting_date=today, review_date=review_day, attendees_parents=f"Parent {surname}",
        concerns="Mondays")
    plan = support_plans.draft_plan(officer, pupil.id, data, now=NOW)
    support_plans.send_for_signing(officer, plan.id, now=NOW)
    sha = plan.current.sha256
    data.concerns = "Mondays and Fridays"
    support_plans.change_plan(officer, plan.id, data, now=NOW)  # version 2, not sent: a send would act

    # The legal pathway (the head may act): a notice sent, another drafted, and a penalty notice considered.
    words = notices_to_improve.NoticeInput("No further unauthorised absence", "Monday at 9am, at school")
    sent = notices_to_improve.draft_notices(_staff(head), pupil.id, words, today, now=NOW)[0]
    notices_to_improve.send_notice(_staff(head), sent.id, today, now=NOW)
    drafted = notices_to_improve.draft_notices(_staff(head), pupil.id, words, today, now=NOW)[0]
    decision = penalty_decisions.consider(_staff(head), pupil.id, parent_name(pupil), "term_time_leave", today, "",
                                          today=today, now=NOW)
    timetable = part_time_timetables.record_timetable(
        _staff(head), pupil.id, today, today + timedelta(weeks=4), "Mornings only", f"Parent {surname}", today, 14,
        today, now=NOW)

    return Side(name=name, urn=urn, pupil_id=pupil.id, upn=pupil.upn, surname=surname,
                site_id=school.sites[0].id, report=report.reference, absence_child=report.children[0].id,
                absence_file=draft.evidence_ids[0], question=question.reference,
                question_child=question.children[0].id, decided=decided.reference,
                decided_child=decided.children[0].id, decided_file=decided_file, pending=pending.reference,
                pending_child=pending.children[0].id, pending_file=pending_file, plan_id=plan.id, plan_sha=sha,
                plan_ref=plan.reference, review_day=review_day, colleague=_staff(colleague).id, notice_id=sent.id,
                notice_ref=sent.reference, draft_notice_id=drafted.id, decision_id=decision.id,
                decision_ref=decision.reference, timetable_id=timetable.id)


def parent_name(pupil) -> str:
    return next(c.name for c in pupil.contacts if c.parental_responsibility)


DERIVED = {"pupil_figures", "child_page"}  # caches worked out from the register (figures, a child's page), which any page may fill
# Columns any request may write: a session's last-seen time (portal/services/sessions.py). The rest of a session
# (ended or not) counts as a change like any other.
BOOKKEEPING = {"account_session": {"last_seen_at"}}


def fingerprint() -> dict[str, str]:
    """Every table's rows, hashed, and the uploaded files: equal before and after means nothing changed."""
    state = {"uploads/": _uploads()}
    for table in db.metadata.sorted_tables:
        if table.name not in DERIVED:
            columns = [c for c in table.columns if c.name not in BOOKKEEPING.get(table.name, ())]
            rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            state[table.name] = f"{len(rows)} rows, {hashlib.sha256(repr(rows).encode()).hexdigest()[:16]}"
    db.session.rollback()  # end the read transaction: the next request must see fresh data
    return state


def _uploads() -> str:
    folder = Path(current_app.instance_path) / "uploads"
    return ",".join(sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))) if folder.exists() else ""


class Changes:
    """What changed in the database and the uploads since the last look: `since_last()` -> {table: (before, after)}.

    The tables are read only when the database says something was written: SQLite counts the rows its one
    in-memory connection has changed, and PostgreSQL's write-ahead log moves on with every change (and sometimes
    without one, which only costs a read)."""

    def __init__(self):
        self.state, self.written = fingerprint(), self._written()

    @staticmethod
    def _written() -> tuple[object, str] | None:
        engine = db.engine
        if engine.dialect.name == "postgresql":
            query = "SELECT pg_current_wal_insert_lsn()::text"
        elif engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
            query = "SELECT total_changes()"
        else:
            return None
        written = db.session.execute(text(query)).scalar_one()
        db.session.rollback()
        return written, _uploads()

    def since_last(self) -> dict[str, tuple[str, str]]:
        written = self._written()
        if written is not None and written == self.written:
            return {}
        after = fingerprint()
        changed = {table: (self.state[table], after[table]) for table in after if after[table] != self.state[table]}
        self.state, self.written = after, self._written()
        return changed
