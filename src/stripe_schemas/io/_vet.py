"""Vet decoded values before validation: JSON types only, string keys, bounded depth.

A value decoded by someone else (or built in Python) may hold what JSON text
cannot: ``NaN``, sets, bytes, keys that are not strings, nesting deeper than
:data:`MAX_DEPTH`. :func:`check_value` reports each with its pointer and
returns a pruned copy that is safe to validate (integers too long to render
as text are kept, wrapped so that no message ever renders their digits).
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue, digit_count, join_pointer
from ._locate import MAX_DEPTH, LongNumber, int_limit, long_message

_SCALARS = (str, int, bool, type(None))


@attrs.frozen
class Vetted:
    """Problems in a decoded value, and a copy safe to validate (deep parts emptied, bad keys dropped)."""

    issues: tuple[Issue, ...]
    pruned: Any
    #: Pointers of replaced values: schema issues at or below them would only echo these.
    masked: tuple[str, ...] = ()
    #: Whether ``pruned`` must be validated instead of the value even without issues
    #: (integers too long to write as text are wrapped in :class:`BigInt`).
    changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.issues) or self.changed


class BigInt(int):
    """An integer too long to write as text: ``repr`` and ``str`` give its size, not its digits.

    Python refuses to render such an integer (``ValueError``), and JSON Schema
    engines render the values they reject; the wrapped value validates like the
    integer it is.
    """

    def __repr__(self) -> str:
        return f"<an integer with {digit_count(self)} digits>"

    __str__ = __repr__


def check_value(value: Any, max_depth: int = MAX_DEPTH) -> Vetted | None:
    """Vet a decoded value: depth, key types, non-JSON values, NaN/Infinity, huge integers.

    ``None`` if clean.
    """
    if _clean(value, max_depth):
        return None
    issues: list[Issue] = []
    wrapped: list[str] = []
    pruned = _vet(value, "", 0, max_depth, issues, wrapped)
    if not issues and not wrapped:
        return None
    masked = tuple(i.path for i in issues if not i.message.startswith("object key"))
    return Vetted(tuple(issues), pruned, masked, bool(wrapped))


_LEAVES = frozenset({str, int, bool, type(None)})
#: Leaves that need no look (integers do: one may be too long to write as text).
_PLAIN = frozenset({str, bool, type(None)})


def _safe_bits() -> float:
    """Integers of at most this many bits are within Python's digit limit."""
    limit = int_limit()
    return math.floor(limit * math.log2(10)) if limit else math.inf


def _clean(value: Any, budget: int) -> bool:
    """Quick check (no copy, no pointers): only JSON types, string keys, finite, not too deep."""
    stack = [(value, budget)]
    leaves = _LEAVES
    plain = _PLAIN
    safe_bits = _safe_bits()
    while stack:
        node, left = stack.pop()
        kind = type(node)
        if kind is dict or (kind not in leaves and isinstance(node, dict)):
            if left <= 0:
                return False
            for key, item in node.items():
                if type(key) is not str:
                    return False
                if type(item) not in plain:
                    stack.append((item, left - 1))
        elif kind is list or (kind not in leaves and isinstance(node, list)):
            if left <= 0:
                return False
            stack.extend((item, left - 1) for item in node if type(item) not in plain)
        elif kind is int:
            if node.bit_length() > safe_bits:
                return False
        elif kind is float:
            if not math.isfinite(node):
                return False
        elif kind not in leaves:
            return False
    return True


def _vet(
    value: Any, ptr: str, depth: int, max_depth: int, issues: list[Issue], wrapped: list[str]
) -> Any:
    kind = type(value)
    if kind is dict or isinstance(value, dict):
        if depth >= max_depth:
            issues.append(
                Issue(ptr, INPUT_LIMIT, "error", f"nested deeper than {max_depth} levels")
            )
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                message = f"object key of type {type(key).__name__} (JSON keys are strings)"
                issues.append(Issue(ptr, INVALID_JSON, "error", message))
                continue
            out[key] = _vet(item, join_pointer(ptr, key), depth + 1, max_depth, issues, wrapped)
        return out
    if kind is list or isinstance(value, list):
        if depth >= max_depth:
            issues.append(
                Issue(ptr, INPUT_LIMIT, "error", f"nested deeper than {max_depth} levels")
            )
            return []
        return [
            _vet(item, join_pointer(ptr, i), depth + 1, max_depth, issues, wrapped)
            for i, item in enumerate(value)
        ]
    if kind is float:
        if not math.isfinite(value):
            issues.append(
                Issue(ptr, INVALID_JSON, "error", "NaN and Infinity are not JSON numbers")
            )
        return value
    if kind is int and value.bit_length() > _safe_bits() and digit_count(value) > int_limit():
        wrapped.append(ptr)
        return BigInt(value)
    if isinstance(value, (_SCALARS, dict, list, float)):
        return value
    if isinstance(value, LongNumber):
        issues.append(Issue(ptr, INPUT_LIMIT, "error", long_message(value.digits)))
        return None
    message = f"a Python {type(value).__name__} is not a JSON value"
    issues.append(Issue(ptr, INVALID_JSON, "error", message))
    return None
