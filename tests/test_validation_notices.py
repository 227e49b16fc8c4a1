"""Lenient notices from a walk of the payload (``validation/_notices.py``), not from an error list.

The oracle is the detailed path (``Validator.detailed``: the engines' error lists, then the
rules' findings), which always runs in full. On every payload the walk answers for, its
report is exactly the detailed path's; on the payloads a newer API version sends, it answers.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.payloads import EXPANDED, VERIFIED
from stripe_schemas.strategies import (
    lenient_verification_reports,
    lenient_verification_sessions,
    verification_reports,
    verification_sessions,
)
from stripe_schemas.validation import Validator, validate, validator_for_version
from stripe_schemas.validation import _compile as compile_module
from stripe_schemas.validation import _schema as schema_module
from stripe_schemas.validation._classify import classify
from stripe_schemas.validation._report import Report

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
API_2023 = "2023-08-16"

Payload = dict[str, Any]


def _key(payload: Payload) -> str:
    return SESSION if payload["object"] == SESSION else REPORT


def _detailed(validator: Validator, payload: Payload, key: str | None = None) -> Report:
    """The oracle: every issue from the engines' error lists and the rules' probes."""
    compiled = validator.compiled(key or _key(payload))
    return validator.detailed(compiled, payload, "lenient", [])


def _walked(validator: Validator, payload: Payload, key: str | None = None) -> Report | None:
    """The notices path alone (None: it did not answer)."""
    return validator.notices_only(key or _key(payload))(payload)


def _same(validator: Validator, payload: Payload, key: str) -> None:
    """The lenient report of ``payload`` read as ``key`` is the detailed path's, by either
    entry (the ``object`` tag, or the model named)."""
    expected = _detailed(validator, copy.deepcopy(payload), key)
    assert validator.validate(payload, key, mode="lenient").issues == expected.issues
    if payload.get("object") == key:
        assert validator.validate(payload, mode="lenient").issues == expected.issues
    walked = _walked(validator, payload, key)
    if walked is not None:
        assert walked.issues == expected.issues
        assert walked.ok and expected.ok


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    payload=st.one_of(
        lenient_verification_sessions(now=1_790_000_000),
        lenient_verification_reports(now=1_790_000_000),
    )
)
def test_a_newer_versions_payload_gets_the_detailed_paths_notices_from_the_walk(
    payload: Payload,
) -> None:
    """Sessions and reports as a newer version sends them (unknown fields and enum values):
    the walk answers, with exactly the detailed path's report."""
    validator = Validator()
    expected = _detailed(validator, copy.deepcopy(payload))
    walked = _walked(validator, payload)
    if expected.issues and all(i.severity == "notice" for i in expected.issues):
        assert walked is not None, "the walk gave up on a payload with notices only"
    if walked is not None:
        assert walked.issues == expected.issues
    assert validator.validate(payload, mode="lenient").issues == expected.issues


#: Keys an unknown field may have: pointer escapes, non-ASCII, a long one, a secret's name.
_KEYS = st.sampled_from(
    ["new_field", "a/b", "m~n", "~1", "", "é-ü", "x" * 300, "client_secret", "email", "0"]
)
#: Values an unknown field may hold, JSON or not (the walk gives up on what is not JSON).
_VALUES = st.sampled_from(
    [
        None,
        "text",
        3,
        1.5,
        True,
        [],
        {},
        {"nested": [1, {"deep": "x"}]},
        math.nan,
        2**80,
        {1: "non-string key"},
        ("a", "tuple"),
    ]
)


def _objects(
    value: Any, path: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every object in a payload, with its path (metadata included: it is open)."""
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    if isinstance(value, dict):
        found.append((path, value))
        for key, sub in value.items():
            found.extend(_objects(sub, (*path, key)))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found.extend(_objects(sub, (*path, index)))
    return found


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    payload=st.one_of(
        verification_sessions(now=1_790_000_000), verification_reports(now=1_790_000_000)
    ),
    data=st.data(),
)
def test_hostile_unknown_fields_get_the_detailed_paths_report(
    payload: Payload, data: st.DataObject
) -> None:
    """Unknown fields anywhere (odd keys, values JSON cannot hold), unknown enum values and
    broken values: the lenient report is the detailed path's, whichever path gave it."""
    payload = copy.deepcopy(payload)
    key = _key(payload)
    objects = _objects(payload)
    for _ in range(data.draw(st.integers(1, 3))):
        _, target = data.draw(st.sampled_from(objects))
        target[data.draw(_KEYS)] = data.draw(_VALUES)
    if data.draw(st.booleans()):
        _, target = data.draw(st.sampled_from(objects))
        fields = sorted(k for k in target if isinstance(k, str))
        if fields:
            target[data.draw(st.sampled_from(fields))] = data.draw(
                st.sampled_from(["brand_new_value", 7, None, {"x": 1}, ["y"]])
            )
    _same(Validator(), payload, key)


def test_the_notices_do_not_come_from_an_engines_error_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With both engines' error lists and the rules' probes unavailable, a newer version's
    session still gets its notices, with their pointers: they come from the walk."""
    newer = copy.deepcopy(EXPANDED)
    newer["hosted_flow_theme"] = "dark"
    newer["verified_outputs"]["nickname"] = "Ada"
    newer["last_verification_report"]["document"]["hologram"] = {"status": "verified"}
    newer["options"]["document"]["allowed_types"].append("residence_permit")
    validator = Validator()
    expected = _detailed(validator, copy.deepcopy(newer))

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the notices path asked for an error list")

    monkeypatch.setattr(schema_module.SchemaChecker, "fast_faults", unavailable)
    monkeypatch.setattr(schema_module.SchemaChecker, "reference_faults", unavailable)
    monkeypatch.setattr(compile_module.KeyRules, "findings", unavailable)
    report = Validator().validate(newer, mode="lenient")
    assert report.issues == expected.issues
    assert [(i.path, i.code, i.severity) for i in report.issues] == [
        ("/hosted_flow_theme", "unknown_field", "notice"),
        ("/last_verification_report/document/hologram", "unknown_field", "notice"),
        ("/options/document/allowed_types/2", "unknown_enum_value", "notice"),
        ("/verified_outputs/nickname", "unknown_field", "notice"),
    ]
    assert Validator().validate(newer, SESSION, mode="lenient").issues == expected.issues


def test_a_rule_broken_beside_an_unknown_field_still_takes_the_detailed_path() -> None:
    """The walk only answers for a payload that passes the lenient check with the rules: a
    verified session that keeps its client_secret is still an error in lenient mode."""
    broken = {**VERIFIED, "client_secret": "vs_1_secret_x", "hosted_flow_theme": "dark"}
    validator = Validator()
    assert _walked(validator, broken) is None
    report = validate(broken, mode="lenient")
    assert "stored_secret" in report.codes()
    assert ("/hosted_flow_theme", "unknown_field") in {(i.path, i.code) for i in report.issues}
    assert report.issues == _detailed(validator, broken).issues


def test_repeated_notices_share_a_report_and_the_memory_is_bounded() -> None:
    """A stream of one newer version repeats its notices: the report is built once. Distinct
    unknown keys without end are not all remembered."""
    validator = Validator()
    newer = {**VERIFIED, "hosted_flow_theme": "dark"}
    first = validator.validate(newer, mode="lenient")
    assert validator.validate(dict(newer), mode="lenient") is first
    path = validator.notices_only(SESSION)
    for index in range(1000):
        assert path({**VERIFIED, f"field_{index}": 1}) is not None
    kept = next(
        cell.cell_contents
        for cell in path.__closure__ or ()
        if isinstance(cell.cell_contents, dict)
    )
    assert 0 < len(kept) <= 256


def test_the_2026_fixtures_read_as_2023_get_the_detailed_paths_notices(
    fixtures_2026: dict[str, Any],
) -> None:
    """Stripe's own 2026 objects checked against the 2023 models: notices only, from the walk,
    the same as the detailed path's."""
    validator = validator_for_version(API_2023)
    for key in (SESSION, REPORT):
        payload = fixtures_2026[key]
        expected = _detailed(validator, copy.deepcopy(payload))
        assert expected.issues and all(i.severity == "notice" for i in expected.issues)
        walked = _walked(validator, payload)
        assert walked is not None
        assert walked.issues == expected.issues
        assert validate(payload, mode="lenient", api_version=API_2023).issues == expected.issues


# --- schemas beyond the bundled ones: what the walk must not get wrong ------------------------

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _document(defs: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$defs": defs, "x-resources": {name: name for name in defs}}


def _agree(validator: Validator, key: str, payload: Any) -> Report:
    """The lenient report (by whichever path) is the detailed path's; the strict schema issues
    from jsonschema-rs's error list are the reference engine's."""
    compiled = validator.compiled(key)
    expected = validator.detailed(compiled, copy.deepcopy(payload), "lenient", [])
    got = validator.validate(payload, key, mode="lenient")
    assert got.issues == expected.issues
    reference = classify(compiled.checker.reference_faults(payload), "strict")
    assert validator.schema_issues(compiled, payload, "strict") == reference
    return got


THING = {
    "type": "object",
    "properties": {
        "object": {"type": "string", "enum": ["thing"]},
        "choice": {
            "anyOf": [
                {"type": ["string", "null"], "enum": ["a", None]},
                {"$ref": "#/$defs/part"},
            ]
        },
        "items": {
            "type": "array",
            "items": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer"}]},
        },
        "maybe": {"type": ["string", "null"], "enum": ["x", "y"]},
        "number": {"enum": [1, 2]},
        "pair": {"type": ["string", "integer"]},
        "count": {"type": "integer", "minimum": 3},
        "part": {"$ref": "#/$defs/part"},
    },
    "required": ["object"],
}
PART = {"type": "object", "properties": {"name": {"type": "string"}}}


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "thing", "new": 1},  # an optional anyOf field (with a walk for null) absent
        {"object": "thing", "choice": "b"},
        {"object": "thing", "choice": {"name": "n", "extra": 1}},
        {"object": "thing", "items": ["a", 5, "b"], "new": 1},  # 5: the integer branch
        {"object": "thing", "maybe": None, "new": 1},  # null: the type takes it, the enum not
        {"object": "thing", "number": 1.0, "new": 1},  # 1.0 is 1 in JSON Schema
        {"object": "thing", "number": 3.0, "new": 1},
        {"object": "thing", "number": True, "new": 1},
        {"object": "thing", "pair": [1], "count": 1},  # the schema's type order, the limit
        {"object": "thing", "part": {"name": "n", "new": 1}, "new": 1},
    ],
)
def test_the_walk_agrees_with_the_detailed_path_on_a_schema_of_its_own(payload: Payload) -> None:
    """anyOf dispatch by type (an absent field, an integer beside a string enum), an enum that
    does not list the null its type takes, JSON Schema's number equality, and the messages of
    jsonschema-rs's errors (type lists in the schema's order, limits)."""
    _agree(Validator(_document({"thing": THING, "part": PART})), "thing", payload)


def test_subclasses_of_dict_and_list_are_left_to_the_detailed_path() -> None:
    """jsonschema-rs reads a dict or list subclass as JSON; the walk dispatches by exact type,
    so it gives up on one rather than miss what is inside."""
    from collections import OrderedDict

    newer = copy.deepcopy(VERIFIED)
    newer["hosted_flow_theme"] = "dark"
    newer["redaction"] = OrderedDict(status="processing", extra_x=1)
    validator = Validator()
    assert _walked(validator, newer) is None
    report = validator.validate(newer, mode="lenient")
    assert ("/redaction/extra_x", "unknown_field") in {(i.path, i.code) for i in report.issues}
    assert report.issues == _detailed(validator, newer).issues


def test_a_cycle_through_a_schema_the_walk_cannot_read_is_not_half_remembered() -> None:
    """a → b → a, where a uses a keyword the walk does not model after b (so b's walk was
    compiled, naming a): validating a, then b (which holds an a), raises nothing and agrees
    with the detailed path."""
    a = {
        "type": "object",
        "properties": {"b": {"$ref": "#/$defs/b"}, "c": {"not": {"type": "null"}}},
    }
    b = {"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}}
    validator = Validator(_document({"a": a, "b": b}))
    _agree(validator, "a", {"b": {"a": {}, "new": 1}})
    _agree(validator, "b", {"a": {"b": {"new": 1}}, "new": 1})


def test_no_value_where_personal_data_sits_is_remembered() -> None:
    """An unknown enum value under verified_outputs (personal data) is not kept: its report
    is built each time. Unknown fields and an unknown enum value elsewhere are remembered."""
    validator = Validator()
    path = validator.notices_only(SESSION)
    newer = copy.deepcopy(VERIFIED)
    newer["verified_outputs"]["id_number_type"] = "xx_secret_kind"
    newer["hosted_flow_theme"] = "dark"
    assert path(newer) is not None
    kept = next(
        c.cell_contents for c in path.__closure__ or () if isinstance(c.cell_contents, dict)
    )
    assert "xx_secret_kind" not in repr(kept)
    assert path(newer) is not path(newer)
    fields_only = {**VERIFIED, "hosted_flow_theme": "dark"}
    assert path(fields_only) is path(dict(fields_only))
    new_value = {**fields_only, "redaction": {"status": "archived"}}
    assert [i.code for i in path(new_value).issues] == ["unknown_field", "unknown_enum_value"]  # type: ignore[union-attr]
    assert path(new_value) is path(copy.deepcopy(new_value))


def test_equal_looking_enum_values_of_other_types_get_their_own_reports() -> None:
    """3, 3.0 and true are one key for a dict, not for the report cache: each report describes
    its own value's type."""
    validator = Validator(_document({"thing": THING, "part": PART}))
    for value, kind in ((3, "integer"), (3.0, "number"), (True, "boolean")):
        payload = {"object": "thing", "number": value, "new": 1}
        report = validator.validate(payload, "thing", mode="lenient")
        described = [i.message.split(" is not")[0] for i in report.issues if "enum" in i.code]
        assert len(described) == 1 and kind in described[0], report
