"""Hypothesis strategies for valid payloads of the generated classes, read from the classes.

Driven by the same conversion plans as the converters (type hints + FieldInfo),
so they cover any generated package. Values are schema-valid and look real: IDs
carry their resource's prefix (from [`stripe_schemas.identity`][stripe_schemas.identity]), unix times fall
between 2021 and now, strings now and then reach their `maxLength` (non-ASCII
included), `metadata` keeps to Stripe's limits. They know no Stripe Identity
invariant: `stripe_schemas.strategies.payloads` hands the two identity resources
to the rule-respecting generators instead. Imports hypothesis, so it is never
imported by `import stripe_schemas`.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from .. import identity as facts
from ..model import (
    EVENT_DATA_SCHEMA,
    AnyNode,
    EnumNode,
    FieldInfo,
    FieldPlan,
    ListNode,
    MapNode,
    ModelNode,
    Node,
    NullableNode,
    ScalarNode,
    UnionNode,
    class_plan,
    ecma_regex,
    is_model,
    models_in,
    resource_id_of,
    schema_key_of,
    type_node,
)
from ..sampling import ID_SPACE, default_now, id_body

#: Text that survives every JSON encoder (no lone surrogates).
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
#: Map keys as Stripe metadata allows them: dots, slashes, tildes and non-ASCII included.
KEYS = st.text(st.sampled_from("ab.~/_-é1"), max_size=8)
INTS = st.integers(min_value=-(2**53), max_value=2**53)
FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | INTS | FLOATS | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)
#: Metadata as Stripe allows it: up to 50 keys of up to 40 characters (no square
#: brackets), values up to 500 characters.
METADATA_KEYS = st.text(
    st.characters(codec="utf-8", exclude_characters=facts.METADATA_KEY_FORBIDDEN),
    min_size=1,
    max_size=facts.METADATA_MAX_KEY_LENGTH,
)


def ids(prefix: str) -> st.SearchStrategy[str]:
    """IDs as Stripe writes them: the prefix and 24 letters or digits (one draw)."""
    return st.integers(0, ID_SPACE - 1).map(lambda number: prefix + id_body(number))


@functools.cache
def texts(max_length: int | None) -> st.SearchStrategy[str]:
    """Short text, or (now and then) text exactly `max_length` long, non-ASCII included."""
    if max_length is None:
        return TEXT
    short = st.text(st.characters(codec="utf-8"), max_size=min(12, max_length))
    seed = st.text(st.characters(codec="utf-8"), min_size=1, max_size=4)
    full = seed.map(lambda s: (s * (max_length // len(s) + 1))[:max_length])
    return st.one_of(*[short] * 7, full)  # about one string in eight at its maxLength


def unix_times() -> st.SearchStrategy[int]:
    """Unix times between Stripe Identity's launch and now."""
    return st.integers(facts.CREATED_FROM, default_now())


def metadata() -> st.SearchStrategy[dict[str, str]]:
    values = texts(facts.METADATA_MAX_VALUE_LENGTH)
    few = st.dictionaries(METADATA_KEYS, values, max_size=3)
    full = st.dictionaries(
        METADATA_KEYS,
        values,
        min_size=facts.METADATA_MAX_KEYS,
        max_size=facts.METADATA_MAX_KEYS,
    )
    return st.one_of(*[few] * 15, full)  # now and then as many keys as Stripe allows


def payloads(target: Any, *, max_depth: int = 4, **overrides: Any) -> st.SearchStrategy[Any]:
    """Valid JSON payloads for a generated class or a union of them.

    `overrides` (by attribute or wire name; a strategy or a plain value) replace the
    drawn value of a top-level field and force it present, optional or not. Past
    `max_depth` nested objects, only required fields are drawn, by the branches that end
    soonest; a class whose required fields lead back to it (no JSON value is one) is a
    `ValueError`.
    """
    if overrides and not is_model(target):
        raise TypeError("overrides apply to generated classes only")
    if is_model(target):
        fixed = _overrides(target, overrides)
        return _model(target, max_depth, fixed) if fixed else _plain_model(target, max_depth)
    return _strategy(type_node(target)[0], max_depth, None)


@functools.cache
def _plain_model(cls: type, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    """Built once per class and depth (strategies are immutable; tests draw them often)."""
    return _model(cls, depth, {})


def _overrides(cls: type, given: Mapping[str, Any]) -> dict[str, st.SearchStrategy[Any]]:
    """Overrides keyed by wire name, each a strategy (`TypeError` for unknown fields)."""
    plan = class_plan(cls)
    by_name = {field.name: field.wire for field in plan.fields}
    out: dict[str, st.SearchStrategy[Any]] = {}
    for name, value in given.items():
        wire = by_name.get(name, name if name in plan.by_wire else None)
        if wire is None:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        out[wire] = value if isinstance(value, st.SearchStrategy) else st.just(value)
    return out


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


@functools.cache
def _strategy(node: Node, depth: int, info: FieldInfo | None) -> st.SearchStrategy[Any]:
    if isinstance(node, AnyNode):
        return JSON
    if isinstance(node, ScalarNode):
        if node.limited:
            return _limited(node)
        if node.kind == "str":  # (the field's `maxLength` holds for its strings anywhere)
            return texts(node.max_length)
        if node.kind == "int" and node.format == "unix-time":
            return unix_times()
        if node.kind == "int" and info is not None and info.wire_name in facts.DATE_RANGES:
            low, high = facts.DATE_RANGES[info.wire_name]
            return st.integers(low, high)
        return {"int": INTS, "float": FLOATS | INTS, "bool": st.booleans()}[node.kind]
    if isinstance(node, EnumNode):
        known = st.sampled_from(node.values)
        return known | TEXT if node.bypass else known
    if isinstance(node, NullableNode):
        return st.none() | _strategy(node.inner, depth, info)
    if isinstance(node, ListNode):
        fewest = (node.limits.min_items if node.limits is not None else None) or 0
        most = node.limits.max_items if node.limits is not None else None
        size = max(fewest, 3) if most is None else min(most, max(fewest, 3))
        if (depth <= 0 and _needs_depth(node.item)) or _height(node.item) is None:
            size = fewest  # deep enough (or items that cannot end): as few as allowed
        if size == 0:
            return st.just([])
        return st.lists(_strategy(node.item, depth, info), min_size=fewest, max_size=size)
    if isinstance(node, MapNode):
        if info is not None and info.wire_name == "metadata":
            return metadata()
        ends = _height(node.value) is not None
        if (depth <= 0 and _needs_depth(node.value)) or not ends:
            return st.just({})
        return st.dictionaries(KEYS, _strategy(node.value, depth, None), max_size=3)
    if isinstance(node, ModelNode):
        if _height(node) is None:
            raise ValueError(
                f"{node.cls.__name__} has no finite payload: its required fields lead back to it"
            )
        return _plain_model(node.cls, depth)
    drawable = [m for m in node.members if _height(m) is not None]
    members = [m for m in drawable if depth > 0 or not _needs_depth(m)]
    if not members and depth <= 0:  # deep enough: the branches that end soonest
        heights = {m: _height(m) for m in node.members}
        lowest = min((h for h in heights.values() if h is not None), default=None)
        members = [m for m, h in heights.items() if h == lowest and h is not None]
    prefix = _expands_to(info)
    return st.one_of(
        [
            ids(prefix)
            if prefix and isinstance(m, ScalarNode) and m.kind == "str"
            else _strategy(m, depth, info)
            for m in members or drawable or node.members
        ]
    )


#: A pattern that is one character class repeated (`^[0-9a-f]+$`): group 1 the class,
#: group 2 the `+` or `*`.
_REPEATED_CLASS = re.compile(r"\^(\[(?:[^\]\\]|\\.)+\])([+*])\$")


def _limited(node: ScalarNode) -> st.SearchStrategy[Any]:
    """Strings or numbers within the spec's limits (`minLength`, `pattern`, `minimum`, …)."""
    limits = node.limits
    assert limits is not None
    if node.kind == "str":
        shortest = limits.min_length or 0
        longest = node.max_length
        if limits.pattern is None:
            top = longest if longest is not None else shortest + 12
            size = min(top, shortest + 12)
            return st.text(st.characters(codec="utf-8"), min_size=shortest, max_size=size)
        repeated = _REPEATED_CLASS.fullmatch(limits.pattern)
        if repeated is not None:  # `^[0-9a-f]+$`: text of that class, at the allowed length
            alphabet = st.from_regex(ecma_regex(repeated[1]), fullmatch=True)
            fewest = max(shortest, 1 if repeated[2] == "+" else 0)
            top = longest if longest is not None else fewest + 12
            return st.text(alphabet, min_size=fewest, max_size=max(fewest, min(top, fewest + 12)))
        return st.from_regex(limits.regex()).filter(
            lambda s: shortest <= len(s) and (longest is None or len(s) <= longest)
        )
    lowest = [b for b in (limits.minimum, limits.exclusive_minimum) if b is not None]
    highest = [b for b in (limits.maximum, limits.exclusive_maximum) if b is not None]
    low = max(lowest) if lowest else None
    high = min(highest) if highest else None
    if node.kind == "int":
        ints = st.integers(
            min_value=None if low is None else math.ceil(low),
            max_value=None if high is None else math.floor(high),
        )
        return ints.filter(lambda n: limits.check_number(n) is None)
    floats = st.floats(
        min_value=low, max_value=high, allow_nan=False, allow_infinity=False, width=64
    )
    return floats.filter(lambda x: limits.check_number(x) is None)


def _expands_to(info: FieldInfo | None) -> str | None:
    """The ID prefix of the resource an expandable field names (`None` if unknown)."""
    if info is None:
        return None
    for resource in info.expansion:
        prefix = facts.ID_PREFIXES.get(resource)
        if prefix is not None:
            return prefix
    return None


def _height(node: Node) -> int | None:
    """How many objects deep the smallest valid value of `node` is (None: it has none,
    as when a class's required fields lead back to it)."""
    if isinstance(node, ModelNode):
        return _class_heights(node.cls).get(node.cls)
    return _node_height(node, None)


def _node_height(node: Node, heights: Mapping[type, int] | None) -> int | None:
    """`_height`, with the classes' heights found so far (None: their final ones)."""
    if isinstance(node, ModelNode):
        return _height(node) if heights is None else heights.get(node.cls)
    if isinstance(node, NullableNode):
        return 0
    if isinstance(node, UnionNode):
        found = [h for m in node.members if (h := _node_height(m, heights)) is not None]
        return min(found, default=None)
    if isinstance(node, ListNode) and node.limits is not None and node.limits.min_items:
        return _node_height(node.item, heights)
    return 0  # a scalar, null, an empty list or map


@functools.cache
def _class_heights(cls: type) -> dict[type, int]:
    """`_height` of every class reachable from `cls` that has a finite payload (a least
    fixpoint: a class is one deeper than its deepest required field)."""
    reachable: list[type] = []
    todo = [cls]
    while todo:
        found = todo.pop()
        if found not in reachable:
            reachable.append(found)
            todo += [m for f in class_plan(found).fields for m in models_in(f.node)]
    heights: dict[type, int] = {}
    changed = True
    while changed:
        changed = False
        for each in reachable:
            if each in heights:
                continue
            needed = [
                _node_height(f.node, heights)
                for f in class_plan(each).fields
                if f.required and not f.nullable
            ]
            if None not in needed:
                heights[each] = 1 + max((h for h in needed if h is not None), default=0)
                changed = True
    return heights


def _needs_depth(node: Node) -> bool:
    if isinstance(node, (ModelNode, UnionNode)):
        return True
    if isinstance(node, NullableNode):
        return _needs_depth(node.inner)
    if isinstance(node, (ListNode, MapNode)):
        return _needs_depth(node.item if isinstance(node, ListNode) else node.value)
    return False


def _field_strategy(
    cls: type, field: FieldPlan, info: FieldInfo | None, depth: int
) -> st.SearchStrategy[Any]:
    """A field's values: the resource's ID prefix on `id` and on fields naming another resource."""
    schema = schema_key_of(cls)
    resource = resource_id_of(cls)
    linked = facts.LINKS.get((str(schema), field.wire))
    if field.wire == "id" and resource in facts.ID_PREFIXES:
        return ids(facts.ID_PREFIXES[str(resource)])
    if linked is not None and isinstance(field.node, ScalarNode):
        return ids(facts.ID_PREFIXES[linked])
    return _strategy(field.node, depth - 1, info)


def _model(
    cls: type, depth: int, overrides: Mapping[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in class_plan(cls).fields:
        value: st.SearchStrategy[Any]
        if field.wire in overrides:
            required[field.wire] = overrides[field.wire]
            continue
        ends = _height(field.node) is not None
        if ((depth <= 0 and _needs_depth(field.node)) or not ends) and (
            field.nullable or not field.required
        ):
            if not field.nullable:
                continue
            value = st.none()
        else:
            value = _field_strategy(cls, field, field.info(), depth)
            if field.nullable:
                value = st.none() | value
        (required if field.required else optional)[field.wire] = value
    drawn = st.fixed_dictionaries(required, optional=optional).map(
        lambda payload: _in_order(payload, class_plan(cls).fields)
    )
    if schema_key_of(cls) == EVENT_DATA_SCHEMA:
        return drawn.flatmap(_previous_from_object)
    return drawn


def _previous_from_object(data: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An event's `previous_attributes`: a partial object of its `object` (as the
    converters and the validator check it), here some of the object's own fields."""
    subject = data.get("object")
    if "previous_attributes" not in data or type(subject) is not dict:
        return st.just(data)
    keys = sorted(key for key in subject if key not in ("id", "object"))

    def build(chosen: list[str]) -> dict[str, Any]:
        return {**data, "previous_attributes": {key: copy.deepcopy(subject[key]) for key in chosen}}

    return (
        st.lists(st.sampled_from(keys), unique=True, max_size=3).map(build)
        if keys
        else (st.just({**data, "previous_attributes": {}}))
    )


def _in_order(payload: dict[str, Any], fields: tuple[FieldPlan, ...]) -> dict[str, Any]:
    """The payload with its keys in the class's field order (as Stripe writes them)."""
    return {field.wire: payload[field.wire] for field in fields if field.wire in payload}
