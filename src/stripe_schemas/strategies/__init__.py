"""Hypothesis strategies for Stripe payloads and the generated models.

Stripe Identity, drawn so that every rule of `stripe_schemas.identity` holds (each
draw passes strict `validate()` with no error and no warning):

* `verification_sessions(status=, type=, expanded=, redacted=, livemode=)` and
  `verification_reports(type=, redacted=, livemode=, verified=)`: payloads (dicts);
* `verification_session_instances(...)` / `verification_report_instances(...)`: models;
* `session_histories(events=, ...)`: one session's snapshots and webhook events,
  through documented moves only (cancel and redaction included);
* `lenient_verification_sessions(...)` / `lenient_verification_reports(...)`: as a
  newer API version sends them (unknown fields, unknown enum values).

From a generated class (any package the generator wrote):

* `payloads(Model, **overrides)`: valid payloads; an override (a strategy or a value,
  by attribute or wire name) replaces a field and forces it present. For the two
  identity resources these come from the rule-respecting generators above;
* `instances(Model, **overrides)`: the same, structured strictly;
* `with_unknown_fields(Model)`: payloads plus fields a newer API version might add.

From the committed JSON Schema: `from_schema(key)` (schema-valid, no invariants) and
`mutations(payload)` (one-step mutations, for differential tests).

Values look real: IDs with their prefix, `created` between 2021 and now, strings
that now and then reach their `maxLength` (non-ASCII included), metadata within
Stripe's limits. Only this package imports hypothesis; `import stripe_schemas`
does not need it.
"""

from __future__ import annotations

from typing import Any, TypeVar

# ruff: noqa: E402 - the imports below come after the check that hypothesis is installed
from ..requires import require

require("hypothesis", "strategies", "stripe_schemas.strategies")

import hypothesis.strategies as st

from ..converters import structure
from ..identity import REPORT, SESSION
from ..model import schema_key_of
from . import _models
from ._identity import (
    lenient_verification_reports,
    lenient_verification_sessions,
    session_histories,
    verification_report_instances,
    verification_reports,
    verification_session_instances,
    verification_sessions,
)
from ._models import with_unknown_fields
from ._schema import from_schema, json_values, mutations

__all__ = [
    "from_schema",
    "instances",
    "json_values",
    "lenient_verification_reports",
    "lenient_verification_sessions",
    "mutations",
    "payloads",
    "session_histories",
    "verification_report_instances",
    "verification_reports",
    "verification_session_instances",
    "verification_sessions",
    "with_unknown_fields",
]

T = TypeVar("T")


def payloads(model: Any, *, max_depth: int = 4, **overrides: Any) -> st.SearchStrategy[Any]:
    """Valid JSON payloads for a generated class (or a union of them).

    `overrides` map a field (attribute or wire name) to a strategy or a plain value;
    the field is then always present, optional or not. Sessions and reports come from
    `verification_sessions()` / `verification_reports()`, so they break no
    rule (an override may, of course). An event's `previous_attributes` holds some of
    its object's own fields (a partial object, as the converters check it); the object
    itself is schema-valid only: `session_histories()` draws events that follow the
    Identity rules.
    """
    key = schema_key_of(model)
    if key in (SESSION, REPORT):
        fixed = _models._overrides(model, overrides)
        base = verification_sessions() if key == SESSION else verification_reports()
        if not fixed:
            return base
        return st.tuples(base, st.fixed_dictionaries(fixed)).map(_apply)
    return _models.payloads(model, max_depth=max_depth, **overrides)


def _apply(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    payload, fixed = pair
    return {**payload, **fixed}


def instances(model: type[T], **overrides: Any) -> st.SearchStrategy[T]:
    """Instances of a generated class, built by structuring valid payloads (strict mode)."""
    return payloads(model, **overrides).map(lambda payload: structure(payload, model))
