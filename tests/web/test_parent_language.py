"""A parent reads the portal in their language: chosen in the header's language navigation (remembered on their
account, audited), else their contact record's preferred language, else English; Urdu pages run right to left."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Contact, ParentAccount

from pages import page_of

from test_child_attendance import (  # noqa: F401  (the same family and marks as the English page's tests)
    AS_OF, BROWSER, EIGHT_PRESENT_TWO_ILL, Page, child_page, family, fixed_day, give_marks, sign_in_jo, signed_in,
)


def choose(client, language: str, back: str = "/parent/"):
    return client.post("/language", data={"language": language, "back": back}, headers=BROWSER)


def test_english_by_default_with_every_language_offered_in_itself(signed_in, app, family):
    page = child_page(signed_in, family["sam"])
    html = page.html
    assert '<html lang="en-GB" dir="ltr"' in html
    nav = page.by_id["language-navigation"]
    for name in ("English", "Polski", "Română", "اردو"):
        assert name in nav
    assert 'aria-current="true" lang="en-GB">English' in html


def test_choosing_polish_shows_the_childs_page_in_polish_with_the_same_figures(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)
    english = child_page(signed_in, family["sam"])

    response = choose(signed_in, "pl", back=f"/parent/children/{family['sam']}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/parent/children/{family['sam']}")
    polish = child_page(signed_in, family["sam"])

    assert '<html lang="pl" dir="ltr"' in polish.html
    assert english.by_id["attendance-figure"] == "80.0%" and polish.by_id["attendance-figure"] == "80,0%"
    assert "Państwa dziecko (Sam) było w szkole 4 dni z 5 dni i ma 1 dzień nieobecności." in polish.by_id["attendance-summary"]
    assert polish.by_id["band"].startswith("Uporczywa nieobecność")
    assert "Nieobecność usprawiedliwiona" in polish.text and "Co dalej" in polish.text
    assert "attendance" not in polish.by_id["attendance-summary"].lower()
    with app.app_context():
        account = db.session.get(ParentAccount, family["jo"])
        assert account.language == "pl"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "parent.language")).one()
        assert (event.actor, event.before, event.after) == (f"parent:{account.id}", {"language": None}, {"language": "pl"})


def test_the_week_by_week_chart_and_table_are_in_the_pages_language(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)
    english = child_page(signed_in, family["sam"])
    choose(signed_in, "pl")
    polish = child_page(signed_in, family["sam"])
    for page in (english, polish):
        assert page.by_id["trend-chart"], "the chart is on the page"
    assert "Sam’s attendance this school year, week by week" in english.by_id["trend-chart"]
    assert "Target 97%" in english.by_id["trend-chart"] and "Week beginning" in english.by_id["trend-chart"]
    chart, table = polish.by_id["trend-chart"], polish.by_id["trend-table"]
    assert "Frekwencja dziecka (Sam) w tym roku szkolnym, tydzień po tygodniu" in chart
    assert "Cel: 97%" in chart and "Uporczywa nieobecność: frekwencja 90% lub niższa" in chart
    assert "80,0%" in chart and "80,0%" in table and "80.0%" not in chart + table
    assert "wrz" in chart  # the weeks' dates: September in Polish
    for english_word in ("Target", "Week beginning", "week by week", "Persistent absence", "dashed line"):
        assert english_word not in chart, english_word


def test_dates_are_in_the_pages_language(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)
    choose(signed_in, "ro")
    page = child_page(signed_in, family["sam"])
    assert "septembrie" in page.by_id["last-updated"]
    assert "Luni" in page.html or "luni" in page.html  # the register's weekdays


def test_the_contacts_preferred_language_stands_in_until_the_parent_chooses(client, app, family):
    with app.app_context():
        for contact in db.session.scalars(select(Contact).where(Contact.email == "jo@example.com")):
            contact.preferred_language = "Romanian"
        db.session.commit()
    signed_in = sign_in_jo(client, app, family)
    assert '<html lang="ro"' in child_page(signed_in, family["sam"]).html
    choose(signed_in, "en")
    assert '<html lang="en-GB"' in child_page(signed_in, family["sam"]).html


def test_urdu_pages_run_right_to_left(signed_in, app, family):
    choose(signed_in, "ur")
    page = child_page(signed_in, family["sam"])
    assert '<html lang="ur" dir="rtl"' in page.html
    assert "حاضری پورٹل" in page.html  # the service's name in the header


def test_a_language_the_portal_does_not_have_is_refused_and_nothing_changes(signed_in, app, family):
    assert choose(signed_in, "xx").status_code == 400
    with app.app_context():
        assert db.session.get(ParentAccount, family["jo"]).language is None


def test_the_choice_needs_its_csrf_token(app, client, family):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        signed_in = sign_in_jo(client, app, family)
        assert choose(signed_in, "pl").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_going_back_never_leaves_the_site(signed_in):
    assert choose(signed_in, "pl", back="//evil.example/x").headers["Location"] == "/"


def test_staff_pages_stay_in_english(app, client, family):
    assert '<html lang="en-GB"' in client.get("/staff/sign-in", headers=BROWSER).get_data(as_text=True)


@pytest.fixture
def siblings(app):
    """Sam and Ali Taylor, whose parent is jo@example.com, and the next school day but one."""
    from datetime import timedelta

    from factories import calendar, load_trust, make_pupil
    from parents import make_parent
    from portal.clock import school_today

    with app.app_context():
        load_trust()
        sam, ali = make_pupil("122239", forename="Sam"), make_pupil("122239", forename="Ali")
        make_parent("jo@example.com", sam, ali)
        return {"sam": sam.id, "ali": ali.id, "day": calendar().next_school_day(school_today() + timedelta(days=1))}


def test_a_polish_parent_reports_an_absence_in_polish_and_gets_the_email_in_polish(client, app, siblings):
    from test_parent_portal import report_form, signed_in as sign_in_parent

    from portal.extensions import mail
    from portal.models import AbsenceReport
    from portal.services import notify

    ids = siblings
    parent = sign_in_parent(client, app)
    choose(parent, "pl")
    form = parent.get("/parent/report-absence", headers=BROWSER).get_data(as_text=True)
    assert "Kto jest nieobecny?" in form and "Jaki jest powód nieobecności?" in form
    refused = parent.post("/parent/report-absence", data=report_form([ids["sam"]], ids["day"], reason=""))
    assert "Proszę wybrać powód nieobecności" in refused.get_data(as_text=True)
    parent.post("/parent/report-absence", data=report_form([ids["sam"], ids["ali"]], ids["day"]))
    check = parent.get("/parent/report-absence/check").get_data(as_text=True)
    assert "Proszę sprawdzić odpowiedzi przed wysłaniem zgłoszenia" in check
    assert "Sam Taylor: 2 części dnia" in check and "Choroba" in check
    sent = parent.post("/parent/report-absence/check")
    assert "Nieobecność zgłoszona" in parent.get(sent.location).get_data(as_text=True)
    with app.app_context():
        reference = db.session.scalar(select(AbsenceReport.reference))
        with mail.record_messages() as outbox:
            assert notify.deliver_due() == (1, 0)
    [email] = outbox
    assert email.subject == f"Zgłoszono nieobecność: {reference}"
    assert f"Otrzymaliśmy zgłoszenie nieobecności {reference}" in email.body
    assert '<html lang="pl">' in email.html


def test_error_pages_and_the_front_door_follow_the_language(signed_in, client, app, family):
    choose(signed_in, "ro")
    missing = signed_in.get("/parent/children/999999", headers=BROWSER)
    assert missing.status_code == 404 and "Pagina nu a fost găsită" in missing.get_data(as_text=True)
    anonymous = app.test_client()
    choose(anonymous, "pl", back="/")
    assert "Rodzice i opiekunowie: zaloguj się" in anonymous.get("/", headers=BROWSER).get_data(as_text=True)
    assert "Logowanie do portalu frekwencji" in anonymous.get("/sign-in", headers=BROWSER).get_data(as_text=True)


def test_a_language_chosen_on_the_sign_in_page_is_kept_on_signing_in(client, app, family):
    import re
    from urllib.parse import urlsplit

    from portal.models import OutboxMessage

    choose(client, "pl", back="/sign-in")
    assert "Logowanie do portalu frekwencji" in client.get("/sign-in", headers=BROWSER).get_data(as_text=True)
    client.post("/sign-in", data={"email": "jo@example.com"})
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    link = urlsplit(re.search(r"https?://\S+/sign-in/\S+", body).group(0))
    assert client.post(link.path, data={"token": link.fragment}).status_code == 303
    assert '<html lang="pl"' in child_page(client, family["sam"]).html
    with app.app_context():
        assert db.session.get(ParentAccount, family["jo"]).language == "pl"
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "parent.language")).one()


def test_the_sign_in_email_is_in_the_parents_language(client, app, family):
    from portal.models import OutboxMessage

    with app.app_context():
        db.session.get(ParentAccount, family["jo"]).language = "ro"
        db.session.commit()
    client.post("/sign-in", data={"email": "jo@example.com"})  # from an English page: the account's choice wins
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.subject == "Linkul de conectare la portalul prezenței la școală"
    assert "Folosiți acest link pentru a vă conecta." in message.body_text
    assert '<html lang="ro">' in message.body_html


def test_a_polish_parent_reads_the_reports_date_problems_and_the_answer_problems_in_polish(client, app, siblings):
    from datetime import timedelta

    from test_parent_portal import report_form, signed_in as sign_in_parent

    from portal.clock import school_today
    from portal.models import AbsenceReport, AbsenceReportChild, StaffUser
    from portal.services import review
    from staff import make_staff

    parent = sign_in_parent(client, app)
    choose(parent, "pl")
    far = school_today() + timedelta(days=90)
    refused = page_of(parent.post("/parent/report-absence", data=report_form([siblings["sam"]], far)))
    latest = school_today() + timedelta(days=60)
    polish_month = {1: "stycznia", 2: "lutego", 3: "marca", 4: "kwietnia", 5: "maja", 6: "czerwca", 7: "lipca",
                    8: "sierpnia", 9: "września", 10: "października", 11: "listopada", 12: "grudnia"}
    assert (f"Pierwszy dzień musi przypadać {latest.day} {polish_month[latest.month]} {latest.year} lub wcześniej"
            in refused.text)
    assert "must be on or before" not in refused.text

    parent.post("/parent/report-absence", data=report_form([siblings["sam"]], siblings["day"]))
    parent.post("/parent/report-absence/check")
    with app.app_context():
        reference = db.session.scalar(select(AbsenceReport.reference))
        child_id = db.session.scalar(select(AbsenceReportChild.id))
        make_staff("head@bothal.example", "headteacher", "122239", password="head-password")
        review.decide(db.session.scalar(select(StaffUser)), child_id, "question", note="Czy to ospa?")
    url = f"/parent/reports/{reference}/answer/{child_id}"
    assert parent.post(url, data={f"child-{child_id}-answer": "Tak."}).status_code == 303
    again = page_of(parent.post(url, data={f"child-{child_id}-answer": "Tak, od niedzieli."}))
    assert "Szkoła nie czeka na Państwa odpowiedź na żadne pytanie dotyczące tej nieobecności" in again.text
    assert "no question waiting" not in again.text
