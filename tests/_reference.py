"""The strict schema of a key, checked by the reference engine (jsonschema) alone: what tests
compare the fast path with."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema

from bench.payloads import strict_schema


@functools.cache
def _default(key: str) -> Any:
    return jsonschema.Draft202012Validator(strict_schema(key))


def reference_is_valid(key: str, payload: Any, document: dict[str, Any] | None = None) -> bool:
    """The reference engine's verdict on ``payload`` against the strict schema of ``key``."""
    if document is None:
        return bool(_default(key).is_valid(payload))
    return bool(jsonschema.Draft202012Validator(strict_schema(key, document)).is_valid(payload))
