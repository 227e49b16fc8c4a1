"""A safe `repr` for the generated models: secrets and personal data as a placeholder.

`repr()` (and so `str()`, `log.info(obj)`, `print`, a failing test's report) of a
generated model reads like attrs' own, `VerificationSession(id='vs_…', client_secret=
<hidden>, …)`, except that a secret or personal field holding a value shows
[`HIDDEN`][stripe_schemas.issues.HIDDEN]: neither the value nor its length. `None` and
`UNSET` are shown as they are (null and absent carry no data).

Which fields those are is not written here. A class hides the fields the Identity facts
table lists for its schema key ([`stripe_schemas.identity.SECRET_FIELDS`][stripe_schemas.identity.SECRET_FIELDS] and
[`PERSONAL_FIELDS`][stripe_schemas.identity.PERSONAL_FIELDS], by JSON key). A mapping held by any
field (an event's `previous_attributes`, an object without a model) has no schema, so
its values under a secret or personal key are hidden at any depth, as in the validator's
messages ([`SENSITIVE_KEYS`][stripe_schemas.issues.SENSITIVE_KEYS], derived from the same table).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs

from .identity import PERSONAL_FIELDS, SECRET_FIELDS
from .issues import HIDDEN, SENSITIVE_KEYS
from .model import UNSET, schema_key_of, stripe_meta

__all__ = ["hidden_fields", "safe_repr"]

_NONE: frozenset[str] = frozenset()


def hidden_fields(cls: type) -> frozenset[str]:
    """The attribute names whose values `safe_repr()` hides for class `cls`."""
    return frozenset(name for name, hidden in _plan(cls) if hidden)


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, bool], ...]:
    """(attribute name, hidden) for each attribute attrs would show, in attrs' order."""
    key = schema_key_of(cls) or ""
    listed = SECRET_FIELDS.get(key, _NONE) | PERSONAL_FIELDS.get(key, _NONE)
    return tuple(
        (a.name, (stripe_meta(a).wire or a.name) in listed)
        for a in attrs.fields(cls)
        if a.repr is not False
    )


def safe_repr(self: Any) -> str:
    """attrs' `Class(name=value, …)`, with secret and personal values hidden."""
    cls: type = type(self)
    parts = []
    for name, hidden in _plan(cls):
        value = getattr(self, name)
        shown = HIDDEN if hidden and value is not None and value is not UNSET else _show(value)
        parts.append(f"{name}={shown}")
    return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"


def _show(value: object) -> str:
    """`repr(value)`, with the values under secret or personal keys of mappings hidden."""
    if isinstance(value, Mapping):
        items = (
            f"{key!r}: {HIDDEN if key in SENSITIVE_KEYS and item is not None else _show(item)}"
            for key, item in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_show(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)
