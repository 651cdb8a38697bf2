"""The parent answers the school's question on the report page; staff read the answer on the item page."""

from __future__ import annotations

from datetime import timedelta

from portal.clock import school_today
from portal.extensions import db
from portal.models import ParentAccount, StaffUser
from portal.services import absences, review

from factories import calendar, load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff


def test_a_parent_answers_on_the_report_page_and_the_school_reads_it(app, client):
    with app.app_context():
        load_trust()
        sam = make_pupil("122239", forename="Sam")
        jo = make_parent("jo@example.com", sam)
        day = calendar().next_school_day(school_today() + timedelta(days=1))
        report = absences.submit(jo, absences.AbsenceDraft([sam.id], day, day, "day", "illness", "k1"))
        reference, child_id = report.reference, report.children[0].id
        make_staff("head@bothal.example", "headteacher", "122239", password="head-password")
        review.decide(db.session.scalar(db.select(StaffUser)), child_id, "question", note="Is it chickenpox?")
        sign_in_as(client, db.session.get(ParentAccount, jo.id))

    page = client.get(f"/parent/reports/{reference}").get_data(as_text=True)
    assert "The school asks: Is it chickenpox?" in page and "Send your answer" in page
    empty = client.post(f"/parent/reports/{reference}/answer/{child_id}", data={f"child-{child_id}-answer": ""})
    assert empty.status_code == 200
    text = empty.get_data(as_text=True)
    assert "There is a problem" in text and "Write your answer to the school" in text
    assert f'href="#child-{child_id}-answer"' in text  # the summary links to the box to fix

    sent = client.post(f"/parent/reports/{reference}/answer/{child_id}",
                       data={f"child-{child_id}-answer": "Yes, spots since Sunday."})
    assert sent.status_code == 303 and sent.location.endswith(f"/parent/reports/{reference}")
    after = client.get(sent.location).get_data(as_text=True)
    assert "Your answer about Sam has been sent to the school." in after
    assert "You answered on" in after and "Yes, spots since Sunday." in after and "Send your answer" not in after
    # A guessed child id on this report, or another report, is not found.
    assert client.post(f"/parent/reports/{reference}/answer/999999",
                       data={"child-999999-answer": "Hi"}).status_code == 404

    client.post("/sign-out")
    with client.session_transaction() as session:
        session.clear()
    client.post("/staff/sign-in", data={"email": "head@bothal.example", "password": "head-password"})
    item = client.get(f"/staff/absences/{child_id}").get_data(as_text=True)
    assert "Asked by" in item and "The parent answered on" in item and "Yes, spots since Sunday." in item
    answered = client.get("/staff/?status=answered").get_data(as_text=True)
    assert ">Sam Taylor</a>" in answered and "Answered: with the school" in answered
    assert ">Sam Taylor</a>" not in client.get("/staff/?status=question").get_data(as_text=True)
