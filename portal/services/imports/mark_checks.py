"""The checks of `import marks`, row by row: UPN known, date a session of a school the pupil was on roll at, code a
2024 code, session, lateness, recorded time, one mark per pupil and session.

A register holds a few hundred distinct dates and a few thousand pupils but hundreds of thousands of rows, so
`stream` settles each row with a few dictionary lookups: each distinct UPN, each distinct (date, session, code,
minutes) and each distinct recorded time is checked once, and whether a school holds a session on a day once per
(day, session). A row those lookups cannot pass (anything wrong with it, or a pupil with more than one enrolment)
goes through `check`, the full check, which says what is wrong; so a bad row gets the same message either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from operator import itemgetter

from sqlalchemy import select

from portal.domain import codes, enrolments
from portal.domain.calendar import AM, PM
from portal.domain.enrolments import Stay
from portal.domain.rows import parse_date, parse_datetime, parse_upn, parse_whole_number
from portal.extensions import db
from portal.models import Enrolment, Pupil, School
from portal.services.policies import trust_policy

NOT_IN_SESSION = "#"
NO_MARK = ("", "-")  # what MIS exports write for a session with no mark yet: nothing to store
NEVER_LEFT = date.max.toordinal()
Reject = Callable[[int, list[str], list[str]], None]  # (line, fields, problems)


class MarkChecker:
    """Checks mark rows against the loaded pupils and their schools' calendars."""

    def __init__(self, default_recorded_at: datetime):
        self.default_recorded_at = default_recorded_at
        # upn -> (pupil_id, the current school's URN, every enrolment as Stays keyed by URN)
        stays: dict[int, list[Stay]] = {}
        for pupil_id, urn, admitted, left in db.session.execute(
            select(Enrolment.pupil_id, School.urn, Enrolment.admission_date, Enrolment.leaving_date).join(School)
        ):
            stays.setdefault(pupil_id, []).append(Stay(urn, admitted, left))
        self.pupils: dict[str, tuple[int, str, tuple[Stay, ...]]] = {}
        for upn, pupil_id, urn, admitted, left in db.session.execute(
            select(Pupil.upn, Pupil.id, School.urn, Pupil.admission_date, Pupil.leaving_date).join(School)
        ):
            # A pupil made before enrolments were kept has its own school as its one enrolment.
            self.pupils[upn] = (pupil_id, urn, tuple(stays.get(pupil_id) or [Stay(urn, admitted, left)]))
        self.schools = {s.urn: (trust_policy(s.trust).school(s.urn).calendar, s.name)
                        for s in db.session.scalars(select(School))}
        # One flag a pupil for each (day, session) that holds a school's session: a byte is cheaper to test per
        # row than a set of (pupil, day, session).
        self._place = {pupil_id: i for i, (pupil_id, _, _) in enumerate(self.pupils.values())}
        self._seen: dict[tuple[date, str], bytearray] = {}
        self._open: dict[tuple[date, str], frozenset[str]] = {}
        self._upns: dict[str, tuple | str] = {}
        self._dates: dict[str, date | str] = {}
        self._codes: dict[str, str | tuple] = {}
        self._stamps: dict[str, datetime | str] = {}
        self._sessions: dict[tuple[str, date], tuple[str, ...] | str] = {}
        self.no_mark = 0
        self.rows = 0
        self.pupil_ids: set[int] = set()  # the pupils with a mark to store
        self.urns: set[str] = set()

    def stream(self, rows: Iterable[tuple[int, list[str]]], places: list[int | None], width: int,
               reject: Reject) -> Iterator[tuple]:
        """The rows to store, as (pupil_id, date, session, code, minutes_late, comment, recorded_at); each bad row
        goes to `reject` with its problems. `places`: where upn, date, session, code, minutes_late, comment and
        recorded_at are in a row's fields (None for an optional column the file lacks)."""
        at_upn, at_comment, at_stamp = places[0], places[5], places[6]
        value_key = itemgetter(*[i for i in places[1:5] if i is not None])
        has_minutes = places[4] is not None
        pupils, values, stamps = {}, {}, {}
        pupil_of, values_of, stamp_of = pupils.get, values.get, stamps.get
        add_pupil = self.pupil_ids.add
        default_stamp, padding = self.default_recorded_at, [""] * width
        count = 0
        for line, fields in rows:
            count += 1
            if len(fields) < width:
                fields = fields + padding[len(fields):]
            raw_upn = fields[at_upn]
            pupil = pupil_of(raw_upn)
            if pupil is None:
                pupil = pupils[raw_upn] = self._quick_pupil(raw_upn)
            key = value_key(fields)
            value = values_of(key)
            if value is None:
                value = values[key] = self._quick_value(key, has_minutes)
            if at_stamp is None:
                recorded = default_stamp
            else:
                recorded = stamp_of(fields[at_stamp])
                if recorded is None:
                    recorded = stamps[fields[at_stamp]] = self._quick_stamp(fields[at_stamp])
            comment = "" if at_comment is None else fields[at_comment].strip()
            if pupil and value and recorded and len(comment) <= 500:
                pupil_id, place, admitted, left, urn, _ = pupil
                when, ordinal, session, code, late, open_at, seen = value
                if code is None:
                    self.no_mark += 1
                    continue
                if admitted <= ordinal <= left and urn in open_at and not seen[place]:
                    seen[place] = 1
                    add_pupil(pupil_id)
                    yield pupil_id, when, session, code, late, comment, recorded
                    continue
            # Something is wrong with the row, or it needs the full check: `check` says what, as it always has.
            row, problems = self.check(*[fields[i].strip() if i is not None else "" for i in places])
            if problems:
                reject(line, fields, problems)
            elif row is not None:
                yield row
        self.rows += count
        # Each pupil the quick lookups know was named by a row: their school's data arrived, and so did the data of
        # the school of their one enrolment if a mark of theirs is stored (what `check` notes row by row).
        known = [p for p in pupils.values() if p]
        self.urns.update(p[5] for p in known)
        self.urns.update(p[4] for p in known if p[0] in self.pupil_ids)

    def tally(self) -> tuple[int, int, set[int], set[str]]:
        """What the checks counted: rows, rows with no mark yet, the pupils with a mark to store, the schools whose
        data arrived."""
        return self.rows, self.no_mark, self.pupil_ids, self.urns

    def take_tally(self, tally: tuple[int, int, set[int], set[str]]) -> None:
        """The tally of the same checks run in another process (imports/forked.py)."""
        self.rows, self.no_mark, self.pupil_ids, self.urns = tally

    def _quick_pupil(self, raw: str):
        """(pupil_id, place, admitted, left, URN, current URN) for a pupil with one enrolment, else False."""
        found = self._upn(raw)
        if isinstance(found, str) or len(found[2]) != 1:
            return False
        pupil_id, current_urn, (stay,) = found
        left = stay.leaving.toordinal() if stay.leaving else NEVER_LEFT
        return pupil_id, self._place[pupil_id], stay.admission.toordinal(), left, stay.school, current_urn

    def _quick_value(self, key: tuple[str, ...], has_minutes: bool):
        """(date, its ordinal, session, code or None for no mark, minutes late, the URNs of the schools holding
        that session, its flags) for raw (date, session, code[, minutes_late]) that pass, else False."""
        day, session, code = (k.strip() for k in key[:3])
        minutes = key[3].strip() if has_minutes else ""
        when = self._dates.get(day)
        if when is None:
            when = self._dates[day] = _value_or_problem(parse_date(day))
        session = session.upper()
        if isinstance(when, str) or session not in (AM, PM):
            return False
        if code in NO_MARK:
            code = None
        else:
            code = self._code(code)
            if isinstance(code, tuple):
                return False
        late, problem = parse_whole_number(minutes, "minutes_late", 0, 300) if minutes else (None, None)
        if problem:
            return False
        slot = (when, session)
        open_at = self._open.get(slot)
        if open_at is None:
            open_at = self._open[slot] = frozenset(u for u in self.schools if not self.not_a_session(u, when, session))
        return when, when.toordinal(), session, code, late, open_at, self._flags(slot) if open_at else None

    def _quick_stamp(self, raw: str):
        stamp = raw.strip()
        if not stamp:
            return self.default_recorded_at
        recorded = self._stamps.get(stamp)
        if recorded is None:
            recorded = self._stamps[stamp] = _value_or_problem(parse_datetime(stamp))
        return False if isinstance(recorded, str) else recorded

    def check(self, upn: str, day: str, session: str, code: str, minutes: str, comment: str, stamp: str):
        """(row, problems): row is the tuple to store, or None when there is nothing to store (a `#`)."""
        problems = []
        pupil = self._upn(upn)
        if isinstance(pupil, str):
            problems.append(pupil)
            pupil = None
        when = self._dates.get(day)
        if when is None:  # each distinct date is parsed once (a dict lookup per row, no call)
            when = self._dates[day] = _value_or_problem(parse_date(day))
        if isinstance(when, str):
            problems.append(when)
            when = None
        session = session.upper()
        if session not in (AM, PM):
            problems.append(f"session {session!r} should be AM or PM")
        no_mark = code in NO_MARK
        code = NOT_IN_SESSION if no_mark else self._code(code)
        if isinstance(code, tuple):
            problems.append(code[0])
            code = None
        late, problem = parse_whole_number(minutes, "minutes_late", 0, 300) if minutes else (None, None)
        if problem:
            problems.append(problem)
        if len(comment) > 500:
            problems.append("comment is longer than 500 characters")
        recorded = self._stamps.get(stamp) if stamp else self.default_recorded_at
        if recorded is None:
            recorded = self._stamps[stamp] = _value_or_problem(parse_datetime(stamp))
        if isinstance(recorded, str):
            problems.append(recorded)
        if pupil is not None:
            self.urns.add(pupil[1])  # the school's data arrived, even if only "no mark yet"
        if problems or pupil is None or when is None or code is None:
            return None, problems
        if no_mark:
            self.no_mark += 1
            return None, []
        pupil_id, urn, stays = pupil
        problem, on_roll = self.on_roll(stays, urn, when, session)
        if problem:
            return None, [] if code == NOT_IN_SESSION and on_roll is not False else [problem]
        if self._duplicate(pupil_id, when, session):
            return None, [f"a second mark for UPN {upn.strip().upper()} on {when} {session}: keep one row per "
                          "pupil, date and session"]
        self.pupil_ids.add(pupil_id)
        return (pupil_id, when, session, code, late, comment, recorded), []

    def _upn(self, raw: str):
        found = self._upns.get(raw)
        if found is None:
            upn, problem = parse_upn(raw) if raw.strip() else (None, "upn is empty")
            if problem:
                found = problem
            elif upn not in self.pupils:
                found = f"UPN {upn} is not a pupil of any loaded school: import pupils first"
            else:
                found = self.pupils[upn]
            self._upns[raw] = found
        return found

    def _code(self, raw: str):
        found = self._codes.get(raw)
        if found is None:
            code = codes.normalise(raw)
            problem = codes.check_code(code)
            found = self._codes[raw] = (problem,) if problem else code
        return found

    def on_roll(self, stays: tuple[Stay, ...], current_urn: str, when: date, session: str):
        """(problem or None, covered): the day must be a session at a school the pupil was on roll at that day
        (any of them, under dual registration), by that school's calendar. `covered` is False when the day is
        outside every enrolment (a problem even for a `#`)."""
        covering = enrolments.covering(stays, when)
        schools = [s.school for s in covering] or [current_urn]
        self.urns.update(schools)
        reasons = [self.not_a_session(school, when, session) for school in schools]
        if all(reasons):
            return reasons[0], None
        if not covering:
            if len(stays) == 1:
                spans = stays[0].words()
            else:
                spans = "; ".join(f"{self.schools[s.school][1]} {s.words()}" for s in stays)
            return f"{when} is outside the pupil's time on roll ({spans})", False
        return None, True

    def not_a_session(self, urn: str, when: date, session: str) -> str | None:
        """Why a mark on this day and session is not stored (no session by the school's calendar), or None."""
        sessions = self._school_sessions(urn, when)
        if session in sessions:
            return None
        why = sessions if isinstance(sessions, str) else f"only the {' and '.join(sessions)} session that day"
        return (f"{when} {session} is not a session at {self.schools[urn][1]} ({why}): the mark is not stored; "
                "check the date against the school calendar")

    def _school_sessions(self, urn: str, when: date):
        key = (urn, when)
        found = self._sessions.get(key)
        if found is None:
            calendar = self.schools[urn][0]
            found = self._sessions[key] = calendar.sessions_on(when) or (calendar.why_closed(when) or "closed")
        return found

    def _flags(self, slot: tuple[date, str]) -> bytearray:
        """Which pupils already have a mark for this (day, session), by their place."""
        flags = self._seen.get(slot)
        if flags is None:
            flags = self._seen[slot] = bytearray(len(self._place))
        return flags

    def _duplicate(self, pupil_id: int, when: date, session: str) -> bool:
        flags, place = self._flags((when, session)), self._place[pupil_id]
        if flags[place]:
            return True
        flags[place] = 1
        return False


def _value_or_problem(parsed: tuple):
    value, problem = parsed
    return problem or value
