"""JSON bytes ↔ Python values: orjson when it is installed, the standard library otherwise.

Both backends read exactly RFC 8259 JSON in UTF-8: no byte order mark, no
``NaN``/``Infinity``, no lone surrogates (raw or ``\\ud800``-escaped), and a
number too large for a double is refused. Every failure is one
:class:`PayloadError` issue, ``invalid_json`` (not JSON, not UTF-8) or
``input_limit`` (nested too deeply, a number too large), whose message says
where and why but never shows the input. A ``data`` that is not bytes or str
is a TypeError.

One difference remains: orjson reads an integer beyond 64 bits as a float (so
an ``integer`` field rejects it), while the standard library keeps it exact up
to Python's 4300-digit conversion limit.

:func:`dumps` writes compact UTF-8; when orjson cannot (nesting deeper than its
255 levels, an integer beyond 64 bits) the standard library writes the value,
and a value too deep even for that is a ValueError.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue, PayloadError

_orjson: Any
try:  # orjson is the optional ``json`` extra
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised where orjson is not installed
    _orjson = None

BACKEND = "orjson" if _orjson is not None else "json"
_INPUT_TYPES = (bytes, bytearray, memoryview, str)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(data: bytes | bytearray | memoryview | str, model: str = "") -> Any:
    """Parse JSON; invalid input raises :class:`PayloadError` (the message shows no content)."""
    if _orjson is not None:
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError as error:
            failure = error
        _check_type(data)
        issue = _orjson_issue(data, failure)
    else:
        _check_type(data)
        value, found = _stdlib_loads(data)
        if found is None:
            return value
        issue = found
    raise PayloadError([issue], model=model)  # outside ``except``: no chained input text


def _check_type(data: object) -> None:
    if not isinstance(data, _INPUT_TYPES):
        raise TypeError(
            f"loads() takes JSON as bytes, bytearray, memoryview or str, not {type(data).__name__}"
        )


def _invalid(reason: str, code: str = INVALID_JSON) -> Issue:
    what = "JSON beyond a limit" if code == INPUT_LIMIT else "not valid JSON"
    return Issue("", code, "error", f"{what} ({reason})")


def _at(error: json.JSONDecodeError) -> str:
    return f"at line {error.lineno} column {error.colno}"


def _encoding_issue(data: bytes | bytearray | memoryview | str) -> Issue | None:
    """The issue of input that is not UTF-8 (bytes) or holds lone surrogates (str)."""
    if isinstance(data, str):
        match = _SURROGATE.search(data)
        if match is None:
            return None
        where = f"at index {match.start()}"
        return _invalid(f"the text holds a lone surrogate {where}, which UTF-8 cannot encode")
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        return _invalid(f"not UTF-8 text: invalid byte at offset {error.start}")
    return None


def _orjson_issue(data: bytes | bytearray | memoryview | str, error: Any) -> Issue:
    message = str(getattr(error, "msg", ""))
    if "byte order mark" in message:
        return _invalid("starts with a UTF-8 byte order mark, which JSON does not allow")
    if "not valid UTF-8" in message:
        found = _encoding_issue(data)
        if found is not None:
            return found
    if message.startswith("depth limit exceeded"):
        return _invalid(f"nested more than 1024 levels deep, {_at(error)}", INPUT_LIMIT)
    if "infinity when parsed as double" in message:
        reason = f"a number too large for a 64-bit float, {_at(error)}"
        return _invalid(f"{reason}; orjson reads integers beyond 64 bits as floats", INPUT_LIMIT)
    if "surrogate" in message:
        return _invalid(f"a lone surrogate escape {_at(error)}, which UTF-8 cannot encode")
    return _invalid(f"{message or 'syntax error'} {_at(error)}")


class _Rejected(ValueError):
    """Raised from the standard library parser's hooks; carries the issue."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _reject_constant(name: str) -> Any:
    raise _Rejected(_invalid(f"{name} is not a JSON number"))


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Rejected(_invalid("a number too large for a 64-bit float", INPUT_LIMIT))
    return value


def _stdlib_loads(data: bytes | bytearray | memoryview | str) -> tuple[Any, Issue | None]:
    """The standard library parser held to what orjson accepts: (value, None) or (None, issue)."""
    found = _encoding_issue(data)
    if found is not None:
        return None, found
    text = data if isinstance(data, str) else bytes(data).decode("utf-8")
    if text.startswith("\ufeff"):
        return None, _invalid("starts with a UTF-8 byte order mark, which JSON does not allow")
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float)
    except _Rejected as error:
        return None, error.issue
    except json.JSONDecodeError as error:
        return None, _invalid(f"{error.msg} {_at(error)}")
    except RecursionError:
        reason = "nested too deeply for the standard library parser: Python's recursion limit"
        return None, _invalid(reason, INPUT_LIMIT)
    except ValueError as error:
        if "digits" in str(error):  # int() refuses more than sys.get_int_max_str_digits()
            limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
            reason = f"an integer with more than {limit} digits, Python's conversion limit"
            return None, _invalid(reason, INPUT_LIMIT)
        return None, _invalid("an unreadable number")
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(value):
        return None, _invalid("a lone surrogate escape, which UTF-8 cannot encode")
    return value, None


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether any string (key or value) of a decoded JSON value holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _stdlib_dumps(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def dumps(value: Any) -> bytes:
    """Serialise JSON values to compact UTF-8 bytes."""
    if _orjson is not None:
        try:
            result: bytes = _orjson.dumps(value)
            return result
        except _orjson.JSONEncodeError:
            pass  # deeper than orjson's 255 levels, an integer beyond 64 bits, …: try the stdlib
    try:
        return _stdlib_dumps(value)
    except RecursionError:
        message = "the value is nested too deeply to write as JSON (Python's recursion limit)"
    except UnicodeEncodeError:
        message = "a string holds a lone surrogate, which UTF-8 JSON cannot encode"
    raise ValueError(message)
