"""No input gets a server error (issue 14, 8): every route in app.url_map, by GET and POST as it takes them, as an
anonymous visitor, a parent and a headteacher, with hostile values in every URL parameter, every filter and every
form field: ids too large for the database (on PostgreSQL anything above 2,147,483,647), negative and zero ids,
NUL characters, very long text, other scripts and right-to-left overrides, path traversal. Each must answer below
500 (a 4xx, a redirect, or the page with its errors).

The world is the authorization matrix's (tests/authz_world.py), so the other parameters of a URL name real objects
and the hostile one is tried where it matters. Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from conftest import _drop_everything
from conftest import test_config as config_for_tests
from sqlalchemy import select
from wtforms.fields.core import UnboundField

import forms
from portal import create_app
from portal.extensions import db
from portal.models import ParentAccount, StaffUser

from authz_world import build
from parents import sign_in_as

HOSTILE = {
    "huge": "99999999999999999999",
    "int4+1": "2147483648",
    "negative": "-1",
    "zero": "0",
    "nul": "A\x00B",
    "long": "x" * 5000,
    "unicode": "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0001F600 \u202egpj.exe \u0661\u0662",
    "traversal": "../../../../etc/passwd",
}
ACTORS = {"anonymous": None, "parent": (ParentAccount, "jo@ashdown.example"),
          "staff": (StaffUser, "headteacher@bothal.example")}
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
QUERY_NAMES = ("school", "site", "year_group", "registration_group", "status", "overdue", "mine", "page", "upn",
               "staff", "q", "state", "view", "next", "as_of", "day")


def form_field_names() -> set[str]:
    """Every field of every form (the class attributes of each BaseForm subclass), for POST bodies."""
    names, todo = set(), [forms.BaseForm]
    while todo:
        form_class = todo.pop()
        todo.extend(form_class.__subclasses__())
        for klass in form_class.__mro__:
            names.update(name for name, value in vars(klass).items() if isinstance(value, UnboundField))
    return names


FIELDS = sorted(form_field_names())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path_factory.mktemp("hostile") / "instance"))
        app = create_app(config_for_tests())
        with app.app_context():
            _drop_everything()
            db.create_all()
            sides = build()
        sessions = {}
        for name, who in ACTORS.items():
            client = app.test_client()
            if who:
                with app.app_context():
                    model, email = who
                    sign_in_as(client, db.session.scalar(select(model).where(model.email == email)))
            with client.session_transaction() as session:
                sessions[name] = dict(session)
        try:
            yield app, sides["A"], sessions
        finally:
            with app.app_context():
                db.session.remove()
                _drop_everything()
                db.engine.dispose()


def valid_value(name: str, side) -> str:
    """A real value for a URL parameter, from side A's objects, so that only the hostile one is wrong."""
    values = {"pupil_id": side.pupil_id, "plan_id": side.plan_id, "number": 1, "file_id": side.absence_file,
              "child_id": side.absence_child, "reference": side.report, "kind": "persistent_absence",
              "token": "not-a-real-link"}
    return str(values.get(name, "x"))


def urls(rule, side, value: str) -> list[str]:
    """The rule's path with each parameter `value` in turn (the others real), and all of them at once."""
    names = [m.group(2) for m in PARAMETER.finditer(rule.rule)]

    def path(hostile_for: set[str]) -> str:
        return PARAMETER.sub(lambda m: quote(value if m.group(2) in hostile_for else valid_value(m.group(2), side),
                                             safe=""), rule.rule)

    found = [path({name}) for name in names] + ([path(set(names))] if len(names) > 1 else [])
    return found or [rule.rule]


def rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


def endpoints():
    app = create_app(config_for_tests())
    return sorted({r.endpoint for r in rules(app)})


@pytest.mark.parametrize("endpoint", endpoints())
def test_no_hostile_input_gets_a_server_error(world, endpoint):
    app, side, sessions = world
    failures = []
    for rule in (r for r in rules(app) if r.endpoint == endpoint):
        for label, value in HOSTILE.items():
            attempts = []  # (method, a function making the request's options: a file can be read once)
            body = {name: [value, value, value] for name in FIELDS}  # three: a date's day, month and year
            if "GET" in rule.methods:
                attempts.append(("GET", lambda: {"query_string": {name: value for name in QUERY_NAMES}}))
            if "POST" in rule.methods:
                attempts.append(("POST", lambda: {"data": body}))
                # Multipart, with a file, under 500 KB: Werkzeug's test client spools a larger body to a
                # temporary file it never closes, whose ResourceWarning would fail a later test.
                short = {name: [value[:500]] * 3 for name in FIELDS}
                attempts.append(("POST", lambda: {"content_type": "multipart/form-data", "data": {
                    **short, "evidence": (io.BytesIO(b"%PDF-1.4\n%%EOF"), f"../{value[:50]}.pdf")}}))
            for url in urls(rule, side, value):
                for actor, session in sessions.items():
                    for method, options in attempts:
                        client = app.test_client()
                        with client.session_transaction() as stored:
                            stored.update(session)
                        response = client.open(url, method=method, **options())
                        if response.status_code >= 500:
                            failures.append(f"{method} {url[:120]} as {actor} with {label}: "
                                            f"{response.status_code}")
                        response.close()
    assert not failures, "\n".join(failures[:40])
