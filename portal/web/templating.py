"""What every page template may use besides Flask's own globals. create_app() calls register(app)."""

from __future__ import annotations

from datetime import date

from flask import Flask


def register(app: Flask) -> None:
    app.context_processor(page_context)


def page_context() -> dict:
    # The footer's year. Computed per request, so a long-running worker rolls over at New Year.
    return {"current_year": date.today().year}
