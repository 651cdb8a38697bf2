"""Where and when things fall: pupils shared between schools, weekdays in a term, the site of a pupil."""

from __future__ import annotations

import random
from datetime import date, timedelta

from portal.demo.people import YEAR_GROUPS
from portal.domain.policy import School, Site


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, largest remainders first, so the parts add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], -i), reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def first_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def random_weekday(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return first_weekday(start)
    day = start + timedelta(days=rng.randrange((end - start).days))
    if day.month == 8:
        day = day.replace(month=9, day=3)
    return first_weekday(day)


def site_for(school: School, year_group: str) -> Site:
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
