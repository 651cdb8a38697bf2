"""Reading a policy file: TOML with every problem reported by key and line, never a traceback.

`tomllib` gives values but not where they were written, so `key_lines` scans the source once for table headers
and assignments; `Reader` walks the parsed values, converting and checking each one, and records a `Problem` with
the line of the nearest key it can find.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

ERROR = "error"
WARNING = "warning"
NOTE = "note"

Path = tuple  # ("schools", 0, "sites", 1, "am", "late_from")


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR, WARNING or NOTE
    key: str  # "schools[0].sites[1].am.late_from"
    message: str
    line: int | None = None

    def format(self, filename: str) -> str:
        where = f"{filename}:{self.line}" if self.line else filename
        key = f"{self.key}: " if self.key else ""
        return f"{where}: {self.level}: {key}{self.message}"


def key_name(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+?)\s*=\s*(.*)$")
_INLINE_KEY = re.compile(r"([A-Za-z0-9_\-]+)\s*=")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in dotted.split(".")]


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def key_lines(source: str) -> dict[Path, int]:
    """Map each key path to the line it is written on (1-based). Good enough for error messages."""
    lines: dict[Path, int] = {}
    counts: dict[Path, int] = {}  # array-of-tables path -> entries so far
    current: Path = ()
    array_key: Path | None = None  # inside a multi-line array value
    depth = element = 0
    in_string = False

    def resolve(parts: list[str]) -> Path:
        path: Path = ()
        for part in parts:
            path += (part,)
            if path in counts:
                path += (counts[path] - 1,)
        return path

    for number, raw in enumerate(source.splitlines(), start=1):
        text = _strip_comment(raw)
        if in_string:
            in_string = text.count('"""') % 2 == 0
            continue
        if array_key is not None:
            if depth == 1 and text.strip() and not text.strip().startswith(("{", "]")):
                # Scalars written several to a line: `2026-09-01, 2026-09-02,`
                for _ in filter(str.strip, text.split("]")[0].split(",")):
                    lines.setdefault(array_key + (element,), number)
                    element += 1
            for char in text:
                if char == "{" and depth == 1:
                    lines.setdefault(array_key + (element,), number)
                    for sub in _INLINE_KEY.findall(text):
                        lines.setdefault(array_key + (element, sub), number)
                    element += 1
                depth += {"[": 1, "]": -1, "{": 1, "}": -1}.get(char, 0)
            if depth <= 0:
                array_key = None
            continue
        if match := _HEADER.match(text):
            parts = _parts(match.group(2))
            if match.group(1) == "[[":
                parent = resolve(parts[:-1]) + (parts[-1],)
                counts[parent] = counts.get(parent, 0) + 1
                current = parent + (counts[parent] - 1,)
            else:
                current = resolve(parts)
            lines.setdefault(current, number)
            continue
        if match := _ASSIGN.match(text):
            path = current + tuple(_parts(match.group(1)))
            lines.setdefault(path, number)
            value = match.group(2).strip()
            if value.startswith("{"):
                for sub in _INLINE_KEY.findall(value):
                    lines.setdefault(path + (sub,), number)
            elif value.startswith("["):
                depth = value.count("[") - value.count("]")
                if depth > 0:
                    array_key, element = path, 0
            elif value.count('"""') == 1:
                in_string = True
    return lines


class Reader:
    """Walks one table of the parsed policy, converting values and collecting problems."""

    def __init__(self, data: Any, path: Path, problems: list[Problem], lines: dict[Path, int]):
        self.data = data if isinstance(data, dict) else {}
        self.path = path
        self.problems = problems
        self.lines = lines
        self.seen: set[str] = set()

    def line(self, path: Path) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def report(self, level: str, key: str | int | None, message: str) -> None:
        path = self.path if key is None else self.path + (key,)
        self.problems.append(Problem(level, key_name(path), message, self.line(path)))

    def error(self, key, message):
        self.report(ERROR, key, message)

    def warn(self, key, message):
        self.report(WARNING, key, message)

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, required: bool, kinds: tuple, what: str):
        self.seen.add(key)
        if key not in self.data:
            if required:
                self.error(key, f"missing: add `{key} = ...` ({what})")
            return None
        value = self.data[key]
        if isinstance(value, bool) and bool not in kinds:
            value = None
        if value is None or not isinstance(value, kinds):
            self.error(key, f"should be {what}, not {self.data[key]!r}")
            return None
        return value

    def str(self, key: str, default=None, required=None) -> Any:
        required = default is None if required is None else required
        value = self._get(key, required, (str,), "text in quotes")
        if value is not None and not value.strip():
            self.error(key, "is empty")
        return default if value is None else value

    def slug(self, key: str) -> str | None:
        value = self.str(key)
        if value is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
            self.error(key, f"{value!r} should use lower-case letters, digits and hyphens, like 'rise-park'")
        return value

    def int(self, key: str, default=None, minimum: int = 0) -> Any:
        value = self._get(key, default is None, (int,), "a whole number")
        if value is not None and value < minimum:
            self.error(key, f"should be {minimum} or more, not {value}")
            return default
        return default if value is None else value

    def bool(self, key: str, default: bool) -> bool:
        value = self._get(key, False, (bool,), "true or false")
        return default if value is None else value

    def pct(self, key: str, default=None, required: bool | None = None) -> Decimal | None:
        required = default is None if required is None else required
        value = self._get(key, required, (int, Decimal), "a percentage, like 97 or 96.5")
        if value is None:
            return default
        value = Decimal(value)
        if not 0 <= value <= 100:
            self.error(key, f"{value} is not a percentage between 0 and 100")
            return default
        return value

    def time(self, key: str, default: time | None = None) -> time | None:
        value = self._get(key, default is None, (str,), 'a time like "08:40"')
        if value is None:
            return default
        match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value)
        if not match:
            self.error(key, f'{value!r} is not a time: write it as "HH:MM" on the 24-hour clock, like "13:10"')
            return default
        return time(int(match.group(1)), int(match.group(2)))

    def date(self, key: str, required: bool = True) -> date | None:
        value = self._get(key, required, (date,), "a date like 2026-09-02 (no quotes)")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default=None) -> Any:
        value = self.str(key, default=default)
        if value is not None and value not in choices:
            self.error(key, f"{value!r} should be one of: {', '.join(choices)}")
            return default
        return value

    def list(self, key: str, required: bool = False) -> list:
        value = self._get(key, required, (list,), "a list in square brackets")
        return value or []

    def table(self, key: str, required: bool = False) -> Reader:
        value = self._get(key, required, (dict,), f"a table: [{key_name(self.path + (key,))}]")
        return Reader(value or {}, self.path + (key,), self.problems, self.lines)

    def tables(self, key: str, required: bool = False) -> list[Reader]:
        items = self._get(key, required, (list,), f"a list of tables: [[{key_name(self.path + (key,))}]]")
        readers = []
        for index, item in enumerate(items or []):
            if not isinstance(item, dict):
                self.error(key, f"entry {index + 1} should be a table")
                continue
            readers.append(Reader(item, self.path + (key, index), self.problems, self.lines))
        return readers

    def item(self, index: int, value: Any) -> Reader:
        return Reader(value, self.path + (index,), self.problems, self.lines)

    def done(self) -> None:
        """Every key must be known: a typo such as `late_form` must not be silently ignored."""
        for key in self.data:
            if key not in self.seen:
                close = difflib.get_close_matches(key, sorted(self.seen), n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                self.error(key, f"unknown key{hint}")


def parse_toml(source: str) -> tuple[dict | None, list[Problem]]:
    try:
        return tomllib.loads(source, parse_float=Decimal), []
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        return None, [Problem(ERROR, "", f"not valid TOML: {exc}", line)]
