# Two commands do everything on a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser chromium-package demo serve test lint format bench clean

install: $(VENV)/.installed node_modules/.installed

# The browser tests drive Debian's Chromium; install it when it is missing (root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || $(MAKE) --no-print-directory chromium-package

chromium-package:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; \
	else echo "Chromium is missing and cannot be installed without root: apt-get install chromium. Browser tests skip without it (and fail in CI)."; exit 0; fi; \
	$$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || \
	{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install browser
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/roster_import.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache *.egg-info
