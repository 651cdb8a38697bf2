"""End-to-end tests in a real browser; their fixtures are the browser_fixtures plugin (see tests/conftest.py)."""
