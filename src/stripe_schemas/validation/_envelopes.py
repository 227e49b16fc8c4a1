"""Envelopes: list objects and events are checked as envelopes, and each object inside them
as the model its own `object` tag names.

- A **list object** (`"object": "list"`): the envelope (`object`, `data`,
  `has_more`, `url`) against `LIST_SCHEMA`, then every element of
  `data`, with pointers from the document root (`/data/3/status`).
- An **event** (`"object": "event"`): the envelope against the document's own
  `event` schema; `data.object` as its model (`/data/object/status`);
  `data.previous_attributes` as a *partial* object of that model (the same
  schema with no field required, `/data/previous_attributes/status`); and the
  event's `type` must agree with its object (the lifecycle rule
  `event_status_mismatch`).

An object whose tag names no model in the document is kept as it is, with an
`unknown_model` notice (endpoints receive objects of newer API versions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, Protocol

from ..issues import UNKNOWN_MODEL, Issue
from ..model import (
    EnumNode,
    ListNode,
    ListObject,
    Node,
    ScalarNode,
    class_plan,
    def_key,
    def_pointer,
    join_pointer,
    spec_fields,
)
from ._classify import describe
from ._events import event_status_issues
from ._report import Mode, Report, merge_issues


class Checker(Protocol):
    """What checking an envelope needs of the validator (`Validator`)."""

    def compiled(self, key: str) -> Any: ...

    def key_for(self, payload: Mapping[str, Any]) -> str | None: ...

    def validate(self, payload: Any, model: object = None, *, mode: Mode = "strict") -> Report: ...

    def detailed(
        self, compiled: Any, payload: dict[str, Any], mode: Mode, issues: list[Issue]
    ) -> Report: ...

    def for_event(self, event: Mapping[str, Any]) -> tuple[Checker, Issue | None]: ...


LIST: Final = "list"
#: The resource id (and schema key) of the event envelope in generated documents.
EVENT: Final = "event"
#: Schema keys of partial objects (every field optional) start with this.
PARTIAL_PREFIX: Final = "partial:"


def _list_schema() -> dict[str, Any]:
    """The JSON Schema of a list object's envelope, read off `ListObject` (the one
    definition of it): its fields, their types, `maxLength` and the `object` tag.
    `data`'s elements are checked one by one, each as the model its tag names."""
    infos = {attribute.name: info for attribute, info in spec_fields(ListObject)}
    properties: dict[str, Any] = {}
    for field in class_plan(ListObject).fields:
        properties[field.wire] = _field_schema(field.node)
        if infos[field.name].max_length is not None:
            properties[field.wire]["maxLength"] = infos[field.name].max_length
    required = [f.wire for f in class_plan(ListObject).fields if f.required]
    return {"type": "object", "required": sorted(required), "properties": properties}


def _field_schema(node: Node) -> dict[str, Any]:
    if isinstance(node, EnumNode):
        return {"type": "string", "enum": list(node.values)}
    if isinstance(node, ListNode):
        return {"type": "array"}
    if isinstance(node, ScalarNode):
        return {
            "type": {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}[
                node.kind
            ]
        }
    raise TypeError(f"ListObject has a field the list envelope cannot describe: {node!r}")


LIST_SCHEMA: Final[dict[str, Any]] = _list_schema()
#: Definitions every document gets beside its own (a document's own `list` wins).
ENVELOPE_DEFS: Final[dict[str, Any]] = {LIST: LIST_SCHEMA}


def partial_defs(defs: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The partial schemas (keys `partial:<key>`) that `partial:<key>` needs, for the
    `previous_attributes` of an event: every field optional, `null` allowed for each
    (the field had no value before), objects inside partial too (by `$ref`), arrays
    and scalars whole. The rules of the converters' check of the same attributes
    ([`stripe_schemas.converters._envelopes`][stripe_schemas.converters._envelopes]); a property test holds the two together.
    """
    out: dict[str, Any] = {}
    todo = [key]
    while todo:
        name = todo.pop()
        if PARTIAL_PREFIX + name in out or name not in defs:
            continue
        refs: list[str] = []
        out[PARTIAL_PREFIX + name] = _partial(defs[name], refs)
        todo.extend(refs)
    return out


_NULL: Final = {"type": "null"}


def _partial(schema: Any, refs: list[str]) -> Any:
    """A schema's partial form (see `partial_defs()`); `refs` collects the keys it needs."""
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = def_key(ref)
        if name is None:
            return schema
        refs.append(name)
        return {**schema, "$ref": def_pointer(PARTIAL_PREFIX + name)}
    out = {k: v for k, v in schema.items() if k != "required"}
    properties = schema.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {
            name: {"anyOf": [_partial_value(sub, refs), _NULL]} for name, sub in properties.items()
        }
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = {"anyOf": [_partial_value(extra, refs), _NULL]}
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            out[keyword] = [_partial_value(branch, refs) for branch in branches]
    return out


def _partial_value(schema: Any, refs: list[str]) -> Any:
    """Objects partial, anything else (arrays, scalars) whole."""
    if not isinstance(schema, dict) or schema.get("type") == "array":
        return schema
    if "$ref" in schema or "properties" in schema or "anyOf" in schema or "oneOf" in schema:
        return _partial(schema, refs)
    if isinstance(schema.get("additionalProperties"), dict):
        return _partial(schema, refs)
    return schema


def _under(base: str, issues: Iterable[Issue]) -> list[Issue]:
    return [Issue(base + i.path, i.code, i.severity, i.message) for i in issues]


def check_envelope(
    validator: Checker, key: str, payload: dict[str, Any], mode: Mode, prior: tuple[Issue, ...]
) -> Report:
    """The report of a list object or an event: its envelope, then what it carries.

    An event is checked by the validator of its own API version (see
    `Checker.for_event()`).
    """
    notice = None
    if key == EVENT:
        validator, notice = validator.for_event(payload)
    compiled = validator.compiled(key)
    issues = list(prior)
    if prior or compiled.fast(payload) is None:
        issues.extend(validator.detailed(compiled, payload, mode, []).issues)
    if notice is not None:
        issues.append(notice)
    data = payload.get("data")
    if key == LIST:
        if type(data) is list:
            for index, item in enumerate(data):
                report = validator.validate(item, mode=mode)
                issues.extend(_under(f"/data/{index}", report.issues))
    elif isinstance(data, dict):
        issues.extend(_event_contents(validator, payload, data, mode))
    return Report(tuple(merge_issues(issues)), key)


def _event_contents(
    validator: Checker, event: dict[str, Any], data: dict[str, Any], mode: Mode
) -> list[Issue]:
    inner = data.get("object")
    if not isinstance(inner, dict):
        return []  # the envelope's schema reports it
    base = "/data/object"
    key = validator.key_for(inner)
    if key is None:
        if "object" not in inner:
            message = "the event's object has no 'object' tag; it was not checked"
        else:
            tag = describe(join_pointer(base, "object"), inner["object"])
            message = f"no model for the object tag {tag}; the object was not checked"
        return [Issue(base, UNKNOWN_MODEL, "notice", message)]
    issues = _under(base, validator.validate(inner, key, mode=mode).issues)
    previous = data.get("previous_attributes")
    if isinstance(previous, dict):
        partial = validator.compiled(PARTIAL_PREFIX + key)
        if partial.fast(previous) is None:
            found = validator.detailed(partial, previous, mode, []).issues
            issues.extend(_under("/data/previous_attributes", found))
    issues.extend(event_status_issues(event))
    return issues
