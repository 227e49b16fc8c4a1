"""A property that several `allOf` parts define holds every definition at once, as JSON
Schema reads it (GitHub's webhook payloads compose `Issue` with a part that says
`author_association: {type: string}` again: the value is still one of the enum's).

The spec is rewritten once, when it is loaded (`join_redefinitions`): the later definition
becomes `allOf: [earlier, later]`, so the classes, `schemas.json`, the strategies and
`diff` all read one composed schema there, with the ordinary `allOf` rules (a scalar is
the narrowest part with every part's limits, objects are merged). A definition that only
describes (`{}`), or says the earlier one in other words, is left as it is, and so is
one the classes could not hold as `schemas.json` checks it (`_joinable`). A referenced
component is shared, so it is never rewritten: where the later definition is in one, the
earlier one (this object's own) is joined to it, and `merge_all_of` keeps the joined one;
where both are, the later is taken alone, and `generate` names it in a warning
(`schema_reading.redefinitions`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from stripe_schemas.model import escape_token, unescape_token

from .keywords import _ref_key, _shape_parts, _widen, only_describes, value_kinds


def join_redefinitions(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with each property a later `allOf` part defines again (with another
    schema) written as `allOf: [earlier, later]`; the same object when there is none.

    Outside in, a pass per depth (a joined object's own parts may define a property twice
    too: GitHub's `issue.user`), each place once, and never with an earlier definition
    that holds the place itself (a recursive schema would feed its own join without end);
    what is left is taken alone, with a warning."""
    copied = False
    rewritten: set[str] = set()
    for _ in range(_MAX_PASSES):
        schemas = (document.get("components") or {}).get("schemas")
        if not isinstance(schemas, dict):
            return document
        found = [(w, v) for w, v in _rewrites(schemas) if w not in rewritten]
        if not found:
            return document
        if not copied:  # the caller's document stays as it was
            document, copied = copy.deepcopy(document), True
        done: list[str] = []
        for where, value in found:
            if any(where == d or where.startswith(f"{d}/") for d in done):
                continue  # inside a definition joined in this pass: the next pass
            _put(document, where, value)
            done.append(where)
        rewritten.update(done)
    return document


#: Joins nested deeper than this are left as they are (with a warning).
_MAX_PASSES = 8


def _rewrites(schemas: dict[str, Any]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, schema in schemas.items():
        _walk(schema, f"/components/schemas/{escape_token(key)}", schemas, found)
    return found


def _walk(node: Any, pointer: str, schemas: dict[str, Any], found: list[tuple[str, Any]]) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{pointer}/{index}", schemas, found)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("allOf"), list) and len(node["allOf"]) > 1:
        last: dict[str, tuple[Any, str]] = {}
        for wire, prop, where in composed_definitions(node, pointer, schemas):
            earlier, earlier_at = last.get(wire, (None, ""))
            if redefines(prop, earlier):
                if f"{where}/".startswith(f"{earlier_at}/"):
                    pass  # the earlier definition holds this place: a recursive schema
                elif not _joinable(earlier, prop, schemas) and not _arrays(earlier, prop, schemas):
                    pass  # the later one alone (warned)
                elif where.startswith(f"{pointer}/"):  # the later definition is this object's
                    prop = _join(earlier, prop, schemas)
                    found.append((where, prop))
                elif earlier_at.startswith(f"{pointer}/"):  # the later one is shared, the
                    prop, where = _join(earlier, prop, schemas), earlier_at  # earlier is ours
                    found.append((where, prop))
            if wire not in last or not only_describes(prop):
                last[wire] = (prop, where)
    for name, value in node.items():
        if name not in ("enum", "const", "example", "examples", "default"):
            _walk(value, f"{pointer}/{escape_token(name)}", schemas, found)


def _join(earlier: Any, later: Any, schemas: dict[str, Any]) -> Any:
    """Two definitions as one: `allOf: [earlier, later]`, or for two arrays one array
    whose items are both definitions' items (the class holds one list type)."""
    arrays = _arrays(earlier, later, schemas)
    if arrays is not None:
        return arrays
    return {"allOf": [earlier, later]}


def _arrays(earlier: Any, later: Any, schemas: dict[str, Any]) -> dict[str, Any] | None:
    """Two inline arrays as one, when their other keywords agree and their items join
    (None: they do not)."""
    if not all(isinstance(d, dict) and d.get("type") == "array" for d in (earlier, later)):
        return None
    if not all(isinstance(d.get("items"), dict) for d in (earlier, later)):
        return None
    rest = {k: v for k, v in earlier.items() if k != "items"}
    for key, value in later.items():
        if key != "items" and rest.get(key, value) != value:
            return None  # two different limits (or words): not one array
        rest.setdefault(key, value)
    items = earlier["items"], later["items"]
    if same_shape(*items) or only_describes(items[1]):
        return {**rest, "items": items[0]}
    inner = _arrays(*items, schemas)
    if inner is not None:
        return {**rest, "items": inner}
    return {**rest, "items": {"allOf": list(items)}} if _joinable(*items, schemas) else None


def _joinable(earlier: Any, later: Any, schemas: dict[str, Any]) -> bool:
    """Whether two definitions join into what the classes can hold as `schemas.json`
    checks it: scalars whose JSON types one part narrows (an enum and a string, an integer
    and a number, a string and `integer or string`), or objects made of properties alone
    (merged as `allOf` objects are). Not: a union beside an object, two arrays or maps
    (the class would hold one part's items), types no value has both of."""
    one, other = value_kinds(earlier, schemas), value_kinds(later, schemas)
    if one is None or other is None:  # a part of limits alone (`maxLength: 5`)
        known = one if other is None else other
        return known is not None and not known & {"object", "array"}
    if not one & {"object", "array"} and not other & {"object", "array"}:
        return one <= _widen(other) or other <= _widen(one)
    return one == other == {"object"} and _plain(earlier, schemas) and _plain(later, schemas)


def _plain(schema: Any, schemas: dict[str, Any], depth: int = 0) -> bool:
    """An object schema made of properties (and `allOf` parts that are), references
    followed: no union, list, map or listed values."""
    if not isinstance(schema, dict) or depth > 20:
        return False
    if "$ref" in schema:
        key = _ref_key(schema, frozenset())
        return key is not None and _plain(schemas.get(key), schemas, depth + 1)
    if {"anyOf", "oneOf", "items", "enum", "const"} & set(schema):
        return False
    if isinstance(schema.get("additionalProperties"), dict):
        return False
    return all(_plain(part, schemas, depth + 1) for _, part in _shape_parts(schema))


def _put(document: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = [unescape_token(t) for t in pointer.split("/")[1:]]
    node: Any = document
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[tokens[-1]] = copy.deepcopy(value)


# -- reading the definitions (also `schema_reading.redefinitions`'s) ---------------------------
_WORDS = frozenset({"description", "title", "example", "examples", "externalDocs", "default"})


def _shape(schema: Any) -> Any:
    """A schema without the words that only describe it, at every depth."""
    if isinstance(schema, dict):
        return {k: _shape(v) for k, v in schema.items() if k not in _WORDS}
    return [_shape(v) for v in schema] if isinstance(schema, list) else schema


def same_shape(one: Any, other: Any) -> bool:
    """Whether two schemas differ at most in the words that describe them."""
    return bool(_shape(one) == _shape(other))


def redefines(prop: Any, earlier: Any) -> bool:
    """Whether a later definition of a property gives it another schema than the `earlier`
    one (None: there is none): not `{}`, not the same schema in other words, and not a
    join of the two already."""
    return (
        earlier is not None
        and not only_describes(prop)
        and not same_shape(prop, earlier)
        and not joins(prop, earlier)
    )


def joins(prop: Any, other: Any) -> bool:
    """Whether `prop` is `allOf: [earlier, later]` with `other` one of the two, or an array
    with `other`'s keywords whose items join `other`'s items: a definition
    `join_redefinitions` joined to another."""
    if not isinstance(prop, dict) or not isinstance(other, dict):
        return False
    parts = prop.get("allOf")
    if isinstance(parts, list) and len(parts) == 2 and any(same_shape(p, other) for p in parts):
        return True
    items, others = prop.get("items"), other.get("items")
    if prop.get("type") != "array" or other.get("type") != "array" or items is None:
        return False
    kept = all(prop.get(k) == v for k, v in other.items() if k != "items" and k not in _WORDS)
    return kept and (same_shape(items, others) or joins(items, others))


def composed_definitions(
    node: Any, pointer: str, schemas: Mapping[str, Any], seen: frozenset[str] = frozenset()
) -> list[tuple[str, Any, str]]:
    """(wire name, schema, pointer) of every property definition of an object, its `allOf`
    parts' first (references to components followed, once each), in order."""
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        key = _ref_key(node, seen)  # None: not a component, or a cycle
        if key is None:
            return []
        where = f"/components/schemas/{escape_token(key)}"
        return composed_definitions(schemas.get(key), where, schemas, seen | {key})
    found: list[tuple[str, Any, str]] = []
    for index, part in _shape_parts(node):
        found += composed_definitions(part, f"{pointer}/allOf/{index}", schemas, seen)
    props = node.get("properties")
    for wire, prop in (props if isinstance(props, dict) else {}).items():
        found.append((wire, prop, f"{pointer}/properties/{escape_token(wire)}"))
    return found
