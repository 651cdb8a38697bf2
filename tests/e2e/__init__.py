"""End-to-end tests in a real browser. A package, so its conftest imports as `e2e.conftest` (see conftest.py)."""
