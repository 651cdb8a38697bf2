"""Page reads skip Flask-Limiter (portal/extensions.py): that is only safe while every limit is on a form's POST."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = re.compile(r"^\s*@limiter\.limit\((.*)\)", re.MULTILINE)


def test_every_rate_limit_is_on_posts_only():
    declared = [(path, match.group(1)) for path in sorted((ROOT / "portal").rglob("*.py"))
                for match in LIMIT.finditer(path.read_text())]
    assert declared, "no @limiter.limit found: has the sign-in's limit moved?"
    for path, arguments in declared:
        assert 'methods=["POST"]' in arguments, (
            f"{path.relative_to(ROOT)}: @limiter.limit({arguments}) would be skipped on GET and HEAD "
            "(portal/extensions.py _reading_is_not_limited)")


def test_a_limited_form_still_refuses_the_attempt_over_its_limit(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    assert [client.get("/sign-in").status_code for _ in range(12)] == [200] * 12  # reading is never limited
    statuses = [client.post("/sign-in", data={"email": f"nobody{n}@example.com"}).status_code for n in range(11)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]
    assert client.get("/sign-in").status_code == 200
