"""A folder the MIS drops its scheduled exports into (`import folder DIR`, `import watch DIR`).

Each file that has finished arriving is recognised from its content (a CTF is XML; a CSV is pupils, contacts or
marks by its header row, through the alias table of domain.mis_columns), imported, and moved with a report beside
it: to done/ (counts, the encoding read, the headings taken) or failed/ (every problem, and that nothing was
imported). Pupils files go first, then contacts, marks and CTFs. After each import, the kept figures of the
pupils it named are worked out again (pupil_figures), so the first page of the morning is fast and current.

A file is taken once it has stopped changing: its size and modification time the same at two looks (the watcher
looks every few seconds), or it is older than `settle` seconds (for a one-shot run from cron). A half-written
file is never read; files named as partial uploads (.part, .tmp, .filepart, ~$...) are left alone.
"""

from __future__ import annotations

import codecs
import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from portal.clock import school_now, school_today, utcnow
from portal.domain import mis_columns
from portal.domain.encodings import BOMS, utf16_without_bom
from portal.domain.mis_feed import KIND_ORDER
from portal.extensions import db
from portal.services import ServiceError, ctf, pupil_figures
from portal.services.imports import columns as columns_file
from portal.services.imports.common import Columns, CsvFile, ImportRejected
from portal.services.imports.contacts import import_contacts
from portal.services.imports.marks import import_marks
from portal.services.imports.pupils import import_pupils

log = logging.getLogger(__name__)
DONE, FAILED = "done", "failed"
PARTIAL = (".part", ".partial", ".tmp", ".filepart", ".crdownload", ".swp", ".lock")
Look = tuple[int, int]  # (size, modification time in ns)


@dataclass
class Outcome:
    name: str
    kind: str | None
    imported: bool
    lines: list[str] = field(default_factory=list)  # the report
    moved_to: Path | None = None
    report: Path | None = None
    refreshed: int = 0  # pupils whose kept figures were worked out again


@dataclass
class Options:
    actor: str
    columns_path: Path | None = None
    school_urn: str | None = None
    skip_invalid: bool = False
    settle: float = 60.0  # seconds a file must be unchanged for, when seen for the first time


def candidates(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                  and not p.name.lower().endswith(PARTIAL) and p.name != columns_file.FILE_NAME)


def ready(folder: Path, previous: dict[str, Look], settle: float) -> tuple[list[Path], dict[str, Look]]:
    """The files that have finished arriving, and this look at every file (for the next call)."""
    now = utcnow()
    looks, found = {}, []
    for path in candidates(folder):
        try:
            stat = path.stat()
        except OSError:
            continue  # gone between listing and looking
        look = looks[path.name] = (stat.st_size, stat.st_mtime_ns)
        age = (now - datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None)).total_seconds()
        if previous.get(path.name) == look or age >= settle:
            found.append(path)
    return found, looks


def recognise(path: Path, columns: Columns, school_urn: str | None) -> tuple[str | None, str | None]:
    """(kind, None) or (None, why the file is not recognised)."""
    if _looks_like_xml(path):
        return "ctf", None
    csv_file = CsvFile(path, "pupils", columns)
    problems = csv_file.check_header()
    if csv_file.encoding is None or not csv_file.header:
        return None, str(problems[0]) if problems else "the file has no header row"
    match = mis_columns.recognise(csv_file.header, columns, ("school_urn",) if school_urn else ())
    if match.missing:
        return None, ("not recognised as a pupils, contacts or marks file, nor a CTF: "
                      + mis_columns.describe_missing(match, csv_file.header))
    return match.kind, None


def _looks_like_xml(path: Path) -> bool:
    if path.suffix.lower() == ".xml":
        return True
    with open(path, "rb") as handle:
        head = handle.read(512)
    for bom, codec, _ in BOMS:
        if head.startswith(bom):
            return codecs.decode(head[len(bom):len(bom) + 64], codec.replace("-sig", ""), "ignore").lstrip()[:1] == "<"
    wide = utf16_without_bom(head)
    return (codecs.decode(head[:64], wide[0], "ignore") if wide else head.decode("latin-1")).lstrip()[:1] == "<"


def process(folder: Path, options: Options, previous: dict[str, Look] | None = None
            ) -> tuple[list[Outcome], dict[str, Look]]:
    """Import every file of `folder` that has finished arriving; returns what happened and the looks taken."""
    for name in (DONE, FAILED):
        (folder / name).mkdir(exist_ok=True)
    files, looks = ready(folder, previous or {}, options.settle)
    try:
        columns = columns_file.load_columns(options.columns_path or _folder_columns(folder))
    except columns_file.ColumnsFileError as exc:
        columns, broken_columns = {}, str(exc)
    else:
        broken_columns = None
    kinds = {}
    for path in files:
        kinds[path] = (None, broken_columns) if broken_columns else _recognise_safely(path, columns, options)
    order = sorted(files, key=lambda p: (KIND_ORDER.index(kinds[p][0]) if kinds[p][0] else -1, looks[p.name][1],
                                         p.name))
    outcomes = []
    for path in order:
        kind, problem = kinds[path]
        outcome = Outcome(path.name, kind, False, [problem] if problem else [])
        stamped = _free_name(folder, f"{school_now():%Y%m%d-%H%M%S}-{path.name}")
        if kind:
            _import(path, kind, columns, options, outcome, folder / DONE / f"{stamped}.rejected.csv")
        _file_away(path, folder / (DONE if outcome.imported else FAILED) / stamped, outcome)
        looks.pop(path.name, None)
        outcomes.append(outcome)
    return outcomes, looks


def _free_name(folder: Path, name: str) -> str:
    """`name`, or name-2, name-3... when done/ or failed/ holds it already (the same file dropped twice a second)."""
    stem, number = name, 1
    while any((folder / sub / name).exists() for sub in (DONE, FAILED)):
        number += 1
        name = f"{stem}-{number}"
    return name


def _folder_columns(folder: Path) -> Path | None:
    path = folder / columns_file.FILE_NAME
    return path if path.is_file() else None


def _recognise_safely(path: Path, columns: Columns, options: Options) -> tuple[str | None, str | None]:
    try:
        return recognise(path, columns, options.school_urn)
    except OSError as exc:
        return None, f"the file cannot be read: {exc.strerror or exc}"


def _import(path: Path, kind: str, columns: Columns, options: Options, outcome: Outcome, rejected: Path) -> None:
    try:
        if kind == "ctf":
            result = ctf.import_ctf(path, options.actor, options.skip_invalid, rejected)
            counts = result.counts
            outcome.lines = [f"Imported as a CTF ({result.read.encoding or 'UTF-8'}): {counts.added} added, "
                             f"{counts.updated} updated, {counts.unchanged} unchanged, {counts.kept_newer} kept "
                             f"newer; {len(result.read.marks)} marks read for {len(set(result.read.pupils))} "
                             "pupil(s)."]
            outcome.lines += [f"warning: {w}" for w in result.read.warnings]
            if result.skipped:
                outcome.lines.append(f"{result.skipped} mark(s) left out, listed in {rejected.name}:")
                outcome.lines += [str(p) for p in result.read.problems]
        else:
            function = {"pupils": import_pupils, "contacts": import_contacts, "marks": import_marks}[kind]
            extra = {"school_urn": options.school_urn} if kind == "pupils" else {}
            result = function(path, options.actor, options.skip_invalid, rejected, columns=columns, **extra)
            counts = ", ".join(f"{n} {label}" for label, n in result.counts().items())
            outcome.lines = [f"Imported as {kind}: {counts} ({result.rows} rows read).",
                             *map(_sentence, result.notes)]
            if result.rejected_path:
                outcome.lines.append(f"Rejected rows, with their line and problem: {rejected.name}")
                outcome.lines += [str(p) for p in result.problems]
    except ImportRejected as exc:
        outcome.lines = [str(p) for p in exc.result.problems] + [f"{exc}.", *map(_sentence, exc.result.notes)]
        return
    except ctf.CtfRejected as exc:
        outcome.lines = [str(p) for p in exc.read.problems] + [f"{exc}."]
        return
    except ServiceError as exc:
        outcome.lines = [str(exc)]
        return
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the feed; the error goes in its report
        db.session.rollback()
        log.exception("import of %s failed", path)
        outcome.lines = [f"the import failed unexpectedly ({type(exc).__name__}); nothing was imported. Tell the "
                         "portal's administrator: the server log has the details"]
        return
    outcome.imported = True
    if kind != "contacts" and result.pupil_ids:  # contacts change no figures; a marks import refreshed its own
        outcome.refreshed = (getattr(result, "refreshed", 0)
                             or pupil_figures.refresh(school_today(), pupil_ids=result.pupil_ids))
        outcome.lines.append(f"Attendance figures brought up to date for {outcome.refreshed} pupil(s).")


def _sentence(note: str) -> str:
    return f"{note[:1].upper()}{note[1:]}."


def _file_away(path: Path, target: Path, outcome: Outcome) -> None:
    """Move the file and write its report beside it; a file that cannot be moved is reported, not retried."""
    at = school_now()
    heading = (f"{path.name}: imported at {at:%Y-%m-%d %H:%M} (UK time)" if outcome.imported else
               f"{path.name}: NOT imported at {at:%Y-%m-%d %H:%M} (UK time); fix the file (or what it needs, "
               f"below) and drop it in the folder again")
    outcome.report = target.with_name(target.name + (".report.txt" if outcome.imported else ".errors.txt"))
    try:
        shutil.move(os.fspath(path), os.fspath(target))
        outcome.moved_to = target
        outcome.report.write_text("\n".join([heading, *outcome.lines]) + "\n", encoding="utf-8")
    except OSError as exc:
        log.error("could not move %s to %s: %s", path, target, exc)
        outcome.lines.append(f"the file could not be moved to {target.parent.name}/: {exc.strerror or exc}")
