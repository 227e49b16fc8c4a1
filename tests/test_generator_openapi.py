"""The generator on OpenAPI 3 specs that are not Stripe's: a hand-written spec as a golden
record, entry points agreeing with jsonschema on it, and bad input refused by pointer."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_generator import import_generated, write_spec

from stripe_codegen import SpecError
from stripe_codegen.generate import Generated, generate, write
from stripe_schemas import loads
from stripe_schemas.cli import main
from stripe_schemas.validation import Validator, validate

from conftest import ROOT

PETSTORE = ROOT / "tests" / "specs" / "petstore.yaml"
PACKAGE = "petstore_models"

#: Every class of the hand-written spec with its fields (attribute, annotation), written by
#: hand from the spec: allOf composes NewPet's fields into Pet, ``nullable`` + ``allOf``
#: keeps Owner's class, the top-level enum keeps its name, const and 3.1 type lists work.
#: A reference to `Animal` (a base schema with a discriminator) is its subtypes' union,
#: in a field, an array's items and a nullable `allOf` wrapper; each subtype's tag is
#: narrowed to its tag (the mapping's `fishy`, else the schema's name).
EXPECTED_CLASSES = {
    "Account": [("id", "int"), ("password", "str | UnsetType")],
    "Address": [("city", "str"), ("zip", "str | None | UnsetType")],
    "Animal": [("species", "str"), ("name", "str | UnsetType")],
    "Bike": [("type", "BikeType"), ("seats", "int | UnsetType")],
    "Bird": [("species", "BirdSpecies"), ("name", "str | UnsetType"), ("wings", "int")],
    "Car": [("type", "CarType"), ("seats", "int")],
    "Cat": [("kind", "CatKind"), ("lives", "int")],
    "Dog": [("kind", "DogKind"), ("good", "bool | UnsetType")],
    "Enclosure": [
        ("resident", "Fish | Bird"),
        ("visitors", "list[Fish | Bird] | UnsetType"),
        ("keeper", "Fish | Bird | None | UnsetType"),
    ],
    "Fish": [("species", "FishSpecies"), ("name", "str | UnsetType"), ("fins", "int | UnsetType")],
    "NewPet": [("name", "str"), ("tag", "str | UnsetType")],
    "Notes": [("title", "str | UnsetType")],
    "Owner": [("id", "int"), ("name", "str | UnsetType")],
    "Pet": [
        ("name", "str"),
        ("tag", "str | UnsetType"),
        ("id", "int"),
        ("status", "PetStatus"),
        ("owner", "Owner | None | UnsetType"),
        ("details", "Cat | Dog | UnsetType"),
        ("nickname", "str | None | UnsetType"),
        ("labels", "dict[str, str] | UnsetType"),
        ("secret_code", "str | UnsetType"),
        ("weight", "int | float | UnsetType"),
        ("address", "Address | UnsetType"),
        ("scores", "Scores | UnsetType"),
        ("notes", "Notes | UnsetType"),
    ],
    "Scores": [("total", "int")],
}
#: The classes whose schema declares its other keys (`additionalProperties` beside
#: `properties`), with the annotation of their values.
EXPECTED_ADDITIONAL = {"Notes": "Any", "Scores": "int"}
EXPECTED_ALIASES = {
    "BikeType": "Literal['Bike']",
    "BirdSpecies": "Literal['Bird']",
    "CarType": "Literal['Car']",
    "CatKind": "Literal['cat']",
    "DogKind": "Literal['dog']",
    "FishSpecies": "Literal['fishy']",
    "PetStatus": "Literal['available', 'pending', 'sold']",
    "Shape": "'Cat | Owner'",
    "Vehicle": "'Car | Bike'",
}


@pytest.fixture(scope="module")
def petstore() -> Generated:
    return generate(PETSTORE, None, package=PACKAGE)


@pytest.fixture(scope="module")
def package(petstore: Generated, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("petstore")
    write(petstore, out)
    return import_generated(out, PACKAGE)


def _declared(source: str) -> tuple[dict[str, list[tuple[str, str]]], dict[str, str]]:
    """Classes with their annotated fields, and module-level aliases, read from the source."""
    tree = ast.parse(source)
    classes: dict[str, list[tuple[str, str]]] = {}
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = [
                (item.target.id, ast.unparse(item.annotation))
                for item in node.body
                if isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and not item.target.id.startswith("_")
                and "ClassVar" not in ast.unparse(item.annotation)
            ]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            aliases[node.target.id] = ast.unparse(node.value) if node.value else ""
    return classes, aliases


def test_petstore_golden_record(petstore: Generated) -> None:
    """The hand-written spec gives exactly the expected classes, fields and aliases."""
    classes, aliases = _declared(petstore.files[f"{PACKAGE}/common.py"])
    assert classes == EXPECTED_CLASSES
    assert aliases == EXPECTED_ALIASES
    assert _additional(petstore.files[f"{PACKAGE}/common.py"]) == EXPECTED_ADDITIONAL


def _additional(source: str) -> dict[str, str]:
    """Class → the value annotation of its `_extra`, for the classes marked `__additional__`."""
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        names = {
            item.target.id: item
            for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        }
        if "__additional__" in names:
            annotation = names["_extra"].annotation
            assert isinstance(annotation, ast.Subscript)
            assert isinstance(annotation.slice, ast.Tuple)
            found[node.name] = ast.unparse(annotation.slice.elts[1])
    return found


def test_petstore_header_is_spec_neutral(petstore: Generated) -> None:
    """Headers and docstrings name the spec's own title and version, never Stripe."""
    for rel, text in petstore.files.items():
        if rel.endswith(".py"):
            head = text.splitlines()[:4]
            assert head[1] == "# Hand-written petstore version: 2.0.0"
            assert "Stripe" not in "\n".join(head)
            docstrings = [
                ast.get_docstring(n) or ""
                for n in ast.walk(ast.parse(text))
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
            ]
            assert not any("Stripe" in d for d in docstrings), rel
    assert f"{PACKAGE}/params/__init__.py" not in petstore.files  # Stripe's form params only


def _loads_accepts(body: dict[str, Any], cls: Any) -> bool:
    """Whether strict `loads` reads `body` as `cls` (a refusal is its `PayloadError`; any
    other exception is a bug and propagates)."""
    from stripe_schemas import PayloadError

    try:
        loads(json.dumps(body), cls)
    except PayloadError:
        return False
    return True


def _oracle(pointer_key: str) -> jsonschema.Draft202012Validator:
    """jsonschema on the spec's own schema (both files), independent of the generator."""
    main_doc = yaml.safe_load(PETSTORE.read_text())
    other = yaml.safe_load((PETSTORE.parent / "common.yaml").read_text())
    schemas = {**main_doc["components"]["schemas"], **other["components"]["schemas"]}
    text = json.dumps(schemas).replace("common.yaml#/components/schemas/", "#/$defs/")
    text = text.replace("#/components/schemas/", "#/$defs/")
    defs = _nullable_as_null_branch(json.loads(text))
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{pointer_key}", "$defs": defs})


def _nullable_as_null_branch(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` (which the spec also uses) in JSON Schema's words:
    the schema, or null."""
    if isinstance(node, list):
        return [_nullable_as_null_branch(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_as_null_branch(v) for k, v in node.items() if k != "nullable"}
    return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") is True else out


VALID_PETS = [
    {"name": "Rex", "id": 1, "status": "available"},
    {
        "name": "Tom",
        "tag": "cat",
        "id": 2,
        "status": "sold",
        "owner": {"id": 7, "name": "Ann"},
        "details": {"kind": "cat", "lives": 9},
        "nickname": None,
        "labels": {"colour": "grey"},
        "weight": 4.5,
        "address": {"city": "Oslo", "zip": None},
        "scores": {"total": 5, "maths": 3, "art": 2},
        "notes": {"title": "vet", "seen": [1, {"on": None}]},
    },
    {"name": "Fido", "id": 3, "status": "pending", "details": {"kind": "dog", "good": True}},
    {"name": "Stray", "id": 4, "status": "available", "owner": None, "secret_code": "s"},
]
INVALID_PETS = [
    {"id": 1, "status": "available"},  # NewPet's required name, through allOf
    {"name": "Rex", "id": 1, "status": "lost"},  # the $ref'd enum
    {"name": "Rex", "id": 1, "status": "sold", "owner": {"id": "not-an-int"}},
    {"name": "Rex", "id": 1, "status": "sold", "details": {"kind": "cow"}},
    {"name": "Rex", "id": 1, "status": "sold", "nickname": 5},
    {"name": "Rex", "id": 1, "status": "sold", "labels": {"a": 1}},
    {"name": "Rex", "id": 1, "status": "sold", "weight": "heavy"},
    {"name": "Rex", "id": 1, "status": "sold", "address": {"zip": "0150"}},
    {"name": "x" * 41, "id": 1, "status": "sold"},
    {"name": "Rex", "id": 1, "status": "sold", "details": {"kind": "bird", "lives": 9}},
    {"name": "Rex", "id": None, "status": "sold"},
    {"name": "Rex", "id": 1, "status": "sold", "scores": {"total": 5, "maths": "A"}},
    {"name": "Rex", "id": 1, "status": "sold", "scores": {"maths": 3}},
]


@pytest.mark.parametrize(
    ("body", "valid"), [(b, True) for b in VALID_PETS] + [(b, False) for b in INVALID_PETS]
)
def test_petstore_entry_points_agree_with_jsonschema(
    package: Any, body: dict[str, Any], valid: bool
) -> None:
    """Strict loads, validate and jsonschema on the spec's own schema give one verdict."""
    import importlib

    pet = importlib.import_module(f"{PACKAGE}.common").Pet
    assert _oracle("Pet").is_valid(body) is valid
    assert validate(body, pet).ok is valid, validate(body, pet)
    assert _loads_accepts(body, pet) is valid


VEHICLES = [
    ({"type": "Car", "seats": 2}, True),
    ({"type": "Bike"}, True),
    ({"type": "Bike", "seats": 1}, True),
    ({"type": "Truck", "seats": 2}, False),  # no branch has this tag
    ({"type": "Car"}, False),  # the tag picks Car, which requires seats (Bike would not)
    ({"type": "Bike", "seats": "x"}, False),
]


@pytest.mark.parametrize(("body", "valid"), VEHICLES)
def test_discriminator_tags_are_checked(package: Any, body: dict[str, Any], valid: bool) -> None:
    """A discriminated union whose tag property is a plain string: the tag picks the branch
    (implicit mapping: the schema's name), in validate and structure as in
    openapi-schema-validator, which reads the discriminator."""
    from openapi_schema_validator import OAS30Validator

    document = yaml.safe_load(PETSTORE.read_text())
    oracle = OAS30Validator({"$ref": "#/components/schemas/Vehicle", **document})
    assert oracle.is_valid(body) is valid
    validator = Validator(json.loads(_schemas(package)))
    assert validator.validate(body, "Vehicle").ok is valid
    assert _loads_accepts(body, package.model_for("Vehicle")) is valid


def _schemas(package: Any) -> str:
    return (Path(package.__path__[0]) / "schemas.json").read_text(encoding="utf-8")


def test_declared_other_keys_load_typed_and_dump_back(package: Any) -> None:
    """An object with `properties` and a typed `additionalProperties`: strict loads keeps
    the other keys (typed) where `extras()` reads them, reports a wrong one at its own
    pointer, and dumps the object back as it came."""
    import importlib

    from stripe_schemas import PayloadError, dumps, extras

    common = importlib.import_module(f"{PACKAGE}.common")
    body = VALID_PETS[1]
    pet = loads(json.dumps(body), common.Pet)
    assert pet.scores.total == 5
    assert dict(extras(pet.scores)) == {"maths": 3, "art": 2}
    assert dict(extras(pet.notes)) == {"seen": [1, {"on": None}]}
    assert json.loads(dumps(pet)) == body
    bad = {**body, "scores": {"total": 5, "maths": "A", "art": 2.5}}
    with pytest.raises(PayloadError) as caught:
        loads(json.dumps(bad), common.Pet)
    pointers = sorted(issue.path for issue in caught.value.issues)
    assert pointers == ["/scores/art", "/scores/maths"]
    assert sorted(i.path for i in validate(bad, common.Pet).errors) == pointers


def test_dumps_refuses_what_json_cannot_hold(package: Any) -> None:
    """NaN or an infinity in a float field, in a declared other key or in a kept unknown
    field, and a set in one: dumps and unstructure raise a ValueError naming the class
    (the module-level functions) instead of writing `null` or leaking an internal
    exception; the converter's dumps raises the same. A finite float is written as it is."""
    import importlib

    from stripe_schemas import dumps, make_converter, unstructure

    common = importlib.import_module(f"{PACKAGE}.common")
    pet = {"name": "Rex", "id": 1, "status": "sold"}
    bad = [
        (common.Pet(**pet, weight=math.nan), "the Pet holds the float nan"),
        (common.Pet(**pet, weight=-math.inf), "the Pet holds the float -inf"),
        (common.Scores(total=1, _extra={"maths": math.inf}), "the Scores holds the float inf"),
        (common.Notes(_extra={"seen": [1, {"on": math.nan}]}), "the Notes holds the float nan"),
        (common.Owner(id=1, _extra={"x": {1, 2}}), "the Owner holds a value JSON cannot hold"),
        (common.Owner(id=1, _extra={"x": math.nan}), "the Owner holds a value JSON cannot hold"),
        (common.Pet(**pet, labels={1: "x"}), "the Pet holds a key of type int"),
    ]
    converter = make_converter()
    for instance, message in bad:
        for to_json in (dumps, unstructure):
            with pytest.raises(ValueError) as caught:
                to_json(instance)
            assert str(caught.value).startswith(message), caught.value
        with pytest.raises(ValueError, match="holds"):
            converter.dumps(instance)
    assert json.loads(dumps(common.Pet(**pet, weight=4.5))) == {**pet, "weight": 4.5}
    for plain, what in (([1.5, math.inf], "the float inf"), ({1: "x"}, "a key of type int")):
        with pytest.raises(ValueError, match=f"^the value holds {what}"):
            dumps(plain)


ACCOUNTS = [({"id": 1}, True), ({}, False), ({"id": "x"}, False), ({"password": "p"}, False)]


@pytest.mark.parametrize(("body", "valid"), ACCOUNTS)
def test_write_only_is_not_required_in_a_response(
    package: Any, body: dict[str, Any], valid: bool
) -> None:
    """The model classes describe responses: a required `writeOnly` property may be absent
    (its `required` is for requests), a required `readOnly` one may not; the verdict of
    openapi-schema-validator's read validator, in validate and strict loads alike."""
    from openapi_schema_validator import OAS30ReadValidator

    document = yaml.safe_load(PETSTORE.read_text())
    oracle = OAS30ReadValidator({"$ref": "#/components/schemas/Account", **document})
    assert oracle.is_valid(body) is valid
    account = package.model_for("Account")
    assert validate(body, account).ok is valid
    assert _loads_accepts(body, account) is valid


def test_write_only_value_in_a_response_is_read(package: Any) -> None:
    """A response that carries a `writeOnly` value anyway is read (OpenAPI says it should
    not be sent, not that it is invalid; the read validator of openapi-schema-validator is
    stricter here, and the docs say so)."""
    account = package.model_for("Account")
    body = {"id": 1, "password": "p"}
    assert validate(body, account).ok
    assert loads(json.dumps(body), account).password == "p"


def test_declared_other_keys_in_a_partial_object(package: Any) -> None:
    """An event's `previous_attributes` read as a partial object: a declared other key is
    checked by its type there too (the same verdict as a whole object), not called an
    unknown field."""
    import importlib

    from stripe_schemas.converters._detail import Walk
    from stripe_schemas.converters._envelopes import partial_object
    from stripe_schemas.model import class_plan

    plan = class_plan(importlib.import_module(f"{PACKAGE}.common").Scores)
    found: dict[str, list[tuple[str, str]]] = {}
    for name, previous in (("good", {"maths": 2}), ("bad", {"maths": "A"})):
        walk = Walk("strict")
        partial_object(walk, plan, previous, ())
        found[name] = [(issue.path, issue.code) for issue in walk.issues]
    assert found == {"good": [], "bad": [("/maths", "type_mismatch")]}


def test_petstore_loads_composed_fields(package: Any) -> None:
    """A valid Pet loads with NewPet's fields and a typed owner (allOf composition)."""
    import importlib

    common = importlib.import_module(f"{PACKAGE}.common")
    pet = loads(json.dumps(VALID_PETS[1]), common.Pet)
    assert pet.name == "Tom" and pet.owner == common.Owner(id=7, name="Ann")
    assert pet.details == common.Cat(kind="cat", lives=9)
    assert pet.address == common.Address(city="Oslo", zip=None)


@settings(max_examples=40)
@given(data=st.data())
def test_petstore_strategies_draw_what_jsonschema_accepts(
    package: Any, data: st.DataObject
) -> None:
    """The strategies draw Pets (composed, nullable, unions, maps, other-file references) that
    jsonschema on the spec's own schema accepts, and that validate and loads accept too; and
    Vehicles and Enclosures (a base schema's subtypes) whose discriminator tags
    openapi-schema-validator accepts."""
    import importlib

    from stripe_schemas.strategies import payloads

    pet_class = importlib.import_module(f"{PACKAGE}.common").Pet
    body = data.draw(payloads(pet_class))
    assert _oracle("Pet").is_valid(body), body
    assert validate(body, pet_class).ok
    assert loads(json.dumps(body), pet_class).name == body["name"]
    vehicle = data.draw(payloads(package.model_for("Vehicle")))
    from openapi_schema_validator import OAS30Validator

    document = yaml.safe_load(PETSTORE.read_text())
    assert OAS30Validator({"$ref": "#/components/schemas/Vehicle", **document}).is_valid(vehicle)
    enclosure_class = package.model_for("Enclosure")
    enclosure = data.draw(payloads(enclosure_class))
    assert _enclosure_oracle().is_valid(enclosure), enclosure
    assert validate(enclosure, enclosure_class).ok
    assert _loads_accepts(enclosure, enclosure_class)


def test_no_roots_for_another_spec_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --root or --all a spec that is not Stripe's is refused, saying what to give."""
    code = main(["generate", "--spec", str(PETSTORE), "--package", "p", "--out", "/nonexistent"])
    err = capsys.readouterr().err
    assert code == 2 and "--root" in err and "--all" in err and "Traceback" not in err


def test_diff_without_roots_for_another_spec_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """diff asks for --root or --all on a spec that is not Stripe's, and compares with --all."""
    assert main(["diff", str(PETSTORE), str(PETSTORE)]) == 2
    err = capsys.readouterr().err
    assert "--root" in err and "--all" in err and "identity" not in err
    assert main(["diff", str(PETSTORE), str(PETSTORE), "--all"]) == 0
    assert "0 changes" in capsys.readouterr().out


def _spec(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


@pytest.mark.parametrize(
    ("schemas", "pointer", "words"),
    [
        (
            {"A": {"type": "object", "properties": {"x": {"not": {"type": "string"}}}}},
            "/components/schemas/A/properties/x/not",
            "unsupported keyword 'not'",
        ),
        (
            {"A": {"type": ["string", "bogus"]}},
            "/components/schemas/A/type",
            "unknown type",
        ),
        (
            {"A": {"type": "object", "properties": {"b": {"$ref": "missing.yaml#/x"}}}},
            "/components/schemas/A/properties/b/$ref",
            "unsupported $ref",
        ),
    ],
)
def test_bad_schemas_refused_by_pointer(
    tmp_path: Path, schemas: dict[str, Any], pointer: str, words: str
) -> None:
    """An unsupported construct is one problem naming it and its JSON pointer."""
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, _spec(schemas)), None, package="bad")
    problems = [(p.pointer, p.message) for p in caught.value.problems]
    assert any(p == pointer and words in m for p, m in problems), problems


def test_type_list_and_leaked_parser_names_do_not_crash(tmp_path: Path) -> None:
    """A 3.1 type list, arrays of inline objects as components and inline objects in union
    branches (what crashed on GitHub's spec) generate typed classes."""
    spec = _spec(
        {
            "caches": {
                "type": "array",
                "items": {"type": "object", "properties": {"id": {"type": ["integer", "null"]}}},
            },
            "rule": {
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["wait"],
                        "properties": {"wait": {"type": "integer"}},
                    },
                    {
                        "type": "object",
                        "required": ["who"],
                        "properties": {"who": {"type": "string"}},
                    },
                ]
            },
        }
    )
    result = generate(write_spec(tmp_path, spec), None, package="ok")
    classes, aliases = _declared(result.files["ok/common.py"])
    assert classes == {
        "CachesItem": [("id", "int | None | UnsetType")],
        "RuleWait": [("wait", "int")],
        "RuleWho": [("who", "str")],
    }
    assert aliases == {"Caches": "'list[CachesItem]'", "Rule": "'RuleWait | RuleWho'"}


# --- no traceback on any input --------------------------------------------------------------

_NAMES = st.sampled_from(["a", "b", "kind", "_a", "+1", "A"])
_TYPES = st.sampled_from(["object", "array", "string", "integer", "number", "boolean", "null"])
_SCALARS = st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from(["x", "y", ""])


def _schema_trees() -> st.SearchStrategy[Any]:
    """Schemas built from the keywords the generator reads, nested and combined in any way
    (references between the components A, B and C included, cycles too), now and then with
    a value of the wrong shape."""

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        keyword_values = {
            "type": _TYPES | st.lists(_TYPES, max_size=3),
            "properties": st.dictionaries(_NAMES, inner, max_size=3),
            "items": inner,
            "allOf": st.lists(inner, max_size=3),
            "anyOf": st.lists(inner, max_size=3),
            "oneOf": st.lists(inner, max_size=3),
            "enum": st.lists(_SCALARS, max_size=3),
            "const": _SCALARS,
            "nullable": st.booleans(),
            "required": st.lists(_NAMES, max_size=2),
            "additionalProperties": inner | st.booleans(),
            "discriminator": st.fixed_dictionaries(
                {"propertyName": _NAMES},
                optional={
                    "mapping": st.dictionaries(
                        _NAMES, st.sampled_from(["#/components/schemas/A", "B", "Z", 1])
                    )
                },
            ),
            "maxLength": st.integers(0, 5),
        }
        pairs = st.sampled_from(sorted(keyword_values)).flatmap(
            lambda k: st.tuples(st.just(k), keyword_values[k])
        )
        return st.lists(pairs, max_size=4).map(dict) | _SCALARS

    refs = st.sampled_from(["A", "B", "C"]).map(lambda k: {"$ref": f"#/components/schemas/{k}"})
    leaves = refs | _TYPES.map(lambda t: {"type": t}) | st.just({})
    return st.recursive(leaves, extend, max_leaves=10)


@given(schemas=st.dictionaries(st.sampled_from(["A", "B", "C"]), _schema_trees(), min_size=1))
@settings(max_examples=300)
def test_any_schema_gives_models_or_spec_errors(schemas: dict[str, Any]) -> None:
    """Whatever the component schemas hold, the generator's front half (from the rewrite of
    base-schema discriminators the loader does) gives Python that
    compiles and a schema document, or raises SpecError (one line per problem): never a
    traceback, never source that ruff or the import check refuse."""
    from stripe_codegen.discriminators import follow_base_discriminators
    from stripe_codegen.generate import schema_document
    from stripe_codegen.loader import LoadedSpec
    from stripe_codegen.parse import build_model_set
    from stripe_codegen.render import render_sources

    try:
        document, problems = follow_base_discriminators(_spec(schemas), "fuzz.yaml")
        if problems:
            raise SpecError(problems)
        spec = LoadedSpec(document=document, source="fuzz.yaml", sha256="0" * 64)
        model_set = build_model_set(spec, None)
        for rel, source in render_sources(model_set, "fuzz").items():
            compile(source, rel, "exec")  # what ruff format and the import would refuse
        schema_document(spec, model_set)
    except SpecError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


def test_a_schema_composing_itself_gives_a_document_or_one_error() -> None:
    """An allOf inside a component that refers back to it: with one part it is the
    component itself (a plain reference in the document, no endless merge); with other
    parts beside it, one problem at the component (found by the fuzz test above)."""
    from stripe_codegen.generate import schema_document
    from stripe_codegen.loader import LoadedSpec
    from stripe_codegen.parse import build_model_set

    ref = {"$ref": "#/components/schemas/A"}
    alone = {"A": {"properties": {"a": {"allOf": [ref]}}}}
    spec = LoadedSpec(document=_spec(alone), source="self.yaml", sha256="0" * 64)
    document = json.loads(schema_document(spec, build_model_set(spec, None)))
    assert document["$defs"]["A"]["properties"]["a"] == {"allOf": [{"$ref": "#/$defs/A"}]}
    more = {"A": {"properties": {"a": {"allOf": [ref, {"properties": {"x": {"type": "string"}}}]}}}}
    spec = LoadedSpec(document=_spec(more), source="self.yaml", sha256="0" * 64)
    with pytest.raises(SpecError) as caught:
        schema_document(spec, build_model_set(spec, None))
    (problem,) = caught.value.problems
    assert problem.pointer == "/components/schemas/A" and "composes 'A' itself" in problem.message


def test_reference_to_a_missing_file_is_one_error(tmp_path: Path) -> None:
    """A $ref into a file that is not there is one problem at the $ref, naming the file."""
    spec = _spec(
        {"A": {"type": "object", "properties": {"b": {"$ref": "gone.yaml#/components/schemas/B"}}}}
    )
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), None, package="bad")
    (problem,) = caught.value.problems
    assert problem.pointer == "/components/schemas/A/properties/b/$ref"
    assert "gone.yaml" in problem.message and "no such file" in problem.message


def test_other_file_schema_clashing_with_a_local_one_is_an_error(tmp_path: Path) -> None:
    """A schema brought in from another file under a key the spec already uses for a
    different schema is refused (never silently replaced)."""
    write_spec(tmp_path, _spec({"B": {"type": "string"}}), name="other.yaml")
    spec = _spec(
        {
            "A": {
                "type": "object",
                "properties": {"b": {"$ref": "other.yaml#/components/schemas/B"}},
            },
            "B": {"type": "integer"},
        }
    )
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), None, package="bad")
    assert [p.pointer for p in caught.value.problems] == ["/components/schemas/A/properties/b/$ref"]
    assert "already has a different schema 'B'" in caught.value.problems[0].message


def test_digest_covers_the_files_a_spec_refers_to(tmp_path: Path) -> None:
    """The recorded digest changes when a referenced file changes, not only the main one;
    a spec without references records its own file's sha256."""
    import hashlib

    from stripe_codegen.loader import load_spec

    other = {"B": {"type": "object", "properties": {"x": {"type": "string"}}}}
    write_spec(tmp_path, _spec(other), name="other.yaml")
    main_spec = _spec(
        {"A": {"type": "object", "properties": {"b": {"$ref": "other.yaml#/components/schemas/B"}}}}
    )
    path = write_spec(tmp_path, main_spec)
    before = load_spec(path).sha256
    assert before != hashlib.sha256(Path(path).read_bytes()).hexdigest()
    other["B"]["properties"]["y"] = {"type": "integer"}
    write_spec(tmp_path, _spec(other), name="other.yaml")
    after = load_spec(path).sha256
    assert after != before
    assert (
        f'SPEC_SHA256: Final = "{after}"'
        in generate(path, None, package="p").files["p/__init__.py"]
    )
    alone = write_spec(tmp_path, _spec(other), name="alone.yaml")
    assert load_spec(alone).sha256 == hashlib.sha256(Path(alone).read_bytes()).hexdigest()


def test_a_type_alias_that_contains_itself_is_one_error() -> None:
    """`A` is a map of `A`s with no properties: a type alias that would contain itself is
    one problem at its schema, not a recursion error (found by the fuzz test above)."""
    from stripe_codegen.loader import LoadedSpec
    from stripe_codegen.parse import build_model_set

    schemas = {"A": {"properties": {}, "additionalProperties": {"$ref": "#/components/schemas/A"}}}
    spec = LoadedSpec(document=_spec(schemas), source="loop.yaml", sha256="0" * 64)
    with pytest.raises(SpecError) as caught:
        build_model_set(spec, None)
    (problem,) = caught.value.problems
    assert problem.pointer == "/components/schemas/A"
    assert "contains itself" in problem.message


#: `Enclosure` as the test reads OpenAPI's discriminator on a base schema: each reference to
#: `Animal` is the `oneOf` of the schemas that extend it, picked by `species` (the mapping's
#: `fishy` for Fish; Bird by its name). Written here by hand, not taken from the generator.
_ANIMAL = {
    "oneOf": [{"$ref": "#/components/schemas/Fish"}, {"$ref": "#/components/schemas/Bird"}],
    "discriminator": {
        "propertyName": "species",
        "mapping": {"fishy": "#/components/schemas/Fish"},
    },
}
ENCLOSURES = [
    ({"resident": {"species": "fishy", "fins": 2}}, True),
    ({"resident": {"species": "Bird", "wings": 2, "name": "Tweety"}}, True),
    (
        {
            "resident": {"species": "fishy"},
            "visitors": [{"species": "Bird", "wings": 1}, {"species": "fishy", "fins": 0}],
            "keeper": None,
        },
        True,
    ),
    ({"resident": {"species": "fishy"}, "keeper": {"species": "Bird", "wings": 2}}, True),
    ({"resident": {"species": "Bird"}}, False),  # the tag picks Bird, which needs wings
    ({"resident": {"species": "Snake"}}, False),  # no subtype has this tag
    ({"resident": {"name": "Nemo"}}, False),  # no tag at all
    ({"resident": {"species": "fishy", "fins": "two"}}, False),
    ({"resident": {"species": "fishy"}, "visitors": [{"species": "Bird"}]}, False),
    ({"resident": {"species": "fishy"}, "keeper": {"species": "Bird"}}, False),
]


def _enclosure_oracle() -> Any:
    """openapi-schema-validator (which reads a discriminator on a `oneOf`) on `Enclosure`
    with each reference to `Animal` spelled as `_ANIMAL`."""
    from openapi_schema_validator import OAS30Validator

    document = yaml.safe_load(PETSTORE.read_text())
    enclosure = document["components"]["schemas"]["Enclosure"]["properties"]
    enclosure["resident"] = _ANIMAL
    enclosure["visitors"]["items"] = _ANIMAL
    # its `nullable` reads `type` only, and it has no `null` type: null as an enum
    enclosure["keeper"] = {"anyOf": [{"allOf": [_ANIMAL]}, {"enum": [None]}]}
    return OAS30Validator({"$ref": "#/components/schemas/Enclosure", **document})


@pytest.mark.parametrize(("body", "valid"), ENCLOSURES)
def test_a_reference_to_a_base_schema_is_the_subtype_its_tag_names(
    package: Any, body: dict[str, Any], valid: bool
) -> None:
    """A discriminator on a base schema (no oneOf; subtypes extend it through allOf) is
    followed wherever the base is referenced: in a field, in an array's items and in a
    nullable allOf wrapper, validate and strict loads give openapi-schema-validator's
    verdict on the discriminated oneOf that reference means."""
    assert _enclosure_oracle().is_valid(body) is valid
    model = package.model_for("Enclosure")
    assert validate(body, model).ok is valid, validate(body, model)
    assert _loads_accepts(body, model) is valid


_REF = "#/components/schemas/"
_BASE = {"type": "object", "properties": {"k": {"type": "string"}}}


@pytest.mark.parametrize(
    ("schemas", "fields"),
    [
        (  # the mapping names the base itself: it is a branch too
            {
                "A": {
                    **_BASE,
                    "discriminator": {"propertyName": "k", "mapping": {"a": _REF + "A"}},
                },
                "B": {"allOf": [{"$ref": _REF + "A"}, {"properties": {"z": {"type": "integer"}}}]},
                "D": {"properties": {"a": {"$ref": _REF + "A"}}},
            },
            [("a", "A | B | UnsetType")],
        ),
        (  # a subtype that is a base of its own: its subtypes, at any depth, for each base
            {
                "A": {**_BASE, "discriminator": {"propertyName": "k"}},
                "B": {"allOf": [{"$ref": _REF + "A"}], "discriminator": {"propertyName": "k"}},
                "C": {"allOf": [{"$ref": _REF + "B"}]},
                "D": {"properties": {"a": {"$ref": _REF + "A"}, "b": {"$ref": _REF + "B"}}},
            },
            [("a", "B | C | UnsetType"), ("b", "C | UnsetType")],
        ),
    ],
    ids=["mapped-base", "nested-bases"],
)
def test_base_schema_unions_name_each_subtype_once(
    tmp_path: Path, schemas: dict[str, Any], fields: list[tuple[str, str]]
) -> None:
    """Where datamodel-code-generator's own type for a branch goes past the reference (it
    gave `B | B` for the union of `A` and `B`), the branch is read from the schema: each
    subtype once, the base only when the mapping names it."""
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="bases")
    classes, _ = _declared(result.files["bases/common.py"])
    assert classes["D"] == fields
    assert result.warnings == ()


#: A base with a discriminator and two subtypes, then what each case adds (YAML, so that an
#: anchor can share a node); `Holder`'s fields are checked, and bodies get one verdict.
_ZOO = """
openapi: 3.0.3
info: {title: zoo, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
      discriminator: {propertyName: petType}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          properties: {meow: {type: boolean}}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          required: [petType]
          properties: {bark: {type: boolean}}
"""
_PET_CASES = {
    "anchor": (  # one node at two places: a reference in a property and in an array
        """
    Holder:
      type: object
      properties:
        pet: &pet {$ref: '#/components/schemas/Pet'}
        pets: {type: array, items: *pet}
""",
        [("pet", "Cat | Dog | UnsetType"), ("pets", "list[Cat | Dog] | UnsetType")],
        [({"pets": [{"petType": "Dog", "bark": True}]}, True), ({"pet": {"petType": "X"}}, False)],
    ),
    "inline extension": (  # an inline object extending the base keeps the base's fields
        """
    Holder:
      type: object
      properties:
        tagged:
          allOf:
            - $ref: '#/components/schemas/Pet'
            - {type: object, properties: {extra: {type: string}}}
        described: {description: a pet, allOf: [{$ref: '#/components/schemas/Pet'}]}
""",
        [("tagged", "HolderTagged | UnsetType"), ("described", "Cat | Dog | UnsetType")],
        [
            ({"tagged": {"petType": "Cat", "extra": "x"}}, True),
            ({"tagged": {"petType": "Cat", "meow": True}}, False),
            ({"described": {"petType": "Cat", "meow": True}}, True),
        ],
    ),
    "3.1 nullable wrapper": (  # a type list with null: no subtype, and null fails Pet
        """
    OrNone:
      type: [object, "null"]
      allOf: [{$ref: '#/components/schemas/Pet'}]
    Holder:
      type: object
      properties:
        maybe: {$ref: '#/components/schemas/OrNone'}
""",
        [("maybe", "Cat | Dog | UnsetType")],
        [({"maybe": None}, False), ({"maybe": {"petType": "Cat"}}, True)],
    ),
    "nullable wrapper": (  # a component that only makes the base nullable is no subtype
        """
    MaybePet:
      nullable: true
      allOf: [{$ref: '#/components/schemas/Pet'}]
    Holder:
      type: object
      properties:
        maybe: {$ref: '#/components/schemas/MaybePet'}
""",
        [("maybe", "Cat | Dog | None | UnsetType")],
        [({"maybe": None}, True), ({"maybe": {"petType": "Cat"}}, True)],
    ),
}


@pytest.mark.parametrize("case", sorted(_PET_CASES))
def test_base_schema_references_in_every_shape(tmp_path: Path, case: str) -> None:
    """A reference to a base shared through a YAML anchor, an inline `allOf` that extends
    the base (its fields, not the union) beside one that only describes it (the union), and
    a component that only makes the base nullable: the fields as expected, and strict loads
    and validate give one verdict on each body. Dog's part requires the tag only: the
    field keeps the base's type (a string) and is narrowed to Dog's tag."""
    extra, fields, bodies = _PET_CASES[case]
    path = tmp_path / "zoo.yaml"
    path.write_text(_ZOO + extra, encoding="utf-8")
    package = "zoo_" + "".join(c if c.isalnum() else "_" for c in case)  # one per case
    result = generate(path, None, package=package)
    assert result.warnings == ()
    classes, _ = _declared(result.files[f"{package}/common.py"])
    assert classes["Holder"] == fields
    assert classes["Dog"][0] == ("petType", "DogPetType")
    write(result, tmp_path)
    holder = import_generated(tmp_path, package).model_for("Holder")
    for body, valid in bodies:
        assert validate(body, holder).ok is valid, body
        assert _loads_accepts(body, holder) is valid, body


def test_a_mapping_into_another_file(tmp_path: Path) -> None:
    """A discriminator's mapping value that names a schema in another file is brought in
    like a `$ref` (before, the tag of that schema fell back to its name)."""
    (tmp_path / "cat.yaml").write_text(
        "components:\n  schemas:\n    Cat:\n      allOf:\n"
        "        - $ref: 'main.yaml#/components/schemas/Pet'\n"
        "        - {type: object, properties: {meow: {type: boolean}}}\n",
        encoding="utf-8",
    )
    pet = {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}},
        "discriminator": {
            "propertyName": "petType",
            "mapping": {"kitty": "cat.yaml#/components/schemas/Cat"},
        },
    }
    holder = {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}}
    path = tmp_path / "main.yaml"
    path.write_text(yaml.safe_dump(_spec({"Pet": pet, "Holder": holder})), encoding="utf-8")
    result = generate(path, None, package="files")
    classes, aliases = _declared(result.files["files/common.py"])
    assert classes["Holder"] == [("pet", "Cat | UnsetType")]
    assert aliases["CatPetType"] == "Literal['kitty']"


def test_a_subtype_whose_own_enum_is_its_tag(tmp_path: Path) -> None:
    """A subtype that says its tag itself (`enum: [cat]` in its `allOf` part, the mapping
    naming it `cat`): its own enum is the tag, no second alias of the same name."""
    text = _ZOO.replace(
        "discriminator: {propertyName: petType}",
        "discriminator: {propertyName: petType, mapping: {cat: '#/components/schemas/Cat'}}",
    ).replace(
        "properties: {meow: {type: boolean}}",
        "properties: {petType: {type: string, enum: [cat]}, meow: {type: boolean}}",
    )
    path = tmp_path / "zoo.yaml"
    path.write_text(text + "    Holder: {properties: {pet: {$ref: '#/components/schemas/Pet'}}}\n")
    result = generate(path, None, package="own")
    classes, aliases = _declared(result.files["own/common.py"])
    assert classes["Cat"][0] == ("petType", "CatPetType")
    assert aliases["CatPetType"] == "Literal['cat']"


def test_a_base_schema_nothing_extends_stays_a_reference(tmp_path: Path) -> None:
    """A discriminator on a schema that no other schema extends has nothing to choose
    from: a reference to it reads it, and generate has nothing to warn about."""
    base = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}},
        "discriminator": {"propertyName": "kind"},
    }
    pen = {"type": "object", "properties": {"animal": {"$ref": "#/components/schemas/Animal"}}}
    path = write_spec(tmp_path, _spec({"Animal": base, "Pen": pen}))
    result = generate(path, None, package="zoo")
    assert result.warnings == ()
    classes, _ = _declared(result.files["zoo/common.py"])
    assert classes["Pen"] == [("animal", "Animal | UnsetType")]


def test_a_mapping_to_no_schema_is_refused(tmp_path: Path) -> None:
    """A base schema's mapping that names no component schema: one problem at the mapping
    entry, nothing written."""
    base = {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
        "discriminator": {"propertyName": "kind", "mapping": {"x": "#/components/schemas/Nope"}},
    }
    path = write_spec(tmp_path, _spec({"Animal": base}))
    with pytest.raises(SpecError) as caught:
        generate(path, None, package="zoo")
    (problem,) = caught.value.problems
    assert problem.pointer == "/components/schemas/Animal/discriminator/mapping/x"
    assert "no component schema" in problem.message


def test_a_tag_the_union_cannot_check_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A branch without the tag property, a tag its property's own enum refuses and a tag
    property that is not a string are one warning line each at their pointer; the tag
    table keeps what can be checked, so the class and schemas.json still say the same."""
    schemas = {
        "Either": {
            "oneOf": [
                {"$ref": "#/components/schemas/A"},
                {"$ref": "#/components/schemas/B"},
                {"$ref": "#/components/schemas/D"},
            ],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"a": "#/components/schemas/A", "aa": "#/components/schemas/A"},
            },
        },
        "A": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a", "z"]}}},
        "B": {"type": "object", "properties": {"other": {"type": "integer"}}},
        "Counted": {
            "oneOf": [{"$ref": "#/components/schemas/C"}],
            "discriminator": {"propertyName": "n"},
        },
        "C": {"type": "object", "properties": {"n": {"type": "integer"}}},
        # a tag typed through a string alias is narrowed like a string (no warning)
        "D": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Name"}}},
        "Name": {"type": "string", "nullable": True},  # a tag is never null all the same
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="tags")
    assert [(w.pointer, w.message) for w in result.warnings] == [
        (
            "/components/schemas/A/properties/kind",
            "the discriminator's tag 'aa' is not a value this property allows",
        ),
        (
            "/components/schemas/C/properties/n",
            "the discriminator's property is not a string here: its tag is not checked",
        ),
        (
            "/components/schemas/B",
            "a branch of a discriminated union with no property 'kind': "
            "the union does not check its tag",
        ),
    ]
    classes, aliases = _declared(result.files["tags/common.py"])
    assert aliases["AKind"] == "Literal['a']"
    assert aliases["DKind"] == "Literal['D']"
    assert ("kind", "DKind | UnsetType") in classes["D"]
    defs = json.loads(result.files["tags/schemas.json"])["$defs"]
    assert defs["A"]["properties"]["kind"]["allOf"][1] == {"enum": ["a"]}
    assert defs["C"]["properties"]["n"] == {"type": "integer"}
    code = main(
        ["generate", "--spec", str(path), "--all", "--package", "tags", "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    assert [line for line in err if "warning" in line] == [
        f"stripe-schemas: warning: {w}" for w in result.warnings
    ]
    assert generate(PETSTORE, None, package=PACKAGE).warnings == ()


def test_a_branch_class_carries_its_tag_wherever_it_is_used(tmp_path: Path) -> None:
    """The tag narrows the branch's class, not the union (the `Literal` tag field that
    datamodel-code-generator, pydantic and msgspec users expect, and that lets a type
    checker narrow `Car | Bike` on `.type`). So a `Car` used outside the union refuses a
    `Bike` tag that jsonschema on the spec's own schema accepts: a documented choice, made
    the same in strict loads and validate. A class in two unions with different tag
    properties checks both, and generate says so."""
    ref = "#/components/schemas/"
    schemas = {
        "Vehicle": {
            "oneOf": [{"$ref": ref + "Car"}, {"$ref": ref + "Bike"}],
            "discriminator": {"propertyName": "type"},
        },
        "Wheeled": {
            "oneOf": [{"$ref": ref + "Car"}],
            "discriminator": {"propertyName": "wheels", "mapping": {"four": ref + "Car"}},
        },
        "Car": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string"}, "wheels": {"type": "string"}},
        },
        "Bike": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string"}},
        },
        "Garage": {"type": "object", "properties": {"car": {"$ref": ref + "Car"}}},
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="garage")
    assert [(w.pointer, w.message) for w in result.warnings] == [
        (
            "/components/schemas/Car",
            "a branch of discriminated unions with the tag properties 'type' and 'wheels': "
            "its class checks all of them, in every union and outside them",
        )
    ]
    write(result, tmp_path)
    garage = import_generated(tmp_path, "garage").model_for("Garage")
    body = {"car": {"type": "Bike", "wheels": "four"}}
    oracle = jsonschema.Draft202012Validator(
        {
            "$ref": "#/$defs/Garage",
            "$defs": json.loads(json.dumps(schemas).replace(ref, "#/$defs/")),
        }
    )
    assert oracle.is_valid(body)  # the spec's own schema: Car's type is any string
    assert not validate(body, garage).ok
    assert not _loads_accepts(body, garage)
    good = {"car": {"type": "Car", "wheels": "four"}}
    assert validate(good, garage).ok and _loads_accepts(good, garage)


def test_a_reference_to_a_schema_that_admits_null_admits_null(tmp_path: Path) -> None:
    """GitHub's pattern: a component that is `nullable` (`nullable-simple-user`), or a 3.1
    type list with "null", or a union with a null branch, referenced from a field, an item,
    a map value and through a one-part `allOf`: `null` is a value there, in the class as in
    `schemas.json` (jsonschema reads the referenced schema; strict loads refused it)."""
    ref = "#/components/schemas/"
    schemas = {
        "User": {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"}}},
        "Tag": {"type": ["string", "null"]},
        "Anything": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
        "Issue": {
            "type": "object",
            "required": ["user", "tag", "any"],
            "properties": {
                "user": {"$ref": ref + "User"},
                "tag": {"$ref": ref + "Tag"},
                "any": {"$ref": ref + "Anything"},
                "users": {"type": "array", "items": {"$ref": ref + "User"}},
                "by_name": {"type": "object", "additionalProperties": {"$ref": ref + "User"}},
                "wrapped": {"allOf": [{"$ref": ref + "User"}]},
                # beside a 3.1 `$ref`, a type list does not let null past the reference
                "owner": {"$ref": ref + "Owner", "type": ["object", "null"]},
            },
        },
        "Owner": {"type": "object", "properties": {"id": {"type": "integer"}}},
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="nulls")
    classes, _ = _declared(result.files["nulls/common.py"])
    assert classes["Issue"] == [
        ("user", "User | None"),
        ("tag", "str | None"),
        ("any", "str | int | None"),
        ("users", "list[User | None] | UnsetType"),
        ("by_name", "dict[str, User | None] | UnsetType"),
        ("wrapped", "User | None | UnsetType"),
        ("owner", "Owner | UnsetType"),
    ]
    write(result, tmp_path)
    issue = import_generated(tmp_path, "nulls").model_for("Issue")
    body = {"user": None, "tag": None, "any": None, "users": [None], "by_name": {"a": None}}
    body["wrapped"] = None
    assert validate(body, issue).ok
    assert _loads_accepts(body, issue)
    oracle = jsonschema.Draft202012Validator(
        {"$ref": "#/$defs/Owner", "$defs": {"Owner": schemas["Owner"]}}
    )
    assert not oracle.is_valid(None)  # JSON Schema: null fails the referenced Owner
    body["owner"] = None
    assert not validate(body, issue).ok
    assert not _loads_accepts(body, issue)


def test_an_untagged_one_of_is_read_as_any_of_by_every_entry_point(tmp_path: Path) -> None:
    """Two branches of an untagged `oneOf` that one payload fits: strict loads reads it as
    the first, and validate accepts it too (`schemas.json` writes `oneOf` as `anyOf`), so
    the toolkit gives one verdict; JSON Schema's `oneOf` refuses it, a documented choice
    (the converters cannot tell the branches apart either)."""
    ref = "#/components/schemas/"
    schemas = {
        "A": {
            "type": "object",
            "properties": {"a": {"type": "string"}, "n": {"type": "integer"}},
            "additionalProperties": False,
        },
        "B": {
            "type": "object",
            "properties": {"b": {"type": "string"}, "n": {"type": "integer"}},
            "additionalProperties": False,
        },
        "Holder": {
            "type": "object",
            "properties": {"x": {"oneOf": [{"$ref": ref + "A"}, {"$ref": ref + "B"}]}},
        },
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="either")
    write(result, tmp_path)
    holder = import_generated(tmp_path, "either").model_for("Holder")
    both, one = {"x": {"n": 1}}, {"x": {"b": "y"}}
    text = json.dumps(schemas).replace(ref, "#/$defs/")
    oracle = jsonschema.Draft202012Validator({"$ref": "#/$defs/Holder", "$defs": json.loads(text)})
    assert not oracle.is_valid(both) and oracle.is_valid(one)
    for body in (both, one):
        assert validate(body, holder).ok
        assert _loads_accepts(body, holder)
    assert type(loads(json.dumps(both), holder).x).__name__ == "A"
    assert not validate({"x": {"c": 1}}, holder).ok  # still one branch must fit


#: Schemas on the edge of admitting null (OpenAPI 3.1), each a component that `Holder`
#: refers to, with the verdict JSON Schema gives `null` there (`schemas.json` reads it so).
_NULL_EDGES = {
    # extends a nullable component and adds properties: every keyword lets null through
    "Extends": ({"allOf": [{"$ref": "#/components/schemas/Maybe"}], "properties": {}}, True),
    # an object type beside branches that admit null: the type refuses it
    "Typed": ({"type": "object", "anyOf": [{"$ref": "#/components/schemas/Maybe"}]}, False),
    # a type list with null, but an enum without it: the enum refuses it
    "Colour": ({"type": ["string", "null"], "enum": ["red", "blue"]}, False),
    # an enum that lists null (no type)
    "Shade": ({"enum": ["red", None]}, True),
    # a type list with null beside an allOf whose part refuses it
    "Boxed": ({"type": ["object", "null"], "allOf": [{"$ref": "#/components/schemas/Box"}]}, False),
}


@pytest.mark.parametrize("key", sorted(_NULL_EDGES))
def test_null_on_the_edge_gets_one_verdict(tmp_path: Path, key: str) -> None:
    """The classes' `| None` and `schemas.json` read `null` by one rule
    (`schema_reading.admits_null`), and it is JSON Schema's: checked against jsonschema,
    validate and strict loads."""
    ref = "#/components/schemas/"
    schema, admits = _NULL_EDGES[key]
    schemas = {
        "Maybe": {"type": ["object", "null"], "properties": {"a": {"type": "string"}}},
        "Box": {"type": "object", "properties": {"b": {"type": "string"}}},
        key: schema,
        "Holder": {"type": "object", "properties": {"x": {"$ref": ref + key}}},
    }
    text = json.dumps(schemas).replace(ref, "#/$defs/")
    oracle = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{key}", "$defs": json.loads(text)})
    assert oracle.is_valid(None) is admits
    path = write_spec(tmp_path, _spec(schemas))
    package = f"edge_{key.lower()}"
    result = generate(path, None, package=package)
    write(result, tmp_path)
    holder = import_generated(tmp_path, package).model_for("Holder")
    assert validate({"x": None}, holder).ok is admits
    assert _loads_accepts({"x": None}, holder) is admits


def test_an_untyped_object_schema_holds_objects_only(tmp_path: Path) -> None:
    """A schema with `properties` and no `type` is a class, which holds objects only; its
    `schemas.json` definition says `type: object` too, so `null` or a string there is refused
    by validate as by strict loads (JSON Schema alone would let any non-object past it)."""
    schemas = {
        "Loose": {"properties": {"a": {"type": "string"}}},
        "Holder": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Loose"}}},
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="loose")
    assert json.loads(result.files["loose/schemas.json"])["$defs"]["Loose"]["type"] == "object"
    write(result, tmp_path)
    holder = import_generated(tmp_path, "loose").model_for("Holder")
    for body, valid in (({"x": {"a": "1"}}, True), ({"x": None}, False), ({"x": "s"}, False)):
        assert validate(body, holder).ok is valid, body
        assert _loads_accepts(body, holder) is valid, body


def test_unions_of_arrays_and_limited_strings_get_one_verdict(tmp_path: Path) -> None:
    """An array that fits the second of two array branches, a string longer than the
    `maxLength` of one string branch but not of the other, a `maxLength` on the only string
    branch of an array's items, a `oneOf` beside an `anyOf`: strict loads and validate agree
    (loads tried only the first array branch, held both string branches to one branch's
    limit, or skipped the limit inside a union)."""
    schemas = {
        "Holder": {
            "type": "object",
            "properties": {
                "arrays": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "integer"}},
                        {"type": "array", "items": {"type": "string"}},
                    ]
                },
                "texts": {"oneOf": [{"type": "string", "maxLength": 2}, {"type": "string"}]},
                "short": {
                    "type": "array",
                    "items": {"oneOf": [{"type": "string", "maxLength": 2}, {"type": "integer"}]},
                },
                "floats": {"type": "array", "items": {"type": "number"}},
                "both": {
                    "anyOf": [{"type": "object"}],
                    "oneOf": [
                        {"type": "object", "properties": {"a": {"type": "string"}}},
                        {"type": "object", "properties": {"b": {"type": "string"}}},
                    ],
                },
            },
        }
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="unions")
    write(result, tmp_path)
    holder = import_generated(tmp_path, "unions").model_for("Holder")
    for body, valid in (
        ({"arrays": ["x"]}, True),
        ({"arrays": [1, "x"]}, False),
        ({"texts": "abc"}, True),
        ({"short": ["ab", 3]}, True),
        ({"short": ["abc"]}, False),
        ({"both": {}}, True),
    ):
        assert validate(body, holder).ok is valid, body
        assert _loads_accepts(body, holder) is valid, body
    from stripe_schemas import dumps

    huge = {"floats": [1.5, 10**400]}  # a number no float holds is still a JSON number
    assert json.loads(dumps(loads(json.dumps(huge), holder))) == huge
    with pytest.raises(ValueError, match="holds the float nan"):
        dumps(holder(floats=[1.5, math.nan]))


def test_a_required_only_part_leaves_a_write_only_property_optional(tmp_path: Path) -> None:
    """A subtype's `allOf` part that lists a base's `writeOnly` property in `required` does
    not make the response class require it (as `schemas.json` does not)."""
    ref = "#/components/schemas/"
    schemas = {
        "Base": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "secret": {"type": "string", "writeOnly": True},
            },
        },
        "Sub": {"allOf": [{"$ref": ref + "Base"}, {"required": ["name", "secret"]}]},
    }
    path = write_spec(tmp_path, _spec(schemas))
    result = generate(path, None, package="wo")
    write(result, tmp_path)
    sub = import_generated(tmp_path, "wo").model_for("Sub")
    for body, valid in (({"name": "x"}, True), ({}, False)):
        assert validate(body, sub).ok is valid
        assert _loads_accepts(body, sub) is valid


def test_an_annotation_part_of_an_allof_shapes_nothing_in_either_engine(tmp_path: Path) -> None:
    """An `allOf` part that only describes (`readOnly`, `default`, …) is skipped by the
    classes and by `schemas.json` alike, so the composed object is one object in both:
    strict loads and validate accept its fields and refuse another key."""
    schemas = {
        "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
        "Thing": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"c": {"type": "integer"}}},
                {"readOnly": True, "default": {}},
            ]
        },
    }
    out = tmp_path / "out"
    write(generate(write_spec(tmp_path, _spec(schemas)), None, package="parts"), out)
    thing = import_generated(out, "parts").model_for("Thing")
    for body, valid in (({"a": "x", "c": 1}, True), ({"a": "x", "d": 1}, False)):
        assert validate(body, thing).ok is valid
        assert _loads_accepts(body, thing) is valid
