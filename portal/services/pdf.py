"""HTML to PDF with WeasyPrint, imported on first use (half a second that only PDFs need).

Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True`, which would let truncated
photos through the evidence checks of `services.uploads` for the rest of the process: the setting is put back as
it was (as `services.leave` does for its letters). The legal pathway's letters, returns and case files hold no
images.
"""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML(string=html).write_pdf()
