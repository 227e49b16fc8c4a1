"""Validation of Stripe payloads: schema conformance plus Stripe Identity invariants.

`validate(payload)` returns a `Report` with every issue found, each
with a JSON pointer, a stable code, a severity and a message that never shows
a secret or personal value. `validate_history` checks one session's
snapshots or webhook events in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..identity import RULES as _TABLE
from ..rules import Rule
from ._events import event_status_issues
from ._report import Mode, Report
from ._validator import (
    SchemaDocumentError,
    Validator,
    default_validator,
    validate,
    validator_for_version,
)

if TYPE_CHECKING:  # imported on first use (see __getattr__), with the stream reader it needs
    from ._lifecycle import validate_history


def __getattr__(name: str) -> object:
    if name != "validate_history":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._lifecycle import validate_history

    globals()[name] = validate_history
    return validate_history


#: The rules of one payload: the schema layer's and the Identity invariants (not the lifecycle's).
RULES: tuple[Rule, ...] = tuple(rule for rule in _TABLE if rule.layer != "lifecycle")

__all__ = [
    "RULES",
    "Mode",
    "Report",
    "Rule",
    "SchemaDocumentError",
    "Validator",
    "default_validator",
    "event_status_issues",
    "validate",
    "validate_history",
    "validator_for_version",
]
