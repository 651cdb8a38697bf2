"""The message as rendered, in every version and language: nothing left in English in a translation (a sentence
not marked for translation would be), and the school's own words used where its policy gives them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import force_locale

from portal.domain.languages import babel_locale
from portal.domain.nudges import GENTLE, STANDARD, THANKS, Content
from portal.services.nudge_words import subject_for, words

PAGE = SimpleNamespace(school_name="Bothal Primary School", school_phone="01670 812 360",
                       school_email="bps@alptrust.co.uk")
NAMES = {"maja", "anna", "kowalska", "bothal", "primary", "school", "alptrust", "example", "https", "portal",
         "parent", "children", "test"}
VERSIONS = [(STANDARD, None, step) for step in ("keep_going", "talk", "meet")] + [
    (GENTLE, situation, None) for situation in ("support_plan", "part_time", "health_need")] + [(THANKS, None, None)]


def content(version, situation, step) -> Content:
    return Content(version=version, situation=situation, band="persistent", forename="Maja",
                   days_missed=Decimal("5.5"), illness_days=Decimal(3), medical_days=Decimal("0.5"),
                   unexplained_days=Decimal(1), school_days=Decimal(39), target="97", target_days=Decimal(1),
                   median_days=Decimal(1) if version == STANDARD else None,
                   projected_days=Decimal(27) if version == STANDARD else None, year_end=date(2026, 7, 17),
                   next_step=step)


def render(c: Content, language: str, own=None, monthly=False) -> tuple[str, str, str]:
    with force_locale(babel_locale(language)):
        context = dict(c=c, page=PAGE, recipient=SimpleNamespace(name="Anna Kowalska"),
                       words=words(c, PAGE.school_phone),
                       lang=language, own=own or {}, link="https://portal.test/parent/children/1", monthly=monthly)
        subject = subject_for(c, PAGE.school_name)
        return (subject, render_template("email/nudge.txt", **context),
                render_template("email/nudge.html", subject=subject, **context))


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in NAMES}


@pytest.mark.parametrize("language", ["pl", "ro"])
@pytest.mark.parametrize("version, situation, step", VERSIONS)
def test_a_translated_message_has_no_english_left_in_it(app_ctx, language, version, situation, step):
    c = content(version, situation, step)
    english = english_words(" ".join(render(c, "en")[:2]))
    subject, text, html = render(c, language)
    leaked = english & english_words(subject + " " + text)
    assert leaked == set(), f"not translated into {language}: {sorted(leaked)}"
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize("version, situation, step", VERSIONS)
def test_each_version_says_what_it_should_in_english(app_ctx, version, situation, step):
    subject, text, _ = render(content(version, situation, step), "en")
    text = text.replace("\u00a0", " ")
    assert "So far this school year, Maja has missed 5.5 days out of 39 school days" in text
    assert "Illness: 3 days" in text and "Medical or dental appointments: half a day" in text
    assert ("The typical pupil at Bothal Primary School has missed 1 day so far." in text) == (version == STANDARD)
    assert ("about 27 days by 17 July 2026" in text) == (version == STANDARD)
    assert ("within the school’s target" in text) == (version == THANKS)
    assert "translated from English" not in text


def test_the_schools_own_words_replace_the_portals_and_are_escaped_in_html(app_ctx):
    own = {"opening": "Hello from <Bothal>.", "next_step": "Ring Mrs Smith on 01670 812 360.",
           "sign_off": "Warmly,"}
    _, text, html = render(content(STANDARD, None, "meet"), "en", own=own)
    assert "Hello from <Bothal>." in text and "Ring Mrs Smith" in text and "Warmly," in text
    assert "We would like to meet you" not in text
    assert "Hello from &lt;Bothal&gt;." in html


def test_a_monthly_school_says_so(app_ctx):
    _, text, _ = render(content(STANDARD, None, "talk"), "en", monthly=True)
    assert text.startswith("Dear Anna Kowalska,\n\nEach month we write")
