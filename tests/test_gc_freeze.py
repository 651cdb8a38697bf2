"""A served app moves what it starts with out of the garbage collector's way; the tests' apps do not (one a test)."""

from __future__ import annotations

import gc


def test_a_served_app_freezes_its_startup_objects_and_a_test_app_does_not(make_app):
    before = gc.get_freeze_count()
    make_app()  # the tests' settings
    assert gc.get_freeze_count() <= before  # frozen objects can only have been freed since
    try:
        make_app(TESTING=False, PORTAL_FREEZE_GC_AT_START=True, PORTAL_BASE_URL="https://portal.test")  # as served
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
