# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint clean
# The suite runs on two processes (pytest-xdist; each has its own test database): CI has two cores.
PYTEST_WORKERS ?= 2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: a second `make run` reinstalls nothing unless pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Local development: debug on, SQLite unless DATABASE_URL says otherwise.
run: export DJANGO_DEBUG ?= 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Values a production deployment would have, used only to run `check --deploy`.
DEPLOY_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=hub.example.org \
	DJANGO_SECRET_KEY=check-deploy-only-3f9c1b7e5a2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c

# Static checks, zero findings allowed: ruff (errors and likely bugs), bandit (security) and import-linter (the
# layers and no import loop), all set in pyproject.toml; every exception is justified on its line.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r core hub rendezvous accounts resources parcours diagnostic tools
	$(BIN)/lint-imports

test: $(VENV)/.installed-test lint
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Backup of the database (same environment as `make run`): writes BACKUP, by default backups/hub-<date>.json.gz.
BACKUP ?= backups/hub-$(shell date +%Y-%m-%d-%H%M%S).json.gz

.PHONY: backup restore
backup: export DJANGO_DEBUG ?= 1
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup_write $(BACKUP)

# Restore: `make restore BACKUP=backups/hub-….json.gz` into an empty database; REPLACE=1 empties it first.
restore: export DJANGO_DEBUG ?= 1
restore: $(VENV)/.installed
	$(if $(filter file,$(origin BACKUP)),$(error Indiquez le fichier à restaurer : make restore BACKUP=backups/hub-….json.gz))
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py backup_restore $(BACKUP) $(if $(REPLACE),--replace)

# Search and catalogue benchmark on PostgreSQL with 20,000 synthetic fiches (not part of `make test`).
BENCH_DB ?= hub_bench
BENCH_URL := postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_ENV := DJANGO_SETTINGS_MODULE=tools.settings DATABASE_URL=$(BENCH_URL) DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=testserver \
	DJANGO_SECRET_KEY=bench-only-7c1e5a9b3d2f4e6a8c0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f
BENCH_FICHES ?= 20000
BENCH_REQUESTS ?= 200

.PHONY: bench-search
bench-search: $(VENV)/.installed
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $(BENCH_DB)" -c "CREATE DATABASE $(BENCH_DB)"
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BENCH_ENV) $(BIN)/python manage.py seed_demo --fiches $(BENCH_FICHES)
	psql -h 127.0.0.1 -U postgres -q -d $(BENCH_DB) -c "VACUUM ANALYZE"
	$(BENCH_ENV) $(BIN)/python manage.py bench_search --requests $(BENCH_REQUESTS) --output docs/benchmarks-recherche.md

# Load test as production serves the hub (README « Mesures de charge »): PostgreSQL filled at 1x then 10x,
# gunicorn with 2 workers and production settings over Redis, wrk from another process. Writes
# docs/benchmarks.md and docs/benchmarks.json. Not part of `make test`.
BENCH_PEOPLE ?= 5000
BENCH_DIAGNOSTICS ?= 1000
# Seconds of load per scenario and per run (2 s of warm-up before each, on the first run only); the runs are
# interleaved and the table gives their median and spread: about 15 minutes for 3 runs of ~35 scenarios.
BENCH_SECONDS ?= 8
BENCH_RUNS ?= 3
BENCH_REDIS ?= redis://127.0.0.1:6379/1
BENCH_CACHE_PREFIX ?= hub-bench
BENCH_SERVE_ENV := DJANGO_SETTINGS_MODULE=tools.settings DATABASE_URL=$(BENCH_URL) DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,testserver \
	DJANGO_SECRET_KEY=bench-only-7c1e5a9b3d2f4e6a8c0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f \
	REDIS_URL=$(BENCH_REDIS) HUB_CACHE_PREFIX=$(BENCH_CACHE_PREFIX) DJANGO_STATIC_ROOT=$(CURDIR)/staticfiles HUB_PROXY_COUNT=1

.PHONY: bench
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || apt-get install -y wrk
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $(BENCH_DB)" -c "CREATE DATABASE $(BENCH_DB)"
	@# The previous run's keys (pages, sessions, version), and only those.
	redis-cli -u $(BENCH_REDIS) --scan --pattern '$(BENCH_CACHE_PREFIX):*' | xargs -r redis-cli -u $(BENCH_REDIS) del >/dev/null
	$(BENCH_SERVE_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BENCH_SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BENCH_SERVE_ENV) $(BIN)/python manage.py bench --fiches $(BENCH_FICHES) --people $(BENCH_PEOPLE) \
		--diagnostics $(BENCH_DIAGNOSTICS) --seconds $(BENCH_SECONDS) --runs $(BENCH_RUNS)

# The job's time for one issue of « La lettre » to BENCH_SUBSCRIBERS confirmed subscribers (queuing, then sending
# with the locmem backend) on a fresh PostgreSQL database; writes its own section of docs/benchmarks.md, which
# `make bench` keeps. Not part of `make test`.
BENCH_SEND_DB ?= hub_bench_send
BENCH_SUBSCRIBERS ?= 10000
BENCH_SEND_ENV := DJANGO_SETTINGS_MODULE=tools.settings DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_SEND_DB) \
	DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=testserver \
	DJANGO_SECRET_KEY=bench-only-7c1e5a9b3d2f4e6a8c0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f

.PHONY: bench-send
bench-send: $(VENV)/.installed
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $(BENCH_SEND_DB)" -c "CREATE DATABASE $(BENCH_SEND_DB)"
	$(BENCH_SEND_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BENCH_SEND_ENV) $(BIN)/python manage.py bench_send --subscribers $(BENCH_SUBSCRIBERS)
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE $(BENCH_SEND_DB)"
