"""The detailed structuring path: walk the payload, collect every issue, build the value.

This walk is the reference for what a payload means. It runs when the fast
function fails (or meets something that needs a notice): it reports every
problem with an RFC 6901 pointer, names the union branch it was trying, and
builds the instance when there are no errors (lenient mode keeps unknown enum
values and records a notice for each).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from ._convert_plan import (
    NO_EXTRA,
    AnyNode,
    ClassPlan,
    EnumNode,
    Extras,
    ListNode,
    MapNode,
    Mode,
    ModelNode,
    Node,
    NullableNode,
    ScalarNode,
    UnionNode,
    class_plan,
    describe_node,
    dict_dispatch,
)
from ._issues import (
    MISSING_REQUIRED,
    NO_UNION_BRANCH,
    NULL_NOT_ALLOWED,
    TYPE_MISMATCH,
    UNKNOWN_ENUM_VALUE,
    UNKNOWN_FIELD,
    WRONG_OBJECT_TAG,
    Issue,
    Severity,
    describe_value,
    join_pointer,
)
from ._unset import UNSET

#: Where :func:`structure` puts notices (``None``: nobody asked for them).
NOTICE_SINK: ContextVar[list[Issue] | None] = ContextVar("stripe_schemas_notices", default=None)


class _Bad:
    """The result of a value that had errors (its issues are already recorded)."""


BAD: Any = _Bad()
_MISSING = object()
_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
}


class Walk:
    """One detailed walk: the mode, the issues found so far and the union branches entered."""

    def __init__(self, mode: Mode, labels: tuple[str, ...] = ()) -> None:
        self.mode = mode
        self.issues: list[Issue] = []
        self.labels = labels

    def add(self, path: str, code: str, message: str, severity: Severity = "error") -> None:
        if self.labels:
            message = f"[{' > '.join(self.labels)}] {message}"
        self.issues.append(Issue(path, code, severity, message))

    def branch(self, label: str) -> Walk:
        return Walk(self.mode, (*self.labels, label))

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)

    # -- values -----------------------------------------------------------------

    def value(self, node: Node, value: Any, path: str) -> Any:
        if isinstance(node, AnyNode):
            return value
        if isinstance(node, NullableNode):
            return None if value is None else self.value(node.inner, value, path)
        if isinstance(node, ScalarNode):
            if type(value) in _SCALAR_TYPES[node.kind]:
                return value
            return self._mismatch(node, value, path)
        if isinstance(node, EnumNode):
            return self.enum(node, value, path)
        if isinstance(node, ListNode):
            if type(value) is not list:
                return self._mismatch(node, value, path)
            items = [self.value(node.item, x, join_pointer(path, i)) for i, x in enumerate(value)]
            return BAD if any(x is BAD for x in items) else items
        if isinstance(node, MapNode):
            if type(value) is not dict:
                return self._mismatch(node, value, path)
            out = {k: self.value(node.value, x, join_pointer(path, k)) for k, x in value.items()}
            return BAD if any(x is BAD for x in out.values()) else out
        if isinstance(node, ModelNode):
            return self.model(class_plan(node.cls), value, path)
        return self.union(node, value, path)

    def _mismatch(self, node: Node, value: Any, path: str) -> Any:
        if value is None:
            self.add(path, NULL_NOT_ALLOWED, f"null is not allowed; expected {describe_node(node)}")
        else:
            got = describe_value(path, value)
            self.add(path, TYPE_MISMATCH, f"expected {describe_node(node)}, got {got}")
        return BAD

    def enum(self, node: EnumNode, value: Any, path: str) -> Any:
        for known in node.values:
            if type(value) is type(known) and value == known:
                return value
        if type(value) is not str or not (node.all_str or node.bypass):
            return self._mismatch(node, value, path)
        if node.bypass:
            return value
        expected = ", ".join(repr(v) for v in node.values)
        got = describe_value(path, value)
        if node.tag:
            self.add(path, WRONG_OBJECT_TAG, f"wrong object tag {got}; expected {expected}")
            return BAD
        if self.mode == "lenient":
            message = f"kept unknown enum value {got} (known: {expected})"
            self.add(path, UNKNOWN_ENUM_VALUE, message, severity="notice")
            return value
        self.add(path, UNKNOWN_ENUM_VALUE, f"unknown enum value {got}; expected one of {expected}")
        return BAD

    # -- objects ----------------------------------------------------------------

    def model(self, plan: ClassPlan, value: Any, path: str) -> Any:
        if type(value) is not dict:
            return self._mismatch(ModelNode(plan.cls), value, path)
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        bad = False
        schema = getattr(plan.cls, "__stripe_schema__", plan.cls.__name__)
        for key, item in value.items():
            field = plan.by_wire.get(key)
            where = join_pointer(path, key)
            if field is None:
                if self.mode == "lenient" and plan.has_extra:
                    extra[key] = item
                else:
                    self.add(where, UNKNOWN_FIELD, f"unknown field {key!r} (not in `{schema}`)")
                    bad = True
                continue
            if item is None and field.nullable:
                values[field.name] = None
                continue
            result = self.value(field.node, item, where)
            if result is BAD:
                bad = True
            values[field.name] = result
        for field in plan.fields:
            if field.required and field.wire not in value:
                where = join_pointer(path, field.wire)
                self.add(where, MISSING_REQUIRED, f"required field {field.wire!r} is missing")
                bad = True
        if bad:
            return BAD
        return build(plan, values, _extras(value, extra))

    def union(self, node: UnionNode, value: Any, path: str) -> Any:
        if any(isinstance(m, AnyNode) for m in node.members):
            return value
        kind = type(value)
        if kind is dict and (node.models or any(isinstance(m, MapNode) for m in node.members)):
            return self.union_object(node, value, path)
        if kind is str:
            strs = [m for m in node.members if isinstance(m, (ScalarNode, EnumNode))]
            if any(isinstance(m, ScalarNode) and m.kind == "str" for m in strs) or any(
                isinstance(m, EnumNode) and m.bypass for m in strs
            ):
                return value
            values = tuple(v for m in strs if isinstance(m, EnumNode) for v in m.values)
            if any(type(v) is str for v in values):
                return self.enum(EnumNode(values), value, path)
        for member in node.members:
            if _json_kind_matches(member, kind):
                return self.value(member, value, path)
        if value is None:
            self.add(path, NULL_NOT_ALLOWED, f"null is not allowed; expected {describe_node(node)}")
        else:
            what = "expandable field" if node.is_expandable else "union"
            got = describe_value(path, value)
            message = f"{what}: expected {describe_node(node)}, got {got}"
            self.add(path, NO_UNION_BRANCH, message)
        return BAD

    def union_object(self, node: UnionNode, value: dict[str, Any], path: str) -> Any:
        spec = dict_dispatch(node)
        what = "expandable field" if node.is_expandable else "union"
        tag = value.get("object", _MISSING)
        candidates = spec.tagged.get(tag) if isinstance(tag, str) else None
        by_tag = candidates is not None
        if candidates is not None:
            labels = {c: f"{what} as {tag}" for c in candidates}
            if len(candidates) > 1:
                labels = {c: f"{what} as {tag} ({c.__name__})" for c in candidates}
        elif spec.untagged or spec.map is not None:
            candidates = spec.untagged
            labels = {c: f"{what} as {class_plan(c).label}" for c in candidates}
        else:
            expected = ", ".join(repr(t) for t in spec.tags)
            if tag is _MISSING:
                message = f"{what}: the object has no 'object' tag; expected one of {expected}"
            else:
                got = describe_value(join_pointer(path, "object"), tag)
                message = f"{what}: wrong 'object' tag {got}; expected one of {expected}"
            self.add(path, WRONG_OBJECT_TAG, message)
            return BAD
        fitting = [c for c in candidates if class_plan(c).required_keys <= value.keys()]
        trials = [(c, self.branch(labels[c])) for c in (fitting or candidates)]
        results = [(walk, walk.model(class_plan(c), value, path)) for c, walk in trials]
        chosen = _choose(results, self.mode)
        if chosen is None and spec.map is not None:
            walk = self.branch(f"{what} as a map")
            results.append((walk, walk.value(spec.map, value, path)))
            chosen = _choose(results[-1:], self.mode)
        if chosen is not None:
            walk, result = chosen
            self.issues.extend(walk.issues)
            return result
        # Same-tag candidates: explain the most specific one that fits; untagged: all of them.
        for walk, _ in results[:1] if by_tag else results:
            self.issues.extend(walk.issues)
        return BAD


def _choose(results: list[tuple[Walk, Any]], mode: Mode) -> tuple[Walk, Any] | None:
    """Pick a branch as the fast path would: clean first (without unknown fields), then any."""
    ok = [(walk, result) for walk, result in results if result is not BAD and not walk.has_errors]
    clean = [(walk, result) for walk, result in ok if not walk.issues]
    if mode == "lenient":
        tidy = [(w, r) for w, r in clean if not getattr(r, "_extra", None)]
        if tidy:
            return tidy[0]
    if clean:
        return clean[0]
    return ok[0] if ok else None


def _json_kind_matches(node: Node, kind: type) -> bool:
    if isinstance(node, ScalarNode):
        return kind in _SCALAR_TYPES[node.kind]
    if isinstance(node, EnumNode):
        return any(type(v) is kind for v in node.values) or (node.bypass and kind is str)
    if isinstance(node, ListNode):
        return kind is list
    return False


def _extras(payload: dict[str, Any], extra: dict[str, Any]) -> Any:
    if not extra:
        return NO_EXTRA
    kept = Extras(extra)
    kept.order = tuple(payload)
    return kept


def build(plan: ClassPlan, values: dict[str, Any], extra: Any) -> Any:
    """Build an instance exactly as the fast path does (absent fields are UNSET)."""
    if plan.setters is not None:
        instance: Any = object.__new__(plan.cls)
        for field in plan.fields:
            plan.setters[field.name](instance, values.get(field.name, UNSET))
        if plan.has_extra:
            plan.setters["_extra"](instance, extra)
        return instance
    kwargs = {field.alias: values.get(field.name, UNSET) for field in plan.fields}
    if plan.has_extra:
        kwargs["_extra"] = extra
    return plan.cls(**kwargs)
