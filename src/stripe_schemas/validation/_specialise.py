"""Specialised definitions: a resource's strict schema with the rules' fragments folded in.

A fragment that constrains a referenced object only is merged into a specialised copy of
that object's definition (named by its content), so each value of a payload is visited
once, however many rules look at it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..model import def_key, def_pointer
from ..rules import AnyOf, Cond
from ._rule_schema import cond_schema, digest, distribute, either, merge, negated, union

CLEAN_PREFIX = "clean:"
#: Keywords that constrain objects only (a fragment made of them holds of any other value).
_OBJECT_KEYWORDS = frozenset({"properties", "required", "maxProperties", "anyOf", "allOf"})


def _object_only(fragment: Any) -> bool:
    """Whether `fragment` constrains objects only (so it holds of null, strings, …)."""
    if not isinstance(fragment, Mapping) or not set(fragment) <= _OBJECT_KEYWORDS:
        return False
    return all(
        _object_only(branch)
        for keyword in ("anyOf", "allOf")
        for branch in fragment.get(keyword, ())
    )


def single_ref(node: Any) -> str | None:
    """The one definition a property refers to (`$ref`, or one `$ref` branch of `anyOf`)."""
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
    """`piece` simplified for a value that `node` already holds to be a string (or null):
    `if string then X` becomes `X` (or `X` or null, for an enum or a constant)."""
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


class Builder:
    """Specialised definitions of a resource and what it holds, with the checks folded in.

    `full`: each definition is a copy of the strict one (the fast path); else it holds only
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
        """The definition of `key` checked on its own (a resource dispatches on its redaction)."""
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
        name = f"{CLEAN_PREFIX}{key}:{digest(content)}"
        self.defs.setdefault(name, content)
        return name

    def define(self, key: str, redacted: bool, extra: dict[str, Any]) -> str:
        """`key`'s definition inside a redacted resource (or not), with `extra` folded in."""
        made = (key, redacted, digest(extra))
        found = self._made.get(made)
        if found is not None:
            if not found:
                raise ValueError(f"schemas with rules refer to each other in a cycle at {key!r}")
            return found
        self._made[made] = ""  # being built
        own = self.fragment(key, redacted)
        overlay = distribute(union(extra, own)) if own else extra
        if self.full:
            overlay = either(overlay)
        strict = self.strict[key]
        declared = strict.get("properties", {}) if isinstance(strict, Mapping) else {}
        pieces = dict(overlay.get("properties", {}))
        rest = {k: v for k, v in overlay.items() if k != "properties"}
        properties: dict[str, Any] = dict(declared) if self.full else {}
        for field, node in declared.items():
            piece = pieces.pop(field, None) or {}
            ref = single_ref(node)
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
