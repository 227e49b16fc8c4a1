"""Typed events: `NotificationEventData.object` becomes a union of the package's objects.

The spec gives an event's `data.object` as a free-form object. What it holds is
the resource the event is about, and its `object` tag says which; so the
generator types the field as a union alias of every class that can stand there,
plus `dict[str, Any]` for objects the package has no model for:

    NotificationEventDataObject: TypeAlias = "identity.VerificationReport | identity.VerificationSession | dict[str, Any]"

The converters structure such a union by tag (a known tag must be its model; any
other object is kept as a mapping, with a notice). The members are the resource
classes (`x-resourceId`), except the event itself, and the classes whose tag
names one of those resources' tags (`deleted_bank_account` is tagged
`bank_account`, without a resource id of its own). Everything else about the
event (its fields, `previous_attributes`) comes from the spec unchanged.
"""

from __future__ import annotations

import attrs

from stripe_schemas.model import tagged_objects

from . import naming
from .ir import AliasDef, ClassDef, MapOf, ModelRef, ModelSet, Primitive, UnionOf

#: The schema of an event's `data` and its field holding the object.
EVENT_DATA_SCHEMA = "notification_event_data"
OBJECT_FIELD = "object"
#: The event resource: never the object of an event.
EVENT_RESOURCE = "event"


def _tags(cls: ClassDef) -> tuple[str, ...]:
    """The values of a class's `object` enum (empty if it has none)."""
    for field in cls.fields:
        if field.wire_name == OBJECT_FIELD and field.enum:
            return tuple(str(v) for v in field.enum)
    return ()


def event_objects(classes: tuple[ClassDef, ...]) -> list[ClassDef]:
    """The classes an event's `data.object` can be, in (module, name) order."""
    resources = [c for c in classes if c.resource_id and c.resource_id != EVENT_RESOURCE]
    others = {c: _tags(c) for c in classes if c.resource_id is None}
    members = tagged_objects(resources, {**{c: _tags(c) for c in resources}, **others})
    return sorted(members, key=lambda c: (c.module, c.name))


def type_event_data(model_set: ModelSet) -> ModelSet:
    """Type the event data's `object` field as the union of the package's objects.

    A spec without the event data schema, or without any object for it, is returned
    as it is.
    """
    data = next((c for c in model_set.classes if c.schema_key == EVENT_DATA_SCHEMA), None)
    if data is None:
        return model_set
    members = event_objects(model_set.classes)
    field = next((f for f in data.fields if f.wire_name == OBJECT_FIELD), None)
    if not members or field is None:
        return model_set
    pointer = f"{data.pointer}/properties/{OBJECT_FIELD}"
    alias = AliasDef(
        pointer=pointer,
        schema_key=pointer,  # a pointer, as for inline objects: not listed among the schemas
        name=naming.member_name(data.name, [OBJECT_FIELD]),
        module=data.module,
        type=UnionOf(
            (*(ModelRef(c.pointer) for c in members), MapOf(Primitive("Any"))),
        ),
    )
    typed = attrs.evolve(field, type=ModelRef(pointer))
    fields = tuple(typed if f is field else f for f in data.fields)
    classes = tuple(attrs.evolve(c, fields=fields) if c is data else c for c in model_set.classes)
    aliases = tuple(sorted((*model_set.aliases, alias), key=lambda a: (a.module, a.name)))
    return attrs.evolve(model_set, classes=classes, aliases=aliases)
