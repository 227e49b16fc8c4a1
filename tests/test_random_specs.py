"""One verdict on specs nobody wrote: random OpenAPI 3.0 and 3.1 component schemas (objects,
arrays, maps, unions with and without a discriminator, `allOf` over references, enums,
`const`, nullable types, limits, `readOnly`/`writeOnly`), each generated into a package.

For payloads the package's own strategies draw, and for those payloads broken at a random
place, strict and lenient `loads` give `validate`'s verdict: the classes and
`schemas.json` come from one spec by two roads, and this is where they would part. A
drawn payload is valid. The specs come from fixed seeds, so a run is repeatable; a spec
whose limits the classes cannot all carry (a `generate` warning says which) is left out,
as `validate` alone checks those.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from _draws import broken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_generator import import_generated, loads_accepts

from stripe_codegen import SpecError
from stripe_codegen.generate import generate, write
from stripe_schemas.strategies import payloads
from stripe_schemas.validation import validate

KEYS = ("A", "B", "C", "D")
PROPS = ("a", "b", "kind", "n", "x")
#: The seeds a run checks (`RANDOM_SPECS=200 pytest tests/test_random_specs.py` for more;
#: seed 242, an `allOf` with a union part, is a known disagreement).
SEEDS = range(int(os.environ.get("RANDOM_SPECS", "40")))
REF = "#/components/schemas/"


class _Spec:
    """One random spec: `rng` decides every choice."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.v31 = self.rng.random() < 0.5

    def scalar(self) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choice(["string", "integer", "number", "boolean"])
        schema: dict[str, Any] = {"type": kind}
        roll = rng.random()
        if kind == "string":
            if roll < 0.2:
                schema["enum"] = rng.sample(["p", "q", "r"], rng.randint(1, 3))
            elif roll < 0.3:
                schema["maxLength"] = rng.randint(0, 3)
            elif roll < 0.35:
                schema["const"] = "c"
            elif roll < 0.45:
                schema["pattern"] = rng.choice(["^a", "^[0-9]+$", "b"])
            elif roll < 0.5:
                schema["minLength"] = 1
        elif kind in ("integer", "number") and roll < 0.4:
            schema[rng.choice(["minimum", "maximum"])] = rng.randint(-2, 3)
            if not self.v31 and rng.random() < 0.3:
                schema["exclusiveMinimum"] = "minimum" in schema
        return schema

    def nullable(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.rng.random() >= 0.25:
            return schema
        if not self.v31:
            return (
                {"nullable": True, "allOf": [schema]}
                if "$ref" in schema
                else {
                    **schema,
                    "nullable": True,
                }
            )
        if isinstance(schema.get("type"), str) and not {"enum", "const"} & set(schema):
            return {**schema, "type": [schema["type"], "null"]}
        return {"anyOf": [schema, {"type": "null"}]}

    def schema(self, depth: int) -> dict[str, Any]:
        roll = self.rng.random()
        if depth > 2 or roll < 0.35:
            found = self.scalar()
        elif roll < 0.5:
            found = {"$ref": REF + self.rng.choice(KEYS)}
        elif roll < 0.62:
            found = self.object(depth + 1)
        elif roll < 0.72:
            found = {"type": "array", "items": self.schema(depth + 1)}
            if self.rng.random() < 0.2:
                found["minItems"] = 1
        elif roll < 0.78:
            found = {"type": "object", "additionalProperties": self.schema(depth + 1)}
        elif roll < 0.9:
            keyword = self.rng.choice(["anyOf", "oneOf"])
            found = {keyword: [self.schema(depth + 1) for _ in range(self.rng.randint(2, 3))]}
        elif roll < 0.95:
            found = {}
        else:
            found = {"allOf": [{"$ref": REF + self.rng.choice(KEYS)}]}
        return self.nullable(found)

    def object(self, depth: int) -> dict[str, Any]:
        rng = self.rng
        props = {p: self.schema(depth) for p in rng.sample(PROPS, rng.randint(0, 4))}
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if props and rng.random() < 0.6:
            schema["required"] = rng.sample(sorted(props), rng.randint(1, len(props)))
        if rng.random() < 0.15:
            schema["additionalProperties"] = rng.choice([True, False, self.scalar()])
        for value in props.values():
            if "type" in value and rng.random() < 0.08:
                value[rng.choice(["readOnly", "writeOnly"])] = True
        return schema

    def component(self, key: str) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.55:
            return self.object(0)
        if roll < 0.7:
            other = self.rng.choice([k for k in KEYS if k != key])
            return {"allOf": [{"$ref": REF + other}, self.object(1)]}
        if roll < 0.85:
            return {"type": "string", "enum": ["e1", "e2"]}
        return self.schema(1)

    def document(self) -> dict[str, Any]:
        schemas = {key: self.component(key) for key in KEYS}
        if self.rng.random() < 0.35:  # a discriminated union of two branches
            for branch, tag in (("E", "e"), ("F", "f")):
                schema = self.object(1)
                tagged = {"type": "string", "enum": [tag]} if self.rng.random() < 0.5 else {}
                schema["properties"]["kind"] = tagged or {"type": "string"}
                schema["required"] = sorted({*schema.get("required", []), "kind"})
                schemas[branch] = schema
            union: dict[str, Any] = {
                "oneOf": [{"$ref": REF + "E"}, {"$ref": REF + "F"}],
                "discriminator": {"propertyName": "kind"},
            }
            if self.rng.random() < 0.5:
                union["discriminator"]["mapping"] = {"e": REF + "E", "f": REF + "F"}
            schemas["U"] = union
            schemas["A"] = {
                "type": "object",
                "properties": {"u": {"$ref": REF + "U"}, "us": {"type": "array", "items": union}},
                "required": ["u"],
            }
        return {
            "openapi": "3.1.0" if self.v31 else "3.0.3",
            "info": {"title": "random", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }


class _Packages:
    """The generated package of each seed (None: refused, or with uncarried limits)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.found: dict[int, Any] = {}

    def __call__(self, seed: int) -> Any:
        if seed not in self.found:
            path = self.out / f"spec{seed}.json"
            path.write_text(json.dumps(_Spec(seed).document()))
            name = f"random_{seed}"
            try:
                result = generate(path, None, package=name)
            except SpecError:  # refused by pointer: test_generator_openapi's concern
                self.found[seed] = None
                return None
            if any("validate only" in w.message for w in result.warnings):
                self.found[seed] = None
                return None
            write(result, self.out)
            self.found[seed] = import_generated(self.out, name)
        return self.found[seed]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> _Packages:
    return _Packages(tmp_path_factory.mktemp("random"))


def test_most_seeds_give_a_package(packages: _Packages) -> None:
    """The seeds are not all refused (the test below would then check nothing)."""
    made = [seed for seed in SEEDS if packages(seed) is not None]
    assert len(made) >= len(SEEDS) // 2, made


@pytest.mark.parametrize("seed", SEEDS)
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_loads_and_validate_agree(packages: _Packages, seed: int, data: st.DataObject) -> None:
    package = packages(seed)
    if package is None:
        return
    if not package.SCHEMAS:
        return  # enums only: no class to give loads
    key = data.draw(st.sampled_from(sorted(package.SCHEMAS)), label="schema")
    model = package.model_for(key)
    if not isinstance(model, type) and key not in package.UNIONS:
        return  # an alias of a scalar or a map: no class to give loads
    try:
        strategy = payloads(model)
    except ValueError as error:  # `C: {required: [c], properties: {c: $ref C}}`: no JSON is one
        assert "has no finite payload" in str(error)
        return
    drawn = data.draw(strategy, label="drawn")
    assert validate(json.dumps(drawn).encode(), model).ok, (key, drawn)
    body = data.draw(st.one_of(st.just(drawn), broken(drawn)), label="body")
    text = json.dumps(body).encode()
    for mode in ("strict", "lenient"):
        report = validate(text, model, mode=mode)  # type: ignore[arg-type]
        assert loads_accepts(body, model, mode) is report.ok, (mode, key, body, report)
