"""Payloads drawn from a JSON Schema document, and one-step mutations of payloads.

`from_schema(key)` draws JSON payloads (plain dicts) that conform to the strict
variant of a schema: required fields always, optional fields sometimes, no unknown
fields, enum values from the spec (known values of `x-stripeBypassValidation`
fields too), strings within `maxLength` (now and then exactly at it), realistic
IDs, times and metadata. Schema-valid only: the Stripe Identity invariants are
the business of `verification_sessions()` and friends. The values come from the
same walker as `stripe-schemas sample` (`stripe_schemas.sampling`), with
hypothesis making every choice.

`mutations(payload)` draws one-step mutations of a payload (a changed, removed or
added value) with a description, for differential tests.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

import hypothesis.strategies as st

from ..model import load_default_document, pointer, schema_for
from ..sampling import Walker
from ._source import HypothesisSource

PropertyPath = tuple[str, ...]


@functools.cache
def _default_document() -> dict[str, Any]:
    """The committed document, read once (the walker never changes it)."""
    return load_default_document()


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values (finite numbers, short strings)."""
    scalars: st.SearchStrategy[Any] = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.text(max_size=8),
        st.floats(allow_nan=False, allow_infinity=False),
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def from_schema(
    key: str | type[Any],
    *,
    document: Mapping[str, Any] | None = None,
    overrides: Mapping[PropertyPath, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads valid against the strict variant of schema `key` (or a resource id).

    `overrides` replaces the strategy of a field, addressed by its property names
    from the root (`("id",)`, `("last_verification_report", "verification_session")`),
    whichever `anyOf` branch or array it sits in; an overridden optional field is
    always present.

    `key` may be a generated class: its own package's schema document is used (giving
    a `document` of another spec raises `MixedVersionsError`). A name without a
    `document` uses the bundled `stripe_models` document.
    """
    if isinstance(key, str):
        doc = document if document is not None else _default_document()
    else:
        key, doc = schema_for(key, document)
    resources = doc.get("x-resources", {})
    name = resources.get(key, key) if isinstance(resources, Mapping) else key
    specials = dict(overrides or {})
    walker = Walker(doc, overrides=specials)
    if name not in walker.defs:
        raise KeyError(f"no schema {key!r} in the document")

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        value = walker.schema_value(name, HypothesisSource(draw, specials), (), 1)
        if not isinstance(value, dict):
            raise TypeError(f"schema {key!r} is not an object schema")
        return value

    return build()


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


_REPLACEMENTS = st.sampled_from(
    [None, 0, -1, 1.5, True, "", "x" * 5001, "unknown_value", [], {}, ["x"], {"k": "v"}]
)


@st.composite
def mutations(draw: st.DrawFn, payload: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One mutation of `payload`: a value replaced, a key removed, or a key added.

    Returns the mutated copy and a description (`"replace /status"`). The
    result may still be valid (a replaced value can be allowed too); it is for
    tests that compare verdicts, not for tests that expect a failure.
    """
    mutated = copy.deepcopy(payload)
    tokens = draw(st.sampled_from(_paths(mutated)))
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if not tokens:
        action = "add"
    parent: Any = mutated
    for token in tokens[:-1]:
        parent = parent[token]
    if action == "replace":
        parent[tokens[-1]] = draw(_REPLACEMENTS)
    elif action == "remove":
        del parent[tokens[-1]]
    else:
        target: Any = mutated
        for token in tokens:
            target = target[token]
        if isinstance(target, dict):
            target[draw(st.sampled_from(["zip", "unknown_field", "id", "status"]))] = draw(
                _REPLACEMENTS
            )
        elif isinstance(target, list):
            target.append(draw(_REPLACEMENTS))
        else:
            parent[tokens[-1]] = draw(_REPLACEMENTS) if tokens else target
    return mutated, f"{action} {pointer(tokens) or '/'}"
