# Two commands for a new user: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run` installs only what generating and validating need; `make test` (and lint,
# typecheck, bench) everything the tests and the benchmarks use. One virtualenv, one stamp each.
RUN_STAMP := $(VENV)/.installed-run-stamp
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint typecheck bench clean corpus

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[json,validation,codegen]'
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $(STAMP)

install: $(STAMP)

## Regenerate both bundled model packages from spec/ (the current API version into
## generated/stripe_models, 2023-08-16 into generated/stripe_models_2023_08_16) and validate
## the sample payloads of spec/examples/.
run: $(RUN_STAMP)
	$(BIN)/stripe-schemas generate
	$(BIN)/stripe-schemas generate --spec spec/stripe-identity-2023-08-16.yaml \
		--out generated --package stripe_models_2023_08_16
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

## Real public OpenAPI specs (pinned, fetched through npm into ~/.cache/stripe-schemas/corpus):
## generate --all, import, mypy --strict, and examples against openapi-schema-validator.
corpus: $(STAMP)
	CORPUS=1 $(BIN)/python -m pytest -o addopts="" -p no:cacheprovider tests/test_corpus.py
