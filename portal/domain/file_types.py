"""Evidence files: which kinds we accept, the rules their bytes must pass, and the names we show for them.

Pure: bytes in, a Problem (or None) out. `services.uploads` adds what needs libraries (filetype and libmagic must
both agree with `signature_kind`, and Pillow must decode images); `forms.validators` runs these rules on the form,
so most bad files get a field error before any service is called.

The rule for polyglots (a file that is validly two things at once, such as a PDF that is also a web page or a
photo that is also a ZIP archive): a file is accepted only if it is one thing.
  1. It starts, at offset 0, with the signature of one accepted kind. PDF readers accept `%PDF-` anywhere in the
     first 1024 bytes; we do not, which defeats "web page first, PDF after" files.
  2. Its first 1024 bytes hold no HTML or SVG markup (`<html`, `<script`, `<svg`, `<iframe`, `<!doctype`...): the
     window browsers and older MIME sniffers look at before deciding a file is a web page.
  3. Nowhere in the file is there `<script`, `<html`, `<iframe` or `<!doctype html` followed by the end of a tag
     name. These are long enough that compressed photo data holds one by chance in fewer than one 10 MB file in
     100,000, where a shorter marker such as `<svg` would refuse about one large photo in 2,000.
  4. It is not also a ZIP archive (a JAR, an Office document, an APK): no end-of-central-directory record whose
     comment runs exactly to the end of the file, which is how unzip, Java and Office find an archive.
  5. A PDF ends with `%%EOF` (in its last 1024 bytes, as readers allow), so a truncated file is refused, and names
     no script, launch action or attached file (`/JavaScript`, `/JS`, `/Launch`, `/EmbeddedFile(s)`,
     `/RichMedia`, `/XFA`; `#xx` escapes decoded) outside its stream bodies, whose compressed data holds "/JS" by
     chance about once per 10 MB. This byte search cannot see names packed in compressed object streams: the
     service then parses the whole file (`services.pdf_content`, with pypdf) and walks every object, those streams
     included, refusing active content there too. The download headers (attachment, nosniff, a CSP that allows
     nothing) remain a further line of defence.
Other data after the end of an image is allowed: Samsung and Google phones append their own data after a JPEG's
end, and refusing those photos would turn away many parents for no gain once rules 2 to 4 hold.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # "pdf", "jpeg", "png", "heic"
    label: str  # for people: "PDF"
    mime: str  # what we serve it as
    extension: str  # what a download is called: ".pdf"
    image: bool


PDF = Kind("pdf", "PDF", "application/pdf", ".pdf", image=False)
JPEG = Kind("jpeg", "JPEG", "image/jpeg", ".jpg", image=True)
PNG = Kind("png", "PNG", "image/png", ".png", image=True)
HEIC = Kind("heic", "HEIC", "image/heic", ".heic", image=True)
KINDS = {kind.name: kind for kind in (PDF, JPEG, PNG, HEIC)}

# What the detectors (filetype, libmagic) may call each kind: an iPhone photo is "image/heic" or "image/heif".
DETECTED_MIME = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/heic": HEIC,
    "image/heif": HEIC,
}

# ISO base media "ftyp" brands of HEIF stills with HEVC pictures, as iPhones and Android phones write them.
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Problem reasons, so callers and tests can tell them apart without parsing the message.
EMPTY = "empty"
TOO_BIG = "too_big"
NOT_ALLOWED = "not_allowed"
HIDDEN_CONTENT = "hidden_content"
ACTIVE_PDF = "active_pdf"
DAMAGED = "damaged"
TOO_MANY_PIXELS = "too_many_pixels"
PROTECTED_PDF = "protected_pdf"
TOO_MANY_UPLOADS = "too_many_uploads"

ACCEPTED_WORDS = "a PDF, JPEG, PNG or HEIC photo"


@dataclass(frozen=True)
class Problem:
    reason: str
    message: str  # names the file, says what is wrong and what to do


def message(reason: str, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """What a parent reads: the file, what is wrong, and what to do next."""
    shown = f"‘{name}’"
    texts = {
        EMPTY: f"{shown} is empty: choose the file again, or take the photo again, then try again",
        TOO_BIG: f"{shown} is bigger than {megabytes(max_bytes)}: send a smaller copy (a screenshot of a photo, "
                 "or a PDF rather than a photo of each page), then try again",
        NOT_ALLOWED: f"{shown} is not {ACCEPTED_WORDS}: save it as a PDF or take a photo, then try again",
        HIDDEN_CONTENT: f"{shown} has web page code or another file hidden inside it, so we cannot accept it: "
                        "save it again as a PDF (Print, then Save as PDF) or take a photo of it, then try again",
        ACTIVE_PDF: f"{shown} contains scripts or attached files, which we cannot accept: "
                    "save it again as a new PDF (Print, then Save as PDF), then try again",
        DAMAGED: f"{shown} is damaged or incomplete: save it again or take the photo again, then try again",
        TOO_MANY_PIXELS: f"{shown} is too large a picture to open: send a screenshot of it or a smaller copy, "
                         "then try again",
        PROTECTED_PDF: f"{shown} is protected with a password, so the school could not open it: save it again as a "
                       "new PDF without a password (Print, then Save as PDF), then try again",
        TOO_MANY_UPLOADS: f"{shown} was not sent: you have sent as many files as we accept in an hour. Try again "
                          "in an hour, or send the form without it and give the school a copy",
    }
    return texts[reason]


def megabytes(size: int) -> str:
    """10 * 1024 * 1024 -> "10 MB"; 1.5 MB -> "1.5 MB"; 200 bytes -> "0.1 MB" (never "0 MB")."""
    text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return f"{text if text != '0' else '0.1'} MB"


def signature_kind(data: bytes) -> Kind | None:
    """The accepted kind whose signature starts the file at offset 0, if any."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return HEIC
    return None


# Rule 2: markup in the first KB. A tag name must end (space, >, /) so that "<svgfoo" or XMP's "<x:xmpmeta" pass.
_END = rb"[\t\n\x0c\r />]"
_HEAD_MARKUP = re.compile(
    rb"<(?:html|head|body|script|svg|iframe|object|embed|style|title|meta|link|form|img)" + _END
    + rb"|<!doctype|<!--|javascript:",
    re.IGNORECASE,
)
HEAD_WINDOW = 1024
# Rule 3: markup anywhere, long enough not to turn up by chance in compressed data.
_ANYWHERE_MARKUP = re.compile(rb"<(?:script|html|iframe)" + _END + rb"|<!doctype html", re.IGNORECASE)
# Rule 4: a ZIP end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes.
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
# Rule 5: PDF names that run script, launch programs or carry other files. "/JS" must not match "/JSONData".
_PDF_NAME = re.compile(rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){2,16})(?![A-Za-z0-9#])")
ACTIVE_PDF_NAMES = {b"JS", b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Stream bodies (page contents, fonts, scanned images) are compressed, so "/JS" turns up in them by chance: skip
# them. A body starts after the keyword "stream" (not "endstream") and its end of line, and runs to "endstream".
_STREAM_START = re.compile(rb"stream(?:\r\n|\r|\n)")


def has_markup(data: bytes) -> bool:
    return bool(_HEAD_MARKUP.search(data, 0, HEAD_WINDOW) or _ANYWHERE_MARKUP.search(data))


def is_zip(data: bytes) -> bool:
    """True when a ZIP reader would open this file: an end record whose comment ends exactly at the file's end."""
    start = max(0, len(data) - _EOCD_SIZE - 0xFFFF)
    at = data.rfind(_EOCD, start)
    while at != -1:
        if at + _EOCD_SIZE <= len(data):
            (comment_length,) = struct.unpack_from("<H", data, at + 20)
            if at + _EOCD_SIZE + comment_length == len(data):
                return True
        at = data.rfind(_EOCD, start, at)
    return False


def pdf_active_names(data: bytes) -> set[str]:
    """The script, launch and attached-file names a PDF uses, with `#xx` escapes decoded ("/J#53" is "/JS")."""
    found = set()
    for start, end in _outside_streams(data):
        for match in _PDF_NAME.finditer(data, start, end):
            name = match.group(1)
            if b"#" in name:
                name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
            if name in ACTIVE_PDF_NAMES:
                found.add(name.decode("ascii"))
    return found


def _outside_streams(data: bytes):
    """(start, end) of each stretch of a PDF that is not a stream body."""
    position = 0
    for match in _STREAM_START.finditer(data):
        if match.start() < position or data[match.start() - 3 : match.start()] == b"end":
            continue
        yield position, match.start()
        end = data.find(b"endstream", match.end())
        if end == -1:
            return  # an unterminated stream: the rest is its body
        position = end
    yield position, len(data)


def pdf_is_complete(data: bytes) -> bool:
    return b"%%EOF" in data[-1024:]


def check_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Problem | None:
    """The first problem with a file's content, or None. `data` may be longer than `max_bytes` (read max + 1 to
    know a file is too big without reading it all)."""
    reason = _reason(data, max_bytes)
    return Problem(reason, message(reason, name, max_bytes)) if reason else None


def _reason(data: bytes, max_bytes: int) -> str | None:
    if not data:
        return EMPTY
    if len(data) > max_bytes:
        return TOO_BIG
    kind = signature_kind(data)
    if kind is None:
        return NOT_ALLOWED
    if has_markup(data) or is_zip(data):
        return HIDDEN_CONTENT
    if kind is PDF:
        if not pdf_is_complete(data):
            return DAMAGED
        if pdf_active_names(data):
            return ACTIVE_PDF
    return None


# ---------------------------------------------------------------------------------------------------- names
_UNSAFE_CHARACTERS = set('<>:"|?*')
MAX_NAME_LENGTH = 120


def display_name(raw: str | None) -> str:
    """The name a parent gave the file, safe to show and to offer as a download name; never used on disk.

    Keeps letters of any script; drops folders ("../../etc/passwd" -> "passwd", "..\\..\\boot.ini" ->
    "boot.ini"), control and formatting characters (a right-to-left override can make "exe.pdf" read as
    "fdp.exe"), characters Windows refuses in names, and leading dots; shortens long names, keeping the extension.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or (unicodedata.category(ch)[0] != "C" and ch not in _UNSAFE_CHARACTERS)
    )
    text = " ".join(text.split()).strip(" .")
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:MAX_NAME_LENGTH].rstrip(" .")
    return text or "evidence"


def download_name(display: str, kind: Kind) -> str:
    """The display name with the extension of what the file really is: a JPEG sent as "scan.png" downloads as
    "scan.jpg", so the computer that opens it picks the right program."""
    stem, dot, extension = display.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem = display
    return stem + kind.extension
