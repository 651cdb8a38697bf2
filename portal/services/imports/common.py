"""What every import shares: reading the CSV with line numbers, the result, and the file of rejected rows."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from portal.extensions import db
from portal.services import ServiceError, csv_files
from portal.services.audit import record

Progress = Callable[[int, int], None]  # (bytes read so far, total bytes)


@dataclass(frozen=True)
class RowProblem:
    line: int  # 0: the file itself (a missing column...)
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportResult:
    kind: str  # "pupils", "contacts", "marks"
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    removed: int = 0  # contacts no longer in the MIS for a pupil in the file
    kept_newer: int = 0  # marks not overwritten because the portal holds one recorded later
    problems: list[RowProblem] = field(default_factory=list)
    rejected_path: Path | None = None

    def counts(self) -> dict[str, int]:
        counts = {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                  "rejected": self.rejected}
        if self.removed:
            counts["removed"] = self.removed
        if self.kept_newer:
            counts["kept newer"] = self.kept_newer
        return counts


class ImportRejected(ServiceError):
    def __init__(self, result: ImportResult):
        rows = len({p.line for p in result.problems})
        super().__init__(f"nothing was imported: {rows} bad row(s) in the {result.kind} file")
        self.result = result


class CsvFile:
    """A CSV export with a header row. Rows come as (line number, {column: value}); extra columns are ignored."""

    def __init__(self, path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.path = Path(path)
        self.required = required
        self.optional = optional
        self.size = self.path.stat().st_size if self.path.exists() else 0
        self.header: list[str] = []

    def check_header(self) -> list[RowProblem]:
        if not self.path.is_file():
            return [RowProblem(0, f"{self.path}: file not found")]
        with self._open() as handle:
            first = next(csv.reader(handle), [])
        self.header = [h.strip().lower() for h in first]
        missing = [c for c in self.required if c not in self.header]
        if missing:
            return [RowProblem(1, f"the header row lacks the column(s) {', '.join(missing)}; it needs "
                                  f"{','.join(self.required)}")]
        return []

    def _open(self):
        # utf-8-sig: Excel saves CSV with a byte-order mark.
        return open(self.path, newline="", encoding="utf-8-sig", errors="strict")

    def rows(self, progress: Progress | None = None, every: int = 20000) -> Iterator[tuple[int, list[str]]]:
        """(line, fields in header order of `columns`) for each data row; blank rows are skipped."""
        with self._open() as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for count, fields in enumerate(reader, 1):
                if fields and any(f.strip() for f in fields):
                    yield reader.line_num, fields
                if progress and count % every == 0:
                    progress(min(handle.buffer.tell(), self.size), self.size)
        if progress:
            progress(self.size, self.size)

    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.header)}

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def field_getter(index: dict[str, int]):
    """Read a named column from a row, tolerating short rows and surrounding spaces."""
    def get(fields: list[str], name: str) -> str:
        i = index.get(name)
        return fields[i].strip() if i is not None and i < len(fields) else ""
    return get


def write_rejected(path: Path, header: list[str], rows: list[tuple[int, list[str], str]]) -> None:
    """The bad rows as they were, with their line and what to fix, so the office can correct and re-import them."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_files.writer(handle)
        writer.writerow([*header, "line", "problem"])
        for line, fields, problem in rows:
            writer.writerow([*fields, line, problem])


def finish(result: ImportResult, csv_file: CsvFile, bad_rows: list, skip_invalid: bool,
           rejected_path: Path | None) -> None:
    """Refuse the import if any row is bad (unless skipping), else note the rejected rows' file."""
    if not result.problems:
        return
    if not skip_invalid or any(p.line <= 1 for p in result.problems):
        raise ImportRejected(result)
    result.rejected = len({line for line, _, _ in bad_rows})
    result.rejected_path = Path(rejected_path or csv_file.path.with_suffix(".rejected.csv"))
    write_rejected(result.rejected_path, csv_file.header, bad_rows)


def check_rows(csv_file: CsvFile, result: ImportResult, check, progress: Progress | None) -> tuple[list, list]:
    """Run `check(line, fields) -> (values, problems)` over every row; returns (good values, bad rows)."""
    good, bad = [], []
    for line, fields in csv_file.rows(progress):
        result.rows += 1
        values, problems = check(line, fields)
        result.problems += [RowProblem(line, m) for m in problems]
        if problems:
            bad.append((line, fields, "; ".join(problems)))
        else:
            good.append(values)
    return good, bad


def in_one_transaction(actor: str, csv_file: CsvFile, result: ImportResult, apply) -> ImportResult:
    """Run `apply()` and the import's audit event as one transaction: on any failure, nothing is changed."""
    try:
        apply()
        record(actor, f"import.{result.kind}", object_type="Import", object_id=csv_file.sha256()[:16],
               after={"file": csv_file.path.name, **result.counts()})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result
