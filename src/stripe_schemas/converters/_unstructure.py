"""Unstructuring: one generated function per class, writing back exactly what was read.

Absent fields (`UNSET`) are omitted, `None` is written as `null`, lists
and maps are copied in order, and unknown fields kept in lenient mode are
written back where they were (in the payload's original key order). Fields
are otherwise written in wire-name order, the order of Stripe's fixtures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..model import (
    UNSET,
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
)
from ._compile_cache import CompileCache, run_source
from ._shared import NO_EXTRA, Extras, FastFail, copy_json


class NotJSON(ValueError):
    """An instance holds a value JSON cannot hold (NaN or an infinity, a set, a key that is
    not a string): unstructuring refuses it rather than write something else."""

    def __init__(self, what: str, holder: str = "a model instance") -> None:
        super().__init__(f"{holder} holds {what}")
        #: What it holds (`the float nan, which JSON cannot hold`).
        self.what = what


def json_copy(value: Any) -> Any:
    """`copy_json()` for the way out: a value JSON cannot hold is a `NotJSON`."""
    try:
        return copy_json(value)
    except FastFail:
        raise NotJSON(
            "a value JSON cannot hold (NaN or an infinity, a set, bytes, "
            "a key that is not a string) in a free-form value or a kept unknown field"
        ) from None


def not_finite(value: float) -> None:
    """Raise for a float field holding NaN or an infinity (JSON has no such number)."""
    raise NotJSON(f"the float {value!r}, which JSON cannot hold")


def check_floats(items: Iterable[Any]) -> None:
    """Raise for NaN or an infinity among the plain values of a list or map.

    Their sum is taken at C speed: it is finite when every value is (a sum too large for a
    float, or values that are not numbers, such as `None`, are then looked at one by one).
    """
    try:
        total = sum(items)
    except (TypeError, OverflowError):  # not numbers, or an integer no float can hold
        total = math.nan
    if total - total:  # NaN: not all finite, or not all numbers
        for item in items:
            if type(item) is float and item - item:
                not_finite(item)


def check_keys(mapping: Mapping[Any, Any]) -> None:
    """Raise for a key that is not a string in a map field (`str.join` checks at C speed)."""
    try:
        "".join(mapping)
    except TypeError:
        bad = next(k for k in mapping if not isinstance(k, str))
        raise NotJSON(f"a key of type {type(bad).__name__} (JSON keys are strings)") from None


def merge_extras(fields: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Put (copies of) unknown fields back beside the known ones, in their original order."""
    order: tuple[str, ...] = getattr(extra, "order", ())
    if not order:
        for key, value in extra.items():
            if key not in fields:
                fields[key] = json_copy(value)
        return fields
    out: dict[str, Any] = {}
    for key in order:
        if key in fields:
            out[key] = fields[key]
        elif key in extra:
            out[key] = json_copy(extra[key])
    if len(out) != len(fields.keys() | extra.keys()):  # fields set after structuring
        for key, value in fields.items():
            if key not in out:
                out[key] = value
        for key, value in extra.items():
            if key not in out:
                out[key] = json_copy(value)
    return out


def _plain(node: Node) -> bool:
    """Whether a value of this node is written as it is (a JSON scalar)."""
    if isinstance(node, NullableNode):
        return _plain(node.inner)
    return isinstance(node, (ScalarNode, EnumNode))


def _floats(node: Node) -> bool:
    """Whether a plain value of this node may be a float (checked to be finite)."""
    if isinstance(node, NullableNode):
        return _floats(node.inner)
    if isinstance(node, UnionNode):
        return any(_floats(m) for m in node.members)
    return isinstance(node, ScalarNode) and node.kind == "float"


class UnstructureCompiler(CompileCache):
    """Generates and caches the unstructure functions."""

    def __init__(self) -> None:
        super().__init__(
            "u",
            {
                "U": UNSET,
                "NOEX": NO_EXTRA,
                "CJ": json_copy,
                "NF": not_finite,
                "CF": check_floats,
                "CK": check_keys,
                "merge_extras": merge_extras,
            },
        )
        self.ns["value"] = self.value
        self.ns["extra_values"] = self.extra_values

    def extra_values(self, extra: Mapping[str, Any]) -> Mapping[str, Any]:
        """The JSON form of a class's declared other keys (`ClassPlan.additional`), in
        their order."""
        out = Extras({key: self.value(item) for key, item in extra.items()})
        out.order = getattr(extra, "order", ())
        return out

    def function(self, cls: type) -> Callable[[Any], dict[str, Any]]:
        """The unstructure function of a class (and of the classes it refers to)."""
        return self.build(lambda: self.model_name(cls))

    def compile_model(self, cls: type) -> None:
        self._compile(cls)

    def value(self, obj: Any) -> Any:
        """Unstructure any value: a model instance, a list or map of them, or a JSON scalar."""
        kind = type(obj)
        if kind is str or kind is int or kind is bool or obj is None:
            return obj
        if kind is float:
            if obj - obj:  # NaN or an infinity (a finite float gives 0.0)
                not_finite(obj)
            return obj
        name = self.names.get(kind)
        if name is not None and name in self.ns:
            return self.ns[name](obj)
        if is_model(kind):
            return self.function(kind)(obj)
        if isinstance(obj, (list, tuple)):
            return [self.value(x) for x in obj]
        if isinstance(obj, Mapping):
            check_keys(obj)
            return {k: self.value(x) for k, x in obj.items()}
        if isinstance(obj, (str, int)) or obj is None:  # subclasses (a `str` enum member)
            return obj
        if isinstance(obj, float):
            if obj - obj:
                not_finite(obj)
            return obj
        raise NotJSON(f"a Python {type(obj).__name__}, which is not a JSON value")

    def _compile(self, cls: type) -> None:
        plan = class_plan(cls)
        name = self.names[cls]
        lines = [f"def {name}(o):", "    d = {}"]
        for field in plan.fields:
            key = repr(field.wire)
            if field.required:
                lines.append(f"    v = o.{field.name}")
                lines += self._emit(field.node, field.nullable, "v", 1)
                lines.append(f"    d[{key}] = v")
            else:
                lines.append(f"    v = o.{field.name}")
                lines.append("    if v is not U:")
                lines += self._emit(field.node, field.nullable, "v", 2)
                lines.append(f"        d[{key}] = v")
        if plan.has_extra:
            # Declared other keys (`ClassPlan.additional`) hold converted values: their JSON
            # form goes back; unknown fields were kept as JSON already.
            extra = "e" if plan.additional is None else "extra_values(e)"
            lines += [
                "    e = o._extra",
                "    if e is not NOEX and (e or getattr(e, 'order', None)):",
                f"        return merge_extras(d, {extra})",
            ]
        lines.append("    return d")
        run_source("\n".join(lines) + "\n", f"unstructure {name}", self.ns)

    def _emit(self, node: Node, nullable: bool, var: str, indent: int) -> list[str]:
        """Lines that turn `var` into its JSON form (in place)."""
        pad = "    " * indent
        if _plain(node):
            # `v - v` is 0.0 for a finite float and NaN (true) for NaN or an infinity
            return [f"{pad}if type({var}) is float and {var} - {var}: NF({var})"] * _floats(node)
        if isinstance(node, AnyNode):  # free-form JSON: a copy, so the instance keeps its own
            return [f"{pad}{var} = {'value' if node.generic else 'CJ'}({var})"]
        if nullable or isinstance(node, NullableNode):
            inner = node.inner if isinstance(node, NullableNode) else node
            body = self._emit(inner, False, var, indent + 1)
            return [f"{pad}if {var} is not None:", *body] if body else []
        if isinstance(node, ModelNode):
            return [f"{pad}{var} = {self.model_name(node.cls)}({var})"]
        if isinstance(node, ListNode):
            if _plain(node.item):
                return [f"{pad}{var} = list({var})"] + [f"{pad}CF({var})"] * _floats(node.item)
            x = f"x{indent}"
            return [f"{pad}{var} = [{self._expression(node.item, x)} for {x} in {var}]"]
        if isinstance(node, MapNode):
            lines = [f"{pad}CK({var})"]
            if _plain(node.value):
                lines.append(f"{pad}{var} = dict({var})")
                return lines + [f"{pad}CF({var}.values())"] * _floats(node.value)
            x = f"x{indent}"
            expr = self._expression(node.value, x)
            return [*lines, f"{pad}{var} = {{k: {expr} for k, {x} in {var}.items()}}"]
        assert isinstance(node, UnionNode)
        models = node.models
        others = [m for m in node.members if not isinstance(m, ModelNode)]
        if len(models) == 1 and all(_plain(m) for m in others):
            fn = self.model_name(models[0])
            lines = [
                f"{pad}if type({var}) is {self._class_ref(models[0])}:",
                f"{pad}    {var} = {fn}({var})",
            ]
            if any(_floats(m) for m in others):
                lines.append(f"{pad}elif type({var}) is float and {var} - {var}: NF({var})")
            return lines
        return [f"{pad}{var} = value({var})"]

    def _expression(self, node: Node, var: str) -> str:
        if isinstance(node, ModelNode):
            return f"{self.model_name(node.cls)}({var})"
        if isinstance(node, AnyNode):
            return f"{'value' if node.generic else 'CJ'}({var})"
        return f"value({var})"

    def _class_ref(self, cls: type) -> str:
        ref = f"C_{self.model_name(cls)}"
        self.ns[ref] = class_plan(cls).cls  # the runtime class (of ``ListObject[T]`` too)
        return ref


UNSTRUCTURE = UnstructureCompiler()
