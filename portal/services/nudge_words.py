"""The message's figures in words, in the language forced around the call (flask_babel.force_locale).

Days take the language's plural forms ("1 dzień", "2 dni", "5 dni"; "1 zi", "2 zile", "20 de zile"), a half day its
own form ("1,5 dnia"), and numbers and dates the language's separators and month names. The sentences around them
are in templates/email/nudge.*, marked for translation.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_date, format_decimal, get_locale, gettext, ngettext, pgettext

from portal.domain.nudges import STANDARD, THANKS, Content


NBSP = "\u00a0"  # keeps "1 day" and a phone number on one line on a phone's screen


def days_words(value: Decimal) -> str:
    if value == 0:
        return gettext("no days")
    if value == Decimal("0.5"):
        return gettext("half a day")
    if value == value.to_integral_value():
        text = ngettext("%(days)s day", "%(days)s days", int(value), days=format_decimal(int(value)))
    else:
        text = pgettext("a number of days with a half", "%(days)s days", days=format_decimal(value, format="0.#"))
    return text.replace(" ", NBSP, 1)


def school_days_words(value: Decimal) -> str:
    whole = int(value)
    text = ngettext("%(days)s school day", "%(days)s school days", whole, days=format_decimal(whole)) \
        if value == whole else pgettext("a number of days with a half", "%(days)s school days",
                                        days=format_decimal(value, format="0.#"))
    return text.replace(" ", NBSP, 1)


PERCENT_SIGN = {"ro": NBSP + "%"}  # Romanian sets the sign apart; English, Polish and Urdu write 93,5%


def decimal_words(value) -> str:
    """A number the services write as "4.5" with the language's decimal separator ("4,5" in Polish). The places stay
    as written ("80.0" stays "80,0": the same figure as the English)."""
    text = str(value)
    if _language() == "en":
        return text
    places = len(text.split(".")[1]) if "." in text else 0
    return format_decimal(Decimal(text), format="#,##0" + ("." + "0" * places if places else ""))


def percent_words(value) -> str:
    """A percentage the services write as "93.5" in the language's separators and sign: "93.5%", "93,5%" in Polish,
    "93,5 %" in Romanian."""
    return decimal_words(value) + PERCENT_SIGN.get(_language(), "%")


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def phone_words(phone: str) -> str:
    return phone.replace(" ", NBSP)


def words(content: Content, phone: str = "") -> dict[str, str | None]:
    def maybe(value: Decimal | None) -> str | None:
        return None if value is None else days_words(value)

    return {
        "phone": phone_words(phone),
        "missed": days_words(content.days_missed),
        "school_days": school_days_words(content.school_days),
        "illness": days_words(content.illness_days),
        "medical": days_words(content.medical_days),
        "unexplained": days_words(content.unexplained_days),
        "target_days": days_words(content.target_days),
        "median": maybe(content.median_days),
        "projected": maybe(content.projected_days),
        "year_end": format_date(content.year_end, format="long").replace(" ", NBSP),
    }


def subject_for(content: Content, school: str) -> str:
    if content.version == THANKS:
        return gettext("Thank you: %(forename)s’s attendance this year", forename=content.forename)
    if content.version == STANDARD:
        return gettext("%(forename)s’s attendance: %(days)s missed so far this year", forename=content.forename,
                       days=days_words(content.days_missed).replace(NBSP, " "))  # a subject line wraps itself
    return gettext("%(forename)s’s attendance this year, from %(school)s", forename=content.forename,
                   school=school)
