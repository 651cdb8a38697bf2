"""A child's attendance page is kept once rendered (portal.services.child_pages, issue 20), and a parent never sees
a kept page that no longer holds: another language's, another parent's token or email, yesterday's, or one from
before the child's marks, the policy, the child's details or the register's arrival changed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import ChildPage, DataArrival, ParentAccount, Pupil, Trust
from portal.services import pupil_figures

from factories import BOTHAL, add_marks, calendar, in_england, load_trust, make_pupil, sessions
from parents import make_parent, sign_in_as

AS_OF = date(2025, 9, 8)
BROWSER = {"Accept": "text/html"}


@pytest.fixture(autouse=True)
def fixed_day(school_clock):
    school_clock.move_to(in_england(datetime.combine(AS_OF, time(18, 0))))


@pytest.fixture
def family(app):
    """Jo and Sol are Sam's parents; Alex belongs to another family."""
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        alex = make_pupil(BOTHAL, forename="Alex", surname="Jones")
        make_parent("jo@example.com", sam)
        make_parent("sol@example.com", sam, name="Sol Parent")
        make_parent("other@example.com", alex, name="Other Parent")
        return {"sam": sam.id, "alex": alex.id}


def signed_in(app, email: str):
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(ParentAccount).where(ParentAccount.email == email)))
    return client


def page(client, pupil_id: int, status: int = 200, **headers) -> str:
    response = client.get(f"/parent/children/{pupil_id}", headers={**BROWSER, **headers})
    assert response.status_code == status
    return response.get_data(as_text=True)


def give_marks(app, pupil_id: int, codes):
    """New marks, and what the register writer does with them: forget what was kept for the child."""
    with app.app_context():
        pupil = db.session.get(Pupil, pupil_id)
        add_marks(pupil, sessions(calendar(), date(2025, 9, 1), codes), recorded_at=datetime(2025, 9, 8, 16, 5))
        pupil_figures.forget(db.session.connection(), [pupil_id])
        db.session.commit()


def kept_rows(app, pupil_id: int) -> list[tuple[str, date]]:
    with app.app_context():
        return sorted(tuple(row) for row in db.session.execute(select(ChildPage.language, ChildPage.as_of)
                                         .where(ChildPage.pupil_id == pupil_id)).all())


def mark_kept(app, pupil_id: int, text: str) -> None:
    """Put a word in the kept copies, so a test can tell a kept page from a freshly rendered one."""
    with app.app_context():
        for row in db.session.scalars(select(ChildPage).where(ChildPage.pupil_id == pupil_id)):
            row.html = row.html.replace("</h1>", f" {text}</h1>", 1)
        db.session.commit()


def speak(app, email: str, language: str) -> None:
    """The parent chooses the pages' language (what the header's language navigation saves on their account)."""
    with app.app_context():
        db.session.execute(update(ParentAccount).where(ParentAccount.email == email).values(language=language))
        db.session.commit()


def test_the_page_is_kept_and_served_again_with_the_same_figures(app, family):
    give_marks(app, family["sam"], ["/", "\\"] * 4 + ["I", "I"])
    jo = signed_in(app, "jo@example.com")

    first = page(jo, family["sam"])
    assert kept_rows(app, family["sam"]) == [("en_GB", AS_OF)]
    mark_kept(app, family["sam"], "KEPT")
    again = page(jo, family["sam"])

    assert "KEPT" in again
    assert again.replace(" KEPT", "").count("80.0%") == first.count("80.0%") > 0


def test_a_polish_and_an_english_view_of_the_same_child_never_share_a_kept_copy(app, family):
    jo = signed_in(app, "jo@example.com")
    speak(app, "jo@example.com", "pl")
    assert 'lang="pl"' in page(jo, family["sam"])
    mark_kept(app, family["sam"], "POLSKI")

    speak(app, "jo@example.com", "en")
    english = page(jo, family["sam"])
    assert "POLSKI" not in english and 'lang="en-GB"' in english
    assert kept_rows(app, family["sam"]) == [("en_GB", AS_OF), ("pl", AS_OF)]
    speak(app, "jo@example.com", "pl")
    assert "POLSKI" in page(jo, family["sam"])
    mark_kept(app, family["sam"], "KEPT")
    speak(app, "jo@example.com", "en")
    assert "POLSKI" not in page(jo, family["sam"])


def test_the_other_parent_gets_the_kept_page_with_their_own_email_and_token(app, family):
    jo, sol = signed_in(app, "jo@example.com"), signed_in(app, "sol@example.com")
    jos = page(jo, family["sam"])
    mark_kept(app, family["sam"], "KEPT")

    sols = page(sol, family["sam"])

    assert "KEPT" in sols
    assert "sol@example.com" in sols and "jo@example.com" not in sols and "jo@example.com" in jos
    with app.app_context():
        assert "@example.com" not in db.session.scalar(select(ChildPage.html))
    # Sol's sign-out form carries Sol's own CSRF token: signing out works from the kept page.
    token = sols.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert sol.post("/sign-out", data={"csrf_token": token}).status_code in (302, 303)
    assert page(sol, family["sam"], status=302)


def test_another_familys_parent_is_not_given_the_kept_page(app, family):
    page(signed_in(app, "jo@example.com"), family["sam"])

    page(signed_in(app, "other@example.com"), family["sam"], status=404)


def test_new_marks_show_at_once(app, family):
    jo = signed_in(app, "jo@example.com")
    assert "Not yet" in page(jo, family["sam"])
    mark_kept(app, family["sam"], "KEPT")

    give_marks(app, family["sam"], ["/", "\\"] * 4 + ["I", "I"])

    fresh = page(jo, family["sam"])
    assert "KEPT" not in fresh and "80.0%" in fresh


def test_forgetting_a_childs_marks_drops_the_kept_page_in_every_language(app, family):
    jo = signed_in(app, "jo@example.com")
    for language in ("en", "pl", "ro"):
        speak(app, "jo@example.com", language)
        page(jo, family["sam"])
    assert [language for language, _ in kept_rows(app, family["sam"])] == ["en_GB", "pl", "ro"]
    page(signed_in(app, "other@example.com"), family["alex"])

    with app.app_context():
        pupil_figures.forget(db.session.connection(), [family["sam"]])
        db.session.commit()

    assert kept_rows(app, family["sam"]) == []
    assert kept_rows(app, family["alex"]) == [("en_GB", AS_OF)]


def test_a_new_day_is_a_new_page_and_yesterdays_is_dropped(app, family, school_clock):
    jo = signed_in(app, "jo@example.com")
    page(jo, family["sam"])
    mark_kept(app, family["sam"], "KEPT")

    school_clock.move_to(in_england(datetime.combine(AS_OF + timedelta(days=1), time(8, 15))))

    assert "KEPT" not in page(signed_in(app, "sol@example.com"), family["sam"])
    assert kept_rows(app, family["sam"]) == [("en_GB", AS_OF + timedelta(days=1))]


def test_a_changed_policy_or_calendar_is_not_served_from_a_kept_page(app, family):
    jo = signed_in(app, "jo@example.com")
    page(jo, family["sam"])
    mark_kept(app, family["sam"], "KEPT")

    with app.app_context():  # what loading a new policy (its calendar in it) changes
        db.session.execute(update(Trust).values(policy_sha256="0" * 64))
        db.session.commit()

    assert "KEPT" not in page(jo, family["sam"])


def test_the_childs_new_name_and_a_new_register_arrival_are_not_served_from_a_kept_page(app, family):
    jo = signed_in(app, "jo@example.com")
    page(jo, family["sam"])
    mark_kept(app, family["sam"], "KEPT")

    with app.app_context():
        db.session.get(Pupil, family["sam"]).preferred_forename = "Sammy"
        db.session.commit()
    renamed = page(jo, family["sam"])
    assert "KEPT" not in renamed and "Sammy Taylor’s attendance" in renamed

    mark_kept(app, family["sam"], "KEPT")
    with app.app_context():
        pupil = db.session.get(Pupil, family["sam"])
        db.session.add(DataArrival(school_id=pupil.school_id, kind="marks", at=datetime(2025, 9, 8, 8, 42),
                                   file_name="marks.csv", rows=1))
        db.session.commit()
    arrived = page(jo, family["sam"])
    assert "KEPT" not in arrived and "Register as of" in arrived
