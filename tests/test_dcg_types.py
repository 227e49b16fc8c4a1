"""Field types come from datamodel-code-generator's resolved data types (`_dcg.Tree`), not
from a walk of the raw schema: the tree decides, and our reading of the schema only adds
names, nullability and the named lossy cases."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from stripe_codegen import _dcg, parse, schema_reading
from stripe_codegen.ir import EnumRef, ListOf, MapOf, ModelRef, Primitive, UnionOf
from stripe_codegen.loader import LoadedSpec, load_spec

from conftest import ROOT

PETSTORE = ROOT / "tests" / "specs" / "petstore.yaml"
PET = "/components/schemas/Pet"


def _fields(spec: LoadedSpec, pointer: str) -> dict[str, Any]:
    model_set = parse.build_model_set(spec, None)
    (found,) = [c for c in model_set.classes if c.pointer == pointer]
    return {f.wire_name: f.type for f in found.fields}


def _spec(schemas: dict[str, Any]) -> LoadedSpec:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    return LoadedSpec(document=document, source="t.yaml", sha256="0" * 64)


def test_petstore_trees_are_the_parsers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The trees kept for the petstore's Pet are datamodel-code-generator's reading of it:
    the allOf part's fields, the discriminated oneOf, the $ref'd enum, the 3.1 type list,
    the map and the reference into the other file (bundled as a component)."""
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", "off")
    spec = load_spec(PETSTORE)
    models = _dcg.parse_models(spec.schemas, spec.source)
    pet = models[PET]
    assert pet.bases == ("/components/schemas/NewPet",)
    assert pet.type_of("status") == ("ref", "/components/schemas/PetStatus")
    assert pet.type_of("details") == (
        "union",
        (("ref", "/components/schemas/Cat"), ("ref", "/components/schemas/Dog")),
    )
    assert pet.type_of("nickname") == ("null", ("union", (("prim", "str"),)))
    assert pet.type_of("labels") == ("dict", ("prim", "str"))
    assert pet.type_of("weight") == ("union", (("prim", "int"), ("prim", "float")))
    assert pet.type_of("address") == ("ref", "/components/schemas/Address")
    assert models["/components/schemas/Cat"].type_of("kind") == ("literal", ("cat",))


def _doctored_pet_fields(
    monkeypatch: pytest.MonkeyPatch, trees: dict[str, _dcg.Tree]
) -> dict[str, Any]:
    """Pet's field types when the parser's trees for some of its fields are replaced."""
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", "off")
    spec = load_spec(PETSTORE)
    real = _dcg.parse_models

    def doctored(schemas: dict[str, Any], source: str) -> dict[str, _dcg.ParsedModel]:
        models = real(schemas, source)
        pet = models[PET]
        models[PET] = attrs.evolve(pet, types=tuple({**dict(pet.types), **trees}.items()))
        return models

    monkeypatch.setattr(parse, "parse_models", doctored)
    return _fields(spec, PET)


def test_field_type_follows_the_tree_where_it_fits_the_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Give Pet's `weight` (`anyOf: [integer, number]`) another tree than the parser's,
    one the schema allows, and its class follows it: the type is read from the tree (a walk
    of the raw schema would still say `int | float`)."""
    fields = _doctored_pet_fields(monkeypatch, {"weight": ("prim", "int")})
    assert fields["weight"] == Primitive("int")
    # untouched: the parser's own reading
    assert fields["status"] == EnumRef("/components/schemas/PetStatus")
    assert fields["nickname"] == Primitive("str")


def test_a_tree_that_contradicts_the_schema_falls_back_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the tree's type is not one the schema says (a string for a number, a map of
    booleans for a map of strings, one class for a union of two: what the parser keeps
    of a base's definition that a later `allOf` part redefines), the field is read from the
    schema: the schema wins, so that the class and `schemas.json` say the same."""
    fields = _doctored_pet_fields(
        monkeypatch,
        {
            "weight": ("prim", "str"),
            "labels": ("dict", ("prim", "bool")),
            "details": ("ref", "/components/schemas/Dog"),
            "nickname": ("prim", "Any"),
        },
    )
    assert fields["weight"] == UnionOf((Primitive("int"), Primitive("float")))
    assert fields["labels"] == MapOf(Primitive("str"))
    assert fields["details"] == UnionOf(
        (ModelRef("/components/schemas/Cat"), ModelRef("/components/schemas/Dog"))
    )
    assert fields["nickname"] == Primitive("str")


def test_a_tree_that_cannot_be_read_falls_back_to_the_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An `unknown` part, or a union whose members do not line up with the schema's
    branches, is read from the raw schema: the whole field, with the same result."""
    fields = _doctored_pet_fields(
        monkeypatch,
        {
            "labels": ("dict", ("unknown", "a test")),
            "weight": ("union", (("prim", "int"), ("prim", "float"), ("prim", "str"))),
        },
    )
    assert fields["labels"] == MapOf(Primitive("str"))
    assert fields["weight"] == UnionOf((Primitive("int"), Primitive("float")))


def test_lifted_models_are_found_at_their_pointers() -> None:
    """What the parser lifts out of arrays, maps, unions and compositions (its internal
    `…#-datamodel-code-generator-#-array-#-special-#` names) is found again at the JSON
    pointer of its schema, also where its Python field name differs from the wire name."""
    special = "#-datamodel-code-generator-#-{}-#-special-#".format
    schemas: dict[str, Any] = {
        "k": {
            "type": "object",
            "properties": {
                "rows": {"type": "array", "items": {"type": "object", "properties": {}}},
                "_links": {"type": "object", "properties": {"self": {"type": "string"}}},
                "pick": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {}}]},
                "files": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "properties": {}},
                },
            },
        },
        "many": {"type": "array", "items": {"type": "object", "properties": {}}},
    }
    base = "#/components/schemas/k"
    rows = f"{base}/rows{special('array')}/0{special('object')}"
    assert _dcg.dcg_pointer(rows, schemas) == "/components/schemas/k/properties/rows/items"
    links = f"{base}/field_links{special('object')}"
    assert _dcg.dcg_pointer(links, schemas) is None
    assert (
        _dcg.dcg_pointer(links, schemas, {"field_links": ["_links"]})
        == "/components/schemas/k/properties/_links"
    )
    pick = f"{base}/pick{special('oneOf')}/1{special('object')}"
    assert _dcg.dcg_pointer(pick, schemas) == "/components/schemas/k/properties/pick/oneOf/1"
    files = f"{base}/files{special('object')}{special('additionalProperties')}{special('object')}"
    assert (
        _dcg.dcg_pointer(files, schemas)
        == "/components/schemas/k/properties/files/additionalProperties"
    )
    many = f"#/components/schemas/many/many/0{special('object')}"
    assert _dcg.dcg_pointer(many, schemas) == "/components/schemas/many/items"
    # a path that names no schema of ours: no pointer (the field is read from the schema)
    assert _dcg.dcg_pointer(f"{base}/nothing{special('object')}", schemas) is None
    assert _dcg.dcg_pointer(f"{base}/pick{special('oneOf')}/7{special('object')}", schemas) is None


def test_parser_resolved_array_of_inline_objects_and_renamed_property() -> None:
    """End to end: a list of inline objects and an object under a property the parser
    renames (`_links`) are references in its tree, and become our classes at their
    pointers."""
    spec = _spec(
        {
            "k": {
                "type": "object",
                "properties": {
                    "rows": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"n": {"type": "integer"}}},
                    },
                    "_links": {"type": "object", "properties": {"self": {"type": "string"}}},
                },
            }
        }
    )
    models = _dcg.parse_models(spec.schemas, spec.source)
    k = models["/components/schemas/k"]
    rows = k.type_of("rows")
    assert rows is not None
    assert schema_reading._plain(rows) == (
        "list",
        ("ref", "/components/schemas/k/properties/rows/items"),
    )
    assert k.type_of("_links") == ("ref", "/components/schemas/k/properties/_links")
    fields = _fields(spec, "/components/schemas/k")
    assert fields["rows"] == ListOf(ModelRef("/components/schemas/k/properties/rows/items"))
    assert fields["_links"] == ModelRef("/components/schemas/k/properties/_links")


def test_format_does_not_change_the_parsers_scalar() -> None:
    """The parser reads a scalar by its JSON type: `string`+`decimal` is `str` (its format
    table would make it a `Decimal`), `integer`+`unix-time` is `int`."""
    spec = _spec(
        {
            "k": {
                "type": "object",
                "properties": {
                    "amount": {"type": "string", "format": "decimal"},
                    "when": {"type": "integer", "format": "unix-time"},
                    "at": {"type": "string", "format": "date-time"},
                },
            }
        }
    )
    k = _dcg.parse_models(spec.schemas, spec.source)["/components/schemas/k"]
    assert k.type_of("amount") == ("prim", "str")
    assert k.type_of("when") == ("prim", "int")
    assert k.type_of("at") == ("prim", "str")
