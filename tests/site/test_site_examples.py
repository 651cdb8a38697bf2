"""A policy marks the values that are examples (`example_values`, and term dates with status "realistic"): the
site is not built from them unless asked (`--allow-examples`), and then every page says which values they are."""

from __future__ import annotations

import pytest
from site_helpers import ALP, PORTAL_URL, RP, TODAY, pages, policy, portal_app, site_app

from portal.services import site as site_service


def test_rise_parks_placeholder_contact_details_stop_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = portal_app()
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["site", "build", str(out), "--policy", str(RP),
                                                "--portal-url", PORTAL_URL])
    assert result.exit_code == 1, result.output
    assert "Rise Park Primary and Nursery School" in result.output
    assert "phone number (0115 496 0123)" in result.output and "address (Rise Park, Nottingham NG5)" in result.output
    assert "--allow-examples" in result.output
    assert not out.exists()


def test_realistic_term_dates_are_example_values_too(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(site_service.SiteError, match="term dates"):
        site_service.build_site(site_app(), [policy(ALP)], tmp_path / "out", portal_url=PORTAL_URL, today=TODAY)


def test_allowed_examples_are_named_on_every_page(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = portal_app()
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["site", "build", str(out), "--policy", str(RP), "--allow-examples",
                                                "--portal-url", PORTAL_URL])
    assert result.exit_code == 0, result.output
    assert "example values" in result.output
    for name, page in pages(out).items():
        assert "These pages show example values, not real ones" in page.text, name
        assert "phone number (0115 496 0123)" in page.text, name


def test_a_policy_without_examples_has_no_banner():
    rp = policy(RP)
    assert site_service.example_values(rp, rp.schools[0])
    from dataclasses import replace

    real = replace(rp, example_values=())
    assert site_service.example_values(real, real.schools[0]) == []
