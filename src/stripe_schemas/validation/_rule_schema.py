"""Predicates and conditions of the rule language ([`stripe_schemas.rules`][stripe_schemas.rules]) as JSON Schema.

Every check of a rule becomes a (condition, target) pair of schemas: the fast path folds
them into specialised copies of the strict definitions (`_specialise`), and each
check also gets a schema of its own that says where a payload breaks it (`_compile`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .. import identity as facts
from ..identity import Date, Part, Text
from ..rules import (
    ABSENT,
    AllOf,
    AnyOf,
    Check,
    Cond,
    Empty,
    Gone,
    InRange,
    Is,
    Not,
    Null,
    OneOf,
    Placeholder,
    Predicate,
    Prefixed,
    Present,
    Redacted,
    SameAs,
    Where,
)

_NULL: dict[str, Any] = {"type": "null"}


def _if_string(then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"type": "string"}, "then": then}


def _date_gone() -> dict[str, Any]:
    """A date that a redaction left: the placeholder date, or every part null (or absent)."""
    placeholder = cond_schema(facts.IS_REDACTED_DATE, False)
    return {"anyOf": [placeholder, {"properties": {unit: _NULL for unit in facts.DATE_RANGES}}]}


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


def path_tokens(path: str) -> list[str]:
    return path.split("/") if path else []


def where_schema(path: str, must: Predicate, *, point_at_field: bool = False) -> dict[str, Any]:
    """An object whose value at `path` satisfies `must` (see `Where`).

    A predicate that holds of an absent field holds when an object on the way is missing;
    one that does not requires every object on the way. `point_at_field`: the failure is
    reported at `path` itself, not at the values inside it.
    """
    leaf = predicate_schema(must)
    if point_at_field:  # one error at the field whose message is short (not the schema)
        leaf = {"if": leaf, "else": False}
    tokens = path_tokens(path)
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


#: What `REDACTED` stands for while compiling: a known answer (the object
#: is, or is not, in a redacted resource) or the schema of the resource's own test.
Context = bool | dict[str, Any]


def cond_schema(cond: Cond, ctx: Context) -> dict[str, Any] | bool:
    """The JSON Schema of a condition on one object (`True`/`False` when known now)."""
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
        every = [p for p in parts if p is not True]
        if not every:
            return True
        if all(isinstance(p, dict) and _object_level(p) for p in every):
            joined: dict[str, Any] = {}
            for part in every:
                assert isinstance(part, dict)
                joined = union(joined, part)
            return joined  # fields of one object: one schema, not an allOf
        return every[0] if len(every) == 1 else {"allOf": every}
    if isinstance(cond, AnyOf):
        if any(p is True for p in parts):
            return True
        some: list[dict[str, Any] | bool] = [p for p in parts if p is not False]
        return False if not some else (some[0] if len(some) == 1 else {"anyOf": some})
    raise TypeError(f"not a condition: {cond!r}")


def _object_level(schema: dict[str, Any]) -> bool:
    """Whether `schema` only names fields (`properties` and `required`)."""
    return set(schema) <= {"properties", "required"}


def distribute(overlay: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, N…]` beside `if: X, else: R` as `anyOf: [X, N and R…]`: the same
    ("X or N" and "X or R" is "X, or N and R"), with one `if` less to evaluate. A
    redacted date is both: the placeholder or null (personal data gone), and the
    placeholder or in range (a valid date)."""
    branches = overlay.get("anyOf")
    test = overlay.get("if")
    if not isinstance(branches, list) or test not in branches or "then" in overlay:
        return overlay
    otherwise = overlay.get("else", {})
    out = {k: v for k, v in overlay.items() if k not in ("if", "else", "anyOf")}
    out["anyOf"] = [b if b == test else union(b, otherwise) for b in branches]
    return out


def either(overlay: dict[str, Any]) -> dict[str, Any]:
    """`if: X, else: R` (no `then`) as `anyOf: [R, X]`, the same (X or R): R is what
    usually holds (a date in range, rather than the placeholder), and a valid first branch
    ends an `anyOf` at once. Only for the fast path: `anyOf` reports one error at the
    object where `if`/`else` names the field at fault."""

    def convert(schema: dict[str, Any]) -> dict[str, Any]:
        if "if" in schema and "else" in schema and "then" not in schema:
            rest = {k: v for k, v in schema.items() if k not in ("if", "else")}
            return union(rest, {"anyOf": [schema["else"], schema["if"]]})
        return schema

    out = convert(overlay)
    if isinstance(out.get("allOf"), list):
        out = {**out, "allOf": [convert(b) if isinstance(b, dict) else b for b in out["allOf"]]}
    return out


def negated(cond: Cond) -> dict[str, Any] | None:
    """A schema of objects only that holds exactly when `cond` does not, when there is one:
    for a value that must not be one of some values (or an `AnyOf` of such conditions)."""
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
        tokens = path_tokens(cond.path)
        if not tokens:
            return None
        node: dict[str, Any] = {"not": predicate_schema(cond.must)}
        for token in reversed(tokens):
            node = {"properties": {token: node}}
        return node
    return None


def simplify(cond: Cond, ctx: Context) -> Cond | bool:
    """`cond` with [`REDACTED`][stripe_schemas.rules.REDACTED] replaced where `ctx` knows it,
    and what that decides folded away (`True`/`False` when it is decided)."""
    if isinstance(cond, Redacted):
        return ctx if isinstance(ctx, bool) else cond
    if isinstance(cond, Not):
        inner = simplify(cond.cond, ctx)
        return (not inner) if isinstance(inner, bool) else Not(inner)
    if isinstance(cond, (AllOf, AnyOf)):
        decisive, neutral = isinstance(cond, AnyOf), isinstance(cond, AllOf)
        kept: list[Cond] = []
        for part in cond.conds:
            found = simplify(part, ctx)
            if found is decisive:
                return decisive
            if found is not neutral:
                assert not isinstance(found, bool)
                kept.append(found)
        if not kept:
            return neutral
        return kept[0] if len(kept) == 1 else type(cond)(tuple(kept))
    return cond


def _value_test(cond: Cond | bool) -> tuple[str, frozenset[Any], bool] | None:
    """(path, values, holds when the value is one of them) of a test of one field's value."""
    positive = True
    if isinstance(cond, Not):
        cond, positive = cond.cond, False
    if (
        isinstance(cond, Where)
        and isinstance(cond.must, Is)
        and all(isinstance(v, (str, int, bool)) or v is None for v in cond.must.values)
    ):
        return cond.path, frozenset(cond.must.values), positive
    return None


Part_ = tuple[Cond | bool, dict[str, Any]]


def check_parts(check: Check, ctx: Context, *, probe: bool) -> Part_ | None:
    """(condition, target schema) of one check on an object of its schema keys; None when
    there is nothing to check there. `probe`: the schema reports where the check fails
    (the findings), else it only decides (the fast path)."""
    if isinstance(check.must, SameAs):
        return None
    when = simplify(check.when, ctx)
    if when is False:
        return None
    at_field = probe and check.point == "field"
    target = where_schema(check.field, check.must, point_at_field=at_field)
    return (when, target) if target else None


def _is_one_of(path: str, values: Iterable[Any]) -> dict[str, Any]:
    chosen = sorted(values, key=repr)
    return where_schema(path, Is(tuple(chosen)))


def _switch(path: str, tests: list[tuple[frozenset[Any], bool, dict[str, Any]]]) -> dict[str, Any]:
    """Several checks whose conditions test the value of one field, as one decision over the
    values they name ([`ABSENT`][stripe_schemas.rules.ABSENT] among them): which class of those
    values the field holds, and, when checks hold for every other value too, a first test of
    whether it holds any of them (so that a value no test names costs one `if`)."""
    named = frozenset().union(*(values for values, _, _ in tests))
    classes: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    for value in sorted(named, key=repr):
        target: dict[str, Any] = {}
        for values, positive, piece in tests:
            if (value in values) == positive:
                target = union(target, piece)
        classes.setdefault(digest(target), ([], target))[0].append(value)
    rest: dict[str, Any] = {}
    for _, positive, piece in tests:
        if not positive:
            rest = union(rest, piece)
    ordered = list(classes.values()) if rest else [c for c in classes.values() if c[1]]
    if not rest:  # nothing holds for other values: a chain of tests, each class its own
        chain: dict[str, Any] = {}
        for values, target in reversed(ordered):
            step: dict[str, Any] = {"if": _is_one_of(path, values), "then": target}
            if chain:
                step["else"] = chain
            chain = step
        return chain
    chain = ordered[-1][1]
    for values, target in reversed(ordered[:-1]):
        step = {"if": _is_one_of(path, values), "then": target}
        if chain:
            step["else"] = chain
        chain = step
    switch: dict[str, Any] = {"if": _is_one_of(path, named), "then": chain}
    switch["else"] = rest
    return switch


def _shared_conjunct(parts: list[Part_]) -> Cond | None:
    """A condition that two or more of the checks' conditions are a conjunction of, with
    others (the most shared one), or None."""
    counts: dict[str, tuple[Cond, int]] = {}
    for when, _ in parts:
        if isinstance(when, AllOf):
            for cond in {digest(repr(c)): c for c in when.conds}.values():
                name = digest(repr(cond))
                counts[name] = (cond, counts.get(name, (cond, 0))[1] + 1)
    best = max(counts.values(), key=lambda found: found[1], default=None)
    return best[0] if best is not None and best[1] > 1 else None


def _without(when: Cond | bool, cond: Cond) -> Cond | bool:
    """`when` (a conjunction holding `cond`) without `cond`."""
    assert isinstance(when, AllOf)
    rest = tuple(c for c in when.conds if c != cond)
    return True if not rest else (rest[0] if len(rest) == 1 else AllOf(rest))


def combine(parts: Iterable[Part_]) -> dict[str, Any] | None:
    """One fragment from checks' (condition, target) pairs: unconditional targets side by side;
    a condition several conditions share as one `if` around their rest (an expanded report
    is there: then its checks); conditions that test one field's value as one decision
    (`_switch()`); one `if` per other condition, and a condition with its negation as
    `if`/`else`."""
    parts = list(parts)
    factored: list[dict[str, Any]] = []
    while (shared := _shared_conjunct(parts)) is not None:
        inside = [(w, t) for w, t in parts if isinstance(w, AllOf) and shared in w.conds]
        parts = [(w, t) for w, t in parts if not (isinstance(w, AllOf) and shared in w.conds)]
        inner = combine((_without(w, shared), t) for w, t in inside)
        test = cond_schema(shared, False)
        if inner and isinstance(test, dict):
            factored.append({"if": test, "then": inner})
    always: dict[str, Any] = {}
    tests: dict[str, list[tuple[frozenset[Any], bool, dict[str, Any]]]] = {}
    others: list[tuple[Cond, dict[str, Any]]] = []
    for when, target in parts:
        if when is True:
            always = union(always, target)
            continue
        assert not isinstance(when, bool)
        found = _value_test(when)
        if found is None:
            others.append((when, target))
        else:
            tests.setdefault(found[0], []).append((found[1], found[2], target))
    branches: list[dict[str, Any]] = []
    for path, group in tests.items():
        if len({(values, positive) for values, positive, _ in group}) > 1:
            branches.append(_switch(path, group))
        else:
            values, positive, _ = group[0]
            others.extend(
                (
                    Where(path, Is(tuple(sorted(values, key=repr))))
                    if positive
                    else Not(Where(path, Is(tuple(sorted(values, key=repr))))),
                    piece,
                )
                for _, _, piece in group
            )
    by_condition: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for cond, target in others:
        schema = cond_schema(cond, False)
        assert isinstance(schema, dict)
        name = digest(schema)
        found_pair = by_condition.get(name)
        by_condition[name] = (schema, union(found_pair[1], target) if found_pair else target)
    for name, (test, target) in list(by_condition.items()):
        if name not in by_condition:
            continue  # taken as the other side of a pair
        negation = test.get("not") if set(test) == {"not"} else None
        other = by_condition.get(digest(negation)) if isinstance(negation, dict) else None
        if other is not None:
            del by_condition[digest(negation)]
            branches.append({"if": other[0], "then": other[1], "else": target})
            continue
        opposite = by_condition.pop(digest({"not": test}), None)
        if isinstance(negation, dict):  # "if not X then T" is "if X else T", one keyword less
            branches.append({"if": negation, "else": target})
            continue
        branch: dict[str, Any] = {"if": test, "then": target}
        if opposite is not None:
            branch["else"] = opposite[1]
        branches.append(branch)
    branches.extend(factored)
    if len(branches) == 1 and not {"if", "then", "else"} & set(always):
        always = union(always, branches[0])  # one condition: no allOf around it
    elif branches:
        always = union(always, {"allOf": branches})
    return always or None


def merge(strict: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A schema equivalent to `allOf: [strict, overlay]`, with `properties` merged."""
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
    """Two fragments as one (`allOf` of both), their `properties` side by side, so that a
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


def digest(value: Any) -> str:
    """A short name for a schema, from its content."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]
