# Two commands for a new user: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run` installs only what generating and validating need; `make test` (and lint,
# typecheck, bench, docs) everything the tests, the benchmarks and the docs site use. One virtualenv, one stamp each.
RUN_STAMP := $(VENV)/.installed-run-stamp
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint typecheck bench docs docs-build clean corpus

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[json,validation,codegen]'
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench,docs]'
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

## Lint, type-check, build the docs site strictly and run the test suite, with the corpus of
## real public specs (CORPUS=1: all five, and mypy --strict on each generated package).
test: $(STAMP) lint typecheck docs-build
	CORPUS=1 $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src codegen tests bench examples
	$(BIN)/ruff format --check src codegen tests bench generated examples

typecheck: $(STAMP)
	$(BIN)/mypy

## Side-by-side benchmarks against the competitors; prints medians and ratios.
bench: $(STAMP)
	$(BIN)/python -m bench

## The docs site (docs/, mkdocs.yml): `make docs` serves it on http://127.0.0.1:8000/ and
## rebuilds on every edit; `make test` builds it with --strict (a warning fails).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

docs-build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir build/site

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build/site

## Real public OpenAPI specs (pinned, fetched through npm into ~/.cache/stripe-schemas/corpus):
## generate --all, import, mypy --strict, and examples against openapi-schema-validator. Part
## of `make test`; this runs the corpus alone.
corpus: $(STAMP)
	CORPUS=1 $(BIN)/python -m pytest -o addopts="" -p no:cacheprovider tests/test_corpus.py
