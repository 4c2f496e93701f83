# Meetup Notes: `make run` serves the demo on http://127.0.0.1:8000/, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
# axe-core, for the browser tests' accessibility check: from npm, never committed.
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: install axe run test test-browser bench lint format clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

run: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate
	DJANGO_DEBUG=true $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# The browser tests (tests/browser/) run when /usr/bin/chromium exists and are skipped, with the
# reason printed, when it does not; REQUIRE_BROWSER_TESTS=1 (as in .ci/run) makes that a failure.
test: install axe
	$(BIN)/python -m pytest

test-browser: install axe
	$(BIN)/python -m pytest -m browser

axe: $(AXE)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) && touch $@ \
		|| echo "npm could not install axe-core: the accessibility check will be skipped"; \
	else \
		echo "npm not found: axe-core not installed, the accessibility check will be skipped"; \
	fi

# Not a test: loads gunicorn with wrk and writes docs/benchmarks.md (see scripts/bench.py).
bench: install
	$(BIN)/python scripts/bench.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache tests/browser/node_modules
