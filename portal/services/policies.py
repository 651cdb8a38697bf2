"""Checking, loading and reading trusts' policies."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.policy import Policy, load_policy
from portal.domain.policy_file import ERROR, Problem
from portal.extensions import db
from portal.models import School, Site, Trust
from portal.services import NotFound, ServiceError
from portal.services.audit_writer import record


class PolicyInvalid(ServiceError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"the policy has {sum(p.level == ERROR for p in problems)} error(s)")
        self.problems = problems


@dataclass
class LoadResult:
    trust: Trust
    created: bool
    changed: bool
    problems: list[Problem] = field(default_factory=list)


def _read_source(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyInvalid([Problem(ERROR, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyInvalid([Problem(ERROR, "", f"cannot read the file: {exc}")]) from None


def read_policy_file(path: str | Path, today: date | None = None) -> tuple[Policy | None, list[Problem]]:
    """Parse and check a policy file; a missing or unreadable file is a problem, not a traceback. With `today`,
    also what depends on the date (term dates that run out)."""
    try:
        return load_policy(_read_source(path), today=today)
    except PolicyInvalid as exc:
        return None, exc.problems


def load_policy_file(path: str | Path, actor: str) -> LoadResult:
    return load_policy_source(_read_source(path), actor)


def load_policy_source(source: str, actor: str) -> LoadResult:
    """Create or refresh a trust, its schools and sites from a policy, with an audit event. One commit."""
    policy, problems = load_policy(source)
    if policy is None:
        raise PolicyInvalid(problems)
    sha = hashlib.sha256(source.encode()).hexdigest()
    trust = db.session.scalar(select(Trust).where(Trust.slug == policy.trust.slug))
    created = trust is None
    before = None if created else {"policy_sha256": trust.policy_sha256, "name": trust.name}
    if created:
        trust = Trust(slug=policy.trust.slug)
        db.session.add(trust)
    elif trust.policy_sha256 == sha:
        return LoadResult(trust, created=False, changed=False, problems=problems)
    trust.name = policy.trust.name
    trust.short_name = policy.trust.short_name
    trust.policy_source = source
    trust.policy_sha256 = sha
    trust.policy_loaded_at = utcnow()
    for school_policy in policy.schools:
        _upsert_school(trust, school_policy)
    db.session.flush()
    record(actor, "policy.load", trust, before,
           {"policy_sha256": sha, "name": trust.name, "schools": [s.urn for s in policy.schools]})
    db.session.commit()
    return LoadResult(trust, created=created, changed=True, problems=problems)


def _upsert_school(trust: Trust, spec) -> School:
    school = db.session.scalar(select(School).where(School.urn == spec.urn))
    if school is None:
        school = School(urn=spec.urn)
        trust.schools.append(school)
    elif school.trust is not trust:
        db.session.rollback()
        raise ServiceError(f"URN {spec.urn} already belongs to {school.trust.name}; "
                           "a school can be in one trust's policy only")
    school.name = spec.name
    school.slug = spec.slug
    school.local_authority = spec.local_authority
    school.phone = spec.phone
    school.email = spec.email
    existing = {site.slug: site for site in school.sites}
    for site_spec in spec.sites:
        site = existing.pop(site_spec.slug, None) or Site(slug=site_spec.slug)
        site.name = site_spec.name
        if site not in school.sites:
            school.sites.append(site)
    for gone in existing.values():
        school.sites.remove(gone)
    return school


_parsed: dict[str, Policy] = {}


def trust_policy(trust: Trust) -> Policy:
    """The trust's policy as stored; parsed once per version (policies are immutable values)."""
    policy = _parsed.get(trust.policy_sha256)
    if policy is None:
        policy, problems = load_policy(trust.policy_source)
        if policy is None:  # stored policies were valid when loaded; a newer portal may read them differently
            raise PolicyInvalid(problems)
        _parsed[trust.policy_sha256] = policy
    return policy


def school_policy(urn: str):
    """(policy, the school's part of it) for a loaded school, or NotFound saying how to load it."""
    school = db.session.scalar(select(School).where(School.urn == urn))
    if school is None:
        raise NotFound(f"no school with URN {urn} is loaded; load its trust's policy first: "
                       "flask --app portal policy load PATH")
    return policy_of(school)


def policy_of(school: School):
    """(policy, the school's part of it) for a school already loaded (e.g. `pupil.school`): no look-up by URN."""
    policy = trust_policy(school.trust)
    return policy, policy.school(school.urn)


def school_days(urn: str, start: date, end: date) -> list[tuple[date, tuple[str, ...]]]:
    _, school = school_policy(urn)
    calendar = school.calendar
    return [(day, calendar.sessions_on(day)) for day in calendar.school_days(start, end)]


def trusts() -> list[Trust]:
    return list(db.session.scalars(select(Trust).order_by(Trust.name)))
