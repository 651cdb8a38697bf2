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


def test_an_excel_file_with_mis_headings_says_what_it_read(runner, app, tmp_path):
    runner.invoke(args=["policy", "load", str(EXAMPLES / "rise-park.toml")])
    (tmp_path / "columns.toml").write_text('[pupils]\n"Tutor Grp" = "registration_group"\n')
    path = tmp_path / "pupils.csv"
    path.write_bytes("Adno,UPN,Forename,Surname,DOB,Year,Tutor Grp,Admission Date\r\n"
                     f"1,{upn(1)},Zoë,Ó'Brien,05/04/2017,Year 4,4RB,02/09/2021\r\n".encode("cp1252"))
    result = runner.invoke(args=["import", "pupils", str(path), "--school", "122580", "--columns",
                                 str(tmp_path / "columns.toml")])
    assert result.exit_code == 0, result.output
    assert "pupils.csv: read as Windows-1252 (Excel's \"CSV (Comma delimited)\")" in result.output
    assert "'Tutor Grp' as registration_group" in result.output
    assert "Pupils: 1 added, 0 updated, 0 unchanged, 0 rejected (1 rows read)." in result.output


def test_a_bad_mapping_file_stops_the_command(runner, app, tmp_path):
    (tmp_path / "columns.toml").write_text('[pupils]\n"Tutor Grp" = "form"\n')
    result = runner.invoke(args=["import", "pupils", str(tmp_path / "p.csv"), "--columns",
                                 str(tmp_path / "columns.toml")])
    assert result.exit_code == 1 and "'form' is not a column of the pupils file" in result.output
