"""HTML to PDF with WeasyPrint, imported on first use (half a second that only PDFs need).

Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True`, which would let truncated
photos through the evidence checks of `services.uploads` for the rest of the process: the setting is put back as
it was (as `services.leave` does for its letters). The legal pathway's letters, returns and case files hold no
images.
"""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as flask_gettext
from markupsafe import Markup

from portal.domain.languages import babel_locale


def html_to_pdf(html: str) -> bytes:
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML(string=html).write_pdf()


def page_counter(language: str) -> Markup:
    """"Page 3 of 4" in `language`, as the CSS `content` of a PDF page's footer: the numbers are WeasyPrint's."""
    with force_locale(babel_locale(language)):
        return counter_content(flask_gettext("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0"))


def counter_content(text: str) -> Markup:
    """"Strona \0page\0 z \0pages\0" as CSS `content`: the words quoted, the marked places WeasyPrint's counters."""
    parts = re.split(r"\0(pages?)\0", text)
    # Safe as markup (bandit B704): the words are the translation catalogue's, not a user's; quotes, backslashes and
    # "<" are taken out so that no catalogue entry can end the CSS string or the style element.
    return Markup(" ".join(  # nosec B704
        f"counter({part})" if i % 2 else '"' + part.replace('"', "'").replace("\\", "").replace("<", "") + '"'
        for i, part in enumerate(parts) if i % 2 or part))
