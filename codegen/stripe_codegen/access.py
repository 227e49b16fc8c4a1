"""`readOnly` and `writeOnly`: which properties each kind of generated class takes.

One schema describes both directions; OpenAPI says a `readOnly` property belongs to
responses and a `writeOnly` one to requests, and that `required` on either applies only
to its own direction. The generator reads that as:

* **Model classes and `schemas.json`** describe what the API sends (responses). A
  `writeOnly` property is never required there. A value the API sends anyway is read like
  any other field: OpenAPI says a response *should not* carry one, not that it must not,
  and the same classes are what a non-Stripe spec's request bodies are built with.
  `readOnly` changes nothing.
* **Request-parameter classes** (Stripe's form encoding, `params/`) describe what a
  request sends: a `readOnly` property is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def write_only(prop: Any) -> bool:
    """Whether a property schema is marked `writeOnly: true`."""
    return isinstance(prop, Mapping) and prop.get("writeOnly") is True


def read_only(prop: Any) -> bool:
    """Whether a property schema is marked `readOnly: true`."""
    return isinstance(prop, Mapping) and prop.get("readOnly") is True


def response_required(required: Any, properties: Any) -> list[Any]:
    """An object's `required` list as a response reads it: without its `writeOnly`
    properties (the other entries as they are, in their order)."""
    props = properties if isinstance(properties, Mapping) else {}
    return [r for r in required if not (isinstance(r, str) and write_only(props.get(r)))]


def request_schema(schema: Any) -> Any:
    """A schema as a request sends it: its objects (nested ones too, inside arrays, maps
    and unions) without their `readOnly` properties, and those out of `required`. The input
    is not changed; a schema with nothing to leave out is returned as it is."""
    if isinstance(schema, list):
        items = [request_schema(item) for item in schema]
        return schema if all(a is b for a, b in zip(items, schema, strict=True)) else items
    if not isinstance(schema, Mapping):
        return schema
    out = {key: request_schema(value) for key, value in schema.items()}
    props = schema.get("properties")
    if isinstance(props, Mapping) and any(read_only(p) for p in props.values()):
        out["properties"] = {k: v for k, v in out["properties"].items() if not read_only(props[k])}
        if isinstance(schema.get("required"), list):
            out["required"] = [r for r in schema["required"] if not read_only(props.get(r))]
    if all(out[key] is schema[key] for key in schema) and out.keys() == schema.keys():
        return schema
    return out
