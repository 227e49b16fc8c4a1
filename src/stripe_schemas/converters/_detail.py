"""The detailed structuring path: walk the payload, collect every issue, build the value.

This walk is the reference for what a payload means. It runs when the fast
function fails (or meets something that needs a notice): it reports every
problem with an RFC 6901 pointer, names the union branch it was trying, and
builds the instance when there are no errors (lenient mode keeps unknown enum
values and records a notice for each).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from ..issues import (
    INPUT_LIMIT,
    MAX_LENGTH,
    MISSING_REQUIRED,
    NULL_NOT_ALLOWED,
    TYPE_MISMATCH,
    UNKNOWN_ENUM_VALUE,
    UNKNOWN_FIELD,
    UNKNOWN_MODEL,
    WRONG_OBJECT_TAG,
    Issue,
    Severity,
    describe_value,
    limit_failure,
    too_long,
)
from ..model import (
    UNSET,
    AnyNode,
    ClassPlan,
    EnumNode,
    Limits,
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
    pointer,
    schema_key_of,
)
from ._compile_cache import run_source
from ._fast import FAST_ERRORS, fast_compiler
from ._shared import NO_EXTRA, Extras, copy_json, dict_dispatch, key_orders, post_check

#: Where `structure()` puts notices (`None`: nobody asked for them).
NOTICE_SINK: ContextVar[list[Issue] | None] = ContextVar("stripe_schemas_notices", default=None)


class _Bad:
    """The result of a value that had errors (its issues are already recorded)."""


BAD: Any = _Bad()
_MISSING = object()
#: Union branches named in a message, at most (the innermost ones).
_MAX_LABELS = 4
#: The fast function of each class, per mode (tried before walking a subtree in detail).
_FAST_FUNCTIONS: dict[Mode, dict[Any, Callable[[Any], Any]]] = {"strict": {}, "lenient": {}}
#: A location in the payload as reference tokens; turned into a JSON pointer only for an issue.
Path = tuple[str | int, ...]


def scalar_kind(value: Any) -> str | None:
    """The JSON kind of a scalar built in Python (subclasses included; the vet has removed
    NaN and non-JSON values): `str`, `bool`, `int`, `float` or None."""
    if isinstance(value, str):
        return "str"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return None


def _scalar(node: ScalarNode, value: Any) -> Any:
    """The value a scalar node takes, or BAD: an integer-valued float is an integer (JSON and
    JSON Schema do not tell 1.0 from 1), and an integer is a number."""
    kind = scalar_kind(value)
    if kind == node.kind:
        return value
    if node.kind == "float" and kind == "int":
        return value
    if node.kind == "int" and kind == "float" and value.is_integer():
        return int(value)
    return BAD


class Walk:
    """One detailed walk: the mode, the issues found so far and the union branches entered."""

    def __init__(self, mode: Mode, labels: tuple[str, ...] = ()) -> None:
        self.mode = mode
        self.issues: list[Issue] = []
        self.labels = labels
        self._fast = _FAST_FUNCTIONS[mode]

    def add(self, path: Path, code: str, message: str, severity: Severity = "error") -> None:
        labels = self.labels
        if (
            len(labels) > _MAX_LABELS
        ):  # deep nesting: the innermost branches (the path has the rest)
            labels = ("…", *labels[-(_MAX_LABELS - 1) :])
        if labels:
            message = f"[{' > '.join(labels)}] {message}"
        self.issues.append(Issue(pointer(path), code, severity, message))

    def branch(self, label: str) -> Walk:
        return Walk(self.mode, (*self.labels, label))

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)

    # -- values -----------------------------------------------------------------

    def value(self, node: Node, value: Any, path: Path) -> Any:
        if type(node) is ScalarNode:
            result = _scalar(node, value)
            if result is BAD:
                return self._mismatch(node, value, path)
            if node.max_length is not None and len(result) > node.max_length:
                self.add(path, MAX_LENGTH, too_long(pointer(path), result, node.max_length))
                return BAD
            if node.limited:  # (the message describes the value as given: 0.0 a number)
                return self.limited(node, result, path, value)
            return result
        if type(node) is EnumNode:
            return self.enum(node, value, path)
        if type(node) is ModelNode:
            return self.model(class_plan(node.cls), value, path)
        if type(node) is NullableNode:
            return None if value is None else self.value(node.inner, value, path)
        if type(node) is ListNode:
            if not isinstance(value, (list, tuple)):
                return self._mismatch(node, value, path)
            failed = node.limits.check_array(value) if node.limits is not None else None
            if failed is not None:  # (reported before its items' issues, as validation sorts)
                self.fails(path, failed, value, node.limits)  # type: ignore[arg-type]
            items = [self.value(node.item, x, (*path, i)) for i, x in enumerate(value)]
            return BAD if failed is not None or any(x is BAD for x in items) else items
        if type(node) is MapNode:
            if not isinstance(value, dict):
                return self._mismatch(node, value, path)
            out = {k: self.value(node.value, x, (*path, k)) for k, x in value.items()}
            return BAD if any(x is BAD for x in out.values()) else out
        if type(node) is AnyNode:
            return self.any(node, value, path)
        assert isinstance(node, UnionNode)
        return self.union(node, value, path)

    def limited(self, node: ScalarNode, value: Any, path: Path, given: Any) -> Any:
        """A string or number of the right type checked against the spec's other limits."""
        limits = node.limits
        assert limits is not None
        check = limits.check_string if node.kind == "str" else limits.check_number
        failed = check(value)
        if failed is None:
            return value
        self.fails(path, failed, given, limits)
        return BAD

    def fails(self, path: Path, keyword: str, value: Any, limits: Limits) -> None:
        """Report the limit `keyword` a value fails, as validation words it."""
        limit = getattr(limits, _LIMIT_ATTRS.get(keyword, ""), None)
        code, message = limit_failure(pointer(path), keyword, value, limit)
        self.add(path, code, message)

    def any(self, node: Node, value: Any, path: Path) -> Any:
        """A free-form value: anything but the absent marker, its JSON containers copied."""
        if value is UNSET:
            return self._mismatch(node, value, path)
        return copy_json(value)

    def _mismatch(self, node: Node, value: Any, path: Path) -> Any:
        if value is None:
            self.add(path, NULL_NOT_ALLOWED, f"null is not allowed; expected {describe_node(node)}")
        else:
            got = describe(path, value)
            self.add(path, TYPE_MISMATCH, f"expected {describe_node(node)}, got {got}")
        return BAD

    def too_deep(self, path: Path) -> Any:
        """Report the recursion limit at the deepest object reached (raises again if no room)."""
        message = "nested too deeply to structure (Python's recursion limit was reached here)"
        self.add(path, INPUT_LIMIT, message)
        return BAD

    def enum(self, node: EnumNode, value: Any, path: Path) -> Any:
        kind = scalar_kind(value)
        if kind == "str" and node.all_str and value in node.values:
            return value
        for known in node.values:
            if kind == scalar_kind(known) and value == known:
                return value
        if kind != "str" or not (node.all_str or node.bypass):
            return self._mismatch(node, value, path)
        if node.bypass:
            return value
        expected = ", ".join(repr(v) for v in node.values)
        got = describe(path, value)
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

    def model(self, plan: ClassPlan, value: Any, path: Path, *, try_fast: bool = True) -> Any:
        try:
            return self._model(plan, value, path, try_fast)
        except RecursionError:
            return self.too_deep(path)

    def _model(self, plan: ClassPlan, value: Any, path: Path, try_fast: bool) -> Any:
        if try_fast:  # a valid subtree costs no more than on the fast path
            fast = self._fast.get(plan.target)
            if fast is None:
                fast = self._fast[plan.target] = fast_compiler(self.mode).function(plan.target)
            try:
                return fast(value)
            except FAST_ERRORS:
                pass
        if not isinstance(value, dict):
            return self._mismatch(ModelNode(plan.target), value, path)
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        bad = False
        schema = schema_key_of(plan.cls) or plan.cls.__name__
        for key, item in value.items():
            field = plan.by_wire.get(key)
            if field is not None:
                node = field.node
                if item is None and field.nullable:
                    values[field.name] = None
                    continue
                if (
                    type(node) is ScalarNode
                    and type(item) is str
                    and node.kind == "str"
                    and (node.max_length is None or len(item) <= node.max_length)
                    and node.limits is None
                ):
                    values[field.name] = item  # the common case, without a call
                    continue
            where = (*path, key)
            if field is None:
                if plan.additional is not None:  # a declared key: its value is checked
                    kept = self.value(plan.additional, item, where)
                    if kept is BAD:
                        bad = True
                    extra[key] = kept
                elif self.mode == "lenient" and plan.has_extra:
                    extra[key] = item
                else:
                    self.add(where, UNKNOWN_FIELD, f"unknown field {key!r} (not in `{schema}`)")
                    bad = True
                continue
            result = self.value(node, item, where)
            if result is BAD:
                bad = True
            values[field.name] = result
        for field in plan.fields:
            if field.required and field.wire not in value:
                where = (*path, field.wire)
                self.add(where, MISSING_REQUIRED, f"required field {field.wire!r} is missing")
                bad = True
        if bad:
            return BAD
        result = build(plan, values, _extras(plan, value, extra))
        check = post_check(plan)
        if check is not None:
            before = len(self.issues)
            check.detailed(self, result, path)
            if any(issue.severity == "error" for issue in self.issues[before:]):
                return BAD
        return result

    def union(self, node: UnionNode, value: Any, path: Path) -> Any:
        if any(isinstance(m, AnyNode) for m in node.members):
            return self.any(node, value, path)
        kind = _json_kind(value)
        if kind == "object" and (node.models or any(isinstance(m, MapNode) for m in node.members)):
            return self.union_object(node, value, path)
        if kind == "str":
            strs = [m for m in node.members if isinstance(m, (ScalarNode, EnumNode))]
            if any(isinstance(m, EnumNode) and m.bypass for m in strs):
                return value
            texts = [m for m in strs if isinstance(m, ScalarNode) and m.kind == "str"]
            values = tuple(v for m in strs if isinstance(m, EnumNode) for v in m.values)
            if texts and value in values and type(value) is str:
                return value  # a listed value: its enum branch takes it, whatever the limits
            if texts:  # the most lenient string branch, with its `maxLength`
                widest = max(texts, key=lambda m: m.max_length or float("inf"))
                trial = Walk(self.mode, self.labels)  # (its issues are this walk's if kept)
                result = trial.value(widest, value, path)
                if result is BAD and self.mode == "lenient" and values:
                    return self.enum(EnumNode(values), value, path)  # an unknown value: kept
                self.issues.extend(trial.issues)
                return result
            if any(type(v) is str for v in values):
                return self.enum(EnumNode(values), value, path)
        # A branch of the value's own JSON type first (4.5 goes to `float`, not to `int`
        # before it); then one that may take it (an integer for a `float`, 5.0 for an `int`).
        for exact in (True, False):
            members = [m for m in node.members if _json_kind_matches(m, kind, exact=exact)]
            if len(members) == 1:
                return self.value(members[0], value, path)
            if members:  # several arrays (`list[int] | list[str]`): the first that takes it
                trials = [self.branch(f"union as {describe_node(m)}") for m in members]
                results = [
                    (walk, walk.value(m, value, path))
                    for m, walk in zip(members, trials, strict=True)
                ]
                chosen = _choose(results, self.mode)
                closest = chosen or min(
                    results, key=lambda pair: (_errors(pair[0]), len(pair[0].issues))
                )
                self.issues.extend(closest[0].issues)
                return closest[1] if chosen is not None else BAD
        # No branch takes a value of this JSON type: the code validation gives (type_mismatch,
        # or null_not_allowed), the message naming what the field takes.
        what = "expandable field" if node.is_expandable else "union"
        if value is None:
            message = f"{what}: null is not allowed; expected {describe_node(node)}"
            self.add(path, NULL_NOT_ALLOWED, message)
        else:
            got = describe(path, value)
            self.add(path, TYPE_MISMATCH, f"{what}: expected {describe_node(node)}, got {got}")
        return BAD

    def union_object(self, node: UnionNode, value: dict[str, Any], path: Path) -> Any:
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
        else:  # no tag names a class here: every class is tried, as validation's anyOf does
            candidates = node.models
            labels = {c: f"{what} as {class_plan(c).label}" for c in candidates}
        fitting = [c for c in candidates if class_plan(c).required_keys <= value.keys()]
        trials = [(c, self.branch(labels[c])) for c in (fitting or candidates)]
        results = [(walk, walk.model(class_plan(c), value, path)) for c, walk in trials]
        chosen = _choose(results, self.mode)
        if chosen is None and spec.map is not None and not by_tag:
            # A tag that names a class here must be that class: only other objects are maps.
            walk = self.branch(f"{what} as a map")
            results.append((walk, walk.value(spec.map, value, path)))
            chosen = _choose(results[-1:], self.mode)
            if chosen is not None and spec.tagged:
                self.add(path, UNKNOWN_MODEL, _kept_as_map(path, tag), severity="notice")
        if chosen is not None:
            walk, result = chosen
            self.issues.extend(walk.issues)
            return result
        # No branch takes it: explain the one that comes closest, as validation does (fewest
        # errors, then fewest issues, then the first in the spec's order), among every
        # candidate (one that lacks a required key may still come closest).
        if fitting and len(fitting) < len(candidates):
            tried = dict(zip(fitting, results, strict=False))
            for c in candidates:
                if c not in tried:
                    walk = self.branch(labels[c])
                    tried[c] = (walk, walk.model(class_plan(c), value, path))
            results = [tried[c] for c in candidates] + results[len(fitting) :]  # (the map's)
        closest = min(results, key=lambda pair: (_errors(pair[0]), len(pair[0].issues)))
        self.issues.extend(closest[0].issues)
        return BAD


#: JSON Schema keyword → the `Limits` attribute that holds its limit.
_LIMIT_ATTRS = {
    "minLength": "min_length",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minItems": "min_items",
    "maxItems": "max_items",
}


def _errors(walk: Walk) -> int:
    return sum(issue.severity == "error" for issue in walk.issues)


def _kept_as_map(path: Path, tag: Any) -> str:
    """The notice for an object an open union has no class for (the tag shown by type only)."""
    if tag is _MISSING:
        what = "has no 'object' tag"
    elif type(tag) is str:
        what = f"has an 'object' tag ({describe((*path, 'object'), tag)}) no model here is for"
    else:
        what = f"has an 'object' tag that is {describe((*path, 'object'), tag)}"
    return f"the object {what}; kept as a plain mapping"


def _choose(results: list[tuple[Walk, Any]], mode: Mode) -> tuple[Walk, Any] | None:
    """Pick a branch as the fast path does.

    Branches without notices first; among them (lenient mode) the one that knows
    most of the object's keys, i.e. has the fewest unknown fields; ties go to the
    first in spec order.
    """
    ok = [(walk, result) for walk, result in results if result is not BAD and not walk.has_errors]
    pool = [(walk, result) for walk, result in ok if not walk.issues] or ok
    if not pool:
        return None
    if mode == "lenient":
        return min(pool, key=lambda pair: len(getattr(pair[1], "_extra", ())))
    return pool[0]


def describe(path: Path, value: Any) -> str:
    """`describe_value()`, naming the absent marker plainly (it is never JSON)."""
    if value is UNSET:
        return "UNSET (the absent-field marker: leave the key out instead)"
    return describe_value(pointer(path), value)


def _json_kind(value: Any) -> str | None:
    """`object`, `array`, a scalar kind (`scalar_kind()`) or None (null)."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return scalar_kind(value)


def _json_kind_matches(node: Node, kind: str | None, *, exact: bool = False) -> bool:
    if isinstance(node, ScalarNode):
        return kind == node.kind or (
            not exact
            and (
                (node.kind == "float" and kind == "int") or (node.kind == "int" and kind == "float")
            )
        )
    if isinstance(node, EnumNode):
        return any(scalar_kind(v) == kind for v in node.values) or (node.bypass and kind == "str")
    if isinstance(node, ListNode):
        return kind == "array"
    if isinstance(node, (MapNode, ModelNode)):
        return kind == "object"
    return False


def _extras(plan: ClassPlan, payload: dict[str, Any], extra: dict[str, Any]) -> Any:
    if not extra:
        return key_orders(plan).judge(payload) if plan.has_extra else NO_EXTRA
    if plan.additional is not None:  # declared keys: values the walk built (and copied)
        kept = Extras(extra)
    else:
        kept = Extras({key: copy_json(value) for key, value in extra.items()})
    kept.order = tuple(payload)
    return kept


_BUILDERS: dict[type, Callable[[dict[str, Any], Any], Any]] = {}


def build(plan: ClassPlan, values: dict[str, Any], extra: Any) -> Any:
    """Build an instance exactly as the fast path does (absent fields are UNSET)."""
    builder = _BUILDERS.get(plan.cls)
    if builder is None:
        builder = _BUILDERS[plan.cls] = _make_builder(plan)
    return builder(values, extra)


def _make_builder(plan: ClassPlan) -> Callable[[dict[str, Any], Any], Any]:
    """A generated `(values, extra) -> instance` for one class (same construction as fast)."""
    lines = ["def build(values, extra):", "    get = values.get"]
    if plan.sibling is not None:
        lines.append("    o = sibling()")
        lines += [f"    o.{f.name} = get({f.name!r}, U)" for f in plan.fields]
        if plan.has_extra:
            lines.append("    o._extra = extra")
        lines += ["    o.__class__ = cls", "    return o"]
    else:
        args = [f"{f.alias}=get({f.name!r}, U)" for f in plan.fields]
        if plan.has_extra:
            args.append("_extra=extra")
        lines.append(f"    return cls({', '.join(args)})")
    namespace: dict[str, Any] = {"U": UNSET, "cls": plan.cls, "sibling": plan.sibling}
    run_source("\n".join(lines) + "\n", f"build {plan.cls.__name__}", namespace)
    builder: Callable[[dict[str, Any], Any], Any] = namespace["build"]
    return builder
