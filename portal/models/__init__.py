"""SQLAlchemy tables, one module per aggregate. Models hold no business decisions and never commit."""

from portal.models.audit import AuditEvent
from portal.models.marks import Mark
from portal.models.outbox import OutboxMessage
from portal.models.people import Contact, ParentAccount, Pupil, StaffRole, StaffUser
from portal.models.school import School, Site, Trust

__all__ = [
    "AuditEvent", "Contact", "Mark", "OutboxMessage", "ParentAccount", "Pupil", "School", "Site",
    "StaffRole", "StaffUser", "Trust",
]
