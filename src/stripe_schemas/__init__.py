"""stripe_schemas: the runtime for the generated Stripe models."""

from __future__ import annotations

from ._issues import Issue, PayloadError, Severity
from ._meta import FieldInfo, field_info, meta, spec_fields
from ._types import Expandable, expandable_id, is_expanded
from ._unset import UNSET, UnsetType

__all__ = [
    "UNSET",
    "Expandable",
    "FieldInfo",
    "Issue",
    "PayloadError",
    "Severity",
    "UnsetType",
    "expandable_id",
    "field_info",
    "is_expanded",
    "meta",
    "spec_fields",
]
