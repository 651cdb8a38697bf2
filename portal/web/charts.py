"""Charts drawn on the server as SVG: no JavaScript, and readable by screen readers (design.md §8).

Each chart is one `<svg role="img">` named by its `<title>` and described by its `<desc>`; the page puts the same
figures in a table beside it. The Content Security Policy forbids inline styles, so the drawing uses presentation
attributes only (fill, stroke, font-size...): no `style=` attribute and no `<style>` element.

They plot the figures they are given and compute none: the caller passes the domain's values and their display
text, in the page's language; the chart's own words are translated (flask_babel) like the page around it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple, Protocol

from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.web.words import percent_words

# GOV.UK Frontend colours: text, blue, green, red, mid grey.
TEXT = "#0b0c0c"
LINE = "#1d70b8"
TARGET = "#00703c"
OTHER = "#d4351c"
GRID = "#b1b4b6"

WIDTH, HEIGHT = 600, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 20, 44
FONT_SIZE = 14
MAX_X_LABELS = 8
# The portal's system font stack (assets/scss/portal.scss): SVG text does not inherit GOV.UK's classes.
FONT_FAMILY = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


class Point(Protocol):
    label: str  # the x-axis label: "1 Sep"
    value: Fraction | Decimal | float  # a fraction of one: 0.95 is 95%
    text: str  # the value as the page shows it: "95.0%"


class Plotted(NamedTuple):
    """A Point with its words as the page's language writes them."""

    label: str
    value: Fraction | Decimal | float
    text: str


def attendance_trend(points: Sequence[Point], target: Decimal | int | float, *, title: str,
                     description: str | None = None, lines: Sequence[tuple[Decimal | int | float, str]] = (),
                     id_prefix: str = "trend") -> Markup:
    """A line chart of attendance % by school week, with the target as a dashed line.

    `points` are in order (oldest first), one per school week; `target` and each of `lines` (extra reference
    lines, as (percentage, label)) are percentages. `description` defaults to a sentence saying where the line
    starts and ends. `id_prefix` keeps the title and description ids unique on the page."""
    target = float(target)
    desc = description if description is not None else _describe(points, target)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" font-family="{escape(FONT_FAMILY)}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>',
    ]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    percents = [float(p.value) * 100 for p in points]
    low = _axis_floor(min([*percents, target, *(float(v) for v, _ in lines)]))
    step = _tick_step(100 - low)
    low = math.floor(low / step) * step  # the bottom of the axis is a labelled tick

    def y(pct: float) -> float:
        return TOP + (100 - pct) / (100 - low) * plot_h

    def x(index: int) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + index * plot_w / (len(points) - 1)

    # Horizontal grid lines with their percentages.
    tick = 100.0
    while tick >= low - 1e-9:
        parts.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y(tick) + 5:.1f}" text-anchor="end">{tick:g}%</text>')
        tick -= step
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
                 f'stroke="{TEXT}" stroke-width="1"/>')

    # Reference lines: the target dashed, any others dotted, each labelled in words at its right-hand end.
    references = [(target, _("Target %(percent)s", percent=percent_words(f"{target:g}")), TARGET, "8 4"),
                  *((float(v), lbl, OTHER, "3 3") for v, lbl in lines)]
    reference_label_ys = [y(value) - 5 for value, *_ in references]
    for value, label, colour, dashes in references:
        parts.append(f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{WIDTH - RIGHT}" y2="{y(value):.1f}" '
                     f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dashes}"/>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{y(value) - 5:.1f}" text-anchor="end" fill="{colour}">'
                     f'{escape(label)}</text>')

    if not points:
        nothing = _("No attendance recorded yet")  # not inside the f-string: pybabel would not find it there
        parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle">'
                     f'{escape(nothing)}</text>')
    else:
        coords = [(x(i), y(pct)) for i, pct in enumerate(percents)]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="3" '
                         'stroke-linejoin="round" stroke-linecap="round"/>')
        for point, (cx, cy) in zip(points, coords):
            named = _("Week beginning %(day)s: %(figure)s", day=point.label, figure=point.text)
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{LINE}">'
                         f'<title>{escape(named)}</title></circle>')
        # The latest figure in words beside its point, as the page's headline figure.
        last_x, last_y = coords[-1]
        anchor = "end" if len(coords) > 1 else "middle"
        # Above the point, or below it where that would cover a reference line's label or leave the chart.
        candidates = [last_y - 10, last_y + 22]
        label_y = next((c for c in candidates if TOP + 10 <= c <= TOP + plot_h - 4
                        and all(abs(c - r) >= FONT_SIZE + 2 for r in reference_label_ys)), candidates[0])
        if label_y < TOP + 10:
            label_y = candidates[1]
        parts.append(f'<text x="{last_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" font-weight="bold">'
                     f'{escape(points[-1].text)}</text>')
        every = math.ceil(len(points) / MAX_X_LABELS)
        for i, point in enumerate(points):
            if i % every == 0:
                anchor = "middle"
                if len(points) > 1 and i == 0:
                    anchor = "start"
                elif len(points) > 1 and x(i) > WIDTH - RIGHT - 30:
                    anchor = "end"
                parts.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 22}" text-anchor="{anchor}">'
                             f'{escape(point.label)}</text>')
        axis = _("Week beginning")
        parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle">{escape(axis)}</text>')
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # nosec B704 # every text above went through escape(); the rest are numbers


def _describe(points: Sequence[Point], target: float) -> str:
    target_words = percent_words(f"{target:g}")
    if not points:
        return _("No attendance has been recorded yet. The target is %(target)s.", target=target_words)
    first, last = points[0], points[-1]
    if len(points) == 1:
        return _("One school week: %(figure)s in the week beginning %(day)s. The target, shown as a dashed line, is "
                 "%(target)s.", figure=last.text, day=last.label, target=target_words)
    return _("%(weeks)s school weeks, from %(first)s in the week beginning %(first_day)s to %(last)s in the week "
             "beginning %(last_day)s. The target, shown as a dashed line, is %(target)s.", weeks=len(points),
             first=first.text, first_day=first.label, last=last.text, last_day=last.label, target=target_words)


def _axis_floor(lowest: float) -> float:
    """The bottom of the y axis: a round number below the lowest value, and never above 80%, so small
    differences near 100% are not blown up."""
    return max(0.0, min(80.0, math.floor((lowest - 1) / 10) * 10))


def _tick_step(span: float) -> float:
    if span <= 20:
        return 5.0
    if span <= 50:
        return 10.0
    return 20.0
