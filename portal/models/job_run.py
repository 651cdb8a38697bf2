"""Each run of a scheduled job (`attendance refresh`, `outbox send`...): when it started and ended, and how it went.

Written by portal.services.jobs around the commands a scheduler runs, so that an admin (the system page, /health)
sees "last ran, took, result" without reading the server's logs. A row still "running" long after it started
belongs to a process that was killed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

RUNNING, OK, FAILED = "running", "ok", "failed"


class JobRun(db.Model):
    __table_args__ = (Index("ix_job_run_job_started_at", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))  # "attendance refresh", as the command is typed
    started_at: Mapped[datetime]  # UTC
    finished_at: Mapped[datetime | None]  # UTC; empty while running (or if the process was killed)
    result: Mapped[str] = mapped_column(String(10))  # running, ok, failed
    detail: Mapped[str] = mapped_column(String(500), default="")  # the command's summary line, or what went wrong
