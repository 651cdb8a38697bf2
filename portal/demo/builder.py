"""Builds a trust's roll from its policy: classes, families (siblings, contacts), pupils, holidays and trips."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta

from portal.demo.identifiers import ascii_slug, make_upn
from portal.demo.names import (
    BOYS, FESTIVALS, GIRLS, HOLIDAY_REFUSED, LEAVE_GRANTED, MEN, NICKNAMES, OLDER_MEN, OLDER_WOMEN, SURNAMES,
    TEACHER_INITIALS, TREES, WOMEN,
)
from portal.demo.people import AGE_AT_START, CLASS_SIZE, ContactPerson, DemoPupil, Family, YEAR_GROUPS, YEAR_WEIGHTS
from portal.demo.placement import apportion, first_weekday, random_weekday, site_for
from portal.demo.profiles import attendance_profile, late_rate
from portal.demo.school_plan import SchoolPlan
from portal.demo.trust import DemoTrust
from portal.domain.policy import Policy


class Builder:
    def __init__(self, policy: Policy, plans: list[SchoolPlan], rng: random.Random, year_start: date,
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
        per_school = apportion(total, shares)
        slots = []
        for count in per_school:
            weights = [YEAR_WEIGHTS[yg] * rng.uniform(0.9, 1.1) for yg in YEAR_GROUPS]
            slots.append(dict(zip(YEAR_GROUPS, apportion(count, weights))))
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
        return Family(number, surname, contacts, attendance_profile(rng), looked_after=looked_after)

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
        admission = first_weekday(date(entry, 9, 3))
        if offset > 0 and rng.random() < 0.12:  # joined in an earlier year from another school
            admission = random_weekday(rng, date(start_year - offset + 1, 9, 3), date(start_year, 7, 15))
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

        category, rate = family.profile if rng.random() < 0.75 else attendance_profile(rng)
        return DemoPupil(
            upn=self._upn(plan.la, issue_est, issue_year), plan=plan, legal_forename=forename,
            legal_surname=surname, preferred_forename=preferred, date_of_birth=dob, year_group=yg,
            registration_group="", site=site_for(plan.school, yg), admission_date=admission,
            leaving_date=leaving,
            vulnerable=family.looked_after or rng.random() < (0.04 if category in ("persistent", "severe") else 0.012),
            family=family, category=category, absence_rate=rate, late_rate=late_rate(rng, category),
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
