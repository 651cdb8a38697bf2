"""Evidence of the exceptional circumstances: kept pending while the parent checks the request, attached when it is
sent, opened for staff of the school and the parent who sent it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ParentAccount, School
from portal.models.evidence import ATTACHED, EvidenceFile
from portal.models.evidence import PENDING as EVIDENCE_PENDING
from portal.models.leave import EVIDENCE_OWNER, LeaveRequest
from portal.services import NotFound, uploads
from portal.services.leave.problems import Problem, RequestNotValid
from portal.services.parent_access import child_of


MAX_FILES = 5


def store_evidence(account: ParentAccount, pupil_ids: list[int], files, now: datetime | None = None
                   ) -> list[EvidenceFile]:
    """Check and keep the files a parent chose for a request not yet sent (pending until the request is).

    Raises uploads.UploadsRejected naming each bad file, or RequestNotValid for too many files or children at
    different schools. Commits, so the files survive the check-your-answers page; what is never sent is removed
    by `uploads.sweep_orphans`."""
    if len(files) > MAX_FILES:
        raise RequestNotValid([Problem("evidence", _l("Select %(num)s files or fewer: to send more pages, put "
                                                      "them in one PDF", num=MAX_FILES))])
    school = one_school(account, pupil_ids)
    detected = uploads.check_many(files, actor=f"parent:{account.id}")
    stored = [uploads.store(d, f"parent:{account.id}", school.id, account.id, now=now) for d in detected]
    db.session.commit()
    return stored


def evidence_files(account: ParentAccount, ids: list[int]) -> list[EvidenceFile]:
    """The parent's own files not yet part of a request, in the order given."""
    if not ids:
        return []
    rows = {f.id: f for f in db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.id.in_(ids), EvidenceFile.parent_account_id == account.id,
                                   EvidenceFile.state == EVIDENCE_PENDING))}
    return [rows[i] for i in ids if i in rows]


def request_evidence(leave_request: LeaveRequest) -> list[EvidenceFile]:
    return list(db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.owner_type == EVIDENCE_OWNER, EvidenceFile.owner_id == leave_request.id,
                                   EvidenceFile.state == ATTACHED).order_by(EvidenceFile.id)))


def evidence_of(leave_request: LeaveRequest, file_id: int, reader) -> uploads.EvidenceDownload:
    """One of the request's files for `reader` under the uploads access rule (the parent who sent it, the
    school's staff), or NotFound."""
    file = db.session.get(EvidenceFile, file_id)
    if file is None or (file.owner_type, file.owner_id) != (EVIDENCE_OWNER, leave_request.id):
        raise NotFound("There is no such file")
    return uploads.open_for(file, reader)


def requests_with_evidence(request_ids: set[int]) -> set[int]:
    if not request_ids:
        return set()
    return set(db.session.scalars(
        select(EvidenceFile.owner_id).where(EvidenceFile.owner_type == EVIDENCE_OWNER,
                                            EvidenceFile.owner_id.in_(request_ids), EvidenceFile.state == ATTACHED)
        .group_by(EvidenceFile.owner_id).having(func.count() > 0)))


def one_school(account: ParentAccount, pupil_ids: list[int]) -> School:
    if not pupil_ids:
        raise RequestNotValid([Problem("children", _l("Select the children the request is for"))])
    pupils = [child_of(account, pupil_id) for pupil_id in pupil_ids]
    if len({p.school_id for p in pupils}) > 1:
        raise RequestNotValid([Problem("children", _l("Each school decides leave for its own pupils: send a "
                                                      "separate request to each school"))])
    return pupils[0].school
