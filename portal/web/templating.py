"""What every page template may use besides Flask's own globals. create_app() calls register(app)."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext, ngettext

from portal.clock import school_time, school_today
from portal.domain.policy_words import notice_words, role_name
from portal.services.child_register import code_sentence
from portal.services.leave.letters import companion_of, letter_words
from portal.services.policies import trust_policy
from portal.web import csrf_tokens, dates, words


def register(app: Flask) -> None:
    app.context_processor(page_context)
    csrf_tokens.register(app)  # `{{ csrf_token() }}`, signed once a minute for a session (portal/web/csrf_tokens.py)
    # Stored times are UTC; people read UK time: `{{ report.reported_at | school_time | time_words }}`.
    app.add_template_filter(school_time, "school_time")
    # Parents never read a bare code: `{{ code_in_words(child.code, child.pupil.school) }}`.
    app.add_template_global(code_in_words, "code_in_words")
    # Policy wording has one home (portal/domain/policy_words.py): `{{ role.role | role_name }}`.
    # In the language being written (the page's, or a message's under force_locale).
    app.add_template_filter(lambda role: role_name(role, gettext), "role_name")
    app.add_template_filter(lambda policy: notice_words(policy, ngettext), "notice_words")
    # A decision letter's own words in its language (English, or its companion's): letters/leave_decision.html.
    app.add_template_global(letter_words, "leave_letter_words")
    app.add_template_global(companion_of, "leave_letter_companion")
    words.register(app)  # `{{ page.missed | days_words }}`, `{{ page.target | percent_words }}` (portal/web/words.py)
    dates.register(app)  # `{{ day | date_words('short day month') }}`: in the page's language (portal/web/dates.py)


def code_in_words(code: str, school) -> str:
    """A register code in a parent's words, with the school's own wording where its policy has one."""
    return code_sentence(code, trust_policy(school.trust), gettext)


def page_context() -> dict:
    # The footer's year. Computed per request, so a long-running worker rolls over at New Year.
    return {"current_year": school_today().year}
