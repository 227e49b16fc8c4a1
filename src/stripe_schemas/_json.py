"""JSON bytes ↔ Python values: orjson when it is installed, the standard library otherwise."""

from __future__ import annotations

import json
from typing import Any

from ._issues import INVALID_JSON, Issue, PayloadError

_orjson: Any
try:  # orjson is the optional ``json`` extra
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised where orjson is not installed
    _orjson = None

BACKEND = "orjson" if _orjson is not None else "json"


def _stdlib_dumps(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def loads(data: bytes | bytearray | memoryview | str, model: str = "") -> Any:
    """Parse JSON; invalid input raises :class:`PayloadError` (the message shows no content)."""
    try:
        if _orjson is not None:
            return _orjson.loads(data)
        return json.loads(bytes(data) if isinstance(data, memoryview) else data)
    except json.JSONDecodeError as error:  # orjson.JSONDecodeError subclasses it
        where = f"line {error.lineno} column {error.colno}"
        issue = Issue("", INVALID_JSON, "error", f"not valid JSON (at {where})")
    except (UnicodeDecodeError, TypeError):
        issue = Issue("", INVALID_JSON, "error", "not valid JSON (not UTF-8 text)")
    raise PayloadError([issue], model=model)


def dumps(value: Any) -> bytes:
    """Serialise JSON values to compact UTF-8 bytes."""
    if _orjson is not None:
        result: bytes = _orjson.dumps(value)
        return result
    return _stdlib_dumps(value)
