"""The lifecycle of one verification session over a history of snapshots or webhook events.

| code | severity | rationale |
|---|---|---|
| ``invalid_transition`` | error | allowed moves: ``requires_input → processing``, ``processing → verified``, ``processing → requires_input``, ``requires_input → canceled`` |
| ``left_terminal_status`` | error | nothing leaves ``verified`` or ``canceled`` (only redaction may change such a session) |
| ``retry_without_error`` | warning | a move from ``processing`` back to ``requires_input`` comes with a ``last_error`` |
| ``event_status_mismatch`` | error | ``identity.verification_session.<x>`` events agree with their object's status (``redacted``: with its ``redaction``; ``canceled`` is also sent on redaction, so a redacted session in any status matches it) |
| ``invalid_event`` | error | an item is a session, or an ``identity.verification_session.*`` event carrying one |
| ``mixed_sessions`` | error | a history is about one session: every snapshot has the same ``id`` |

Moves are checked between known statuses: an item that is not a session, or a
session with an unknown status, is reported and skipped, and the next status is
compared with the last known one (so ``verified``, junk, ``processing`` still
reports leaving a terminal status).

Paths are JSON pointers into the history: ``/3/status`` is the fourth
snapshot's status, ``/3/data/object/status`` the same inside an event.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from ..io import _json
from ..io._reader import Record, Stop, read_text
from ..issues import INVALID_JSON, TYPE_MISMATCH, Issue
from ._classify import describe
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
    items: Iterable[Any] | str | bytes,
    *,
    mode: Mode = "strict",
    validator: Validator | None = None,
    check_payloads: bool = True,
) -> Report:
    """Check one session's snapshots or webhook events, oldest first.

    ``items`` is a list (or any iterable) of items, or JSON text/bytes of an
    array of them; anything else is reported as ``type_mismatch``, never
    raised. Each item is a session object, an ``event`` whose ``data.object`` is
    one, or JSON text of either. With ``check_payloads`` each session is also
    validated on its own (its issues appear under the item's path).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    checker = validator or default_validator()
    issues: list[Issue] = []
    sequence = _items(items, issues)
    previous: str | None = None
    session_id: str | None = None
    for index, item in enumerate(sequence):
        base = f"/{index}"
        if isinstance(item, Stop):  # the reader gave up on the rest of the text
            issues.append(item.issue)
            continue
        if isinstance(item, Record):  # an element of JSON text: decoded by the reader
            issues.extend(_prefixed(base, item.decoded.issues))
            item = item.decoded.value
        elif isinstance(item, (str, bytes, bytearray)):
            decoded = _json.decode(item)
            issues.extend(_prefixed(base, decoded.issues))
            item = decoded.value
        session, base = _session_of(item, base, issues)
        if session is None:
            continue  # keep the last known status: a move across a bad item is still checked
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
        if current is None:
            continue  # an unknown status: the session's own check reports it
        if previous is not None:
            _check_move(previous, current, session, base, issues)
        previous = current
    return Report(tuple(issues), SESSION)


def _items(items: object, issues: list[Issue]) -> Iterable[Any]:
    """The items of a history: a list (or other iterable) of items, or JSON text of them.

    Text is read by the streaming reader: a JSON array (element by element), or JSON
    Lines / documents one after another. Anything else (``None``, a number, an
    object, text holding one document that is not an array) is one ``type_mismatch``
    error at the root and an empty history.
    """
    if isinstance(items, (str, bytes, bytearray, memoryview)):
        records = read_text(items)
        head = bytes(items).lstrip()[:1] if isinstance(items, memoryview) else items.lstrip()[:1]
        first = next(records, None)
        if first is None:
            issues.append(Issue("", INVALID_JSON, "error", "not valid JSON: no JSON value"))
            return ()
        if head in ("[", b"["):
            return itertools.chain((first,), records)
        second = next(records, None)
        if second is not None:
            return itertools.chain((first, second), records)
        if isinstance(first, Stop) or not first.decoded.readable:
            issues.extend((first.issue,) if isinstance(first, Stop) else first.decoded.issues)
            return ()
        items = first.decoded.value
    elif isinstance(items, Iterable) and not isinstance(items, Mapping):
        return items
    got = describe("", items)
    message = f"expected a list of sessions or events (or JSON text of them), got {got}"
    issues.append(Issue("", TYPE_MISMATCH, "error", message))
    return ()


def _session_of(item: Any, base: str, issues: list[Issue]) -> tuple[dict[str, Any] | None, str]:
    """The session inside an item (itself, or an event's ``data.object``), checking the event."""
    if not isinstance(item, dict):
        if item is not _json.NOTHING:
            message = "expected a verification session or an event, got a non-object"
            issues.append(Issue(base, INVALID_EVENT, "error", message))
        return None, base
    if item.get("object") != "event":
        return item, base
    if _event_suffix(item) is None:
        kind = item.get("type")
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
    issues.extend(event_status_issues(item, base))
    return session, where


def _event_suffix(event: Mapping[str, Any]) -> str | None:
    """``verified`` for an ``identity.verification_session.verified`` event; else None."""
    kind = event.get("type")
    if not isinstance(kind, str) or not kind.startswith(EVENT_PREFIX):
        return None
    suffix = kind[len(EVENT_PREFIX) :]
    return suffix if suffix in EVENT_STATUS else None


def event_status_issues(event: Mapping[str, Any], base: str = "") -> list[Issue]:
    """The issues of a session event whose ``type`` disagrees with its ``data.object``.

    Empty for events that are not ``identity.verification_session.*`` events and for
    events without a session object (``base`` is the event's own pointer).
    """
    suffix = _event_suffix(event)
    data = event.get("data")
    session = data.get("object") if isinstance(data, Mapping) else None
    if suffix is None or not isinstance(session, Mapping):
        return []
    kind = event.get("type")
    where = base + "/data/object"
    expected = EVENT_STATUS[suffix]
    redacted = session.get("redaction") is not None
    if expected is None:
        if not redacted:
            message = f"a {kind} event's session has no redaction"
            return [Issue(where + "/redaction", EVENT_STATUS_MISMATCH, "error", message)]
    elif session.get("status") != expected and not (expected == "canceled" and redacted):
        also = " or a redaction" if expected == "canceled" else ""
        message = f"a {kind} event's session should have status {expected!r}{also}"
        return [Issue(where + "/status", EVENT_STATUS_MISMATCH, "error", message)]
    return []


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
