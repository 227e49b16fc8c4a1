"""Validation of Stripe payloads: schema conformance plus Stripe Identity invariants.

`validate(payload)` returns a `Report` with every issue found, each
with a JSON pointer, a stable code, a severity and a message that never shows
a secret or personal value. `validate_history` checks one session's
snapshots or webhook events in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..identity import RULES as _TABLE
from ..requires import lazy_names
from ..rules import Rule
from ._events import event_status_issues
from ._report import Mode, Report

if TYPE_CHECKING:  # imported on first use (see __getattr__): a webhook handler needs neither
    from ._lifecycle import validate_history
    from ._validator import (
        SchemaDocumentError,
        Validator,
        default_validator,
        validate,
        validator_for_version,
    )

#: The validator and the history check, by the module that defines each name: imported on
#: first use, with the rule compiler and the stream reader they need, so that importing
#: this package for `event_status_issues` (as the webhooks do) stays cheap.
_LAZY = {
    **dict.fromkeys(
        (
            "SchemaDocumentError",
            "Validator",
            "default_validator",
            "validate",
            "validator_for_version",
        ),
        "_validator",
    ),
    "validate_history": "_lifecycle",
}


if not TYPE_CHECKING:  # a type checker sees the names above, and flags any other
    __getattr__ = lazy_names(__name__, _LAZY, globals())


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
