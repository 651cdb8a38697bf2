"""What every import shares: reading the CSV (any encoding, MIS headings) with line numbers, the result, and the
file of rejected rows."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from portal.domain import encodings, mis_columns
from portal.domain.encodings import Encoding
from portal.extensions import db
from portal.services import ServiceError, csv_files, data_arrivals
from portal.services.audit_writer import record

Progress = Callable[[int, int], None]  # (bytes read so far, total bytes)
Columns = Mapping[str, Mapping[str, str]]  # a school's own headings: {kind: {heading: portal column}}


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
    no_mark: int = 0  # marks rows with "-" or no code: nothing to store
    problems: list[RowProblem] = field(default_factory=list)
    rejected_path: Path | None = None
    notes: list[str] = field(default_factory=list)  # the encoding read, the headings taken for columns
    pupil_ids: set[int] = field(default_factory=set)  # the pupils the file names, whose figures to refresh
    school_ids: set[int] = field(default_factory=set)  # the schools whose data this was
    refreshed: int = 0  # pupils whose kept figures the import worked out again once committed

    def counts(self) -> dict[str, int]:
        counts = {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                  "rejected": self.rejected}
        if self.removed:
            counts["removed"] = self.removed
        if self.kept_newer:
            counts["kept newer"] = self.kept_newer
        if self.no_mark:
            counts["no mark"] = self.no_mark
        return counts


class ImportRejected(ServiceError):
    def __init__(self, result: ImportResult):
        rows = len({p.line for p in result.problems})
        super().__init__(f"nothing was imported: {rows} bad row(s) in the {result.kind} file")
        self.result = result


class CsvFile:
    """A CSV export with a header row, in whatever encoding and with whatever headings the MIS wrote.

    Rows come as (line number, fields); `index()` gives each portal column's place in them (domain.mis_columns
    maps the MIS's headings). Extra columns are ignored. Nothing here raises for a bad file: what is wrong with
    the file itself is a RowProblem at line 0 (`check_header`, or `broken` once the rows have been read)."""

    def __init__(self, path: str | Path, kind: str, mapping: Mapping[str, Mapping[str, str]] | None = None,
                 defaults: Mapping[str, str] | None = None):
        self.path = Path(path)
        self.kind = kind
        self.required, self.optional = mis_columns.REQUIRED[kind], mis_columns.OPTIONAL[kind]
        self.extra = (mapping or {}).get(kind)
        self.defaults = {k: v for k, v in (defaults or {}).items() if v}
        self.size = self.path.stat().st_size if self.path.is_file() else 0
        self.header: list[str] = []  # as written in the file, then any columns filled from `defaults`
        self.encoding: Encoding | None = None
        self.match: mis_columns.HeaderMatch | None = None
        self.broken: RowProblem | None = None
        self._width = 0
        self._filled: list[str] = []
        self.delimiter = ","

    def check_header(self) -> list[RowProblem]:
        if not self.path.is_file():
            return [RowProblem(0, f"{self.path}: file not found")]
        try:
            self.encoding = encodings.detect(self._chunks)
            with self._open() as handle:
                self.delimiter = _delimiter(handle.readline(1 << 20))
                handle.seek(0)
                first = next(csv.reader(handle, delimiter=self.delimiter), [])
        except encodings.EncodingProblem as problem:
            return [RowProblem(0, f"{self.path.name}: {problem}")]
        except (csv.Error, UnicodeError, OSError) as exc:
            return [RowProblem(0, f"{self.path.name}: the header row cannot be read as CSV ({_reason(exc)}): "
                                  "is this the MIS's CSV export?")]
        self.header = [h.strip() for h in first]
        self._width = len(self.header)
        self.match = mis_columns.match_header(self.kind, self.header, self.extra)
        self._filled = [c for c in self.match.missing if c in self.defaults]
        for column in self._filled:
            self.match.columns[column] = len(self.header)
            self.header.append(column)
        if any(c not in self._filled for c in self.match.missing):
            missing = mis_columns.HeaderMatch(self.kind, self.match.columns, self.match.renamed,
                                              tuple(c for c in self.match.missing if c not in self._filled))
            return [RowProblem(1, mis_columns.describe_missing(missing, self.header[:self._width]))]
        return []

    def _chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            yield from iter(lambda: handle.read(1 << 20), b"")

    def _open(self):
        return open(self.path, newline="", encoding=self.encoding.codec if self.encoding else "utf-8-sig",
                    errors="strict")

    def rows(self, progress: Progress | None = None, every: int = 20000) -> Iterator[tuple[int, list[str]]]:
        """(line, fields) for each data row, with any filled columns at the end; blank rows are skipped."""
        fill = [self.defaults[c] for c in self._filled]
        line = 1
        try:
            with self._open() as handle:
                reader = csv.reader(handle, delimiter=self.delimiter)
                next(reader, None)
                for count, fields in enumerate(reader, 1):
                    line = reader.line_num
                    # Blank unless some field holds more than spaces (the first, the UPN, settles almost every row).
                    if fields and (fields[0].strip() or "".join(fields).strip()):
                        if fill:
                            fields = fields[:self._width] + [""] * (self._width - len(fields)) + fill
                        yield line, fields
                    if progress and count % every == 0:
                        progress(min(handle.buffer.tell(), self.size), self.size)
        except (csv.Error, UnicodeError, OSError) as exc:
            self.broken = RowProblem(0, f"{self.path.name}: line {line + 1} cannot be read as CSV ({_reason(exc)}); "
                                        "nothing was imported: export the file again")
            return
        if progress:
            progress(self.size, self.size)

    def index(self) -> dict[str, int]:
        return dict(self.match.columns) if self.match else {}

    def notes(self) -> list[str]:
        """What the import should tell the person: the encoding read and the headings taken for columns."""
        notes = [f"read as {self.encoding.label}"] if self.encoding else []
        if self.delimiter != ",":
            notes.append(f"columns separated by {DELIMITERS[self.delimiter]}")
        if self.match and self.match.renamed:
            notes.append(f"columns read: {self.match.describe_renames()}")
        if self._filled:
            notes.append("filled in: " + ", ".join(f"{c} = {self.defaults[c]}" for c in self._filled))
        return notes

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


DELIMITERS = {",": "commas", "\t": "tabs", ";": "semicolons"}


def _delimiter(first_line: str) -> str:
    """Commas, or what the header row holds more of: tabs (Excel's "Unicode Text") or semicolons (a PC set to a
    language that writes a decimal comma)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def too_long(values: dict, columns: dict[str, str], model) -> list[str]:
    """A problem for each value longer than its database column holds (PostgreSQL would refuse the whole file)."""
    problems = []
    for key, label in columns.items():
        limit = model.__mapper__.columns[key].type.length
        if isinstance(values.get(key), str) and len(values[key]) > limit:
            problems.append(f"{label} is longer than {limit} characters")
    return problems


def _reason(exc: BaseException) -> str:
    if isinstance(exc, csv.Error) and "field larger than field limit" in str(exc):
        return f"a field is longer than {csv.field_size_limit():,} characters"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)[:200]


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
    """Refuse the import if any row is bad (unless skipping), else note the rejected rows' file.

    A problem with the file itself (line 0, or the header) refuses it even when skipping; when skipping, the
    rejected rows are written even then, so the office always has them to correct."""
    if csv_file.broken and csv_file.broken not in result.problems:
        result.problems.insert(0, csv_file.broken)
    result.notes = csv_file.notes()
    if not result.problems:
        return
    if skip_invalid:
        result.rejected = len({line for line, _, _ in bad_rows})
        # A file refused as a whole has no rows to give back: its rejected-rows file says why instead.
        rows = bad_rows or [(p.line, [], p.message) for p in result.problems]
        target = Path(rejected_path or csv_file.path.with_suffix(".rejected.csv"))
        try:
            write_rejected(target, csv_file.header if bad_rows else [], rows)
            result.rejected_path = target
        except OSError as exc:
            result.problems.append(RowProblem(0, f"the rejected rows could not be written to {target}: "
                                                 f"{exc.strerror or exc}"))
    if not skip_invalid or any(p.line <= 1 for p in result.problems):
        raise ImportRejected(result)


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
        data_arrivals.note(result.kind, csv_file.path.name, result.school_ids, result.rows)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result
