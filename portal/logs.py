"""Logs as JSON lines, each request's with its id, and nothing in them that signs anyone in or names a child.

- Every request has an id: the X-Request-Id its proxy sent, when proxies are trusted (PORTAL_TRUSTED_PROXIES), or
  a new one; it is echoed in the response's X-Request-Id header and is in every line logged while it runs.
- One access line per request (logger `portal.access`): method, path, status, milliseconds. The path without its
  query string, which can hold a search for a name.
- Redact (a logging filter) masks sign-in link tokens (/sign-in/<token>, token=...) and query strings in any line:
  on our handler, and on the loggers of the servers' own access logs (werkzeug, gunicorn.access), whatever handler
  they write to. SQL parameters stay out of error messages (hide_parameters, portal/config.py): a failed insert
  would otherwise log a pupil's name or a parent's reason for an absence.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# A sign-in link's path: /sign-in/ and anything but the portal's own pages under it.
SIGN_IN_TOKEN = re.compile(r"(/sign-in/)(?!(?:check-your-email|link)(?:[\s/?#\"']|$))[^\s/?#\"']+")
TOKEN_PARAMETER = re.compile(r"(\btoken=)[^\s&#\"']+", re.IGNORECASE)
QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s#\"']+")
TERMINAL_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours its request lines: noise in a JSON line
SERVER_ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
access_log = logging.getLogger("portal.access")


def redact(text: str) -> str:
    # Most lines hold none of what is masked: say so without running the four patterns (every request's line).
    if "?" not in text and "\x1b" not in text and "/sign-in/" not in text and "token=" not in text.lower():
        return text
    text = TERMINAL_COLOURS.sub("", text)
    text = SIGN_IN_TOKEN.sub(r"\1[token]", text)
    text = TOKEN_PARAMETER.sub(r"\1[token]", text)
    return QUERY_STRING.sub(r"\1?[query]", text)


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if isinstance(getattr(record, "path", None), str):
            record.path = redact(record.path)
        return True


class WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = g.get("request_id")
        return True


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(["levelname", "name", "message"], timestamp="time",
                                       rename_fields={"levelname": "level", "name": "logger"}))
    handler.addFilter(WithRequestId())
    handler.addFilter(Redact())
    handler.portal_json = True  # found again (and replaced) by the next install()
    return handler


def install(stream=None, level: int = logging.INFO) -> logging.Handler:
    """JSON lines on stderr (or `stream`) for everything logged in the process, in place of any earlier install."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "portal_json", False)]:
        root.removeHandler(old)
    handler = json_handler(stream)
    root.addHandler(handler)
    root.setLevel(level)
    protect_server_logs()
    return handler


def protect_server_logs() -> None:
    for name in SERVER_ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, Redact) for f in logger.filters):
            logger.addFilter(Redact())


def register(app: Flask) -> None:
    """Request ids and the access line, for every app (the tests' too)."""
    trust_header = int(app.config.get("PORTAL_TRUSTED_PROXIES") or 0) > 0
    protect_server_logs()

    @app.before_request
    def start():
        sent = request.headers.get("X-Request-Id", "") if trust_header else ""
        g.request_id = sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-Id"] = request_id
            took = (time.perf_counter() - g.request_started) * 1000
            # Polled every few seconds by load balancers: only worth a line when it is not fine.
            quiet = request.path == "/health" and response.status_code == 200
            path = redact(request.path)
            access_log.log(logging.DEBUG if quiet else logging.INFO, "%s %s %s", request.method,
                           path, response.status_code,
                           extra={"method": request.method, "path": path,
                                  "status": response.status_code,
                                  "duration_ms": round(took, 1), "remote_addr": request.remote_addr})
        return response
