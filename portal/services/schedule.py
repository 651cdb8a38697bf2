"""The scheduled jobs, declared once: what runs, when (the school's time), and how long it may go without a success.

`flask jobs run-scheduler` (a process of the production recipe, portal/processes.py) runs them with APScheduler;
`flask jobs schedule` prints them. Each job is its own command, run as a child process (`flask --app portal ...`)
so a job that crashes, leaks or hangs never takes the scheduler with it, and each command records its run
(portal.services.jobs), which /health and the admins' System page show: last ran, took, result.
"""

from __future__ import annotations

import logging
import signal
import subprocess  # nosec B404 # runs the portal's own commands, argument lists fixed below, no shell
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from portal.clock import SCHOOL_ZONE, utcnow
from portal.stop_signal import StopSignal

log = logging.getLogger(__name__)

NIGHTLY = timedelta(hours=26)  # a day and a bit: a night's run that finished late is not yet a problem


@dataclass(frozen=True)
class Scheduled:
    job: str  # as the run is recorded (portal.services.jobs) and as its command is typed
    args: tuple[str, ...]  # the command after `flask --app portal`
    cron: str  # minute hour day month weekday, in the school's time (Europe/London)
    when: str  # the same in words
    late_after: timedelta  # no successful run for this long: /health says so
    why: str

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=SCHOOL_ZONE)


# Nothing daily between 01:00 and 02:00: in England that hour is skipped on the last Sunday of March and happens
# twice on the last Sunday of October (tests/ops/test_schedule.py checks each daily job runs once on both days).
SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled("attendance refresh", ("attendance", "refresh"), "15 0 * * *", "every day at 00:15", NIGHTLY,
              "each pupil's figures and alerts kept for the new day, so the first page of the morning is fast"),
    Scheduled("retention purge", ("retention", "purge"), "0 2 * * *", "every day at 02:00", NIGHTLY,
              "deletes what the trust's retention periods allow"),
    Scheduled("backup nightly", ("backup", "nightly"), "30 2 * * *", "every day at 02:30", NIGHTLY,
              "a dated backup under PORTAL_BACKUP_DIR after the purge; older ones beyond PORTAL_BACKUPS_KEPT go"),
    Scheduled("evidence sweep", ("evidence", "sweep"), "20 * * * *", "every hour at 20 past", timedelta(hours=3),
              "uploads a killed request left behind, and drafts of forms never sent"),
    Scheduled("plans remind", ("plans", "remind"), "0 7 * * *", "every day at 07:00", NIGHTLY,
              "emails each support plan's owner before its review date"),
    Scheduled("legal remind", ("legal", "remind"), "5 7 * * *", "every day at 07:05", NIGHTLY,
              "emails legal-action staff about part-time timetable reviews due"),
    Scheduled("nudges send", ("nudges", "send"), "10 7 * * *", "every day at 07:10", NIGHTLY,
              "queues the messages to parents when a school's round is due (each once)"),
)
STOP_SECONDS = 20  # a job asked to stop (Ctrl-C, so its run is recorded as interrupted) gets this long, then is killed


def by_job(job: str) -> Scheduled:
    for entry in SCHEDULE:
        if entry.job == job:
            return entry
    raise KeyError(f"{job!r} is not scheduled; the jobs are: {', '.join(e.job for e in SCHEDULE)}")


def next_run(entry: Scheduled, after_utc: datetime | None = None) -> datetime:
    """The next time the job runs after the moment (stored, naive UTC; default now), on the school's clock."""
    moment = (after_utc or utcnow()).replace(tzinfo=timezone.utc).astimezone(SCHOOL_ZONE)
    return entry.trigger().get_next_fire_time(None, moment).replace(tzinfo=None)


def command(entry: Scheduled) -> list[str]:
    """The job's command line, with this Python: the scheduler runs the portal it was installed with."""
    return [sys.executable, "-m", "flask", "--app", "portal", *entry.args]


class _Scheduler(BackgroundScheduler):
    """APScheduler's background scheduler, waiting for the next run on a StopSignal (portal/stop_signal.py): its
    own timed condition wait never returns under a moved clock (libfaketime), so no job would fire there. APScheduler
    3 makes a new event in start() only when it has none (or a set one), so giving it ours first is enough."""

    def start(self, *args, **kwargs) -> None:
        self._event = StopSignal()
        super().start(*args, **kwargs)


class Runner:
    """APScheduler over SCHEDULE, each run a child process; stop() asks running jobs to finish, then waits."""

    def __init__(self, entries: tuple[Scheduled, ...] = SCHEDULE, env: dict | None = None, output=None):
        self.entries = entries
        self.env = env  # the jobs' environment (default: the scheduler's own)
        self.output = output  # where the jobs' output goes (default: the scheduler's, so its log has it)
        self.scheduler = _Scheduler(timezone=SCHOOL_ZONE, job_defaults={
            # A run held up (the job's previous run still going) runs late, once, within the hour. Runs missed while
            # the scheduler was stopped are not kept anywhere: health says when a job has gone too long.
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
        self._children: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def start(self) -> None:
        for entry in self.entries:
            self.scheduler.add_job(self.run, entry.trigger(), args=[entry], id=entry.job, name=entry.job)
        self.scheduler.start()

    def run(self, entry: Scheduled) -> int | None:
        """One run of the job, waited for; its exit status (None if the scheduler is stopping)."""
        with self._lock:
            if self._stopping.is_set():
                return None
            # The portal's own command, run with this Python, its arguments fixed in SCHEDULE; no shell.
            child = subprocess.Popen(command(entry), env=self.env, stdout=self.output)  # nosec B603 # as above
            self._children[entry.job] = child
        log.info("scheduled job started", extra={"job": entry.job, "pid": child.pid})
        status = child.wait()
        with self._lock:
            self._children.pop(entry.job, None)
        log.log(logging.INFO if status == 0 else logging.ERROR, "scheduled job ended",
                extra={"job": entry.job, "exit_status": status})
        return status

    def running(self) -> list[str]:
        with self._lock:
            return sorted(self._children)

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            children = list(self._children.values())
        for child in children:  # as Ctrl-C would: the command records its run as interrupted
            child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

