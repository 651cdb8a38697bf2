"""`retention purge`: delete what each trust's retention periods no longer require the portal to keep.

Periods are counted in whole school years from the end of the school year a record belongs to
(`portal.domain.retention`): run on 1 September, a purge removes one whole school year of each kind; run on any
other day it removes nothing new until the next 1 September. Per trust, from its policy's `[retention]`:

    register marks          `register_years`, never fewer than 6 (the 2024 regulations), whatever the policy says
    absence reports         `absence_reports_years`, with the school's decisions on each child; the first-day
                            contact log (the steps taken to learn why a pupil was away) follows the same period
    leave requests          `leave_requests_years`, with their decisions, letters, outcomes, declarations and
                            evidence
    evidence files          `evidence_years`: the row and the file on disk (appointment cards sent with absence
                            reports, evidence sent with leave requests)

A record that involves several trusts (a report for siblings at schools of two trusts) goes only once every
trust's period allows it. A record belongs to the school year of its latest date: an absence report to the later
of the day it was sent and the last day of absence (or the day a decision was made), a leave request to the later
of the day it was sent, the return day and any decision or outcome, an evidence file to the later of its upload
and the absence or leave it supports.

Housekeeping, the same for every trust: parents' sign-in links expired more than a day ago, email sent more than
90 days ago, and ended rate-limit windows.

One transaction for every deletion and one audit event (`retention.purge`, with the counts and the cutoffs) per
run, so a purge happens completely or not at all. Evidence files are unlinked after the commit; one that cannot be
is a file with no row, which `evidence sweep` removes later. A dry run counts the same records, deletes nothing
and records no event. Not touched here: pupils, contacts and parent accounts (the MIS import owns them), support
plans (no period in the policy yet), and the audit log, which is append-only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from portal.clock import school_today, utcnow
from portal.domain import retention as rules
from portal.extensions import db
from portal.models import (
    AbsenceReport,
    AbsenceReportChild,
    AccountSession,
    ContactAttempt,
    EvidenceFile,
    LeaveDeclaration,
    LeaveRequest,
    LeaveRequestChild,
    Mark,
    OutboxMessage,
    Pupil,
    School,
    PasswordReset,
    SignInLink,
    Trust,
)
from portal.models.leave import EVIDENCE_OWNER as LEAVE_OWNER
from portal.services import ServiceError, throttle, uploads
from portal.services.audit_writer import record
from portal.services.policies import trust_policy

log = logging.getLogger(__name__)

SIGN_IN_LINKS_AFTER = timedelta(days=1)  # after expiry: long enough to tell a parent why an old link failed
SENT_EMAIL_FOR = timedelta(days=90)  # long enough to answer "did you email me?"
REPORT_OWNER = "absence_report"  # EvidenceFile.owner_type of an absence report's appointment evidence
CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's limits on bound parameters

# Kind -> words, in the order they are reported.
KINDS = {
    "marks": "register marks",
    "absence_reports": "absence reports",
    "contact_attempts": "first-day contact steps",
    "leave_requests": "leave requests",
    "evidence_files": "evidence files",
    "sign_in_links": "expired sign-in links",
    "reset_links": "expired password-reset links",
    "sessions": "sessions long over",
    "sent_emails": "sent emails",
    "rate_limit_windows": "ended rate-limit windows",
}


@dataclass(frozen=True)
class TrustCutoffs:
    """What a trust keeps: records dated before each day may go."""

    slug: str
    name: str
    periods: rules.Periods
    marks_before: date
    absence_reports_before: date
    leave_requests_before: date
    evidence_before: date

    def as_dict(self) -> dict:
        return {"marks_before": self.marks_before.isoformat(),
                "absence_reports_before": self.absence_reports_before.isoformat(),
                "leave_requests_before": self.leave_requests_before.isoformat(),
                "evidence_before": self.evidence_before.isoformat(),
                "register_years": self.periods.register,
                "register_years_in_policy": self.periods.register_raised_from}


@dataclass
class PurgeResult:
    as_of: date
    dry_run: bool
    counts: dict[str, int]
    trusts: list[TrustCutoffs]
    files_missing: int = 0  # evidence rows deleted whose file was already gone from disk

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Plan:
    """Ids to delete, per kind, and the statements for the kinds deleted in bulk."""

    report_ids: set[int] = field(default_factory=set)
    leave_ids: set[int] = field(default_factory=set)
    evidence: dict[int, str] = field(default_factory=dict)  # id -> stored name
    bulk: dict[str, list] = field(default_factory=dict)  # kind -> [(model, where clause), ...]


class FutureDate(ServiceError):
    """A purge judged as of a day that has not come yet would delete what the law still requires."""


def purge(actor: str, *, as_of: date | None = None, now: datetime | None = None, dry_run: bool = False,
          today: date | None = None) -> PurgeResult:
    """Delete (or, with `dry_run`, count) what the periods allow on `as_of` (today in England by default).

    A day after `today` is allowed for a dry run only: it shows what a later purge will delete. `now` (UTC) is
    for the housekeeping kinds: by default the real time, or the start of `as_of` when one is given."""
    today = today or school_today()
    as_of = as_of or today
    if as_of > today and not dry_run:
        raise FutureDate(f"{as_of:%-d %B %Y} has not come yet: a purge as of a later day can only be a dry run")
    now = now or (utcnow() if as_of == today else _instant(as_of))
    cutoffs = {trust.id: _cutoffs(trust, as_of) for trust in db.session.scalars(select(Trust).order_by(Trust.name))}
    plan = _plan(cutoffs, now)

    counts = dict.fromkeys(KINDS, 0)
    counts["absence_reports"] = len(plan.report_ids)
    counts["leave_requests"] = len(plan.leave_ids)
    counts["evidence_files"] = len(plan.evidence)
    result = PurgeResult(as_of, dry_run, counts, list(cutoffs.values()))
    if dry_run:
        for kind, statements in plan.bulk.items():
            counts[kind] = sum(_count(model, where) for model, where in statements)
        counts["rate_limit_windows"] = throttle.purge_expired(now=now, dry_run=True)
        return result

    # Ended rate-limit windows go first, on the counters' own connection: they hold nothing anyone needs, and
    # that connection must not wait for the deletions below (SQLite allows one writer at a time).
    counts["rate_limit_windows"] = throttle.purge_expired(now=now)
    for kind, statements in plan.bulk.items():
        counts[kind] = sum(_delete(model, where) for model, where in statements)
    _delete_reports(plan.report_ids)
    _delete_leave_requests(plan.leave_ids)
    for chunk in _chunks(plan.evidence):
        _delete(EvidenceFile, EvidenceFile.id.in_(chunk))
    record(actor, "retention.purge", object_type="Retention", object_id=as_of.isoformat(),
           after={"as_of": as_of.isoformat(), "counts": dict(counts),
                  "trusts": {c.slug: c.as_dict() for c in cutoffs.values()}})
    db.session.commit()
    result.files_missing = _unlink(plan.evidence.values())
    return result


def _cutoffs(trust: Trust, as_of: date) -> TrustCutoffs:
    periods = rules.periods(trust_policy(trust).retention)
    return TrustCutoffs(
        slug=trust.slug, name=trust.name, periods=periods,
        marks_before=rules.cutoff(as_of, periods.register),
        absence_reports_before=rules.cutoff(as_of, periods.absence_reports),
        leave_requests_before=rules.cutoff(as_of, periods.leave_requests),
        evidence_before=rules.cutoff(as_of, periods.evidence),
    )


_instant = rules.midnight_utc  # the start of a day in England, in UTC: for the portal's UTC timestamps


def _before(moment: datetime | date | None, day: date) -> bool:
    """Whether a date, or a UTC timestamp, falls before `day` in England (nothing at all counts as before)."""
    if moment is None:
        return True
    if isinstance(moment, datetime):
        return moment < _instant(day)
    return moment < day


def _plan(cutoffs: dict[int, TrustCutoffs], now: datetime) -> _Plan:
    plan = _Plan()
    if cutoffs:
        trust_of_school = dict(db.session.execute(select(School.id, School.trust_id)).all())
        _plan_register(plan, cutoffs)
        _plan_reports(plan, cutoffs, trust_of_school)
        _plan_leave(plan, cutoffs, trust_of_school)
        _plan_evidence(plan, cutoffs, trust_of_school)
    plan.bulk["sign_in_links"] = [(SignInLink, SignInLink.expires_at < now - SIGN_IN_LINKS_AFTER)]
    plan.bulk["reset_links"] = [(PasswordReset, PasswordReset.expires_at < now - SIGN_IN_LINKS_AFTER)]
    # A session's row says when it ended and why (the audit log keeps who ended it): kept as long as sent email.
    plan.bulk["sessions"] = [(AccountSession, AccountSession.expires_at < now - SENT_EMAIL_FOR)]
    plan.bulk["sent_emails"] = [(OutboxMessage, OutboxMessage.sent_at.is_not(None)
                                 & (OutboxMessage.sent_at < now - SENT_EMAIL_FOR))]
    return plan


def _plan_register(plan: _Plan, cutoffs: dict[int, TrustCutoffs]) -> None:
    """Marks and first-day contact steps, in bulk per trust: a year of marks is far too many rows to load."""
    marks, steps = plan.bulk.setdefault("marks", []), plan.bulk.setdefault("contact_attempts", [])
    for trust_id, cut in cutoffs.items():
        pupils = select(Pupil.id).where(Pupil.school_id.in_(select(School.id).where(School.trust_id == trust_id)))
        marks.append((Mark, Mark.pupil_id.in_(pupils) & (Mark.date < cut.marks_before)))
        day = cut.absence_reports_before
        steps.append((ContactAttempt, ContactAttempt.pupil_id.in_(pupils) & (ContactAttempt.date < day)
                      & (ContactAttempt.at < datetime.combine(day, time(0)))  # the school's clock
                      & (ContactAttempt.recorded_at < _instant(day))))


def _plan_reports(plan: _Plan, cutoffs: dict[int, TrustCutoffs], trust_of_school: dict[int, int]) -> None:
    """Candidates sent before the latest cutoff of any trust, then checked against each child's trust."""
    latest = max(c.absence_reports_before for c in cutoffs.values())
    candidates = db.session.scalars(
        select(AbsenceReport).where(AbsenceReport.reported_at < _instant(latest))
        .options(selectinload(AbsenceReport.children).selectinload(AbsenceReportChild.pupil))
    )
    for report in candidates:
        days = {cutoffs[trust_of_school[child.pupil.school_id]].absence_reports_before for child in report.children}
        if days and all(_before(report.reported_at, day) and _before(report.last_day or report.first_day, day)
                        and all(_before(child.decided_at, day) for child in report.children) for day in days):
            plan.report_ids.add(report.id)


def _plan_leave(plan: _Plan, cutoffs: dict[int, TrustCutoffs], trust_of_school: dict[int, int]) -> None:
    latest = max(c.leave_requests_before for c in cutoffs.values())
    candidates = db.session.scalars(
        select(LeaveRequest).where(LeaveRequest.requested_at < _instant(latest))
        .options(selectinload(LeaveRequest.children))
    )
    for request in candidates:
        day = cutoffs[trust_of_school[request.school_id]].leave_requests_before
        if (_before(request.requested_at, day) and _before(_last_day_away(request.return_day), day)
                and all(_before(c.decided_at, day) and _before(c.outcome_at, day)
                        and _before(_last_day_away(c.actual_return_day), day) for c in request.children)):
            plan.leave_ids.add(request.id)


def _plan_evidence(plan: _Plan, cutoffs: dict[int, TrustCutoffs], trust_of_school: dict[int, int]) -> None:
    """Each file after its own period (from the later of its upload and the days it is about), and always with
    the report or request it belongs to."""
    for owner_type, ids in ((REPORT_OWNER, plan.report_ids), (LEAVE_OWNER, plan.leave_ids)):
        for chunk in _chunks(ids):
            plan.evidence.update(db.session.execute(
                select(EvidenceFile.id, EvidenceFile.stored_name)
                .where(EvidenceFile.owner_type == owner_type, EvidenceFile.owner_id.in_(chunk))).all())
    latest = max(c.evidence_before for c in cutoffs.values())
    files = db.session.execute(
        select(EvidenceFile.id, EvidenceFile.stored_name, EvidenceFile.school_id, EvidenceFile.uploaded_at,
               LeaveRequest.return_day, AbsenceReport.first_day, AbsenceReport.last_day)
        .outerjoin(LeaveRequest, (EvidenceFile.owner_type == LEAVE_OWNER) & (LeaveRequest.id == EvidenceFile.owner_id))
        .outerjoin(AbsenceReport,
                   (EvidenceFile.owner_type == REPORT_OWNER) & (AbsenceReport.id == EvidenceFile.owner_id))
        .where(EvidenceFile.uploaded_at < _instant(latest))
    ).all()
    for f in files:
        day = cutoffs[trust_of_school[f.school_id]].evidence_before
        if (_before(f.uploaded_at, day) and _before(_last_day_away(f.return_day), day)
                and _before(f.last_day or f.first_day, day)):
            plan.evidence[f.id] = f.stored_name


def _last_day_away(return_day: date | None) -> date | None:
    return return_day - timedelta(days=1) if return_day else None


def _count(model, where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(where)) or 0


def _delete(model, where) -> int:
    return db.session.execute(delete(model).where(where), execution_options={"synchronize_session": False}).rowcount


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _delete_reports(ids: set[int]) -> None:
    for chunk in _chunks(ids):
        # A later report that continues a deleted one now stands on its own.
        db.session.execute(update(AbsenceReport).where(AbsenceReport.continues_id.in_(chunk))
                           .values(continues_id=None), execution_options={"synchronize_session": False})
    for chunk in _chunks(ids):
        _delete(AbsenceReportChild, AbsenceReportChild.report_id.in_(chunk))
        _delete(AbsenceReport, AbsenceReport.id.in_(chunk))


def _delete_leave_requests(ids: set[int]) -> None:
    for chunk in _chunks(ids):
        _delete(LeaveDeclaration, LeaveDeclaration.request_id.in_(chunk))
        _delete(LeaveRequestChild, LeaveRequestChild.request_id.in_(chunk))
        _delete(LeaveRequest, LeaveRequest.id.in_(chunk))


def _unlink(stored_names: Iterable[str]) -> int:
    """Delete the files of deleted evidence rows; returns how many were already gone."""
    missing = 0
    for name in stored_names:
        path = uploads.path_for(name)
        try:
            if path.exists():
                path.unlink()
            else:
                missing += 1
        except OSError:  # the row is gone: `evidence sweep` removes a file with no row later
            log.exception("Could not delete evidence file %s", path)
    return missing
