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
import re
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_generator import import_generated, loads_accepts, write_spec

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
            "choice": {
                "anyOf": [
                    {"type": "string", "enum": ["e1", "e2"]},
                    {"type": "string", "maxLength": 0},
                ]
            },
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
    "Digits": {"type": "string", "pattern": "^[0-9]+$", "minLength": 2, "maxLength": 4},
    "Limited": {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 1, "maximum": 10},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "codes": {
                "type": "array",
                "items": {"$ref": REF + "Digits"},
                "minItems": 1,
                "maxItems": 2,
            },
            "word": {"allOf": [{"type": "string"}, {"minLength": 3}]},
            "scores": {"type": "object", "additionalProperties": {"type": "integer", "maximum": 3}},
            "either": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "boolean"}]},
            "loose": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "number"}]},
            "unique": {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
            "digits": {"type": "string", "pattern": "^\\d+$"},
            "hex": {"type": "string", "pattern": "^[a-f0-9]+$", "minLength": 32, "maxLength": 32},
            "solid": {"type": "string", "pattern": "^\\S+$"},
            "dotted": {"type": "string", "pattern": "^a.$"},
            "by_name": {"type": "object", "additionalProperties": {"$ref": REF + "Digits"}},
            "letters": {"type": "string", "pattern": "^\\p{L}+$"},
            "sized": {"type": "string", "enum": ["a", "bb"], "minLength": 2},
        },
    },
    "Closed": {"type": "object", "properties": {}, "additionalProperties": False},
    "Bare": {"type": "object", "additionalProperties": False},
    "Counted": {
        "type": "object",
        "properties": {"k": {"type": "string"}},
        "additionalProperties": {"type": "integer", "minimum": 0},
    },
    "OnClosed": {
        "allOf": [
            {"$ref": REF + "Closed"},
            {"type": "object", "properties": {"a": {"type": "integer"}}},
        ]
    },
    "Open": {
        "type": "object",
        "properties": {"a": {"type": "integer"}},
        "additionalProperties": {"type": "integer"},
    },
    "OnOpen": {
        "allOf": [
            {"$ref": REF + "Open"},
            {"type": "object", "properties": {"b": {"type": "string"}}},
        ]
    },
    "Described": {
        "allOf": [
            {"$ref": REF + "Base"},
            {"type": "object", "properties": {"a": {"description": "only words"}}},
        ]
    },
    "Loop": {
        "type": "object",
        "properties": {"next": {"$ref": REF + "Loop"}},
        "required": ["next"],
    },
    "Chain": {
        "type": "object",
        "properties": {
            "next": {"oneOf": [{"$ref": REF + "Chain"}, {"type": "string", "maxLength": 2}]},
            "kids": {"type": "array", "items": {"$ref": REF + "Chain"}},
            "names": {"type": "object", "additionalProperties": {"$ref": REF + "Short"}},
            "loop": {"$ref": REF + "Loop"},
        },
        "required": ["next", "kids"],
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


#: ECMA-262's WhiteSpace and LineTerminator code points (what its `\s` matches), restated
#: from the standard: Python's `\s` also takes U+001C to U+001F and U+0085, so jsonschema's
#: `pattern` (Python's `re`) would refuse `"\x1f"` for `^\S+$`, which JSON Schema accepts.
_ECMA_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    r"""jsonschema's `pattern`, with `\s`, `\S` and `\d` as ECMA-262 reads them."""
    if not isinstance(instance, str):
        return
    text = pattern.replace("\\S", f"[^{_ECMA_SPACE}]").replace("\\s", f"[{_ECMA_SPACE}]")
    if not re.search(text.replace("\\d", "[0-9]"), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Oracle = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def _oracle(key: str) -> Any:
    text = json.dumps(SCHEMAS).replace(REF, "#/$defs/")
    return _Oracle({"$ref": f"#/$defs/{key}", "$defs": json.loads(text)})


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
    assert loads_accepts(body, holder, "lenient") is expected
    assert validate(body, holder).ok is loads_accepts(body, holder, "strict")


@pytest.mark.parametrize("body", VEHICLES, ids=json.dumps)
def test_a_union_alias_is_validated_as_its_schema(package: Any, body: Any) -> None:
    """`validate` takes the union `model_for` gives for a union alias's key (before, it said
    `unknown_model`), with the verdict and errors of `loads`."""
    vehicle = package.model_for("Vehicle")
    expected = _oracle("Vehicle").is_valid(body)
    report = validate(body, vehicle)
    assert report.ok is expected is loads_accepts(body, vehicle, "strict")
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
        assert loads_accepts(body, holder, "lenient")


@pytest.mark.parametrize("body", [{"empty": {}}, {"empty": {"k": 1}}, {"empty": None}], ids=str)
def test_an_object_that_holds_no_key(package: Any, body: dict[str, Any]) -> None:
    """`properties: {}` with `additionalProperties: false` holds no key: a class with no
    fields, which strict `loads` and `validate` close as jsonschema does (it was a map of
    any value, and `loads` took any key)."""
    holder = package.model_for("Holder")
    expected = _oracle("Holder").is_valid(body)
    assert validate(body, holder).ok is expected
    assert loads_accepts(body, holder, "strict") is expected


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"a": {"n": 1}}, True),
        ({"a": {"n": 1, "x": True}}, True),
        ({"a": {"x": True}}, False),
        ({"a": {"n": 1, "x": 1}}, False),
        ({"a": {"n": 1, "y": 1}}, False),
    ],
)
def test_a_later_part_that_defines_an_object_property_again_joins_it(
    package: Any, body: dict[str, Any], valid: bool
) -> None:
    """`Sub` defines `Base`'s object property `a` again: both definitions hold (JSON
    Schema's `allOf`), so its class has both objects' fields, `n` required, and
    `schemas.json` merges them the same way; strict `loads` and `validate` agree (strict
    mode closes the merged object: `y` is unknown)."""
    import typing

    sub = package.model_for("Sub")
    inner = typing.get_args(typing.get_type_hints(sub)["a"])[0]
    assert [f.name for f in attrs.fields(inner) if f.name != "_extra"] == ["x", "n"]
    assert validate(body, sub).ok is valid
    assert loads_accepts(body, sub, "strict") is valid
    assert _oracle("Sub").is_valid(body) is (valid or "y" in body["a"])  # jsonschema: open


LIMITED: list[dict[str, Any]] = [
    {"count": 1, "ratio": 0.5, "codes": ["12", "1234"], "word": "abc"},
    {"count": 0},
    {"count": 11},
    {"count": 10.0},
    {"ratio": 0},
    {"ratio": 1.0},
    {"codes": []},
    {"codes": ["12", "34", "56"]},
    {"codes": ["1"]},
    {"codes": ["12345"]},
    {"codes": ["1a"]},
    {"codes": ["\u0661\u0662"]},  # Arabic-Indic digits: not [0-9]
    {"word": "ab"},
    {"scores": {"a": 3, "b": 4}},
    {"either": -1},
    {"either": True},
    {"codes": [], "count": 0, "word": "a"},
]


@pytest.mark.parametrize("body", LIMITED, ids=json.dumps)
def test_limits_get_one_verdict(package: Any, body: dict[str, Any]) -> None:
    """`minimum`, `exclusiveMaximum`, `pattern`, `minLength` (also through an alias and
    an `allOf`), `minItems`, `maxItems` and a map's `maximum`: loads and validate give
    jsonschema's verdict (before, loads checked none of them), with the same errors."""
    limited = package.model_for("Limited")
    expected = _oracle("Limited").is_valid(body)
    assert validate(body, limited).ok is expected
    assert loads_accepts(body, limited, "strict") is expected
    if not expected:
        with pytest.raises(PayloadError) as caught:
            loads(json.dumps(body), limited)
        ours = sorted((i.path, i.code) for i in caught.value.issues)
        assert sorted((i.path, i.code) for i in validate(body, limited).errors) == ours


def test_limits_are_carried_or_named(package: Any) -> None:
    """Each limit a field's places agree on is in its `field_info`; one the classes cannot
    carry (`loose`: one number branch limited, the other not; `uniqueItems`) is a warning
    naming its pointer."""
    limited = package.model_for("Limited")
    limits = {name: field_info(limited, name).limits for name in ("count", "codes", "either")}
    assert limits["count"] is not None and (limits["count"].minimum, limits["count"].maximum) == (
        1,
        10,
    )
    codes = limits["codes"]
    assert codes is not None
    assert (codes.pattern, codes.min_length, codes.min_items, codes.max_items) == (
        "^[0-9]+$",
        2,
        1,
        2,
    )
    assert field_info(limited, "loose").limits is None
    assert field_info(limited, "codes").max_length == 4


def test_limit_warnings(tmp_path: Path) -> None:
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec["components"] = {"schemas": SCHEMAS}
    warned = {
        (w.pointer, w.message.split("'")[1])
        for w in generate(write_spec(tmp_path, spec), None, package="w").warnings
        if "validate only" in w.message
    }
    assert warned == {
        ("/components/schemas/Limited/properties/loose/anyOf/0", "minimum"),
        ("/components/schemas/Limited/properties/unique", "uniqueItems"),
        ("/components/schemas/Limited/properties/letters", "pattern"),  # not Python's dialect
        ("/components/schemas/Limited/properties/sized", "minLength"),  # on an enum
        ("/components/schemas/Counted/additionalProperties", "minimum"),  # other keys' values
    }


_COMPOSED = {
    "Base": {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["a", "b"]},
            "n": {"type": "integer"},
            "owner": {
                "type": "object",
                "properties": {"id": {"type": "integer"}},
                "required": ["id"],
            },
        },
    },
    "Joined": {  # GitHub's webhooks: a part says the base's properties again, looser
        "allOf": [
            {"$ref": REF + "Base"},
            {
                "type": "object",
                "properties": {
                    "kind": {"type": "string"},
                    "n": {"type": "number", "description": "in other words: still joined"},
                    "owner": {"type": "object"},
                },
                "required": ["kind"],
            },
        ]
    },
    "Loose": {"type": "object", "properties": {"kind": {"type": "string"}}},
    "Shared": {  # the later definition is in a referenced component: the earlier joins it
        "allOf": [
            {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a"]}}},
            {"$ref": REF + "Loose"},
        ]
    },
    "Twice": {"allOf": [{"$ref": REF + "Base"}, {"$ref": REF + "Loose"}]},  # both shared
    "Listed": {  # two arrays: one array whose items are both
        "allOf": [
            {"properties": {"tags": {"type": "array", "items": {"type": "string", "enum": ["x"]}}}},
            {"properties": {"tags": {"type": "array", "items": {"type": "string"}}}},
        ]
    },
    "Bounded": {  # the later array drops the earlier one's minItems: both hold
        "allOf": [
            {"properties": {"tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}}},
            {"properties": {"tags": {"type": "array", "items": {"type": "string"}}}},
        ]
    },
    "Mixed": {  # a union beside an object: no class holds both, the later one is taken
        "allOf": [
            {"properties": {"v": {"anyOf": [{"type": "integer"}, {"type": "object"}]}}},
            {"properties": {"v": {"type": "object", "properties": {"a": {"type": "integer"}}}}},
        ]
    },
    "Tagged": {"type": "object", "properties": {"tag": {"type": "string"}}, "required": ["tags"]},
}


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("composed")
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec["components"] = {"schemas": _COMPOSED}
    result = generate(write_spec(out, spec), None, package="composed")
    write(result, out)
    return result, import_generated(out, "composed")


def _composed_oracle(key: str) -> Any:
    text = json.dumps(_COMPOSED).replace(REF, "#/$defs/")
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{key}", "$defs": json.loads(text)})


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "a", "owner": {"id": 1}},
        {"kind": "c"},  # the base's enum holds
        {"kind": "a", "n": 1.5},  # so does its integer
        {"kind": "a", "owner": {}},  # and its required id
        {"n": 2},  # the later part's required kind
    ],
)
def test_a_property_defined_again_holds_every_definition(composed: Any, body: Any) -> None:
    """A property a later `allOf` part defines again is both definitions, as JSON Schema
    reads it: strict `loads` and `validate` give jsonschema's verdict on the spec itself."""
    _, package = composed
    joined = package.model_for("Joined")
    expected = _composed_oracle("Joined").is_valid(body)
    assert validate(body, joined).ok is expected
    assert loads_accepts(body, joined, "strict") is expected


@pytest.mark.parametrize(
    ("key", "tags", "valid"),
    [
        ("Listed", ["x"], True),
        ("Listed", [], True),
        ("Listed", ["y"], False),  # the first part's enum holds
        ("Listed", ["x", 1], False),
        ("Bounded", ["y"], True),
        ("Bounded", [], False),  # so does the first part's minItems
    ],
)
def test_an_array_defined_again_holds_both(composed: Any, key: str, tags: Any, valid: bool) -> None:
    """Two definitions of an array property are one array of both items and both limits:
    the engines give jsonschema's verdict."""
    _, package = composed
    model = package.model_for(key)
    assert _composed_oracle(key).is_valid({"tags": tags}) is valid
    assert validate({"tags": tags}, model).ok is valid
    assert loads_accepts({"tags": tags}, model, "strict") is valid


def test_composition_warnings(composed: Any) -> None:
    """What cannot be joined is one warning at the object: two definitions in referenced
    components (shared, so not rewritten) or a union beside an object (no class holds
    both): the later is taken alone, looser than JSON Schema. And a `required` entry no
    property defines (`validate` checks it, `loads` cannot). A joined definition is no
    warning. Each warning says what the engines do."""
    result, package = composed
    warned = sorted((w.pointer, w.message) for w in result.warnings)
    pointers = [p for p, _ in warned]
    assert pointers == [f"/components/schemas/{k}" for k in ("Mixed", "Tagged", "Twice")]
    assert "define 1 property again with another schema ('v')" in warned[0][1]
    assert "validate only" in warned[1][1] and "'tags'" in warned[1][1]
    assert "define 1 property again with another schema ('kind')" in warned[2][1]
    mixed = package.model_for("Mixed")  # the later definition alone, in both engines
    assert validate({"v": {"a": 1}}, mixed).ok and loads_accepts({"v": {"a": 1}}, mixed, "strict")
    assert not validate({"v": 1}, mixed).ok and not loads_accepts({"v": 1}, mixed, "strict")
    shared, twice = package.model_for("Shared"), package.model_for("Twice")
    for model, key in ((shared, "Shared"), (twice, "Twice")):
        expected = _composed_oracle(key).is_valid({"kind": "c"}) or key == "Twice"
        assert validate({"kind": "c"}, model).ok is expected
        assert loads_accepts({"kind": "c"}, model, "strict") is expected
    tagged = package.model_for("Tagged")
    body = {"tag": "x"}  # no 'tags': validate refuses, loads has no field to miss
    assert [i.code for i in validate(body, tagged, mode="lenient").errors] == ["missing_required"]
    assert loads_accepts(body, tagged, "lenient")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_strategies_draw_within_the_limits(package: Any, data: st.DataObject) -> None:
    """Drawn payloads keep every carried limit: jsonschema accepts them (`loose` and
    `unique` aside, whose limits the classes do not carry)."""
    from stripe_schemas.strategies import payloads

    limited = package.model_for("Limited")
    body = data.draw(payloads(limited))
    for uncarried in ("loose", "unique", "letters", "sized"):
        body.pop(uncarried, None)
    assert _oracle("Limited").is_valid(body), body
    assert validate(body, limited).ok


@pytest.mark.parametrize(
    ("key", "body", "valid"),
    [
        ("OnClosed", {"a": 1}, True),
        ("OnClosed", {"a": 1, "b": 2}, False),
        ("Described", {"a": {"x": True}}, True),
        ("Described", {"a": {"x": 1}}, False),
        ("OnOpen", {"a": 1, "b": "x", "c": 2}, True),
        ("OnOpen", {"a": 1, "c": "two"}, False),
        ("Bare", {}, True),
        ("Bare", {"zz": 1}, False),
    ],
)
def test_parts_that_close_or_only_describe(
    package: Any, key: str, body: dict[str, Any], valid: bool
) -> None:
    """A base that closes itself (`additionalProperties: false`, no properties) composes
    like any other (`schemas.json` refused every key); a later part's `{description}` of a
    property keeps the base's definition (`schemas.json` made it any value); a subtype
    keeps the other keys its base declares (its class refused them, `schemas.json` closed
    each part against the other's fields)."""
    cls = package.model_for(key)
    assert validate(body, cls).ok is valid
    assert loads_accepts(body, cls, "strict") is valid


@pytest.mark.parametrize(
    ("field", "text", "valid"),
    [
        ("digits", "12", True),
        ("digits", "12\n", False),
        ("digits", "\u0661\u0662", False),
        ("solid", "ab", True),
        ("solid", "a\u00a0b", False),
        ("dotted", "ab", True),
        ("dotted", "a\r", False),
        ("dotted", "a\u2028", False),
    ],
)
def test_patterns_are_read_as_ecma_262(package: Any, field: str, text: str, valid: bool) -> None:
    """JSON Schema's regular expressions are ECMA-262's: `\\d` is an ASCII digit, `\\s` also
    a no-break space, `.` no line terminator and `$` the end of the string (Python's `re`
    differs on each); loads reads them as validate does, and so does validate's reference
    engine (an empty key on the way sends a payload to it)."""
    limited = package.model_for("Limited")
    for body in ({field: text}, {"by_name": {"": "12"}, field: text}):
        assert validate(body, limited).ok is valid, body
        assert loads_accepts(body, limited, "strict") is valid
    if field == "digits":
        assert validate({"by_name": {"": text}}, limited).ok is valid


def test_openapi_30_exclusive_flags(tmp_path: Path) -> None:
    """OpenAPI 3.0's `exclusiveMinimum: true` beside `minimum` is 2020-12's bound in
    `schemas.json` (before, `validate` raised: the document did not compile) and in the
    class."""
    spec = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    positive = {"type": "number", "minimum": 0, "exclusiveMinimum": True}
    spec["components"] = {
        "schemas": {"Price": {"type": "object", "properties": {"amount": positive}}}
    }
    write(generate(write_spec(tmp_path, spec), None, package="flags"), tmp_path)
    price = import_generated(tmp_path, "flags").model_for("Price")
    assert field_info(price, "amount").limits.exclusive_minimum == 0  # type: ignore[union-attr]
    for amount, valid in ((0, False), (0.5, True), (-1, False)):
        assert validate({"amount": amount}, price).ok is valid
        assert loads_accepts({"amount": amount}, price, "strict") is valid


def test_strategies_end_and_refuse_what_cannot_end(package: Any) -> None:
    """A class whose required field is itself has no finite payload: `payloads` says so (it
    was a RecursionError). One whose required fields lead back to it only through a branch
    or a list draws payloads that end, leaves out an optional field that cannot end, and
    keeps a map value's `maxLength` (the strategies dropped it)."""
    from stripe_schemas.strategies import payloads

    with pytest.raises(ValueError, match="Loop has no finite payload"):
        payloads(package.model_for("Loop"))
    chain = package.model_for("Chain")

    @settings(max_examples=40, deadline=None)
    @given(payloads(chain))
    def drawn(body: dict[str, Any]) -> None:
        assert "loop" not in body
        assert validate(body, chain).ok, body
        assert _oracle("Chain").is_valid(body)

    drawn()


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_an_object_with_no_key_at_all_is_one_class(package: Any, mode: str) -> None:
    """`{type: object, additionalProperties: false}` (no `properties`): a class with no
    fields; an unknown key is an error when strict and a notice when lenient, from loads
    and validate alike (validate said `schema_violation` in both modes)."""
    bare = package.model_for("Bare")
    body = {"zz": 1}
    report = validate(body, bare, mode=mode)  # type: ignore[arg-type]
    assert [(i.path, i.code) for i in report.issues] == [("/zz", "unknown_field")]
    assert report.ok is (mode == "lenient")
    assert loads_accepts(body, bare, mode) is (mode == "lenient")


def test_a_pattern_python_cannot_read_is_left_to_validate(package: Any) -> None:
    """ECMA's `\\p{L}` is no Python `re`: the class does not carry it (a warning says so)
    and loads neither raises nor checks it; validate does."""
    limited = package.model_for("Limited")
    assert field_info(limited, "letters").limits is None
    assert loads_accepts({"letters": "12"}, limited, "strict")
    assert not validate({"letters": "12"}, limited).ok


@pytest.mark.parametrize("text", ["", "e1", "p"])
def test_an_enum_beside_a_limited_string(package: Any, text: str) -> None:
    """An enum branch beside a string branch with `maxLength: 0`: the enum's listed values
    are no free string, so the field's strings keep the limit (it was dropped: strict loads
    took `"p"`, and the strategies drew it); loads and validate agree in both modes."""
    holder = package.model_for("Holder")
    assert field_info(holder, "choice").max_length == 0
    body = {"choice": text}
    assert validate(body, holder).ok is (text != "p")
    for mode in ("strict", "lenient"):
        report = validate(body, holder, mode=mode)  # type: ignore[arg-type]
        assert loads_accepts(body, holder, mode) is report.ok
