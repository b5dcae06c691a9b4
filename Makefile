# make run   — set up (once) and render the bundled example
# make test  — set up (once) and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint clean help

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / — /'

setup: $(VENV)/.installed  ## create .venv and install perflib with its test tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: setup  ## validate params/ and score the worked example
	$(BIN)/perflib validate
	$(BIN)/perflib score params/baiyun-emergency/2023.yaml

test: setup  ## run the tests
	$(BIN)/python -m pytest -q

lint: setup  ## ruff
	$(BIN)/ruff check perflib tests benchmarks

clean:  ## remove generated outputs (keeps outputs/README.md)
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
