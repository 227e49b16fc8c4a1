"""What the generator writes beside an annotation, and what the runtime reads from a class.

A generated attribute says almost everything in Python itself: its type (`| None`
for `nullable`, `Literal[...]` for an enum, `| UnknownEnumValue` for
`x-stripeBypassValidation`, `Expandable[...]` for an expandable field), its default
(none: required; `UNSET`: optional) and its name (the JSON key). The generator
writes `meta()` only for the rest: a JSON key that is not the attribute's name
(`from` → `from_`), `maxLength` and `format`.

`FieldInfo` puts all of it together again for one field; read it with
[`stripe_schemas.spec_fields()`][stripe_schemas.spec_fields] or [`stripe_schemas.field_info()`][stripe_schemas.field_info] (they derive it
from the class once, with the converters' own reading of the annotations).
"""

from __future__ import annotations

from typing import Any

import attrs

METADATA_KEY = "stripe"


@attrs.frozen
class StripeMeta:
    """The facts of a field that its annotation, default and name cannot say."""

    #: The JSON key, when it is not the attribute's name.
    wire: str | None = None
    #: `maxLength` of the field's strings (wherever they are: in a list, a map, a union).
    max_length: int | None = None
    #: `format`, e.g. `"unix-time"`.
    format: str | None = None


def meta(
    *, wire: str | None = None, max_length: int | None = None, format: str | None = None
) -> dict[str, StripeMeta]:
    """The `metadata` of a generated `attrs.field` (only what the annotation cannot say)."""
    return {METADATA_KEY: StripeMeta(wire=wire, max_length=max_length, format=format)}


def stripe_meta(attribute: attrs.Attribute[Any]) -> StripeMeta:
    """The `StripeMeta` of an attribute (the empty one when it has none)."""
    found = attribute.metadata.get(METADATA_KEY)
    return found if isinstance(found, StripeMeta) else _NONE


_NONE = StripeMeta()


@attrs.frozen
class FieldInfo:
    """What the spec says about one property of a schema (derived from the class)."""

    #: The JSON key on the wire (may differ from the Python attribute name).
    wire_name: str
    #: Listed in the schema's `required`: the attribute has no default.
    required: bool = False
    #: `nullable: true`: `null` is a valid value (`| None`).
    nullable: bool = False
    max_length: int | None = None
    #: `format`, e.g. `"unix-time"`.
    format: str | None = None
    #: Allowed values, when the field (or its list items) is an enum; as the spec gives them.
    enum: tuple[str | int | float | bool, ...] | None = None
    #: `x-stripeBypassValidation`: Stripe may send values outside `enum`.
    bypass_validation: bool = False
    #: Resource ids (`object` tags) an expandable field expands to.
    expansion: tuple[str, ...] = ()
