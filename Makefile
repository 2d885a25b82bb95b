# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Build and validate the graph, then serve it on http://127.0.0.1:8000/
run: $(STAMP)
	$(BIN)/kg serve

## Lint and run the whole test suite
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -q -p no:warnings

validate: $(STAMP)
	$(BIN)/kg validate

## Median latency of every canned query over HTTP (see bench/README)
bench: $(STAMP)
	$(BIN)/python bench/canned_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
