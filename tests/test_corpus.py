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

import attrs
import pytest
from _draws import broken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, OAS31Validator
from test_generator import import_generated

from bench.corpus import GITHUB, OTHERS, CorpusSpec, fetch, names_file
from stripe_codegen import SpecProblem
from stripe_codegen.generate import generate, load_names, write
from stripe_schemas import PayloadError, structure
from stripe_schemas.model import unescape_token
from stripe_schemas.strategies import payloads
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


@attrs.frozen
class _Built:
    """A corpus spec generated ``--all`` into ``out`` and imported."""

    spec: CorpusSpec
    out: Path
    package: str
    models: Any
    document: dict[str, Any]
    warnings: tuple[SpecProblem, ...]

    def oracle_type(self) -> Any:
        return (
            OAS31Validator
            if str(self.document.get("openapi")).startswith("3.1")
            else OAS30Validator
        )

    def validator(self) -> Validator:
        return Validator(json.loads((self.out / self.package / "schemas.json").read_text()))


_BUILT: dict[str, _Built] = {}


def _build(spec: CorpusSpec, tmp_path_factory: pytest.TempPathFactory) -> _Built:
    """The spec's package, generated once per run (both tests of a spec read it)."""
    if spec.name in _BUILT:
        return _BUILT[spec.name]
    path = _spec_path(spec)
    names_path = names_file(spec)
    names = load_names(names_path) if names_path else None
    package = f"corpus_{spec.name}"
    out = tmp_path_factory.mktemp(spec.name)
    result = generate(path, None, package=package, names=names)
    if FULL:
        write(result, out)  # with the generator's own import check in a new process
    else:  # make test: the files as they are, imported once below (GitHub's compile ~7 s)
        for rel, text in result.files.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text, encoding="utf-8")
    models = import_generated(out, package)
    assert models.MODULES
    document = json.loads(path.read_text(encoding="utf-8"))
    built = _Built(spec, out, package, models, document, tuple(result.warnings))
    _BUILT[spec.name] = built
    return built


def _run(spec: CorpusSpec, tmp_path_factory: pytest.TempPathFactory) -> None:
    built = _build(spec, tmp_path_factory)
    models, document, package, out = built.models, built.document, built.package, built.out
    oracle_type = built.oracle_type()
    disagreements = []
    checked = 0
    validator = built.validator()
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
    assert checked >= spec.min_examples
    assert disagreements == []
    if FULL:
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", package],
            cwd=out,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "MYPYPATH": str(out)},
        )
        assert done.returncode == 0, done.stdout[-2000:]


def test_github_spec(tmp_path_factory: pytest.TempPathFactory) -> None:
    """GitHub's REST API spec generates, imports and agrees with its examples."""
    _run(GITHUB, tmp_path_factory)


@pytest.mark.corpus
@pytest.mark.skipif(not FULL, reason="CORPUS=1 (make test, make corpus)")
@pytest.mark.parametrize("spec", OTHERS, ids=[s.name for s in OTHERS])
def test_corpus_spec(spec: CorpusSpec, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each corpus spec generates --all, imports, passes mypy --strict and agrees with
    openapi-schema-validator on its examples."""
    _run(spec, tmp_path_factory)


# -- drawn payloads ---------------------------------------------------------------------------
# Only GitHub's spec documents examples. For every spec, payloads the generated package's
# strategies draw, and the same payloads broken at one place (`_draws.broken`), get one
# verdict from lenient `validate`, lenient `structure` and openapi-schema-validator on the
# spec's own schema, read as docs/versions.md says the toolkit reads it (`_as_read`).


def _as_read(node: Any, v30: bool) -> Any:
    """A spec's schemas as the toolkit reads them (docs/versions.md), for the oracle:

    * 3.0's `nullable: true` admits `null` wherever it stands (beside `enum`, a `$ref` or
      an `anyOf` too, where 3.0.3 would ask for `type` or a listed `null`);
    * `oneOf` is `anyOf`;
    * a schema with `properties` and no `type` is an object schema;
    * responses: a `writeOnly` property is never required, and `readOnly` changes nothing
      (openapi-schema-validator's plain 3.0 validator skips both in `required`);
    * lenient mode keeps unknown fields (with a notice), so no object is closed.
    """
    if isinstance(node, list):
        return [_as_read(item, v30) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_read(v, v30) for k, v in node.items()}
    if out.get("additionalProperties") is False:
        del out["additionalProperties"]
    if "oneOf" in out and "anyOf" not in out:
        out["anyOf"] = out.pop("oneOf")
    props = out.get("properties")
    if isinstance(props, dict):
        out.setdefault("type", "object")
        if isinstance(out.get("required"), list):
            required = [r for r in out["required"] if not (props.get(r) or {}).get("writeOnly")]
            out["required"] = required
            if not required:
                del out["required"]
        out["properties"] = {
            name: {k: v for k, v in prop.items() if k not in ("readOnly", "writeOnly")}
            if isinstance(prop, dict)
            else prop
            for name, prop in props.items()
        }
    if v30 and out.pop("nullable", None) is True:
        return {"anyOf": [out, {"enum": [None]}]}
    return out


def _reach(document: dict[str, Any]) -> dict[str, set[str]]:
    """The components each component's values pass through (itself and every component
    its schema refers to, at any depth)."""
    schemas = document.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    direct: dict[str, set[str]] = {}
    for key, schema in schemas.items():
        found: set[str] = set()
        todo = [schema]
        while todo:
            node = todo.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith(prefix):
                    found.add(ref[len(prefix) :].replace("~1", "/").replace("~0", "~"))
                todo += node.values()
            elif isinstance(node, list):
                todo += node
        direct[key] = found
    reach: dict[str, set[str]] = {}
    for key in direct:
        seen = {key}
        todo = [key]
        while todo:
            for other in direct.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        reach[key] = seen
    return reach


def _warned(built: _Built, reach: dict[str, set[str]], words: str) -> set[str]:
    """The components whose values pass through a place a `generate` warning names."""
    places = {
        unescape_token(w.pointer.split("/")[3])
        for w in built.warnings
        if words in w.message and w.pointer.startswith("/components/schemas/")
    }
    return {key for key, seen in reach.items() if seen & places}


def _our_verdicts(built: _Built, validator: Validator, key: str, body: Any) -> tuple[bool, bool]:
    """Whether lenient `validate` and lenient `structure` find `body` to be what the spec
    says: no error, and no unknown enum value or tag (lenient notices those; an unknown
    field is not one the spec refuses once no object is closed)."""
    report = validator.validate(body, key, mode="lenient")
    checked = report.ok and all(i.code == "unknown_field" for i in report.notices)
    notices: list[Any] = []
    try:
        structure(body, built.models.model_for(key), mode="lenient", notices=notices)
        loaded = not notices
    except PayloadError:
        loaded = False
    return checked, loaded


#: Payloads drawn per spec (`CORPUS_DRAWN=2000` for a deeper run).
_DRAWN = int(os.environ.get("CORPUS_DRAWN", "0")) or None


@pytest.mark.parametrize("spec", [GITHUB, *OTHERS], ids=[s.name for s in (GITHUB, *OTHERS)])
def test_drawn_payloads_agree_with_the_spec(
    spec: CorpusSpec, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On every spec of the corpus, `validate`, `structure` and openapi-schema-validator give
    drawn payloads (and broken ones) one verdict, and a drawn payload is valid. Where a
    `generate` warning says the classes leave a limit to `validate`, `validate` alone is
    compared; where it says a property's later `allOf` definition is taken alone (looser than
    JSON Schema's every-definition reading), whatever the spec accepts must pass."""
    if spec is not GITHUB and not FULL:
        pytest.skip("CORPUS=1 (make test, make corpus)")
    built = _build(spec, tmp_path_factory)
    models = built.models
    reach = _reach(built.document)
    limited = _warned(built, reach, "is checked by validate only")
    looser = _warned(built, reach, "take the last definition")
    assert spec is not GITHUB or limited  # GitHub's spec has limits only validate checks
    components = {
        "components": _as_read(
            built.document.get("components", {}), built.oracle_type() is OAS30Validator
        )
    }
    validator = built.validator()
    oracles: dict[str, Any] = {}
    keys = sorted(
        k for k in models.SCHEMAS if isinstance(models.model_for(k), type) or k in models.UNIONS
    )
    checked: list[str] = []

    @settings(
        max_examples=_DRAWN or (300 if spec is GITHUB else 150),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(keys), label="schema")
        try:
            strategy = payloads(models.model_for(key))
        except ValueError as error:  # a required cycle: no JSON is one
            assert "has no finite payload" in str(error)
            return
        drawn = data.draw(strategy, label="drawn")
        body = data.draw(st.one_of(st.just(drawn), broken(drawn)), label="body")
        if body is None:
            return  # a document that is null is refused (docs/versions.md), not the field's null
        if key not in oracles:
            oracles[key] = built.oracle_type()(
                {"$ref": f"#/components/schemas/{key}", **components}
            )
        expected = oracles[key].is_valid(body)
        checked_ok, loaded = _our_verdicts(built, validator, key, body)
        checked.append(key)
        if key in looser:
            assert checked_ok or not expected, (key, body)
            assert loaded or not expected, (key, body)
        elif key in limited:
            assert checked_ok is expected, (key, body)
        else:
            assert (checked_ok, loaded) == (expected, expected), (key, body)
            assert body is not drawn or expected, (key, body)

    check()
    assert len(set(checked)) >= min(len(keys), 10)  # it cannot pass empty


def test_corpus_is_outside_the_repository() -> None:
    """The fetched specs are cached outside the repository."""
    from bench.corpus import cache_dir

    assert ROOT not in cache_dir().resolve().parents
