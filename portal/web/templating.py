"""What every page template may use besides Flask's own globals. create_app() calls register(app)."""

from __future__ import annotations

from flask import Flask

from portal.clock import school_time, school_today


def register(app: Flask) -> None:
    app.context_processor(page_context)
    # Stored times are UTC; people read UK time: `{{ (report.reported_at | school_time).strftime(...) }}`.
    app.add_template_filter(school_time, "school_time")


def page_context() -> dict:
    # The footer's year. Computed per request, so a long-running worker rolls over at New Year.
    return {"current_year": school_today().year}
