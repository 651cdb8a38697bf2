"""`import pupils|contacts|marks` from the command line: what the data manager sees."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Pupil

from conftest import EXAMPLES
from services.test_imports import PUPIL_COLUMNS, pupil_row, upn, write_csv


def test_a_bad_file_lists_every_bad_row_and_exits_1(runner, app, tmp_path):
    runner.invoke(args=["policy", "load", str(EXAMPLES / "alp.toml")])
    rows = [pupil_row(n) for n in range(1, 50)]
    rows[9] = pupil_row(10, year_group="Y99")
    rows[30] = pupil_row(31, school_urn="999999")
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, rows)
    result = runner.invoke(args=["import", "pupils", path])
    assert result.exit_code == 1
    assert "pupils.csv: line 11: year_group 'Y99' should be N1, N2, R or Y1 to Y14" in result.output
    assert "pupils.csv: line 32: school_urn 999999 is not a loaded school" in result.output
    assert "nothing was imported: 2 bad row(s)" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pupil)) == 0


def test_skip_invalid_imports_the_rest_and_says_where_the_bad_rows_are(runner, app, tmp_path):
    runner.invoke(args=["policy", "load", str(EXAMPLES / "alp.toml")])
    rows = [pupil_row(n) for n in range(1, 6)]
    rows[2] = pupil_row(3, upn=upn(3)[:-1])
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, rows)
    result = runner.invoke(args=["import", "pupils", path, "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "Pupils: 4 added, 0 updated, 0 unchanged, 1 rejected (5 rows read)." in result.output
    assert (tmp_path / "pupils.rejected.csv").exists()
