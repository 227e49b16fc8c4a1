"""Real public OpenAPI specs (see ``bench/corpus.py``): each generates ``--all``, imports, and
its documented examples get one verdict from ``validate`` and from openapi-schema-validator
on the spec's own schema. GitHub's spec always runs; the others, and ``mypy --strict`` on
every generated package, with ``CORPUS=1``, which ``make test`` (and so CI) and ``make
corpus`` set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator
from test_generator import import_generated

from bench.corpus import GITHUB, OTHERS, CorpusSpec, fetch, names_file
from stripe_codegen.generate import generate, load_names, write
from stripe_schemas import PayloadError, structure
from stripe_schemas.validation import Validator

from conftest import ROOT

FULL = os.environ.get("CORPUS") == "1"


def _spec_path(spec: CorpusSpec) -> Path:
    try:
        return fetch(spec)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"cannot fetch {spec.package}@{spec.version}: {exc}")


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow a local ``$ref`` (``#/components/examples/x``) once."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    for token in ref[2:].split("/"):
        node = (
            node.get(token.replace("~1", "/").replace("~0", "~"))
            if isinstance(node, dict)
            else None
        )
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def _examples(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """(component key, example) for every object the spec documents as an example of a
    component schema: the component's own ``example``, and the JSON examples of responses
    whose schema is a reference to it (or an array of them, each item an example)."""
    prefix = "#/components/schemas/"
    found = []
    for key, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        if isinstance(schema, dict) and isinstance(schema.get("example"), dict):
            found.append((key, schema["example"]))
    for item in document.get("paths", {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            for response in (responses or {}).values():
                response = _resolve(document, response)
                content = (response or {}).get("content") or {}
                media = content.get("application/json")
                if not isinstance(media, dict):
                    continue
                schema = media.get("schema") or {}
                many = schema.get("type") == "array"
                ref = (schema.get("items") or {}).get("$ref") if many else schema.get("$ref")
                if not isinstance(ref, str) or not ref.startswith(prefix):
                    continue
                values = [media["example"]] if "example" in media else []
                for example in (media.get("examples") or {}).values():
                    example = _resolve(document, example)
                    if isinstance(example, dict) and "value" in example:
                        values.append(example["value"])
                for value in values:
                    for one in value if many and isinstance(value, list) else [value]:
                        if isinstance(one, dict):
                            found.append((ref[len(prefix) :], one))
    return found


def _run(spec: CorpusSpec, tmp_path: Path) -> None:
    path = _spec_path(spec)
    names_path = names_file(spec)
    names = load_names(names_path) if names_path else None
    package = f"corpus_{spec.name}"
    result = generate(path, None, package=package, names=names)
    if FULL:
        write(result, tmp_path)  # with the generator's own import check in a new process
    else:  # make test: the files as they are, imported once below (GitHub's compile ~7 s)
        for rel, text in result.files.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text, encoding="utf-8")
    models = import_generated(tmp_path, package)
    assert models.MODULES
    document = json.loads(path.read_text(encoding="utf-8"))
    oracle_type = (
        OAS31Validator if str(document.get("openapi")).startswith("3.1") else OAS30Validator
    )
    disagreements = []
    checked = 0
    sys.path.insert(0, str(tmp_path))
    try:
        validator = Validator(json.loads((tmp_path / package / "schemas.json").read_text()))
        for key, example in _examples(document):
            if key not in models.SCHEMAS:
                continue  # not a class or a union of classes (a list or a scalar)
            oracle = oracle_type({"$ref": f"#/components/schemas/{key}", **document})
            expected = oracle.is_valid(example)
            verdict = validator.validate(example, key, mode="lenient").ok
            try:
                structure(example, models.model_for(key), mode="lenient")
                loaded = True
            except PayloadError:  # a refusal; anything else is a bug and propagates
                loaded = False
            checked += 1
            if (verdict, loaded) != (expected, expected):
                disagreements.append((key, expected, verdict, loaded))
    finally:
        sys.path.remove(str(tmp_path))
    assert checked >= spec.min_examples
    assert disagreements == []
    if FULL:
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", package],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "MYPYPATH": str(tmp_path)},
        )
        assert done.returncode == 0, done.stdout[-2000:]


def test_github_spec(tmp_path: Path) -> None:
    """GitHub's REST API spec generates, imports and agrees with its examples."""
    _run(GITHUB, tmp_path)


@pytest.mark.corpus
@pytest.mark.skipif(not FULL, reason="CORPUS=1 (make test, make corpus)")
@pytest.mark.parametrize("spec", OTHERS, ids=[s.name for s in OTHERS])
def test_corpus_spec(spec: CorpusSpec, tmp_path: Path) -> None:
    """Each corpus spec generates --all, imports, passes mypy --strict and agrees with
    openapi-schema-validator on its examples."""
    _run(spec, tmp_path)


def test_corpus_is_outside_the_repository() -> None:
    """The fetched specs are cached outside the repository."""
    from bench.corpus import cache_dir

    assert ROOT not in cache_dir().resolve().parents
