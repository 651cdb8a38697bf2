"""Numbers in words for the static parent site (portal/web/site.py): British, as the seeds write them, and exact
where a parent could be misled ("9 days or fewer", never a rounded "9.5" that would put a child on the wrong side
of a line)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from portal.domain.band_table import BandRange


def number(value: Decimal | Fraction | int) -> str:
    """A percentage or a number of days: whole numbers plainly, others to one decimal place ("9.5", "5.7")."""
    exact = Fraction(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    tenths = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(tenths)


def percent(value: Fraction) -> tuple[str, bool]:
    """A fraction of one as a percentage ("95", "96.5"), and whether that is exact (else it is rounded)."""
    exact = value * 100
    return number(exact), (exact * 10).denominator == 1


def attendance_words(r: BandRange) -> str:
    """A band's attendance, exact at both ends: "95% or more and under 97%", "50% or less". An end that is not a
    whole tenth of a percent (a days-based line) is "about" it; the days missed beside it are exact."""
    parts = []
    for edge, at_or, beyond in ((r.lowest, "or more", "over"), (r.highest, "or less", "under")):
        if edge is None:
            continue
        shown, exact = percent(edge.value)
        if not exact:
            parts.append(f"about {shown}% {at_or}")
        else:
            parts.append(f"{shown}% {at_or}" if edge.included else f"{beyond} {shown}%")
    return " and ".join(parts)


def days_words(r: BandRange, school_days: int) -> str:
    """A band's days missed over the year: "9 days or fewer", "9.5 to 18.5 days", "95 days or more"."""
    if r.fewest_days == r.most_days:
        return f"{number(r.fewest_days)} days"
    if r.fewest_days == 0:
        return f"{number(r.most_days)} days or fewer"
    if r.most_days == school_days:
        return f"{number(r.fewest_days)} days or more"
    return f"{number(r.fewest_days)} to {number(r.most_days)} days"


def exact_days(value: Fraction) -> str:
    """Days missed at a percentage, exactly when two decimal places hold it ("9.45"), else to two ("about 5.67")."""
    hundredths = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    shown = f"{hundredths.normalize():f}"
    return shown if (value * 100).denominator == 1 else f"about {shown}"
