"""Discriminators: the tag each branch of a tagged union must carry.

A `oneOf`/`anyOf` of references with `discriminator: {propertyName: P}` says that a
branch's `P` holds the branch's tag: the keys of `mapping` that point at it, or, without
one, its component key (OpenAPI's implicit mapping). The generator narrows `P` in each
branch's class to those values (a `Literal`, as datamodel-code-generator's own output
does), and `schemas.json` asserts the same `enum`, so the converters, the validator
and the strategies all check the tag, from this one table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from stripe_schemas.model import unescape_token

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
    `oneOf`/`anyOf` to pick from: a base schema that subtypes extend through `allOf`. The
    generator does not choose the subtype by the tag there (a reference to the base reads
    the base), so `generate` warns about each."""
    return [
        key
        for key in sorted(keys)
        if isinstance(schemas.get(key), dict)
        and isinstance(schemas[key].get("discriminator"), dict)
        and not any(isinstance(schemas[key].get(k), list) for k in ("oneOf", "anyOf"))
    ]


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
