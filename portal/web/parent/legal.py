"""A notice to improve, as the parent it was sent to reads it in the portal (and downloads it as a PDF).

Each parent sees only the notice addressed to them: another parent's notice for the same child, a draft, or
another family's looks like one that does not exist (404).
"""

from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask_login import current_user

from portal.services import NotFound, notice_letters, notices_to_improve
from portal.web.parent import bp, navigation
from portal.web.parent.language import current_language


def _mine(notice_id: int):
    try:
        return notices_to_improve.notice_for_parent(current_user, notice_id)
    except NotFound:
        abort(404)


@bp.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    found = _mine(notice_id)
    return render_template("legal/parent_notice.html", navigation=navigation("parent.home"), notice=found,
                           fields=found.fields, letter=notice_letters.letter_html(found, current_language()))


@bp.get("/notices/<int:notice_id>/pdf")
def notice_pdf(notice_id: int):
    found = _mine(notice_id)
    pdf = notices_to_improve.notice_pdf(found, language=current_language())
    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{found.reference}.pdf")
