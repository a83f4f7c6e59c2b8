# Paradesk: `make run` serves the demo district; `make test` runs every check. See README.md.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export DJANGO_SETTINGS_MODULE := paradesk.settings

# Django 6 needs Python 3.12+; plain python3 may be older, and pyenv shims may not be active.
PYTHON ?= $(shell for p in python3.13 python3.12 $(HOME)/.pyenv/versions/3.13*/bin/python3.13 \
	$(HOME)/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do \
	if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo "$$p"; break; fi; done)

.PHONY: run serve test lint check-migrations pytest pytest-postgres bench demo clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Paradesk needs python3.13 or python3.12 on PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/uv pip install --quiet -p $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet -p $(BIN)/python --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/uv pip install --quiet -p $(BIN)/python -r requirements-dev.txt
	@touch $@

# The task worker (progress-report batches) runs beside the server and stops when the server does.
run: $(VENV)/.installed
	$(BIN)/paradesk migrate --noinput
	$(BIN)/paradesk demo
	$(BIN)/paradesk db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/paradesk runserver --noreload 127.0.0.1:$(PORT)

# Serving for real (docs/serving.md): production settings, gunicorn, static files collected, the
# task worker beside it, stopped with it. Needs PARADESK_SECRET_KEY; DATABASE_URL for PostgreSQL.
serve: export PARADESK_ENV := production
serve: $(VENV)/.installed
	$(BIN)/paradesk check --deploy
	$(BIN)/paradesk migrate --noinput
	$(BIN)/paradesk collectstatic --noinput --verbosity 0
	$(BIN)/paradesk db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	PORT=$(PORT) $(BIN)/gunicorn -c python:paradesk.gunicorn_conf

demo: $(VENV)/.installed
	$(BIN)/paradesk migrate --noinput
	$(BIN)/paradesk demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy paradesk benchmarks

check-migrations: $(VENV)/.installed-dev
	$(BIN)/paradesk makemigrations --check --dry-run

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -n 2

pytest-postgres: $(VENV)/.installed-dev
	scripts/with-postgres $(BIN)/pytest -n 2 -m "not browser"

test: lint check-migrations pytest pytest-postgres

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var
