# socmap: two commands set up everything on a fresh machine.
#   make demo   install into .venv, build the South West demo region on SQLite, serve on 127.0.0.1:8000
#   make test   install, lint, and run the whole suite on SQLite and, alongside it, on PostgreSQL when it answers

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install demo serve test lint test-sqlite test-postgres chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/socmap demo --serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/socmap serve

lint: install
	@echo "== Lint: ruff, mypy, import contracts, bandit, dead code =="
	$(BIN)/ruff check .
	$(BIN)/mypy socmap
	$(BIN)/lint-imports
	@# Bandit warns of every reviewed "# nosec" that other checks pass over too: those lines are left out.
	set -o pipefail; $(BIN)/bandit -q -c pyproject.toml -r . 2>&1 | { grep -v "nosec encountered" || true; }
	$(BIN)/vulture

# Browser tests drive Debian's Chromium; install it when missing (the machine's user is root).
chromium:
	@{ command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium; } && command -v pdftotext >/dev/null 2>&1 || { \
		echo "== Installing Debian's Chromium and poppler-utils (PDF text) for the browser and PDF tests =="; \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; fi; }

test-sqlite: install chromium
	@echo "== Tests on SQLite (with browser tests) =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install chromium
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Tests on PostgreSQL ($(PG_URL)) =="; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	else \
		echo "== PostgreSQL does not answer at $(PG_URL): PostgreSQL run skipped =="; \
	fi

# Both databases at once, one run a core: the PostgreSQL run in the background (its log printed when
# it ends), SQLite in the foreground; each with a var folder of its own. Fails if either fails.
test: lint chromium
	@mkdir -p var; pg=""; \
	if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Tests on PostgreSQL ($(PG_URL)) alongside, log in var/test-postgres.log =="; \
		( SOCMAP_VAR_DIR=$(CURDIR)/var/test-postgres DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS) \
			> var/test-postgres.log 2>&1; echo $$? > var/test-postgres.rc ) & pg=$$!; \
	else \
		echo "== PostgreSQL does not answer at $(PG_URL): PostgreSQL run skipped =="; \
	fi; \
	echo "== Tests on SQLite (with browser tests$${pg:+; tests that reach no database run on the PostgreSQL run only}) =="; \
	SOCMAP_TESTS_WITHOUT_DB=$${pg:+elsewhere} SOCMAP_VAR_DIR=$(CURDIR)/var/test-sqlite env -u DATABASE_URL \
		$(BIN)/pytest $(PYTEST_ARGS); sqlite=$$?; \
	postgres=0; \
	if [ -n "$$pg" ]; then \
		wait $$pg; echo "== Tests on PostgreSQL: the run's output =="; cat var/test-postgres.log; \
		postgres=$$(cat var/test-postgres.rc); \
	fi; \
	echo "== SQLite exit $$sqlite, PostgreSQL exit $$postgres =="; \
	test "$$sqlite" = 0 && test "$$postgres" = 0 && echo "== make test: all runs passed =="

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
