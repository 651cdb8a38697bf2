"""Renamed: what staff may do is portal.services.permissions. benchmarks/load_sessions.py (another change's file)
still imports this name; remove this module when it imports permissions."""

from portal.services.permissions import add_staff

__all__ = ["add_staff"]
