"""Staff pages for first-day contact, oversight and the audit log, as a headteacher and as another school's teacher."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

# Registers the views on the staff blueprint (until portal/web/staff/__init__.py imports them itself).
import portal.web.staff.audit  # noqa: F401
import portal.web.staff.first_day  # noqa: F401
import portal.web.staff.oversight  # noqa: F401
from portal.extensions import db
from portal.models import OutboxMessage, Pupil, StaffUser
from portal.services import absences, review
from portal.services import first_day as first_day_service
from portal.services.oversight import CSV_COLUMNS

from factories import BOTHAL, CENTRAL, add_marks, calendar, in_england, load_trust, make_pupil, sessions
from parents import make_parent
from staff import make_staff

MONDAY = date(2026, 11, 23)
ON = f"on={MONDAY.day}&on={MONDAY.month}&on={MONDAY.year}"
AS_OF = "as_of=30&as_of=9&as_of=2025"


@pytest.fixture
def school(app, school_clock):
    """Bothal with Sam (absent today, no word from home) and Vic (vulnerable, likewise), Sam severely absent in
    September 2025; a headteacher there, and a teacher at Central with a pupil of her own."""
    school_clock.move_to(in_england(datetime(2026, 11, 23, 10, 0)))
    with app.app_context():
        load_trust()
        cal = calendar(BOTHAL)
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        vic = make_pupil(BOTHAL, forename="Vic", surname="Young")
        vic.vulnerable = True
        zoe = make_pupil(CENTRAL, forename="Zoe", surname="Central")
        db.session.commit()
        make_parent("jo@example.com", sam)
        make_parent("pat@example.com", vic)
        make_parent("zed@example.com", zoe)
        add_marks(sam, sessions(cal, date(2025, 9, 1), "OO/\\"))
        add_marks(zoe, sessions(cal, date(2025, 9, 1), "GG/\\"))
        for p in (sam, vic, zoe):
            add_marks(p, [(MONDAY, "AM", "N")])
        make_staff("head@bothal.example", "headteacher", BOTHAL, password="head-password", name="Hilary Head")
        make_staff("office@bothal.example", "office", BOTHAL, password="office-password", name="Olly Office")
        make_staff("teacher@central.example", "teacher", CENTRAL, password="teacher-password", name="Cat Teacher")
        return {"sam": (sam.id, sam.upn), "vic": (vic.id, vic.upn), "zoe": (zoe.id, zoe.upn)}


def sign_in(client, email, password):
    response = client.post("/staff/sign-in", data={"email": email, "password": password})
    assert response.status_code == 303


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_pages_render_for_a_headteacher(client, school):
    sign_in(client, "head@bothal.example", "head-password")
    page = text(client.get(f"/staff/first-day?{ON}"))
    assert "First-day contact" in page and "Monday 23 November 2026" in page
    assert page.index("Vic Young") < page.index("Sam Taylor")  # vulnerable first
    assert "Vulnerable" in page and "Zoe" not in page
    assert "Text message at 09:30" in page and "Due now" in page
    overview = text(client.get(f"/staff/oversight?{AS_OF}"))
    assert "Whole-school figures" in overview and "Bothal Primary School" in overview
    assert "50.0%" in overview  # Sam's half of four sessions: the school's absence rate in September
    assert "Central Primary School" not in overview
    severe = text(client.get(f"/staff/oversight/severe_absence?{AS_OF}"))
    assert "Sam Taylor" in severe and "Tier 2: Early intervention" in severe and "Zoe" not in severe
    assert "/staff/oversight/severe_absence.csv?" in severe
    assert "Audit log" in text(client.get("/staff/audit"))


def test_another_schools_teacher_sees_nothing_of_this_one(app, client, school):
    sam_id, sam_upn = school["sam"]
    sign_in(client, "teacher@central.example", "teacher-password")
    listing = text(client.get(f"/staff/first-day?{ON}"))
    assert "Zoe Central" in listing and "Sam" not in listing and "Vic" not in listing
    assert client.get(f"/staff/first-day?{ON}&school={BOTHAL}").status_code == 404
    assert client.get(f"/staff/first-day/pupils/{sam_id}?{ON}").status_code == 404
    chase = client.post("/staff/first-day/chase", data={"pupils": [sam_id], "day": "2026-11-23", "click": "k"})
    assert chase.status_code == 404
    assert client.get(f"/staff/oversight?school={BOTHAL}").status_code == 404
    overview = text(client.get(f"/staff/oversight?{AS_OF}"))
    assert "Bothal" not in overview and "Central Primary School" in overview
    assert "Sam" not in text(client.get(f"/staff/oversight/severe_absence?{AS_OF}"))
    rows = list(csv.reader(io.StringIO(client.get(f"/staff/oversight/severe_absence.csv?{AS_OF}").get_data(
        as_text=True))))
    assert [r[1] for r in rows[1:]] == ["Central"]
    audit = text(client.get(f"/staff/audit?upn={sam_upn}"))
    assert f"No pupil with UPN {sam_upn} at your schools" in audit and "Sam Taylor" not in audit
    assert "Sam Taylor" not in text(client.get("/staff/audit"))
    with app.app_context():
        head_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == "head@bothal.example"))
    assert "No such member of staff at your schools" in text(client.get(f"/staff/audit?staff={head_id}"))
    assert "Hilary Head" not in text(client.get("/staff/audit"))
    assert client.get("/staff/oversight/no_such_list").status_code == 404


def test_each_list_downloads_as_csv_with_a_header_and_rows(client, school):
    sign_in(client, "head@bothal.example", "head-password")
    response = client.get(f"/staff/oversight/severe_absence.csv?{AS_OF}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="severe_absence-2025-09-30.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS
    record = dict(zip(rows[0], rows[1]))
    assert (record["upn"], record["forename"], record["absence_pct"], record["tier"]) == (
        school["sam"][1], "Sam", "50.0", "2")
    assert len(rows) == 2
    # The filters apply to the download as to the page.
    other_class = client.get(f"/staff/oversight/severe_absence.csv?{AS_OF}&registration_group=6Z")
    assert other_class.get_data(as_text=True).strip() == ",".join(CSV_COLUMNS)


def test_one_click_chases_and_a_parents_report_takes_the_pupil_off_the_list(app, client, school):
    sam_id, _ = school["sam"]
    sign_in(client, "office@bothal.example", "office-password")
    page = text(client.get(f"/staff/first-day?{ON}"))
    click = re.search(r'name="click" type="hidden" value="([^"]+)"', page).group(1)
    checked = re.findall(r'name="pupils" type="checkbox" value="(\d+)" checked', page)
    assert len(checked) == 2  # both have a parent's email: selected already, one click sends
    sent = client.post("/staff/first-day/chase", data={"pupils": checked, "day": "2026-11-23", "click": click})
    assert sent.status_code == 303 and sent.location.startswith("/staff/first-day?on=23")
    page = text(client.get(sent.location))
    assert "Chase email sent about" in page and "Chase email sent to jo@example.com" in page
    client.post("/staff/first-day/chase", data={"pupils": checked, "day": "2026-11-23", "click": click})
    with app.app_context():
        assert db.session.query(OutboxMessage).filter(OutboxMessage.key.like("first-day:%")).count() == 2

    step = client.post(f"/staff/first-day/pupils/{sam_id}?{ON}",
                       data={"action": "call", "time": "9:45", "outcome": "No answer, voicemail left"})
    assert step.status_code == 303
    assert "No answer, voicemail left" in text(client.get(f"/staff/first-day?{ON}"))
    refused = text(client.post(f"/staff/first-day/pupils/{sam_id}?{ON}",
                               data={"action": "call", "time": "", "outcome": ""}))
    assert "Enter the time you took the step" in refused and "Write what happened" in refused

    with app.app_context():
        sam = db.session.get(Pupil, sam_id)
        parent = sam.contacts[0].parent_account
        absences.submit(parent, absences.AbsenceDraft([sam_id], MONDAY, MONDAY, "day", "illness", "k"),
                        now=datetime(2026, 11, 23, 10, 2))
    page = text(client.get(f"/staff/first-day?{ON}"))
    assert "1 pupil to contact" in page and "Reported by a parent" in page
    to_contact = page.split("Reported by a parent")[0]
    assert "Vic Young" in to_contact and "Sam Taylor" not in to_contact


def test_the_audit_log_filters_by_pupil_and_by_staff_and_changes_nothing(app, client, school):
    sam_id, sam_upn = school["sam"]
    vic_id, vic_upn = school["vic"]
    with app.app_context():
        office = db.session.scalar(select(StaffUser).where(StaffUser.email == "office@bothal.example"))
        head = db.session.scalar(select(StaffUser).where(StaffUser.email == "head@bothal.example"))
        sam = db.session.get(Pupil, sam_id)
        report = absences.submit(sam.contacts[0].parent_account,
                                 absences.AbsenceDraft([sam_id], MONDAY, MONDAY, "day", "illness", "k"),
                                 now=datetime(2026, 11, 23, 8, 0))
        review.decide(head, report.children[0].id, "accept", "I", now=datetime(2026, 11, 23, 9, 0))
        first_day_service.log_step(office, vic_id, MONDAY, "text", "Texted mum", datetime(2026, 11, 23, 9, 31),
                                   datetime(2026, 11, 23, 10, 0))
        office_id = office.id
    sign_in(client, "head@bothal.example", "head-password")
    everything = text(client.get("/staff/audit"))
    assert "Absence accepted" in everything and "First-day contact step logged" in everything
    assert "Absence reported by a parent" in everything and "Policy loaded" in everything

    about_sam = text(client.get(f"/staff/audit?upn={sam_upn.lower()}"))
    assert "Absence accepted" in about_sam and "Absence reported by a parent" in about_sam
    assert "First-day contact step logged" not in about_sam and "Policy loaded" not in about_sam
    assert "received → accepted" in about_sam and "Hilary Head (head@bothal.example)" in about_sam
    changes = about_sam.split('class="govuk-table portal-audit"', 1)[1]  # in words, never JSON; wrapped to fit
    assert "marks replaced" in changes and "2026-11-23 AM: N" in changes
    assert "{&#34;" not in changes and '{"' not in changes and "[&#34;" not in changes

    by_office = text(client.get(f"/staff/audit?staff={office_id}"))
    assert "First-day contact step logged" in by_office and "Texted mum" in by_office
    assert "Absence accepted" not in by_office and "2 changes" not in by_office
    assert "1 change by Olly Office" in by_office

    for page in (everything, about_sam, by_office):  # the only form is the filter (the header has sign-out)
        main = page.split('<main')[1].split('</main>')[0]
        assert re.findall(r"<form[^>]*method=\"(\w+)\"", main) == ["get"]
        assert "<button" not in main.replace('<button type="submit" class="govuk-button govuk-button--secondary" '
                                             'data-module="govuk-button">Filter</button>', "")
    assert client.post("/staff/audit").status_code == 405
    assert client.delete("/staff/audit").status_code == 405
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "staff.audit_log")
    assert rule.methods <= {"GET", "HEAD", "OPTIONS"}
    for unknown in ("99999", "x"):
        refused = text(client.get(f"/staff/audit?staff={unknown}"))
        assert "No such member of staff at your schools" in refused and "Absence accepted" not in refused


def test_the_audit_log_pages_through_long_histories(app, client, school):
    vic_id, _ = school["vic"]
    with app.app_context():
        office = db.session.scalar(select(StaffUser).where(StaffUser.email == "office@bothal.example"))
        for minute in range(55):
            first_day_service.log_step(office, vic_id, MONDAY, "call", f"Try {minute}",
                                       datetime(2026, 11, 23, 9, minute), datetime(2026, 11, 23, 10, 0))
    sign_in(client, "head@bothal.example", "head-password")
    first = text(client.get(f"/staff/audit?upn={school['vic'][1]}"))
    assert "55 changes about Vic Young, page 1 of 2" in first and "Try 54" in first and "Try 4<" not in first
    second = text(client.get(f"/staff/audit?upn={school['vic'][1]}&page=2"))
    assert "page 2 of 2" in second and "Try 0" in second


LANDMARKS = {"header", "nav", "main", "footer", "aside"}


def back_links_outside_landmarks(html: str) -> list[str]:
    """The text of every back link that no landmark holds (axe's `region` rule)."""
    from html.parser import HTMLParser

    class Walk(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[str] = []
            self.loose: list[str] = []
            self.in_back = False

        def handle_starttag(self, tag, attrs):
            if tag == "a" and "govuk-back-link" in (dict(attrs).get("class") or ""):
                self.in_back = not (LANDMARKS & set(self.open))
                if self.in_back:
                    self.loose.append("")
            if tag not in {"meta", "link", "input", "br", "hr", "img"}:
                self.open.append(tag)

        def handle_endtag(self, tag):
            if tag == "a":
                self.in_back = False
            while self.open and self.open.pop() != tag:
                pass

        def handle_data(self, data):
            if self.in_back:
                self.loose[-1] += data.strip()

    walk = Walk()
    walk.feed(html)
    return walk.loose


def test_back_links_on_oversight_lists_and_log_a_step_sit_inside_a_landmark(client, school):
    sign_in(client, "head@bothal.example", "head-password")
    sam_id = school["sam"][0]
    for url in (f"/staff/oversight/severe_absence?{AS_OF}", f"/staff/first-day/pupils/{sam_id}?{ON}"):
        page = text(client.get(url))
        assert "govuk-back-link" in page, url
        assert back_links_outside_landmarks(page) == [], url


def test_an_oversight_list_links_each_pupil_and_offers_a_plan(app, client, school):
    import portal.web.staff.plans  # noqa: F401  (registers the plan pages the list links to)

    sam_id, sam_upn = school["sam"]
    sign_in(client, "head@bothal.example", "head-password")
    severe = text(client.get(f"/staff/oversight/severe_absence?{AS_OF}"))

    row = severe.split("Sam Taylor", 1)[0].rsplit("<tr", 1)[1] + severe.split("Sam Taylor", 1)[1].split("</tr>", 1)[0]
    assert f'href="/staff/audit?upn={sam_upn}"' in row
    assert f'href="/staff/pupils/{sam_id}/plans/new"' in row and "Start a plan" in row

    with app.app_context():
        from portal.services import support_plans

        head = db.session.scalar(select(StaffUser).where(StaffUser.email == "head@bothal.example"))
        data = support_plans.new_input(head, db.session.get(Pupil, sam_id), date(2026, 11, 23))
        plan = support_plans.draft_plan(head, sam_id, data, now=datetime(2026, 11, 23, 10, 0))
        reference, plan_id = plan.reference, plan.id
    severe = text(client.get(f"/staff/oversight/severe_absence?{AS_OF}"))
    assert f'href="/staff/plans/{plan_id}">Support plan {reference}' in severe and "Start a plan" not in severe
