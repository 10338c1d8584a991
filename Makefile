# Plea: day-to-day commands. `make help` lists them.
#
# Everything runs through .venv/bin/python, so there is nothing to activate.
# The virtualenv is built on first use with Python 3.12+ (found by
# scripts/find-python.sh) and re-synced from the lock (requirements-dev.txt:
# every package, pinned with its hashes) whenever the lock changes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Touched after a successful install; newer requirements files trigger a re-install.
STAMP := $(VENV)/.installed

# Development settings: debug on, so the safe defaults in config/settings.py apply.
DEV_ENV := DJANGO_DEBUG=1
RUNSERVER_ADDR ?= 127.0.0.1:8000
# The links Plea builds (mail, share buttons, badges, QR codes) point at the
# address served, unless SITE_URL is set: a bare port is on 127.0.0.1, and
# 0.0.0.0 (every interface) is reached from this machine as 127.0.0.1.
SERVED_HOSTPORT := $(if $(findstring :,$(RUNSERVER_ADDR)),$(subst 0.0.0.0:,127.0.0.1:,$(RUNSERVER_ADDR)),127.0.0.1:$(RUNSERVER_ADDR))
SITE_URL ?= http://$(SERVED_HOSTPORT)
# Extra pytest arguments, e.g. make test ARGS="-k signing -x"
ARGS ?=
# Test processes (pytest-xdist): one per core by default; WORKERS=0 runs in one process.
WORKERS ?= auto
PYTEST := $(PY) -m pytest tests --ignore=tests/e2e -q -n $(WORKERS) $(ARGS)

# A virtualenv left over from an older Python (or whose interpreter is gone)
# is rebuilt, whatever the age of the stamp.
VENV_STALE := $(shell $(PY) -c 'import sys; print(int(sys.version_info < (3, 12)))' 2>/dev/null || echo 1)

.PHONY: help venv lock run test test-postgres test-e2e test-resilience backup restore lint fmt \
	check check-django check-migrations check-deploy translations compile-translations \
	bench bench-smoke ci clean distclean FORCE

help:
	@echo "make run            migrate, load the demo data, serve on http://$(RUNSERVER_ADDR)/ (RUNSERVER_ADDR=host:port, SITE_URL=...)"
	@echo "make test           tests on SQLite (browser tests excluded); ARGS=... goes to pytest"
	@echo "make test-postgres  the same tests on PostgreSQL (\$$DATABASE_URL or a throwaway cluster)"
	@echo "make test-e2e       browser tests in tests/e2e"
	@echo "make test-resilience  two gunicorns on PostgreSQL and Redis, outages, backup round trip (bench/resilience.py)"
	@echo "make backup         pg_dump of \$$DATABASE_URL and the uploaded files into DEST (default backups/<time>)"
	@echo "make restore FROM=DIR  a backup into the empty database at \$$DATABASE_URL"
	@echo "make lint           ruff check + ruff format --check + the apps' import directions + mypy"
	@echo "make lock           recompile the locks (requirements*.txt) from requirements*.in; UPGRADE=pkg raises one package"
	@echo "make fmt            ruff check --fix + ruff format"
	@echo "make check          manage.py check, migrations check, check --deploy (production-like env)"
	@echo "make translations   update locale/*/django.po from the code, then check them (complete, compiled)"
	@echo "make compile-translations  compile the .po files into the committed .mo files"
	@echo "make bench          benchmarks (bench/run.sh, 3-6 minutes; results in bench/results/)"
	@echo "make bench-smoke    the benchmarks on 10,000 signatures, as a check that the suite runs"
	@echo "make ci             lint, check, test, test-postgres, test-resilience"
	@echo "make clean          remove caches and collected static files (distclean: also .venv)"

venv: $(STAMP)

$(STAMP): requirements-dev.txt $(if $(filter 1,$(VENV_STALE)),FORCE)
	@if [ -e $(VENV) ] && [ "$(VENV_STALE)" = 1 ]; then \
		echo "Rebuilding $(VENV): its Python is missing or older than 3.12."; \
		rm -rf $(VENV); \
	fi
	@if [ ! -x $(PY) ]; then \
		python="$$(scripts/find-python.sh)"; \
		echo "Creating $(VENV) with $$python ($$("$$python" -V 2>&1))"; \
		"$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@touch $@

FORCE:

# The locks: every package each requirements*.in needs, pinned with the hashes
# of its files on PyPI, so an install gets exactly the bytes we tested. Resolved
# against PyPI alone (no local wheel folders or extra indexes from pip's config).
# The runtime lock comes first: the other two are constrained to it.
UPGRADE ?=
PIP_COMPILE := env PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(VENV)/bin/pip-compile -q --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade-package $(UPGRADE))
lock: $(STAMP)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-s3.txt requirements-s3.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

run: $(STAMP)
	$(DEV_ENV) $(PY) manage.py migrate
	$(DEV_ENV) $(PY) manage.py load_demo
	@# The transparency logs' checkpoint job runs beside the server and stops with it.
	$(DEV_ENV) SITE_URL=$(SITE_URL) $(PY) manage.py log_checkpoints --loop & trap "kill $$!" EXIT INT TERM; $(DEV_ENV) SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(RUNSERVER_ADDR)

# pytest-env (pyproject.toml) sets the test environment, so none is passed here.
test: $(STAMP)
	$(PYTEST)

# Real migrations here (pyproject's addopts skip them for speed), so a migration
# that only works on SQLite fails in CI. Without a postgres DATABASE_URL, a
# throwaway cluster is started and removed afterwards, pass or fail.
test-postgres: $(STAMP)
	@case "$${DATABASE_URL:-}" in \
		postgres://* | postgresql://* | postgis://*) \
			echo "Testing against DATABASE_URL from the environment."; \
			$(PYTEST) --migrations ;; \
		*) \
			scripts/with-postgres.sh $(PYTEST) --migrations ;; \
	esac

test-e2e: $(STAMP)
	@if [ -d tests/e2e ]; then \
		$(PY) -m pytest tests/e2e -q -n $(WORKERS) $(ARGS); \
	else \
		echo "No browser tests yet (tests/e2e does not exist)."; \
	fi

# Real services, real processes: a throwaway PostgreSQL (restarted mid-run), a
# redis-server of its own (stopped mid-run), two gunicorn instances. About a minute.
test-resilience: $(STAMP)
	DJANGO_SETTINGS_MODULE=bench.settings scripts/with-postgres.sh $(PY) bench/resilience.py

# The secret keys are not in a backup: keep them separately (SECURITY.md).
DEST ?=
backup: $(STAMP)
	PYTHON=$(PY) scripts/backup.sh $(DEST)

FROM ?=
restore: $(STAMP)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/<time>"; exit 2; }
	PYTHON=$(PY) scripts/restore.sh $(FROM)

# Every part always runs, so one pass shows every problem.
lint: $(STAMP)
	@status=0; \
	$(PY) -m ruff check . || status=1; \
	$(PY) -m ruff format --check . || status=1; \
	$(PY) scripts/check_imports.py || status=1; \
	$(DEV_ENV) $(PY) -m mypy || status=1; \
	exit $$status

# Fixes first (import sorting, upgrades), then formatting; what cannot be
# fixed automatically is printed and fails the target.
fmt: $(STAMP)
	@status=0; \
	$(PY) -m ruff check --fix . || status=1; \
	$(PY) -m ruff format . ; \
	exit $$status

check: check-django check-migrations check-deploy

check-django: $(STAMP)
	$(DEV_ENV) $(PY) manage.py check

check-migrations: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# Production-like environment: debug off, a fresh random secret, real host names,
# a shared cache for the rate limits and mail sent by the task worker (the check
# reads these settings; nothing connects to Redis or sends anything).
# Any warning fails, so production settings must pass with none.
check-deploy: $(STAMP)
	@secret="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')"; \
	echo "DJANGO_DEBUG=0 ... manage.py check --deploy --fail-level WARNING"; \
	DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$$secret" \
	PLEA_ENCRYPTION_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	PLEA_EMAIL_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	PLEA_LOG_SIGNING_KEY="$$($(PY) -c 'from core.signed_note import Signer; print(Signer.generate("plea.example.org/petition-logs").skey)')" \
	DJANGO_ALLOWED_HOSTS=plea.example.org \
	SITE_URL=https://plea.example.org \
	REDIS_URL=redis://127.0.0.1:6379/0 \
	TASKS_BACKEND=django_tasks_db.DatabaseBackend \
		$(PY) manage.py check --deploy --fail-level WARNING

# Messages from our code only: the virtualenv, tests and benchmarks are skipped.
# A new or changed string then shows up untranslated and the check fails.
# Named, not --all: locale/ also holds work-in-progress folders that are not languages.
LANGUAGES := ur ug kk ru zh_Hans tr
translations: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemessages $(foreach lang,$(LANGUAGES),-l $(lang)) --no-obsolete --no-location \
		--ignore=$(VENV) --ignore=tests --ignore=bench
	$(PY) scripts/check_translations.py

compile-translations: $(STAMP)
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=$(VENV)

bench: $(STAMP)
	@if [ -f bench/run.sh ]; then \
		DJANGO_SETTINGS_MODULE=bench.settings PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash bench/run.sh; \
	else \
		echo "No benchmark suite yet (bench/run.sh does not exist)."; \
		exit 1; \
	fi

# The whole suite on 10,000 signatures in about a minute: fails if any request
# failed or a count came out wrong, never on a missed target.
bench-smoke: $(STAMP)
	BENCH_QUICK=1 DJANGO_SETTINGS_MODULE=bench.settings PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash bench/run.sh

# Sequential even under make -j: each step reads best after the one before.
ci:
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-resilience

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis staticfiles
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
