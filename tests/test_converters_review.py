"""Converter review fixes: strict non-model targets, copies, pickling, union choice, limits, JSON edges."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from bench.payloads import VERIFIED
from stripe_models.identity import VerificationSession
from stripe_schemas import (
    PayloadError,
    loads,
    structure,
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
