"""Support-plan pages: staff draft and send a plan, a parent signs it through the emailed link, the PDF shows both
signatures and the version hash; re-signing after a change; a second parent; declines; reviews; who sees what."""

from __future__ import annotations

import functools
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select

# Until the lead imports them from the blueprints' __init__, the views are registered here.
import portal.web.parent.plans  # noqa: F401
import portal.web.staff.plans  # noqa: F401
from portal.clock import school_today
from portal.domain.policy import load_policy
from portal.extensions import db
from portal.models import OutboxMessage, ParentAccount
from portal.models.support_plan import SupportPlan
from portal.services import support_plans as plans

from factories import ALP, BOTHAL, CENTRAL, add_marks, calendar, in_england, load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff

PASSWORD = "correct horse battery staple"


@pytest.fixture
def school(app):
    """Sam at Bothal with two parents who each have parental responsibility, another family, and staff."""
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", registration_group="2T")
        other = make_pupil(BOTHAL, forename="Kim", surname="Jones")
        cal = calendar()
        days = cal.school_days(date(2026, 9, 1), school_today())
        add_marks(sam, [(d, s, "O" if i < 4 else ("/" if s == "AM" else "\\"))
                        for i, d in enumerate(days) for s in cal.sessions_on(d)])
        make_parent("jo@example.com", sam, name="Jo Taylor")
        make_parent("alex@example.com", sam, name="Alex Taylor")
        make_parent("stranger@example.com", other, name="Pat Jones")
        make_staff("officer@bothal.example", "attendance_officer", BOTHAL, name="Ann Officer")
        make_staff("teacher@bothal.example", "teacher", BOTHAL)
        make_staff("officer@central.example", "attendance_officer", CENTRAL)
        return {"sam": sam.id, "other": other.id}


def staff_signed_in(client, email="officer@bothal.example"):
    response = client.post("/staff/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.data
    return client


def parent_signed_in(client, app, email):
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(ParentAccount).where(ParentAccount.email == email)))
    return client


def sign_out(client):
    with client.session_transaction() as session:
        session.clear()


def date_fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@functools.cache
def bothal_calendar():
    policy, _ = load_policy(ALP.read_text())
    return policy.school(BOTHAL).calendar


def school_day_from(day: date) -> date:
    """`day`, or the next Bothal school day after it (a review is on a school day), or `day` past the calendar."""
    calendar_ = bothal_calendar()
    return day if calendar_.is_school_day(day) else (calendar_.next_school_day(day) or day)


def plan_form(**changes) -> dict:
    today = school_today()
    data = {
        "meeting_date": date_fields(today), "review_date": date_fields(school_day_from(today + timedelta(weeks=6))),
        "attendees_parents": "Jo Taylor", "attendees_pupil": "", "attendees_school": "Ann Officer",
        "attendees_others": "", "concerns": "Sam misses Mondays.", "parent_views": "Mornings are hard.",
        "pupil_views": "", "barriers": "The nursery run.",
        "support_offered": ["Check-ins with key adult/staff member", "Help with morning routine or transition"],
        "support_other": "", "parent_commitments": ["Prioritise school attendance and morning routines",
                                                    "Inform school before 9:00am if child is absent"],
        "additional_actions": "", "school_commitments": ["Monitor attendance weekly and provide feedback"],
    }
    data.update(changes)
    return data


def latest_plan(app) -> tuple[int, int, str]:
    with app.app_context():
        plan = db.session.scalar(select(SupportPlan).order_by(SupportPlan.id.desc()))
        return plan.id, plan.current.number if plan.current else plan.latest.number, (plan.current or plan.latest).sha256


def emailed_link(app, recipient: str, key_part: str) -> str:
    with app.app_context():
        messages = [m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
                    if m.recipients == [recipient] and key_part in (m.key or "")]
    return re.search(r"https?://[^/\s]+(/\S+)", messages[-1].body_text).group(1)


def draft_and_send(client, app, school) -> int:
    staff_signed_in(client)
    created = client.post(f"/staff/pupils/{school['sam']}/plans/new", data=plan_form())
    assert created.status_code == 303
    plan_id = int(created.location.rsplit("/", 1)[1])
    sent = client.post(f"/staff/plans/{plan_id}/send")
    assert sent.status_code == 303
    sign_out(client)
    return plan_id


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- the journey of the "done when"


def test_staff_draft_a_plan_a_parent_signs_through_the_emailed_link_and_the_pdf_shows_both(client, app, school):
    staff_signed_in(client)
    listing = client.get("/staff/plans?q=taylor")
    assert listing.status_code == 200 and f"/staff/pupils/{school['sam']}/plans/new".encode() in listing.data
    form = client.get(f"/staff/pupils/{school['sam']}/plans/new")
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "Stage 1: Attendance Support Plan" in text
    assert "Check-ins with key adult/staff member" in text and "Attendance this school year so far" in text
    assert 'value="Jo Taylor, Alex Taylor"' in text  # the parents with parental responsibility, prefilled

    created = client.post(f"/staff/pupils/{school['sam']}/plans/new", data=plan_form())
    assert created.status_code == 303
    page = client.get(created.location)
    text = page.get_data(as_text=True)
    assert "Draft: not sent to the family" in text and "Sam misses Mondays." in text
    assert "Jo Taylor and Alex Taylor" in text
    plan_id = int(created.location.rsplit("/", 1)[1])
    sent = client.post(f"/staff/plans/{plan_id}/send")
    assert sent.status_code == 303
    assert "We emailed jo@example.com, alex@example.com" in client.get(sent.location).get_data(as_text=True) or \
        "We emailed alex@example.com, jo@example.com" in client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    sign_out(client)

    # The parent follows the emailed link: signed out, it asks them to sign in and comes back to the plan.
    link = emailed_link(app, "jo@example.com", ":invite:")
    assert link == f"/parent/children/{school['sam']}/plans/{plan_id}"
    away = client.get(link)
    assert away.status_code == 302 and away.location.startswith("/sign-in") and "next=" in away.location
    parent_signed_in(client, app, "jo@example.com")
    page = client.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "What you are asked to agree to" in text
    assert "Inform school before 9:00am if child is absent" in text and "What the school will do" in text
    assert "Sign the plan" in text and "I have read this plan and I agree to it" in text
    _, number, sha = latest_plan(app)
    assert f'value="{sha}"' in text

    refused = client.post(f"{link}/sign", data={"version": number, "sha256": sha, "typed_name": "Jo Taylor"})
    assert refused.status_code == 200 and "Confirm that you have read the plan and agree to it" in \
        refused.get_data(as_text=True)
    signed = client.post(f"{link}/sign", data={"version": number, "sha256": sha, "typed_name": "Jo Taylor",
                                               "confirm": "y"})
    assert signed.status_code == 303
    page = client.get(signed.location).get_data(as_text=True)
    assert "You have signed Sam’s plan" in page and "What you agreed to" in page and "Sign the plan" not in page
    sign_out(client)

    staff_signed_in(client)
    page = client.get(f"/staff/plans/{plan_id}/sign")
    assert page.status_code == 200 and "Sign for the school" in page.get_data(as_text=True)
    done = client.post(f"/staff/plans/{plan_id}/sign", data={"version": number, "sha256": sha,
                                                             "typed_name": "Ann Officer", "confirm": "y"})
    assert done.status_code == 303
    sign_out(client)

    parent_signed_in(client, app, "jo@example.com")
    pdf = client.get(f"{link.replace('/plans/', '/plans/')}/versions/{number}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    assert "Jo Taylor" in text and "Ann Officer" in text
    assert sha in text and text.count(sha) >= 3


def test_a_second_parent_signs_separately(client, app, school):
    plan_id = draft_and_send(client, app, school)
    _, number, sha = latest_plan(app)
    for email, name in (("jo@example.com", "Jo Taylor"), ("alex@example.com", "Alex Taylor")):
        parent_signed_in(client, app, email)
        link = emailed_link(app, email, ":invite:")
        page = client.get(link).get_data(as_text=True)
        assert "Sign the plan" in page
        assert client.post(f"{link}/sign", data={"version": number, "sha256": sha, "typed_name": name,
                                                 "confirm": "y"}).status_code == 303
        sign_out(client)
    staff_signed_in(client)
    page = client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    assert page.count(">Signed<") == 2 and "“Jo Taylor”" in page and "“Alex Taylor”" in page


def test_re_signing_after_an_edit(client, app, school):
    plan_id = draft_and_send(client, app, school)
    _, _, v1_sha = latest_plan(app)
    parent_signed_in(client, app, "jo@example.com")
    link = emailed_link(app, "jo@example.com", ":invite:")
    client.post(f"{link}/sign", data={"version": 1, "sha256": v1_sha, "typed_name": "Jo Taylor", "confirm": "y"})
    sign_out(client)

    staff_signed_in(client)
    change = client.get(f"/staff/plans/{plan_id}/change").get_data(as_text=True)
    assert "Saving makes version 2, which must be sent and signed again" in change
    assert 'value="Sam misses Mondays."' in change or ">Sam misses Mondays.</textarea>" in change
    saved = client.post(f"/staff/plans/{plan_id}/change", data=plan_form(additional_actions="Walking bus."))
    assert saved.status_code == 303
    assert "Send it to the family: it needs signing again." in client.get(saved.location).get_data(as_text=True)
    client.post(f"/staff/plans/{plan_id}/send")
    sign_out(client)

    _, number, v2_sha = latest_plan(app)
    assert number == 2 and v2_sha != v1_sha
    parent_signed_in(client, app, "jo@example.com")
    assert emailed_link(app, "jo@example.com", ":v2:invite:") == link
    page = client.get(link).get_data(as_text=True)
    assert "version 2" in page and "Walking bus." in page and "Sign the plan" in page
    assert f"{link}/versions/1" in page  # the old version stays readable
    stale = client.post(f"{link}/sign", data={"version": 1, "sha256": v1_sha, "typed_name": "Jo Taylor",
                                              "confirm": "y"})
    assert stale.status_code == 303
    assert "The school has changed this plan since you opened it" in client.get(stale.location).get_data(as_text=True)
    old = client.get(f"{link}/versions/1").get_data(as_text=True)
    assert "replaced by" in old and "Jo Taylor: signed on" in old and "Walking bus." not in old
    assert client.post(f"{link}/sign", data={"version": 2, "sha256": v2_sha, "typed_name": "Jo Taylor",
                                             "confirm": "y"}).status_code == 303
    with app.app_context():
        plan = db.session.get(SupportPlan, plan_id)
        assert [(v.number, [s.sha256 for s in v.signatures]) for v in plan.versions] == [
            (1, [v1_sha]), (2, [v2_sha])]


def test_a_parent_who_does_not_agree_says_why(client, app, school):
    plan_id = draft_and_send(client, app, school)
    _, number, sha = latest_plan(app)
    parent_signed_in(client, app, "alex@example.com")
    link = emailed_link(app, "alex@example.com", ":invite:")
    page = client.get(f"{link}/decline")
    assert page.status_code == 200 and "Tell the school you do not agree" in page.get_data(as_text=True)
    empty = client.post(f"{link}/decline", data={"version": number, "sha256": sha, "reason": ""})
    assert "Tell the school why you do not agree" in empty.get_data(as_text=True)
    sent = client.post(f"{link}/decline", data={"version": number, "sha256": sha, "reason": "Shifts start at 7."})
    assert sent.status_code == 303
    page = client.get(sent.location).get_data(as_text=True)
    assert "We have told the school you do not agree" in page and "“Shifts start at 7.”" in page
    assert "Sign the plan" in page  # they may still sign
    sign_out(client)
    staff_signed_in(client)
    page = client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    assert "Does not agree" in page and "Shifts start at 7." in page and "Declined by a parent" in page
    for queue in ("/staff/", "/staff/plans"):  # waiting for the school, where staff look for work
        listed = client.get(queue).get_data(as_text=True).split('id="declined-plans"', 1)[1].split("</table>")[0]
        assert f'href="/staff/plans/{plan_id}"' in listed and "Alex Taylor: “Shifts start at 7.”" in listed
    # The other parent does not see Alex's reason.
    sign_out(client)
    parent_signed_in(client, app, "jo@example.com")
    assert "Shifts start at 7." not in client.get(link).get_data(as_text=True)


# ---------------------------------------------------------------- who sees what


def test_a_parent_cannot_see_another_familys_plan(client, app, school):
    plan_id = draft_and_send(client, app, school)
    own = f"/parent/children/{school['sam']}/plans/{plan_id}"
    parent_signed_in(client, app, "stranger@example.com")
    for url in (own, f"{own}/versions/1", f"{own}/versions/1/pdf", f"{own}/decline",
                f"/parent/children/{school['other']}/plans/{plan_id}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{own}/sign", data={"version": 1, "sha256": "0" * 64, "typed_name": "x",
                                            "confirm": "y"}).status_code == 404
    assert "has no support plan" in client.get("/parent/plans").get_data(as_text=True)


def test_a_draft_is_not_the_familys_yet(client, app, school):
    staff_signed_in(client)
    created = client.post(f"/staff/pupils/{school['sam']}/plans/new", data=plan_form())
    plan_id = int(created.location.rsplit("/", 1)[1])
    sign_out(client)
    parent_signed_in(client, app, "jo@example.com")
    assert client.get(f"/parent/children/{school['sam']}/plans/{plan_id}").status_code == 404
    assert "Sam has no support plan" in client.get("/parent/plans").get_data(as_text=True)


def test_staff_who_may_not_run_plans_get_403_and_other_schools_404(client, app, school):
    plan_id = draft_and_send(client, app, school)
    staff_signed_in(client, "teacher@bothal.example")
    assert client.get(f"/staff/plans/{plan_id}").status_code == 403
    assert client.get(f"/staff/pupils/{school['sam']}/plans/new").status_code == 403
    sign_out(client)
    staff_signed_in(client, "officer@central.example")
    assert client.get(f"/staff/plans/{plan_id}").status_code == 404
    assert client.get(f"/staff/plans/{plan_id}/versions/1/pdf").status_code == 404
    assert client.get(f"/staff/pupils/{school['sam']}/plans/new").status_code == 404
    assert "No pupil at your schools matches" in client.get("/staff/plans?q=Taylor").get_data(as_text=True)


# ---------------------------------------------------------------- forms, versions, reviews


def test_every_error_on_the_plan_form_is_shown_at_once(client, app, school):
    staff_signed_in(client)
    page = client.post(f"/staff/pupils/{school['sam']}/plans/new", data=plan_form(
        meeting_date=["", "", ""], concerns="", support_offered=[], support_other="",
        review_date=["31", "2", "2027"], school_commitments=["Free holidays"]))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.count("There is a problem") == 1
    assert "<title>Error: " in text
    for words in ("Enter the date of the meeting", "Write down the school’s concerns",
                  "Select the support the school offers", "Review date must be a real date",
                  "Choose from the entries listed"):
        assert words in text, words


def test_a_refused_review_date_saves_nothing_and_is_marked_on_its_field(client, app, school):
    staff_signed_in(client)
    saturday = school_today() + timedelta(weeks=6)
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    page = client.post(f"/staff/pupils/{school['sam']}/plans/new",
                       data=plan_form(review_date=date_fields(saturday)))
    text = page.get_data(as_text=True)

    assert page.status_code == 200 and "is not a school day" in text
    assert "already has" not in text and "SP-0" not in text  # no draft that was never saved
    with app.app_context():
        assert db.session.scalar(select(SupportPlan)) is None
    summary = text.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    assert 'href="#review_date-day"' in summary
    group = text.split('id="review_date-error"', 1)[0].rsplit('<div class="govuk-form-group', 1)[1]
    assert group.startswith(" govuk-form-group--error")


def test_the_review_page_shows_the_attendance_since_the_plan_started(client, app, school, school_clock):
    plan_id = draft_and_send(client, app, school)
    with app.app_context():
        plan = db.session.get(SupportPlan, plan_id)
        review_date, escalation = plan.review_date, plans.template_for(plan.school).escalation
    school_clock.move_to(in_england(datetime.combine(review_date, time(12, 0))))
    staff_signed_in(client)  # on the review day: yesterday's sign-in has ended
    listing = client.get("/staff/plans").get_data(as_text=True)
    assert "Support plan reviews due (1)" in listing and f"/staff/plans/{plan_id}/review" in listing
    page = client.get(f"/staff/plans/{plan_id}/review").get_data(as_text=True)
    assert "When the plan was made" in page and "Since the plan started" in page
    assert f"Escalating means: {escape(escalation)}." in page  # the policy's words (ALP: Tier 3, the EWO)
    missing = client.post(f"/staff/plans/{plan_id}/review", data={"progress": "Better.", "outcome": "continue"})
    assert "Enter the date of the next review" in missing.get_data(as_text=True)
    later = school_day_from(school_today() + timedelta(weeks=10))
    saved = client.post(f"/staff/plans/{plan_id}/review", data={"progress": "Better.", "outcome": "continue",
                                                                "next_review_date": date_fields(later)})
    assert saved.status_code == 303
    closed = client.post(f"/staff/plans/{plan_id}/review", data={"progress": "Sustained.", "outcome": "closed"})
    assert closed.status_code == 303
    page = client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    assert "This plan has ended (closed" in page and "Better." in page and "Sustained." in page
    assert client.get(f"/staff/plans/{plan_id}/review").status_code == 303  # nothing left to review
    assert client.get(f"/staff/plans/{plan_id}/change").status_code == 404
    sign_out(client)
    parent_signed_in(client, app, "jo@example.com")
    page = client.get(f"/parent/children/{school['sam']}/plans/{plan_id}").get_data(as_text=True)
    assert "This plan ended on" in page and "Sign the plan" not in page


def test_the_pupil_may_sign_on_the_schools_device(client, app, school):
    plan_id = draft_and_send(client, app, school)
    _, number, sha = latest_plan(app)
    staff_signed_in(client)
    assert "Record Sam’s signature (optional)" in client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    assert client.get(f"/staff/plans/{plan_id}/pupil-signature").status_code == 200
    done = client.post(f"/staff/plans/{plan_id}/pupil-signature",
                       data={"version": number, "sha256": sha, "typed_name": "Sam", "confirm": "y"})
    assert done.status_code == 303
    page = client.get(f"/staff/plans/{plan_id}").get_data(as_text=True)
    assert "“Sam”" in page and "with Ann Officer" in page


def test_staff_read_every_version_and_its_pdf(client, app, school):
    plan_id = draft_and_send(client, app, school)
    staff_signed_in(client)
    client.post(f"/staff/plans/{plan_id}/change", data=plan_form(barriers="Transport."))
    assert client.get(f"/staff/plans/{plan_id}/versions/2").status_code == 200
    assert "Draft: not sent" in client.get(f"/staff/plans/{plan_id}/versions/2").get_data(as_text=True)
    assert client.get(f"/staff/plans/{plan_id}/versions/3").status_code == 404
    draft_pdf = pdf_text(client.get(f"/staff/plans/{plan_id}/versions/2/pdf").data)
    assert "DRAFT: not yet sent to the family" in draft_pdf
    sign_out(client)
    parent_signed_in(client, app, "jo@example.com")
    own = f"/parent/children/{school['sam']}/plans/{plan_id}"
    assert client.get(f"{own}/versions/2").status_code == 404  # the draft is not the family's
    assert client.get(f"{own}/versions/2/pdf").status_code == 404
    assert client.get(f"{own}/versions/1").status_code == 200


def test_the_parents_list_shows_each_childs_plans_and_review_date(client, app, school):
    plan_id = draft_and_send(client, app, school)
    parent_signed_in(client, app, "jo@example.com")
    page = client.get("/parent/plans").get_data(as_text=True)
    assert f"/parent/children/{school['sam']}/plans/{plan_id}" in page
    assert "Waiting for signatures" in page and "review on" in page


def test_the_home_page_partial_lists_the_plans_waiting_for_this_parent(client, app, school):
    plan_id = draft_and_send(client, app, school)
    with app.app_context(), app.test_request_context():
        from flask import render_template

        jo = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com"))
        waiting = plans.plans_to_sign(jo)
        assert [p.id for p in waiting] == [plan_id]
        html = render_template("parent/plan_waiting.html", plans_to_sign=waiting)
        assert f"/parent/children/{school['sam']}/plans/{plan_id}" in html and "Read and sign Sam’s" in html
        assert render_template("parent/plan_waiting.html", plans_to_sign=[]).strip() == ""
        plan = db.session.get(SupportPlan, plan_id)
        plans.sign_as_parent(jo, plan_id, 1, plan.current.sha256, "Jo Taylor", True)
        assert plans.plans_to_sign(jo) == []


def test_a_polish_parent_reads_the_page_around_the_plan_in_polish_and_the_signed_text_as_written(client, app, school):
    plan_id = draft_and_send(client, app, school)
    with app.app_context():
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    parent_signed_in(client, app, "jo@example.com")
    link = f"/parent/children/{school['sam']}/plans/{plan_id}"
    text = client.get(link).get_data(as_text=True)
    assert "Plan wsparcia frekwencji dziecka (Sam)" in text and "Na co prosimy Państwa o zgodę" in text
    assert "Podpisz plan" in text and "Jeszcze nie podpisano" in text
    assert "What you are asked to agree to" not in text and "Not signed yet" not in text
    assert "Inform school before 9:00am if child is absent" in text  # the plan's own words, as the school wrote them
    _, number, sha = latest_plan(app)
    refused = client.post(f"{link}/sign", data={"version": number, "sha256": sha, "typed_name": "Jo Taylor"})
    assert "Proszę potwierdzić, że plan został przeczytany" in refused.get_data(as_text=True)
    decline = client.get(f"{link}/decline").get_data(as_text=True)
    assert "Prosimy poinformować szkołę, że się Państwo nie zgadzają" in decline and "Powrót do planu" in decline


def test_the_invitation_to_sign_is_in_each_parents_language(client, app, school):
    with app.app_context():
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    draft_and_send(client, app, school)
    with app.app_context():
        invites = {m.recipients[0]: m for m in db.session.scalars(select(OutboxMessage))
                   if ":invite:" in (m.key or "")}
    polish, english = invites["jo@example.com"], invites["alex@example.com"]
    assert polish.subject == "Prosimy przeczytać i podpisać plan wsparcia frekwencji dziecka (Sam)"
    assert "Przeczytaj i podpisz plan" in polish.body_text and "Data przeglądu:" in polish.body_text
    assert "translated from English" not in polish.body_text and "Read and sign" not in polish.body_text
    assert english.subject == "Please read and sign Sam’s attendance support plan"
    assert "Read and sign the plan" in english.body_text and "The review date is" in english.body_text
