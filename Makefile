# Two commands for a new user: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $(STAMP)

install: $(STAMP)

## Regenerate generated/ from spec/ and validate the bundled sample payloads.
run: $(STAMP)
	$(BIN)/stripe-schemas generate
	$(BIN)/stripe-schemas validate spec/examples/

## Lint, type-check and run the test suite.
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src codegen tests bench examples
	$(BIN)/ruff format --check src codegen tests bench generated examples

typecheck: $(STAMP)
	$(BIN)/mypy

## Side-by-side benchmarks against the competitors; prints medians and ratios.
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
