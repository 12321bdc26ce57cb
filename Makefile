# Developer and CI entry points. `make help` lists the targets.
#
#   make run                      migrate, seed the demo data, serve on 127.0.0.1:8000
#   make run PORT=8001            ... on another port (e-mailed links follow it)
#   make test PYTEST_ARGS='-x -k tenant'
#   make test-postgres            the same suite on a throwaway PostgreSQL cluster

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
PYTEST_ARGS ?=

VENV := .venv
PY := $(VENV)/bin/python
# One stamp per set of extras: the install re-runs only when pyproject.toml changes
# (or when .venv is re-created).
BASE_STAMP := $(VENV)/.installed-base
TEST_STAMP := $(VENV)/.installed-test
LOAD_STAMP := $(VENV)/.installed-load

# The dev server needs DEBUG on to serve static files; the settings default it off.
RUN_ENV := DEBUG="$${DEBUG:-true}"
# Links in e-mails (invitations aside, which use the request's host) are built from SITE_URL:
# `make run` points them at its own port, unless SITE_URL is set in the environment, on make's
# command line or in .env (django-environ reads `SITE_URL=…` or `export SITE_URL=…` lines there
# and never overrides a variable already set, so it must not be set here then).
ifeq ($(strip $(SITE_URL)),)
ifeq ($(shell grep -sqE '^(export )?SITE_URL=' .env && echo set),)
RUN_ENV += SITE_URL="http://127.0.0.1:$(PORT)"
endif
endif

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

.PHONY: help venv run migrate seed test browser-deps pdf-deps test-postgres screenshots lint fmt bench bench-portfolio bench-imports load clean

help: ## List the targets
	@echo "Usage: make TARGET [PORT=8000] [PYTEST_ARGS='...']"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---------------------------------------------------------------- virtualenv

venv: $(VENV)/pyvenv.cfg ## (internal) Create .venv with Python 3.13

# Re-create .venv when its interpreter is gone or is not Python 3.13.
ifneq ($(shell $(PY) -c 'import sys; print(sys.version_info[:2] == (3, 13))' 2>/dev/null),True)
$(VENV)/pyvenv.cfg: FORCE
endif

# Interpreter search order: pyenv's 3.13 (pyenv may be installed but not on PATH),
# then python3.13 on PATH. Each candidate must really be 3.13.
$(VENV)/pyvenv.cfg:
	@pyenv=$$(command -v pyenv || echo "$${PYENV_ROOT:-$$HOME/.pyenv}/bin/pyenv"); \
	python=""; \
	for candidate in \
	    $$([ -x "$$pyenv" ] && "$$pyenv" which python3.13 2>/dev/null) \
	    $$([ -x "$$pyenv" ] && ls -d "$$("$$pyenv" root)"/versions/3.13*/bin/python3.13 2>/dev/null | sort -rV) \
	    $$(command -v python3.13); do \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then \
	    python=$$candidate; break; \
	  fi; \
	done; \
	if [ -z "$$python" ]; then \
	  echo "Python 3.13 is needed: install it with pyenv (pyenv install 3.13) or your package manager" >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$python"; \
	rm -rf $(VENV); \
	"$$python" -m venv $(VENV); \
	$(PY) -m pip install --quiet --upgrade pip

$(BASE_STAMP): pyproject.toml $(VENV)/pyvenv.cfg
	$(PY) -m pip install -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(VENV)/pyvenv.cfg
	$(PY) -m pip install -e '.[test]'
	@touch $@

$(LOAD_STAMP): pyproject.toml $(VENV)/pyvenv.cfg
	$(PY) -m pip install -e '.[test,load]'
	@touch $@

FORCE:

# ---------------------------------------------------------------- app

# The task worker and the scheduler run in the background beside the web server; the trap
# stops them (SIGTERM: each finishes its current task or pass) when the server ends or on Ctrl-C.
run: $(BASE_STAMP) pdf-deps ## Migrate, seed demo data (prints the logins) and its sample imports, serve on 127.0.0.1:$PORT with the task worker and scheduler
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py demo_samples
	@trap 'kill $$(jobs -p) 2>/dev/null || true; wait' EXIT; trap 'exit 130' INT TERM; \
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload --no-startup-delay & \
	$(RUN_ENV) $(PY) manage.py run_scheduler & \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

migrate: $(BASE_STAMP) ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: $(BASE_STAMP) ## Load the demo data (prints the logins) and write its sample imports into var/samples/
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_samples

# ---------------------------------------------------------------- quality

test: $(TEST_STAMP) browser-deps pdf-deps ## Run the test suite on SQLite (PYTEST_ARGS passed to pytest)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# PDF reports (WeasyPrint) need Pango and HarfBuzz from Debian; the check is for the library files.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
pdf-deps:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(PDF_LIBS) fonts-dejavu-core; \
	  else \
	    echo "PDF reports need Pango: sudo apt-get install $(PDF_LIBS)" >&2; exit 1; \
	  fi; \
	fi

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation; \
	  else \
	    echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

test-postgres: $(TEST_STAMP) browser-deps pdf-deps ## Run the test suite on a throwaway PostgreSQL cluster
	bash .ci/postgres.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

screenshots: $(TEST_STAMP) browser-deps ## Run the browser tests and copy the README's screenshots into docs/screenshots/
	SCREENSHOTS_TO_DOCS=1 $(VENV)/bin/pytest -q -p no:cacheprovider tests/browser

lint: $(TEST_STAMP) ## Check lint and formatting (ruff); reports both before failing
	@status=0; \
	echo "ruff check ."; $(VENV)/bin/ruff check . || status=1; \
	echo "ruff format --check ."; $(VENV)/bin/ruff format --check . || status=1; \
	exit $$status

fmt: $(TEST_STAMP) ## Format the code and apply safe lint fixes (ruff)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(TEST_STAMP) ## Benchmark the pages at the bench and agency shapes, on SQLite and a throwaway PostgreSQL (bench/bench.sh)
	bash bench/bench.sh

bench-portfolio: $(TEST_STAMP) ## Benchmark the portfolio at 500 locations × 20 campaigns × 365 days (bench/portfolio.py)
	$(PY) bench/portfolio.py

bench-imports: $(TEST_STAMP) ## Benchmark committing a 100,000-row import against a raw executemany (bench/imports.py)
	$(PY) bench/imports.py

load: $(LOAD_STAMP) ## Load test (Locust, headless) against gunicorn with DEBUG=false, on SQLite and a throwaway PostgreSQL
	bash bench/load/load.sh

clean: ## Remove .venv, caches and build leftovers (keeps db.sqlite3)
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
