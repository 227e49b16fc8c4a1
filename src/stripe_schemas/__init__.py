"""stripe_schemas: the runtime for the generated Stripe models."""

from __future__ import annotations

from ._clear import CLEAR, Clear
from ._meta import FieldInfo, meta
from ._package import MixedVersionsError
from ._repr import hidden_fields, safe_repr
from ._types import Expandable, HasId, UnknownEnumValue, expandable_id, is_expanded
from ._unset import UNSET, UnsetType
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
from .converters._plan import field_info, spec_fields
from .issues import Issue, PayloadError, Severity

__all__ = [
    "CLEAR",
    "UNSET",
    "Clear",
    "Expandable",
    "FieldInfo",
    "HasId",
    "Issue",
    "ListObject",
    "MixedVersionsError",
    "PayloadError",
    "Severity",
    "StripeConverter",
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
