# Meetup Notes: `make run` serves the demo on http://127.0.0.1:8000/, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
INSTALLED_DEV := $(VENV)/.installed-requirements-dev
# The PostgreSQL server `make test-postgres` runs the suite on (a test_ database is made there).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/meetup
# axe-core, for the browser tests' accessibility check: from npm, never committed.
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: install install-dev axe run test test-fast test-postgres test-browser bench bench-search lint format clean

# What the site needs to run; install-dev adds the tests' and lint's tools (requirements-dev.txt).
install: $(INSTALLED)

install-dev: $(INSTALLED_DEV)

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(INSTALLED_DEV): $(INSTALLED) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# `make run PORT=8011` serves on another port. The demo is loaded when it is absent; what users
# changed in it stays (`manage.py load_demo --reset` puts it back).
PORT ?= 8000
run: install
	@$(BIN)/python -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); sys.exit(0 if s.connect_ex(('127.0.0.1', $(PORT))) else 1)" \
		|| { echo "Port $(PORT) is taken: run \`make run PORT=8011\` (or any free port)."; exit 1; }
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate
	DJANGO_DEBUG=true $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on SQLite, on every core (pytest-xdist, a database per worker). The browser
# tests (tests/browser/) run when /usr/bin/chromium exists and are skipped, with the reason
# printed, when it does not; REQUIRE_BROWSER_TESTS=1 (as in .ci/run) makes that a failure.
test: install-dev axe
	$(BIN)/python -m pytest -n auto --dist worksteal

# While working: stop at the first failure, failures first, no browser or slow tests.
test-fast: install-dev
	$(BIN)/python -m pytest -n auto -x --ff -m "not browser and not slow"

# What depends on the database, on PostgreSQL: tests marked any_database (the browser tests,
# the hostile-input cross product) gave the same answer on SQLite already.
test-postgres: install-dev
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -n auto --dist worksteal -m "not any_database"

test-browser: install-dev axe
	$(BIN)/python -m pytest -m browser

axe: $(AXE)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) && touch $@ \
		|| echo "npm could not install axe-core: the accessibility check will be skipped"; \
	else \
		echo "npm not found: axe-core not installed, the accessibility check will be skipped"; \
	fi

# Not a test: loads gunicorn with wrk and writes docs/benchmarks.md (see benchmarks/bench.py).
bench: install-dev
	$(BIN)/python benchmarks/bench.py

# Not a test either, nor in CI (a few minutes): search over 100,000 status updates, and the day
# page on 1,000 against 100,000 updates, in-process on SQLite and PostgreSQL (benchmarks/large_data.py).
bench-search: install-dev
	$(BIN)/python benchmarks/large_data.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache tests/browser/node_modules
