"""Leave requests through the pages: a parent asks (with evidence), sees the notice, bar and penalty warnings and
declares; staff see the flags, only the headteacher decides; the letter in HTML and PDF; the late-return effect;
evidence only to those allowed. Every page passes the strict-CSP and structure checks (one h1, headings in order,
every field labelled)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import Mark, OutboxMessage, ParentAccount, StaffUser
from portal.models.leave import LeaveRequest, LeaveRequestChild
from portal.services import leave
import portal.web.parent.leave  # noqa: F401  until the blueprints import these modules (the lead's line)
import portal.web.staff.leave  # noqa: F401

from factories import ALP, BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, calendar, in_england, \
    load_trust, make_pupil, sessions
from parents import make_parent, sign_in_as
from services.test_leave import png
from staff import make_staff
from pages import Page
from web.test_layout import assert_strict_csp_and_no_govuk_branding

BROWSER = {"Accept": "text/html"}
NOW = datetime(2026, 11, 23, 10, 0)  # a Monday in the ALP and RP calendars, in England (and UTC: winter)


@pytest.fixture(autouse=True)
def frozen(school_clock):
    """"Now" for the services and views, on the school's clock."""
    def at(moment):
        school_clock.move_to(in_england(moment))
    at(NOW)
    return at


def check_page(response, status=200) -> Page:
    assert response.status_code == status, response.data[:500]
    page = Page(response.get_data(as_text=True))
    assert_strict_csp_and_no_govuk_branding(page)
    # The error summary and notification banners sit above the h1 with their own h2, as GOV.UK places them.
    levels = [int(tag[1]) for tag, attrs in page.elements if tag in ("h1", "h2", "h3", "h4", "h5", "h6")
              and not any(c in attrs.get("class", "") for c in ("error-summary__title", "notification-banner__title"))]
    assert levels[:1] == [1] and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {levels}"
    labelled = {attrs.get("for") for attrs in page.all("label")}
    for tag in ("input", "textarea", "select"):
        for attrs in page.all(tag):
            if attrs.get("type") not in ("hidden", "submit"):
                assert attrs.get("id") in labelled, f"<{tag} id={attrs.get('id')}> has no label"
    return page


def fetch(client, url):
    """GET a download and close it (a sent file stays open until the response is closed)."""
    return client.get(url, buffered=True)


def fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def form(children, first, back, files=(), **changes) -> dict:
    data = {"children": children, "first_day": fields(first), "return_day": fields(back), "abroad": "yes",
            "destinations": "Kraków, Poland", "circumstances": "My father's funeral in Poland",
            "evidence": [(io.BytesIO(data), name) for name, data in files]}
    data.update(changes)
    return data


def as_user(client, app, model, email):
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(model).where(model.email == email)))
    return client


@pytest.fixture
def alp(app):
    with app.app_context():
        load_trust(ALP)
        sam, ali = make_pupil(BOTHAL, forename="Sam"), make_pupil(BOTHAL, forename="Ali")
        add_marks(sam, sessions(calendar(BOTHAL), date(2026, 9, 2), "/" * 84 + "I" * 4))  # 95.5%
        make_parent("jo@example.com", sam, ali, name="Jo Taylor")
        make_parent("alex@example.com", sam, name="Alex Taylor")
        make_parent("stranger@example.com", make_pupil(BOTHAL, forename="Other"), name="Stranger")
        make_staff("head@bothal.example", "headteacher", BOTHAL)
        make_staff("office@bothal.example", "office", BOTHAL)
        make_staff("office@central.example", "office", CENTRAL)
        return {"sam": sam.id, "ali": ali.id}


def send_alp_request(app, client, alp) -> str:
    """Jo asks for leave for Sam, 10 days ahead, with one file; returns the reference."""
    as_user(client, app, ParentAccount, "jo@example.com")
    sent = client.post("/parent/leave/new", data=form([alp["sam"]], date(2026, 12, 3), date(2026, 12, 10),
                                                      files=[("booking.png", png())]))
    assert sent.status_code == 303 and sent.location == "/parent/leave/check"
    done = client.post("/parent/leave/check", data={"declaration": "y"})
    assert done.status_code == 303
    return done.location.rsplit("/", 1)[1]


def test_a_parent_asks_for_leave_and_sees_plainly_what_the_policy_says(app, client, alp):
    as_user(client, app, ParentAccount, "jo@example.com")
    page = check_page(client.get("/parent/leave/new", headers=BROWSER))
    assert "Ask at least 14 days before the first day" in page.text
    assert "evidence sent later is not accepted" in page.text
    [upload_form] = [f for f in page.all("form") if f.get("action") == "/parent/leave/new"]
    assert upload_form["enctype"] == "multipart/form-data"

    sent = client.post("/parent/leave/new", data=form([alp["sam"]], date(2026, 12, 3), date(2026, 12, 10),
                                                      files=[("booking.png", png())]))
    assert sent.status_code == 303
    check = check_page(client.get("/parent/leave/check", headers=BROWSER))
    text = check.text
    assert "Your request gives 10 days: that is less than the school asks" in text  # notice, and whether met
    assert "The school aims to reply by Monday 30 November 2026" in text
    assert "if a child’s attendance is below 96%, leave will not be authorised" in text  # the bar
    assert "Sam’s attendance this school year: 95.5% , below 96%" in text  # where the child stands
    assert "£80 if paid within 21 days, or £160 if paid within 28 days" in text  # what a refusal means
    assert "A request is not permission" in text
    assert "Weekend, Saturday 5 to Sunday 6 December: no school" in text  # the calendar's days, closures shown
    assert "Thursday 3 December: school day (morning and afternoon)" in text
    assert "5 school days (10 sessions)" in text
    assert "We will email Alex Taylor so that they can add their own declaration" in text

    refused = client.post("/parent/leave/check", data={})
    assert refused.status_code == 200 and "Confirm the declaration to send the request" in Page(
        refused.get_data(as_text=True)).text
    done = client.post("/parent/leave/check", data={"declaration": "y"})
    assert done.status_code == 303
    confirmation = check_page(client.get(done.location, headers=BROWSER))
    assert "Leave request sent" in confirmation.text and "This is not permission" in confirmation.text
    with app.app_context():
        request = db.session.scalar(select(LeaveRequest))
        assert request.travelling_abroad and request.destinations == "Kraków, Poland"
        assert [d.name for d in request.declarations] == ["Jo Taylor"]
        subjects = sorted(m.subject for m in db.session.scalars(select(OutboxMessage)))
        assert subjects == [f"Leave request {request.reference} received: not yet a decision",
                            f"Leave request {request.reference}: add your declaration"]
    listing = check_page(client.get("/parent/leave", headers=BROWSER))
    assert "Sam: waiting for a decision" in listing.text


def test_coming_back_to_the_form_names_the_files_already_added_in_bold(app, client, alp):
    as_user(client, app, ParentAccount, "jo@example.com")
    sent = client.post("/parent/leave/new", data=form([alp["sam"]], date(2026, 12, 3), date(2026, 12, 10),
                                                      files=[("booking.png", png())]))
    assert sent.status_code == 303
    page = check_page(client.get("/parent/leave/new", headers=BROWSER))
    assert "&lt;strong&gt;" not in page.html
    assert "Files already added: <strong>booking.png</strong>. Choosing new files replaces them." in page.html


def test_alp_without_evidence_the_form_says_it_must_come_with_the_request(app, client, alp):
    as_user(client, app, ParentAccount, "jo@example.com")
    page = check_page(client.post("/parent/leave/new", data=form([alp["sam"]], date(2026, 12, 14),
                                                                 date(2026, 12, 16))))
    assert "There is a problem" in page.text and "evidence sent later is not accepted" in page.text
    assert page.title.startswith("Error: ")


def test_a_hostile_file_is_named_on_the_form(app, client, alp):
    as_user(client, app, ParentAccount, "jo@example.com")
    page = check_page(client.post("/parent/leave/new", data=form(
        [alp["sam"]], date(2026, 12, 14), date(2026, 12, 16), files=[("booking.pdf", b"<html><script>")])))
    assert "booking.pdf" in page.text and "There is a problem" in page.text


def test_staff_see_the_flags_the_office_cannot_decide_the_headteacher_can(app, client, alp):
    reference = send_alp_request(app, client, alp)
    with app.app_context():
        child_id = db.session.scalar(select(LeaveRequestChild.id))
    as_user(client, app, StaffUser, "office@bothal.example")
    queue = check_page(client.get("/staff/leave", headers=BROWSER))
    assert "Sam Taylor" in queue.text and "Mon 30 Nov" in queue.text
    assert "Short notice" in queue.text and "Below the bar" in queue.text
    case = check_page(client.get(f"/staff/leave/{child_id}", headers=BROWSER))
    assert "Under 14 days' notice: the request gives 10 days" in case.text
    assert "95.5% is below 96%: not authorisable under the policy" in case.text
    assert "Only the headteacher can decide leave" in case.text
    assert not [f for f in case.all("form") if "/decide" in f.get("action", "")]
    conflicts = case.html.split('id="conflicts"', 1)[1].split("</ul>", 1)[0]  # the policy's settings in words
    assert "The code for leave the school grants: the portal uses C" in conflicts
    assert "leave.approved_code" not in case.html and "leave." not in conflicts
    refused = client.post(f"/staff/leave/{child_id}/decide",
                          data={"decision": "all", "reasons": "Fine", "approved_days": []})
    assert refused.status_code == 403

    as_user(client, app, StaffUser, "head@bothal.example")
    case = check_page(client.get(f"/staff/leave/{child_id}", headers=BROWSER))
    assert "The policy says leave is not authorised when attendance is below 96%" in case.text
    missing = check_page(client.post(f"/staff/leave/{child_id}/decide", data={"decision": "some", "reasons": "x"}))
    assert "Tick the days you approve" in missing.text
    done = client.post(f"/staff/leave/{child_id}/decide", data={
        "decision": "some", "approved_days": ["2026-12-03", "2026-12-04"],
        "reasons": "The funeral is on Friday: Thursday and Friday are approved."})
    assert done.status_code == 303
    case = check_page(client.get(done.location, headers=BROWSER))
    assert "Decision recorded for Sam Taylor: approved for some of the days" in case.text
    assert "emailed to alex@example.com, jo@example.com" in case.text
    letter = check_page(client.get(f"/staff/leave/{child_id}/letter", headers=BROWSER))
    assert "for 2 school days of the 5 school days asked for" in letter.text
    pdf = client.get(f"/staff/leave/{child_id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    with app.app_context():
        marks = db.session.scalars(select(Mark).order_by(Mark.date, Mark.session)).all()
        assert [(m.date.day, m.code, m.source) for m in marks if m.source == "portal"] == [
            (3, "C", "portal"), (3, "C", "portal"), (4, "C", "portal"), (4, "C", "portal")]

    # Both parents see the decision and its letter; a stranger sees nothing.
    for email in ("jo@example.com", "alex@example.com"):
        as_user(client, app, ParentAccount, email)
        page = check_page(client.get(f"/parent/leave/{reference}", headers=BROWSER))
        assert "Approved for some of the days" in page.text
        letter = check_page(client.get(f"/parent/leave/{reference}/letter/{child_id}", headers=BROWSER))
        assert "The funeral is on Friday" in letter.text
        pdf = client.get(f"/parent/leave/{reference}/letter/{child_id}.pdf")
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
        assert "The funeral is on Friday: Thursday and Friday are approved." in text
    as_user(client, app, ParentAccount, "stranger@example.com")
    for url in (f"/parent/leave/{reference}", f"/parent/leave/{reference}/letter/{child_id}",
                f"/parent/leave/{reference}/letter/{child_id}.pdf"):
        assert client.get(url).status_code == 404, url


def test_evidence_can_be_read_only_by_the_parent_who_sent_it_and_the_schools_staff(app, client, alp):
    reference = send_alp_request(app, client, alp)
    with app.app_context():
        request = db.session.scalar(select(LeaveRequest))
        child_id = request.children[0].id
        [file] = leave.request_evidence(request)
        file_id = file.id
    page = Page(client.get(f"/parent/leave/{reference}", headers=BROWSER).get_data(as_text=True))
    link = f"/parent/leave/{reference}/evidence/{file_id}"
    assert link in page.links()
    sent = fetch(client, link)
    assert sent.status_code == 200 and sent.data == png() and "attachment" in sent.headers["Content-Disposition"]
    assert sent.headers["X-Content-Type-Options"] == "nosniff"
    for email in ("alex@example.com", "stranger@example.com"):
        as_user(client, app, ParentAccount, email)
        assert fetch(client, link).status_code == 404, email
    staff_link = f"/staff/leave/{child_id}/evidence/{file_id}"
    as_user(client, app, StaffUser, "office@bothal.example")
    assert fetch(client, staff_link).status_code == 200
    as_user(client, app, StaffUser, "office@central.example")
    assert client.get(staff_link).status_code == 404
    assert client.get(f"/staff/leave/{child_id}").status_code == 404


def test_the_other_parent_adds_their_declaration_from_the_request_page(app, client, alp):
    reference = send_alp_request(app, client, alp)
    as_user(client, app, ParentAccount, "alex@example.com")
    page = check_page(client.get(f"/parent/leave/{reference}", headers=BROWSER))
    assert "Alex Taylor: not yet declared" in page.text and "Add your declaration" in page.text
    missing = check_page(client.post(f"/parent/leave/{reference}/declare", data={}))
    assert "Confirm the declaration to add it" in missing.text
    assert client.post(f"/parent/leave/{reference}/declare", data={"declaration": "y"}).status_code == 303
    page = check_page(client.get(f"/parent/leave/{reference}", headers=BROWSER))
    assert "Alex Taylor: declared on 23 November 2026" in page.text and "Add your declaration" not in page.text


@pytest.fixture
def rp(app):
    with app.app_context():
        load_trust(RISE_PARK)
        ria = make_pupil(RISE_PARK_URN, forename="Ria")
        make_parent("jo@example.com", ria, name="Jo Patel")
        make_staff("head@rp.example", "headteacher", RISE_PARK_URN)
        return {"ria": ria.id}


def test_rp_notice_is_met_and_parents_are_not_shown_the_policys_own_conflict(app, client, rp, frozen):
    frozen(datetime(2027, 4, 19, 9, 0))
    with app.app_context():
        first = calendar(RISE_PARK_URN).nth_school_day_after(date(2027, 4, 19), 25)
    as_user(client, app, ParentAccount, "jo@example.com")
    page = check_page(client.get("/parent/leave/new", headers=BROWSER))
    assert "Ask at least 20 school days before the first day" in page.text
    sent = client.post("/parent/leave/new", data=form([rp["ria"]], first, first + timedelta(days=2), abroad="no",
                                                      destinations=""))
    assert sent.status_code == 303  # RP requires evidence but does not refuse a request without it
    text = check_page(client.get("/parent/leave/check", headers=BROWSER)).text
    assert "Your request gives 25 school days: that meets it" in text
    assert "The school looks at whether a child’s attendance is above 95%" in text
    assert "You have not added any evidence. The school will not ask you for it" in text
    assert "Nottingham City Council term-time leave rule: 5 or more consecutive school days" in text
    assert "6 weeks" not in text  # the policy's contradiction is for staff, not parents
    assert client.post("/parent/leave/check", data={"declaration": "y"}).status_code == 303
    with app.app_context():
        child_id = db.session.scalar(select(LeaveRequestChild.id))
    as_user(client, app, StaffUser, "head@rp.example")
    case = check_page(client.get(f"/staff/leave/{child_id}", headers=BROWSER))
    assert "The request meets 20 school days but not 6 weeks: the policy states both" in case.text
    assert "Where the policy contradicts itself" in case.text


def test_rp_late_return_shows_the_effect_on_the_threshold_before_recording(app, client, rp, frozen):
    frozen(datetime(2027, 1, 11, 9, 0))
    with app.app_context():
        jo = db.session.scalar(select(ParentAccount))
        head = db.session.scalar(select(StaffUser))
        ria_request = leave.submit(jo, leave.LeaveDraft([rp["ria"]], date(2027, 3, 1), date(2027, 3, 8), False, "",
                                                        "A wedding abroad", "k"), declared=True)
        child_id = ria_request.children[0].id
        leave.decide(head, child_id, [date(2027, 3, d) for d in range(1, 6)], "Exceptional")
    frozen(datetime(2027, 3, 10, 12, 0))
    as_user(client, app, StaffUser, "head@rp.example")
    queue = check_page(client.get("/staff/leave?view=to_record", headers=BROWSER))
    assert "Ria Taylor" in queue.text
    effect = check_page(client.post(f"/staff/leave/{child_id}/outcome", data={
        "outcome": "returned_late", "actual_return": fields(date(2027, 3, 10)), "check": "y"}))
    text = effect.text
    assert "Only the sessions outside the agreed dates are unauthorised." in text
    assert "4 sessions recorded as G (unauthorised), 8 Mar to 9 Mar" in text
    assert "threshold not met: 4 counted sessions" in text
    assert "The whole period of leave is unauthorised, as the policy allows for a late return." in text
    assert "threshold met: 14 counted sessions" in text
    done = client.post(f"/staff/leave/{child_id}/outcome", data={
        "outcome": "returned_late", "actual_return": fields(date(2027, 3, 10)),
        "choice": "unauthorise_whole_period", "record": "y"})
    assert done.status_code == 303
    page = check_page(client.get(done.location, headers=BROWSER))
    assert "Recorded for Ria Taylor: away outside the agreed dates." in page.text
    with app.app_context():
        assert [m.code for m in db.session.scalars(select(Mark).order_by(Mark.date, Mark.session))] == ["G"] * 14


def test_pages_of_another_family_or_that_do_not_exist_are_404(app, client, alp):
    send_alp_request(app, client, alp)
    as_user(client, app, ParentAccount, "stranger@example.com")
    assert client.get("/parent/leave/LXXXXXX").status_code == 404
    assert "You have not asked for leave" in check_page(client.get("/parent/leave", headers=BROWSER)).text


def test_a_polish_parent_checks_a_leave_request_in_polish_with_the_policys_words_in_polish(app, client, alp):
    with app.app_context():
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    as_user(client, app, ParentAccount, "jo@example.com")
    client.post("/parent/leave/new", data=form([alp["sam"]], date(2026, 12, 3), date(2026, 12, 10),
                                               files=[("booking.png", png())]))
    text = check_page(client.get("/parent/leave/check", headers=BROWSER)).text
    assert "Proszę sprawdzić odpowiedzi przed wysłaniem prośby" in text
    assert "Szkoła prosi o co najmniej 14 dni wyprzedzenia" in text  # the notice period, in Polish plurals
    assert "Państwa prośba daje 10 (dni)" in text and "osoba decydująca (dyrektor szkoły)" in text
    assert "5 dni nauki (10 części dnia)" in text and "Prośba nie jest zgodą" in text
    assert "14 days" not in text and "headteacher" not in text and "Check your answers" not in text
    # What a refusal would mean, with the policy's amounts, in Polish too.
    assert "Kara (penalty notice) jest nakładana na każdego rodzica, za każde dziecko." in text
    assert "nieusprawiedliwiona (G: wyjazd bez zgody szkoły)" in text
    assert "A penalty notice is issued" not in text and "is the point at which" not in text
    # Percentages with the Polish decimal comma, never "95.5%".
    assert "Frekwencja dziecka (Sam) w tym roku szkolnym: 95,5%" in text and "poniżej 96%." in text
    assert "95.5" not in text


def test_a_polish_parent_reads_what_stops_a_leave_request_in_polish(app, client, alp):
    with app.app_context():
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    as_user(client, app, ParentAccount, "jo@example.com")
    weekend = client.post("/parent/leave/new", data=form([alp["sam"]], date(2026, 12, 5), date(2026, 12, 7),
                                                         files=[("booking.png", png())]))
    text = Page(weekend.get_data(as_text=True)).text
    assert "W tych dniach nie ma zajęć w szkole, więc nie trzeba prosić o zwolnienie" in text
    assert "There is no school on these dates" not in text


def test_a_polish_parent_gets_the_english_letter_and_a_polish_translation_after_it(app, client, alp):
    reference = send_alp_request(app, client, alp)
    with app.app_context():
        child_id = db.session.scalar(select(LeaveRequestChild.id))
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    as_user(client, app, StaffUser, "head@bothal.example")
    client.post(f"/staff/leave/{child_id}/decide", data={
        "decision": "some", "approved_days": ["2026-12-03", "2026-12-04"],
        "reasons": "The funeral is on Friday: Thursday and Friday are approved."})
    english_decision = "for 2 school days of the 5 school days asked for"
    heading = "Tłumaczenie dla Państwa wygody — oficjalny jest list w języku angielskim"
    polish_decision = "zostało zatwierdzone (dyrektor szkoły) na część wnioskowanych dni: 2 dni nauki z 5 dni nauki"

    as_user(client, app, ParentAccount, "jo@example.com")
    page = check_page(client.get(f"/parent/leave/{reference}/letter/{child_id}", headers=BROWSER))
    assert english_decision in page.text and "Yours sincerely" in page.text and "Our reference" in page.text
    assert heading in page.text and polish_decision in page.text and "Z poważaniem" in page.text
    assert page.text.index(english_decision) < page.text.index(heading) < page.text.index(polish_decision)
    # The same figure in each: the English letter's decimal point, the translation's decimal comma.
    assert "Sam’s attendance this school year was 95.5% when the request was made" in page.text
    assert "wynosiła 95,5% w dniu złożenia prośby" in page.text and page.text.count("95.5%") == 1
    assert 'class="leave-letter" lang="en-GB"' in page.html and 'class="leave-letter" lang="pl"' in page.html
    pdf = client.get(f"/parent/leave/{reference}/letter/{child_id}.pdf")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages]
    text = " ".join(pages)
    assert english_decision in text and heading in text and polish_decision in text
    assert text.index(english_decision) < text.index(heading)
    assert not any(heading in p for p in pages if english_decision in p)  # the translation starts its own page

    as_user(client, app, ParentAccount, "alex@example.com")  # English: the letter alone
    page = check_page(client.get(f"/parent/leave/{reference}/letter/{child_id}", headers=BROWSER))
    assert english_decision in page.text and "Tłumaczenie" not in page.text and "zatwierdzone" not in page.text
    pdf = client.get(f"/parent/leave/{reference}/letter/{child_id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Tłumaczenie" not in text and "zatwierdzone" not in " ".join(text.split())
