"""Every state-changing route refuses a POST without the form's CSRF token (CSRF is on, as in production)."""

from __future__ import annotations

from datetime import datetime

import pytest
from werkzeug.routing import IntegerConverter, Rule

from portal.extensions import db
from portal.models import ParentAccount

from parents import sign_in_as

def dummy_arguments(rule: Rule) -> dict:
    """A value for every argument of the route, of the type its converter accepts."""
    return {name: 1 if isinstance(converter, IntegerConverter) else "x"
            for name, converter in rule._converters.items()}


def post_rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods]


def test_there_are_forms_to_protect(make_app):
    assert len(post_rules(make_app())) >= 5


def test_every_post_without_a_token_is_refused_with_the_expired_page(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        parent = ParentAccount(email="jo@example.com", created_at=datetime(2026, 9, 1))
        db.session.add(parent)
        db.session.commit()
        sign_in_as(client, parent)
    for rule in post_rules(app):
        url = rule.build(dummy_arguments(rule))[1]
        response = client.post(url, data={"email": "jo@example.com"})
        assert response.status_code == 400, f"{rule.rule} accepted a POST without a CSRF token"
        assert b"expired" in response.data.lower(), rule.rule


@pytest.mark.parametrize("path", ["/sign-in"])
def test_a_post_with_the_token_from_the_page_is_accepted(make_app, path):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(path, data={"email": "jo@example.com", "csrf_token": token})
    assert response.status_code == 303


def test_the_expired_page_leads_back_to_the_form_and_home(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        parent = ParentAccount(email="jo@example.com", created_at=datetime(2026, 9, 1))
        db.session.add(parent)
        db.session.commit()
        sign_in_as(client, parent)

    form_page = client.post("/parent/report-absence", data={}, headers={"Accept": "text/html"})
    button_only = client.post("/parent/reports/R-1/still-off", data={}, headers={"Accept": "text/html"})

    assert form_page.status_code == 400
    html = form_page.get_data(as_text=True)
    assert '<a class="govuk-link" href="/parent/report-absence">Open the form again</a>' in html
    assert '<a class="govuk-link" href="/parent/">Go to your home page</a>' in html
    html = button_only.get_data(as_text=True)
    assert "Open the form again" not in html  # nothing to open at a button's address
    assert 'href="/parent/">Go to your home page</a>' in html
    anonymous = app.test_client().post("/sign-in", data={}).get_data(as_text=True)
    assert 'href="/sign-in">Open the form again</a>' in anonymous and 'href="/">Go to the start of the portal' in anonymous
