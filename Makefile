# The two commands a newcomer runs: `make lab` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSET ?= ../shared/devset
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-python test-ts test-browser bench eval lint docs clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=example_notebooks

test: $(STAMP) lint test-python

lint: $(STAMP)
	$(BIN)/ruff check mlwa_notebook tests
	$(BIN)/ruff format --check mlwa_notebook tests
	$(BIN)/mypy

test-python: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

eval: $(STAMP)
	$(BIN)/python scripts/eval.py $(DEVSET)

docs: $(STAMP)
	$(BIN)/python -m mlwa_notebook.views.ruledocs

clean:
	rm -rf $(VENV) build dist *.egg-info
