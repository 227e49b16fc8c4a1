"""Hypothesis strategies for Stripe payloads and the generated models.

From a generated class (any package the generator wrote):

* ``payloads(Model)``: valid JSON payloads (plain dicts) for the class;
* ``instances(Model)``: instances of the class (payloads, structured strictly);
* ``with_unknown_fields(Model)``: payloads plus fields a newer API version might add.

From the committed JSON Schema: ``from_schema(key)`` draws JSON payloads (plain dicts) that conform to the strict
variant of a schema: required fields always, optional fields sometimes, no
unknown fields, enum values from the spec (known values of
``x-stripeBypassValidation`` fields too), strings within ``maxLength``.
``mutations(payload)`` draws one-step mutations of a payload (a changed, removed
or added value) with a description, for differential tests.

Only this module imports hypothesis; ``import stripe_schemas`` does not need it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypeVar

import hypothesis.strategies as st

from ._model_strategies import payloads, with_unknown_fields
from ._package import schema_for
from .converters import structure
from .validation._schema import def_key

__all__ = [
    "from_schema",
    "instances",
    "json_values",
    "mutations",
    "payloads",
    "with_unknown_fields",
]

T = TypeVar("T")


def instances(model: type[T]) -> st.SearchStrategy[T]:
    """Instances of a generated class, built by structuring valid payloads (strict mode)."""
    return payloads(model).map(lambda payload: structure(payload, model))


PropertyPath = tuple[str, ...]

#: Recursion budget: beyond this many nested ``$ref``s, optional fields are left out and
#: ``anyOf`` prefers branches without references (IDs instead of expanded objects).
MAX_REF_DEPTH = 6
_MAX_TEXT = 24
_MAX_ITEMS = 3


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


class _Builder:
    def __init__(
        self, document: Mapping[str, Any], overrides: Mapping[PropertyPath, st.SearchStrategy[Any]]
    ) -> None:
        defs = document.get("$defs")
        if not isinstance(defs, dict):
            raise ValueError("not a stripe_schemas JSON Schema document (no $defs)")
        self.defs: dict[str, Any] = defs
        self.overrides = dict(overrides)

    def ref(self, ref: str) -> str:
        key = def_key(ref)
        if key is None:
            raise ValueError(f"not a reference to a $defs entry: {ref!r}")
        return key

    def build(self, node: Any, path: PropertyPath, depth: int) -> st.SearchStrategy[Any]:
        if path in self.overrides:
            return self.overrides[path]
        if not isinstance(node, Mapping):
            return json_values()
        if "$ref" in node:
            key = self.ref(str(node["$ref"]))
            if depth >= MAX_REF_DEPTH * 2:
                return st.nothing()
            return st.deferred(lambda: self.build(self.defs[key], path, depth + 1))
        if "anyOf" in node:
            branches = list(node["anyOf"])
            if depth >= MAX_REF_DEPTH:
                shallow = [b for b in branches if not _has_ref(b)]
                branches = shallow or branches
            return st.one_of([self.build(b, path, depth) for b in branches])
        if "enum" in node:
            return st.sampled_from(list(node["enum"]))
        kinds = node.get("type")
        if isinstance(kinds, list):
            return st.one_of([self.build({**node, "type": kind}, path, depth) for kind in kinds])
        if kinds is None:
            return json_values()
        return self.typed(str(kinds), node, path, depth)

    def typed(
        self, kind: str, node: Mapping[str, Any], path: PropertyPath, depth: int
    ) -> st.SearchStrategy[Any]:
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            if node.get("format") == "unix-time":
                return st.integers(0, 2**32)
            return st.integers(int(node.get("minimum", -(2**53))), int(node.get("maximum", 2**53)))
        if kind == "number":
            return st.floats(allow_nan=False, allow_infinity=False, width=64)
        if kind == "string":
            return self.string(node)
        if kind == "array":
            items = self.build(node.get("items", {}), path, depth)
            return st.lists(items, max_size=_MAX_ITEMS)
        if kind == "object":
            return self.object(node, path, depth)
        return st.nothing()

    def string(self, node: Mapping[str, Any]) -> st.SearchStrategy[str]:
        known = node.get("x-enum")
        limit = int(node.get("maxLength", _MAX_TEXT))
        if isinstance(known, list) and known:
            return st.sampled_from([v for v in known if isinstance(v, str)] or [""])
        if "pattern" in node:
            return st.from_regex(str(node["pattern"])).filter(lambda s: len(s) <= limit)
        return st.text(max_size=min(limit, _MAX_TEXT))

    def object(
        self, node: Mapping[str, Any], path: PropertyPath, depth: int
    ) -> st.SearchStrategy[dict[str, Any]]:
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            required = set(node.get("required", ()))
            fixed: dict[str, st.SearchStrategy[Any]] = {}
            optional: dict[str, st.SearchStrategy[Any]] = {}
            for name, sub in properties.items():
                strategy = self.build(sub, (*path, name), depth)
                if name in required:
                    fixed[name] = strategy
                elif depth < MAX_REF_DEPTH or (*path, name) in self.overrides:
                    optional[name] = strategy
            return st.fixed_dictionaries(fixed, optional=optional)
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):
            values = self.build(extra, (*path, "*"), depth)
            return st.dictionaries(st.text(max_size=12), values, max_size=_MAX_ITEMS)
        if extra is False:
            return st.just({})
        return st.dictionaries(st.text(max_size=8), json_values(3), max_size=2)


def _has_ref(node: Any) -> bool:
    if isinstance(node, Mapping):
        return "$ref" in node or any(_has_ref(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_ref(value) for value in node)
    return False


def from_schema(
    key: str | type[Any],
    *,
    document: Mapping[str, Any] | None = None,
    overrides: Mapping[PropertyPath, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads valid against the strict variant of schema ``key`` (or a resource id).

    ``key`` may be a generated class: its own package's schema document is used (giving
    a ``document`` of another spec raises ``MixedVersionsError``). A name without a
    ``document`` uses the bundled ``stripe_models`` document.

    ``overrides`` replaces the strategy of a field, addressed by its property names
    from the root (``("id",)``, ``("last_verification_report", "verification_session")``),
    whichever ``anyOf`` branch or array it sits in.
    """
    key, doc = schema_for(key, document)
    resources = doc.get("x-resources", {})
    name = resources.get(key, key) if isinstance(resources, Mapping) else key
    builder = _Builder(doc, overrides or {})
    if name not in builder.defs:
        raise KeyError(f"no schema {key!r} in the document")
    return builder.build({"$ref": "#/$defs/" + name}, (), 0)


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _pointer(tokens: tuple[str | int, ...]) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


_REPLACEMENTS = st.sampled_from(
    [None, 0, -1, 1.5, True, "", "x" * 5001, "unknown_value", [], {}, ["x"], {"k": "v"}]
)


@st.composite
def mutations(draw: st.DrawFn, payload: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One mutation of ``payload``: a value replaced, a key removed, or a key added.

    Returns the mutated copy and a description (``"replace /status"``). The
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
    return mutated, f"{action} {_pointer(tokens) or '/'}"
