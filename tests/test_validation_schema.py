"""Schema layer: the OpenAPI → JSON Schema translation, fast vs reference engines, anyOf causes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from _reference import reference_is_valid
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench.payloads import EXPANDED, PAYLOADS, REPORT, VERIFIED
from stripe_codegen.jsonschema_out import TranslationError, def_ref, dumps, to_json_schema
from stripe_codegen.loader import load_spec
from stripe_schemas.model import load_default_document
from stripe_schemas.strategies import (
    from_schema,
    mutations,
    verification_reports,
    verification_sessions,
)
from stripe_schemas.validation import Validator, default_validator, validate
from stripe_schemas.validation._classify import classify

from conftest import ROOT

SESSION = "identity.verification_session"
REPORT_KEY = "identity.verification_report"
COMMITTED = ROOT / "generated" / "stripe_models" / "schemas.json"
#: Codes only the schema layer (and input vetting) reports.
SCHEMA_CODES = frozenset(
    {
        "type_mismatch",
        "null_not_allowed",
        "missing_required",
        "unknown_field",
        "unknown_enum_value",
        "max_length",
        "invalid_format",
        "wrong_object_tag",
        "schema_violation",
        "invalid_json",
        "input_limit",
    }
)
SLOW = settings(suppress_health_check=list(HealthCheck), deadline=None)


def closure(schemas: dict[str, Any], root: str) -> set[str]:
    """Every schema key reachable from ``root`` through ``$ref``."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        stack: list[Any] = [schemas[key]]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    todo.append(ref.rsplit("/", 1)[-1])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return seen


def translate(schemas: dict[str, Any]) -> dict[str, Any]:
    return to_json_schema(schemas, schemas, api_version="2099-01-01", source_sha256="0" * 64)


# --- translation rules ------------------------------------------------------------------


def test_nullable_admits_null_on_every_kind_of_schema() -> None:
    """`nullable` adds "null" to type, None to enum, a null branch to anyOf, and wraps a bare $ref."""
    doc = translate(
        {
            "a": {
                "type": "object",
                "properties": {
                    "s": {"type": "string", "nullable": True, "maxLength": 3},
                    "e": {"type": "string", "enum": ["x", "y"], "nullable": True},
                    "u": {"anyOf": [{"$ref": "#/components/schemas/b"}], "nullable": True},
                    "r": {"$ref": "#/components/schemas/b", "nullable": True},
                    "n": {"type": "integer"},
                },
            },
            "b": {"type": "object", "properties": {}},
        }
    )
    props = doc["$defs"]["a"]["properties"]
    assert props["s"] == {"type": ["string", "null"], "maxLength": 3}
    assert props["e"] == {"type": ["string", "null"], "enum": ["x", "y", None]}
    assert props["u"] == {"anyOf": [{"$ref": "#/$defs/b"}, {"type": "null"}]}
    assert props["r"] == {"anyOf": [{"$ref": "#/$defs/b"}, {"type": "null"}]}
    assert props["n"] == {"type": "integer"}
    for value, ok in [(None, True), ("x", True), ("z", False)]:
        instance = {"e": value}
        valid = jsonschema.Draft202012Validator({**doc, "$ref": "#/$defs/a"}).is_valid(instance)
        assert valid is ok


def test_bypass_validation_moves_enum_to_annotation() -> None:
    """An enum marked x-stripeBypassValidation is not asserted; its values stay as x-enum."""
    doc = translate(
        {
            "a": {
                "type": "object",
                "properties": {
                    "c": {"type": "string", "enum": ["red"], "x-stripeBypassValidation": True}
                },
            }
        }
    )
    prop = doc["$defs"]["a"]["properties"]["c"]
    assert "enum" not in prop
    assert prop["x-enum"] == ["red"]
    assert prop["x-stripeBypassValidation"] is True


def test_prose_and_generator_hints_are_dropped() -> None:
    """description/title/x-expandableFields/x-expansionResources never reach the output."""
    doc = translate(
        {
            "a": {
                "type": "object",
                "title": "A title",
                "description": "Long prose",
                "x-expandableFields": ["b"],
                "x-resourceId": "thing.a",
                "properties": {
                    "t": {"type": "integer", "format": "unix-time", "description": "When"},
                    "b": {
                        "anyOf": [{"type": "string"}],
                        "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/a"}]},
                    },
                },
            }
        }
    )
    text = dumps(doc)
    for word in ("description", "title", "x-expandableFields", "x-expansionResources", "Prose"):
        assert word not in text
    assert doc["$defs"]["a"]["properties"]["t"] == {"type": "integer", "format": "unix-time"}
    assert doc["x-resources"] == {"thing.a": "a"}
    assert doc["$defs"]["a"]["x-resourceId"] == "thing.a"


def test_refs_to_keys_with_dots_slashes_and_tildes_resolve() -> None:
    """$ref targets are escaped JSON pointers; both engines resolve them."""
    schemas = {
        "root.x": {
            "type": "object",
            "properties": {
                "d": {"$ref": "#/components/schemas/has.dot"},
                "s": {"$ref": "#/components/schemas/has~1slash~0tilde"},
            },
        },
        "has.dot": {"type": "integer"},
        "has/slash~tilde": {"type": "string"},
    }
    doc = translate(schemas)
    assert def_ref("has/slash~tilde") == "#/$defs/has~1slash~0tilde"
    root = {**doc, "$ref": def_ref("root.x")}
    assert jsonschema.Draft202012Validator(root).is_valid({"d": 1, "s": "x"})
    assert not jsonschema.Draft202012Validator(root).is_valid({"d": "1"})
    rs = jsonschema_rs.validator_for(root)
    assert rs.is_valid({"d": 1, "s": "x"})
    assert not rs.is_valid({"s": 2})


def test_reference_outside_the_keys_is_an_error() -> None:
    """A closure that misses a referenced schema is refused, naming the missing key."""
    schemas = {"a": {"$ref": "#/components/schemas/b"}, "b": {"type": "string"}}
    with pytest.raises(TranslationError, match="outside the translated schemas: b"):
        to_json_schema(schemas, ["a"], api_version="v", source_sha256="s")
    with pytest.raises(TranslationError, match="nope"):
        to_json_schema(schemas, ["nope"], api_version="v", source_sha256="s")


def test_translation_is_deterministic_whatever_the_input_order() -> None:
    """Shuffled keys and properties give the same bytes."""
    a = {"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}}
    b = {"type": "object", "properties": {"y": {"type": "integer"}, "x": {"type": "string"}}}
    one = dumps(translate({"k1": a, "k2": {"type": "string"}}))
    two = dumps(translate({"k2": {"type": "string"}, "k1": b}))
    assert one == two
    assert one.endswith("}\n")


@pytest.mark.parametrize(
    ("spec_file", "package", "count"),
    [
        ("stripe-identity.yaml", "stripe_models", 35),
        ("stripe-identity-2023-08-16.yaml", "stripe_models_2023_08_16", 26),
    ],
)
def test_committed_document_is_the_translation_of_the_bundled_spec(
    spec_file: str, package: str, count: int
) -> None:
    """Each bundled package's schemas.json equals to_json_schema of its spec slice (the
    session's and the event's closure: 35 schemas in 2026-09-30.endive, 26 in 2023-08-16)."""
    spec = load_spec(ROOT / "spec" / spec_file)
    committed = ROOT / "generated" / package / "schemas.json"
    keys = closure(spec.schemas, SESSION) | closure(spec.schemas, "event")
    assert len(keys) == count
    doc = to_json_schema(
        spec.schemas,
        keys,
        api_version=spec.api_version,
        source_sha256=json.loads(committed.read_text())["x-spec-sha256"],
    )
    assert dumps(doc) == committed.read_text(encoding="utf-8")


def test_committed_document_is_a_valid_2020_12_schema() -> None:
    """The committed document passes the 2020-12 metaschema and names both identity resources."""
    doc = load_default_document()
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["x-resources"] == {SESSION: SESSION, REPORT_KEY: REPORT_KEY, "event": "event"}
    assert "description" not in COMMITTED.read_text()


@pytest.mark.realdata
@pytest.mark.slow
def test_all_819_schemas_translate_and_compile(pinned_spec_path: Path) -> None:
    """--all: every schema of the pinned spec translates, is meta-valid, and compiles in both engines."""
    spec = load_spec(pinned_spec_path)
    doc = to_json_schema(
        spec.schemas, spec.schemas, api_version=spec.api_version, source_sha256=spec.sha256
    )
    assert len(doc["$defs"]) == 819
    jsonschema.Draft202012Validator.check_schema(doc)
    validator = Validator(doc)
    for key in ("charge", "customer", SESSION):
        checker = validator.compiled(key).checker
        assert checker.is_valid is not None
    assert validator.validate(VERIFIED).ok
    assert dumps(doc) == dumps(
        to_json_schema(
            dict(reversed(spec.schemas.items())),
            sorted(spec.schemas),
            api_version=spec.api_version,
            source_sha256=spec.sha256,
        )
    )


@pytest.mark.realdata
@pytest.mark.slow
def test_all_document_engines_agree_on_every_2023_fixture(
    pinned_spec_path: Path, fixtures_2023: dict[str, Any]
) -> None:
    """With the --all document, jsonschema-rs and jsonschema give the same verdict on each fixture."""
    spec = load_spec(pinned_spec_path)
    doc = to_json_schema(
        spec.schemas, spec.schemas, api_version=spec.api_version, source_sha256=spec.sha256
    )
    validator = Validator(doc)
    checked = 0
    for resource, payload in fixtures_2023.items():
        key = doc["x-resources"].get(resource)
        if key is None:
            continue
        checker = validator.compiled(key).checker
        assert checker.is_valid(payload) == reference_is_valid(key, payload, doc), resource
        report = validator.validate(payload, key, mode="lenient")
        assert all(i.code for i in report.issues)
        checked += 1
    assert checked > 100


# --- fast path vs reference path --------------------------------------------------------


def _checker(key: str) -> Any:
    return default_validator().compiled(key).checker


@pytest.mark.parametrize("key", [SESSION, REPORT_KEY])
@SLOW
@given(data=st.data())
def test_generated_payloads_are_valid_for_both_engines(key: str, data: st.DataObject) -> None:
    """Payloads drawn from the schema pass the fast path and the reference engine alike."""
    payload = data.draw(from_schema(key))
    checker = _checker(key)
    assert checker.is_valid(payload)
    assert reference_is_valid(key, payload)


@pytest.mark.parametrize("key", [SESSION, REPORT_KEY])
@SLOW
@given(data=st.data())
def test_engines_agree_on_mutated_payloads(key: str, data: st.DataObject) -> None:
    """For one-step mutations of valid payloads, fast and reference verdicts are the same."""
    payload, how = data.draw(from_schema(key).flatmap(mutations))
    checker = _checker(key)
    fast = checker.is_valid(payload)
    assert fast == reference_is_valid(key, payload), how
    report = validate(payload, key)
    schema_errors = [i for i in report.errors if i.code in SCHEMA_CODES]
    assert bool(schema_errors) == (not fast), how
    assert bool(classify(checker.reference_faults(payload), "strict")) == (not fast)


@SLOW
@given(data=st.data())
def test_lenient_notices_match_the_reference(data: st.DataObject) -> None:
    """When only notices remain, jsonschema-rs's faults classify exactly like jsonschema's."""
    payload, _ = data.draw(from_schema(SESSION).flatmap(mutations))
    checker = _checker(SESSION)
    assume(not checker.is_valid(payload) and checker.lenient_is_valid(payload))
    fast = classify(checker.fast_faults(payload), "lenient")
    reference = classify(checker.reference_faults(payload), "lenient")
    assert [(i.path, i.code, i.severity) for i in fast] == [
        (i.path, i.code, i.severity) for i in reference
    ]
    assert all(i.severity == "notice" for i in fast)


@pytest.mark.parametrize("mode", ["strict", "lenient"])
@settings(SLOW, max_examples=150)
@given(data=st.data())
def test_the_error_path_reports_what_the_reference_engine_finds(
    mode: str, data: st.DataObject
) -> None:
    """The detailed path reads jsonschema-rs's error list (the reference engine only runs on
    values jsonschema-rs refuses): on realistic payloads with one or two mutations, its issues
    (pointers, codes, severities and messages, the real cause inside a failed anyOf included)
    are the ones the reference engine's errors give."""
    base = data.draw(
        st.one_of(verification_sessions(now=1_790_000_000), verification_reports(now=1_790_000_000))
    )
    payload, how = data.draw(mutations(base))
    if data.draw(st.booleans()):
        payload, more = data.draw(mutations(payload))
        how = f"{how}, {more}"
    validator = default_validator()
    key = validator.key_for(base)
    assert key is not None
    compiled = validator.compiled(key)
    reference = classify(compiled.checker.reference_faults(payload), mode)
    assert validator.schema_issues(compiled, payload, mode) == reference, how


@pytest.mark.parametrize("payload", [*PAYLOADS.values(), REPORT], ids=[*PAYLOADS, "report"])
def test_bench_payloads_take_the_fast_path(payload: dict[str, Any]) -> None:
    """Valid payloads get the shared ok report without the reference engine running."""
    validator = Validator()
    first = validator.validate(payload)
    assert first.ok and not first.issues
    compiled = validator.compiled(first.model or "")
    compiled.checker._reference = None
    assert validator.validate(payload) is first
    assert compiled.checker._reference is None


# --- anyOf: the real cause --------------------------------------------------------------


def test_any_of_names_the_cause_inside_the_matching_branch() -> None:
    """An unknown field inside a nullable object is reported at its own path, not as anyOf."""
    payload = copy.deepcopy(VERIFIED)
    payload["last_error"] = {"code": None, "reason": None, "extra": 1}
    payload["verified_outputs"]["address"]["zip"] = "N1"
    report = validate(payload)
    assert [(i.path, i.code) for i in report.errors] == [
        ("/last_error/extra", "unknown_field"),
        ("/verified_outputs/address/zip", "unknown_field"),
    ]
    assert not any("any of" in i.message for i in report.issues)


def test_any_of_without_a_matching_type_lists_the_accepted_types() -> None:
    """A value of no branch's type is one type_mismatch naming every accepted type."""
    payload = copy.deepcopy(VERIFIED)
    payload["last_error"] = 7
    payload["last_verification_report"] = 12
    report = validate(payload)
    by_path = {i.path: i for i in report.errors}
    assert by_path["/last_error"].code == "type_mismatch"
    assert "object or null" in by_path["/last_error"].message
    assert "string, object or null" in by_path["/last_verification_report"].message


def test_any_of_picks_the_expanded_object_branch_for_an_object() -> None:
    """An expanded report with a bad field is reported inside the report, not as 'not a string'."""
    payload = copy.deepcopy(EXPANDED)
    payload["last_verification_report"]["document"]["dob"]["day"] = "ten"
    del payload["last_verification_report"]["created"]
    report = validate(payload)
    assert [(i.path, i.code) for i in report.errors] == [
        ("/last_verification_report/created", "missing_required"),
        ("/last_verification_report/document/dob/day", "type_mismatch"),
    ]


def test_any_of_string_branch_reports_max_length() -> None:
    """A too-long report ID is a max_length error, not a union failure."""
    payload = copy.deepcopy(VERIFIED)
    payload["last_verification_report"] = "vr_" + "x" * 6000
    report = validate(payload)
    assert [(i.path, i.code) for i in report.errors] == [
        ("/last_verification_report", "max_length")
    ]


@pytest.mark.parametrize(
    "metadata",
    [
        {"01": ["a"], "000000000000": ["b"]},  # keys jsonschema-rs reports as numbers
        {"1": ["a"], "01": ["b"]},  # two keys it reports as the same number
    ],
    ids=["numeric-looking", "ambiguous"],
)
def test_a_key_that_reads_as_a_number_keeps_its_spelling(metadata: dict[str, Any]) -> None:
    """jsonschema-rs reports the path of `metadata["01"]` as `/metadata/1`: the issues
    name the key as the payload spells it (found again in the payload, or, when two keys
    read as one number, taken from the reference engine), as jsonschema's do."""
    payload = {**copy.deepcopy(VERIFIED), "metadata": metadata}
    validator = default_validator()
    key = validator.key_for(payload)
    assert key is not None
    compiled = validator.compiled(key)
    found = validator.schema_issues(compiled, payload, "strict")
    assert sorted(issue.path for issue in found) == sorted(f"/metadata/{k}" for k in metadata)
    assert found == classify(compiled.checker.reference_faults(payload), "strict")
    assert sorted(i.path for i in validate(payload).errors) == sorted(
        f"/metadata/{k}" for k in metadata
    )
