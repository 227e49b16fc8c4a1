"""The fast structuring path: one generated, straight-line function per (class, mode).

Each function checks types with `type(v) is …`, reads keys with `dict.get`
and counts them (so one `len` tells whether unknown fields are present),
writes nested classes in place instead of calling them, and builds instances
without `__init__`: a subclass with a plain `__setattr__` is filled with
ordinary attribute stores, then switched to the real class (the generated
classes have no validators or converters, so `__init__` adds only cost). It
raises `FastFail` on the first problem and never collects issues: the
caller then runs the detailed walk in `_detail`, which is the
reference for what is valid and reports every problem with its path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import (
    UNSET,
    AnyNode,
    ClassPlan,
    EnumNode,
    ListNode,
    MapNode,
    Mode,
    ModelNode,
    Node,
    NullableNode,
    ScalarNode,
    UnionNode,
    class_plan,
    is_model_target,
)
from ._compile_cache import CompileCache, run_source
from ._shared import (
    NO_EXTRA,
    DictDispatch,
    FastFail,
    collect_extras,
    copy_json,
    dict_dispatch,
    key_orders,
    post_check,
)

#: What a fast function raises when it gives up: `FastFail` (anything it does not
#: accept), or RecursionError (nesting deeper than the stack allows). Any other exception is
#: a bug and goes through.
FAST_ERRORS = (FastFail, RecursionError)
#: Scalar types whose values may be looked up in a set of typed enum members.
_HASHABLE = (str, int, float, bool)

_MISSING = object()
#: Nested classes are written in place up to this depth and this many fields per function.
_INLINE_DEPTH = 3
_INLINE_BUDGET = 80


def _checks_only(node: Node) -> bool:
    """Whether validating this node leaves the value as it is (no conversion or copy needed)."""
    if isinstance(node, (ScalarNode, EnumNode)):
        return True
    if isinstance(node, NullableNode):
        return _checks_only(node.inner)
    return False


class _Source:
    """Lines of one generated function, with its constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: list[Any] = []
        self.counter = 0
        #: Classes whose code is being written (the function's own class first).
        self.inline_stack: list[type] = []
        self.inlined_fields = 0

    def const(self, value: Any) -> str:
        self.consts.append(value)
        return f"c{len(self.consts) - 1}"

    def temp(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def block(self, indent: int, start: int) -> None:
        """Make sure the block opened before `start` has a statement."""
        if len(self.lines) == start:
            self.add(indent, "pass")


class FastCompiler(CompileCache):
    """Generates and caches the fast functions of one mode."""

    def __init__(self, mode: Mode) -> None:
        super().__init__(
            "s",
            {
                "F": FastFail,
                "U": UNSET,
                "NOEX": NO_EXTRA,
                "collect_extras": collect_extras,
                "CJ": copy_json,
            },
        )
        self.mode = mode
        self.lenient = mode == "lenient"

    # -- public -----------------------------------------------------------------

    def function(self, target: Any) -> Callable[[Any], Any]:
        """The fast function of a class (`ListObject[T]` too) or of a top-level node.

        Compiled on first use.
        """
        if is_model_target(target):
            return self.build(lambda: self.model_name(target))
        node: Node = target
        return self.build(lambda: self._node_function(node))

    def compile_model(self, cls: type) -> None:
        self._compile_model(cls)

    # -- naming -----------------------------------------------------------------

    def _node_function(self, node: Node) -> str:
        """A function `v -> structured v` for a node (unions at the top, maps in dispatch)."""
        key = ("node", node)
        name = self.names.get(key)
        if name is None:
            name = f"n{len(self.names)}"
            self.names[key] = name
            src = _Source()
            src.add(1, f"def {name}(v):")
            self._emit(src, node, "v", 2)
            src.add(2, "return v")
            self._exec(src, name)
        return name

    def _exec(self, src: _Source, name: str) -> None:
        head = "def _make(consts):\n"
        if src.consts:
            head += "    (" + "".join(f"c{i}, " for i in range(len(src.consts))) + ") = consts\n"
        code = head + "\n".join(src.lines) + f"\n    return {name}\n"
        run_source(code, f"fast {self.mode} {name}", self.ns)
        self.ns[name] = self.ns.pop("_make")(tuple(src.consts))

    # -- classes ----------------------------------------------------------------

    def _compile_model(self, cls: type) -> None:
        name = self.names[cls]
        src = _Source()
        src.add(1, f"def {name}(d):")
        src.inline_stack.append(cls)
        result = self._emit_model(src, class_plan(cls), "d", 2, "")
        src.add(2, f"return {result}")
        self._exec(src, name)

    def _emit_model(self, src: _Source, plan: ClassPlan, d: str, indent: int, sfx: str) -> str:
        """Code that structures the object in `d` into a new instance; returns its variable."""
        o, n, v = f"o{sfx}", f"n{sfx}", f"v{sfx}"
        sibling = plan.sibling
        src.add(indent, f"if type({d}) is not dict:")
        src.add(indent + 1, "raise F")
        if sibling is not None:
            src.add(indent, f"{o} = {src.const(sibling)}()")
        src.add(indent, f"{n} = {sum(1 for f in plan.fields if f.required)}")
        kwargs: list[str] = []
        for field in plan.fields:
            key = repr(field.wire)
            if field.required:
                src.add(indent, f"{v} = {d}.get({key}, U)")
                src.add(indent, f"if {v} is U:")
                src.add(indent + 1, "raise F")
                self._emit_value(src, field.node, field.nullable, v, indent)
            else:
                src.add(indent, f"{v} = {d}.get({key}, U)")
                src.add(indent, f"if {v} is not U:")
                src.add(indent + 1, f"{n} += 1")
                self._emit_value(src, field.node, field.nullable, v, indent + 1)
            if sibling is not None:
                src.add(indent, f"{o}.{field.name} = {v}")
            else:
                local = src.temp("f")
                kwargs.append(f"{field.alias}={local}")
                src.add(indent, f"{local} = {v}")
        extra: str | None = None
        in_order: tuple[str, ...] = ()
        if plan.has_extra:  # the payload's key order, kept when it is not the class's own
            extra = src.temp("e")
            in_order = (f"{extra} = NOEX",)
            if len(plan.fields) > 1:
                orders = key_orders(plan)
                in_order = (
                    f"{extra} = {src.const(orders.seen.get)}(tuple({d}))",
                    f"if {extra} is None:",
                    f"    {extra} = {src.const(orders.judge)}({d})",
                )
        # Other keys are unknown fields (strict: the detailed walk reports them), or kept as
        # they are (lenient), or, for a class that declares them, values the detailed
        # walk checks and converts.
        if not plan.has_extra or not self.lenient or plan.additional is not None:
            src.add(indent, f"if len({d}) != {n}:")
            src.add(indent + 1, "raise F")
            for line in in_order:
                src.add(indent, line)
        else:
            src.add(indent, f"if len({d}) == {n}:")
            for line in in_order:
                src.add(indent + 1, line)
            src.add(indent, "else:")
            known = src.const(plan.known)
            src.add(indent + 1, f"{extra} = collect_extras({d}, {known}, len({d}) - {n})")
        if sibling is not None:
            if extra is not None:
                src.add(indent, f"{o}._extra = {extra}")
            src.add(indent, f"{o}.__class__ = {src.const(plan.cls)}")
        else:
            if extra is not None:
                kwargs.append(f"_extra={extra}")
            src.add(indent, f"{o} = {src.const(plan.cls)}({', '.join(kwargs)})")
        check = post_check(plan)
        if check is not None:
            src.add(indent, f"{src.const(check.fast(self.mode))}({o})")
        return o

    def _inline(self, src: _Source, cls: type) -> bool:
        """Whether to write a nested class's code in place (no call) rather than call it."""
        if cls in src.inline_stack or len(src.inline_stack) > _INLINE_DEPTH:
            return False
        size = len(class_plan(cls).fields)
        if src.inlined_fields + size > _INLINE_BUDGET:
            return False
        src.inlined_fields += size
        return True

    def _emit_value(self, src: _Source, node: Node, nullable: bool, v: str, indent: int) -> None:
        if nullable and not isinstance(node, AnyNode):
            src.add(indent, f"if {v} is not None:")
            start = len(src.lines)
            self._emit(src, node, v, indent + 1)
            src.block(indent + 1, start)
        else:
            self._emit(src, node, v, indent)

    # -- values -----------------------------------------------------------------

    def _emit_limits(self, src: _Source, node: ScalarNode, var: str, indent: int) -> None:
        """`raise F` when a string or number of the right type fails another limit."""
        limits = node.limits
        if limits is None or not node.limited:
            return
        tests = []
        if node.kind == "str":
            if limits.min_length is not None:
                tests.append(f"len({var}) < {limits.min_length}")
            if limits.pattern is not None:
                regex = src.const(limits.regex())
                tests.append(f"{regex}.search({var}) is None")
        else:
            for bound, op in (
                (limits.minimum, "<"),
                (limits.maximum, ">"),
                (limits.exclusive_minimum, "<="),
                (limits.exclusive_maximum, ">="),
            ):
                if bound is not None:
                    tests.append(f"{var} {op} {src.const(bound)}")
        src.add(indent, f"if {' or '.join(tests)}:")
        src.add(indent + 1, "raise F")

    def _emit(self, src: _Source, node: Node, var: str, indent: int) -> None:
        """Check (and convert in place) the value in `var`; `raise F` on any problem."""
        if isinstance(node, AnyNode):  # any value but the absent marker, JSON containers copied
            src.add(indent, f"if {var} is U:")
            src.add(indent + 1, "raise F")
            src.add(indent, f"{var} = CJ({var})")
            return
        if isinstance(node, ScalarNode):
            if node.kind == "float":
                src.add(indent, f"if type({var}) is not float and type({var}) is not int:")
            elif (
                node.kind == "int"
            ):  # an integer-valued float is an integer, as in the detailed walk
                src.add(indent, f"if type({var}) is not int:")
                src.add(indent + 1, f"if type({var}) is not float or not {var}.is_integer():")
                src.add(indent + 2, "raise F")
                src.add(indent + 1, f"{var} = int({var})")
                self._emit_limits(src, node, var, indent)
                return
            elif node.max_length is not None:
                src.add(indent, f"if type({var}) is not str or len({var}) > {node.max_length}:")
            else:
                src.add(indent, f"if type({var}) is not {node.kind}:")
            src.add(indent + 1, "raise F")
            self._emit_limits(src, node, var, indent)
        elif isinstance(node, EnumNode):
            self._emit_enum(src, node, var, indent)
        elif isinstance(node, NullableNode):
            src.add(indent, f"if {var} is not None:")
            start = len(src.lines)
            self._emit(src, node.inner, var, indent + 1)
            src.block(indent + 1, start)
        elif isinstance(node, ListNode):
            src.add(indent, f"if type({var}) is not list:")
            src.add(indent + 1, "raise F")
            limits = node.limits
            if limits is not None and limits.min_items is not None:
                src.add(indent, f"if len({var}) < {limits.min_items}:")
                src.add(indent + 1, "raise F")
            if limits is not None and limits.max_items is not None:
                src.add(indent, f"if len({var}) > {limits.max_items}:")
                src.add(indent + 1, "raise F")
            self._emit_container(src, node.item, var, indent, is_list=True)
        elif isinstance(node, MapNode):
            src.add(indent, f"if type({var}) is not dict:")
            src.add(indent + 1, "raise F")
            self._emit_container(src, node.value, var, indent, is_list=False)
        elif isinstance(node, ModelNode):
            if self._inline(src, node.cls):
                src.inline_stack.append(node.cls)
                sfx = str(src.temp(""))
                d = f"d{sfx}"
                src.add(indent, f"{d} = {var}")
                result = self._emit_model(src, class_plan(node.cls), d, indent, sfx)
                src.add(indent, f"{var} = {result}")
                src.inline_stack.pop()
            else:
                src.add(indent, f"{var} = {self.model_name(node.cls)}({var})")
        else:
            self._emit_union(src, node, var, indent)

    def _emit_enum(self, src: _Source, node: EnumNode, var: str, indent: int) -> None:
        if node.all_str:
            if node.bypass:
                src.add(indent, f"if type({var}) is not str:")
            else:
                values = src.const(frozenset(node.values))
                src.add(indent, f"if type({var}) is not str or {var} not in {values}:")
        else:
            typed = src.const(frozenset((type(v), v) for v in node.values))
            hashable = src.const(_HASHABLE)
            test = f"type({var}) not in {hashable} or (type({var}), {var}) not in {typed}"
            if node.bypass:
                test = f"type({var}) is not str and ({test})"
            src.add(indent, f"if {test}:")
        src.add(indent + 1, "raise F")

    def _emit_container(
        self, src: _Source, item: Node, var: str, indent: int, *, is_list: bool
    ) -> None:
        """Check every item of the list (or value of the map) in `var`, and copy it."""
        x = src.temp("x")
        if _checks_only(item):
            if is_list:
                src.add(indent, f"for {x} in {var}:")
            else:  # a map's keys are strings, as JSON's are
                k = src.temp("k")
                src.add(indent, f"for {k}, {x} in {var}.items():")
                src.add(indent + 1, f"if type({k}) is not str:")
                src.add(indent + 2, "raise F")
            self._emit(src, item, x, indent + 1)
            src.add(indent, f"{var} = {var}.copy()")
            return
        out = src.temp("t")
        if is_list:
            src.add(indent, f"{out} = []")
            src.add(indent, f"for {x} in {var}:")
            self._emit(src, item, x, indent + 1)
            src.add(indent + 1, f"{out}.append({x})")
        else:
            k = src.temp("k")
            src.add(indent, f"{out} = {{}}")
            src.add(indent, f"for {k}, {x} in {var}.items():")
            src.add(indent + 1, f"if type({k}) is not str:")
            src.add(indent + 2, "raise F")
            self._emit(src, item, x, indent + 1)
            src.add(indent + 1, f"{out}[{k}] = {x}")
        src.add(indent, f"{var} = {out}")

    def _emit_union(self, src: _Source, node: UnionNode, var: str, indent: int) -> None:
        if any(isinstance(m, AnyNode) for m in node.members):
            self._emit(src, AnyNode(), var, indent)
            return
        t = src.temp("tp")
        src.add(indent, f"{t} = type({var})")
        keyword = "if"
        strs = [m for m in node.members if _accepts_str(m)]
        if strs:
            src.add(indent, f"{keyword} {t} is str:")
            start = len(src.lines)
            texts = [m for m in strs if isinstance(m, ScalarNode)]
            if not any(isinstance(m, ScalarNode) or m.bypass for m in strs):  # type: ignore[union-attr]
                values = frozenset(v for m in strs for v in m.values)  # type: ignore[union-attr]
                src.add(indent + 1, f"if {var} not in {src.const(values)}:")
                src.add(indent + 2, "raise F")
            elif texts and not any(isinstance(m, EnumNode) and m.bypass for m in strs):
                limits = [m.max_length for m in texts]
                if None not in limits:  # every string branch has a `maxLength`
                    src.add(indent + 1, f"if len({var}) > {max(limits)}:")  # type: ignore[type-var]
                    src.add(indent + 2, "raise F")
                # the field's other limits hold for each of its strings alike
                self._emit_limits(src, texts[0], var, indent + 1)
            src.block(indent + 1, start)
            keyword = "elif"
        if node.models or any(isinstance(m, MapNode) for m in node.members):
            src.add(indent, f"{keyword} {t} is dict:")
            single = self._single_tagged_model(node)
            if single is not None:
                self._emit(src, ModelNode(single), var, indent + 1)
            else:
                src.add(indent + 1, f"{var} = {self._dict_branch(src, node)}({var})")
            keyword = "elif"
        for kind, test in (
            ("int", f"{t} is int"),
            ("float", f"{t} is float or {t} is int"),
            ("bool", f"{t} is bool"),
        ):
            found = [m for m in node.members if isinstance(m, ScalarNode) and m.kind == kind]
            if found:
                src.add(indent, f"{keyword} {test}:")
                if found[0].limited:  # (an integer-valued float goes to the detailed path)
                    self._emit_limits(src, found[0], var, indent + 1)
                else:
                    src.add(indent + 1, "pass")
                keyword = "elif"
        lists = [m for m in node.members if isinstance(m, ListNode)]
        if lists:
            src.add(indent, f"{keyword} {t} is list:")
            if len(lists) == 1:
                self._emit(src, lists[0], var, indent + 1)
            else:  # which array type takes it: the detailed path tries each
                src.add(indent + 1, "raise F")
            keyword = "elif"
        if keyword == "if":
            src.add(indent, "raise F")
        else:
            src.add(indent, "else:")
            src.add(indent + 1, "raise F")

    def _single_tagged_model(self, node: UnionNode) -> type | None:
        """The one class of a union that checks its own `object` tag (no dispatch needed)."""
        models = node.models
        if len(models) != 1 or any(isinstance(m, MapNode) for m in node.members):
            return None
        plan = class_plan(models[0])
        tag_field = plan.by_wire.get("object")
        if len(plan.tags) == 1 and tag_field is not None and tag_field.required:
            return models[0]
        return None

    def _dict_branch(self, src: _Source, node: UnionNode) -> str:
        """The callable that structures a JSON object inside a union (by tag, else by trying)."""
        dispatch = dict_dispatch(node)
        for cls in node.models:
            self.model_name(cls)
        if dispatch.map is not None:
            self._node_function(dispatch.map)
        return src.const(self._dispatcher(dispatch))

    def _dispatcher(self, spec: DictDispatch) -> Callable[[Any], Any]:
        ns, names, lenient = self.ns, self.names, self.lenient
        tagged = {
            tag: tuple((names[c], class_plan(c).required_keys) for c in classes)
            for tag, classes in spec.tagged.items()
        }
        untagged = tuple((names[c], class_plan(c).required_keys) for c in spec.untagged)
        map_name = names[("node", spec.map)] if spec.map is not None else None

        def first(candidates: tuple[tuple[str, frozenset[str]], ...], value: Any) -> Any:
            """The first branch that fits without unknown fields; else the one with fewest."""
            best, unknown = None, 0
            for fn_name, required in candidates:
                if not required <= value.keys():
                    continue
                try:
                    result = ns[fn_name](value)
                except FAST_ERRORS:
                    continue
                count = len(getattr(result, "_extra", ())) if lenient else 0
                if not count:
                    return result
                if best is None or count < unknown:
                    best, unknown = result, count
            if best is not None:
                return best
            raise FastFail

        def dispatch(value: Any) -> Any:
            tag = value.get("object", _MISSING)
            candidates = tagged.get(tag) if type(tag) is str else None
            if candidates is not None:
                return first(candidates, value)
            if untagged:
                try:
                    return first(untagged, value)
                except FastFail:
                    if map_name is None:
                        raise
            if map_name is not None and not tagged:
                return ns[map_name](value)
            # An open union (tagged classes and a map): an object no class here is tagged for
            # is kept as a map with a notice, which only the detailed path records.
            raise FastFail

        return dispatch


def _accepts_str(node: Node) -> bool:
    if isinstance(node, ScalarNode):
        return node.kind == "str"
    return isinstance(node, EnumNode) and (node.bypass or node.all_str)


_COMPILERS: dict[str, FastCompiler] = {}


def fast_compiler(mode: Mode) -> FastCompiler:
    compiler = _COMPILERS.get(mode)
    if compiler is None:
        compiler = _COMPILERS.setdefault(mode, FastCompiler(mode))
    return compiler
