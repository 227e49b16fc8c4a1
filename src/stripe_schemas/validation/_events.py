"""An event and its session agree: the lifecycle rule one event carries on its own.

`identity.verification_session.verified` carries a `verified` session, and so on (the
event types and the statuses they imply are [`stripe_schemas.identity.EVENT_STATUS`][stripe_schemas.identity.EVENT_STATUS]).
The validator checks it for every event, the lifecycle for every event of a history, and
the webhook parser for every delivery; all three ask this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import identity as facts
from ..identity import EVENT_STATUS_MISMATCH
from ..issues import Issue

__all__ = ["event_status_issues", "session_event"]


def _issue(where: str, message: str) -> Issue:
    rule = facts.RULES_BY_CODE[EVENT_STATUS_MISMATCH]
    return Issue(where, EVENT_STATUS_MISMATCH, rule.severity("strict"), message)


def session_event(event: Mapping[str, Any]) -> str | None:
    """The event's type if it is an `identity.verification_session.*` event; else None."""
    kind = event.get("type")
    return kind if isinstance(kind, str) and kind in facts.EVENT_STATUS else None


def event_status_issues(event: Mapping[str, Any], base: str = "") -> list[Issue]:
    """The issues of a session event whose `type` disagrees with its `data.object`.

    Empty for events that are not `identity.verification_session.*` events and for
    events without a session object (`base` is the event's own pointer).
    """
    kind = session_event(event)
    data = event.get("data")
    session = data.get("object") if isinstance(data, Mapping) else None
    if kind is None or not isinstance(session, Mapping):
        return []
    where = base + "/data/object"
    expected = facts.EVENT_STATUS[kind]
    redacting = session.get("redaction") is not None
    if expected is None:
        if not redacting:
            message = f"a {kind} event's session has no redaction"
            return [_issue(where + "/redaction", message)]
    elif session.get("status") != expected:
        also_on_redaction = kind in facts.SENT_ON_REDACTION
        if not (also_on_redaction and redacting):
            also = " or a redaction" if also_on_redaction else ""
            message = f"a {kind} event's session should have status {expected!r}{also}"
            return [_issue(where + "/status", message)]
    return []
