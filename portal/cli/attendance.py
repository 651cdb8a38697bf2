"""`attendance summary`, `attendance alerts` and `attendance refresh`."""

from __future__ import annotations

import json
from decimal import Decimal

import click
from flask import Flask
from flask.cli import AppGroup

from portal.clock import school_today
from portal.domain.policy_rules import Bands
from portal.services import ServiceError, attendance, jobs, pupil_figures

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])

attendance_cli = AppGroup("attendance", help="Pupils' attendance figures and the alerts staff act on.")

KIND_WORDS = {
    "penalty_threshold": "Penalty notice threshold reached",
    "n_overdue": "N not recoded in time",
    "continuous_absence_10": "Continuous unauthorised absence",
    "deletion_consideration_20": "Consider deletion from the register",
    "sickness_15": "Sickness return",
    "persistent_absence": "Persistent absence",
    "severe_absence": "Severe absence",
    "local_leave_5_days": "Local rule: term-time leave",
}


def _date(value):
    return value.date() if value else None


def _days(sessions: int) -> str:
    days = Decimal(sessions) / 2
    return f"{days:.1f} day{'' if days == 1 else 's'}"


def _sessions(n: int) -> str:
    return f"{n} session{'' if n == 1 else 's'}"


def band_words(band: str, bands: Bands) -> str:
    if band == "severe":
        return f"Severe absence: missing {bands.severe_absence}% or more of sessions (this is also persistent absence)."
    if band == "persistent":
        return f"Persistent absence: missing {bands.persistent_absence}% or more of sessions."
    if band == "at_risk":
        if bands.at_risk_absence_over is not None:
            line = f"missing more than {bands.at_risk_absence_over}% of sessions"
        else:
            line = f"{bands.at_risk_days_missed_from} days or more missed"
        return f"At risk of persistent absence: {line}."
    if band == "below_target":
        return f"Below the {bands.target}% target."
    if band == "on_target":
        return f"On target: {bands.target}% or more."
    return "No attendance figure yet: there were no sessions to attend in this period."


def describe(result: attendance.PupilAttendance) -> list[str]:
    """The summary in plain words, for a person reading a terminal."""
    data, bands = result.json, result.bands
    lines = [f"{result.name}, UPN {result.upn}, {result.school_name}",
             f"From {data['from']} to {data['to']}: {_sessions(data['possible'])} possible "
             f"({_days(data['possible'])})."]
    if data["attendance_pct"] is None:
        lines.append(band_words("none", bands))
        return lines
    missed = Decimal(data["days_missed"])
    lines.append(
        f"Attendance {data['attendance_pct']}% (on target is {bands.target}%): {data['days_missed']} "
        f"day{'' if missed == 1 else 's'} missed, {_days(data['authorised'])} authorised and "
        f"{_days(data['unauthorised'])} unauthorised (absence {data['absence_pct']}%).")
    lines.append(band_words(data["band"], bands))
    if data["approved_activity"]:
        lines.append(f"{_sessions(data['approved_activity'])} at approved educational activities (trips, sport, "
                     "other provision), counted as attending.")
    if data["late_before_close"] or data["late_after_close"]:
        lines.append(f"Late: {_sessions(data['late_before_close'])} before the register closed (counted as "
                     f"present), {_sessions(data['late_after_close'])} after it closed (counted as unauthorised "
                     "absence).")
    return lines


@attendance_cli.command("summary")
@click.argument("upn")
@click.option("--from", "start", type=ISO_DATE, help="First date (default: 1 September of the school year).")
@click.option("--to", "end", type=ISO_DATE, help="Last date (default: --as-of).")
@click.option("--as-of", "as_of", type=ISO_DATE, help="Count as on this day (default: today, or --to if given).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object: upn, from, to, possible, attended, present, approved_activity, "
                   "authorised, unauthorised, late_before_close, late_after_close, attendance_pct, absence_pct, "
                   "days_missed, band, persistent_absence, severe_absence.")
def attendance_summary(upn: str, start, end, as_of, as_json: bool) -> None:
    """A pupil's attendance, by default over the school year so far (from admission, up to leaving)."""
    try:
        result = attendance.pupil_attendance(upn, _date(start), _date(end), _date(as_of))
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.json, indent=2))
        return
    for line in describe(result):
        click.echo(line)


@attendance_cli.command("alerts")
@click.option("--school", "urn", help="One school's URN (default: every loaded school).")
@click.option("--as-of", "as_of", type=ISO_DATE, help="Judge as on this day (default: today).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of {upn, kind, since, detail}.")
def attendance_alerts(urn: str | None, as_of, as_json: bool) -> None:
    """Pupils staff should look at: penalty threshold, N to recode, continuous absence, sickness, PA and SA."""
    try:
        found = attendance.alerts(urn, as_of=_date(as_of))
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for alert in found:
        click.echo(f"{alert['upn']}  since {alert['since']}  {KIND_WORDS[alert['kind']]}: {alert['detail']}")
    pupils = len({a["upn"] for a in found})
    click.echo(f"{len(found)} alert{'' if len(found) == 1 else 's'} for {pupils} pupil{'' if pupils == 1 else 's'}.")


@attendance_cli.command("refresh")
@click.option("--school", "urn", help="One school's URN (default: every loaded school).")
@click.option("--as-of", "as_of", type=ISO_DATE, help="Work them out as on this day (default: today, in England).")
def attendance_refresh(urn: str | None, as_of) -> None:
    """Work out and keep each pupil's figures and alerts for the oversight pages.

    The pages work out what is missing themselves, but for a whole trust that takes as long as `attendance
    alerts`: run this after each MIS import and each night (for the new day) so the first page of the day is fast."""
    day = _date(as_of) or school_today()
    with jobs.running("attendance refresh") as run:
        pupils = pupil_figures.refresh(day, urn)
        run.detail = f"Figures as of {day:%-d %B %Y} kept for {pupils:,} pupil{'' if pupils == 1 else 's'}."
    click.echo(run.detail)


def register(app: Flask) -> None:
    app.cli.add_command(attendance_cli)
