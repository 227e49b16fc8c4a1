"""One verdict: ``loads``/``structure`` and ``validate`` accept and reject the same inputs, with
the same codes at the same pointers, in strict and in lenient mode.

The one difference kept on purpose: ``validate`` also checks the Stripe Identity invariants
(its second layer), which ``structure`` does not; the comparison leaves those codes out, and
``test_invariants_are_validation_only`` pins the difference.
"""

from __future__ import annotations

import collections
import copy
import enum
import json
import types
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.payloads import EXPANDED, REPORT, REQUIRES_INPUT, VERIFIED
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import PayloadError, loads, structure
from stripe_schemas.strategies._models import payloads
from stripe_schemas.validation import RULES, validate

#: Codes of the invariants layer: validate() only (see the module docstring).
INVARIANT_CODES = frozenset(rule.code for rule in RULES if rule.layer == "invariant")
MODES = ("strict", "lenient")
Verdict = tuple[bool, frozenset[tuple[str, str]]]


def of_structure(payload: Any, cls: type, mode: str) -> Verdict:
    try:
        if isinstance(payload, (bytes, str)):
            loads(payload, cls, mode=mode)  # type: ignore[call-overload]
        else:
            structure(payload, cls, mode=mode)  # type: ignore[call-overload]
    except PayloadError as error:
        found = frozenset((i.path, i.code) for i in error.issues if i.severity == "error")
        return False, found
    return True, frozenset()


def of_validate(payload: Any, cls: type, mode: str) -> Verdict:
    report = validate(payload, cls, mode=mode)  # type: ignore[arg-type]
    found = frozenset((i.path, i.code) for i in report.errors if i.code not in INVARIANT_CODES)
    return not found, found


def agree(payload: Any, cls: type, mode: str) -> Verdict:
    ours, theirs = of_structure(payload, cls, mode), of_validate(payload, cls, mode)
    assert ours == theirs, (mode, ours, theirs)
    return ours


class Subdict(dict[str, Any]):
    """A dict subclass (what an ORM or a config library may hand over)."""


class Tag(str, enum.Enum):
    VERIFIED = "verified"


def deep(levels: int) -> Any:
    value: Any = {"leaf": 1}
    for _ in range(levels):
        value = {"k": value}
    return value


def body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


CASES: list[tuple[str, Any, bool]] = [
    # (what, input, accepted)
    ("a UTF-8 byte order mark", b"\xef\xbb\xbf" + body(VERIFIED), True),
    ("an id of 6,000 characters", {**VERIFIED, "id": "vs_" + "x" * 5997}, False),
    ("an id of exactly 5,000 characters", {**VERIFIED, "id": "vs_" + "x" * 4997}, True),
    ("a duplicate key", body(VERIFIED)[:-1] + b', "livemode": true}', True),
    ("an integer-valued float", {**VERIFIED, "created": 1700000000.0}, True),
    ("a fractional float for an integer", {**VERIFIED, "created": 1700000000.5}, False),
    ("a dict subclass", Subdict(VERIFIED), True),
    ("an OrderedDict inside", {**VERIFIED, "metadata": collections.OrderedDict(a="b")}, True),
    ("a non-string key", {**VERIFIED, "metadata": {(1, 2): "x"}}, False),
    ("a mapping that is not a dict", types.MappingProxyType(VERIFIED), False),
    (
        "a tuple for a list",
        {**REPORT, "document": {**REPORT["document"], "files": ("f",)}},
        True,
    ),  # a report
    ("a str enum member", {**VERIFIED, "status": Tag.VERIFIED}, True),
    ("NaN", {**VERIFIED, "created": float("nan")}, False),
    ("a set", {**VERIFIED, "metadata": {"a": {1}}}, False),
    (
        "an expanded report without its tag",
        {
            **EXPANDED,
            "last_verification_report": {
                k: v for k, v in EXPANDED["last_verification_report"].items() if k != "object"
            },
        },
        False,
    ),
    (
        "an expanded report with another tag",
        {
            **EXPANDED,
            "last_verification_report": {
                **EXPANDED["last_verification_report"],
                "object": "identity.verification_session",
            },
        },
        False,
    ),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("what", "data", "accepted"), CASES, ids=[c[0] for c in CASES])
def test_the_listed_cases_have_one_verdict(what: str, data: Any, accepted: bool, mode: str) -> None:
    """Each case is accepted by both, or refused by both with the same codes and pointers."""
    cls = VerificationReport if data is not None and _is_report(data) else VerificationSession
    ok, _ = agree(data, cls, mode)
    assert ok is accepted


def _is_report(data: Any) -> bool:
    return isinstance(data, dict) and data.get("object") == "identity.verification_report"


@pytest.mark.parametrize("mode", MODES)
def test_an_unknown_field_nested_70_levels_deep(mode: str) -> None:
    """Deep nesting is no reason to refuse (no limit of our own): an unknown field is an error
    in strict mode and kept in lenient mode, by both."""
    ok, found = agree({**VERIFIED, "new_field": deep(70)}, VerificationSession, mode)
    assert ok is (mode == "lenient")
    assert found == (frozenset() if ok else {("/new_field", "unknown_field")})


def test_invariants_are_validation_only() -> None:
    """The kept difference: an expanded report of another session is structured, not valid."""
    other = copy.deepcopy(EXPANDED)
    other["last_verification_report"]["verification_session"] = "vs_someone_else"
    assert structure(other, VerificationSession) is not None
    assert "report_session_mismatch" in validate(other).codes()


# -- hypothesis: valid payloads, then one mutation of a kind known to split engines ------------

LIMITS = {"id": 5000, "client_secret": 5000, "url": 5000}


@st.composite
def mutated(draw: st.DrawFn, cls: type) -> Any:
    """A valid payload, then maybe one mutation: strings around maxLength, integer-valued floats,
    mappings that are not dicts, non-string keys, deep nesting, tuples, unknown fields, wrong
    types, nulls, missing fields; or as text: a byte order mark, a duplicate key."""
    payload: dict[str, Any] = draw(payloads(cls, max_depth=2))
    kind = draw(
        st.sampled_from(
            [
                "none",
                "long",
                "limit",
                "float",
                "subclass",
                "proxy",
                "key",
                "deep",
                "tuple",
                "unknown",
                "wrong",
                "null",
                "missing",
                "bom",
                "duplicate",
            ]
        )
    )
    keys = sorted(payload)
    key = draw(st.sampled_from(keys))
    if kind == "long" or kind == "limit":
        name = draw(st.sampled_from(sorted(set(LIMITS) & set(payload)) or ["id"]))
        size = LIMITS.get(name, 5000) + (1 if kind == "long" else 0)
        payload[name] = "x" * size
    elif kind == "float":
        if isinstance(payload.get("created"), int):
            payload["created"] = float(payload["created"]) + draw(st.sampled_from([0.0, 0.5]))
    elif kind == "subclass":
        payload = Subdict(payload)
    elif kind == "proxy":
        payload[key] = types.MappingProxyType({"a": 1})
    elif kind == "key":
        payload["metadata"] = {draw(st.sampled_from([1, (1,), None])): "v"}
    elif kind == "deep":
        payload[draw(st.sampled_from([key, "new_field"]))] = deep(draw(st.integers(60, 90)))
    elif kind == "tuple":
        for name, value in payload.items():
            if isinstance(value, list):
                payload[name] = tuple(value)
    elif kind == "unknown":
        payload["zz_new"] = draw(st.sampled_from([1, "x", None, {"a": 1}]))
    elif kind == "wrong":
        payload[key] = draw(st.sampled_from([1, "x", True, [], {}, 1.5]))
    elif kind == "null":
        payload[key] = None
    elif kind == "missing":
        del payload[key]
    elif kind == "bom":
        return b"\xef\xbb\xbf" + orjson.dumps(payload)
    elif kind == "duplicate":
        text = orjson.dumps(payload)
        return text[:-1] + b"," + orjson.dumps({key: payload[key]})[1:]
    return payload


@settings(max_examples=300)
@given(data=mutated(VerificationSession), mode=st.sampled_from(MODES))
def test_sessions_one_verdict(data: Any, mode: str) -> None:
    """Drawn sessions, valid or mutated: the same verdict and the same (pointer, code) errors."""
    agree(data, VerificationSession, mode)


@settings(max_examples=300)
@given(data=mutated(VerificationReport), mode=st.sampled_from(MODES))
def test_reports_one_verdict(data: Any, mode: str) -> None:
    """Drawn reports, valid or mutated: the same verdict and the same (pointer, code) errors."""
    agree(data, VerificationReport, mode)


def test_valid_fixtures_agree() -> None:
    """The bench payloads (valid) pass both."""
    for payload in (REQUIRES_INPUT, VERIFIED, EXPANDED):
        assert agree(payload, VerificationSession, "strict")[0]
    assert agree(REPORT, VerificationReport, "strict")[0]
