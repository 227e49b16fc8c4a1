"""Envelopes: list objects (`ListObject[T]`) and the check of an event's previous attributes.

**List objects.** Stripe answers a list request with `{"object": "list", "data":
[...], "has_more": ..., "url": ...}`. The spec writes that envelope inline for
every list field (`AccountExternalAccounts`, …) but has no schema for a list
response, so `ListObject` is the one generic model of it:
`structure(payload, ListObject[VerificationSession])` checks the envelope and
every item (pointers such as `/data/3/status`) and round-trips like any model.
`ListObject` without a parameter keeps the items as plain JSON values.

**Events.** The generator types an event's `data.object` by its `object` tag
(`stripe_codegen.events`). `data.previous_attributes` holds the values that
changed, as they were: a *partial* object of the same model. It is checked
here, after the data is built: every key must be a field of the object's model
(unknown keys are errors in strict mode and kept in lenient mode, as for the
object itself), a known field's value has the field's type, nested objects are
partial too, `null` means the field (or a map key such as a `metadata` entry)
had no value before, and arrays come whole. The values stay the JSON values they
were (`previous_attributes` is a `dict[str, Any]` in the spec); issues point
into them (`/data/previous_attributes/status`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..issues import UNKNOWN_FIELD
from ..model import (
    EVENT_DATA_SCHEMA,
    UNSET,
    ClassPlan,
    MapNode,
    Mode,
    ModelNode,
    Node,
    NullableNode,
    UnionNode,
    class_plan,
    is_model,
    schema_key_of,
)
from ._detail import Path, Walk
from ._shared import POST_CHECKS, FastFail, dict_dispatch

# -- an event's previous attributes --------------------------------------------------------


class _PreviousAttributes:
    """The `PostCheck` of `notification_event_data`."""

    def fast(self, mode: Mode) -> Callable[[Any], None]:
        def check(instance: Any) -> None:
            walk = Walk(mode)
            self.detailed(walk, instance, ())
            if walk.issues:  # errors, or notices only the detailed path may record
                raise FastFail

        return check

    def detailed(self, walk: Walk, instance: Any, path: Path) -> None:
        fields = class_plan(type(instance)).by_wire
        if "previous_attributes" not in fields or "object" not in fields:
            return  # a spec whose event data lacks one of them: nothing to compare
        previous = getattr(instance, fields["previous_attributes"].name)
        subject = getattr(instance, fields["object"].name)
        if previous is UNSET or previous is None or not is_model(type(subject)):
            return  # nothing to check, or an object without a model (it got its notice)
        partial_object(walk, class_plan(type(subject)), previous, (*path, "previous_attributes"))


def partial_object(walk: Walk, plan: ClassPlan, value: Any, path: Path) -> None:
    """Record the issues of `value` read as a partial `plan` object (see the module doc)."""
    if type(value) is not dict:
        walk.value(ModelNode(plan.target), value, path)  # reports the type mismatch
        return
    keep_unknown = walk.mode == "lenient" and plan.has_extra
    schema = schema_key_of(plan.cls) or plan.cls.__name__
    for key, item in value.items():
        where = (*path, key)
        field = plan.by_wire.get(key)
        if field is None:
            if plan.additional is not None:  # a declared key, checked as `Walk.model` does
                partial_value(walk, plan.additional, item, where)
            elif not keep_unknown:
                walk.add(where, UNKNOWN_FIELD, f"unknown field {key!r} (not in `{schema}`)")
        elif item is not None:  # null: the field had no value before
            partial_value(walk, field.node, item, where)


def partial_value(walk: Walk, node: Node, value: Any, path: Path) -> None:
    """Record the issues of one previous value (objects partial, `null` map values allowed)."""
    if isinstance(node, NullableNode):
        node = node.inner
    if value is None:
        return
    if type(value) is dict:
        if isinstance(node, ModelNode):
            partial_object(walk, class_plan(node.cls), value, path)
            return
        if isinstance(node, MapNode):
            for key, item in value.items():
                partial_value(walk, node.value, item, (*path, key))
            return
        if isinstance(node, UnionNode) and node.models:
            plan = _partial_branch(node, value)
            if plan is not None:
                partial_object(walk, plan, value, path)
            return  # several possible classes and no tag: a partial object cannot tell
    walk.value(node, value, path)


def _partial_branch(node: UnionNode, value: dict[str, Any]) -> ClassPlan | None:
    """The class a partial object inside a union is of: by its tag, else the only class."""
    tag = value.get("object")
    candidates = dict_dispatch(node).tagged.get(tag) if isinstance(tag, str) else None
    if candidates is None:
        candidates = node.models if len(node.models) == 1 else ()
    plans = [class_plan(c) for c in candidates]
    if not plans:
        return None
    return max(plans, key=lambda p: len(p.known & value.keys()))  # the first that knows most


POST_CHECKS[EVENT_DATA_SCHEMA] = _PreviousAttributes()
