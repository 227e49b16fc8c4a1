"""Converter review fixes: strict non-model targets, copies, pickling, union choice, limits, JSON edges."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, Literal

import attrs
import orjson
import pytest
from test_converters_models import Widget

from bench.payloads import REQUIRES_INPUT, VERIFIED
from stripe_models.identity import VerificationSession
from stripe_schemas import (
    Issue,
    PayloadError,
    loads,
    make_converter,
    meta,
    structure,
    unstructure,
)
from stripe_schemas import _json as json_backend
from stripe_schemas._structure import FAST_ERRORS
from stripe_schemas.converters import Mode, _entry_for

MODES: list[Mode] = ["strict", "lenient"]


def problems(payload: Any, cl: Any, mode: Mode = "strict") -> list[tuple[str, str]]:
    """The (path, code) pairs of a failed structure, in order."""
    with pytest.raises(PayloadError) as caught:
        structure(payload, cl, mode=mode)
    return [(issue.path, issue.code) for issue in caught.value.issues]


def both_paths(cl: Any, payload: Any, mode: Mode) -> tuple[Any, Any]:
    """The fast and the detailed path's results (None where a path rejects the payload)."""
    fast, detailed = _entry_for(cl, mode)
    try:
        fast_result = fast(payload)
    except FAST_ERRORS:
        fast_result = None
    try:
        slow_result = detailed(payload)
    except PayloadError:
        slow_result = None
    return fast_result, slow_result


# -- 1. non-model targets: strict, with pointers from the root -------------------------------


@pytest.mark.parametrize(
    ("value", "target", "path"),
    [
        ("1", int, ""),
        (1, str, ""),
        (True, int, ""),
        (1.5, int, ""),
        ("1.5", float, ""),
        (1, bool, ""),
        (["1"], list[int], "/0"),
        ([1, True], list[int], "/1"),
        ("ab", list[str], ""),
        ({"a": 1}, dict[str, str], "/a"),
        ("c", Literal["a", "b"], ""),
        (None, str, ""),
    ],
)
def test_scalar_and_container_targets_are_not_coerced(value: Any, target: Any, path: str) -> None:
    """structure() on plain types checks like a field does: nothing is coerced."""
    assert [p for p, _ in problems(value, target)] == [path]


def test_scalar_and_container_targets_accept_valid_values() -> None:
    """Valid values come back equal (containers as new lists and dicts)."""
    assert structure("a", str) == "a" and structure(2, float) == 2 and structure(True, bool)
    items = ["x", "y"]
    assert structure(items, list[str]) == items and structure(items, list[str]) is not items
    assert structure({"k": [1]}, dict[str, list[int]]) == {"k": [1]}
    assert structure("c", Literal["a", "b"], mode="lenient") == "c"  # lenient keeps it
    assert structure(None, list[int] | None) is None
    free = {"x": [1, {"y": None}]}
    assert structure(free, Any) == free


def test_model_containers_report_pointers_from_the_root() -> None:
    """list[Model] / dict[str, Model]: one PayloadError, pointers include the index or key."""
    bad = {**VERIFIED, "status": 3}
    assert problems([VERIFIED, bad], list[VerificationSession]) == [("/1/status", "type_mismatch")]
    assert problems({"a": VERIFIED, "b/c": bad}, dict[str, VerificationSession]) == [
        ("/b~1c/status", "type_mismatch")
    ]
    assert problems([bad], list[VerificationSession] | None) == [("/0/status", "type_mismatch")]
    with pytest.raises(PayloadError) as caught:
        structure([bad], list[VerificationSession])
    assert caught.value.model == "list[VerificationSession]"
    sessions = structure([REQUIRES_INPUT, VERIFIED], list[VerificationSession])
    assert unstructure(sessions) == [REQUIRES_INPUT, VERIFIED]
    assert (
        loads(orjson.dumps({"k": VERIFIED}), dict[str, VerificationSession])["k"].id
        == (VERIFIED["id"])
    )


def test_lenient_notices_of_list_items_carry_their_index() -> None:
    """Notices for items of a top-level list say which item (not all ``/status``)."""
    notices: list[Issue] = []
    payload = [{**VERIFIED, "status": "archived"}, VERIFIED, {**VERIFIED, "status": "new"}]
    structure(payload, list[VerificationSession], mode="lenient", notices=notices)
    assert [n.path for n in notices] == ["/0/status", "/2/status"]


@attrs.define
class PlainAttrs:
    """An attrs class the generator did not write."""

    a: int


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (PlainAttrs, "not one the generator wrote"),
        (5, "is not a type"),
        ([VerificationSession], "is not a type"),
        ({"a": 1}, "is not a type"),
        (list, "needs its item type"),
        (dict[int, VerificationSession], "keys are strings"),
        (datetime.date, "do not support"),
        (tuple[int, int], "do not support"),
        ("VerificationSession", "string"),
    ],
)
def test_unsupported_targets_are_a_clear_type_error(target: Any, words: str) -> None:
    """Targets the converters cannot check strictly are a TypeError saying why, in both calls."""
    for mode in MODES:
        with pytest.raises(TypeError, match=words):
            structure({"a": "1"}, target, mode=mode)
        with pytest.raises(TypeError, match=words):
            loads(b"{", target, mode=mode)  # before parsing: not an invalid_json error


def test_make_converter_structures_model_containers_with_full_pointers() -> None:
    """A StripeConverter structures list/dict of models as a whole: PayloadError, full pointers."""
    converter = make_converter()
    bad = {**VERIFIED, "status": 3}
    for target, payload, path in [
        (list[VerificationSession], [VERIFIED, bad], "/1/status"),
        (dict[str, VerificationSession], {"k": bad}, "/k/status"),
        (list[list[VerificationSession]], [[], [bad]], "/1/0/status"),
        (list[VerificationSession] | None, [bad], "/0/status"),
    ]:
        with pytest.raises(PayloadError) as caught:
            converter.structure(payload, target)
        assert [i.path for i in caught.value.issues] == [path]
    notices: list[Issue] = []
    lenient = make_converter("lenient")
    lenient.structure_noting(
        [VERIFIED, {**VERIFIED, "status": "x"}], list[VerificationSession], notices
    )
    assert [n.path for n in notices] == ["/1/status"]
    converter.register_structure_hook(complex, lambda v, _: complex(*v))
    assert converter.structure([[1, 2]], list[complex]) == [1 + 2j]  # cattrs' own grouping stays


# -- 6. JSON input edge cases, both backends -----------------------------------------------


@pytest.fixture(params=["orjson", "stdlib"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stdlib":
        monkeypatch.setattr(json_backend, "_orjson", None)
    return str(request.param)


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "input_limit", "nested"),
        (b"1" * 5000, "input_limit", "integer|64-bit float"),
        (b"[1e400]", "input_limit", "too large"),
        (b"NaN", "invalid_json", ""),
        (b"[Infinity]", "invalid_json", ""),
        (b"[-Infinity]", "invalid_json", ""),
        (b"\xef\xbb\xbf{}", "invalid_json", "byte order mark"),
        ("\ufeff{}", "invalid_json", "byte order mark"),
        (b'{"a": "\xff"}', "invalid_json", "not UTF-8"),
        (b"\xff\xfe{\x00}\x00", "invalid_json", "not UTF-8"),
        (b'{"a": "\xed\xa0\x80"}', "invalid_json", "not UTF-8"),  # an encoded surrogate
        (b'["\\ud800"]', "invalid_json", "surrogate"),
        ('["\ud800"]', "invalid_json", "surrogate"),
        (b'{"a": 1', "invalid_json", "line 1 column"),
        (b"{}x", "invalid_json", "line 1 column 3"),
        (b"", "invalid_json", ""),
    ],
)
def test_json_edge_cases_are_payload_errors(backend: str, body: Any, code: str, words: str) -> None:
    """Input that is not (representable) JSON is one PayloadError issue on both backends."""
    with pytest.raises(PayloadError) as caught:
        json_backend.loads(body)
    (issue,) = caught.value.issues
    assert (issue.path, issue.code) == ("", code)
    assert issue.message.startswith(("not valid JSON (", "JSON beyond a limit ("))
    if words:
        assert any(w in issue.message for w in words.split("|")), issue.message


@pytest.mark.parametrize("data", [123, None, 1.5, ["{}"], {"a": 1}])
def test_loads_of_something_not_text_is_a_type_error(backend: str, data: Any) -> None:
    """Only bytes, bytearray, memoryview and str are JSON input."""
    with pytest.raises(TypeError, match="bytes"):
        loads(data, VerificationSession)


def test_both_backends_read_the_same_valid_json(backend: str) -> None:
    """Surrogate pairs, bytearray and memoryview input, big doubles: the same values."""
    assert json_backend.loads(b'["\\ud83d\\ude00", 1e300, -0.0]') == ["😀", 1e300, -0.0]
    assert json_backend.loads(bytearray(b"{}")) == json_backend.loads(memoryview(b"{}")) == {}
    assert loads(orjson.dumps(VERIFIED), VerificationSession) == structure(
        VERIFIED, VerificationSession
    )


def test_json_errors_never_show_the_input(backend: str) -> None:
    """Messages say where and why, never the text around the problem."""
    for body in [b'{"client_secret": "s3cr3t" x}', b'{"url": "s3cr3t\xff"}', b"[s3cr3t]"]:
        with pytest.raises(PayloadError) as caught:
            loads(body, VerificationSession)
        assert "s3cr3t" not in str(caught.value) and "s3cr3t" not in repr(caught.value)
        assert caught.value.__context__ is None and caught.value.__cause__ is None


# -- 7. a failed compile leaves the caches clean --------------------------------------------


@attrs.frozen(kw_only=True)
class Dated:
    """A hand-written model with a field type the converters do not support."""

    __stripe_schema__: ClassVar[str] = "dated"
    when: datetime.date = attrs.field(metadata=meta("when", required=True))
    _extra: Any = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class HoldsDated:
    """A supported model whose field refers to the unsupported one."""

    __stripe_schema__: ClassVar[str] = "holds_dated"
    id: str = attrs.field(metadata=meta("id", required=True))
    dated: Dated | None = attrs.field(metadata=meta("dated", required=True, nullable=True))
    _extra: Any = attrs.field(factory=dict, alias="_extra", repr=False)


@pytest.mark.parametrize("target", [Dated, HoldsDated, list[HoldsDated]])
def test_a_failed_compile_fails_the_same_way_every_time(target: Any) -> None:
    """An unsupported field type is a TypeError naming the field, on every call, not a KeyError."""
    for _ in range(3):
        for mode in MODES:
            with pytest.raises(TypeError, match=r"Dated\.when.*datetime\.date"):
                structure({"id": "x", "dated": None, "when": "2020-01-01"}, target, mode=mode)
    for _ in range(3):
        with pytest.raises(TypeError, match=r"Dated\.when"):
            unstructure(Dated(when=datetime.date(2020, 1, 1)))
        with pytest.raises(TypeError, match=r"Dated\.when"):
            unstructure(HoldsDated(id="x", dated=None))
    assert structure({"id": "w", "object": "widget"}, Widget) == Widget(id="w", object="widget")
