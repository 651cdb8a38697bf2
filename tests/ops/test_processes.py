"""The process list (portal/processes.py) is the one source: the committed Procfile is what it makes, and the systemd
units `flask ops systemd DIR` writes run the same commands, with the same environment file."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from portal import processes

from conftest import ROOT

BIN = Path(sys.executable).parent


def test_the_committed_procfile_is_what_the_process_list_makes(runner):
    assert (ROOT / "Procfile").read_text() == processes.procfile()
    result = runner.invoke(args=["ops", "procfile", "--check"])
    assert result.exit_code == 0 and "matches portal/processes.py" in result.output
    assert runner.invoke(args=["ops", "procfile"]).output == processes.procfile()


def test_honcho_reads_the_procfile_as_the_four_processes():
    checked = subprocess.run([str(BIN / "honcho"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "web, outbox, imports, scheduler" in checked.stderr + checked.stdout


def test_a_procfile_line_reads_back_as_its_command_with_the_variable_left_to_the_shell():
    odd = processes.Process("odd", ("flask", "it's 100% ${NOT_ALONE}", "${PORTAL_IMPORT_DIR}"), "")
    line = processes.procfile((odd,)).splitlines()[1]
    assert line.startswith("odd: exec ")
    assert shlex.split(line.removeprefix("odd: ")) == ["exec", "flask", "it's 100% ${NOT_ALONE}",
                                                        "${PORTAL_IMPORT_DIR}"]
    assert "\"${PORTAL_IMPORT_DIR}\"" in line and "'it'\"'\"'s 100% ${NOT_ALONE}'" in line  # only it expands


def read_unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read(path)
    return unit


def test_systemd_units_run_each_process_of_the_list_from_the_virtualenv_with_the_env_file(runner, tmp_path):
    venv = Path(sys.prefix)
    result = runner.invoke(args=["ops", "systemd", str(tmp_path / "units"), "--checkout", str(ROOT), "--venv",
                                 str(venv), "--env-file", str(ROOT / "deploy" / "portal.env.example"),
                                 "--user", "portal"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "units").iterdir())
    names = [p.name for p in processes.PROCESSES]
    assert written == sorted([f"portal-{name}.service" for name in names] + ["portal.target"])
    for process in processes.PROCESSES:
        unit = read_unit(tmp_path / "units" / f"portal-{process.name}.service")
        service = unit["Service"]
        program, *args = process.argv
        assert service["ExecStart"].split() == [str(venv / "bin" / program)] + list(args)
        assert service["WorkingDirectory"] == str(ROOT)
        assert service["EnvironmentFile"] == str(ROOT / "deploy" / "portal.env.example")
        assert service["User"] == "portal" and service["KillSignal"] == "SIGTERM"
        assert unit["Unit"]["PartOf"] == "portal.target" and unit["Install"]["WantedBy"] == "portal.target"
    target = read_unit(tmp_path / "units" / "portal.target")
    assert target["Unit"]["Wants"].split() == [f"portal-{name}.service" for name in names]
    analyze = shutil.which("systemd-analyze")
    if analyze:  # systemd's own reading: every key known, every program there and executable
        checked = subprocess.run([analyze, "verify", "--man=no", *sorted((tmp_path / "units").iterdir())],
                                 capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def test_systemd_quotes_what_it_would_otherwise_split_or_expand():
    install = processes.Install(Path("/srv/portal"), Path("/srv/portal/.venv/bin"), Path("/etc/portal.env"), "portal")
    odd = processes.Process("odd", ("flask", "two words", "100%", "$HOME", "${PORTAL_IMPORT_DIR}"), "")
    exec_start = next(line for line in processes.systemd_units(install, (odd,))["portal-odd.service"].splitlines()
                      if line.startswith("ExecStart="))
    assert exec_start == 'ExecStart=/srv/portal/.venv/bin/flask "two words" 100%% $$HOME ${PORTAL_IMPORT_DIR}'


def test_a_folder_that_cannot_be_written_is_said_plainly(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(args=["ops", "systemd", str(blocker / "units")])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output


def test_the_example_environment_file_is_settings_the_portal_starts_with(monkeypatch, tmp_path):
    from honcho.environ import parse

    from portal import create_app

    example = parse((ROOT / "deploy" / "portal.env.example").read_text())  # as `make serve` reads it
    recipe_only = {"PORTAL_IMPORT_DIR", "PORTAL_BIND", "PORTAL_WEB_WORKERS"}  # the Procfile's and gunicorn's
    for name in list(os.environ):
        if name.startswith(("PORTAL_", "FLASK_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    # What the portal reads: its defaults, Flask's and the extensions', and the mail login and timeout Flask-Mail
    # and services/notify.py read when set.
    monkeypatch.setenv("PORTAL_BASE_URL", "https://attendance.example.org")
    known = set(create_app().config) | {"MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_TIMEOUT", "SECRET_KEY"}
    for name, value in example.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))  # the example's /srv is not ours here
    app = create_app()  # as gunicorn does: the example passes every check of the settings
    assert app.config["SQLALCHEMY_DATABASE_URI"] == example["DATABASE_URL"]
    assert app.config["MAIL_DEFAULT_SENDER"] == "Attendance portal <attendance@example.org>"
    assert app.config["MAIL_USE_TLS"] is True and app.config["PORTAL_BACKUPS_KEPT"] == 7
    assert app.config["SESSION_COOKIE_SECURE"] is True  # an https:// PORTAL_BASE_URL
    for name in set(example) - recipe_only - {"DATABASE_URL", "PORTAL_INSTANCE_PATH"}:
        short = name.removeprefix("PORTAL_")
        assert name in known or short in known, f"{name} in the example is not a setting the portal reads"
