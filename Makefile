# The README's two commands: `make lab` (JupyterLab with the tutorials against the embedded sandbox)
# and `make test` (the whole suite). Each sets up everything it needs from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make

.PHONY: lab test lint setup browser

lab: setup
	$(BIN)/python -m ion_magic.lab

test: setup browser
	$(BIN)/ruff check ion_magic tests benchmarks
	cd labextension && ../$(BIN)/jlpm test
	$(BIN)/python -m pytest

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
