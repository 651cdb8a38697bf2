"""`site build`: the whole written site is self-contained, works from disk, and reaches the portal only by
absolute links. A crawl of the output for both example policies (the issue's acceptance checks), plus the build's
care with its output folder and the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_helpers import ALP, PORTAL_URL, RP, TODAY, Page, build, instance_folder, pages, policy, portal_app, site_app

from portal.services import site as site_service
from portal.services.policies import load_policy_file


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both example policies in one site: three schools."""
    root = tmp_path_factory.mktemp("site")
    with instance_folder(root / "instance"):
        result = build(root / "out", ALP, RP)
    return result


@pytest.fixture(scope="module")
def site(built) -> dict[str, Page]:
    return pages(built.outdir)


SCHOOLS = ("bothal", "central", "rise-park")
PAGE_FOLDERS = tuple(page.slug for page in site_service.PAGES)


def test_every_school_has_every_page_and_a_calendar(built):
    out = built.outdir
    assert (out / "index.html").is_file()
    for school in SCHOOLS:
        assert (out / school / "index.html").is_file()
        assert (out / school / "term-dates.ics").is_file()
        for folder in PAGE_FOLDERS:
            assert (out / school / folder / "index.html").is_file(), f"{school}/{folder}"
    assert len(built.pages) == 1 + len(SCHOOLS) * (len(PAGE_FOLDERS) + 2)


def _resolve(out: Path, page: Path, url: str) -> Path:
    return (page.parent / unquote(urlsplit(url).path)).resolve()


def test_no_broken_internal_link(built, site):
    """Every relative link names a file that exists (no folder links: a folder opened from disk has no index)."""
    out = built.outdir
    broken = []
    for name, page in site.items():
        for tag, url in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            assert not url.startswith("/"), f"{name}: root-relative link {url} breaks from disk or a sub-path"
            target = _resolve(out, page.path, url)
            if not target.is_file() or not target.is_relative_to(out):
                broken.append(f"{name}: <{tag}> {url}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in Page(target).ids:
                broken.append(f"{name}: {url} (no id {parts.fragment!r})")
        for _tag, url in page.links:
            if url.startswith("#") and url[1:] not in page.ids:
                broken.append(f"{name}: {url}")
    assert not broken, "\n".join(broken)


def test_every_page_is_reachable_from_the_front_page(built, site):
    out = built.outdir
    seen, queue = set(), ["index.html"]
    while queue:
        name = queue.pop()
        if name in seen or not name.endswith(".html"):
            continue
        seen.add(name)
        for _, url in site[name].links:
            if not urlsplit(url).scheme and not url.startswith("#"):
                target = _resolve(out, site[name].path, url)
                if target.suffix == ".html":
                    queue.append(target.relative_to(out).as_posix())
    assert seen == set(site)


def test_links_out_are_to_the_portal_or_named_public_sites(built, site):
    named = set()
    for loaded in (policy(ALP), policy(RP)):
        links = loaded.links
        named.update((loaded.trust.website, links.attendance_policy, links.too_ill_for_school,
                      links.dfe_guide_for_parents, links.local_authority_service.url))
        named.update(school.calendar_info.source for school in loaded.schools)
    allowed = (PORTAL_URL + "/", "https://ico.org.uk/", *(url for url in named if url))
    for name, page in site.items():
        for _, url in page.links:
            if urlsplit(url).scheme in ("http", "https"):
                assert url.startswith(allowed), f"{name}: {url}"
                assert "127.0.0.1" not in url and "localhost" not in url


def test_no_sign_in_page_no_form_no_csrf_token_no_script(built, site):
    for path in built.outdir.rglob("*"):
        if path.is_file():
            body = path.read_text(encoding="utf-8", errors="replace")
            assert "csrf" not in body.lower(), path
            assert "sign-in" not in path.as_posix() and "/parent/" not in path.as_posix(), path
    for name, page in site.items():
        assert page.forms == 0, name
        assert 'type="password"' not in page.html and 'name="email"' not in page.html, name
        assert not page.title.lower().startswith("sign in"), name
        assert page.scripts == 0, f"{name}: the static site has no script at all"
        assert page.styles == 0, f"{name}: style attribute or element (CSP and the print stylesheet)"


def test_every_static_path_exists_and_only_used_files_are_copied(built, site):
    out = built.outdir
    used = set()
    for name, page in site.items():
        for _tag, url in page.links:
            if "static" in url and not urlsplit(url).scheme:
                target = _resolve(out, page.path, url)
                assert target.is_file(), f"{name}: {url}"
                used.add(target.relative_to(out).as_posix())
        for match in re.findall(r"[\"'(]([^\"'()]*/static/[^\"'()]*)", page.html):
            assert _resolve(out, page.path, match).is_file(), f"{name}: {match}"
    for css in out.rglob("*.css"):
        for ref in re.findall(r"url\(([^)]*)\)", css.read_text(encoding="utf-8")):
            ref = ref.strip("'\" ")
            if not ref.startswith("data:"):
                assert (css.parent / ref).resolve().is_file(), f"{css}: url({ref})"
                used.add((css.parent / ref).resolve().relative_to(out).as_posix())
    copied = {p.relative_to(out).as_posix() for p in (out / "static").rglob("*") if p.is_file()}
    assert copied == used, "copy only the static files the pages use"
    assert "css/site-print.css" in {c.removeprefix("static/") for c in copied}
    assert not any(c.endswith(".js") for c in copied)


def test_pages_are_well_formed_for_people_and_print(site):
    titles = {}
    for name, page in site.items():
        assert '<html lang="en-GB"' in page.html, name
        assert len(page.h1) == 1, f"{name}: {page.h1}"
        assert 'id="main-content"' in page.html, name
        assert 'media="print"' in page.html, name
        assert page.title not in titles, f"{name} and {titles.get(page.title)} share the title {page.title!r}"
        titles[page.title] = name


def test_the_manifest_lists_every_file_written(built):
    listed = (built.outdir / site_service.MANIFEST).read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(listed) == sorted(built.files)
    assert set(built.files) == {p.relative_to(built.outdir).as_posix() for p in built.outdir.rglob("*")
                                if p.is_file() and p.name != site_service.MANIFEST}


# ---------------------------------------------------------------- the output folder

def test_a_rebuild_replaces_its_own_files_and_keeps_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    out = tmp_path / "out"
    build(out, ALP, RP)
    (out / "CNAME").write_text("attendance.example.org\n")  # the host's own file, added after the first build
    (out / ".git").mkdir()
    build(out, RP)  # Rise Park only now: the ALP schools' pages go
    assert not (out / "bothal").exists() and not (out / "central").exists()
    assert (out / "rise-park" / "index.html").is_file()
    assert (out / "CNAME").read_text() == "attendance.example.org\n"
    assert (out / ".git").is_dir()


def test_a_folder_with_other_content_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(site_service.SiteError, match="not empty"):
        build(out, RP)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_folder_of_dot_files_is_fine(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    out = tmp_path / "out"
    (out / ".git").mkdir(parents=True)
    build(out, RP)
    assert (out / "index.html").is_file()


def test_a_manifest_cannot_delete_outside_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    out = tmp_path / "out"
    build(out, RP)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep")
    with (out / site_service.MANIFEST).open("a") as manifest:
        manifest.write("../precious.txt\n")
    build(out, RP)
    assert precious.read_text() == "keep"


def test_two_schools_with_one_slug_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(site_service.SiteError, match="share the slug"):
        build(tmp_path / "out", RP, RP)


# ---------------------------------------------------------------- not part of the live portal

def test_the_live_portal_has_no_site_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = portal_app()
    assert "site" not in app.blueprints
    assert not [r.rule for r in app.url_map.iter_rules() if r.rule.startswith(site_service.PREFIX)]
    assert app.test_client().get(f"{site_service.PREFIX}/").status_code == 404


def test_site_pages_answer_only_while_a_build_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = site_app()
    assert "site" in app.blueprints, "create_app must call portal.web.site.register(app)"
    client = app.test_client()
    for url in ("/", "/rise-park/", "/rise-park/term-dates/", "/static/css/portal.css"):
        assert client.get(site_service.PREFIX + url).status_code == 404


def test_a_build_leaves_the_app_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = site_app()
    before = dict(app.config)
    site_service.build_site(app, [policy(RP)], tmp_path / "out", portal_url=PORTAL_URL, today=TODAY,
                            allow_examples=True)
    assert site_service.active_build(app) is None
    assert {k: v for k, v in app.config.items() if not k.startswith("FREEZER_")} == before
    assert app.test_client().get(f"{site_service.PREFIX}/").status_code == 404


# ---------------------------------------------------------------- the command

def test_cli_builds_from_policy_files_without_a_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = portal_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'never-created.sqlite'}")
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["site", "build", str(out), "--policy", str(ALP), "--policy",
                                                str(RP), "--portal-url", PORTAL_URL, "--allow-examples"])
    assert result.exit_code == 0, result.output
    assert "Built 37 pages for Bothal Primary School, Central Primary School, Rise Park Primary and Nursery School" \
        in result.output
    assert "term dates (an example of Northumberland County Council's usual pattern)" in result.output
    assert (out / "rise-park" / "term-dates" / "index.html").is_file()
    assert not (tmp_path / "never-created.sqlite").exists()
    assert f'href="{PORTAL_URL}/' in (out / "bothal" / "index.html").read_text()


def test_cli_builds_every_loaded_trust_by_default(make_app, tmp_path):
    app = make_app(PORTAL_BASE_URL=PORTAL_URL)
    with app.app_context():
        load_policy_file(RP, actor="test")
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["site", "build", str(out), "--allow-examples"])
    assert result.exit_code == 0, result.output
    assert "Rise Park Primary and Nursery School" in result.output
    assert "only works on this computer" not in result.output
    assert (out / "rise-park" / "index.html").is_file() and not (out / "bothal").exists()


def test_cli_warns_when_portal_links_would_point_at_this_computer(make_app, tmp_path):
    app = make_app()  # the default PORTAL_BASE_URL, http://127.0.0.1:5000
    result = app.test_cli_runner().invoke(args=["site", "build", str(tmp_path / "out"), "--policy", str(RP),
                                                "--allow-examples"])
    assert result.exit_code == 0, result.output
    assert "only works on this computer" in result.output


def test_cli_says_what_to_do_when_nothing_is_loaded(make_app, tmp_path):
    result = make_app().test_cli_runner().invoke(args=["site", "build", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "policy load" in result.output and "--policy" in result.output


def test_cli_refuses_a_policy_with_errors(make_app, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('schema = 1\n[trust]\nname = "X"\n', encoding="utf-8")
    result = make_app().test_cli_runner().invoke(args=["site", "build", str(tmp_path / "out"),
                                                       "--policy", str(bad)])
    assert result.exit_code == 1
    assert "has errors" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_folder_that_is_not_a_site(make_app, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    result = make_app().test_cli_runner().invoke(args=["site", "build", str(out), "--policy", str(RP),
                                                       "--allow-examples"])
    assert result.exit_code == 1
    assert "not empty" in result.output


# ---------------------------------------------------------------- links into the portal

def test_ask_for_leave_online_goes_to_the_leave_form(built, site):
    leave = site["rise-park/leave-in-term-time/index.html"]
    hrefs = [url for tag, url in leave.links if tag == "a"]
    assert f"{PORTAL_URL}/parent/leave/new" in hrefs
    home = site["bothal/index.html"]
    assert f"{PORTAL_URL}/parent/report-absence" in [url for _, url in home.links]


def test_a_portal_link_to_a_page_the_portal_lacks_fails_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setitem(site_service.PORTAL_LINKS, "leave", "parent.no_such_page")
    with pytest.raises(site_service.SiteError, match="parent.no_such_page"):
        build(tmp_path / "out", RP)
    assert not (tmp_path / "out").exists()
