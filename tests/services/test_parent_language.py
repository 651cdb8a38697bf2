"""Which language each parent is written to in: their own choice, never the language of the page another parent
happens to be on when what they did emails the whole family."""

from __future__ import annotations

from flask_babel import force_locale

from portal.extensions import db
from portal.services.parent_language import emails_by_locale, message_locale

from factories import load_trust, make_pupil
from parents import make_parent


def test_a_family_email_goes_to_each_parent_in_their_own_language_whatever_page_is_open(app_ctx):
    load_trust()
    sam = make_pupil("122239", forename="Sam")
    jo = make_parent("jo@example.com", sam)
    kim = make_parent("kim@example.com", sam, name="Kim Parent")
    kim.language = "pl"
    db.session.commit()

    with force_locale("ro"):  # Jo, with no choice of her own, is reading the pages in Romanian
        assert message_locale(jo) == "ro"  # what Jo does herself is answered in the page's language
        assert emails_by_locale(sam.contacts) == {"en_GB": ["jo@example.com"], "pl": ["kim@example.com"]}
    assert message_locale(kim) == "pl"
