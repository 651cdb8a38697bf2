"""The layer rules of design.md section 2, checked over the source so a stray import fails the build."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_ALLOWED_THIRD_PARTY = {"babel", "holidays", "stdnum", "zxcvbn"}  # small, pure libraries (babel: CLDR dates)
REQUEST_GLOBALS = {"request", "session", "g", "flash", "current_user"}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import statement in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.module or "", [alias.name for alias in node.names]))
    return found


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", modules("portal/domain"), ids=rel)
def test_domain_imports_only_stdlib_and_pure_libraries(path):
    for module, _ in imports(path):
        top = module.split(".")[0]
        if top == "portal":
            assert module.startswith("portal.domain"), f"{rel(path)} imports {module}"
        else:
            assert top in sys.stdlib_module_names or top in DOMAIN_ALLOWED_THIRD_PARTY, (
                f"{rel(path)} imports {module}: the domain is pure (no Flask, no database)"
            )


@pytest.mark.parametrize("path", modules("forms"), ids=rel)
def test_forms_never_reach_the_database(path):
    for module, _ in imports(path):
        assert not module.startswith(("portal.models", "portal.services", "portal.extensions", "sqlalchemy")), (
            f"{rel(path)} imports {module}"
        )


@pytest.mark.parametrize("path", modules("portal/services"), ids=rel)
def test_services_never_read_request_globals(path):
    for module, names in imports(path):
        if module.split(".")[0] in {"flask", "flask_login"}:
            used = REQUEST_GLOBALS.intersection(names)
            assert not used, f"{rel(path)} imports {used} from {module}: pass the actor and data in instead"


@pytest.mark.parametrize("path", modules("portal") + modules("forms"), ids=rel)
def test_nothing_imports_the_web_layer(path):
    if "portal/web" in rel(path) or rel(path) == "portal/__init__.py":
        return  # the factory registers the blueprints
    for module, names in imports(path):
        assert not module.startswith("portal.web"), f"{rel(path)} imports {module}"
        assert not (module == "portal" and "web" in names), f"{rel(path)} imports portal.web"


def test_a_domain_violation_would_be_caught(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\nimport sqlalchemy\n")
    tops = {m.split(".")[0] for m, _ in imports(bad)}
    assert tops - sys.stdlib_module_names - DOMAIN_ALLOWED_THIRD_PARTY == {"flask", "sqlalchemy"}
