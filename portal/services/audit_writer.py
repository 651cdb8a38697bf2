"""Audit events: every change leaves one, added to the same transaction as the change itself."""

from __future__ import annotations

from portal.clock import utcnow
from portal.extensions import db
from portal.models import AuditEvent


def record(actor: str, action: str, obj=None, before: dict | None = None, after: dict | None = None, *,
           object_type: str | None = None, object_id: str | None = None) -> AuditEvent:
    """Add an audit event for `obj` (a model), or for an object named by type and id (an import run), to the
    session: the caller's commit writes the change and its event together, or neither."""
    event = AuditEvent(
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=object_id or str(obj.id),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
