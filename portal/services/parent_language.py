"""A parent's choice of language for the portal's pages, kept on their account and audited."""

from __future__ import annotations

from portal.domain.languages import checked_language, page_language
from portal.extensions import db
from portal.models import ParentAccount
from portal.services.audit import record


def language_of(account: ParentAccount) -> str:
    """The language the parent's pages are shown in: their choice, else their contact records' preferred
    language, else English (portal.domain.languages.page_language)."""
    return page_language(account.language, [c.preferred_language for c in account.contacts])


def choose_language(account: ParentAccount, language: str) -> bool:
    """Remember `language` (NotALanguage if the portal has no such language); False when nothing changed."""
    language = checked_language(language)
    if account.language == language:
        return False
    record(account.actor, "parent.language", account, before={"language": account.language},
           after={"language": language})
    account.language = language
    db.session.commit()
    return True
