"""A policy's periods and roles in words (portal/domain/policy_words.py): English by default, a parent's language
through the translate functions the caller passes."""

from __future__ import annotations


def test_policy_periods_and_roles_in_english_and_in_a_parents_language():
    from flask_babel import force_locale, gettext, ngettext

    from portal import create_app
    from portal.domain.policy_words import period_words, role_names

    assert period_words(1, "school_days") == "1 school day" and period_words(14, "calendar_days") == "14 days"
    assert role_names(["senior_leader", "headteacher"], "and") == "headteacher and senior leader"
    with create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context(), force_locale("pl"):
        assert period_words(2, "weeks", ngettext) == "2 tygodnie" and period_words(5, "weeks", ngettext) == "5 tygodni"
        assert role_names(["headteacher", "senior_leader"], gettext=gettext) == \
            "członek kierownictwa szkoły lub dyrektor szkoły"
