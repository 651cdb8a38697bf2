"""The page layout (base.html), the home page, flash messages, the error summary and the compiled assets.

Every page must work under a Content Security Policy without 'unsafe-inline': no inline <script>, no <style>
element and no style= attribute. And no GOV.UK branding: no crown, no GOV.UK logo, no GDS Transport.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import abort, flash, render_template_string
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovTextInput
from wtforms import DateField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired

from pages import Page
from pages import page as page_at  # `page` names the page read in these tests

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
STATIC = ROOT / "portal" / "static"
BROWSER = {"Accept": "text/html"}


def assert_strict_csp_and_no_govuk_branding(page: Page) -> None:
    assert page.inline_scripts == 0
    for script in page.all("script"):
        assert script.get("src"), "every script is an external file"
        assert script.get("type") == "module"
    assert not page.all("style")
    assert not [tag for tag, attrs in page.elements if "style" in attrs], "no style= attributes"
    for attrs in page.all("link") + page.all("a"):
        assert "govuk-icon" not in attrs.get("href", "") and "crest" not in attrs.get("href", "")
    # GOV.UK's header (crown and logo), its footer crown and crest, and the "Crown copyright" line.
    for branding in ("govuk-header", "govuk-logo", "govuk-footer__crown", "govuk-crest", "Crown copyright"):
        assert branding not in page.html


@pytest.fixture
def app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/abort/<int:code>", "abort", lambda code: abort(code))

    @app.get("/broken")
    def broken():
        raise RuntimeError("boom")

    return app


@pytest.mark.parametrize(
    "url, status",
    [("/", 200), ("/no-such-page", 404), ("/broken", 500)]
    + [(f"/abort/{code}", code) for code in (400, 403, 405, 410, 413, 429)],
)
def test_every_page_works_under_a_strict_csp_and_carries_no_govuk_branding(client, url, status):
    page = page_at(client, url, status)

    assert_strict_csp_and_no_govuk_branding(page)
    html = page.all("html")[0]
    assert html["lang"] == "en-GB"
    skip = page.all("a")[0]
    assert skip["href"] == "#main-content" and page.text.startswith("Skip to main content")
    assert [m for m in page.all("main") if m.get("id") == "main-content"]
    assert page.title.endswith("Attendance portal")
    # GOV.UK Frontend's JavaScript starts from our own module, which adds `govuk-frontend-supported` itself.
    assert [s["src"] for s in page.all("script")] == ["/static/js/init.js"]


def test_the_header_and_footer_name_the_service(client):
    page = page_at(client, "/")

    assert "Attendance portal" in page.text
    footer = page.html.split("<footer", 1)[1]
    assert "Attendance portal" in footer


def test_a_page_title_is_the_page_then_the_service(make_app):
    app = make_app()
    app.add_url_rule(
        "/named",
        "named",
        lambda: render_template_string(
            '{% extends "base.html" %}{% block title %}Report an absence{% endblock %}'
            '{% block content %}<h1 class="govuk-heading-l">Report an absence</h1>{% endblock %}'
        ),
    )

    assert page_at(app.test_client(), "/named").title == "Report an absence – Attendance portal"


def test_the_home_page_without_schools_tells_the_operator_how_to_load_a_policy(client):
    page = page_at(client, "/")

    assert page.title == "Attendance portal"
    assert "No schools have been set up yet" in page.text
    assert "flask --app portal policy load examples/alp.toml" in page.text


def test_the_home_page_lists_each_school_with_its_phone_and_email(app, runner):
    for policy in ("alp.toml", "rise-park.toml"):
        result = runner.invoke(args=["policy", "load", str(EXAMPLES / policy)])
        assert result.exit_code == 0, result.output

    page = page_at(app.test_client(), "/")

    assert_strict_csp_and_no_govuk_branding(page)
    assert "No schools have been set up yet" not in page.text
    assert "parents and carers" in page.text
    with app.app_context():
        from portal.services import policies

        schools = [school for trust in policies.trusts() for school in trust.schools]
        assert len(schools) >= 3
        for school in schools:
            assert school.name in page.text
            assert school.phone in page.text and f"tel:{school.phone.replace(' ', '')}" in page.links()
            assert school.email in page.text and f"mailto:{school.email}" in page.links()


def test_flashed_messages_show_in_notification_banners(make_app):
    app = make_app()

    @app.get("/flashing")
    def flashing():
        flash("Absence reported for Amelia", "success")
        flash("Your session will end in 5 minutes")
        return render_template_string('{% extends "base.html" %}{% block title %}Done{% endblock %}')

    page = page_at(app.test_client(), "/flashing")

    banners = [d for d in page.all("div") if "govuk-notification-banner" in d.get("class", "").split()]
    assert [b["role"] for b in banners] == ["alert", "region"]
    assert "Success Absence reported for Amelia" in page.text
    assert "Important Your session will end in 5 minutes" in page.text


class AbsenceForm(FlaskForm):
    child = StringField("Child’s name", widget=GovTextInput(), validators=[DataRequired("Enter your child’s name")])
    first_day = DateField("First day of absence", widget=GovDateInput(), validators=[DataRequired("Enter the date")])
    reason = RadioField(
        "Reason",
        widget=GovRadioInput(),
        choices=[SelectChoice("ill", "Ill"), SelectChoice("appt", "Appointment")],
        validators=[DataRequired("Select a reason")],
    )


FORM_PAGE = """{% extends "base.html" %}{% from "macros/forms.html" import error_summary %}
{% block title %}Report an absence{% endblock %}
{% block content %}{{ error_summary(form) }}<h1 class="govuk-heading-l">Report an absence</h1>
<form method="post" novalidate>{{ form.child() }}{{ form.first_day() }}{{ form.reason() }}</form>{% endblock %}"""


def test_the_error_summary_links_every_error_to_its_field(make_app):
    app = make_app()

    @app.route("/report", methods=["GET", "POST"])
    def report():
        form = AbsenceForm()
        form.validate_on_submit()
        return render_template_string(FORM_PAGE, form=form)

    client = app.test_client()
    clean = page_at(client, "/report")
    assert "There is a problem" not in clean.text
    assert clean.title == "Report an absence – Attendance portal"

    page = Page(client.post("/report", data={}).get_data(as_text=True))

    assert page.title == "Error: Report an absence – Attendance portal"
    assert "There is a problem" in page.text
    summary = page.html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    targets = [link.split('"', 1)[0] for link in summary.split('href="')[1:]]
    assert targets == ["#child", "#first_day-day", "#reason"]
    ids = {attrs.get("id") for _, attrs in page.elements}
    assert {"child", "first_day-day", "reason"} <= ids, "every link leads to an input on the page"
    for message in ("Enter your child’s name", "Enter the date", "Select a reason"):
        assert message in summary
    assert_strict_csp_and_no_govuk_branding(page)


def test_the_compiled_assets_are_committed_and_served(client):
    for path in ("css/portal.css", "js/govuk-frontend.min.js", "js/init.js", "images/favicon.svg"):
        assert (STATIC / path).is_file(), f"portal/static/{path} is missing: run scripts/build-assets.sh"
        response = client.get(f"/static/{path}")
        assert response.status_code == 200
        response.close()

    css = (STATIC / "css" / "portal.css").read_text()
    assert "GDS Transport" not in css and "@font-face" not in css
    assert "govuk-crest" not in css
    assert "govuk-frontend-supported" in (STATIC / "js" / "init.js").read_text()
    assert not list(STATIC.rglob("govuk-icon*")) and not list(STATIC.rglob("*crest*"))
