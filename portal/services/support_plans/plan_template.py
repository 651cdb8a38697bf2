"""The plan template of a school's policy, and a section's checklist as a version answered it."""

from __future__ import annotations

from portal.domain import support_plan as rules
from portal.domain.support_plan import PlanTemplate
from portal.models import School
from portal.models.support_plan import SupportPlanVersion
from portal.services.policies import trust_policy


def template_for(school: School) -> PlanTemplate:
    """The school's plan template from its trust's policy; ALP Appendix 1 where the policy gives none."""
    return getattr(trust_policy(school.trust), "support_plan", None) or rules.ALP_APPENDIX_1


def checklist(template: PlanTemplate, key: str, version: SupportPlanVersion | None = None) -> list[str]:
    """The entries a checklist offers: the template's, then any a plan's version holds that the policy has
    since dropped (so changing an old plan never loses what was agreed)."""
    entries = list(getattr(template, key))
    if version is not None:
        entries += [e for e in version.fields.get(key) or [] if e not in entries]
    return entries
