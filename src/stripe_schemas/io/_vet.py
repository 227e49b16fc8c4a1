"""Vet values built in Python before they are checked: what JSON can hold, and nothing else.

The one policy, for `structure`/`unstructure` and `validate` alike:

- objects are `dict` (and its subclasses) with string keys; arrays are `list` (and
  subclasses) or `tuple` (as `json.dumps` writes one); strings are `str` and its
  subclasses (a `str` enum member is its value); numbers are `int` (not `bool`) and
  finite `float`, subclasses too; `True`, `False` and `None`;
- anything else is `invalid_json` at its pointer (a `set`, `bytes`, `NaN`, a key
  that is not a string, another mapping type); an integer too long to write as text
  is kept, wrapped so that no message ever renders its digits.

There is no limit of our own on nesting: both engines walk Python values without
recursion limits (text input is limited by the decoder, `_json`).
`check_value()` returns `None` for a clean value (one pass, no copy);
otherwise the issues and a copy safe to check, with every bad value replaced.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from ..issues import INVALID_JSON, Issue, digit_count
from ..model import UNSET, join_pointer
from ._locate import int_limit


@attrs.frozen
class Vetted:
    """Problems in a value, and a copy safe to check (bad values dropped or replaced)."""

    issues: tuple[Issue, ...]
    pruned: Any
    #: Pointers of replaced values: issues at or below them would only echo these.
    masked: tuple[str, ...] = ()
    #: Whether `pruned` must be checked instead of the value even without issues
    #: (integers too long to write as text are wrapped in `BigInt`).
    changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.issues) or self.changed


class BigInt(int):
    """An integer too long to write as text: `repr` and `str` give its size, not its digits.

    Python refuses to render such an integer (`ValueError`), and JSON Schema
    engines render the values they reject; the wrapped value checks like the
    integer it is.
    """

    def __repr__(self) -> str:
        return f"<an integer with {digit_count(self)} digits>"

    __str__ = __repr__


#: Values that need no look at all.
_PLAIN = frozenset({str, bool, type(None)})


def _safe_bits() -> float:
    """Integers of at most this many bits are within Python's digit limit."""
    limit = int_limit()
    return math.floor(limit * math.log2(10)) if limit else math.inf


def _kind(value: object) -> str | None:
    """`object`/`array`/`scalar` for a JSON value (subclasses included), else None."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, float):
        return "scalar" if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int)):  # bool is an int
        return "scalar"
    return None


def check_value(value: Any) -> Vetted | None:
    """Vet a value: key types, non-JSON values, NaN/Infinity, huge integers. `None` if clean."""
    if _clean(value):
        return None
    issues: list[Issue] = []
    wrapped: list[str] = []
    pruned = _vet(value, issues, wrapped)
    if not issues and not wrapped:
        return None
    masked = tuple(i.path for i in issues if not i.message.startswith("object key"))
    return Vetted(tuple(issues), pruned, masked, bool(wrapped))


def _clean(value: Any) -> bool:
    """Quick check (no copy, no pointers): plain JSON types, string keys, finite numbers."""
    stack = [value]
    plain = _PLAIN
    safe_bits = _safe_bits()
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            for key, item in node.items():
                if type(key) is not str:
                    return False
                if type(item) not in plain:
                    stack.append(item)
        elif kind is list:
            stack.extend(item for item in node if type(item) not in plain)
        elif kind is int:
            if node.bit_length() > safe_bits:
                return False
        elif kind is float:
            if not math.isfinite(node):
                return False
        elif kind not in plain:
            return False  # a subclass, a tuple or not JSON: the full vet decides
    return True


def _vet(value: Any, issues: list[Issue], wrapped: list[str]) -> Any:
    """A copy of `value` with every non-JSON value reported and replaced (iteratively)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, str, Any, Any]] = [(value, "", root, 0)]
    safe_bits = _safe_bits()
    while stack:
        item, ptr, parent, slot = stack.pop()
        kind = _kind(item)
        if kind == "object":
            out: dict[str, Any] = {}
            parent[slot] = out
            for key, sub in item.items():
                if not isinstance(key, str):
                    message = f"object key of type {type(key).__name__} (JSON keys are strings)"
                    issues.append(Issue(ptr, INVALID_JSON, "error", message))
                    continue
                out[key] = None
                stack.append((sub, join_pointer(ptr, key), out, key))
        elif kind == "array":
            copied: list[Any] = [None] * len(item)
            parent[slot] = copied
            stack.extend((sub, join_pointer(ptr, i), copied, i) for i, sub in enumerate(item))
        elif kind == "scalar":
            if (
                type(item) is int
                and item.bit_length() > safe_bits
                and digit_count(item) > int_limit()
            ):
                wrapped.append(ptr)
                item = BigInt(item)
            parent[slot] = item
        else:
            if isinstance(item, float):
                message = "NaN and Infinity are not JSON numbers"
            elif item is UNSET:
                message = "UNSET, the absent-field marker, is not a JSON value: leave the key out"
            else:
                message = f"a Python {type(item).__name__} is not a JSON value"
            issues.append(Issue(ptr, INVALID_JSON, "error", message))
            parent[slot] = None
    issues.sort(key=lambda issue: issue.path)
    return root[0]


#: How deep the reference validator is shown a value (see `shallow()`).
REFERENCE_DEPTH = 64


def shallow(value: Any, depth: int = REFERENCE_DEPTH) -> Any:
    """`value` with every object or array nested deeper than `depth` emptied (same type).

    For the reference engine (jsonschema), which recurses, and renders the values it
    rejects: what a schema says about a value never depends on what lies more than
    `depth` levels below it, as no schema of the Stripe spec is that deep, so the
    verdict is unchanged. Returns `value` itself when nothing is that deep.
    """
    if not _deeper_than(value, depth):
        return value
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while stack:
        item, parent, slot, level = stack.pop()
        if isinstance(item, dict):
            out: dict[str, Any] = {}
            parent[slot] = out
            if level < depth:
                stack.extend((sub, out, key, level + 1) for key, sub in item.items())
        elif isinstance(item, list):
            parent[slot] = copied = [None] * len(item) if level < depth else []
            if level < depth:
                stack.extend((sub, copied, i, level + 1) for i, sub in enumerate(item))
        else:
            parent[slot] = item
    return root[0]


def _deeper_than(value: Any, depth: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            if level >= depth:
                return True
            stack.extend((sub, level + 1) for sub in item.values() if type(sub) in (dict, list))
        elif isinstance(item, list):
            if level >= depth:
                return True
            stack.extend((sub, level + 1) for sub in item if type(sub) in (dict, list))
    return False
