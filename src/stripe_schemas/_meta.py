"""Field metadata the generator writes and the runtime reads.

Every generated attribute carries a :class:`FieldInfo` under
``attrs.Attribute.metadata["stripe"]``: its wire name and the facts the
converters, validators and strategies need (nullability, ``maxLength``,
``format``, enum values, ``x-stripeBypassValidation``, expansion targets).
"""

from __future__ import annotations

from typing import Any

import attrs

METADATA_KEY = "stripe"


@attrs.frozen
class FieldInfo:
    """What the spec says about one property of a schema."""

    #: The JSON key on the wire (may differ from the Python attribute name).
    wire_name: str
    #: Listed in the schema's ``required``.
    required: bool = False
    #: ``nullable: true``: ``null`` is a valid value.
    nullable: bool = False
    max_length: int | None = None
    #: ``format``, e.g. ``"unix-time"``.
    format: str | None = None
    #: Allowed values, when the field (or its list items) is an enum; as the spec gives them.
    enum: tuple[str | int | float | bool, ...] | None = None
    #: ``x-stripeBypassValidation``: Stripe may send values outside ``enum``.
    bypass_validation: bool = False
    #: Resource ids (``object`` tags) an expandable field expands to.
    expansion: tuple[str, ...] = ()


def meta(wire_name: str, **facts: Any) -> dict[str, FieldInfo]:
    """Build the ``metadata`` mapping of a generated ``attrs.field``."""
    return {METADATA_KEY: FieldInfo(wire_name, **facts)}


def field_info(attribute: attrs.Attribute[Any]) -> FieldInfo | None:
    """Return the :class:`FieldInfo` of a generated attribute (``None`` for non-spec fields)."""
    info = attribute.metadata.get(METADATA_KEY)
    return info if isinstance(info, FieldInfo) else None


def spec_fields(cls: type) -> tuple[tuple[attrs.Attribute[Any], FieldInfo], ...]:
    """The spec-backed attributes of a generated class with their metadata, in order."""
    out = []
    for attribute in attrs.fields(cls):
        info = field_info(attribute)
        if info is not None:
            out.append((attribute, info))
    return tuple(out)
