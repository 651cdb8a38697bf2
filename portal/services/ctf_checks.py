"""What `import ctf` checks around the XML reader (portal.services.ctf): the bytes before parsing, the marks against
the school calendar after it, and the file of marks left out with --skip-invalid.

Before parsing, a file that is not XML text is named for what it is (a ZIP, a spreadsheet...); a CTF in UTF-16 is
read (its declaration says so); and one that declares UTF-8 but holds other bytes (a CTF saved by a text editor as
Windows-1252) is refused as an encoding problem, naming the line, rather than as "not well-formed XML".
"""

from __future__ import annotations

import codecs
import csv
import re
from datetime import date
from pathlib import Path

from portal.domain import encodings

_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DECLARATION_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[A-Za-z0-9._-]*\2")
_UTF8_NAMES = {"utf-8", "utf8"}
WIDE_BOMS = encodings.BOMS[:2] + encodings.BOMS[3:]  # UTF-32 and UTF-16; a UTF-8 BOM is read by the parser


def prepare(data: bytes) -> tuple[bytes, str | None, str]:
    """(bytes for the XML parser, what is wrong or None, the encoding read, in words)."""
    for signature, what in encodings.SIGNATURES:
        if data.startswith(signature):
            return data, (f"the file is {what}, not a Common Transfer File (XML): if the MIS gave you a .zip, "
                          "open it and import the .xml file inside"), ""
    wide = next(((codec, label) for bom, codec, label in WIDE_BOMS if data.startswith(bom)), None)
    wide = wide or encodings.utf16_without_bom(data[:4096])
    if wide:
        codec, label = wide
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            return data, f"the file is {label} but it ends part-way through a character: it looks cut short", label
        return _DECLARATION_ENCODING.sub(r'\1"UTF-8"', text.lstrip("\ufeff"), count=1).encode(), None, label
    if b"\x00" in data:
        return data, "the file holds zero bytes: it is not a text (XML) file; export the CTF again", ""
    declared = _DECLARED.match(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    name = declared.group(1).decode().lower() if declared else "utf-8"
    if name not in _UTF8_NAMES:
        try:
            codecs.lookup(name)
        except LookupError:
            return data, (f"the file declares the encoding {declared.group(1).decode()!r}, which is not a known "
                          "encoding: export the CTF again from the MIS (as UTF-8)"), ""
        return data, None, declared.group(1).decode()
    bad = encodings.first_bad_utf8(data)
    if bad:
        line, byte = bad
        said = "says it is UTF-8" if declared else "is read as UTF-8 (it declares no other encoding)"
        as_1252 = bytes([byte]).decode("cp1252", errors="replace")
        return data, (f"encoding problem: the file {said}, but line {line} holds the byte 0x{byte:02X}, which is "
                      f"not UTF-8 (in Windows-1252 it is {as_1252!r}): the file was probably saved by another "
                      "program in Windows-1252. Export the CTF again from the MIS, or save it as UTF-8"), "UTF-8"
    return data, None, "UTF-8"


def weekend(day: date) -> str | None:
    """Why no school has a session on `day` whatever its calendar, or None."""
    return "Weekend" if day.weekday() >= 5 else None


def write_left_out(path: Path, rows: list[tuple[str, date, str, str, str]]) -> None:
    """The marks left out, as a marks CSV (upn,date,session,code) with the problem: fix and import as marks."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["upn", "date", "session", "code", "problem"])
        for upn, day, session, code, problem in rows:
            writer.writerow([upn, day.isoformat() if day else "", session, code, problem])
