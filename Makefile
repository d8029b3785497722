# The README's two commands: `make lab` (JupyterLab with the tutorials against the embedded sandbox)
# and `make test` (lint, then the whole suite). Each sets up everything it needs from a fresh clone.
# For development: `make quick` (the tests without kernels, browser or slow ones) and `make lint`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make

PYTHON_SOURCES := ion_magic tests benchmarks

.PHONY: lab test quick lint lint-ruff lint-format lint-types lint-ts setup browser

lab: setup
	$(BIN)/python -m ion_magic.lab

test: setup browser lint
	cd labextension && ../$(BIN)/jlpm test
	$(BIN)/python -m pytest

# The inner loop: every test that needs no kernel, no browser and no long run (markers in pyproject.toml).
quick: setup
	$(BIN)/python -m pytest -m "not kernel and not browser and not slow"

# One target per tool, so that `make -k lint` reports every tool's findings in one run.
lint: lint-ruff lint-format lint-types lint-ts

lint-ruff: setup
	$(BIN)/ruff check $(PYTHON_SOURCES)

lint-format: setup
	$(BIN)/ruff format --check $(PYTHON_SOURCES)

lint-types: setup
	$(BIN)/mypy ion_magic

# Prettier, then ESLint with JupyterLab's extension-template rules (labextension/eslint.config.mjs).
lint-ts: setup
	cd labextension && ../$(BIN)/jlpm lint:check

setup: $(STAMP)/venv

# The editable install copies the built extension, so a front-end change must reinstall too.
EXTENSION_SOURCES := $(wildcard labextension/src/*.ts labextension/style/*) labextension/package.json labextension/yarn.lock

$(STAMP)/venv: pyproject.toml $(EXTENSION_SOURCES)
	mkdir -p $(STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Browser tests drive Debian's chromium; install it when it is missing and apt is at hand (CI runs as root).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
