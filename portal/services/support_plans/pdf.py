"""A version as a PDF: its text, every signature with the fingerprint it was made on."""

from __future__ import annotations

from datetime import datetime

from flask import render_template

from portal.clock import utcnow
from portal.domain import support_plan as rules
from portal.models.support_plan import SupportPlan, SupportPlanVersion
from portal.domain.nudge_rules import LANGUAGES
from portal.services.pdf import page_counter
from portal.services.support_plans.companion import companion_document
from portal.services.support_plans.status import version_status


def version_pdf(plan: SupportPlan, version: SupportPlanVersion, now: datetime | None = None,
                language: str | None = None) -> bytes:
    """The version as a PDF: its text, every signature with the fingerprint it was made on, and the version's
    fingerprint (SHA-256 of the exact text signed); with `language` (a parent's), the text translated for their
    convenience follows on its own pages."""
    import weasyprint  # imported here: heavy, and only this needs it

    html = render_template("letters/support_plan.html", plan=plan, version=version,
                           document=rules.document(version.fields), status=version_status(version),
                           companion=companion_document(version.fields, language),
                           translation_footer=page_counter(language) if language in LANGUAGES[1:] else None,
                           superseded=plan.current is not None and plan.current.number > version.number
                           and version.issued_at is not None,
                           generated_at=now or utcnow(), long_date=rules.long_date)
    return weasyprint.HTML(string=html).write_pdf()
