# make run   — set up (once) and render the bundled example
# make test  — set up (once) and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# JupyterLab gets an environment of its own: its jsonschema format extras (rfc3987-syntax) cost ~1.6 s in
# every process that imports nbformat, so in perflib's environment they would slow every batch and kernel.
# Its kernel "perflib (Python 3)" is perflib's environment.
LAB ?= .venv-lab

.PHONY: setup run demo test lint clean help bench bench-intake bench-review lab

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / — /'

setup: $(VENV)/.installed $(LAB)/.installed  ## create .venv (perflib and its test tools) and .venv-lab (JupyterLab)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import matplotlib.font_manager"  # build matplotlib's font cache once, not in every kernel
	$(BIN)/python -m compileall -q -x 'perflib/data' perflib  # as pip does for what it installs: else, with PYTHONDONTWRITEBYTECODE set, every kernel compiles perflib (~0.1 s)
	-$(BIN)/python -m perflib.present.typeset  # the documents' fonts, instanced once (~13 s, both weights at once) rather than in the first batch
	touch $@

$(LAB)/.installed: $(VENV)/.installed
	$(PYTHON) -m venv $(LAB)
	$(LAB)/bin/python -m pip install --quiet --upgrade pip
	$(LAB)/bin/python -m pip install --quiet 'jupyterlab>=4.2' 'jupytext>=1.16'
	# named python3, so that the notebooks (and papermill) open with it; shown as "perflib (Python 3)"
	$(BIN)/python -m ipykernel install --prefix $(abspath $(LAB)) --name python3 --display-name "perflib (Python 3)"
	touch $@

lab: setup  ## open JupyterLab on notebooks/ (the perflib kernel is registered as "perflib (Python 3)")
	$(LAB)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

run: setup  ## render every department-year under params/ to outputs/ (the worked example), with Word, PDF and 自评表
	$(BIN)/perflib run --formats html,docx,pdf,xlsx

demo: setup  ## generate the synthetic demo portfolio and render it to demo/outputs/
	$(BIN)/perflib demo-data demo/params --overwrite
	cp -rL params/baiyun-emergency demo/params/  # -L: the example is a link to the copy perflib ships
	$(BIN)/perflib run --params demo/params --outputs demo/outputs

test: setup  ## run the tests (on every core)
	$(BIN)/python -m pytest -q -n auto

bench: setup  ## benchmark the batch against a naive papermill + nbconvert loop (minutes)
	$(BIN)/python benchmarks/bench_batch.py

bench-intake: setup  ## benchmark the intake of 1,000 generated forms against opening them with openpyxl (goal ≤ 60 s)
	$(BIN)/python benchmarks/bench_intake.py

bench-review: setup  ## benchmark the review of those 1,000 forms against their intake (goal: the review adds ≤ 30 s)
	$(BIN)/python benchmarks/bench_review.py

lint: setup  ## ruff
	$(BIN)/ruff check perflib tests benchmarks

clean:  ## remove generated outputs (keeps outputs/README.md) and the demo
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf demo
