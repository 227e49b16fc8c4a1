"""Translate the spec's OpenAPI 3.0 schemas into one JSON Schema 2020-12 document.

The validators (`stripe_schemas.validation`) and the hypothesis strategies
read the result, committed as `stripe_models/schemas.json`. Translation rules:

- `$ref: '#/components/schemas/<key>'` becomes `#/$defs/<key>` (the key is
  escaped as a JSON pointer token and percent-encoded as a URI fragment).
- `nullable: true` admits `null` on every kind of schema: `"null"` joins
  `type`, `None` joins `enum`, a `{"type": "null"}` branch joins `anyOf`
  and a bare `$ref` becomes `anyOf: [$ref, null]`.
- An `enum` marked `x-stripeBypassValidation` is not asserted (Stripe may
  send other values): its values move to the annotation `x-enum`.
- A schema with `properties` and no `type` gets `type: object`: its class holds objects
  only. An inline object whose `properties` are empty (and no `additionalProperties`) is a
  map of any value, as its field's type says: the empty `properties` go.
- `oneOf` becomes `anyOf`, as the converters read it (the first branch that fits); a
  discriminated union's branches exclude each other by their tags anyway.
- OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become 2020-12's bounds.
- `const` becomes a one-value `enum`: the class reads it as a `Literal`, whose unknown
  values are notices in lenient mode, as an enum's are.
- `format` stays as an annotation (`unix-time` is already `type: integer`).
- `maxLength`, `pattern`, `required`, `properties`, `items` and
  `additionalProperties` are kept as they are, but a `writeOnly` property is not
  required (the document describes responses; see `access`). OpenAPI's open objects stay
  open here; the validator derives the strict variant itself.
- Prose (`description`, `title`) and generator hints (`x-expandableFields`,
  `x-expansionResources`) are dropped; `x-resourceId` is kept.

The output is plain data with deterministic content; dump it with
`json.dumps(doc, indent=1, sort_keys=True) + "\\n"`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stripe_schemas.model import def_pointer, unescape_token

from .access import response_required
from .compositions import joins
from .discriminators import narrow_schema
from .keywords import ANNOTATIONS, only_describes
from .schema_reading import admits_null, declared_extra, normal_limits

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMPONENT_PREFIX = "#/components/schemas/"

#: Keywords whose value is a schema.
_SCHEMA_KEYWORDS = ("items", "additionalProperties", "not")
#: Keywords whose value is a list of schemas.
_LIST_KEYWORDS = ("anyOf", "oneOf", "allOf")
#: Keywords copied unchanged (assertions and harmless annotations).
_COPIED = (
    "type",
    "const",
    "required",
    "enum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "x-resourceId",
    "x-stripeBypassValidation",
)


class TranslationError(ValueError):
    """The schemas cannot be translated (a `$ref` points outside the given keys)."""


class SelfComposition(TranslationError):
    """A schema composes itself: an `allOf` of several parts inside a component refers
    back to it (`A.a: allOf: [$ref A, {…}]`); `key` is the component."""

    def __init__(self, key: str) -> None:
        super().__init__(f"an allOf inside {key!r} composes {key!r} itself with other parts")
        self.key = key


def def_ref(key: str) -> str:
    """The `$ref` of a schema key inside the output document (the validator's own)."""
    return def_pointer(key)


def _rewrite_ref(ref: str, keys: frozenset[str], missing: set[str]) -> str:
    if not ref.startswith(COMPONENT_PREFIX):
        missing.add(ref)
        return ref
    key = unescape_token(ref[len(COMPONENT_PREFIX) :])
    if key not in keys:
        missing.add(key)
    return def_ref(key)


def merge_all_of(
    node: Mapping[str, Any], schemas: Mapping[str, Any], refs: set[str] | None = None
) -> Mapping[str, Any]:
    """An `allOf` of objects as one object schema: the parts' `properties` and
    `required` together (a later part's property replaces an earlier one, as the
    generated class's field does, unless it only describes: `{}` adds nothing, or an
    earlier one holds it: `compositions` joined them when the spec was loaded). Validation closes every object that declares
    properties, which would make each part refuse the others' fields; merged, the
    closed object accepts exactly the class's fields. Any other `allOf` stays as it is.
    `refs`, when given, receives the component keys whose properties were merged in."""
    parts = node.get("allOf")
    if not isinstance(parts, list) or not parts:
        return node
    properties: dict[str, Any] = {}
    required: list[str] = []
    followed: set[str] = set()
    for part in _object_parts(node, schemas, 0, followed):
        if part is None:
            return node
        props = part.get("properties")
        for name, sub in (props if isinstance(props, Mapping) else {}).items():
            if name in properties and (only_describes(sub) or joins(properties[name], sub)):
                # `{}` (or a description) adds nothing, and an earlier definition joined to
                # this one (`compositions`) holds it already: the earlier definition holds
                continue
            properties[name] = sub
        required += [r for r in part.get("required") or () if r not in required]
    if not properties:
        return node
    skipped = ("allOf", "properties", "required", "additionalProperties")
    merged = {k: v for k, v in node.items() if k not in skipped}
    merged |= {"type": "object", "properties": properties}
    extra = declared_extra(node, "", schemas)  # the class's other keys, as it declares them
    if extra is not None:
        merged["additionalProperties"] = extra[0]
    if admits_null(node, schemas):  # `null` passes every part (the classes' one rule)
        merged["nullable"] = True
    if required:
        merged["required"] = required
    if refs is not None:
        refs |= followed
    return merged


def _object_parts(
    node: Any, schemas: Mapping[str, Any], depth: int, followed: set[str] | None = None
) -> list[Any]:
    """The object schemas an `allOf` is made of (references followed), or `[None]`
    where a part is not an object (its `allOf` is not merged)."""
    if depth > 50 or not isinstance(node, Mapping):
        return [None]
    ref = node.get("$ref")
    if isinstance(ref, str):
        key = (
            unescape_token(ref[len(COMPONENT_PREFIX) :])
            if ref.startswith(COMPONENT_PREFIX)
            else None
        )
        if key and followed is not None:
            followed.add(key)
        return _object_parts(schemas.get(key) if key else None, schemas, depth + 1, followed)
    found: list[Any] = []
    for part in node.get("allOf") or ():
        if isinstance(part, Mapping) and set(part) <= ANNOTATIONS:
            continue
        found += _object_parts(part, schemas, depth + 1, followed)
    if "properties" in node or "required" in node:
        found.append(node)
    elif not node.get("allOf") and node.get("type") != "object":
        return [None]
    if any(k in node for k in ("anyOf", "oneOf", "enum", "items")):
        return [None]
    return found  # (its `additionalProperties`: the merged object's, see `declared_extra`)


def _translate(
    node: Any,
    keys: frozenset[str],
    missing: set[str],
    schemas: Any = None,
    inlined: frozenset[str] = frozenset(),
    top: bool = False,
) -> Any:
    """`inlined`: the components whose properties an enclosing merged `allOf` copied in
    here. An `allOf` inside them that refers to one of them again is left as it is (its
    parts stay references): merging it would copy the same properties in without end.
    `top`: `node` is the own schema of a component generated as a class (even one with no
    properties)."""
    if not isinstance(node, Mapping):
        return node
    if schemas is not None and "allOf" in node:
        refs: set[str] = set()
        merged = merge_all_of(node, schemas, refs)
        if not refs & inlined:
            node, inlined = merged, inlined | refs
        elif merged is not node and len(node["allOf"]) > 1:
            # The parts would each be closed on their own (refusing each other's fields),
            # and merged they would copy themselves in without end.
            raise SelfComposition(sorted(refs & inlined)[0])
    if "$ref" in node:
        ref: dict[str, Any] = {"$ref": _rewrite_ref(str(node["$ref"]), keys, missing)}
        return {"anyOf": [ref, {"type": "null"}]} if node.get("nullable") is True else ref
    out: dict[str, Any] = {}
    for keyword in _COPIED:
        if keyword in node:
            out[keyword] = node[keyword]
    if "properties" in node and isinstance(node["properties"], Mapping):
        out["properties"] = {
            name: _translate(sub, keys, missing, schemas, inlined)
            for name, sub in node["properties"].items()
        }
        if isinstance(out.get("required"), list):  # a response leaves writeOnly ones out
            out["required"] = response_required(out["required"], node["properties"])
    for keyword in _SCHEMA_KEYWORDS:
        if keyword in node:
            value = node[keyword]
            out[keyword] = (
                _translate(value, keys, missing, schemas, inlined)
                if isinstance(value, Mapping)
                else value
            )
    for keyword in _LIST_KEYWORDS:
        if keyword in node and isinstance(node[keyword], list):
            out[keyword] = [
                _translate(sub, keys, missing, schemas, inlined) for sub in node[keyword]
            ]
    # `oneOf` is read as `anyOf`, as the converters read it (a branch that fits); a
    # discriminated union's branches exclude each other by their tags anyway
    if "oneOf" in out:
        branches = out.pop("oneOf")
        if "anyOf" in out:  # both hold: the second as a part of `allOf`
            out["allOf"] = [*out.get("allOf", []), {"anyOf": branches}]
        else:
            out["anyOf"] = branches
    if isinstance(out.get("exclusiveMinimum"), bool) or isinstance(
        out.get("exclusiveMaximum"), bool
    ):  # OpenAPI 3.0's flags, as 2020-12's bounds (`minimum: 0, exclusiveMinimum: true`)
        out = normal_limits(out)
    if "const" in out and "enum" not in out:  # a one-value enum, open as the class's Literal
        out["enum"] = [out.pop("const")]
    if out.get("x-stripeBypassValidation") is True and "enum" in out:
        out["x-enum"] = out.pop("enum")
    if out.get("additionalProperties") is False and "properties" not in out:
        out["properties"] = {}  # an object that holds no key: a class with no fields
    if not top and out.get("properties") == {} and "additionalProperties" not in out:
        del out["properties"]  # an inline object with no properties: a map of any value
        if not ({"type", "anyOf", "allOf", "enum", "const"} & set(out)):
            out["type"] = "object"
    if "properties" in out and not ({"type", "anyOf", "allOf", "enum", "const"} & set(out)):
        out["type"] = "object"  # its class holds objects only (JSON Schema: any non-object)
    if node.get("nullable") is True:
        _admit_null(out)
    return out


def _admit_null(out: dict[str, Any]) -> None:
    """OpenAPI 3.0 `nullable`: let `null` through every assertion of this schema."""
    kind = out.get("type")
    if isinstance(kind, str) and kind != "null":
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    for keyword in ("anyOf", "oneOf"):
        if keyword in out and {"type": "null"} not in out[keyword]:
            out[keyword] = [*out[keyword], {"type": "null"}]
    if "allOf" in out:
        out["anyOf"] = [{"allOf": out.pop("allOf")}, {"type": "null"}]


def to_json_schema(
    schemas: Mapping[str, Any],
    keys: Iterable[str],
    *,
    api_version: str,
    source_sha256: str,
    tags: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
    classes: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Translate `schemas[key]` for every key into one JSON Schema 2020-12 document.

    `tags`: discriminated unions' branch tags to assert (`discriminators`). `classes`: the
    keys generated as classes (a component with empty `properties` that is not one is a
    map of any value, as its alias says; default: every key).
    `keys` must be closed under `$ref` (the caller computes the closure);
    a reference outside it raises `TranslationError`.
    """
    wanted = frozenset(keys)
    unknown = sorted(k for k in wanted if k not in schemas)
    if unknown:
        raise TranslationError(f"no such component schema(s): {', '.join(unknown)}")
    missing: set[str] = set()
    defs = {
        key: _translate(
            schemas[key],
            wanted,
            missing,
            schemas,
            frozenset({key}),
            top=classes is None or key in classes,
        )
        for key in sorted(wanted)
    }
    for key, props in (tags or {}).items():  # discriminated unions' branch tags
        if key in defs:
            narrow_schema(defs[key], props)
    if missing:
        raise TranslationError(
            "references outside the translated schemas: " + ", ".join(sorted(missing))
        )
    resources = {
        str(schemas[key]["x-resourceId"]): key
        for key in sorted(wanted)
        if isinstance(schemas[key], Mapping) and "x-resourceId" in schemas[key]
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "x-api-version": api_version,
        "x-spec-sha256": source_sha256,
        "x-resources": dict(sorted(resources.items())),
        "$defs": defs,
    }


def dumps(document: Mapping[str, Any]) -> str:
    """The committed text form of a document (the generator writes exactly this)."""
    import json

    return json.dumps(document, indent=1, sort_keys=True) + "\n"
