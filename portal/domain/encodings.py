"""Which text encoding an MIS export or Excel file is in, from its bytes, with the standard codecs.

What schools produce, and how each is recognised:

- UTF-8, with or without a byte-order mark (BOM): Excel's "CSV UTF-8", and most MIS exports;
- UTF-16 with a BOM: Excel's "Unicode Text" (little-endian); UTF-32 with a BOM is read too;
- UTF-16 without a BOM: recognised when every other byte of plain-English text is a zero byte;
- Windows-1252: Excel's "CSV (Comma delimited)" on a UK Windows PC, when the bytes are not UTF-8.

The whole file is checked, not just its start: a Windows-1252 "é" may first come on line 400,000. Refused, saying
why: spreadsheets and archives (.xlsx, .xls, .zip, .pdf, .gz), other binary files (zero bytes), a file that mixes
UTF-8 with other bytes (two exports pasted together), a file cut short inside a character, and bytes that are no
character in Windows-1252 either (0x81, 0x8D, 0x8F, 0x90, 0x9D).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from dataclasses import dataclass

BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 with a byte-order mark"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 with a byte-order mark"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 with a byte-order mark (Excel's \"Unicode Text\")"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 with a byte-order mark"),
)
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
    (b"%PDF-", "a PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
SAVE_AS = "save it as CSV (in Excel: File, Save As, \"CSV UTF-8 (Comma delimited)\") and import that"
WINDOWS_1252 = "Windows-1252 (Excel's \"CSV (Comma delimited)\")"


@dataclass(frozen=True)
class Encoding:
    codec: str  # for open(..., encoding=codec)
    label: str  # for people: "UTF-8", "Windows-1252 (...)"


class EncodingProblem(ValueError):
    """The file is not text in an encoding the portal reads; the message says what to do."""


Chunks = Callable[[], Iterable[bytes]]


def detect(chunks: Chunks) -> Encoding:
    """The encoding of the bytes `chunks()` yields (called again for a second pass); EncodingProblem if none."""
    head = b""
    for chunk in chunks():
        head += chunk
        if len(head) >= 4096:
            break
    if not head:
        raise EncodingProblem("the file is empty")
    for signature, what in SIGNATURES:
        if head.startswith(signature):
            raise EncodingProblem(f"the file is {what}, not a CSV file: {SAVE_AS}")
    for bom, codec, label in BOMS:
        if head.startswith(bom):
            _check(chunks, codec, label)
            return Encoding(codec, label)
    wide = utf16_without_bom(head[:4096])
    if wide:
        _check(chunks, *wide)
        return Encoding(*wide)
    try:
        _check(chunks, "utf-8", "UTF-8", strict_ascii_then_other=True)
    except _NotUtf8 as failure:
        if failure.after_utf8:
            raise EncodingProblem(f"line {failure.line} holds the byte 0x{failure.byte:02X}, which is not UTF-8, "
                                  "while earlier lines hold UTF-8 characters: the file mixes two encodings "
                                  "(two exports joined together?). Export it again in one piece") from None
        _check(chunks, "cp1252", WINDOWS_1252)
        return Encoding("cp1252", WINDOWS_1252)
    return Encoding("utf-8", "UTF-8")


def utf16_without_bom(head: bytes) -> tuple[str, str] | None:
    """Plain text in UTF-16 has a zero byte in every other place; nothing else written by an MIS does."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = head[0:pairs * 2:2].count(0) / pairs
    odd = head[1:pairs * 2:2].count(0) / pairs
    if odd > 0.4 and even < 0.05:
        return "utf-16-le", "UTF-16 little-endian without a byte-order mark"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be", "UTF-16 big-endian without a byte-order mark"
    return None


class _NotUtf8(Exception):
    def __init__(self, line: int, byte: int, after_utf8: bool):
        super().__init__(line, byte)
        self.line, self.byte, self.after_utf8 = line, byte, after_utf8


def _check(chunks: Chunks, codec: str, label: str, strict_ascii_then_other: bool = False) -> None:
    """Decode every byte once; refuse zero bytes in a one-byte encoding (a binary file) and what does not decode."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines, seen_non_ascii = 1, False
    one_byte = codec in ("utf-8", "utf-8-sig", "cp1252")
    for chunk in chunks():
        if one_byte and 0 in chunk:
            line = lines + chunk.count(b"\n", 0, chunk.index(0))
            raise EncodingProblem(f"line {line} holds a zero byte: this is not a text (CSV) file; {SAVE_AS}")
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            at = min(max(0, exc.start - (len(exc.object) - len(chunk))), len(chunk))
            line = lines + chunk.count(b"\n", 0, at)
            if strict_ascii_then_other:
                seen_non_ascii = seen_non_ascii or not exc.object[:exc.start].isascii()
                raise _NotUtf8(line, exc.object[exc.start], seen_non_ascii) from None
            raise EncodingProblem(f"line {line} holds the byte 0x{exc.object[exc.start]:02X}, which is not a "
                                  f"character in {label}: is this a text (CSV) file? {SAVE_AS}") from None
        seen_non_ascii = seen_non_ascii or not text.isascii()  # whole characters only, not a lead byte held over
        lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise EncodingProblem(f"the file ends part-way through a character ({label}): it looks cut short; "
                              "export it again") from None


def first_bad_utf8(data: bytes) -> tuple[int, int] | None:
    """(line, byte) of the first byte of `data` that is not UTF-8, or None when all of it is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1, data[exc.start]
    return None

