"""PDF evidence, parsed: every object of the file is read with pypdf (those packed in compressed object streams too)
and a PDF that could run anything is refused.

`portal.domain.file_types` looks at the raw bytes first (fast, and on the form), but cannot see inside compressed
object streams, where "/JS" and "/OpenAction" hide from a byte search. Here each object the cross-reference table
names, and each object packed in an object stream, is parsed and walked; refused:
  - scripts: /JS, /JavaScript (a key, or an action's /S), XFA forms (/XFA);
  - actions that run without a click or reach outside the file: /AA (additional actions, e.g. on opening a page),
    /Launch, /OpenAction unless it only shows a page (a destination, or a /GoTo action), /GoToE, /ImportData,
    /SubmitForm;
  - attached files and embedded media: /EmbeddedFile(s), /RichMedia.
Ordinary links (/URI, /GoTo) are allowed: letters and bookings carry them.

A file pypdf cannot parse is refused as damaged; a file protected by a password as such: parents are told to save
it again as a new PDF, which removes both problems.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject, DictionaryObject, IndirectObject, NameObject, NullObject, StreamObject,
)

from portal.domain import file_types as ft

ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/Launch"}
ACTIVE_NAMES = {"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/SubmitForm", "/EmbeddedFile", "/RichMedia"}
MAX_OBJECTS = 200_000  # far more than any letter or scan; a file claiming more is not a document we need
MAX_DEPTH = 200  # nesting of dictionaries and arrays inside one object

# pypdf reports what it repairs in a damaged file through logging, at WARNING; a parent's odd PDF is not news.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class _Active(Exception):
    pass


def problem(data: bytes) -> str | None:
    """The reason (a file_types constant) to refuse this PDF, or None when it holds nothing active."""
    try:
        reader = _open(data)
        if reader.is_encrypted and not reader.decrypt(""):
            return ft.PROTECTED_PDF
        if not isinstance(reader.trailer.get("/Root", NullObject()).get_object(), DictionaryObject):
            return ft.DAMAGED  # no document in it
        for number, generation in _object_ids(reader):
            item = reader.get_object(IndirectObject(number, generation, reader))
            if isinstance(item, StreamObject) and item.get("/Type") == "/ObjStm":
                # Its objects are walked one by one too; this also catches what pypdf, being lenient, would skip
                # in a stream it cannot split into objects.
                if ft.pdf_active_names(item.get_data()):
                    raise _Active("/ObjStm")
            _walk(item, 0)
        _walk(reader.trailer, 0)
    except _Active:
        return ft.ACTIVE_PDF
    except Exception:  # noqa: BLE001 - pypdf raises many kinds (PdfReadError, ValueError, KeyError, RecursionError)
        return ft.DAMAGED
    return None


def _open(data: bytes) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except PdfReadError:
        # No usable "startxref" (some writers leave it out): find the objects by reading the whole file, as PDF
        # viewers do when they repair a file.
        return PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)


def _object_ids(reader: PdfReader):
    """(number, generation) of every object in the file: the cross-reference table's and the object streams'."""
    seen = set()
    for generation, objects in reader.xref.items():
        for number in objects:
            seen.add((number, generation))
    for number in reader.xref_objStm:
        seen.add((number, 0))
    if len(seen) > MAX_OBJECTS:
        raise ValueError("too many objects")
    return sorted(seen)


def _walk(value, depth: int) -> None:
    """Look at one object's direct content; objects it refers to are walked on their own (every object is)."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deep")
    if isinstance(value, IndirectObject):
        return
    if isinstance(value, NameObject):
        if value in ACTIVE_NAMES:
            raise _Active(value)
        return
    if isinstance(value, DictionaryObject):  # a stream's dictionary too (StreamObject is one)
        for key, item in value.items():
            if key in ACTIVE_KEYS:
                raise _Active(key)
            if key == "/OpenAction" and not _only_shows_a_page(item):
                raise _Active(key)
            _walk(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk(item, depth + 1)


def _only_shows_a_page(action) -> bool:
    action = action.get_object() if isinstance(action, IndirectObject) else action
    if isinstance(action, ArrayObject):
        return True  # a destination: which page, at what zoom
    return isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo" and "/Next" not in action
