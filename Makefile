# The two commands a newcomer runs: `make lab` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSET ?= ../shared/devset
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Node side (labextension/, ui-tests/): jlpm comes with the Python install; CI installs exactly
# the committed yarn lock files; Playwright never downloads a browser (Debian's chromium is used).
JLPM := $(abspath $(BIN))/jlpm
WITH_VENV := PATH=$(abspath $(BIN)):$$PATH
LABEXT := mlwa_notebook/labextension/static/style.js
LABEXT_SOURCES := $(wildcard labextension/src/*.ts labextension/src/*/*.ts labextension/style/* labextension/schema/*) labextension/package.json labextension/tsconfig.json
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
ifdef CI
export YARN_ENABLE_IMMUTABLE_INSTALLS := 1
endif

.PHONY: lab test test-python test-ts test-browser bench eval train corpus lint docs clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

lab: $(STAMP) $(LABEXT)
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=example_notebooks

test: $(STAMP) lint test-python test-ts test-browser

lint: $(STAMP)
	$(BIN)/ruff check mlwa_notebook tests scripts benchmarks
	$(BIN)/ruff format --check mlwa_notebook tests scripts benchmarks
	$(BIN)/mypy

test-python: $(STAMP)
	$(BIN)/pytest -q

labextension/node_modules/.yarn-state.yml: labextension/package.json labextension/yarn.lock | $(STAMP)
	cd labextension && $(JLPM) install
	touch $@

ui-tests/node_modules/.yarn-state.yml: ui-tests/package.json ui-tests/yarn.lock | $(STAMP)
	cd ui-tests && $(JLPM) install
	touch $@

# The JupyterLab extension, built from labextension/ and linked into the venv, so that a rebuild
# shows on the next page load (`jupyter-builder develop`).
$(LABEXT): $(LABEXT_SOURCES) labextension/node_modules/.yarn-state.yml
	cd labextension && $(WITH_VENV) $(JLPM) build
	$(WITH_VENV) jupyter-builder develop --overwrite .
	touch $@

# Debian's chromium for the browser tests (CI: root, no stdin, clean machine).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-dejavu-core; \
	  else \
	    echo "the browser tests need Debian's chromium: sudo apt-get install chromium fonts-dejavu-core" >&2; \
	    exit 1; \
	  fi; \
	fi

# TypeScript: eslint + prettier, then jest (units and the generated report types' freshness).
test-ts: labextension/node_modules/.yarn-state.yml
	cd labextension && $(JLPM) lint && $(JLPM) test

# The sidebar in a real JupyterLab driven by chromium (ui-tests/); saves docs/images/sidebar.png.
test-browser: system-deps $(LABEXT) ui-tests/node_modules/.yarn-state.yml
	cd ui-tests && $(WITH_VENV) $(JLPM) test

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# The labelled corpus: notebooks read at pinned commits from clones of the repositories listed in
# eval/corpus.tsv (CLONES holds them as <owner>+<name>/repo mirrors or <owner>/<name> clones).
CLONES ?= ../clones
corpus:
	$(PYTHON) scripts/corpus.py build --clones $(CLONES)

# The phase model, learned from eval/labels.jsonl, the devset and the examples (deterministic).
train: $(STAMP)
	$(BIN)/python scripts/train.py

# Out-of-sample figures: cross-validation grouped by repository; rules against reviewers' facts.
eval: $(STAMP)
	$(BIN)/python scripts/eval.py

docs: $(STAMP)
	$(BIN)/python -m mlwa_notebook.views.ruledocs

clean:
	rm -rf $(VENV) build dist *.egg-info
