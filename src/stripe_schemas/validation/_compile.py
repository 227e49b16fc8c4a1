"""The one compiler from the rule table (:data:`stripe_schemas.identity.RULES`) to every checker.

A rule is data (:class:`~stripe_schemas.identity.Check`: schema keys, a field, a predicate, a
condition, API versions). Nobody writes a rule's logic by hand; this module turns each
predicate and condition into JSON Schema, and builds from them, for one schema document:

* **the fast path** (:attr:`KeyRules.clean`): the strict schema of a resource with every
  check folded in, which jsonschema-rs runs in one call. A payload passes it exactly when
  it conforms to the strict schema and breaks no check that a schema can say;
* **the findings** (:meth:`KeyRules.findings`): one small schema per check, holding only
  that check at every place its schema keys occur, so jsonschema-rs's errors say which
  check failed and where (the detailed path, when the fast path refuses);
* **the residual** (:attr:`KeyRules.residual`): for :class:`~stripe_schemas.identity.SameAs`,
  which JSON Schema cannot say, a Python check made from the same object: the condition is
  still compiled to JSON Schema, only the comparison is Python.

Both schemas come from the same fragments, so the fast verdict and the findings cannot
drift apart; a property test holds them together on realistic and on mutated payloads.

Redaction is context: a check whose condition names :data:`~stripe_schemas.identity.REDACTED`
is compiled twice, for an object in a redacted resource and for one that is not, and the
resource dispatches on its own test (:data:`~stripe_schemas.identity.REDACTED_WHEN`) with one
cheap ``if``. Every value is still visited once: a fragment that constrains a referenced
object only is merged into a specialised copy of that object's definition (``_Builder``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .. import identity as facts
from ..identity import (
    ABSENT,
    AllOf,
    AnyOf,
    Check,
    Cond,
    Date,
    Empty,
    Gone,
    InRange,
    Is,
    Not,
    Null,
    OneOf,
    Part,
    Placeholder,
    Predicate,
    Prefixed,
    Present,
    Redacted,
    Rule,
    SameAs,
    Text,
    Where,
)
from ..io import shallow
from ..issues import Issue
from ..model import def_key, def_pointer, pointer
from ..requires import require
from ._classify import describe
from ._report import Mode

__all__ = ["CLEAN_PREFIX", "Finding", "KeyRules", "RuleSet", "cond_schema", "predicate_schema"]

CLEAN_PREFIX = "clean:"

#: A finding before the mode gives it a severity: (rule, JSON pointer, message).
Finding = tuple[Rule, str, str]

_NULL: dict[str, Any] = {"type": "null"}
#: Keywords that constrain objects only (a fragment made of them holds of any other value).
_OBJECT_KEYWORDS = frozenset({"properties", "required", "maxProperties", "anyOf", "allOf"})


# --- predicates and conditions → JSON Schema ------------------------------------------------


def _if_string(then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"type": "string"}, "then": then}


def _date_gone() -> dict[str, Any]:
    """A date that a redaction left: the placeholder date, or every part null (or absent)."""
    return {
        "anyOf": [
            {
                "properties": {unit: {"const": v} for unit, v in facts.REDACTED_DATE.items()},
                "required": list(facts.REDACTED_DATE),
            },
            {"properties": {unit: _NULL for unit in facts.DATE_RANGES}},
        ]
    }


def _gone(schema: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        if isinstance(kind, Text):
            properties[name] = predicate_schema(Placeholder())
        elif isinstance(kind, Date):
            properties[name] = _date_gone()
        elif isinstance(kind, Part):
            inner = _gone(kind.schema)
            if inner:
                properties[name] = inner
    return {"properties": properties} if properties else {}


def predicate_schema(must: Predicate) -> dict[str, Any] | bool:
    """The JSON Schema of a predicate, applied to the value itself (absence is the caller's)."""
    if isinstance(must, Null):
        return dict(_NULL)
    if isinstance(must, Present):
        return {"not": _NULL}
    if isinstance(must, Is):
        values = [v for v in must.values if v != ABSENT]
        if not values:
            return False
        return {"const": values[0]} if len(values) == 1 else {"enum": values}
    if isinstance(must, OneOf):
        return _if_string({"enum": list(must.values)})
    if isinstance(must, Prefixed):
        return {"pattern": "^" + re.escape(must.prefix)}  # applies to strings only
    if isinstance(must, InRange):
        return {"minimum": must.low, "maximum": must.high}  # applies to numbers only
    if isinstance(must, Empty):
        return {"maxProperties": 0}  # applies to objects only
    if isinstance(must, Placeholder):
        return _if_string({"const": facts.REDACTED_TEXT})
    if isinstance(must, Gone):
        return _gone(must.schema)
    raise TypeError(f"{must!r} has no JSON Schema (it is a residual check)")


def _absent_ok(must: Predicate) -> bool:
    """Whether the predicate holds of a field that is absent."""
    if isinstance(must, Present):
        return False
    if isinstance(must, Is):
        return ABSENT in must.values
    return True


def _tokens(path: str) -> list[str]:
    return path.split("/") if path else []


def where_schema(path: str, must: Predicate, *, point_at_field: bool = False) -> dict[str, Any]:
    """An object whose value at ``path`` satisfies ``must`` (see :class:`~..identity.Where`).

    A predicate that holds of an absent field holds when an object on the way is missing;
    one that does not requires every object on the way. ``point_at_field``: the failure is
    reported at ``path`` itself, not at the values inside it.
    """
    leaf = predicate_schema(must)
    if point_at_field:
        leaf = {"not": {"not": leaf}}
    tokens = _tokens(path)
    if not tokens:
        return leaf if isinstance(leaf, dict) else ({} if leaf else {"not": {}})
    needs = not _absent_ok(must)
    node: Any = leaf
    for index in range(len(tokens) - 1, -1, -1):
        wrapper: dict[str, Any] = {"properties": {tokens[index]: node}}
        if needs:
            wrapper["required"] = [tokens[index]]
            if index > 0:
                wrapper["type"] = "object"
        node = wrapper
    return node  # type: ignore[no-any-return]


#: What :data:`~..identity.REDACTED` stands for while compiling: a known answer (the object
#: is, or is not, in a redacted resource) or the schema of the resource's own test.
Context = bool | dict[str, Any]


def cond_schema(cond: Cond, ctx: Context) -> dict[str, Any] | bool:
    """The JSON Schema of a condition on one object (``True``/``False`` when known now)."""
    if isinstance(cond, Redacted):
        return ctx
    if isinstance(cond, Where):
        return where_schema(cond.path, cond.must)
    if isinstance(cond, Not):
        inner = cond_schema(cond.cond, ctx)
        return (not inner) if isinstance(inner, bool) else {"not": inner}
    parts = [cond_schema(c, ctx) for c in cond.conds]
    if isinstance(cond, AllOf):
        if any(p is False for p in parts):
            return False
        every: list[dict[str, Any] | bool] = [p for p in parts if p is not True]
        return True if not every else (every[0] if len(every) == 1 else {"allOf": every})
    if isinstance(cond, AnyOf):
        if any(p is True for p in parts):
            return True
        some: list[dict[str, Any] | bool] = [p for p in parts if p is not False]
        return False if not some else (some[0] if len(some) == 1 else {"anyOf": some})
    raise TypeError(f"not a condition: {cond!r}")


def negated(cond: Cond) -> dict[str, Any] | None:
    """A schema of objects only that holds exactly when ``cond`` does not, when there is one:
    for a value that must not be one of some values (or an ``AnyOf`` of such conditions)."""
    if isinstance(cond, AnyOf):
        parts = [negated(c) for c in cond.conds]
        if any(p is None for p in parts):
            return None
        out: dict[str, Any] = {}
        for part in parts:
            assert part is not None
            out = union(out, part)
        return out
    if isinstance(cond, Where) and isinstance(cond.must, Is) and ABSENT not in cond.must.values:
        tokens = _tokens(cond.path)
        if not tokens:
            return None
        node: dict[str, Any] = {"not": predicate_schema(cond.must)}
        for token in reversed(tokens):
            node = {"properties": {token: node}}
        return node
    return None


def check_parts(
    check: Check, ctx: Context, *, probe: bool
) -> tuple[dict[str, Any] | bool, dict[str, Any]] | None:
    """(condition, target) of one check on an object of its schema keys; None when there is
    nothing to check there. ``probe``: the schema reports where the check fails (the
    findings), else it only decides (the fast path)."""
    if isinstance(check.must, SameAs):
        return None
    when = cond_schema(check.when, ctx)
    if when is False:
        return None
    at_field = probe and check.point == "field"
    target = where_schema(check.field, check.must, point_at_field=at_field)
    return (when, target) if target else None


def combine(parts: Iterable[tuple[dict[str, Any] | bool, dict[str, Any]]]) -> dict[str, Any] | None:
    """One fragment from checks' (condition, target) pairs: unconditional targets side by side,
    one ``if`` per distinct condition, and a condition with its negation as ``if``/``else``."""
    always: dict[str, Any] = {}
    by_condition: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for when, target in parts:
        if when is True:
            always = union(always, target)
            continue
        assert isinstance(when, dict)
        digest = _digest(when)
        found = by_condition.get(digest)
        by_condition[digest] = (when, union(found[1], target) if found else target)
    branches: list[dict[str, Any]] = []
    for digest, (when, target) in list(by_condition.items()):
        if digest not in by_condition:
            continue  # taken as the other side of a pair
        negated = when.get("not") if set(when) == {"not"} else None
        other = by_condition.get(_digest(negated)) if isinstance(negated, dict) else None
        if other is not None:
            del by_condition[_digest(negated)]
            branches.append({"if": other[0], "then": other[1], "else": target})
            continue
        opposite = by_condition.pop(_digest({"not": when}), None)
        if isinstance(negated, dict):  # "if not X then T" is "if X else T", one keyword less
            branches.append({"if": negated, "else": target})
            continue
        branch: dict[str, Any] = {"if": when, "then": target}
        if opposite is not None:
            branch["else"] = opposite[1]
        branches.append(branch)
    if len(branches) == 1 and not {"if", "then", "else"} & set(always):
        always = union(always, branches[0])  # one condition: no allOf around it
    elif branches:
        always = union(always, {"allOf": branches})
    return always or None


# --- merging fragments into definitions ------------------------------------------------------


def merge(strict: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A schema equivalent to ``allOf: [strict, overlay]``, with ``properties`` merged."""
    out = dict(strict)
    extra: list[dict[str, Any]] = []
    for keyword, value in overlay.items():
        if keyword not in out:
            if keyword == "properties" and out.get("additionalProperties") is False:
                extra.append({keyword: value})  # new names would widen a closed object
            else:
                out[keyword] = value
        elif out[keyword] == value:
            continue
        elif keyword == "properties" and set(value) <= set(out[keyword]):
            merged = dict(out[keyword])
            for name, sub in value.items():
                merged[name] = merge(merged[name], sub)
            out[keyword] = merged
        elif keyword == "required":
            out[keyword] = sorted({*out[keyword], *value})
        elif keyword == "allOf":
            out[keyword] = [*out[keyword], *value]
        else:
            extra.append({keyword: value})
    if extra:
        out["allOf"] = [*out.get("allOf", []), *extra]
    return out


def union(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    """Two fragments as one (``allOf`` of both), their ``properties`` side by side, so that a
    field named by either stays visible to the builder, which folds it into the field's
    definition."""
    out = merge(
        {k: v for k, v in first.items() if k != "properties"},
        {k: v for k, v in second.items() if k != "properties"},
    )
    properties = dict(first.get("properties", {}))
    for name, sub in second.get("properties", {}).items():
        properties[name] = union(properties[name], sub) if name in properties else sub
    if properties:
        out["properties"] = properties
    return out


def _object_only(fragment: Any) -> bool:
    """Whether ``fragment`` constrains objects only (so it holds of null, strings, …)."""
    if not isinstance(fragment, Mapping) or not set(fragment) <= _OBJECT_KEYWORDS:
        return False
    return all(
        _object_only(branch)
        for keyword in ("anyOf", "allOf")
        for branch in fragment.get(keyword, ())
    )


def _single_ref(node: Any) -> str | None:
    """The one definition a property refers to (``$ref``, or one ``$ref`` branch of ``anyOf``)."""
    if not isinstance(node, Mapping):
        return None
    if "$ref" in node:
        return str(node["$ref"])
    refs = [b["$ref"] for b in node.get("anyOf", ()) if isinstance(b, Mapping) and "$ref" in b]
    return str(refs[0]) if len(refs) == 1 else None


def _swap_ref(node: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    if node.get("$ref") == old:
        return {**node, "$ref": new}
    branches = [
        {**b, "$ref": new} if isinstance(b, Mapping) and b.get("$ref") == old else b
        for b in node.get("anyOf", ())
    ]
    return {**node, "anyOf": branches}


def _narrow(node: Mapping[str, Any], piece: dict[str, Any]) -> dict[str, Any]:
    """``piece`` simplified for a value that ``node`` already holds to be a string (or null):
    ``if string then X`` becomes ``X`` (or ``X`` or null, for an enum or a constant)."""
    if set(piece) != {"if", "then"} or piece["if"] != {"type": "string"}:
        return piece
    then: dict[str, Any] = piece["then"]
    kinds = node.get("type")
    if kinds == "string":
        return then
    if isinstance(kinds, list) and set(kinds) <= {"string", "null"}:
        if set(then) == {"enum"}:
            return {"enum": [*then["enum"], None]}
        if set(then) == {"const"}:
            return {"enum": [then["const"], None]}
    return piece


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]


class _Builder:
    """Specialised definitions of a resource and what it holds, with the checks folded in.

    ``full``: each definition is a copy of the strict one (the fast path); else it holds only
    the paths that lead to a check (the findings of one check). Definitions are named by
    their content, so cases that come out the same (a check that does not depend on the
    redaction) share one definition, and a resource dispatches only when its cases differ.
    """

    def __init__(
        self,
        strict: Mapping[str, Any],
        roots: Mapping[str, Cond],
        fragment: Callable[[str, bool], dict[str, Any] | None],
        reaches: Callable[[str], bool],
        *,
        full: bool,
    ) -> None:
        self.strict = strict
        self.roots = roots
        self.fragment = fragment
        self.reaches = reaches
        self.full = full
        self.defs: dict[str, Any] = dict(strict) if full else {}
        self._made: dict[tuple[str, bool, str], str] = {}

    def entry(self, key: str) -> str:
        """The definition of ``key`` checked on its own (a resource dispatches on its redaction)."""
        return self.child(key, False, {})

    def child(self, key: str, redacted: bool, extra: dict[str, Any]) -> str:
        """A value's definition: a resource held by another is redacted when its holder is,
        else by its own test."""
        if key in self.roots and not redacted:
            return self.dispatch(key, extra)
        return self.define(key, redacted, extra)

    def dispatch(self, key: str, extra: dict[str, Any]) -> str:
        """A resource: redacted or not, by its own test, each case with its own definition.

        A test that looks in many places (a report: does any personal text hold the
        placeholder?) is not run up front on the fast path: the case "not redacted", with
        the test's negation folded into its definitions (so each value is still visited
        once), is tried first, and only if it fails the test and the redacted case.
        """
        yes, no = self.define(key, True, extra), self.define(key, False, extra)
        if yes == no:
            return no
        cond = self.roots[key]
        test = cond_schema(cond, False)
        if isinstance(test, bool):
            return yes if test else no
        negation = negated(cond) if self.full and isinstance(cond, AnyOf) else None
        content: dict[str, Any]
        if negation is not None:
            plain = self.define(key, False, union(extra, negation))
            content = {
                "anyOf": [
                    {"$ref": def_pointer(plain)},
                    {"allOf": [test, {"$ref": def_pointer(yes)}]},
                ]
            }
        else:
            content = {
                "if": test,
                "then": {"$ref": def_pointer(yes)},
                "else": {"$ref": def_pointer(no)},
            }
        return self._name(key, content)

    def _name(self, key: str, content: dict[str, Any]) -> str:
        name = f"{CLEAN_PREFIX}{key}:{_digest(content)}"
        self.defs.setdefault(name, content)
        return name

    def define(self, key: str, redacted: bool, extra: dict[str, Any]) -> str:
        """``key``'s definition inside a redacted resource (or not), with ``extra`` folded in."""
        made = (key, redacted, _digest(extra))
        found = self._made.get(made)
        if found is not None:
            if not found:
                raise ValueError(f"schemas with rules refer to each other in a cycle at {key!r}")
            return found
        self._made[made] = ""  # being built
        own = self.fragment(key, redacted)
        overlay = union(extra, own) if own else extra
        strict = self.strict[key]
        declared = strict.get("properties", {}) if isinstance(strict, Mapping) else {}
        pieces = dict(overlay.get("properties", {}))
        rest = {k: v for k, v in overlay.items() if k != "properties"}
        properties: dict[str, Any] = dict(declared) if self.full else {}
        for field, node in declared.items():
            piece = pieces.pop(field, None) or {}
            ref = _single_ref(node)
            target = def_key(ref) if ref is not None else None
            if target in self.strict:  # an object of its own: what is about objects goes in it
                assert ref is not None and target is not None
                inner = {k: v for k, v in piece.items() if _object_only({k: v})}
                piece = {k: v for k, v in piece.items() if k not in inner}
                if inner or self.reaches(target):
                    child = def_pointer(self.child(target, redacted, inner))
                    if self.full:
                        node = _swap_ref(node, ref, child)
                    else:  # only objects lead to checks
                        node = {"if": {"type": "object"}, "then": {"$ref": child}}
                    properties[field] = node
            if piece:
                properties[field] = (
                    merge(node, _narrow(node, piece))
                    if self.full
                    else merge(properties.get(field, {}), piece)
                )
        if pieces:  # fields the schema does not declare (absent in a strict payload)
            rest = merge(rest, {"properties": pieces})
        if self.full:
            base = {**strict, "properties": properties} if declared else dict(strict)
            content = merge(base, rest)
            name = key if content == strict else self._name(key, content)
        else:
            name = self._name(key, merge({"properties": properties}, rest))
        self._made[made] = name
        return name

    def document(self, dialect: str, entry: str) -> dict[str, Any]:
        return {"$schema": dialect, "$ref": def_pointer(entry), "$defs": self.defs}


# --- the compiled rules of one document ------------------------------------------------------

_MISSING: Any = object()


def _value_at(payload: Any, tokens: Sequence[str | int]) -> Any:
    """The value at ``tokens`` (``_MISSING`` when absent, or when a holder on the way is not
    an object)."""
    value = payload
    for token in tokens:
        if type(value) is dict:
            value = value.get(token, _MISSING)
        elif type(value) is list and type(token) is int and 0 <= token < len(value):
            value = value[token]
        else:
            return _MISSING
    return value


def _error_pointer(error: Any) -> list[str | int]:
    tokens: list[str | int] = list(error.instance_path)
    kind = error.kind
    if type(kind).__name__ == "Required":
        tokens.append(kind.property)
    return tokens


@attrs.frozen
class _Probe:
    """One check compiled for one resource: a schema holding only that check."""

    rule: Rule
    check: Check
    is_valid: Callable[[Any], bool]
    iter_errors: Callable[[Any], Iterable[Any]]


@attrs.frozen
class _Residual:
    """A :class:`~..identity.SameAs` check: a comparison, then its condition (JSON Schema).

    The values are compared first: on a valid payload they are equal, so the condition (a
    call into jsonschema-rs) only runs when they differ.
    """

    rule: Rule
    check: Check
    field: tuple[str, ...]
    other: tuple[str, ...]
    when: Callable[[Any], bool] | None
    #: ``(payload, readable copy) -> True`` when the check fails (built from the paths above).
    #: The values are compared in ``payload``; the condition runs on the copy, when given
    #: (one jsonschema-rs can read: see :func:`_encodable`).
    fails: Callable[..., bool] = attrs.field(init=False)

    @fails.default
    def _fails(self) -> Callable[..., bool]:
        field, other, when = self.field, self.other, self.when
        if len(field) == 2 and len(other) == 1:  # a field of a held object and one of the holder
            holder, name = field
            (mine,) = other

            def fails_shallow(payload: dict[str, Any], readable: Any = None) -> bool:
                inner = payload.get(holder)
                if type(inner) is not dict:
                    return False
                if inner.get(name, _MISSING) == payload.get(mine, _MISSING):
                    return False
                return when is None or when(payload if readable is None else readable)

            return fails_shallow

        def fails(payload: dict[str, Any], readable: Any = None) -> bool:
            if field[:-1] and type(_value_at(payload, field[:-1])) is not dict:
                return False  # the object holding the field is not there: nothing to compare
            if _value_at(payload, field) == _value_at(payload, other):
                return False
            return when is None or when(payload if readable is None else readable)

        return fails


def _message(check: Check, where: str, value: Any) -> str:
    field = where.rsplit("/", 1)[-1] if where else "the object"
    shown = "nothing" if value is _MISSING else describe(where, value)
    return check.message.format(field=field, value=shown)


@attrs.frozen(eq=False)
class KeyRules:
    """The rules of one resource, compiled (see the module docstring)."""

    key: str
    #: The fast-path schema: strict conformance and every check a schema can say.
    clean: dict[str, Any]
    probes: tuple[_Probe, ...]
    residuals: tuple[_Residual, ...]
    #: ``payload -> True`` when a residual check fails (None: the resource has none).
    residual: Callable[[dict[str, Any]], bool] | None = attrs.field(init=False)
    #: The field every residual check looks inside, when they share one: they can only fail
    #: when it holds an object (the fast path looks at it before calling :attr:`residual`).
    residual_field: str | None = attrs.field(init=False)

    @residual.default
    def _residual(self) -> Callable[[dict[str, Any]], bool] | None:
        checks = tuple(r.fails for r in self.residuals)
        if not checks:
            return None
        if len(checks) == 2:
            first, second = checks
            return lambda payload: first(payload) or second(payload)

        return lambda payload: any(fails(payload) for fails in checks)

    @residual_field.default
    def _residual_field(self) -> str | None:
        holders = {r.field[0] if len(r.field) > 1 else None for r in self.residuals}
        return holders.pop() if len(holders) == 1 else None

    def findings(self, payload: dict[str, Any]) -> list[Finding]:
        """Every check that fails, with the pointer of the value at fault, in table order."""
        try:
            return self._findings(payload, payload)
        except ValueError:  # a value jsonschema-rs cannot take (a lone surrogate, deep nesting)
            return self._findings(payload, _encodable(shallow(payload)))

    def _findings(self, payload: dict[str, Any], readable: dict[str, Any]) -> list[Finding]:
        out: list[Finding] = []
        for probe in self.probes:
            if probe.is_valid(readable):
                continue
            seen: set[str] = set()
            for error in probe.iter_errors(readable):
                tokens = _error_pointer(error)
                where = pointer(tokens)
                if where in seen:
                    continue
                seen.add(where)
                value = _value_at(payload, tokens)
                out.append((probe.rule, where, _message(probe.check, where, value)))
        for residual in self.residuals:
            if residual.fails(payload, readable):
                where = pointer(residual.field)
                value = _value_at(payload, residual.field)
                out.append((residual.rule, where, _message(residual.check, where, value)))
        return out


def _encodable(value: Any) -> Any:
    """A copy of a JSON value whose text UTF-8 can encode (lone surrogates replaced)."""
    if type(value) is str:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(v) for v in value]
    return value


def to_issues(findings: Iterable[Finding], mode: Mode) -> list[Issue]:
    """Give each finding its rule's severity in ``mode``."""
    return [Issue(where, rule.code, rule.severity(mode), text) for rule, where, text in findings]


class RuleSet:
    """The rule table compiled for one schema document (its strict ``$defs`` and API version).

    Only the resources that can be redacted (:data:`~..identity.REDACTED_WHEN`), and what
    they hold, carry rules: other resources, and objects validated on their own, have none.
    """

    def __init__(
        self,
        strict: Mapping[str, Any],
        dialect: str,
        api_version: str | None,
        rules: Iterable[Rule] | None = None,
    ) -> None:
        self.strict = strict
        self.dialect = dialect
        self.api_version = api_version
        chosen = tuple(facts.RULES if rules is None else rules)
        #: Every check that holds for this version, with its rule, in table order.
        self.checks: tuple[tuple[Rule, Check], ...] = tuple(
            (rule, check)
            for rule in chosen
            if rule.layer == "invariant"
            for check in rule.checks
            if check.versions.covers(api_version) and any(k in strict for k in check.on)
        )
        self.roots: dict[str, Cond] = {
            key: cond for key, cond in facts.REDACTED_WHEN.items() if key in strict
        }
        for rule, check in self.checks:
            if isinstance(check.must, SameAs) and not set(check.on) <= set(self.roots):
                raise ValueError(
                    f"{rule.code}: a SameAs check must be on a resource, not {check.on}"
                )
        self._reach: dict[tuple[str, frozenset[str]], bool] = {}
        every = frozenset(k for _, check in self.checks for k in check.on)
        #: The resources that have rules (each one's :meth:`for_key` is not None).
        self.keys: frozenset[str] = frozenset(k for k in self.roots if self.reaches(k, every))

    def reaches(self, key: str, on: frozenset[str], path: tuple[str, ...] = ()) -> bool:
        """Whether an object of ``key`` is of, or holds (at any depth), a schema key in ``on``."""
        found = self._reach.get((key, on))
        if found is not None:
            return found
        if key in on:
            result = True
        elif key in path:
            return False  # a cycle: the other branches decide
        else:
            schema = self.strict.get(key)
            declared = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
            result = False
            for node in declared.values():
                ref = _single_ref(node)
                target = def_key(ref) if ref is not None else None
                if target in self.strict and self.reaches(str(target), on, (*path, key)):
                    result = True
                    break
        self._reach[(key, on)] = result
        return result

    def _builder(self, checks: Sequence[Check], *, full: bool) -> _Builder:
        on = frozenset(k for check in checks for k in check.on)

        def fragment(key: str, redacted: bool) -> dict[str, Any] | None:
            parts = (
                check_parts(check, redacted, probe=not full) for check in checks if key in check.on
            )
            return combine(part for part in parts if part is not None)

        return _Builder(
            self.strict, self.roots, fragment, lambda key: self.reaches(key, on), full=full
        )

    def for_key(self, key: str) -> KeyRules | None:
        """The compiled rules of ``key`` (None when no rule applies to it)."""
        if key not in self.keys:
            return None
        jsonschema_rs = require("jsonschema_rs", "validation", "validation")
        full = self._builder([check for _, check in self.checks], full=True)
        clean = full.document(self.dialect, full.entry(key))
        probes: list[_Probe] = []
        residuals: list[_Residual] = []
        for rule, check in self.checks:
            if not self.reaches(key, frozenset(check.on)):
                continue
            if isinstance(check.must, SameAs):
                if key in check.on:
                    residuals.append(self._residual(rule, check, key))
                continue
            only = self._builder([check], full=False)
            validator = jsonschema_rs.validator_for(only.document(self.dialect, only.entry(key)))
            probes.append(_Probe(rule, check, validator.is_valid, validator.iter_errors))
        return KeyRules(key, clean, tuple(probes), tuple(residuals))

    def _residual(self, rule: Rule, check: Check, key: str) -> _Residual:
        assert isinstance(check.must, SameAs)
        field = tuple(_tokens(check.field))
        when = cond_schema(check.when, cond_schema(self.roots[key], False))
        test: Callable[[Any], bool] | None = None
        if when is False:
            test = _never
        elif when is not True:
            jsonschema_rs = require("jsonschema_rs", "validation", "validation")
            test = jsonschema_rs.validator_for({"$schema": self.dialect, **when}).is_valid
        return _Residual(rule, check, field, tuple(_tokens(check.must.path)), test)


def _never(payload: Any) -> bool:
    return False
