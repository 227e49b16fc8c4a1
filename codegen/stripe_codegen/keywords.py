"""Facts about OpenAPI schema keywords that several stages of the generator read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stripe_schemas.model import unescape_token

#: Where a `$ref` to a component schema points.
REF_PREFIX = "#/components/schemas/"

#: Keywords of a schema that only describe it: an `allOf` part made only of these adds
#: nothing to the value's shape (the classes and `schemas.json` both skip such a part).
ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly"}
    | {"externalDocs", "default", "nullable"}
)


def only_describes(schema: object) -> bool:
    """A schema made of annotations alone (`{}` included): it adds nothing to the value's
    shape, so as an `allOf` part, or as a later part's definition of a property an earlier
    part defines, it changes nothing (the classes and `schemas.json` both read it so)."""
    return isinstance(schema, dict) and set(schema) <= ANNOTATIONS


# -- what a schema's values are (read by the parser, `schemas.json` and `compositions`) ----
def _ref_key(schema: dict[str, Any], seen: frozenset[str]) -> str | None:
    """The component a schema's `$ref` names (None: not a component, or one `seen` on the
    way: a cycle)."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith(REF_PREFIX):
        return None
    key = unescape_token(ref.removeprefix(REF_PREFIX))
    return None if key in seen else key


def _schemas_of(schema: dict[str, Any], keyword: str) -> list[Any]:
    branches = schema.get(keyword)
    return branches if isinstance(branches, list) else []


def _shape_parts(schema: dict[str, Any]) -> list[tuple[int, Any]]:
    """The `allOf` parts that give the value a shape (not only a description)."""
    return [
        (i, b)
        for i, b in enumerate(_schemas_of(schema, "allOf"))
        if not (isinstance(b, dict) and set(b) <= ANNOTATIONS)
    ]


_JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean"})


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "null")


def value_kinds(
    schema: Any, schemas: Mapping[str, Any], seen: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The JSON types (`null` left out) a schema's values can have, as its `type`, `enum`,
    `const`, `properties`, `items`, branches, parts and references say; None when they
    say nothing (a schema of constraints alone, such as `{maxLength: 5}`, or any value).
    An integer is a number too."""
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        key = _ref_key(schema, seen)
        return None if key is None else value_kinds(schemas.get(key), schemas, seen | {key})
    found: frozenset[str] | None = None
    kind = schema.get("type")
    if kind is not None:
        names = kind if isinstance(kind, list) else [kind]
        found = frozenset(n for n in names if n in _JSON_TYPES)
    elif "enum" in schema or "const" in schema:
        values = [schema["const"]] if "const" in schema else schema.get("enum") or []
        found = frozenset(_json_type(v) for v in values) - {"null"}
    elif "properties" in schema or "additionalProperties" in schema:
        found = frozenset({"object"})
    elif "items" in schema:
        found = frozenset({"array"})
    for keyword in ("anyOf", "oneOf"):
        branches = [value_kinds(b, schemas, seen) for b in _schemas_of(schema, keyword)]
        if branches and None not in branches:
            union = frozenset().union(*[b for b in branches if b is not None])
            found = union if found is None else found & _widen(union)
    for _, part in _shape_parts(schema):
        inner = value_kinds(part, schemas, seen)
        if inner is not None:
            found = inner if found is None else (found & _widen(inner)) | (inner & _widen(found))
    return found


def _widen(kinds: frozenset[str]) -> frozenset[str]:
    """The kinds with `integer` added where `number` is (an integer is a number)."""
    return kinds | {"integer"} if "number" in kinds else kinds
