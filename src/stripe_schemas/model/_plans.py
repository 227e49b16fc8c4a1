"""Conversion plans: what the converters need to know about a generated class, found once.

A plan is read from the class itself (`attrs.fields`, the `FieldInfo`
metadata and the resolved type hints), so it works for any package the
generator writes. Both structuring paths (the fast generated functions and
the detailed, issue-collecting walk) and the unstructure functions are built
from the same plans, so they agree on what a payload means.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias, TypeVar, Union

import attrs

from ._meta import FieldInfo, Limits, StripeMeta, stripe_meta
from ._types import UnknownEnumValue
from ._unset import UnsetType

#: How strictly a payload is read: unknown fields and enum values are errors, or kept.
Mode = Literal["strict", "lenient"]
MODES: tuple[Mode, ...] = ("strict", "lenient")


#: The class attributes the generator writes on every class (`templates/module.py.jinja2`);
#: read through `schema_key_of`, `resource_id_of` and `operation_of`.
SCHEMA_KEY_ATTR = "__schema_key__"
RESOURCE_ID_ATTR = "__resource_id__"
#: On a request-parameter class: `(method, path)` of its operation.
OPERATION_ATTR = "__operation__"

EXTRA_ATTR = "_extra"
#: A class attribute the generator sets on a class whose schema declares the values of its
#: other keys (`additionalProperties` beside `properties`): those keys are not unknown
#: fields, and their values have the type `_extra`'s annotation gives them.
ADDITIONAL_ATTR = "__additional__"


@attrs.frozen
class AnyNode:
    """A free-form JSON value: passed through untouched."""

    #: An unbound type parameter (`ListObject` without `[T]`): the value may be a model
    #: instance, so unstructuring looks at its type instead of copying it as JSON.
    generic: bool = False


@attrs.frozen
class ScalarNode:
    """A JSON string, integer, number or boolean (`format` only refines the message).

    `max_length`: the spec's `maxLength` of a string.
    """

    kind: Literal["str", "int", "float", "bool"]
    format: str | None = None
    max_length: int | None = None
    #: The spec's other limits on the field's values (the string or number ones apply).
    limits: Limits | None = None

    @property
    def limited(self) -> bool:
        """Whether a value of the right type may still fail a limit besides `maxLength`."""
        found = self.limits
        if found is None:
            return False
        return found.strings if self.kind == "str" else self.kind != "bool" and found.numbers


@attrs.frozen
class EnumNode:
    """A `Literal` alias; `bypass` marks `x-stripeBypassValidation` (any string is valid)."""

    values: tuple[object, ...]
    bypass: bool = False
    #: The `object` field: a value outside the enum is a wrong tag, an error in every mode.
    tag: bool = False
    all_str: bool = attrs.field(init=False, eq=False)

    @all_str.default
    def _all_str(self) -> bool:
        return all(type(v) is str for v in self.values)


@attrs.frozen
class ListNode:
    item: Node
    #: The spec's `minItems`/`maxItems` of the field's arrays (None: no limit).
    limits: Limits | None = None


@attrs.frozen
class MapNode:
    """A JSON object used as a mapping (`metadata`); keys are kept as they are."""

    value: Node


@attrs.frozen
class ModelNode:
    cls: type


@attrs.frozen
class NullableNode:
    """`null` or the inner value (only inside containers and unions; fields carry a flag)."""

    inner: Node


@attrs.frozen
class UnionNode:
    """`anyOf` branches, an expandable field (`str` + models) or a union alias."""

    members: tuple[Node, ...]

    @property
    def models(self) -> tuple[type, ...]:
        return tuple(m.cls for m in self.members if isinstance(m, ModelNode))

    @property
    def is_expandable(self) -> bool:
        return bool(self.models) and any(
            isinstance(m, ScalarNode) and m.kind == "str" for m in self.members
        )


Node: TypeAlias = (
    AnyNode | ScalarNode | EnumNode | ListNode | MapNode | ModelNode | NullableNode | UnionNode
)


@attrs.frozen
class FieldPlan:
    """One spec field of a class."""

    name: str  # attribute (slot) name
    alias: str  # ``__init__`` keyword
    wire: str  # JSON key
    required: bool
    nullable: bool
    node: Node
    #: What the generator wrote beside the annotation.
    facts: StripeMeta = attrs.field(factory=StripeMeta)

    def info(self) -> FieldInfo:
        """The field's `FieldInfo`, read off its node."""
        node = self.node.inner if isinstance(self.node, NullableNode) else self.node
        items = node.item if isinstance(node, ListNode) else node
        if isinstance(items, NullableNode):
            items = items.inner
        enum = items if isinstance(items, EnumNode) else None
        expansion: tuple[str, ...] = ()
        if isinstance(node, UnionNode) and node.is_expandable:
            expansion = tuple(_resource_of(cls) for cls in node.models)
        return FieldInfo(
            wire_name=self.wire,
            required=self.required,
            nullable=self.nullable,
            max_length=self.facts.max_length,
            format=self.facts.format,
            limits=self.facts.limits,
            enum=tuple(enum.values) if enum is not None else None,  # type: ignore[arg-type]
            bypass_validation=enum is not None and enum.bypass,
            expansion=expansion,
        )


@attrs.frozen(eq=False)
class ClassPlan:
    """Everything the converters need about one generated class."""

    cls: type
    #: Spec fields in the class's order (the spec's, which the unstructure functions write).
    fields: tuple[FieldPlan, ...]
    #: The `object` tag values this class accepts (empty: the class has no `object` enum).
    tags: tuple[str, ...]
    has_extra: bool
    #: The slot descriptors' `__set__` by attribute name, when `__init__` can be bypassed.
    setters: Mapping[str, Any] | None
    #: A plain class with the same slots: instances are filled through it (plain attribute
    #: stores, which CPython specialises) and then given their real class. None: use setters.
    sibling: type | None
    #: What the plan is for: `cls`, or a parameterised generic class (`ListObject[T]`).
    target: Any = attrs.field(default=attrs.Factory(lambda self: self.cls, takes_self=True))
    #: The values of the keys the class does not list, when its schema declares them
    #: (`ADDITIONAL_ATTR`); None: every other key is an unknown field.
    additional: Node | None = None
    by_wire: Mapping[str, FieldPlan] = attrs.field(init=False)
    required_keys: frozenset[str] = attrs.field(init=False)

    @by_wire.default
    def _by_wire(self) -> Mapping[str, FieldPlan]:
        return {f.wire: f for f in self.fields}

    @required_keys.default
    def _required_keys(self) -> frozenset[str]:
        return frozenset(f.wire for f in self.fields if f.required)

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.by_wire)

    @property
    def label(self) -> str:
        """The name used in messages: the `object` tag, else the class name."""
        return self.tags[0] if len(self.tags) == 1 else self.cls.__name__


def schema_key_of(obj: object) -> str | None:
    """The component schema key a generated class (or anything) says it is for, else None."""
    key = getattr(obj, SCHEMA_KEY_ATTR, None)
    return key if isinstance(key, str) else None


def resource_id_of(obj: object) -> str | None:
    """The resource id (`object` tag) of a generated class, else None."""
    found = getattr(obj, RESOURCE_ID_ATTR, None)
    return found if isinstance(found, str) else None


def operation_of(obj: object) -> tuple[str, str] | None:
    """`(method, path)` of a request-parameter class's operation, else None."""
    found = getattr(obj, OPERATION_ATTR, None)
    return found if isinstance(found, tuple) and len(found) == 2 else None


def _resource_of(cls: type) -> str:
    """A generated class's resource id (its schema key when it has none)."""
    return resource_id_of(cls) or schema_key_of(cls) or ""


def is_model(tp: object) -> bool:
    """Whether `tp` is a class written by the generator (attrs + `__schema_key__`)."""
    return isinstance(tp, type) and attrs.has(tp) and hasattr(tp, SCHEMA_KEY_ATTR)


def is_generic_model(tp: object) -> bool:
    """Whether `tp` is a generic model class with its parameters (`ListObject[Customer]`)."""
    return is_model(typing.get_origin(tp)) and bool(typing.get_args(tp))


def is_model_target(tp: object) -> bool:
    """Whether `tp` structures through a class plan: a model class or a parameterised one."""
    return is_model(tp) or is_generic_model(tp)


def is_model_union(tp: object) -> bool:
    """Whether `tp` is a union whose branches are generated classes (and maybe `str`/None)."""
    if typing.get_origin(tp) not in (Union, types.UnionType):
        return False
    args = typing.get_args(tp)
    return any(is_model(a) for a in args) and all(
        is_model(a) or a in (str, type(None)) for a in args
    )


_PLANS: dict[Any, ClassPlan] = {}


def class_plan(target: Any) -> ClassPlan:
    """The (cached) plan of a generated class or a parameterised generic model class."""
    plan = _PLANS.get(target)
    if plan is None:
        plan = _build_class_plan(target)
        _PLANS[target] = plan
    return plan


def _bind(hint: Any, bound: Mapping[Any, Any]) -> Any:
    """A type hint with the class's type parameters replaced by their arguments."""
    if isinstance(hint, TypeVar):
        return bound.get(hint, hint)
    params = getattr(hint, "__parameters__", ())
    if params:
        return hint[tuple(bound.get(p, p) for p in params)]
    return hint


def _generic_hints(target: Any) -> tuple[type, dict[str, Any], Mapping[Any, Any]]:
    """(class, type hints with parameters bound, parameter → argument) of a plan target.

    A generic class without arguments has each parameter bound to an unstructured value.
    """
    cls = typing.get_origin(target) or target
    hints = typing.get_type_hints(cls)
    params: tuple[Any, ...] = getattr(cls, "__parameters__", ())
    if not params:
        return cls, hints, {}
    args = typing.get_args(target) or tuple(_UNBOUND for _ in params)
    bound = dict(zip(params, args, strict=True))
    return cls, {name: _bind(hint, bound) for name, hint in hints.items()}, bound


class _Unbound:
    """The argument of a type parameter nobody gave (a free-form value of any type)."""


_UNBOUND: Any = _Unbound


def _build_class_plan(target: Any) -> ClassPlan:
    cls, hints, _ = _generic_hints(target)
    fields = []
    names = set()
    for attribute in attrs.fields(cls):
        names.add(attribute.name)
        if attribute.name == EXTRA_ATTR:
            continue
        facts = stripe_meta(attribute)
        try:
            node, nullable = type_node(hints[attribute.name])
        except TypeError as error:
            raise TypeError(f"{cls.__name__}.{attribute.name}: {error}") from None
        if isinstance(node, ScalarNode) and facts.format is not None:
            node = ScalarNode(node.kind, facts.format)
        if facts.max_length is not None:
            node = with_max_length(node, facts.max_length)
        if facts.limits is not None:
            node = with_limits(node, facts.limits)
        wire = facts.wire or attribute.name
        if wire == "object" and isinstance(node, EnumNode):
            node = EnumNode(node.values, bypass=False, tag=True)
        fields.append(
            FieldPlan(
                name=attribute.name,
                alias=attribute.alias or attribute.name,
                wire=wire,
                required=attribute.default is attrs.NOTHING,
                nullable=nullable,
                node=node,
                facts=facts,
            )
        )
    tags: tuple[str, ...] = ()
    for f in fields:
        if f.wire == "object" and isinstance(f.node, EnumNode) and f.node.all_str:
            tags = tuple(str(v) for v in f.node.values)
    additional: Node | None = None
    if getattr(cls, ADDITIONAL_ATTR, False) is True:
        args = typing.get_args(hints.get(EXTRA_ATTR))
        if len(args) != 2 or args[0] is not str:
            raise TypeError(f"{cls.__name__}.{EXTRA_ATTR}: expected Mapping[str, ...]")
        try:
            additional = _nested(args[1], False)
        except TypeError as error:
            raise TypeError(f"{cls.__name__}.{EXTRA_ATTR}: {error}") from None
    return ClassPlan(
        additional=additional,
        cls=cls,
        fields=tuple(fields),
        tags=tags,
        has_extra=EXTRA_ATTR in names,
        setters=(setters := _setters(cls)),
        sibling=_sibling(cls) if setters is not None else None,
        target=target,
    )


def _setters(cls: type) -> dict[str, Any] | None:
    """Slot setters for every attrs field, or None when `__init__` must run."""
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return None
    setters = {}
    for attribute in attrs.fields(cls):
        if attribute.validator is not None or attribute.converter is not None:
            return None
        for klass in cls.__mro__:
            descriptor = klass.__dict__.get(attribute.name)
            if descriptor is not None:
                break
        if type(descriptor) is not types.MemberDescriptorType:
            return None
        setters[attribute.name] = descriptor.__set__
    return setters


def _sibling(cls: type) -> type | None:
    """A subclass of `cls` with plain `__setattr__` whose instances can become `cls`.

    Instances are filled through it with ordinary attribute stores (which CPython
    specialises for slots, unlike the frozen class's `__setattr__` or descriptor
    calls) and then switched to `cls` with `__class__` assignment. None when
    the layout does not allow the switch.
    """
    namespace = {
        "__slots__": (),
        "__module__": __name__,
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__init__": object.__init__,
    }
    sibling = type(f"_Filling{cls.__name__}", (cls,), namespace)
    probe: Any = object.__new__(sibling)
    try:
        probe.__class__ = cls
    except TypeError:
        return None
    return sibling


def type_node(tp: Any, *, bypass: bool = False) -> tuple[Node, bool]:
    """Translate an annotation into a node, and say whether `null` is accepted at this level."""
    if tp is Any:
        return AnyNode(), True
    if tp is _UNBOUND:
        return AnyNode(generic=True), True
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not UnsetType]
        if UnknownEnumValue in args:  # ``Documented | UnknownEnumValue``: the enum is open
            args.remove(UnknownEnumValue)
            bypass = True
        nullable = type(None) in args
        members: list[Node] = []
        for arg in args:
            if arg is type(None):
                continue
            node, inner_null = type_node(arg, bypass=bypass)
            nullable = nullable or inner_null
            if isinstance(node, UnionNode):
                members.extend(node.members)
            elif node not in members:
                members.append(node)
        if len(members) == 1:
            return members[0], nullable
        if not members:
            return AnyNode(), nullable
        return UnionNode(tuple(members)), nullable
    if origin is Literal:
        return EnumNode(tuple(typing.get_args(tp)), bypass), False
    if origin is list and len(typing.get_args(tp)) == 1:
        (item,) = typing.get_args(tp)
        return ListNode(_nested(item, bypass)), False
    if origin is dict and typing.get_args(tp)[:1] == (str,):
        _, value = typing.get_args(tp)
        return MapNode(_nested(value, bypass)), False
    if tp in _SCALARS:
        return ScalarNode(tp.__name__), False
    if is_model_target(tp):
        return ModelNode(tp), False
    raise TypeError(unsupported(tp))


_SCALARS = (str, int, float, bool)


def unsupported(tp: object) -> str:
    """Why a type is not a converter target or field annotation."""
    supported = (
        "supported: generated model classes, unions of them, list[...], dict[str, ...], "
        "str, int, float, bool, Literal[...], Any and None in unions"
    )
    if isinstance(tp, type) and attrs.has(tp):
        what = f"{tp.__name__} is an attrs class, but not one the generator wrote"
        return f"{what} (no __schema_key__); use a cattrs Converter for it ({supported})"
    # Types and typing constructs have their own reprs; any other object (a wrong argument)
    # is named by its type only, so a user's object is never asked for its repr.
    is_type_like = isinstance(tp, type) or typing.get_origin(tp) is not None or tp is Any
    shown = repr(tp) if is_type_like else f"a {type(tp).__name__}"
    if tp in (list, dict):
        return f"{shown} needs its item type: list[...] or dict[str, ...]"
    if typing.get_origin(tp) is dict:
        return f"{shown} is not supported: JSON object keys are strings, use dict[str, ...]"
    if not isinstance(tp, type) and typing.get_origin(tp) is None and tp is not Any:
        return f"{shown[:80]} is not a type ({supported})"
    return f"stripe_schemas converters do not support the annotation {shown[:80]} ({supported})"


def with_max_length(node: Node, limit: int) -> Node:
    """`node` with `maxLength` on its strings (a field's limit holds for its strings in
    lists, maps and unions too: the generator reads it wherever the spec puts it)."""
    if isinstance(node, ScalarNode):
        return attrs.evolve(node, max_length=limit) if node.kind == "str" else node
    if isinstance(node, NullableNode):
        return NullableNode(with_max_length(node.inner, limit))
    if isinstance(node, ListNode):
        return attrs.evolve(node, item=with_max_length(node.item, limit))
    if isinstance(node, MapNode):
        return MapNode(with_max_length(node.value, limit))
    if isinstance(node, UnionNode):
        return UnionNode(tuple(with_max_length(m, limit) for m in node.members))
    return node


def models_in(node: Node) -> list[type]:
    """The generated classes a node holds, wherever (items, map values, branches)."""
    if isinstance(node, ModelNode):
        return [node.cls]
    if isinstance(node, NullableNode):
        return models_in(node.inner)
    if isinstance(node, ListNode):
        return models_in(node.item)
    if isinstance(node, MapNode):
        return models_in(node.value)
    if isinstance(node, UnionNode):
        return [c for m in node.members for c in models_in(m)]
    return []


def with_limits(node: Node, limits: Limits) -> Node:
    """`node` with the spec's other limits on its strings, numbers and arrays, wherever
    they are in it (as `with_max_length`)."""
    if isinstance(node, ScalarNode):
        return attrs.evolve(node, limits=limits) if node.kind != "bool" else node
    if isinstance(node, NullableNode):
        return NullableNode(with_limits(node.inner, limits))
    if isinstance(node, ListNode):
        found = limits if limits.arrays else None
        return ListNode(with_limits(node.item, limits), found)
    if isinstance(node, MapNode):
        return MapNode(with_limits(node.value, limits))
    if isinstance(node, UnionNode):
        return UnionNode(tuple(with_limits(m, limits) for m in node.members))
    return node


def _nested(tp: Any, bypass: bool) -> Node:
    node, nullable = type_node(tp, bypass=bypass)
    if nullable and not isinstance(node, AnyNode):
        return NullableNode(node)
    return node


def describe_node(node: Node) -> str:
    """A short human name for what a node expects (used in messages)."""
    if isinstance(node, AnyNode):
        return "any value"
    if isinstance(node, ScalarNode):
        name = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}[node.kind]
        return f"{name} ({node.format})" if node.format else name
    if isinstance(node, EnumNode):
        return "one of " + ", ".join(repr(v) for v in node.values)
    if isinstance(node, ListNode):
        return "array"
    if isinstance(node, MapNode):
        return "object (map)"
    if isinstance(node, ModelNode):
        return f"object ({class_plan(node.cls).label})"
    if isinstance(node, NullableNode):
        return describe_node(node.inner) + " or null"
    if node.is_expandable:
        targets = " or ".join(class_plan(c).label for c in node.models)
        return f"an ID string or an expanded {targets} object"
    return " or ".join(describe_node(m) for m in node.members)


def spec_fields(cls: type) -> tuple[tuple[attrs.Attribute[Any], FieldInfo], ...]:
    """The spec fields of a generated class (or `ListObject`) with their facts, in order.

    Derived once from the class: its annotations, defaults, attribute names and the
    [`meta()`][stripe_schemas.meta] the generator wrote (see `stripe_schemas._meta`).
    """
    plan = class_plan(cls)
    by_name = {attribute.name: attribute for attribute in attrs.fields(plan.cls)}
    return tuple((by_name[f.name], f.info()) for f in plan.fields)


def field_info(cls: type, name: str) -> FieldInfo:
    """The `FieldInfo` of one attribute (by its Python name) of a generated class."""
    for attribute, info in spec_fields(cls):
        if attribute.name == name:
            return info
    raise KeyError(f"{cls.__name__} has no spec field {name!r}")
