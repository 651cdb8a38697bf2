"""Realistic demo data for a trust: pupils, contacts and a school year of marks, as the MIS would export them.

`generate(policy, pupils, seed, today)` builds a trust's roll (families, pupils, classes, contacts) and gives
three streams of CSV rows in the formats of design.md section 6; `write_csvs` writes them to files. The marks are
generated one pupil at a time and never held in memory, so the same code makes a 20,000-pupil trust's year of
marks (about 7.6 million rows) for the benchmarks.

Everything comes from one `random.Random(seed)`: the same seed, policy and `today` give byte-identical files.
No personal data is real: names are drawn from common British name lists, emails are @example.com and phone
numbers are in Ofcom's range kept for drama (07700 900000 to 07700 900999).

What the marks look like, per pupil, from the start of the school year that holds `today`:
- a target absence rate drawn so that most pupils are above 95%, about one in six is persistently absent (10% or
  more) and one or two in a hundred severely (50% or more); siblings tend to share their family's pattern;
- illness (I) in runs of 1 to 5 days, far more often in winter (November to February); medical appointments (M)
  as single sessions; unauthorised absence (O) for the pupils who miss most, in runs for the severe ones;
- lateness: L within the site's register window (minutes after `late_from`), and some U after it closes;
- term-time holidays taken by the whole family next to a school holiday (G, 3 to 10 school days; a few granted
  as exceptional leave, C), religious festivals (R), class trips and the Year 6 residential (V), sports (P);
- part-time nursery places (the afternoon is X, not required to attend), perhaps a snow day closing one school
  (Y4), pupils who joined or left during the year, and a handful of N marks more than 5 school days old that
  nobody recoded;
- on the latest school day up to `today` (only the morning if that is today), an unexplained N for about 3% of
  pupils: the first-day contact list.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import math
import random
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from stdnum.gb import upn as stdnum_upn

from portal.domain.attendance import band, pct, summarise
from portal.domain.calendar import AM, PM
from portal.domain.marks import Mark
from portal.domain.policy import Policy, School, Site
from portal.domain.settings import Bands

PUPIL_COLUMNS = ("upn", "school_urn", "legal_forename", "legal_surname", "preferred_forename", "date_of_birth",
                 "year_group", "registration_group", "site", "admission_date", "leaving_date", "vulnerable",
                 "health_need")
CONTACT_COLUMNS = ("upn", "contact_name", "relationship", "email", "phone", "parental_responsibility",
                   "lives_with_pupil", "priority", "preferred_language")
# A family name's language, for the preferred_language the MIS holds (the half-termly message goes out in it):
# decided by the name, not drawn at random, so every other figure of a seed stays the same.
LANGUAGE_OF_SURNAME = {"Nowak": "Polish", "Mazur": "Polish", "Kaczmarek": "Polish", "Popescu": "Romanian"}
MARK_COLUMNS = ("upn", "date", "session", "code", "minutes_late", "comment", "recorded_at")

YEAR_GROUPS = ("N1", "N2", "R", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6")
# Age on 31 August before the school year starts (N1: two-year-olds turning three).
AGE_AT_START = {"N1": 2, "N2": 3, "R": 4, "Y1": 5, "Y2": 6, "Y3": 7, "Y4": 8, "Y5": 9, "Y6": 10}
# Relative size of each year group: the nursery is smaller than the main school.
YEAR_WEIGHTS = {"N1": 0.45, "N2": 0.85, "R": 1.0, "Y1": 1.0, "Y2": 1.0, "Y3": 1.0, "Y4": 1.0, "Y5": 1.0, "Y6": 1.0}
CLASS_SIZE = 30

# The LA number that starts a UPN (DfE "new local authority codes", January 2011).
LA_NUMBERS = {
    "northumberland": 929, "nottingham city": 892, "nottingham": 892, "nottinghamshire": 891,
    "newcastle upon tyne": 391, "north tyneside": 392, "gateshead": 390, "south tyneside": 393,
    "sunderland": 394, "durham": 840, "county durham": 840, "derby": 831, "derbyshire": 830, "leeds": 383,
    "manchester": 352, "birmingham": 330, "camden": 202, "westminster": 213, "norfolk": 926, "suffolk": 935,
    "kent": 886, "essex": 881, "lancashire": 888, "cumbria": 909, "hertfordshire": 919, "surrey": 936,
}

PRESENT_LIKE = frozenset({"/", "\\", "V", "P"})  # may be replaced by an absence or a late mark
NOT_EXPECTED = ("X", "Y4")  # part-time nursery afternoons, the snow day: never an absence


def la_number(local_authority: str) -> int:
    """The LA number for a school's local authority; an unknown one gets a valid number chosen from its name."""
    known = LA_NUMBERS.get(local_authority.strip().lower())
    if known is not None:
        return known
    values = sorted(set(LA_NUMBERS.values()))
    return values[zlib.crc32(local_authority.encode()) % len(values)]


def make_upn(la: int, establishment: int, issue_year: int, serial: int) -> str:
    """A permanent UPN: check letter, LA number, DfE establishment number, 2-digit issue year, 3-digit serial."""
    body = f"{la:03d}{establishment:04d}{issue_year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def school_year_start(day: date) -> date:
    """1 September of the school year that holds `day` (the school year runs September to August)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def uk_offset(day: date) -> str:
    """UTC offset of UK clocks at mid-day on `day`: British Summer Time from the last Sunday in March to the
    last Sunday in October."""
    return "+01:00" if _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10) else "+00:00"


def ascii_slug(text: str) -> str:
    """`Siân O'Brien-Smith` -> `sianobriensmith`: for email addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


# ---------------------------------------------------------------------------------------------- the roll


@dataclass
class ContactPerson:
    name: str
    relationship: str
    email: str
    phone: str
    parental_responsibility: bool
    lives_with_pupil: bool


@dataclass
class Family:
    number: int
    surname: str
    contacts: list[ContactPerson]
    profile: tuple[str, float]  # the family's usual attendance pattern: (category, absence rate)
    holiday: list[date] = field(default_factory=list)  # term-time holiday: school days at the first child's school
    holiday_code: str = "G"
    holiday_comment: str = ""
    festival: tuple[str, tuple[date, ...]] | None = None  # (name, dates) of a day set apart for religion
    looked_after: bool = False


@dataclass
class DemoPupil:
    upn: str
    plan: _SchoolPlan
    legal_forename: str
    legal_surname: str
    preferred_forename: str
    date_of_birth: date
    year_group: str
    registration_group: str
    site: Site
    admission_date: date
    leaving_date: date | None
    vulnerable: bool
    family: Family
    category: str  # "on_track", "at_risk", "persistent", "severe"
    absence_rate: float  # the target share of possible sessions missed
    late_rate: float  # the share of present sessions arrived late
    part_time: bool  # a nursery place of mornings only: afternoons are X
    mark_seed: int

    def pupil_row(self) -> tuple[str, ...]:
        return (self.upn, self.plan.school.urn, self.legal_forename, self.legal_surname, self.preferred_forename,
                self.date_of_birth.isoformat(), self.year_group, self.registration_group, self.site.slug,
                self.admission_date.isoformat(), self.leaving_date.isoformat() if self.leaving_date else "",
                "Y" if self.vulnerable else "N", "Y" if self.health_need else "N")

    @property
    def health_need(self) -> bool:
        """About one pupil in thirty has a recorded health need (from the marks' seed: no draw of its own)."""
        return self.mark_seed % 30 == 0


class _SchoolPlan:
    """One school's sessions from the start of the school year to the last day of marks, with the strings every
    mark row shares precomputed, and its classes' trip days."""

    def __init__(self, school: School, year_start: date, through: date, today: date):
        self.school = school
        self.la = la_number(school.local_authority)
        self.establishment = 2000 + zlib.crc32(school.urn.encode()) % 1000
        calendar = school.calendar
        year_end = date(year_start.year + 1, 8, 31)
        self.year_days = calendar.school_days(year_start, year_end)  # the whole year: trips, holidays
        days = [d for d in self.year_days if d <= through]
        self.days: list[date] = days
        self.dates: list[str] = []
        self.sessions: list[str] = []
        self.recorded: list[str] = []
        self.heads: list[str] = []  # "date,session," of each session's CSV line
        self.tails: list[str] = []  # ",recorded_at\n"
        self.slots: list[tuple[int, ...]] = []  # per day, the indexes of its sessions
        self.day_of: list[int] = []  # per session, the index of its day
        for d_index, day in enumerate(days):
            sessions = calendar.sessions_on(day)
            if day == today == through:
                sessions = tuple(s for s in sessions if s == AM)  # the afternoon register is not taken yet
            iso, offset = day.isoformat(), uk_offset(day)
            start = len(self.dates)
            for session in sessions:
                self.dates.append(iso)
                self.sessions.append(session)
                self.recorded.append(f"{iso}T{'09:35' if session == AM else '13:45'}:00{offset}")
                self.heads.append(f"{iso},{session},")
                self.tails.append(f",{self.recorded[-1]}\n")
                self.day_of.append(d_index)
            self.slots.append(tuple(range(start, len(self.dates))))
        self.full_day = ["/" if s == AM else "\\" for s in self.sessions]
        self.mornings_only = ["/" if s == AM else "X" for s in self.sessions]
        # Illness starts: three times as likely on a winter day (November to February).
        weights = [3.0 if d.month in (11, 12, 1, 2) else 1.5 if d.month in (10, 3) else 1.0 for d in days]
        self.illness_cum = list(itertools.accumulate(weights))
        # Family holidays start just after a school holiday or end just before one (a gap of 5 days or more).
        self.holiday_starts: list[int] = []  # day indexes (in year_days) right after a break
        self.holiday_ends: list[int] = []  # day indexes right before a break
        for i in range(1, len(self.year_days)):
            if (self.year_days[i] - self.year_days[i - 1]).days >= 5:
                self.holiday_starts.append(i)
                self.holiday_ends.append(i - 1)
        # The latest school day up to today holds the unexplained N marks (the first-day contact list).
        latest = bisect.bisect_right(days, today) - 1
        self.n_day: int | None = latest if latest >= 0 else None
        self.trips: dict[str, list[int]] = {}  # registration group -> trip day indexes
        self.snow_day: int | None = None

    def day_index(self, day: date) -> int | None:
        i = bisect.bisect_left(self.days, day)
        return i if i < len(self.days) and self.days[i] == day else None

    def first_session_on_or_after(self, day: date) -> int:
        for d_index in range(bisect.bisect_left(self.days, day), len(self.days)):
            if self.slots[d_index]:
                return self.slots[d_index][0]
        return len(self.dates)

    def end_session_through(self, day: date | None) -> int:
        """One past the index of the last session on or before `day` (None: every session)."""
        if day is None:
            return len(self.dates)
        for d_index in range(bisect.bisect_right(self.days, day) - 1, -1, -1):
            if self.slots[d_index]:
                return self.slots[d_index][-1] + 1
        return 0


class DemoFiles(NamedTuple):
    pupils: Path
    contacts: Path
    marks: Path


class DemoTrust:
    """A generated trust: its pupils and families are held (small); marks are generated on demand."""

    def __init__(self, policy: Policy, pupils: list[DemoPupil], families: list[Family], plans: list[_SchoolPlan],
                 today: date, through: date):
        self.policy = policy
        self.pupils = pupils
        self.families = families
        self.plans = plans
        self.today = today
        self.through = through

    def pupil_rows(self) -> Iterator[tuple[str, ...]]:
        for pupil in self.pupils:
            yield pupil.pupil_row()

    def contact_rows(self) -> Iterator[tuple[str, ...]]:
        for pupil in self.pupils:
            for priority, c in enumerate(pupil.family.contacts, 1):
                yield (pupil.upn, c.name, c.relationship, c.email, c.phone, "Y" if c.parental_responsibility else "N",
                       "Y" if c.lives_with_pupil else "N", str(priority),
                       LANGUAGE_OF_SURNAME.get(c.name.rsplit(" ", 1)[-1], ""))

    def mark_rows(self) -> Iterator[tuple[str, ...]]:
        """Every pupil's marks, pupil by pupil, in date and session order."""
        for pupil in self.pupils:
            yield from _pupil_marks(pupil)

    def mark_csv(self) -> Iterator[str]:
        """The same marks as CSV text, one pupil's lines at a time: what `write_csvs` writes, written as
        csv.writer would (tested), several times faster than formatting row by row."""
        for pupil in self.pupils:
            yield _pupil_marks_csv(pupil)


def generate(policy: Policy, pupils: int, seed: int, today: date, through: date | None = None) -> DemoTrust:
    """A trust of about `pupils` pupils across the policy's schools, with marks up to `through` (default:
    `today`, whose afternoon is left unmarked). Deterministic: the same arguments give the same rows."""
    if pupils < 1:
        raise ValueError("pupils must be 1 or more")
    rng = random.Random(seed)  # nosec B311 # reproducible made-up demo data, no secret
    through = through or today
    year_start = school_year_start(today)
    plans = [_SchoolPlan(school, year_start, through, today) for school in policy.schools]
    return _Builder(policy, plans, rng, year_start, today, through).build(pupils)


def write_csvs(folder: str | Path, policy: Policy, pupils: int, seed: int, today: date,
               through: date | None = None) -> DemoFiles:
    """Generate a trust and write pupils.csv, contacts.csv and marks.csv into `folder` (created if needed)."""
    return write_trust_csvs(folder, generate(policy, pupils, seed, today, through))


def write_trust_csvs(folder: str | Path, trust: DemoTrust) -> DemoFiles:
    """Write a generated trust's three CSV files into `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(folder / "pupils.csv", folder / "contacts.csv", folder / "marks.csv")
    for path, header, rows in ((files.pupils, PUPIL_COLUMNS, trust.pupil_rows()),
                               (files.contacts, CONTACT_COLUMNS, trust.contact_rows())):
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    with open(files.marks, "w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(MARK_COLUMNS) + "\n")
        handle.writelines(trust.mark_csv())
    return files


class _Builder:
    def __init__(self, policy: Policy, plans: list[_SchoolPlan], rng: random.Random, year_start: date,
                 today: date, through: date):
        self.policy = policy
        self.plans = plans
        self.rng = rng
        self.year_start = year_start
        self.today = today
        self.through = through
        self.used_upns: set[str] = set()  # membership only: never iterated
        self.serials: dict[tuple[int, int, int], int] = {}
        self.email_numbers = itertools.count(1)
        self.phone_numbers = itertools.count(rng.randrange(1000))

    # -- the shape of the trust

    def build(self, total: int) -> DemoTrust:
        rng = self.rng
        slots = self._slots(total)  # [plan index][year group] -> places left
        families: list[Family] = []
        placed: list[tuple[Family, int, str, bool]] = []  # (family, plan index, year group, twin)
        order = [(p, yg) for p in range(len(self.plans)) for yg in YEAR_GROUPS for _ in range(slots[p][yg])]
        rng.shuffle(order)
        for p, yg in order:
            if slots[p][yg] == 0:
                continue  # taken by a sibling
            slots[p][yg] -= 1
            family = self._family(len(families) + 1)
            families.append(family)
            placed.append((family, p, yg, False))
            size = rng.choices((1, 2, 3), weights=(70, 23, 7))[0]
            for _ in range(size - 1):
                sibling = self._sibling_place(slots, p, yg)
                if sibling is None:
                    break
                placed.append((family, *sibling))
        children: dict[int, list[DemoPupil]] = {}
        pupils = []
        for family, p, yg, twin in placed:
            brothers_and_sisters = children.setdefault(family.number, [])
            twin_of = next((c for c in brothers_and_sisters if twin and c.year_group == yg), None)
            pupil = self._pupil(family, p, yg, twin_of)
            brothers_and_sisters.append(pupil)
            pupils.append(pupil)
        groups = self._classes(pupils)
        self._trips(groups)
        for family in families:
            self._festival(family)
            self._family_holiday(family, children[family.number])
        pupils.sort(key=lambda pp: (pp.plan.school.urn, YEAR_GROUPS.index(pp.year_group), pp.registration_group,
                                    pp.legal_surname, pp.legal_forename, pp.upn))
        return DemoTrust(self.policy, pupils, families, self.plans, self.today, self.through)

    def _slots(self, total: int) -> list[dict[str, int]]:
        rng = self.rng
        shares = [rng.uniform(0.85, 1.15) for _ in self.plans]
        per_school = _apportion(total, shares)
        slots = []
        for count in per_school:
            weights = [YEAR_WEIGHTS[yg] * rng.uniform(0.9, 1.1) for yg in YEAR_GROUPS]
            slots.append(dict(zip(YEAR_GROUPS, _apportion(count, weights))))
        return slots

    def _sibling_place(self, slots, p: int, yg: str) -> tuple[int, str, bool] | None:
        rng = self.rng
        if rng.random() < 0.04 and slots[p][yg] > 0:  # twins
            slots[p][yg] -= 1
            return p, yg, True
        school = p
        if len(self.plans) > 1 and rng.random() < 0.1:  # a sibling at another school of the trust
            school = rng.choice([q for q in range(len(self.plans)) if q != p])
        options = [g for g in YEAR_GROUPS if g != yg and slots[school][g] > 0]
        if not options:
            return None
        chosen = rng.choice(options)
        slots[school][chosen] -= 1
        return school, chosen, False

    # -- families and their contacts

    def _family(self, number: int) -> Family:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        taken: list[str] = []  # a contact's name is unique per pupil (the MIS's key)

        def person(names, family_name, relationship, pr, lives_with) -> ContactPerson:
            return self._contact(names, family_name, relationship, pr, lives_with, taken)

        looked_after = False
        shape = rng.random()
        if shape < 0.60:  # two parents at home
            mother = person(WOMEN, surname if rng.random() < 0.8 else rng.choice(SURNAMES), "Mother", True, True)
            father = person(MEN, surname, "Father", True, True)
            contacts = [mother, father] if rng.random() < 0.75 else [father, mother]
        elif shape < 0.93:  # one parent at home, perhaps the other living elsewhere (who still has PR)
            first, other = (("Mother", WOMEN), ("Father", MEN))[:: 1 if rng.random() < 0.85 else -1]
            contacts = [person(first[1], surname, first[0], True, True)]
            if rng.random() < 0.45:
                contacts.append(person(other[1], rng.choice(SURNAMES), other[0], True, False))
        elif shape < 0.985:  # kinship care: grandparents with a special guardianship order (they hold PR)
            contacts = [person(OLDER_WOMEN, surname, "Grandparent", True, True)]
            if rng.random() < 0.5:
                contacts.append(person(OLDER_MEN, surname, "Grandparent", True, True))
        else:  # looked after by the local authority, with foster carers (who do not hold PR)
            looked_after = True
            contacts = [person(WOMEN if rng.random() < 0.7 else MEN, rng.choice(SURNAMES), "Carer", False, True)]
            if rng.random() < 0.5:
                contacts.append(person(WOMEN, rng.choice(SURNAMES), "Mother", True, False))
        if len(contacts) < 3 and not looked_after and rng.random() < 0.3:
            contacts.append(person(OLDER_WOMEN if rng.random() < 0.6 else OLDER_MEN,
                                   surname if rng.random() < 0.5 else rng.choice(SURNAMES),
                                   "Grandparent", False, False))
        return Family(number, surname, contacts, _attendance_profile(rng), looked_after=looked_after)

    def _contact(self, forenames: tuple[str, ...], surname: str, relationship: str, pr: bool, lives_with: bool,
                 taken: list[str]) -> ContactPerson:
        rng = self.rng
        forename = rng.choice(forenames)
        while f"{forename} {surname}" in taken:
            forename = rng.choice(forenames)
        taken.append(f"{forename} {surname}")
        email = f"{ascii_slug(forename)}.{ascii_slug(surname)}{next(self.email_numbers)}@example.com"
        if rng.random() < 0.04:
            email = ""  # some contacts give the school no email address
        phone = f"07700 900{next(self.phone_numbers) % 1000:03d}"
        return ContactPerson(f"{forename} {surname}", relationship, email, phone, pr, lives_with)

    # -- pupils

    def _pupil(self, family: Family, p: int, yg: str, twin_of: DemoPupil | None) -> DemoPupil:
        rng = self.rng
        plan = self.plans[p]
        start_year = self.year_start.year
        if twin_of is not None:
            dob = twin_of.date_of_birth
        else:
            dob = date(start_year - AGE_AT_START[yg] - 1, 9, 1) + timedelta(days=rng.randrange(365))
        girl = rng.random() < 0.49
        forename = rng.choice(GIRLS if girl else BOYS)
        preferred = NICKNAMES[forename] if forename in NICKNAMES and rng.random() < 0.35 else ""
        surname = family.surname if rng.random() < 0.9 else rng.choice(SURNAMES)

        # When the pupil joined this school, and who issued the UPN: the first school, in the year it did.
        offset = YEAR_GROUPS.index(yg) - YEAR_GROUPS.index("R")  # N1 -2, N2 -1, R 0, Y1 1 ... Y6 6
        if offset < 0:
            entry = start_year - (1 if yg == "N2" and rng.random() < 0.3 else 0)
        else:
            entry = start_year - offset - (1 if rng.random() < 0.4 else 0)  # from the school's nursery
        issue_year, issue_est = entry, plan.establishment
        admission = _first_weekday(date(entry, 9, 3))
        if offset > 0 and rng.random() < 0.12:  # joined in an earlier year from another school
            admission = _random_weekday(rng, date(start_year - offset + 1, 9, 3), date(start_year, 7, 15))
            issue_year = start_year - offset
            issue_est = 2000 + rng.randrange(1000)  # another school of the same LA issued the UPN
        if admission >= self.year_start:
            admission = plan.year_days[0] if plan.year_days else admission
        # Joining or leaving during this school year: the roll (names, UPNs) is the same whatever `today` is
        # in the year, and a pupil joins or leaves only once their date has come.
        roll, when, other_school = rng.random(), rng.random(), 2000 + rng.randrange(1000)
        days = plan.year_days
        leaving = None
        if roll < 0.03:  # joined during this school year, from another school
            if offset >= 0:
                issue_year, issue_est = start_year - offset, other_school
            if len(days) > 30 and days[10 + int(when * (len(days) - 15))] < self.today:
                admission = days[10 + int(when * (len(days) - 15))]
        elif roll < 0.04 and len(days) > 30:  # leaves during this school year
            day = days[15 + int(when * (len(days) - 16))]
            leaving = day if day < self.today else None

        category, rate = family.profile if rng.random() < 0.75 else _attendance_profile(rng)
        return DemoPupil(
            upn=self._upn(plan.la, issue_est, issue_year), plan=plan, legal_forename=forename,
            legal_surname=surname, preferred_forename=preferred, date_of_birth=dob, year_group=yg,
            registration_group="", site=_site_for(plan.school, yg), admission_date=admission,
            leaving_date=leaving,
            vulnerable=family.looked_after or rng.random() < (0.04 if category in ("persistent", "severe") else 0.012),
            family=family, category=category, absence_rate=rate, late_rate=_late_rate(rng, category),
            part_time=yg == "N1" or (yg == "N2" and rng.random() < 0.5), mark_seed=rng.getrandbits(64),
        )

    def _upn(self, la: int, establishment: int, issue_year: int) -> str:
        """A UPN not given before: the next serial of the issuing school and year (another school's when full)."""
        while True:
            key = (la, establishment, issue_year % 100)
            serial = self.serials.get(key, self.rng.randrange(200)) + 1
            if serial > 999:
                establishment = 2000 + (establishment - 1999) % 8000
                continue
            self.serials[key] = serial
            upn = make_upn(la, establishment, issue_year, serial)
            if upn not in self.used_upns:
                self.used_upns.add(upn)
                return upn

    def _classes(self, pupils: list[DemoPupil]) -> dict[int, list[str]]:
        """Split each school's year groups into classes of up to 30 and name them ("3H" at one school, trees at
        the next). Returns each plan's class names, by plan index."""
        rng = self.rng
        groups: dict[int, list[str]] = {}
        by_year: dict[tuple[int, str], list[DemoPupil]] = {}
        index = {id(plan): p for p, plan in enumerate(self.plans)}
        for pupil in pupils:
            by_year.setdefault((index[id(pupil.plan)], pupil.year_group), []).append(pupil)
        for p in range(len(self.plans)):
            trees = list(TREES)
            rng.shuffle(trees)
            names_here = groups.setdefault(p, [])
            for yg in YEAR_GROUPS:
                year = by_year.get((p, yg), [])
                if not year:
                    continue
                count = math.ceil(len(year) / CLASS_SIZE)
                names = self._class_names("tree" if p % 2 else "initial", yg, count, trees)
                names_here.extend(names)
                rng.shuffle(year)
                for i, pupil in enumerate(year):
                    pupil.registration_group = names[i % count]
        return groups

    def _class_names(self, style: str, yg: str, count: int, trees: list[str]) -> list[str]:
        if style == "tree":
            return [trees.pop() if trees else f"{TREES[i % len(TREES)]} {yg}-{i}" for i in range(count)]
        label = {"N1": "N1", "N2": "N", "R": "R"}.get(yg, yg[1:])
        letters = self.rng.sample(TEACHER_INITIALS, min(count, len(TEACHER_INITIALS)))
        names = [f"{label}{letter}" for letter in letters]
        names += [f"{label}{TEACHER_INITIALS[i % len(TEACHER_INITIALS)]}{i}" for i in range(len(names), count)]
        return names

    def _trips(self, groups: dict[int, list[str]]) -> None:
        """A trip day or two a term per class (V; Year 6's first is a three-day residential); maybe a snow day."""
        rng = self.rng
        for p, plan in enumerate(self.plans):
            year, so_far = len(plan.year_days), len(plan.days)  # plan.days is the start of plan.year_days
            for group in groups.get(p, []):
                count = min(year, round(rng.uniform(3, 6)))
                plan.trips[group] = [d for d in sorted(rng.sample(range(year), count)) if d < so_far]
        if self.plans and rng.random() < 0.6:
            plan = self.plans[rng.randrange(len(self.plans))]
            winter = [i for i, d in enumerate(plan.year_days) if d.month in (1, 2)]
            if winter:
                plan.snow_day = rng.choice(winter)  # an index of plan.year_days, so of plan.days if it has come

    def _festival(self, family: Family) -> None:
        """One family in twenty keeps a day set apart for religious observance (R)."""
        if self.rng.random() < 0.05:
            name, dates = self.rng.choice(FESTIVALS)
            family.festival = (name, tuple(date.fromisoformat(d) for d in dates))

    def _family_holiday(self, family: Family, children: list[DemoPupil]) -> None:
        """About one family in ten takes a term-time holiday, all the children together, usually next to a
        school holiday; a few are granted as exceptional leave (C), the rest refused (G)."""
        rng = self.rng
        if not children or rng.random() >= 0.10:
            return
        plan = children[0].plan
        granted = rng.random() < 0.15
        length = rng.randint(2, 5) if granted else rng.choice((3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 10))
        if plan.holiday_starts and rng.random() < 0.8:
            if rng.random() < 0.5:
                start = rng.choice(plan.holiday_starts)  # back late
            else:
                start = rng.choice(plan.holiday_ends) - length + 1  # off early
        elif plan.year_days:
            start = rng.randrange(len(plan.year_days))
        else:
            return
        family.holiday = [d for d in plan.year_days[max(0, start):start + length] if d <= self.through]
        family.holiday_code = "C" if granted else "G"
        family.holiday_comment = rng.choice(LEAVE_GRANTED if granted else HOLIDAY_REFUSED)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, largest remainders first, so the parts add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], -i), reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _first_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _random_weekday(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return _first_weekday(start)
    day = start + timedelta(days=rng.randrange((end - start).days))
    if day.month == 8:
        day = day.replace(month=9, day=3)
    return _first_weekday(day)


def _site_for(school: School, year_group: str) -> Site:
    """The site a year group is taught at: the policy's `year_groups` if given; else, with several sites, the
    younger pupils on a "lower" (or infant) site and the older ones on the others."""
    sites = list(school.sites)
    for site in sites:
        if year_group in site.year_groups:
            return site
    if len(sites) == 1:
        return sites[0]

    def youngest_first(site: Site) -> tuple[int, str]:
        words = f"{site.slug} {site.name}".lower()
        return (0 if any(w in words for w in ("lower", "infant", "early", "nursery")) else 1, site.slug)

    ordered = sorted(sites, key=youngest_first)
    index = YEAR_GROUPS.index(year_group) * len(ordered) // len(YEAR_GROUPS)
    return ordered[index]


def _attendance_profile(rng: random.Random) -> tuple[str, float]:
    """A target absence rate: most pupils miss under 5%, about one in six 10% or more, one or two in a hundred
    half or more (England's primary schools, 2023-24: PA about 15%, SA about 1%)."""
    u = rng.random()
    if u < 0.015:
        return "severe", rng.uniform(0.53, 0.85)
    if u < 0.16:
        return "persistent", 0.103 + min(0.3, rng.expovariate(1 / 0.045))
    if u < 0.29:
        return "at_risk", rng.uniform(0.05, 0.095)
    return "on_track", 0.047 * rng.random() ** 1.5


def _late_rate(rng: random.Random, category: str) -> float:
    u = rng.random()
    if category in ("persistent", "severe"):
        u = min(u + 0.25, 0.999)
    if u < 0.55:
        return rng.uniform(0, 0.01)
    if u < 0.85:
        return rng.uniform(0.01, 0.04)
    if u < 0.97:
        return rng.uniform(0.04, 0.10)
    return rng.uniform(0.10, 0.30)


# ---------------------------------------------------------------------------------------------- marks


def _pupil_marks(pupil: DemoPupil) -> Iterator[tuple[str, ...]]:
    plan = pupil.plan
    lo = plan.first_session_on_or_after(pupil.admission_date)
    hi = plan.end_session_through(pupil.leaving_date)
    if hi <= lo:
        return iter(())
    codes_, minutes, comments = _codes_for(pupil, lo, hi)
    n = hi - lo
    minutes_list, comments_list = [""] * n, [""] * n
    for k, value in minutes.items():
        minutes_list[k] = value
    for k, value in comments.items():
        comments_list[k] = value
    return zip(itertools.repeat(pupil.upn, n), plan.dates[lo:hi], plan.sessions[lo:hi], codes_, minutes_list,
               comments_list, plan.recorded[lo:hi])


def _pupil_marks_csv(pupil: DemoPupil) -> str:
    plan = pupil.plan
    lo = plan.first_session_on_or_after(pupil.admission_date)
    hi = plan.end_session_through(pupil.leaving_date)
    if hi <= lo:
        return ""
    codes_, minutes, comments = _codes_for(pupil, lo, hi)
    head = f"{pupil.upn},"
    heads, tails = plan.heads, plan.tails
    lines = [f"{head}{h}{c},,{t}" for h, c, t in zip(heads[lo:hi], codes_, tails[lo:hi])]
    for k in minutes.keys() | comments.keys():
        lines[k] = (f"{head}{heads[lo + k]}{codes_[k]},{minutes.get(k, '')},{_csv_field(comments.get(k, ''))}"
                    f"{tails[lo + k]}")
    return "".join(lines)


_QUOTED: dict[str, str] = {}


def _csv_field(text: str) -> str:
    """`text` as csv.writer writes it (minimal quoting)."""
    if not text:
        return text
    done = _QUOTED.get(text)
    if done is None:
        needs = any(ch in text for ch in ',"\r\n')
        done = _QUOTED[text] = '"' + text.replace('"', '""') + '"' if needs else text
    return done


def _codes_for(pupil: DemoPupil, lo: int, hi: int) -> tuple[list[str], dict[int, str], dict[int, str]]:
    """The pupil's codes for sessions lo..hi-1 of their school (index 0 is session lo), with the minutes late
    and comments of the few sessions that have them."""
    rng = random.Random(pupil.mark_seed)  # nosec B311 # reproducible made-up demo marks, no secret
    plan = pupil.plan
    n = hi - lo
    marks = (plan.mornings_only if pupil.part_time else plan.full_day)[lo:hi]
    minutes: dict[int, str] = {}
    comments: dict[int, str] = {}
    day_lo, day_hi = plan.day_of[lo], plan.day_of[hi - 1] + 1

    def day_sessions(d_index: int):
        return [i - lo for i in plan.slots[d_index] if lo <= i < hi]

    def put(d_index: int, code: str, comment: str = "", from_pm: bool = False) -> int:
        """Mark the day's sessions with `code` (not X ones); returns how many present sessions it replaced."""
        changed = 0
        for k in day_sessions(d_index):
            if from_pm and plan.sessions[k + lo] == AM:
                continue
            if marks[k] in NOT_EXPECTED:
                continue
            if marks[k] in PRESENT_LIKE:
                changed += 1
            marks[k] = code
            comments.pop(k, None)
            if comment:
                comments[k] = comment
                comment = ""  # on the first session only
        return changed

    # School-wide and class-wide days first: a snow day (Y4), trips (V), sports fixtures (P).
    if plan.snow_day is not None and day_lo <= plan.snow_day < day_hi:
        for k in day_sessions(plan.snow_day):
            marks[k] = "Y4"
    for d_index in plan.trips.get(pupil.registration_group, ()):
        if day_lo <= d_index < day_hi and rng.random() < 0.97:
            for k in day_sessions(d_index):
                if marks[k] in ("/", "\\"):
                    marks[k] = "V"
    if pupil.year_group == "Y6" and rng.random() < 0.9:
        residential = plan.trips.get(pupil.registration_group, [])
        if residential:
            first = residential[0]
            for d_index in range(first, min(first + 3, day_hi)):
                if d_index >= day_lo:
                    for k in day_sessions(d_index):
                        if marks[k] in ("/", "\\"):
                            marks[k] = "V"
    if pupil.year_group in ("Y3", "Y4", "Y5", "Y6") and rng.random() < 0.08:
        for _ in range(rng.randint(1, 3)):
            d_index = rng.randrange(day_lo, day_hi)
            for k in day_sessions(d_index):
                if plan.sessions[k + lo] == PM and marks[k] == "\\":
                    marks[k] = "P"

    possible = n - sum(marks.count(code) for code in NOT_EXPECTED)
    budget = round(pupil.absence_rate * possible)
    used = 0

    # The family's days: a holiday (G, or C if granted) and a festival (R).
    family = pupil.family
    if family.holiday:
        for day in family.holiday:
            d_index = plan.day_index(day)
            if d_index is not None and day_lo <= d_index < day_hi:
                used += put(d_index, family.holiday_code, family.holiday_comment)
    if family.festival:
        name, dates = family.festival
        for day in dates:
            d_index = plan.day_index(day)
            if d_index is not None and day_lo <= d_index < day_hi:
                used += put(d_index, "R", name)

    # The rest of the pupil's absence, event by event, until the budget is spent.
    category = pupil.category
    kinds, weights = EVENT_WEIGHTS[category]
    last_recent = plan.n_day - 5 if plan.n_day is not None else None  # N younger than this is still pending
    tries = 0
    if rng.random() < 0.004:  # a long illness or a hospital stay: a sickness return is due
        used += _run(put, rng.randrange(day_lo, day_hi), rng.randint(12, 20), day_hi, "I",
                     rng.choice(LONG_ILLNESS))
    while used < budget and tries < 400:
        tries += 1
        left_days = max(1, math.ceil((budget - used) / 2))
        kind = rng.choices(kinds, cum_weights=weights)[0]
        if kind == "I":
            start = _winter_day(rng, plan, day_lo, day_hi)
            length = min(rng.choices((1, 2, 3, 4, 5), weights=(35, 25, 18, 12, 10))[0], left_days)
            from_pm = rng.random() < 0.15  # sent home ill at lunchtime
            used += put(start, "I", rng.choice(ILLNESS), from_pm=from_pm)
            used += _run(put, start + 1, length - 1, day_hi, "I")
        elif kind == "M":
            d_index = rng.randrange(day_lo, day_hi)
            sessions = day_sessions(d_index)
            if sessions:
                k = sessions[0] if rng.random() < 0.6 else sessions[-1]
                if marks[k] in PRESENT_LIKE:
                    marks[k] = "M"
                    comments[k] = rng.choice(APPOINTMENTS)
                    used += 1
        elif kind in ("O", "O_RUN"):
            length = 1 if kind == "O" else min(rng.randint(2, 10 if category == "severe" else 4), left_days)
            start = rng.randrange(day_lo, day_hi)
            if start == plan.n_day:
                continue  # the latest register's unexplained absences are drawn below
            code = "O"
            if last_recent is not None and start > last_recent:
                code = "N"  # not yet recoded: the reason is still being chased
            elif rng.random() < 0.04:
                code = "N"  # an N nobody recoded: overdue
            used += _run(put, start, length, day_hi, code, rng.choice(UNAUTHORISED) if code == "O" else "")
        elif kind == "E":
            used += _run(put, rng.randrange(day_lo, day_hi), rng.randint(1, 3), day_hi, "E", "Suspension")

    # Lateness on the days the pupil came in: L inside the register window, some U after it closed.
    present = [k for k in range(n) if marks[k] in ("/", "\\")]
    late_count = min(len(present), round(pupil.late_rate * len(present) * rng.uniform(0.7, 1.3)))
    if late_count:
        u_share = 0.25 if pupil.late_rate > 0.08 else 0.06
        for k in sorted(rng.sample(present, late_count)):
            session = plan.sessions[k + lo]
            if session == PM and rng.random() < 0.85:
                continue  # afternoons are rarely late: most picks of a PM session are dropped
            times = pupil.site.times(session)
            window = times.register_open_minutes
            longest = _minutes_between(times.late_from, times.ends) - 1
            if rng.random() < u_share:
                marks[k] = "U"
                minutes[k] = str(min(longest, window + 1 + int(rng.expovariate(1 / 15))))
            else:
                marks[k] = "L"
                minutes[k] = str(min(window, 1 + int(rng.expovariate(1 / 7))))

    # The latest register: an unexplained N for about 3% of pupils, the first-day contact list.
    if plan.n_day is not None and day_lo <= plan.n_day < day_hi:
        chance = 0.01 + 0.1 * pupil.absence_rate
        if rng.random() < chance:
            sessions = day_sessions(plan.n_day)
            if sessions and marks[sessions[0]] in ("/", "\\", "L", "U", "V", "P"):
                for k in sessions:
                    if marks[k] != "X":
                        marks[k] = "N"
                        minutes.pop(k, None)
                        comments.pop(k, None)
    return marks, minutes, comments


def _run(put, start: int, length: int, day_hi: int, code: str, comment: str = "") -> int:
    changed = 0
    for d_index in range(start, min(start + length, day_hi)):
        changed += put(d_index, code, comment)
        comment = ""
    return changed


def _winter_day(rng: random.Random, plan: _SchoolPlan, day_lo: int, day_hi: int) -> int:
    """A day in lo..hi-1, three times as likely in winter: drawn from the cumulative weights of those days."""
    cum = plan.illness_cum
    base = cum[day_lo - 1] if day_lo else 0.0
    point = base + rng.random() * (cum[day_hi - 1] - base)
    lo, hi = day_lo, day_hi - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < point:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _minutes_between(a, b) -> int:
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)


def _cumulative(pairs: dict[str, float]) -> tuple[tuple[str, ...], list[float]]:
    return tuple(pairs), list(itertools.accumulate(pairs.values()))


EVENT_WEIGHTS = {
    "on_track": _cumulative({"I": 80, "M": 16, "O": 4}),
    "at_risk": _cumulative({"I": 65, "M": 12, "O": 20, "O_RUN": 3}),
    "persistent": _cumulative({"I": 46, "M": 6, "O": 27, "O_RUN": 20, "E": 0.5}),
    "severe": _cumulative({"I": 25, "O": 15, "O_RUN": 59, "E": 1}),
}


# ---------------------------------------------------------------------------------------------- the spread


@dataclass(frozen=True)
class Spread:
    pupils: int  # pupils with at least one possible session
    at_or_above_95: int
    on_target: int  # at or above the policy's target
    persistent: int  # absence 10% or more (severe included)
    severe: int
    marks: int
    unexplained_today: int  # N marks on the latest register day
    latest_day: date | None

    def share(self, count: int) -> str:
        return f"{100 * count / self.pupils:.1f}%" if self.pupils else "-"


def spread(mark_rows: Iterable[Sequence[str]], bands: Bands | None = None,
           latest_day: date | None = None) -> Spread:
    """Attendance over the given mark rows (grouped by pupil, as the generator and its CSV give them), counted
    with the portal's own rules: portal.domain.attendance."""
    bands = bands or Bands()
    parsed: dict[str, date] = {}
    pupils = at_95 = on_target = persistent = severe = total = unexplained = 0
    latest = latest_day.isoformat() if latest_day else None
    for _, rows in itertools.groupby(mark_rows, key=lambda row: row[0]):
        marks = []
        for row in rows:
            day, session, code = row[1], row[2], row[3]
            when = parsed.get(day)
            if when is None:
                when = parsed[day] = date.fromisoformat(day)
            marks.append(Mark(when, session, code))
            if code == "N" and session == AM and day == latest:
                unexplained += 1
        total += len(marks)
        summary = summarise(marks, bands=bands)
        if summary.attendance is None:
            continue
        pupils += 1
        at_95 += summary.attendance >= pct(95)
        on_target += band(summary, bands) == "on_target"
        persistent += summary.persistent_absence
        severe += summary.severe_absence
    return Spread(pupils, at_95, on_target, persistent, severe, total, unexplained, latest_day)


def read_mark_rows(path: str | Path) -> Iterator[list[str]]:
    """The rows of a marks CSV written by `write_csvs`, without the header."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        yield from reader


def latest_register_day(policy: Policy, today: date) -> date | None:
    """The latest school day of this school year up to `today`, at any of the policy's schools: the day of
    the unexplained N marks. None before the year's first school day."""
    days = [s.calendar.school_days(school_year_start(today), today) for s in policy.schools]
    last = [d[-1] for d in days if d]
    return max(last) if last else None


def last_school_day_by(policy: Policy, day: date) -> date | None:
    """The latest school day on or before `day` in any of the policy's calendars (any school year)."""
    found = []
    for school in policy.schools:
        first = school.calendar.first_day
        if first is not None and first <= day:
            found.append(school.calendar.school_days(first, day)[-1])
    return max(found) if found else None


# ---------------------------------------------------------------------------------------------- names

BOYS = (
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie", "Jacob",
    "Thomas", "Henry", "William", "Freddie", "Alfie", "Theodore", "Archie", "Joshua", "James", "Isaac", "Lucas",
    "Ethan", "Alexander", "Max", "Samuel", "Joseph", "Logan", "Mason", "Daniel", "Finley", "Teddy", "Tommy",
    "Reggie", "Albie", "Ronnie", "Riley", "Dylan", "Harrison", "Adam", "Ibrahim", "Yusuf", "Zayn", "Ayaan",
    "Kai", "Rory", "Ellis", "Callum", "Lewis", "Jude", "Elijah", "Luca", "Louie", "Hugo", "Sebastian",
    "Frankie", "Carter", "Liam", "Jakub", "Filip", "Kacper", "Arjun", "Aarav", "Kofi", "Tobias", "Edward",
    "Benjamin", "Matthew", "Nathan", "Owen", "Reuben", "Stanley", "Jenson", "Bobby", "Cameron", "Connor",
    "Dexter", "Eli", "Felix", "Gabriel", "Hamza", "Ismail", "Jayden", "Kian", "Mohammed", "Rhys", "Ryan",
)
GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Ivy", "Florence", "Mia", "Isabella", "Sophia",
    "Grace", "Poppy", "Evie", "Ella", "Willow", "Rosie", "Elsie", "Sophie", "Daisy", "Emily", "Phoebe",
    "Harper", "Sienna", "Matilda", "Evelyn", "Millie", "Ruby", "Erin", "Esme", "Aria", "Maya", "Hallie",
    "Bonnie", "Layla", "Maisie", "Luna", "Hannah", "Charlotte", "Darcie", "Holly", "Imogen", "Chloe",
    "Jessica", "Scarlett", "Eliza", "Aisha", "Maryam", "Zara", "Amira", "Fatima", "Hafsa", "Zainab", "Priya",
    "Anaya", "Oliwia", "Zuzanna", "Amara", "Chioma", "Nia", "Ffion", "Niamh", "Orla", "Caitlin", "Zoë",
    "Megan", "Lola", "Penelope", "Elizabeth", "Abigail", "Beatrice", "Clara", "Edie", "Georgia", "Heidi",
    "Iris", "Lucy", "Martha", "Nancy", "Robyn", "Summer", "Thea", "Violet",
)
NICKNAMES = {
    "Alexander": "Alex", "Oliver": "Ollie", "Thomas": "Tom", "Joshua": "Josh", "Samuel": "Sam", "Joseph": "Joe",
    "Daniel": "Danny", "Theodore": "Theo", "Sebastian": "Seb", "Benjamin": "Ben", "Matthew": "Matt",
    "Edward": "Ted", "William": "Billy", "Isabella": "Bella", "Charlotte": "Lottie", "Matilda": "Tilly",
    "Florence": "Flo", "Jessica": "Jess", "Elizabeth": "Libby", "Abigail": "Abi", "Penelope": "Penny",
    "Georgia": "Georgie", "Beatrice": "Bea", "Tobias": "Toby", "Gabriel": "Gabe",
}
WOMEN = (
    "Sarah", "Laura", "Emma", "Rebecca", "Gemma", "Claire", "Rachel", "Hannah", "Amy", "Lisa", "Kelly",
    "Nicola", "Stacey", "Jodie", "Kirsty", "Danielle", "Leanne", "Michelle", "Katie", "Charlotte", "Jennifer",
    "Victoria", "Lauren", "Natalie", "Samantha", "Zoe", "Joanne", "Hayley", "Amanda", "Louise", "Fatima",
    "Nadia", "Shazia", "Ayesha", "Agnieszka", "Joanna", "Anita", "Grace", "Blessing", "Siân", "Renée",
    "Helen", "Kerry", "Stephanie", "Jade", "Chelsea", "Sophie", "Holly", "Naomi", "Ruth",
)
MEN = (
    "David", "Michael", "Christopher", "James", "Daniel", "Paul", "Mark", "Andrew", "Richard", "Matthew",
    "Steven", "Craig", "Lee", "Gary", "Jamie", "Ryan", "Adam", "Thomas", "Scott", "Dean", "Carl", "Stuart",
    "Gavin", "Neil", "Robert", "Simon", "Kevin", "Imran", "Tariq", "Asif", "Piotr", "Tomasz", "Marek",
    "Emeka", "Kwame", "Rhys", "Sean", "Jonathan", "Nathan", "Liam", "Ben", "Joe", "Wayne", "Darren",
)
OLDER_WOMEN = (
    "Susan", "Linda", "Margaret", "Patricia", "Christine", "Carol", "Janet", "Elaine", "Pauline", "Sandra",
    "Brenda", "Maureen", "Shirley", "Jean", "Barbara", "Karen", "Julie", "Denise", "Gillian", "Lorraine",
)
OLDER_MEN = (
    "John", "Peter", "Alan", "Brian", "Keith", "Colin", "Graham", "Ian", "Malcolm", "Trevor", "Kenneth",
    "Derek", "Raymond", "Stephen", "Philip", "Martin", "Geoffrey", "Barry", "Terry", "Anthony",
)
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Cox", "Morgan", "Moore", "Martin",
    "Price", "Bell", "Turner", "Hughes", "Harris", "Scott", "Young", "Allen", "King", "Baker", "Carter",
    "Cooper", "Hill", "Ward", "Morris", "Watson", "Kelly", "Murphy", "O'Brien", "Armstrong", "Charlton",
    "Robson", "Milburn", "Dodds", "Elliott", "Forster", "Nixon", "Ridley", "Storey", "Anderson", "Graham",
    "Henderson", "Laidler", "Hussain", "Ali", "Ahmed", "Singh", "Shah", "Sharma", "Nowak", "Mazur",
    "Kaczmarek", "Okafor", "Mensah", "Adeyemi", "Osei", "Chen", "Nguyen", "Da Silva", "Costa", "Popescu",
    "Kaya", "Fletcher", "Gibson", "Hudson", "Lambert", "Marshall", "Pearson", "Reid", "Stewart", "Wallace",
    "Fenwick", "Hetherington", "Tait", "Bell-Jones", "MacDonald", "Campbell", "Byrne", "Doyle",
)
TREES = (
    "Oak", "Ash", "Willow", "Rowan", "Hazel", "Birch", "Beech", "Elm", "Maple", "Cedar", "Holly", "Alder",
    "Hawthorn", "Chestnut", "Juniper", "Larch", "Pine", "Sycamore", "Yew", "Aspen", "Cherry", "Poplar",
    "Linden", "Spruce", "Walnut", "Hornbeam", "Elder", "Blackthorn", "Whitebeam", "Magnolia",
)
TEACHER_INITIALS = "ABCDEFGHJKLMNPRSTW"
ILLNESS = (
    "Sickness bug", "High temperature", "Cold and cough", "Tonsillitis", "Ear infection", "Chickenpox",
    "Headache", "Stomach ache", "Flu", "Hand, foot and mouth", "Conjunctivitis", "Parent phoned: unwell",
    "Parent reported through the portal: unwell", "",
)
LONG_ILLNESS = ("Hospital stay", "Broken leg: hospital then home", "Glandular fever")
APPOINTMENTS = (
    "Dentist", "GP appointment", "Hospital appointment", "Orthodontist", "Optician", "Audiology appointment",
    "Speech and language therapy", "CAMHS appointment",
)
UNAUTHORISED = ("No reason given", "Reason not accepted", "Overslept", "Family day out", "Birthday",
                "No contact from home", "")
HOLIDAY_REFUSED = ("Holiday: leave refused", "Holiday: no request made", "Holiday abroad: leave refused")
LEAVE_GRANTED = ("Leave granted: family funeral abroad", "Leave granted: family wedding",
                 "Leave granted: serious family illness")
# Days set apart for religious observance in 2025-26 and 2026-27 (dates of the main festival day; Eid dates
# depend on the moon and are given as commonly announced in the UK).
FESTIVALS = (
    ("Eid al-Fitr", ("2026-03-20", "2027-03-10")),
    ("Eid al-Adha", ("2025-06-06", "2026-05-27", "2027-05-17")),
    ("Diwali", ("2025-10-20", "2026-11-09")),
    ("Vaisakhi", ("2026-04-14", "2027-04-14")),
    ("Yom Kippur", ("2025-10-02", "2026-09-21")),
)
