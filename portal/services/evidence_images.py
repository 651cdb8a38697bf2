"""Evidence photos: refused when they are too big a picture to open or damaged, and stored without their metadata.

    problem(data, kind)    reads the header first: a picture of more than PORTAL_EVIDENCE_MAX_PIXELS (40
                           megapixels by default, half Pillow's own limit; a phone's camera takes 12 to 50) is
                           refused before a pixel is decoded, so a small file that unpacks to gigabytes costs
                           nothing. Then the whole picture is decoded: a truncated or corrupt image fails.
    stripped(data, kind)   the picture turned the right way up (its EXIF orientation applied) and saved again
                           with nothing but its pixels and colour profile: no EXIF (so no GPS location, camera or
                           time), no XMP, no comments or text chunks, no thumbnails. What is stored and served is
                           this copy, and its SHA-256 is the one recorded.
"""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

import pillow_heif
from flask import current_app
from PIL import Image, ImageFile, ImageOps

from portal.domain import file_types as ft

pillow_heif.register_heif_opener()
PILLOW_FORMATS = {ft.JPEG: "JPEG", ft.PNG: "PNG", ft.HEIC: "HEIF"}
DEFAULT_MAX_PIXELS = 40_000_000
KEPT_INFO = ("icc_profile", "transparency")  # how the picture looks, nothing about where, when or who
SAVE_OPTIONS = {ft.JPEG: {"quality": 90}, ft.PNG: {}, ft.HEIC: {"quality": 90}}


def max_pixels() -> int:
    configured = int(current_app.config.get("PORTAL_EVIDENCE_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    return min(configured, Image.MAX_IMAGE_PIXELS or configured)


def problem(data: bytes, kind: ft.Kind) -> str | None:
    """The reason to refuse this picture, or None. The pixel count is read from the header, before decoding."""
    formats = [PILLOW_FORMATS[kind]]
    try:
        with strict_pillow(), Image.open(io.BytesIO(data), formats=formats) as image:
            if image.width * image.height > max_pixels():
                return ft.TOO_MANY_PIXELS
            image.verify()  # PNG: every chunk's checksum
        with strict_pillow(), Image.open(io.BytesIO(data), formats=formats) as image:
            if kind is ft.JPEG:
                image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ft.TOO_MANY_PIXELS
    except Exception:  # noqa: BLE001 - Pillow and its plugins raise OSError, SyntaxError, ValueError, EOFError...
        return ft.DAMAGED
    return None


def stripped(data: bytes, kind: ft.Kind) -> bytes:
    """The picture, upright, saved again without metadata (run `problem` first: this assumes a good image)."""
    with strict_pillow(), Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
    upright.info = {key: upright.info[key] for key in KEPT_INFO if key in upright.info}
    out = io.BytesIO()
    upright.save(out, PILLOW_FORMATS[kind], **SAVE_OPTIONS[kind], **_profile(upright))
    return out.getvalue()


def _profile(image: Image.Image) -> dict:
    return {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}


_PILLOW_SETTING = threading.Lock()


@contextmanager
def strict_pillow():
    """Pillow refuses truncated and corrupt images for the duration. WeasyPrint (the letters) sets Pillow's global
    LOAD_TRUNCATED_IMAGES to True when imported, which would make Pillow accept half a photo and swallow decoder
    errors; the lock keeps two uploads from restoring each other's value."""
    with _PILLOW_SETTING:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved
