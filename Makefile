# make run   — set up (once) and render the bundled example
# make test  — set up (once) and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run demo test lint clean help bench

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / — /'

setup: $(VENV)/.installed  ## create .venv and install perflib with its test tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import matplotlib.font_manager"  # build matplotlib's font cache once, not in every kernel
	$(BIN)/python -m compileall -q perflib  # as pip does for what it installs: else, with PYTHONDONTWRITEBYTECODE set, every kernel compiles perflib (~0.1 s)
	touch $@

run: setup  ## render every department-year under params/ to outputs/ (the worked example)
	$(BIN)/perflib run

demo: setup  ## generate the synthetic demo portfolio and render it to demo/outputs/
	$(BIN)/perflib demo-data demo/params --overwrite
	cp -rL params/baiyun-emergency demo/params/  # -L: the example is a link to the copy perflib ships
	$(BIN)/perflib run --params demo/params --outputs demo/outputs

test: setup  ## run the tests
	$(BIN)/python -m pytest -q

bench: setup  ## benchmark the batch against a naive papermill + nbconvert loop (minutes)
	$(BIN)/python benchmarks/bench_batch.py

lint: setup  ## ruff
	$(BIN)/ruff check perflib tests benchmarks

clean:  ## remove generated outputs (keeps outputs/README.md) and the demo
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf demo
