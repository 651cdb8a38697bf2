"""A parent's choice of language for the portal's pages, kept on their account and audited."""

from __future__ import annotations

from flask_babel import get_locale

from portal.domain import dates_words
from portal.domain.languages import babel_locale, checked_language, page_language
from portal.domain.nudge_rules import DEFAULT_LANGUAGE
from portal.extensions import db
from portal.models import Contact, ParentAccount
from portal.services.audit_writer import record


def day_words(day, form: str = "weekday day month year") -> str:
    """A day in words in the language being written: the page's, or force_locale's around an email."""
    locale = get_locale()
    return dates_words.date_words(day, form, language=locale.language if locale is not None else None)


def language_of(account: ParentAccount) -> str:
    """The language the parent's pages are shown in: their choice, else their contact records' preferred
    language, else English (portal.domain.languages.page_language)."""
    if account.contact_languages_given is False:  # the session's resume found no contact naming one
        return page_language(account.language, [])
    return page_language(account.language, [c.preferred_language for c in account.contacts])


def message_locale(account: ParentAccount) -> str:
    """The locale to write to the parent in: the language they chose; else the one the page they are on is in
    (chosen before signing in), when it is not English; else their contact records' preferred language."""
    if account.language:
        return babel_locale(account.language)
    ambient = get_locale()
    if ambient is not None and ambient.language != DEFAULT_LANGUAGE:
        return str(ambient)
    return babel_locale(language_of(account))


def account_locale(account: ParentAccount) -> str:
    """The locale to write to a parent who is not the one on the page (another parent of the child): their
    choice, else their contact records' preferred language; never the page's, which is the other parent's."""
    return babel_locale(language_of(account))


def contact_locale(contact: Contact) -> str:
    """The locale to write to one of a pupil's contacts in: their account's (account_locale: never the page's,
    which may be another parent's), else the preferred language the school's records give them, else English."""
    if contact.parent_account is not None:
        return account_locale(contact.parent_account)
    return babel_locale(page_language(None, [contact.preferred_language]))


def emails_by_locale(contacts: list[Contact]) -> dict[str, list[str]]:
    """The contacts' email addresses grouped by the locale to write to them in: one message per language
    (an address met twice keeps its first contact's language)."""
    groups: dict[str, list[str]] = {}
    seen: set[str] = set()
    for contact in contacts:
        if contact.email and contact.email not in seen:
            seen.add(contact.email)
            groups.setdefault(contact_locale(contact), []).append(contact.email)
    return {locale: sorted(emails) for locale, emails in sorted(groups.items())}


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
