"""The static parent website: every school of one or more policies, frozen to plain files (docs/static-site.md).

`build_site(app, policies, outdir)` freezes the pages of `portal.web.site` with Frozen-Flask and writes them to
`outdir`: `index.html` (the schools), `<school-slug>/index.html` and one folder per page, each school's
`term-dates.ics`, and only the static files those pages use. Every link between pages is relative (the pages work
from any static host, under any path, and from a folder opened from disk); links into the portal are absolute, to
`portal_url`.

The app must have the site blueprint, which the factory registers only when the config says `SITE_BUILD = True`:
the live portal never serves these pages (see `portal.web.site`). During a build the pages read their policies
from `app.extensions[EXTENSION]`, which only this module sets.

The build is careful with `outdir`: it writes into an empty folder (dot-files such as `.git` are fine) or into one
a previous build made, and then removes only the files that build listed in its manifest, `.portal-site`.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning
from werkzeug.routing import BuildError

from portal.clock import school_today
from portal.domain.policy import Policy, School
from portal.services import ServiceError

EXTENSION = "portal.site"
MANIFEST = ".portal-site"
MANIFEST_HEADER = "# Files written by `flask --app portal site build`; the next build replaces exactly these."
PREFIX = "/_site"  # where the site blueprint's rules live; the frozen copy of this folder is the site
RESERVED_SLUGS = {"static"}  # folders of the site that are not schools
# Links into the live portal: the portal's endpoint for each. A missing endpoint fails the build (SiteError):
# a link that quietly went somewhere else would send parents to the wrong page.
PORTAL_LINKS = {
    "report_absence": "parent.report_absence",
    "leave": "parent.new_leave_request",
    "account": "parent.home",
}


class SiteError(ServiceError):
    pass


@dataclass(frozen=True)
class Page:
    """One page of each school's site: its endpoint (`site.<endpoint>`), folder, title and one-line summary."""

    endpoint: str
    slug: str
    title: str
    summary: str


# The pages of each school's site, in the order of its contents list. The blueprint makes one route of each.
PAGES = (
    Page("report_absence", "report-an-absence", "Report an absence",
         "How and when to tell the school that your child is ill or cannot come in."),
    Page("school_times", "school-times", "School times and lateness",
         "When to arrive, when the registers close, and what being late means."),
    Page("term_dates", "term-dates", "Term dates",
         "Terms, holidays and INSET days, with a calendar feed for your phone."),
    Page("leave", "leave-in-term-time", "Leave in term time",
         "The rules for taking your child out of school in term time, and how to ask."),
    Page("penalty_notices", "penalty-notices", "Penalty notices",
         "When a fine for absence is considered, and how much it is."),
    Page("attendance", "attendance-percentages", "What attendance percentages mean",
         "Attendance percentages in days missed, and what each level means."),
    Page("codes", "attendance-codes", "Attendance codes explained",
         "What each letter or symbol in your child's register means."),
    Page("support", "support", "Support with attendance",
         "The help the school offers when attendance is a worry."),
    Page("contact", "contact", "Contact the school",
         "Phone numbers, email and address."),
    Page("privacy", "privacy", "Privacy notice",
         "The information the attendance portal holds and why."),
)


@dataclass(frozen=True)
class SiteBuild:
    """What the site pages are rendered from while a build runs."""

    policies: tuple[Policy, ...]
    portal_url: str
    today: date
    schools: dict[str, tuple[Policy, School]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # PORTAL_LINKS as absolute addresses

    @classmethod
    def of(cls, policies, portal_url: str, today: date) -> SiteBuild:
        policies = tuple(policies)
        schools: dict[str, tuple[Policy, School]] = {}
        for policy in policies:
            for school in policy.schools:
                if school.slug in RESERVED_SLUGS:
                    raise SiteError(f"{school.name}: the slug {school.slug!r} is used by the site itself; "
                                    "give the school another slug in its policy")
                if school.slug in schools:
                    other = schools[school.slug][1]
                    raise SiteError(f"{school.name} and {other.name} share the slug {school.slug!r}; "
                                    "each school's pages live in a folder named after its slug, so give one "
                                    "of them another slug in its policy")
                schools[school.slug] = (policy, school)
        if not schools:
            raise SiteError("there is no school to build a site for")
        return cls(policies, portal_url.rstrip("/"), today, schools)


@dataclass(frozen=True)
class BuildResult:
    outdir: Path
    pages: tuple[str, ...]  # paths relative to outdir, pages and feeds
    files: tuple[str, ...]  # every file written, static files included
    schools: tuple[str, ...]  # school names


def active_build(app: Flask) -> SiteBuild | None:
    return app.extensions.get(EXTENSION)


def build_site(app: Flask, policies, outdir: str | Path, *, portal_url: str | None = None,
               today: date | None = None, allow_examples: bool = False) -> BuildResult:
    """Freeze the site of every school of `policies` into `outdir` (created if need be).

    Values a policy marks as examples stop the build (SiteError, naming them) unless `allow_examples`: then every
    page of the school says which they are."""
    if "site" not in app.blueprints:
        raise SiteError("this app has no site pages: build with an app created with SITE_BUILD = True "
                        "(portal.web.site.register must be called by create_app)")
    build = SiteBuild.of(policies, portal_url or app.config["PORTAL_BASE_URL"], today or school_today())
    build = replace(build, links=portal_links(app, build.portal_url))
    if not allow_examples:
        _refuse_examples(build)
    outdir = Path(outdir).resolve()
    prefix = PREFIX.strip("/")
    previous = _check_outdir(outdir)

    saved = {key: app.config.get(key) for key in FREEZER_CONFIG}
    with tempfile.TemporaryDirectory(prefix="portal-site-") as tmp:
        app.config.update(FREEZER_CONFIG, FREEZER_DESTINATION=tmp)
        freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=True)
        freezer.register_generator(lambda: site_urls(build))
        app.extensions[EXTENSION] = build
        try:
            with warnings.catch_warnings():
                # The site app also has the portal's own routes, which are deliberately not frozen.
                warnings.simplefilter("ignore", MissingURLGeneratorWarning)
                frozen = [page.path for page in freezer.freeze_yield()]
        except ValueError as exc:  # Frozen-Flask's "Unexpected status ... on URL ...": a page failed
            raise SiteError(f"a page could not be built: {exc}") from exc
        finally:
            app.extensions.pop(EXTENSION, None)
            for key, value in saved.items():
                if value is None:
                    app.config.pop(key, None)
                else:
                    app.config[key] = value
        built = Path(tmp) / prefix
        files = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
        _replace(outdir, built, files, previous)
    pages = tuple(sorted(p.relative_to(prefix).as_posix() for p in map(Path, frozen) if p.parts[1] != "static"))
    return BuildResult(outdir, pages, tuple(files), tuple(s.name for _, s in build.schools.values()))


FREEZER_CONFIG = {
    "FREEZER_RELATIVE_URLS": True,  # every link works from disk and under any path
    "FREEZER_REMOVE_EXTRA_FILES": False,  # never delete: the build writes into a fresh temporary folder
    "FREEZER_REDIRECT_POLICY": "error",  # a redirect would mean a page that is not a page
    "FREEZER_IGNORE_404_NOT_FOUND": False,  # a broken link fails the build
    "FREEZER_BASE_URL": None,
    "FREEZER_DESTINATION": None,
}


def portal_links(app: Flask, portal_url: str) -> dict[str, str]:
    """Each of PORTAL_LINKS as an absolute address under `portal_url`, built from the portal's own routes."""
    adapter = app.url_map.bind("localhost")
    links = {}
    for kind, endpoint in PORTAL_LINKS.items():
        try:
            links[kind] = portal_url.rstrip("/") + adapter.build(endpoint, {})
        except BuildError:
            raise SiteError(f"the site links to the portal's page {endpoint!r} ({kind}), which the portal does "
                            "not have: correct PORTAL_LINKS in portal/services/site.py") from None
    return links


EXAMPLE_WORDS = {"phone": "phone number", "email": "email address", "urn": "school number (URN)",
                 "url": "web address", "website": "website", "links": "",
                 "attendance_policy": "link to the full attendance policy"}


def example_values(policy: Policy, school: School) -> list[str]:
    """The values on `school`'s pages that its policy marks as examples, in words: "phone number (0115 496 0123)"."""
    index = next(i for i, s in enumerate(policy.schools) if s.urn == school.urn)
    words = []
    for example in policy.example_values:
        head = example.path[:2]
        if (head[0] == "schools" and head[1] != index) or (
                head[0] == "calendars" and head[1] != school.calendar_info.key):
            continue
        names = [EXAMPLE_WORDS.get(p, p.replace("_", " ")) for p in example.path
                 if isinstance(p, str) and p != "schools"]
        names = [n for n in names if n]
        label = f"{' '.join(names[:-1])}'s {names[-1]}" if len(names) > 1 else names[-1]
        words.append(f"{label} ({example.value})")
    if school.calendar_info.status != "published":
        words.append(f"term dates (an example of {school.calendar_info.authority}'s usual pattern)")
    return words


def _refuse_examples(build: SiteBuild) -> None:
    found = [f"{school.name}: {', '.join(values)}" for policy, school in build.schools.values()
             if (values := example_values(policy, school))]
    if found:
        raise SiteError("the policy marks values on these pages as examples, not real ones (its `example_values`, "
                        "or term dates that are not `published`):\n  " + "\n  ".join(found) + "\nPut the real "
                        "values in the policy, or build with --allow-examples for a site that says on every page "
                        "that it shows examples.")


def site_urls(build: SiteBuild):
    """Every page of the site, as (endpoint, values) for Frozen-Flask. Static files come from url_for logging."""
    yield "site.index", {}
    for slug in build.schools:
        yield "site.school_home", {"school": slug}
        for page in PAGES:
            yield f"site.{page.endpoint}", {"school": slug}
        yield "site.calendar_feed", {"school": slug}


def _check_outdir(outdir: Path) -> list[str]:
    """The files of a previous build to replace ([] if none); refuses a folder holding anything else."""
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(f"{outdir} is a file, not a folder")
    if not outdir.exists():
        return []
    manifest = outdir / MANIFEST
    if manifest.is_file():
        listed = [line.strip() for line in manifest.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")]
        return [name for name in listed if _inside(outdir, outdir / name)]
    others = sorted(p.name for p in outdir.iterdir() if not p.name.startswith("."))
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise SiteError(f"{outdir} is not empty ({shown}) and no earlier `site build` made it: "
                        "build into an empty or new folder")
    return []


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _replace(outdir: Path, built: Path, files: list[str], previous: list[str]) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    for name in previous:
        path = outdir / name
        if path.is_file():
            path.unlink()
    for name in sorted(previous, key=lambda n: -n.count("/")):  # then the folders they leave empty
        parent = (outdir / name).parent
        while parent != outdir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    shutil.copytree(built, outdir, dirs_exist_ok=True)
    (outdir / MANIFEST).write_text("\n".join([MANIFEST_HEADER, *files]) + "\n", encoding="utf-8")
