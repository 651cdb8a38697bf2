"""A served app moves what it starts with out of the garbage collector's way; the tests' apps do not (one a test)."""

from __future__ import annotations

import gc


def test_a_served_app_freezes_its_startup_objects_and_a_test_app_does_not(make_app):
    before = gc.get_freeze_count()
    make_app()  # TESTING
    assert gc.get_freeze_count() == before
    try:
        make_app(TESTING=False)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
