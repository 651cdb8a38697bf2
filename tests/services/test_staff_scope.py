"""Which schools and pupils a member of staff works with: a role at one school, or across its trust
(portal/services/permissions.py, the one home every staff service asks)."""

from __future__ import annotations

import pytest

from portal.services import NotFound
from portal.services.permissions import (
    LEGAL_ACTION, NotPermitted, may_see_pupil, pupil_for, school_of, schools_chosen, schools_where,
)

from factories import BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, load_trust, make_pupil
from staff import make_staff


@pytest.fixture
def world(app_ctx):
    load_trust()
    load_trust(RISE_PARK)
    return {
        "bothal_pupil": make_pupil(BOTHAL), "central_pupil": make_pupil(CENTRAL),
        "rise_park_pupil": make_pupil(RISE_PARK_URN),
        "officer": make_staff("officer@bothal.example", "attendance_officer", BOTHAL),
        "head": make_staff("head@bothal.example", "headteacher", BOTHAL),
        "trust": make_staff("ceo@alp.example", "senior_leader", trust="alp"),
    }


def urns(schools):
    return sorted(s.urn for s in schools)


def test_a_role_at_one_school_reaches_that_school_and_a_trust_role_every_school_of_the_trust(world):
    assert urns(schools_chosen(world["officer"], None)) == [BOTHAL]
    assert urns(schools_chosen(world["trust"], "")) == sorted([BOTHAL, CENTRAL])
    assert urns(schools_chosen(world["trust"], CENTRAL)) == [CENTRAL]
    assert schools_chosen(world["officer"], CENTRAL) == []  # another school is not offered, not refused loudly
    assert school_of(world["trust"], CENTRAL).urn == CENTRAL
    with pytest.raises(NotFound):
        school_of(world["officer"], CENTRAL)
    with pytest.raises(NotFound):
        school_of(world["trust"], RISE_PARK_URN)  # another trust's school


def test_pupils_are_seen_where_the_member_of_staff_works_and_acted_on_where_their_role_allows(world):
    assert may_see_pupil(world["officer"], world["bothal_pupil"])
    assert not may_see_pupil(world["officer"], world["central_pupil"])
    assert may_see_pupil(world["trust"], world["central_pupil"])
    assert not may_see_pupil(world["trust"], world["rise_park_pupil"])
    assert not may_see_pupil(world["trust"], None)

    assert pupil_for(world["officer"], world["bothal_pupil"].id) == world["bothal_pupil"]
    with pytest.raises(NotFound, match="no such pupil"):
        pupil_for(world["officer"], world["central_pupil"].id)  # looks like a pupil that does not exist
    with pytest.raises(NotFound, match="no such pupil"):
        pupil_for(world["officer"], 987654)
    with pytest.raises(NotPermitted, match="Only the headteacher or the senior leader"):
        pupil_for(world["officer"], world["bothal_pupil"].id, LEGAL_ACTION)
    assert pupil_for(world["head"], world["bothal_pupil"].id, LEGAL_ACTION) == world["bothal_pupil"]
    assert urns(schools_where(world["officer"], LEGAL_ACTION)) == []
    assert urns(schools_where(world["trust"], LEGAL_ACTION)) == sorted([BOTHAL, CENTRAL])
