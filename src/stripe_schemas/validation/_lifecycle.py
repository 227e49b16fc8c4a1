"""The lifecycle of one verification session over a history of snapshots or webhook events.

The documented moves, the terminal statuses, the event types (with the status each
implies) and the rules (code, severity, rationale) come from
[`stripe_schemas.identity`][stripe_schemas.identity].

Moves are checked between known statuses: an item that is not a session, or a
session with an unknown status, is reported and skipped, and the next status is
compared with the last known one (so `verified`, junk, `processing` still
reports leaving a terminal status).

Paths are JSON pointers into the history: `/3/status` is the fourth
snapshot's status, `/3/data/object/status` the same inside an event.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from .. import identity as facts
from .. import io as jsonio
from ..identity import (
    INVALID_EVENT,
    INVALID_TRANSITION,
    LEFT_TERMINAL_STATUS,
    MIXED_SESSIONS,
    RETRY_WITHOUT_ERROR,
    SESSION,
    Move,
)
from ..io import Record, Stop, read_text
from ..issues import INVALID_JSON, TYPE_MISMATCH, Issue
from ..rules import Rule
from ._classify import describe
from ._events import event_status_issues, session_event
from ._report import MODES, Mode, Report
from ._validator import Validator, default_validator

__all__ = ["LIFECYCLE_RULES", "event_status_issues", "validate_history"]

LIFECYCLE_RULES: tuple[Rule, ...] = tuple(rule for rule in facts.RULES if rule.layer == "lifecycle")
#: (from, to) → the documented move.
MOVES: dict[tuple[str, str], Move] = {(move.source, move.target): move for move in facts.MOVES}


def _issue(where: str, code: str, message: str, mode: Mode = "strict") -> Issue:
    return Issue(where, code, facts.RULES_BY_CODE[code].severity(mode), message)


def validate_history(
    items: Iterable[Any] | str | bytes,
    *,
    mode: Mode = "strict",
    validator: Validator | None = None,
    check_payloads: bool = True,
) -> Report:
    """Check one session's snapshots or webhook events, oldest first.

    `items` is a list (or any iterable) of items, or JSON text/bytes of an
    array of them; anything else is reported as `type_mismatch`, never
    raised. Each item is a session object, an `event` whose `data.object` is
    one, or JSON text of either. With `check_payloads` each session is also
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
            decoded = jsonio.decode(item)
            issues.extend(_prefixed(base, decoded.issues))
            item = decoded.value
        session, base = _session_of(item, base, issues, mode)
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
                issues.append(_issue(base + "/id", MIXED_SESSIONS, message, mode))
        status = session.get("status")
        current = status if status in facts.STATUSES else None
        if current is None:
            continue  # an unknown status: the session's own check reports it
        if previous is not None:
            _check_move(previous, current, session, base, issues, mode)
        previous = current
    return Report(tuple(issues), SESSION)


def _items(items: object, issues: list[Issue]) -> Iterable[Any]:
    """The items of a history: a list (or other iterable) of items, or JSON text of them.

    Text is read by the streaming reader: a JSON array (element by element), or JSON
    Lines / documents one after another. Anything else (`None`, a number, an
    object, text holding one document that is not an array) is one `type_mismatch`
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


def _session_of(
    item: Any, base: str, issues: list[Issue], mode: Mode
) -> tuple[dict[str, Any] | None, str]:
    """The session inside an item (itself, or an event's `data.object`), checking the event."""
    if not isinstance(item, dict):
        if item is not jsonio.NOTHING:
            message = "expected a verification session or an event, got a non-object"
            issues.append(_issue(base, INVALID_EVENT, message, mode))
        return None, base
    if item.get("object") != facts.EVENT:
        return item, base
    if session_event(item) is None:
        kind = item.get("type")
        shown = repr(kind[:80]) if isinstance(kind, str) else "no type"
        message = f"event {shown} is not a verification session event"
        issues.append(_issue(base + "/type", INVALID_EVENT, message, mode))
        return None, base
    data = item.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    where = base + "/data/object"
    if not isinstance(session, dict):
        message = "the event carries no session object"
        issues.append(_issue(where, INVALID_EVENT, message, mode))
        return None, base
    issues.extend(event_status_issues(item, base))
    return session, where


def _check_move(
    previous: str,
    current: str,
    session: dict[str, Any],
    base: str,
    issues: list[Issue],
    mode: Mode,
) -> None:
    if previous == current:
        return
    where = base + "/status"
    move = MOVES.get((previous, current))
    if previous in facts.TERMINAL:
        message = f"status moved from terminal {previous!r} to {current!r}"
        issues.append(_issue(where, LEFT_TERMINAL_STATUS, message, mode))
    elif move is None:
        message = f"status cannot move from {previous!r} to {current!r}"
        issues.append(_issue(where, INVALID_TRANSITION, message, mode))
    elif move.needs_error and session.get("last_error") is None:
        message = f"moved back to {current!r} without a last_error saying why"
        issues.append(_issue(base + "/last_error", RETRY_WITHOUT_ERROR, message, mode))


def _prefixed(base: str, issues: Iterable[Issue]) -> list[Issue]:
    return [Issue(base + issue.path, issue.code, issue.severity, issue.message) for issue in issues]
