"""Reusable WTForms validators.

EvidenceFiles checks a MultipleFileField of evidence: how many files, and for each file the content rules of
`portal.domain.file_types` (empty, too big, not a PDF/JPEG/PNG/HEIC by its first bytes, hidden web page or archive,
a PDF with scripts). Every bad file gets its own message, naming it, so a parent fixes them all in one go.

Why not the whole check here: the type must also be confirmed by filetype and libmagic (a C library) and images
decoded by Pillow, and forms may import only the pure domain, not services (design.md section 2). So the view
still calls `services.uploads.check_many()` before storing, which repeats these rules and adds the library checks;
its `UploadsRejected.messages` go on the same field (`form.evidence.errors.extend(error.messages)`). Most bad files
are caught here first, with no service call.
"""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation, ValidationError

from portal.domain import file_types


def chosen_files(field) -> list[FileStorage]:
    """The files a person actually chose: browsers send an empty, nameless part when none is chosen."""
    data = field.data or []
    if isinstance(data, FileStorage):
        data = [data]
    return [f for f in data if isinstance(f, FileStorage) and f.filename]


class EvidenceFiles:
    def __init__(self, max_files: int = 5, min_files: int = 1, max_bytes: int | None = None):
        self.max_files = max_files
        self.min_files = min_files
        self.max_bytes = max_bytes

    def __call__(self, form, field) -> None:
        files = chosen_files(field)
        if len(files) < self.min_files:
            raise StopValidation(
                "Select a file" if self.min_files == 1 else f"Select at least {self.min_files} files"
            )
        if len(files) > self.max_files:
            raise StopValidation(
                f"Select {self.max_files} files or fewer: to send more pages, put them in one PDF"
            )
        limit = self.max_bytes or int(
            current_app.config.get("PORTAL_EVIDENCE_MAX_BYTES", file_types.DEFAULT_MAX_BYTES)
        )
        messages = []
        for upload in files:
            problem = file_types.check_bytes(head(upload, limit + 1), file_types.display_name(upload.filename), limit)
            if problem:
                messages.append(problem.message)
        if messages:
            field.errors.extend(messages[:-1])
            raise ValidationError(messages[-1])


def head(upload: FileStorage, limit: int) -> bytes:
    """Up to `limit` bytes from the start of the upload, leaving the stream where it was for the service."""
    stream = upload.stream
    position = stream.tell()
    try:
        stream.seek(0)
        return stream.read(limit)
    finally:
        stream.seek(position)
