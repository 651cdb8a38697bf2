"""The attendance trend chart: well-formed SVG, named and described for screen readers, and no inline styles (the
Content Security Policy forbids them)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from markupsafe import Markup

from portal.web.charts import attendance_trend

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Point:
    label: str
    value: Fraction
    text: str


WEEKS = [Point("1 Sep", Fraction(1), "100.0%"), Point("8 Sep", Fraction(9, 10), "90.0%"),
         Point("15 Sep", Fraction(17, 20), "85.0%"), Point("22 Sep", Fraction(22, 25), "88.0%")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def chart(points=WEEKS, **kwargs) -> ET.Element:
    kwargs.setdefault("title", "Sam’s attendance this school year, week by week")
    return parse(attendance_trend(points, Decimal(97), **kwargs))


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("points", [WEEKS, WEEKS[:1], [], [Point("1 Sep", Fraction(0), "0.0%")]], ids=len)
def test_the_chart_is_well_formed_svg_named_and_described_for_screen_readers(points):
    root = chart(points)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert list(root)[:2] == [title, desc], "the title and description come first"
    assert title.text == "Sam’s attendance this school year, week by week"
    assert desc.text and "97%" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox") and root.get("width") == "100%"


@pytest.mark.parametrize("points", [WEEKS, WEEKS[:1], []], ids=len)
def test_the_chart_has_no_inline_styles(points):
    svg = attendance_trend(points, 97, title="Trend", lines=[(90, "Persistent absence: 90% or below")])
    root = parse(svg)

    assert root.find(f".//{SVG}style") is None
    assert not [el.tag for el in root.iter() if "style" in el.attrib]
    assert "style" not in svg  # not even in an attribute of another namespace


def test_one_point_per_week_with_the_line_through_them_and_the_latest_figure_in_words():
    root = chart()

    circles = root.findall(f"{SVG}circle")
    assert [c.find(f"{SVG}title").text for c in circles] == [
        "Week beginning 1 Sep: 100.0%", "Week beginning 8 Sep: 90.0%", "Week beginning 15 Sep: 85.0%",
        "Week beginning 22 Sep: 88.0%"]
    assert len(root.find(f"{SVG}polyline").get("points").split()) == 4
    assert "88.0%" in texts(root)
    # Lower attendance is drawn lower down (a larger y).
    ys = [float(c.get("cy")) for c in circles]
    assert ys[0] < ys[1] < ys[3] < ys[2]


def test_the_target_is_a_labelled_dashed_line_and_other_lines_can_be_added():
    root = chart(lines=[(Decimal(90), "Persistent absence: 90% or below")])

    labels = texts(root)
    assert "Target 97%" in labels and "Persistent absence: 90% or below" in labels
    dashed = [line for line in root.findall(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2
    target_y = float(dashed[0].get("y1"))
    ninety_y = float(dashed[1].get("y1"))
    hundred = next(c for c in root.findall(f"{SVG}circle") if c.find(f"{SVG}title").text.endswith("100.0%"))
    assert float(hundred.get("cy")) < target_y < ninety_y


def test_the_description_says_where_the_line_starts_and_ends():
    desc = chart().find(f"{SVG}desc").text
    assert desc == ("4 school weeks, from 100.0% in the week beginning 1 Sep to 88.0% in the week beginning 22 Sep. "
                    "The target, shown as a dashed line, is 97%.")
    assert chart(description="Custom words.").find(f"{SVG}desc").text == "Custom words."


def test_no_points_says_so_in_words():
    root = chart([])
    assert "No attendance recorded yet" in texts(root)
    assert root.find(f"{SVG}polyline") is None and root.find(f"{SVG}circle") is None


def test_text_is_escaped_and_the_result_is_safe_markup():
    svg = attendance_trend([Point("<b>&", Fraction(1, 2), "50.0%")], 97, title='Tom & "Jerry" <3',
                           id_prefix="trend-2")
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.find(f"{SVG}title").text == 'Tom & "Jerry" <3'
    assert root.find(f"{SVG}title").get("id") == "trend-2-title"
    assert "Week beginning <b>&: 50.0%" in [c.find(f"{SVG}title").text for c in root.findall(f"{SVG}circle")]


def test_the_axis_shows_small_differences_near_the_top_and_the_whole_range_when_needed():
    high = chart([Point("1 Sep", Fraction(99, 100), "99.0%"), Point("8 Sep", Fraction(96, 100), "96.0%")])
    low = chart([Point("1 Sep", Fraction(1, 5), "20.0%")])
    assert "80%" in texts(high) and "0%" not in texts(high)
    assert "0%" in texts(low)


def test_many_weeks_keep_the_axis_labels_apart():
    weeks = [Point(f"w{i}", Fraction(95, 100), "95.0%") for i in range(39)]
    labels = [t for t in texts(chart(weeks)) if t.startswith("w")]
    assert 4 <= len(labels) <= 8
