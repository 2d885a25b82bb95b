# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# YASGUI for the SPARQL editor page, from the npm registry (package.json, package-lock.json).
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run test setup lint validate bench bench-cheap clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(STAMP) $(NODE_STAMP)

## Build and validate the graph, then serve it on http://127.0.0.1:8000/
run: setup
	$(BIN)/kg serve

## Lint and run the whole test suite (the browser tests use Debian's Chromium: scripts/install-browser)
test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	bash scripts/install-browser
	$(BIN)/pytest -q -p no:warnings

validate: $(STAMP)
	$(BIN)/kg validate

## Benchmarks: load, start, canned-query latency, throughput, memory per store and size (bench/README.md)
bench: $(STAMP)
	$(BIN)/python bench/run.py

## Cheap queries: kg's floor, cached and uncached /sparql, beside Oxigraph's own server (bench/cheap.py)
bench-cheap: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/cheap.py --oxigraph $(BIN)/oxigraph

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-output
