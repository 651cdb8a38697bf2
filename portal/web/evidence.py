"""Evidence downloads: always an attachment, never rendered by the browser, only to those allowed.

`send_evidence(download)` is the one way views send an evidence file. It takes what `uploads.open_for()` returns,
so a file cannot be sent without the access rule having been applied. The blueprint's one route serves any file
to the signed-in parent who sent it or to staff of its school, and answers 404 to everyone else.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, send_file, url_for
from flask_login import current_user

from portal.services import NotFound, uploads

bp = Blueprint("evidence", __name__)

# The browser saves the file rather than showing it, does not second-guess its type, and would run nothing in it
# even if it did show it; nothing is kept in shared caches or on disk by the browser.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def send_evidence(download: uploads.EvidenceDownload):
    response = send_file(
        download.path,
        mimetype=download.content_type,
        as_attachment=True,
        download_name=download.download_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers.update(HEADERS)
    return response


@bp.get("/evidence/<int:file_id>")
def download(file_id: int):
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path))
    try:
        found = uploads.open_for(file_id, current_user._get_current_object())
    except NotFound:
        abort(404)
    return send_evidence(found)
