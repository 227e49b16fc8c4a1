"""stripe_schemas: the runtime for the generated Stripe models."""

from __future__ import annotations

from ._repr import hidden_fields, safe_repr
from .converters import (
    ListObject,
    StripeConverter,
    configure_converter,
    dumps,
    extras,
    loads,
    make_converter,
    structure,
    unstructure,
)
from .issues import Issue, PayloadError, Severity
from .model import (
    CLEAR,
    UNSET,
    Clear,
    Expandable,
    FieldInfo,
    HasId,
    Limits,
    MixedVersionsError,
    UnknownApiVersion,
    UnknownEnumValue,
    UnsetType,
    expandable_id,
    field_info,
    is_expanded,
    meta,
    spec_fields,
)

__all__ = [
    "CLEAR",
    "UNSET",
    "Clear",
    "Expandable",
    "FieldInfo",
    "HasId",
    "Issue",
    "Limits",
    "ListObject",
    "MixedVersionsError",
    "PayloadError",
    "Severity",
    "StripeConverter",
    "UnknownApiVersion",
    "UnknownEnumValue",
    "UnsetType",
    "configure_converter",
    "dumps",
    "expandable_id",
    "extras",
    "field_info",
    "hidden_fields",
    "is_expanded",
    "loads",
    "make_converter",
    "meta",
    "safe_repr",
    "spec_fields",
    "structure",
    "unstructure",
]
