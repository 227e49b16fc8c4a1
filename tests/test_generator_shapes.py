"""Shapes of real specs the classes once read differently from `schemas.json`: an inline
object with empty `properties`, a scalar composed by `allOf`, a reference to a limited
string, a union alias given to `validate`, and an `allOf` of an object and a number.

Each body's verdict comes from jsonschema run on the spec's own schemas (an OpenAPI 3.1
spec is JSON Schema 2020-12), independent of the generator; `validate` and `loads` must
give it in lenient mode (where an unknown field is a notice, as the oracle ignores it),
and give each other's verdict in strict mode.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from test_generator import import_generated, write_spec

from stripe_codegen import SpecError
from stripe_codegen.generate import generate, write
from stripe_schemas import PayloadError, field_info, loads
from stripe_schemas.cli import main
from stripe_schemas.validation import validate

REF = "#/components/schemas/"

SCHEMAS: dict[str, Any] = {
    "Short": {"type": "string", "maxLength": 3},
    "Shorter": {"allOf": [{"$ref": REF + "Short"}, {"maxLength": 2}]},
    "Holder": {
        "type": "object",
        "properties": {
            "any_object": {"type": "object", "properties": {}},
            "object_or_flag": {
                "oneOf": [{"type": "object", "properties": {}}, {"type": "boolean"}]
            },
            "short": {"$ref": REF + "Short"},
            "shorter": {"$ref": REF + "Shorter"},
            "composed": {"allOf": [{"type": "string"}, {"maxLength": 2}]},
            "shorts": {"type": "array", "items": {"$ref": REF + "Short"}},
            "labels": {"type": "object", "additionalProperties": {"$ref": REF + "Short"}},
            "empty": {"type": "object", "properties": {}, "additionalProperties": False},
            "vehicle": {"$ref": REF + "Vehicle"},
            "fixed": {"type": "array", "items": {"oneOf": [{"const": "c"}, {"type": "integer"}]}},
        },
    },
    "Car": {
        "type": "object",
        "properties": {"kind": {"const": "car"}, "seats": {"type": "integer"}},
        "required": ["kind"],
    },
    "Bike": {
        "type": "object",
        "properties": {"kind": {"const": "bike"}},
        "required": ["kind"],
    },
    "Base": {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {"x": {"type": "boolean"}}}},
    },
    "Sub": {
        "allOf": [
            {"$ref": REF + "Base"},
            {
                "type": "object",
                "properties": {
                    "a": {
                        "type": "object",
                        "properties": {"n": {"type": "integer"}},
                        "required": ["n"],
                    }
                },
            },
        ]
    },
    "Boat": {
        "type": "object",
        "properties": {"kind": {"const": "boat"}, "length": {"type": "integer"}},
        "required": ["kind", "length"],
    },
    "Vehicle": {
        "oneOf": [{"$ref": REF + "Boat"}, {"$ref": REF + "Car"}, {"$ref": REF + "Bike"}],
        "discriminator": {"propertyName": "kind"},
    },
}

HOLDERS: list[dict[str, Any]] = [
    {"any_object": {"k": 1, "z": [None]}},
    {"any_object": []},
    {"object_or_flag": {"k": 1}},
    {"object_or_flag": True},
    {"object_or_flag": "x"},
    {"short": "abc"},
    {"short": "abcd"},
    {"shorter": "ab"},
    {"shorter": "abc"},
    {"shorter": 3},
    {"composed": "ab"},
    {"composed": "abc"},
    {"composed": {}},
    {"shorts": ["abc", "a"]},
    {"shorts": ["abcd"]},
    {"labels": {"": "abc", "a": "b"}},
    {"labels": {"": "abcd"}},
]
VEHICLES: list[Any] = [
    {"kind": "car", "seats": 2},
    {"kind": "bike"},
    {"kind": "car", "seats": "two"},
    {"kind": "boat"},
    {"kind": "boat", "length": 3},
    {"kind": "ship"},
    {},
    "car",
]


def _oracle(key: str) -> jsonschema.Draft202012Validator:
    text = json.dumps(SCHEMAS).replace(REF, "#/$defs/")
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{key}", "$defs": json.loads(text)})


def _loads_accepts(body: Any, cls: Any, mode: str) -> bool:
    try:
        loads(json.dumps(body), cls, mode=mode)  # type: ignore[call-overload]
    except PayloadError:
        return False
    return True


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("shapes")
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec["components"] = {"schemas": SCHEMAS}
    write(generate(write_spec(out, spec), None, package="shapes"), out)
    return import_generated(out, "shapes")


def test_the_classes_read_these_shapes_as_their_schemas_say(package: Any) -> None:
    """Empty `properties` inline: any object; a composed or referenced string: `str` with the
    tightest `maxLength` of its parts."""
    import typing

    holder = package.model_for("Holder")
    hints = typing.get_type_hints(holder)
    assert "dict[str, typing.Any]" in str(hints["any_object"])
    for name in ("short", "shorter", "composed"):
        assert typing.get_args(hints[name])[0] is str, hints[name]

    limits = {
        name: field_info(holder, name).max_length for name in ("short", "shorter", "composed")
    }
    assert limits == {"short": 3, "shorter": 2, "composed": 2}


@pytest.mark.parametrize("body", HOLDERS, ids=json.dumps)
def test_holder_verdicts_agree_with_jsonschema(package: Any, body: dict[str, Any]) -> None:
    holder = package.model_for("Holder")
    expected = _oracle("Holder").is_valid(body)
    assert validate(body, holder, mode="lenient").ok is expected, validate(body, holder)
    assert _loads_accepts(body, holder, "lenient") is expected
    assert validate(body, holder).ok is _loads_accepts(body, holder, "strict")


@pytest.mark.parametrize("body", VEHICLES, ids=json.dumps)
def test_a_union_alias_is_validated_as_its_schema(package: Any, body: Any) -> None:
    """`validate` takes the union `model_for` gives for a union alias's key (before, it said
    `unknown_model`), with the verdict and errors of `loads`."""
    vehicle = package.model_for("Vehicle")
    expected = _oracle("Vehicle").is_valid(body)
    report = validate(body, vehicle)
    assert report.ok is expected is _loads_accepts(body, vehicle, "strict")
    assert all(issue.code != "unknown_model" for issue in report.errors)


def test_an_object_composed_with_a_number_is_refused(tmp_path: Path) -> None:
    """No value is both an object and a number: one line at the part, not a class that
    drops the number in silence."""
    schemas = {
        "Amount": {"type": ["number", "null"]},
        "Priced": {
            "allOf": [{"$ref": REF + "Amount"}, {"type": "object", "properties": {"x": {}}}]
        },
    }
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec["components"] = {"schemas": schemas}
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), None, package="bad")
    (problem,) = caught.value.problems
    assert problem.pointer == "/components/schemas/Priced/allOf/0"
    assert "number, never an object" in problem.message


def test_a_previous_spec_the_generator_now_refuses_leaves_no_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A package whose recorded spec this generator refuses is regenerated all the same,
    saying it cannot summarise the change (before, a traceback)."""
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec["components"] = {"schemas": {"A": {"type": "object", "properties": {"x": {}}}}}
    path = write_spec(tmp_path, spec)
    args = ["generate", "--spec", str(path), "--all", "--out", str(tmp_path), "--package", "p"]
    assert main(args) == 0
    record = tmp_path / "p" / "source-spec.json"
    recorded = json.loads(record.read_text())
    recorded["components"]["schemas"]["A"]["type"] = "wrong"  # no longer readable
    record.write_text(json.dumps(recorded))
    spec["components"]["schemas"]["B"] = {"type": "string"}  # a new spec
    write_spec(tmp_path, spec)
    capsys.readouterr()
    assert main([*args, "--force"]) == 0  # the edited record is replaced
    out = capsys.readouterr().out
    assert "the previous spec cannot be read now" in out and "unknown type 'wrong'" in out


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"labels": {"": "abcd"}}, "/labels/"),
        ({"labels": {"": "a", "b": "abcd"}}, "/labels/b"),
        (None, ""),
        ({"fixed": [1, "d"]}, "/fixed/1"),
        ({"vehicle": {"kind": "boat"}}, "/vehicle/length"),  # the first branch lacks a key
    ],
)
def test_errors_name_the_same_place(package: Any, body: Any, where: str) -> None:
    """An empty key (which jsonschema-rs leaves out of its paths), a null payload, an
    unknown value of a `const`, a union whose closest branch lacks a required key: the same
    pointer and code from `validate` as from `loads`."""
    holder = package.model_for("Holder")
    with pytest.raises(PayloadError) as caught:
        loads(json.dumps(body), holder)
    ours = [(i.path, i.code) for i in caught.value.issues]
    assert [(i.path, i.code) for i in validate(body, holder).errors] == ours
    assert [path for path, _ in ours] == [where]
    if body is not None and ours[0][1] == "unknown_enum_value":  # a notice when lenient
        assert validate(body, holder, mode="lenient").ok
        assert _loads_accepts(body, holder, "lenient")


@pytest.mark.parametrize("body", [{"empty": {}}, {"empty": {"k": 1}}, {"empty": None}], ids=str)
def test_an_object_that_holds_no_key(package: Any, body: dict[str, Any]) -> None:
    """`properties: {}` with `additionalProperties: false` holds no key: a class with no
    fields, which strict `loads` and `validate` close as jsonschema does (it was a map of
    any value, and `loads` took any key)."""
    holder = package.model_for("Holder")
    expected = _oracle("Holder").is_valid(body)
    assert validate(body, holder).ok is expected
    assert _loads_accepts(body, holder, "strict") is expected


@pytest.mark.parametrize(
    ("body", "valid"),
    [({"a": {"n": 1}}, True), ({"a": {"n": 1, "x": True}}, False), ({"a": {"x": True}}, False)],
)
def test_a_later_part_replaces_an_object_property(
    package: Any, body: dict[str, Any], valid: bool
) -> None:
    """`Sub` redefines `Base`'s object property `a`: its class has the later definition's
    fields alone, as `schemas.json` merges it (datamodel-code-generator's parser merges
    both objects' properties, typing the base's `Any`); strict loads and validate agree."""
    import typing

    sub = package.model_for("Sub")
    inner = typing.get_args(typing.get_type_hints(sub)["a"])[0]
    assert [f.name for f in attrs.fields(inner) if f.name != "_extra"] == ["n"]
    assert validate(body, sub).ok is valid
    assert _loads_accepts(body, sub, "strict") is valid
