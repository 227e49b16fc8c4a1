"""The lifecycle of one verification session over a history of snapshots or webhook events.

| code | severity | rationale |
|---|---|---|
| ``invalid_transition`` | error | allowed moves: ``requires_input → processing``, ``processing → verified``, ``processing → requires_input``, ``requires_input → canceled`` |
| ``left_terminal_status`` | error | nothing leaves ``verified`` or ``canceled`` (only redaction may change such a session) |
| ``retry_without_error`` | warning | a move from ``processing`` back to ``requires_input`` comes with a ``last_error`` |
| ``event_status_mismatch`` | error | ``identity.verification_session.<x>`` events agree with their object's status (``redacted``: with its ``redaction``) |
| ``invalid_event`` | error | an item is a session, or an ``identity.verification_session.*`` event carrying one |
| ``mixed_sessions`` | error | a history is about one session: every snapshot has the same ``id`` |

Paths are JSON pointers into the history: ``/3/status`` is the fourth
snapshot's status, ``/3/data/object/status`` the same inside an event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._issues import Issue
from . import _input
from ._invariants import SESSION, Rule
from ._report import MODES, Mode, Report
from ._validator import Validator, default_validator

INVALID_TRANSITION = "invalid_transition"
LEFT_TERMINAL_STATUS = "left_terminal_status"
RETRY_WITHOUT_ERROR = "retry_without_error"
EVENT_STATUS_MISMATCH = "event_status_mismatch"
INVALID_EVENT = "invalid_event"
MIXED_SESSIONS = "mixed_sessions"

LIFECYCLE_RULES: tuple[Rule, ...] = (
    Rule(INVALID_TRANSITION, "error", "error", "only documented status moves happen"),
    Rule(LEFT_TERMINAL_STATUS, "error", "error", "`verified` and `canceled` are terminal"),
    Rule(
        RETRY_WITHOUT_ERROR,
        "warning",
        "warning",
        "`processing → requires_input` comes with a `last_error`",
    ),
    Rule(
        EVENT_STATUS_MISMATCH, "error", "error", "an event's type agrees with its object's status"
    ),
    Rule(INVALID_EVENT, "error", "error", "each item is a session or a session event"),
    Rule(MIXED_SESSIONS, "error", "error", "a history follows one session `id`"),
)

STATUSES = ("requires_input", "processing", "verified", "canceled")
TERMINAL = frozenset({"verified", "canceled"})
ALLOWED_MOVES = frozenset(
    {
        ("requires_input", "processing"),
        ("processing", "verified"),
        ("processing", "requires_input"),
        ("requires_input", "canceled"),
    }
)
EVENT_PREFIX = "identity.verification_session."
#: Event suffix → the status its object must have (``redacted`` checks ``redaction``).
EVENT_STATUS = {
    "created": "requires_input",
    "processing": "processing",
    "verified": "verified",
    "requires_input": "requires_input",
    "canceled": "canceled",
    "redacted": None,
}


def validate_history(
    items: Iterable[Any],
    *,
    mode: Mode = "strict",
    validator: Validator | None = None,
    check_payloads: bool = True,
) -> Report:
    """Check one session's snapshots or webhook events, oldest first.

    Each item is a session object, an ``event`` whose ``data.object`` is one,
    or JSON text of either. With ``check_payloads`` each session is also
    validated on its own (its issues appear under the item's path).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    checker = validator or default_validator()
    issues: list[Issue] = []
    previous: str | None = None
    session_id: str | None = None
    for index, item in enumerate(items):
        base = f"/{index}"
        if isinstance(item, (str, bytes, bytearray)):
            parsed = _input.parse_one(item if isinstance(item, str) else bytes(item))
            issues.extend(_prefixed(base, parsed.issues))
            item = parsed.value
        session, base = _session_of(item, base, issues)
        if session is None:
            previous = None
            continue
        if check_payloads:
            report = checker.validate(session, SESSION, mode=mode)
            issues.extend(_prefixed(base, report.issues))
        ident = session.get("id")
        if isinstance(ident, str):
            if session_id is None:
                session_id = ident
            elif ident != session_id:
                message = "this snapshot belongs to another session than the first one"
                issues.append(Issue(base + "/id", MIXED_SESSIONS, "error", message))
        status = session.get("status")
        current = status if status in STATUSES else None
        if previous is not None and current is not None:
            _check_move(previous, current, session, base, issues)
        previous = current
    return Report(tuple(issues), SESSION)


def _session_of(item: Any, base: str, issues: list[Issue]) -> tuple[dict[str, Any] | None, str]:
    """The session inside an item (itself, or an event's ``data.object``), checking the event."""
    if not isinstance(item, dict):
        if item is not _input.NOTHING:
            message = "expected a verification session or an event, got a non-object"
            issues.append(Issue(base, INVALID_EVENT, "error", message))
        return None, base
    if item.get("object") != "event":
        return item, base
    kind = item.get("type")
    suffix = (
        kind[len(EVENT_PREFIX) :]
        if isinstance(kind, str) and kind.startswith(EVENT_PREFIX)
        else None
    )
    if suffix not in EVENT_STATUS:
        shown = repr(kind[:80]) if isinstance(kind, str) else "no type"
        message = f"event {shown} is not a verification session event"
        issues.append(Issue(base + "/type", INVALID_EVENT, "error", message))
        return None, base
    data = item.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    where = base + "/data/object"
    if not isinstance(session, dict):
        issues.append(Issue(where, INVALID_EVENT, "error", "the event carries no session object"))
        return None, base
    expected = EVENT_STATUS[suffix]
    if expected is None:
        if session.get("redaction") is None:
            message = f"a {kind} event's session has no redaction"
            issues.append(Issue(where + "/redaction", EVENT_STATUS_MISMATCH, "error", message))
    elif session.get("status") != expected:
        message = f"a {kind} event's session should have status {expected!r}"
        issues.append(Issue(where + "/status", EVENT_STATUS_MISMATCH, "error", message))
    return session, where


def _check_move(
    previous: str, current: str, session: dict[str, Any], base: str, issues: list[Issue]
) -> None:
    if previous == current:
        return
    where = base + "/status"
    if previous in TERMINAL:
        message = f"status moved from terminal {previous!r} to {current!r}"
        issues.append(Issue(where, LEFT_TERMINAL_STATUS, "error", message))
    elif (previous, current) not in ALLOWED_MOVES:
        message = f"status cannot move from {previous!r} to {current!r}"
        issues.append(Issue(where, INVALID_TRANSITION, "error", message))
    elif (
        previous == "processing"
        and current == "requires_input"
        and session.get("last_error") is None
    ):
        message = "moved back to 'requires_input' without a last_error saying why"
        issues.append(Issue(base + "/last_error", RETRY_WITHOUT_ERROR, "warning", message))


def _prefixed(base: str, issues: Iterable[Issue]) -> list[Issue]:
    return [Issue(base + issue.path, issue.code, issue.severity, issue.message) for issue in issues]
