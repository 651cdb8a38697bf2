"""Renamed: audit events are written by portal.services.audit_writer, and the time comes from portal.clock.
benchmarks/load_sessions.py (another change's file) still imports utcnow from here; remove this module then."""

from portal.clock import utcnow

__all__ = ["utcnow"]
