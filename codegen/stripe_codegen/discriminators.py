"""Discriminators: the tag each branch of a tagged union must carry.

A `oneOf`/`anyOf` of references with `discriminator: {propertyName: P}` says that a
branch's `P` holds the branch's tag: the keys of `mapping` that point at it, or, without
one, its component key (OpenAPI's implicit mapping). The generator narrows `P` in each
branch's class to those values (a `Literal`, as datamodel-code-generator's own output
does), and `schemas.json` asserts the same `enum`, so the converters, the validator
and the strategies all check the tag, from this one table.

A discriminator on a base schema (no `oneOf`/`anyOf`; its subtypes extend it through
`allOf`) says the same of every place that refers to the base: the tag picks the subtype.
`follow_base_discriminators` writes that down once, when the spec is loaded: each such
reference becomes the `oneOf` of the subtypes with the base's discriminator, so every
stage after it (classes, `schemas.json`, diff) reads an ordinary discriminated union.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from stripe_schemas.model import escape_token, unescape_token

from .errors import SpecProblem
from .ir import ClassDef
from .keywords import ANNOTATIONS

_PREFIX = "#/components/schemas/"

#: component key → {tag property: the tag values it may hold}
Tags = dict[str, dict[str, tuple[str, ...]]]


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            yield item
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


def _target(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith(_PREFIX) and "/" not in ref[len(_PREFIX) :]:
        return unescape_token(ref[len(_PREFIX) :])
    return None


def discriminator_tags(schemas: Mapping[str, Any], keys: Iterable[str]) -> Tags:
    """The tags of every branch of every discriminated union in the schemas of `keys`."""
    found: dict[str, dict[str, list[str]]] = {}
    for key in sorted(keys):
        for node in _nodes(schemas.get(key)):
            discriminator = node.get("discriminator")
            if not isinstance(discriminator, dict):
                continue
            prop = discriminator.get("propertyName")
            if not isinstance(prop, str):
                continue
            mapping = discriminator.get("mapping")
            mapping = mapping if isinstance(mapping, dict) else {}
            branches = [b for k in ("oneOf", "anyOf") for b in node.get(k) or ()]
            for branch in branches:
                target = _target(branch.get("$ref")) if isinstance(branch, dict) else None
                if target is None or target not in schemas:
                    continue
                mapped = [
                    str(tag)
                    for tag, where in mapping.items()
                    if where == branch["$ref"] or where == target
                ]
                values = found.setdefault(target, {}).setdefault(prop, [])
                values += [v for v in (mapped or [target]) if v not in values]
    return {key: {p: tuple(v) for p, v in props.items()} for key, props in found.items()}


def base_discriminators(schemas: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    """The component keys among `keys` whose schema has a `discriminator` but no
    `oneOf`/`anyOf` to pick from: a base schema that subtypes extend through `allOf`."""
    return [
        key
        for key in sorted(keys)
        if isinstance(schemas.get(key), dict)
        and isinstance(schemas[key].get("discriminator"), dict)
        and isinstance(schemas[key]["discriminator"].get("propertyName"), str)
        and not any(isinstance(schemas[key].get(k), list) for k in ("oneOf", "anyOf"))
    ]


def _extends(schema: dict[str, Any], component: bool) -> bool:
    """Whether the references among a schema's `allOf` parts are extended (kept, their
    fields composed) rather than wrapped (followed like any reference).

    A schema extends them when it adds a shape of its own (another part that is not only a
    description, or `properties`/`required` of its own). A component also extends the one
    reference it wraps (a subtype that only renames the base, as event types often do),
    unless it only speaks of `null` (3.0's `nullable`, a 3.1 `type` list with `"null"`):
    that is the base (or `null`, where the schema lets it past the base). An inline
    one-part `allOf` (3.0's way to give a `$ref` a description) is a wrapper.
    """
    parts = schema.get("allOf")
    shaped = [p for p in parts or () if not (isinstance(p, dict) and set(p) <= ANNOTATIONS)]
    if len(shaped) > 1 or "properties" in schema or "required" in schema:
        return True
    kind = schema.get("type")
    of_null = schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)
    return component and not of_null


def _extended(schema: Any) -> list[str]:
    """The components a component schema extends through its top-level `allOf`."""
    parts = schema.get("allOf") if isinstance(schema, dict) else None
    if not isinstance(parts, list) or not _extends(schema, component=True):
        return []
    return [
        key
        for part in parts
        if isinstance(part, dict) and (key := _target(part.get("$ref"))) is not None
    ]


def _subtypes(schemas: Mapping[str, Any]) -> dict[str, list[str]]:
    """component key → the components that extend it (`_extended`)."""
    children: dict[str, list[str]] = {}
    for key, schema in schemas.items():
        for parent in _extended(schema):
            if key not in children.setdefault(parent, []):
                children[parent].append(key)
    return children


def _members(
    base: str, schemas: Mapping[str, Any], children: Mapping[str, list[str]], source: str
) -> tuple[list[str], list[SpecProblem]]:
    """The schemas a reference to `base` may be: its `mapping`'s targets, then every schema
    that extends it (at any depth), each once; `base` itself only when the mapping names it
    (implicitly it is the abstract part its subtypes share)."""
    discriminator = schemas[base]["discriminator"]
    mapping = discriminator.get("mapping")
    members: list[str] = []
    problems: list[SpecProblem] = []
    for tag, where in (mapping if isinstance(mapping, dict) else {}).items():
        key = _target(where) if isinstance(where, str) and where.startswith("#") else where
        if not isinstance(key, str) or key not in schemas:
            pointer = f"/components/schemas/{escape_token(base)}/discriminator/mapping"
            message = f"the tag {str(tag)[:80]!r} maps to {str(where)[:120]!r}, no component schema"
            problems.append(SpecProblem(source, f"{pointer}/{escape_token(str(tag))}", message))
        elif key not in members:
            members.append(key)
    todo = list(children.get(base, ()))
    while todo:
        key = todo.pop(0)
        if key != base and key not in members:
            members.append(key)
            todo += children.get(key, ())
    return members, problems


def follow_base_discriminators(
    document: dict[str, Any], source: str
) -> tuple[dict[str, Any], list[SpecProblem]]:
    """`document` with every reference to a base schema with a discriminator replaced by the
    discriminated `oneOf` of its subtypes (see the module's docstring).

    A reference that an `allOf` extends (`_extends`: a subtype, or an inline object that
    adds fields to the base) stays: it composes the base's fields. The input is not changed (what changes is copied; a node the document holds at two
    places, a YAML anchor, is rewritten at each place on its own); a document without such
    a base (every Stripe spec) is returned as it is. A base no schema extends stays a plain
    reference, and a `mapping` to something that is not a component schema is a problem.
    """
    components = document.get("components")
    if not isinstance(components, dict) or not isinstance(components.get("schemas"), dict):
        return document, []
    schemas: dict[str, Any] = components["schemas"]
    bases = base_discriminators(schemas, schemas)
    if not bases:
        return document, []
    children = _subtypes(schemas)
    unions: dict[str, dict[str, Any]] = {}
    problems: list[SpecProblem] = []
    for base in bases:
        members, found = _members(base, schemas, children, source)
        problems += found
        if members:
            discriminator = schemas[base]["discriminator"]
            unions[_PREFIX + escape_token(base)] = {
                "oneOf": [{"$ref": _PREFIX + escape_token(key)} for key in members],
                "discriminator": {
                    k: v for k, v in discriminator.items() if k in ("propertyName", "mapping")
                },
            }
    if problems or not unions:
        return document, problems
    rewritten = {k: _rewritten(v, unions) for k, v in document.items() if k != "components"}
    rewritten["components"] = {
        k: _rewritten(v, unions) for k, v in components.items() if k != "schemas"
    }
    rewritten["components"]["schemas"] = {
        key: _rewritten(schema, unions, component=True) for key, schema in schemas.items()
    }
    return rewritten, problems


def _rewritten(
    node: Any,
    unions: Mapping[str, dict[str, Any]],
    *,
    composing: bool = False,
    component: bool = False,
) -> Any:
    """`node` with the references to the bases of `unions` replaced (`node` itself when
    nothing under it changes). `composing`: `node` is a part of an `allOf` that extends
    (`_extends`); `component`: `node` is a component schema. The loader bounds the
    document's depth, so recursion is safe."""
    if isinstance(node, list):
        items = [_rewritten(item, unions) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref in unions and not composing:
        return {**{k: v for k, v in node.items() if k != "$ref"}, **copy.deepcopy(unions[ref])}
    out: dict[Any, Any] = {}
    changed = False
    for key, value in node.items():
        if key == "allOf" and isinstance(value, list):
            extending = _extends(node, component)
            parts = [_rewritten(p, unions, composing=extending) for p in value]
            new: Any = value if all(a is b for a, b in zip(parts, value, strict=True)) else parts
        else:
            new = _rewritten(value, unions)
        changed = changed or new is not value
        out[key] = new
    return out if changed else node


def unchecked_tags(tags: Tags, classes: Iterable[ClassDef], source: str) -> list[SpecProblem]:
    """Warnings for the branches whose tags their class cannot hold as the spec says: no
    such property, or the tag properties of several unions (the class checks them all,
    wherever it is used). The parser warns at the property for the other cases."""
    by_pointer = {c.pointer: c for c in classes}
    found: list[SpecProblem] = []
    for key, props in sorted(tags.items()):
        pointer = _PREFIX[1:] + escape_token(key)
        cls = by_pointer.get(pointer)
        if len(props) > 1:
            named = " and ".join(repr(p) for p in props)
            message = (
                f"a branch of discriminated unions with the tag properties {named}: "
                "its class checks all of them, in every union and outside them"
            )
            found.append(SpecProblem(source, pointer, message))
        for prop in props:
            if cls is None or all(f.wire_name != prop for f in cls.fields):
                message = (
                    f"a branch of a discriminated union with no property {prop!r}: "
                    "the union does not check its tag"
                )
                found.append(SpecProblem(source, pointer, message))
    return found


def narrow_schema(schema: dict[str, Any], props: Mapping[str, tuple[str, ...]]) -> None:
    """Assert the tags in a translated object schema (its `properties`), in place."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for prop, values in props.items():
        sub = properties.get(prop)
        if isinstance(sub, dict) and not ({"$ref", "enum", "const"} & set(sub)):
            properties[prop] = {**sub, "enum": list(values)}
        elif isinstance(sub, dict):  # both hold: what the property says, and the tag
            properties[prop] = {"allOf": [sub, {"enum": list(values)}]}
