"""Hypothesis strategies for valid payloads of the generated classes, read from the classes.

Driven by the same conversion plans as the converters (type hints + FieldInfo),
so they cover any generated package. Used by the converter tests; imports
hypothesis, so it is never imported by ``import stripe_schemas``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .converters._plan import (
    AnyNode,
    EnumNode,
    ListNode,
    MapNode,
    ModelNode,
    Node,
    NullableNode,
    ScalarNode,
    UnionNode,
    class_plan,
    is_model,
    type_node,
)

#: Text that survives every JSON encoder (no lone surrogates).
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
#: Map keys as Stripe metadata allows them: dots, slashes and tildes included.
KEYS = st.text(st.sampled_from("ab.~/_-é1"), max_size=8)
INTS = st.integers(min_value=-(2**53), max_value=2**53)
FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | INTS | FLOATS | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def payloads(target: Any, *, max_depth: int = 4) -> st.SearchStrategy[Any]:
    """Valid JSON payloads for a generated class or a union of them."""
    node = ModelNode(target) if is_model(target) else type_node(target)[0]
    return _strategy(node, max_depth)


def unknown_fields(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """Extra top-level fields the class does not know (as a newer API version would send)."""
    known = class_plan(cls).known
    names = st.text(st.sampled_from("xyz_"), min_size=1, max_size=6).filter(
        lambda k: k not in known
    )
    return st.dictionaries(names, JSON, min_size=1, max_size=3)


def with_unknown_fields(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads with unknown fields mixed in, keys in a random order."""
    merged = st.tuples(payloads(cls), unknown_fields(cls)).map(lambda pair: {**pair[1], **pair[0]})
    return merged.flatmap(lambda d: st.permutations(list(d.items())).map(dict))


def _strategy(node: Node, depth: int) -> st.SearchStrategy[Any]:
    if isinstance(node, AnyNode):
        return JSON
    if isinstance(node, ScalarNode):
        return {
            "str": TEXT,
            "int": INTS,
            "float": FLOATS | INTS,
            "bool": st.booleans(),
        }[node.kind]
    if isinstance(node, EnumNode):
        known = st.sampled_from(node.values)
        return known | TEXT if node.bypass else known
    if isinstance(node, NullableNode):
        return st.none() | _strategy(node.inner, depth)
    if isinstance(node, ListNode):
        return st.lists(_strategy(node.item, depth), max_size=3)
    if isinstance(node, MapNode):
        return st.dictionaries(KEYS, _strategy(node.value, depth), max_size=3)
    if isinstance(node, ModelNode):
        return _model(node.cls, depth)
    members = [m for m in node.members if depth > 0 or not _needs_depth(m)]
    return st.one_of([_strategy(m, depth) for m in members or node.members])


def _needs_depth(node: Node) -> bool:
    if isinstance(node, (ModelNode, UnionNode)):
        return True
    if isinstance(node, NullableNode):
        return _needs_depth(node.inner)
    if isinstance(node, (ListNode, MapNode)):
        return _needs_depth(node.item if isinstance(node, ListNode) else node.value)
    return False


def _model(cls: type, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in class_plan(cls).fields:
        value: st.SearchStrategy[Any]
        if depth <= 0 and _needs_depth(field.node) and (field.nullable or not field.required):
            if not field.nullable:
                continue
            value = st.none()
        else:
            value = _strategy(field.node, depth - 1)
            if field.nullable:
                value = st.none() | value
        (required if field.required else optional)[field.wire] = value
    return st.fixed_dictionaries(required, optional=optional)
