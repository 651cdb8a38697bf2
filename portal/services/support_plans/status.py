"""Who signs a version and where it stands (signed, declined, waiting), in the words the pages show."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import ParentAccount, Pupil
from portal.models.support_plan import (
    ACTIVE, CLOSED, CONTINUE, DECLINED, DRAFT, ESCALATED, PARENT, PUPIL, SCHOOL, SIGNED, PlanSignature, SupportPlan,
    SupportPlanVersion,
)
from portal.services.support_plans.plan_template import template_for


STATE_WORDS = {DRAFT: "Draft: not sent to the family", ACTIVE: "Active", CLOSED: "Closed", ESCALATED: "Escalated"}


OUTCOME_WORDS = {
    CONTINUE: "Continue the plan to a new review date",
    CLOSED: "Close the plan: attendance has improved",
    ESCALATED: "Escalate to the next stage of support",
}


def parent_signers(pupil: Pupil) -> list[tuple[ParentAccount, str]]:
    """(account, name) of each parent with parental responsibility who can sign in: each signs separately."""
    signers: dict[int, tuple[ParentAccount, str]] = {}
    for contact in pupil.contacts:
        if contact.parental_responsibility and contact.parent_account is not None:
            signers.setdefault(contact.parent_account.id, (contact.parent_account, contact.name))
    return list(signers.values())


def unreachable_parents(pupil: Pupil) -> list[str]:
    """Names of contacts with parental responsibility but no email address: they cannot sign online."""
    return [c.name for c in pupil.contacts if c.parental_responsibility and c.parent_account is None]


@dataclass
class SignerStatus:
    signer: str  # "parent:<id>", "pupil" or "school"
    role: str
    name: str
    signature: PlanSignature | None = None
    refusal: PlanSignature | None = None
    account_id: int | None = None

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def declined(self) -> bool:
        return self.signature is None and self.refusal is not None


@dataclass
class VersionStatus:
    version: SupportPlanVersion
    parents: list[SignerStatus]
    school: SignerStatus
    pupil: SignerStatus | None

    @property
    def complete(self) -> bool:
        """Every parent who can sign has signed, and so has the school (the pupil's signature is optional)."""
        return self.school.signed and all(p.signed for p in self.parents)

    @property
    def declined(self) -> list[SignerStatus]:
        return [p for p in self.parents if p.declined]

    @property
    def signatures(self) -> list[PlanSignature]:
        return [s.signature for s in [*self.parents, self.school, *([self.pupil] if self.pupil else [])]
                if s.signature is not None]

    def parent(self, account: ParentAccount) -> SignerStatus | None:
        return next((p for p in self.parents if p.account_id == account.id), None)


def version_status(version: SupportPlanVersion) -> VersionStatus:
    plan = version.plan
    by_signer: dict[str, dict[str, PlanSignature]] = {}
    for signature in version.signatures:
        by_signer.setdefault(signature.signer, {})[signature.outcome] = signature

    def status(signer: str, role: str, name: str, account_id: int | None = None) -> SignerStatus:
        found = by_signer.get(signer, {})
        return SignerStatus(signer, role, name, found.get(SIGNED), found.get(DECLINED), account_id)

    parents = [status(f"parent:{account.id}", PARENT, name, account.id) for account, name in parent_signers(plan.pupil)]
    known = {p.signer for p in parents}
    for signature in version.signatures:  # someone who signed and has since lost access stays on the record
        if signature.role == PARENT and signature.signer not in known:
            known.add(signature.signer)
            parents.append(status(signature.signer, PARENT, signature.typed_name, signature.parent_account_id))
    show_pupil = template_for(plan.school).pupil_signature or PUPIL in by_signer
    return VersionStatus(
        version=version,
        parents=parents,
        school=status(SCHOOL, SCHOOL, plan.school.name),
        pupil=status(PUPIL, PUPIL, plan.pupil.name) if show_pupil else None,
    )


def status_words(plan: SupportPlan) -> str:
    """The plan's state in a few words, for lists and the page heading."""
    if plan.state != ACTIVE or plan.current is None:
        return STATE_WORDS[plan.state]
    status = version_status(plan.current)
    if status.complete:
        words = "Agreed"
    elif status.declined:
        words = "Declined by a parent"
    else:
        words = "Waiting for signatures"
    if plan.latest.issued_at is None:
        words += f" (version {plan.latest.number} not sent yet)"
    return words
