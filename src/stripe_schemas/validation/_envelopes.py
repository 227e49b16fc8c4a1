"""Envelopes: list objects and events are checked as envelopes, and each object inside them
as the model its own ``object`` tag names.

- A **list object** (``"object": "list"``): the envelope (``object``, ``data``,
  ``has_more``, ``url``) against :data:`LIST_SCHEMA`, then every element of
  ``data``, with pointers from the document root (``/data/3/status``).
- An **event** (``"object": "event"``): the envelope against the document's own
  ``event`` schema; ``data.object`` as its model (``/data/object/status``);
  ``data.previous_attributes`` as a *partial* object of that model (the same
  schema with no field required, ``/data/previous_attributes/status``); and the
  event's ``type`` must agree with its object (the lifecycle rule
  ``event_status_mismatch``).

An object whose tag names no model in the document is kept as it is, with an
``unknown_model`` notice (endpoints receive objects of newer API versions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from ..issues import UNKNOWN_MODEL, Issue, join_pointer
from ._classify import describe
from ._report import Mode, Report, merge_issues

if TYPE_CHECKING:
    from ._validator import Validator

LIST: Final = "list"
#: The resource id (and schema key) of the event envelope in generated documents.
EVENT: Final = "event"
#: Schema keys of partial objects (every field optional) start with this.
PARTIAL_PREFIX: Final = "partial:"

#: A Stripe list object, the envelope of every list response: the four fields that
#: every list response schema of the spec declares. ``data``'s elements are checked
#: one by one, each as the model its tag names.
LIST_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["data", "has_more", "object", "url"],
    "properties": {
        "data": {"type": "array"},
        "has_more": {"type": "boolean"},
        "object": {"type": "string", "enum": [LIST]},
        "url": {"type": "string", "maxLength": 5000},
    },
    "x-resourceId": LIST,
}
#: Definitions every document gets beside its own (a document's own ``list`` wins).
ENVELOPE_DEFS: Final[dict[str, Any]] = {LIST: LIST_SCHEMA}


def partial_def(schema: Any) -> Any:
    """The schema of a partial object: ``schema`` with no field required."""
    if not isinstance(schema, dict):
        return schema
    return {key: value for key, value in schema.items() if key != "required"}


def _under(base: str, issues: Iterable[Issue]) -> list[Issue]:
    return [Issue(base + i.path, i.code, i.severity, i.message) for i in issues]


def check_envelope(
    validator: Validator, key: str, payload: dict[str, Any], mode: Mode, prior: tuple[Issue, ...]
) -> Report:
    """The report of a list object or an event: its envelope, then what it carries."""
    compiled = validator.compiled(key)
    issues = list(prior)
    if prior or compiled.fast(payload) is None:
        issues.extend(validator._detailed(compiled, payload, mode, []).issues)
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
    validator: Validator, event: dict[str, Any], data: dict[str, Any], mode: Mode
) -> list[Issue]:
    from ._lifecycle import event_status_issues  # the lifecycle imports the validator

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
            found = validator._detailed(partial, previous, mode, []).issues
            issues.extend(_under("/data/previous_attributes", found))
    issues.extend(event_status_issues(event))
    return issues
