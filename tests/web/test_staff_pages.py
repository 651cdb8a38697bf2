"""Staff pages: every one checks its role; sign-in is rate limited; a decision reaches the parent."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.clock import school_today
from portal.extensions import db
from portal.models import AbsenceReportChild, StaffUser
from portal.services import absences
from portal.web.staff import PUBLIC

from factories import calendar, in_england, load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff

from web.test_csrf import dummy_arguments


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.") and r.endpoint not in PUBLIC]


def test_every_staff_route_declares_its_permission(app):
    rules = staff_rules(app)
    assert len(rules) >= 4
    for rule in rules:
        assert hasattr(app.view_functions[rule.endpoint], "staff_permission"), f"{rule.rule} has no role check"


def test_no_staff_route_is_reachable_without_a_role(app, client):
    with app.app_context():
        load_trust()
        parent = make_parent("jo@example.com", make_pupil("122239"))
        nobody = StaffUser(email="nobody@example.com", name="No roles", created_at=datetime(2026, 9, 1))
        db.session.add(nobody)
        db.session.commit()
    for rule in staff_rules(app):
        url = rule.build(dummy_arguments(rule))[1]
        method = "GET" if "GET" in rule.methods else "POST"
        anonymous = client.open(url, method=method)
        assert anonymous.status_code == 302 and "/staff/sign-in" in anonymous.location, rule.rule
        for who in (parent, nobody):
            with app.app_context():
                sign_in_as(client, db.session.merge(who))
            assert client.open(url, method=method).status_code == 403, (rule.rule, who)
        client.get("/health")
        with client.session_transaction() as session:
            session.clear()


@pytest.fixture
def school_with_report(app):
    with app.app_context():
        load_trust()
        sam = make_pupil("122239", forename="Sam")
        parent = make_parent("jo@example.com", sam)
        make_staff("head@bothal.example", "headteacher", "122239", password="head-password")
        make_staff("teacher@central.example", "teacher", "131021", password="teacher-password")
        day = calendar().next_school_day(school_today() + timedelta(days=1))
        report = absences.submit(parent, absences.AbsenceDraft([sam.id], day, day, "day", "illness", "k1"))
        return report.reference, report.children[0].id


def sign_in(client, email, password):
    return client.post("/staff/sign-in", data={"email": email, "password": password})


def test_a_wrong_password_says_so_without_saying_which_part(client, school_with_report):
    page = sign_in(client, "head@bothal.example", "nope")
    assert page.status_code == 200 and b"The email address or password is not right" in page.data
    page = sign_in(client, "nobody@bothal.example", "nope")
    assert b"The email address or password is not right" in page.data


def test_the_head_accepts_a_report_from_the_queue_and_the_parent_sees_it(app, client, school_with_report):
    reference, child_id = school_with_report
    assert sign_in(client, "head@bothal.example", "head-password").location == "/staff/"
    queue = client.get("/staff/")
    assert b"Sam Taylor" in queue.data and b"Illness" in queue.data
    item = client.get(f"/staff/absences/{child_id}")
    assert b"Suggested: I" in item.data
    done = client.post(f"/staff/absences/{child_id}", data={"action": "accept", "code": "I", "note": ""})
    assert done.status_code == 303
    assert b"Nothing is waiting for you" in client.get("/staff/").data
    with app.app_context():
        child = db.session.get(AbsenceReportChild, child_id)
        assert (child.status, child.code) == ("accepted", "I")
        sign_in_as(client, child.report.parent_account)
    page = client.get(f"/parent/reports/{reference}")
    assert b"Accepted" in page.data and b"Recorded in the register: Ill (code I)." in page.data


def test_a_teacher_of_another_school_gets_404_for_this_report(client, school_with_report):
    _, child_id = school_with_report
    sign_in(client, "teacher@central.example", "teacher-password")
    assert client.get(f"/staff/absences/{child_id}").status_code == 404
    assert b"Nothing is waiting for you" in client.get("/staff/").data


def test_staff_sign_in_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [sign_in(client, "head@bothal.example", f"guess-{n}").status_code for n in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


def test_the_queue_filters_by_site_and_an_item_shows_plans_and_leave(app, client):
    with app.app_context():
        load_trust()
        upper = make_pupil("122239", forename="Uma", site="upper")
        lower = make_pupil("122239", forename="Leo", site="lower")
        parent = make_parent("jo@example.com", upper, lower)
        day = calendar().next_school_day(school_today() + timedelta(days=1))
        report = absences.submit(parent, absences.AbsenceDraft([upper.id, lower.id], day, day, "day", "illness", "k"))
        upper_child = report.children[0].id
        make_staff("head@bothal.example", "headteacher", "122239", password="head-password")
        from portal.models import Site

        lower_site = db.session.scalar(select(Site).where(Site.slug == "lower", Site.school_id == lower.school_id)).id
    sign_in(client, "head@bothal.example", "head-password")
    both = client.get("/staff/").get_data(as_text=True)
    assert "Uma Taylor" in both and "Leo Taylor" in both
    only_lower = client.get(f"/staff/?site={lower_site}").get_data(as_text=True)
    assert "Leo Taylor" in only_lower and "Uma Taylor" not in only_lower
    item = client.get(f"/staff/absences/{upper_child}").get_data(as_text=True)
    assert "Support plan" in item and "Leave requests, last 12 months" in item


def test_a_long_queue_comes_a_page_at_a_time_keeping_the_filters(app, client, monkeypatch):
    import portal.web.staff.queue as queue_view

    monkeypatch.setattr(queue_view, "QUEUE_PAGE", 2)
    with app.app_context():
        load_trust()
        pupils = [make_pupil("122239", forename=name, site="upper") for name in ("Ann", "Ben", "Cat", "Dan", "Eve")]
        parent = make_parent("jo@example.com", *pupils)
        day = calendar().next_school_day(school_today() + timedelta(days=1))
        for n, pupil in enumerate(pupils):
            absences.submit(parent, absences.AbsenceDraft([pupil.id], day, day, "day", "illness", f"k{n}"))
        make_staff("head@bothal.example", "headteacher", "122239", password="head-password")
    sign_in(client, "head@bothal.example", "head-password")

    def names(html: str) -> set[str]:
        return {name for name in ("Ann", "Ben", "Cat", "Dan", "Eve") if f">{name} Taylor</a>" in html}

    first = client.get("/staff/?year_group=2").get_data(as_text=True)
    assert "5 reports, most urgent first: 1 to 2" in first and "Page 1 of 3" in first
    assert len(names(first)) == 2 and 'rel="prev"' not in first
    assert 'href="/staff/?year_group=2&amp;page=2" rel="next"' in first
    seen = names(first)
    for number in (2, 3):
        page = client.get(f"/staff/?year_group=2&page={number}").get_data(as_text=True)
        assert f"Page {number} of 3" in page and 'rel="prev"' in page
        assert not names(page) & seen
        seen |= names(page)
    assert seen == {"Ann", "Ben", "Cat", "Dan", "Eve"} and 'rel="next"' not in page
    assert "Page 1 of 3" in client.get("/staff/?page=99").get_data(as_text=True)  # past the end: the first page


def test_the_office_is_offered_only_what_it_may_do_and_told_who_decides(app, client, school_with_report):
    reference, child_id = school_with_report
    with app.app_context():
        make_staff("office@bothal.example", "office", "122239", password="office-password")
        db.session.scalar(select(StaffUser).where(StaffUser.email == "head@bothal.example")).name = "Hilary Head"
        db.session.commit()
    sign_in(client, "office@bothal.example", "office-password")

    page = client.get(f"/staff/absences/{child_id}").get_data(as_text=True)
    queue = client.get("/staff/").get_data(as_text=True)

    assert "Ask the parent a question" in page
    assert "Accept and record it with a code" not in page and "Record it as unauthorised" not in page
    assert 'name="code"' not in page
    who = "Only the headteacher can authorise absences at Bothal Primary School: ask Hilary Head."
    assert who in page and who in queue
    assert "your role" not in page and "does not allow" not in page
    assert "Accept selected with the suggested codes" not in queue
    # A hand-made request to accept is still refused, in the same words.
    refused = client.post(f"/staff/absences/{child_id}", data={"action": "accept", "code": "I"})
    assert refused.status_code == 200 and who in refused.get_data(as_text=True)


def test_the_headteacher_is_offered_every_decision(client, school_with_report):
    _, child_id = school_with_report
    sign_in(client, "head@bothal.example", "head-password")
    page = client.get(f"/staff/absences/{child_id}").get_data(as_text=True)
    assert "Accept and record it with a code" in page and "Record it as unauthorised" in page
    assert "Accept selected with the suggested codes" in client.get("/staff/").get_data(as_text=True)


def test_staff_are_warned_months_ahead_when_next_years_term_dates_are_missing(client, school_with_report,
                                                                               school_clock):
    sign_in(client, "head@bothal.example", "head-password")
    assert "term dates in the policy end" not in client.get("/staff/").get_data(as_text=True)  # December: early

    school_clock.move_to(in_england(datetime(2027, 3, 1, 10, 0)))  # spring: leave is asked for months ahead
    sign_in(client, "head@bothal.example", "head-password")
    queue = client.get("/staff/").get_data(as_text=True)

    assert "Bothal Primary School: the term dates in the policy end on" in queue
    assert "those for 2027-28 are missing" in queue and "Central Primary School" not in queue
