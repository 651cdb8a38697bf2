"""Every endpoint a link names exists: a `url_for` in a template, in the site builder or in a view, and every
emailed link (`notify.external_url`). A link to an endpoint that does not exist fails the build here rather than
breaking a page, or falling back somewhere else, in front of a parent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from conftest import test_config as app_config
from portal import create_app
from portal.services.site import PAGES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# url_for / external_url with a literal endpoint in Python: url_for("parent.home"), external_url("parent.report", ...)
PYTHON_ENDPOINT = re.compile(r"""\b(?:url_for|external_url)\(\s*["']([\w.]+)["']""")
# Templates whose url_for takes its endpoint from a variable, each with the view that supplies it.
# Their literal strings shaped like an endpoint ("staff.stop_messages") are checked instead.
DYNAMIC = {
    "staff/messages.html": "the macro batch_form's `action`: its callers in the template pass literal endpoints",
}
ENDPOINT_SHAPED = re.compile(r"^(?:auth|evidence|home|parent|site|staff)\.\w+$")


def template_endpoints(source: str, name: str = "") -> tuple[set[str], list[str]]:
    """The endpoints the template's url_for calls name, and the calls whose endpoint is not written out.
    `'site.' ~ item.endpoint` (the site's navigation) stands for every page of the site."""
    found, dynamic = set(), []
    for call in Environment(extensions=["jinja2.ext.i18n"]).parse(source, name).find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == "url_for") or not call.args:
            continue
        named = _named(call.args[0])
        if named is None:
            dynamic.append(name)
        else:
            found |= named
    return found, dynamic


def _named(node: nodes.Node) -> set[str] | None:
    """The endpoints an expression can be: a literal, either literal of `'a' if x else 'b'`, or every site page for
    `'site.' ~ item.endpoint`; None when it is not written out."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
        both = _named(node.expr1), _named(node.expr2)
        return None if None in both else both[0] | both[1]
    if isinstance(node, nodes.Concat) and isinstance(node.nodes[0], nodes.Const) and node.nodes[0].value == "site.":
        return {f"site.{page.endpoint}" for page in PAGES}
    return None


def python_endpoints(text: str) -> set[str]:
    return set(PYTHON_ENDPOINT.findall(text))


@pytest.fixture(scope="module")
def endpoints() -> set[str]:
    app = create_app(app_config(SITE_BUILD=True))  # with the static site's pages, as `site build` makes it
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_url_for_in_a_template_names_an_endpoint(endpoints):
    missing, dynamic = [], []
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        name = str(path.relative_to(TEMPLATES))
        found, unnamed = template_endpoints(path.read_text(encoding="utf-8"), name)
        if name in DYNAMIC:
            found |= {c.value for c in Environment(extensions=["jinja2.ext.i18n"]).parse(path.read_text()).find_all(
                nodes.Const) if isinstance(c.value, str) and ENDPOINT_SHAPED.match(c.value)}
        missing += [f"{name}: {endpoint}" for endpoint in sorted(found - endpoints)]
        dynamic += [n for n in unnamed if n not in DYNAMIC]
    assert missing == []
    assert dynamic == [], "a url_for with an endpoint from a variable: name it in DYNAMIC with the view that sets it"


def test_every_endpoint_named_in_python_exists(endpoints):
    missing = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        for endpoint in sorted(python_endpoints(path.read_text(encoding="utf-8")) - endpoints):
            missing.append(f"{path.relative_to(ROOT)}: {endpoint}")
    assert missing == []


def test_the_site_builder_freezes_only_pages_that_exist(endpoints):
    assert {f"site.{page.endpoint}" for page in PAGES} <= endpoints
    assert "site.calendar_feed" in endpoints


def test_a_link_to_a_missing_endpoint_would_be_caught(endpoints):
    found, _ = template_endpoints('<a href="{{ url_for(\'parent.no_such_page\') }}">Leave</a>'
                                  '<a href="{{ url_for(\'home.index\' if x else \'parent.nowhere\') }}">Home</a>')
    assert found - endpoints == {"parent.no_such_page", "parent.nowhere"}
    assert python_endpoints('notify.external_url("parent.nowhere", reference=r)') - endpoints == {"parent.nowhere"}
