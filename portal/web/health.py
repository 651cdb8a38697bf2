"""/health, for load balancers and monitoring.

Anyone gets a status code and one word: 200 "ok", 200 "degraded" (the portal serves, but something needs an admin:
email stuck, a job failing or not run) or 503 "degraded" (the database cannot be reached: take this server out).
The detail, as JSON (portal.services.health), is for a signed-in admin, or for monitoring that sends the token set
as PORTAL_HEALTH_TOKEN in an `Authorization: Bearer <token>` header; a wrong token is refused with 403.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request
from flask_login import current_user

from portal.services import health as service

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    offered = _bearer_token()
    if offered is not None and not _token_matches(offered):
        return _plain("forbidden", 403)
    found = service.check()
    code = 200 if found.database else 503
    # current_user is read only once the database answers: loading a session's user needs it.
    if offered is not None or (found.database and service.may_see_detail(current_user)):
        response = jsonify(found.as_json())
        response.status_code = code
    else:
        response = _plain("ok" if found.ok else "degraded", code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _token_matches(offered: str) -> bool:
    expected = current_app.config.get("PORTAL_HEALTH_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(offered.encode(), expected.encode())


def _plain(word: str, code: int) -> Response:
    return Response(word + "\n", status=code, mimetype="text/plain")
