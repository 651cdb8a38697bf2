"""Sign-in links: single use, hashed, expiring; a parent reaches only their own children."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, SignInLink
from portal.services import NotFound
from portal.services import parent_access

from factories import load_trust, make_pupil
from parents import make_parent

NOW = datetime(2026, 11, 23, 8, 15)


@pytest.fixture
def family(app_ctx):
    load_trust()
    sam, ali = make_pupil("122239", forename="Sam"), make_pupil("122239", forename="Ali")
    other = make_pupil("122239", forename="Other")
    parent = make_parent("jo@example.com", sam, ali)
    make_parent("someone.else@example.com", other)
    return parent, sam, ali, other


def token_from(message: OutboxMessage) -> str:
    line = next(line for line in message.body_text.splitlines() if "/sign-in/" in line)
    return urlsplit(line.strip()).fragment


def test_the_emailed_link_keeps_its_token_where_no_server_or_log_sees_it(family):
    """Issue 14 (11): the token was the link's path, so access and proxy logs held live links. After `#` a browser
    never sends it: the page's form posts it."""
    parent_access.request_sign_in_link("jo@example.com", now=NOW)
    message = db.session.scalar(select(OutboxMessage))
    for body in (message.body_text, message.body_html):
        link = urlsplit(re.search(r"https?://[^\s\"<]+/sign-in/[^\s\"<]+", body).group(0))
        assert (link.path, link.query) == ("/sign-in/link", "")
        assert len(link.fragment) >= 40
    assert parent_access.use_link(token_from(message), now=NOW).email == "jo@example.com"


def test_a_known_parent_is_emailed_a_single_use_link_and_only_its_hash_is_kept(family):
    assert parent_access.request_sign_in_link("Jo@Example.com ", now=NOW) is True
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipients == ["jo@example.com"]
    token = token_from(message)
    link = db.session.scalar(select(SignInLink))
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert link.expires_at == NOW + timedelta(minutes=20)
    assert parent_access.use_link(token, now=NOW + timedelta(minutes=5)).email == "jo@example.com"
    with pytest.raises(parent_access.LinkNotValid) as again:
        parent_access.use_link(token, now=NOW + timedelta(minutes=6))
    assert again.value.reason == "used"


def test_an_unknown_address_gets_nothing_and_the_caller_cannot_tell(family):
    assert parent_access.request_sign_in_link("stranger@example.com", now=NOW) is False
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_contact_without_parental_responsibility_cannot_sign_in(family):
    _, sam, *_ = family
    make_parent("gran@example.com", sam, parental_responsibility=False, name="Gran")
    assert parent_access.request_sign_in_link("gran@example.com", now=NOW) is False


def test_an_expired_or_mangled_link_says_why(family):
    parent_access.request_sign_in_link("jo@example.com", now=NOW)
    token = token_from(db.session.scalar(select(OutboxMessage)))
    with pytest.raises(parent_access.LinkNotValid) as expired:
        parent_access.use_link(token, now=NOW + timedelta(minutes=20))
    assert expired.value.reason == "expired"
    with pytest.raises(parent_access.LinkNotValid) as mangled:
        parent_access.use_link(token[:-3], now=NOW)
    assert mangled.value.reason == "unknown"


def test_a_parent_reaches_only_their_own_children(family):
    parent, sam, ali, other = family
    assert {c.id for c in parent_access.children_of(parent)} == {sam.id, ali.id}
    assert parent_access.child_of(parent, sam.id) == sam
    for pupil_id in (other.id, other.id + 1000):
        with pytest.raises(NotFound):
            parent_access.child_of(parent, pupil_id)
