"""The policy as plain JSON-ready data, for `policy show --json` and for scripts that read it."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from decimal import Decimal

from portal.domain.calendar import SchoolCalendar


def plain(value):
    """Dataclasses, sets, Decimals, dates and times as JSON values (percentages stay exact, as strings)."""
    if isinstance(value, SchoolCalendar):
        return {
            "inset_days": [d.isoformat() for d in sorted(value.inset_days)],
            "closures": [plain(c) for c in value.closures],
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def policy_as_dict(policy) -> dict:
    data = plain(policy)
    for school in data["schools"]:
        info = school.pop("calendar_info")
        school["calendar"] = {
            "key": info["key"],
            "authority": info["authority"],
            "source": info["source"],
            "status": info["status"],
            "terms": [{"year": year, **term} for year, term in info["terms"]],
            **school["calendar"],
        }
    return data
