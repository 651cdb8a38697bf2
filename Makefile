# The two commands a newcomer runs (see README): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
POLICY ?= examples/alp.toml
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test test-packages test-moved lint scan install db assets bench site clean

# Set up, create the database, load the example policy with a demo trust's pupils and a year of marks (the same
# every time: re-running imports nothing new), and serve on http://127.0.0.1:5000
run: install db
	$(FLASK) demo --policy $(POLICY)
	PORTAL_MAIL_TO_CONSOLE=true PORTAL_BASE_URL=http://$(HOST):$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

# The production recipe on one machine: every process of the Procfile (web under gunicorn, the outbox worker, the
# MIS import watcher, the scheduler; portal/processes.py) under honcho, with the settings in ENV_FILE (copy
# deploy/portal.env.example and fill it in), after `flask db upgrade`. Ctrl-C stops them all. For PostgreSQL (the
# DATABASE_URL there), Debian's: `apt-get install postgresql`, then `sudo -u postgres createuser -P portal` and
# `sudo -u postgres createdb -O portal portal`; or a private server as .ci/run starts one (initdb + pg_ctl).
# README: Running it for a school.
ENV_FILE ?= deploy/portal.env
serve: install
	@test -f $(ENV_FILE) || { echo "$(ENV_FILE) is missing: cp deploy/portal.env.example $(ENV_FILE), then fill it in"; exit 1; }
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --env $(ENV_FILE) run flask --app portal db upgrade
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --env $(ENV_FILE) --procfile Procfile start

# Set up (Chromium included), check the code with bandit, and run the whole test suite, nothing skipped (SQLite;
# PostgreSQL instead when TEST_DATABASE_URL is set), on every core (pytest-xdist; TEST_WORKERS=0 for one process).
# PYTEST_ARGS adds pytest options, e.g. PYTEST_ARGS="-x".
# COVERAGE=no leaves out line coverage (CI's PostgreSQL run: coverage multiplies the suite's CPU time, and the SQLite
# run already checks it).
TEST_WORKERS ?= auto
PYTEST_ARGS ?=
COVERAGE ?= yes
test: test-packages lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(if $(filter yes,$(COVERAGE)),--cov --cov-report=term:skip-covered) $(PYTEST_ARGS)
	@# The rules engine is what schools are judged by: keep it fully exercised.
	@if [ "$(COVERAGE)" = yes ]; then \
		$(BIN)/python -m coverage report --include='portal/domain/*' --fail-under=95 > /dev/null \
		|| { $(BIN)/python -m coverage report --include='portal/domain/*'; echo "portal/domain is under 95% line coverage"; exit 1; }; \
	fi

# bandit's security checks over portal/ and forms/ (settings in pyproject.toml): silent when clean, else fails.
lint: install
	$(BIN)/bandit -c pyproject.toml -q -r portal forms

# wapiti (from apt when missing) against gunicorn on 127.0.0.1 with demo data, as anonymous, a parent and staff
# (scripts/scan.sh, a few minutes): prints every finding; fails on any not accepted there, for a reason.
scan: install
	PYTHON=$(BIN)/python scripts/scan.sh

install: $(VENV)/.installed

# The Debian packages serving needs (debian-packages.txt, group "run"), then the venv.
$(VENV)/.installed: pyproject.toml debian-packages.txt
	scripts/debian-packages.sh run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# What the whole suite needs besides (group "test": Chromium for the browser journeys).
test-packages: install
	scripts/debian-packages.sh test

db: install
	$(FLASK) db upgrade

SITE_DIR ?= build/site
# The static parent website of the example policy (docs/static-site.md); open $(SITE_DIR)/index.html. SITE_PORTAL_URL:
# the portal's address for its links; ALLOW_EXAMPLES=1 builds although the policy marks values as examples (both do).
site: install
	$(FLASK) site build $(SITE_DIR) --policy $(POLICY) $(if $(SITE_PORTAL_URL),--portal-url $(SITE_PORTAL_URL)) \
		$(if $(ALLOW_EXAMPLES),--allow-examples)

# The benchmarks (benchmarks/README.md, figures in BENCHMARKS.md), a trust of 20,000 pupils by default: the import
# and alerts against SQLite's own tools, then the morning peak under load (gunicorn, wrk) on SQLite and PostgreSQL
# beside a bare Flask endpoint. About two hours on 2 cores; quick: BENCH_ARGS="--pupils 500"
# LOAD_ARGS="--pupils 500 --duration 10 --soak 30". Installs sqlite3, wrk, faketime and PostgreSQL from apt when missing.
BENCH_ARGS ?=
LOAD_ARGS ?=
bench: install
	@missing=""; command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v faketime >/dev/null || missing="$$missing faketime"; \
	ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then echo "Installing from apt:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	$(BIN)/python benchmarks/import_and_alerts.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/load.py $(LOAD_ARGS)

# Rebuild the committed CSS/JS from npm (needs Node; installing the portal does not).
assets:
	scripts/build-assets.sh

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov

# The suite with the clock moved (scripts/moved-date.sh, libfaketime): WHEN="2027-03-28 00:59:00" (UTC) replays
# one moment, WHEN=all runs every moment of the list, and no WHEN draws one at random (printed).
WHEN ?=
test-moved: test-packages
	PYTEST_ARGS="-n $(TEST_WORKERS) $(PYTEST_ARGS)" scripts/moved-date.sh $(if $(WHEN),"$(WHEN)",)
