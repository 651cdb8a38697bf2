"""The two optional import columns the half-termly message reads: a contact's preferred language and a pupil's
recorded health need (README "Importing from the MIS")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Contact, Pupil
from portal.services import imports

from services.test_imports import CONTACT_COLUMNS, PUPIL_COLUMNS, contact, pupil_row, upn, write_csv
from services.test_imports import pupils, school  # noqa: F401  (fixtures: the ALP trust, and five pupils)


def test_a_contacts_preferred_language_is_kept_as_the_mis_writes_it_and_an_absent_column_is_fine(pupils, tmp_path):
    columns = [*CONTACT_COLUMNS.split(","), "preferred_language"]
    imports.import_contacts(write_csv(tmp_path / "a.csv", columns, [
        contact(1, preferred_language="Polish"), contact(2, name="Dad", email="dad@example.com")]), actor="office")
    languages = dict(db.session.execute(select(Contact.name, Contact.preferred_language)).all())
    assert languages == {"Jane Smith": "Polish", "Dad": None}
    result = imports.import_contacts(write_csv(tmp_path / "b.csv", columns, [
        contact(1, preferred_language="Romanian"), contact(2, name="Dad", email="dad@example.com")]), actor="office")
    assert (result.updated, result.unchanged) == (1, 1)
    imports.import_contacts(write_csv(tmp_path / "c.csv", CONTACT_COLUMNS.split(","), [contact(1)]), actor="office")
    assert db.session.scalar(select(Contact.preferred_language).where(Contact.name == "Jane Smith")) is None


def test_a_pupils_health_need_is_a_y_or_n_flag(school, tmp_path):
    columns = [*PUPIL_COLUMNS, "health_need"]
    imports.import_pupils(write_csv(tmp_path / "p.csv", columns, [pupil_row(1, health_need="Y"), pupil_row(2)]),
                          actor="office")
    assert dict(db.session.execute(select(Pupil.upn, Pupil.health_need)).all()) == {upn(1): True, upn(2): False}
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_pupils(write_csv(tmp_path / "q.csv", columns, [pupil_row(1, health_need="maybe")]),
                              actor="office")
    assert "health_need 'maybe' should be Y or N" in str(rejected.value.result.problems[0])
