"""validate_history: status moves of one session over snapshots and webhook events."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bench.payloads import REQUIRES_INPUT
from stripe_schemas.validation import validate_history

SESSION_ID = "vs_history000000000000001"
ERROR = {"code": "document_unverified_other", "reason": None}


def snapshot(status: str, **changes: Any) -> dict[str, Any]:
    """A valid session in ``status`` (secrets dropped once it is finished)."""
    session = copy.deepcopy(REQUIRES_INPUT)
    session.update(id=SESSION_ID, status=status)
    if status in ("verified", "canceled"):
        session.update(client_secret=None, url=None)
    session.update(changes)
    return session


def event(kind: str, session: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "evt_1",
        "object": "event",
        "type": f"identity.verification_session.{kind}",
        "data": {"object": session},
    }


def codes(items: list[Any], **options: Any) -> list[tuple[str, str, str]]:
    report = validate_history(items, **options)
    return [(i.path, i.code, i.severity) for i in report.issues]


def test_documented_path_through_every_status_is_clean() -> None:
    """requires_input → processing → requires_input (with error) → processing → verified passes."""
    history = [
        snapshot("requires_input"),
        snapshot("processing"),
        snapshot("requires_input", last_error=ERROR),
        snapshot("processing", last_error=ERROR),
        snapshot("verified"),
        snapshot("verified", redaction={"status": "processing"}),
    ]
    report = validate_history(history)
    assert report.ok and report.issues == ()


def test_cancel_from_requires_input_is_allowed() -> None:
    """requires_input → canceled is a documented move."""
    assert codes([snapshot("requires_input"), snapshot("canceled")]) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [("requires_input", "verified"), ("processing", "canceled")],
)
def test_undocumented_moves_are_errors(before: str, after: str) -> None:
    """A move the documentation does not list is an invalid_transition at the later status."""
    assert codes([snapshot(before), snapshot(after)]) == [
        ("/1/status", "invalid_transition", "error")
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [("verified", "processing"), ("canceled", "requires_input"), ("verified", "canceled")],
)
def test_nothing_leaves_a_terminal_status(before: str, after: str) -> None:
    """verified and canceled are terminal: any later different status is left_terminal_status."""
    history = [snapshot(before), snapshot(after, last_error=ERROR)]
    assert ("/1/status", "left_terminal_status", "error") in codes(history)


def test_retry_without_last_error_is_a_warning() -> None:
    """processing → requires_input without a last_error is allowed but warned about."""
    assert codes([snapshot("processing"), snapshot("requires_input")]) == [
        ("/1/last_error", "retry_without_error", "warning")
    ]
    assert codes([snapshot("processing"), snapshot("requires_input", last_error=ERROR)]) == []


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("created", "requires_input"),
        ("processing", "processing"),
        ("verified", "verified"),
        ("requires_input", "requires_input"),
        ("canceled", "canceled"),
    ],
)
def test_events_agree_with_their_status(kind: str, status: str) -> None:
    """Each session event carries a session in the matching status, and not in another one."""
    extra = {"last_error": ERROR} if kind == "requires_input" else {}
    assert codes([event(kind, snapshot(status, **extra))]) == []
    other = "processing" if status != "processing" else "requires_input"
    assert codes([event(kind, snapshot(other, last_error=ERROR))]) == [
        ("/0/data/object/status", "event_status_mismatch", "error")
    ]


def test_redaction_events() -> None:
    """redacted needs a redaction; canceled is also sent when a requires_input session is redacted."""
    redacting = {"status": "processing"}
    history = [
        event("created", snapshot("requires_input")),
        event("canceled", snapshot("canceled", redaction=redacting)),
        event("redacted", snapshot("canceled", redaction=redacting)),
    ]
    assert codes(history) == []
    assert codes([event("redacted", snapshot("verified"))]) == [
        ("/0/data/object/redaction", "event_status_mismatch", "error")
    ]


def test_events_and_snapshots_mix_in_one_history() -> None:
    """Events and plain snapshots can alternate; moves are checked across both."""
    history = [
        event("created", snapshot("requires_input")),
        snapshot("processing"),
        event("verified", snapshot("verified")),
        event("processing", snapshot("processing")),
    ]
    assert codes(history) == [("/3/data/object/status", "left_terminal_status", "error")]


def test_one_history_is_one_session() -> None:
    """A snapshot of another session is mixed_sessions."""
    other = snapshot("processing", id="vs_someone_else")
    assert codes([snapshot("requires_input"), other]) == [("/1/id", "mixed_sessions", "error")]


def test_items_that_are_not_sessions_or_session_events() -> None:
    """Other events, non-objects and events without a session are invalid_event; the rest goes on."""
    history: list[Any] = [
        {"object": "event", "type": "charge.succeeded", "data": {"object": {}}},
        7,
        {"object": "event", "type": "identity.verification_session.created", "data": {}},
        snapshot("requires_input"),
    ]
    assert codes(history) == [
        ("/0/type", "invalid_event", "error"),
        ("/1", "invalid_event", "error"),
        ("/2/data/object", "invalid_event", "error"),
    ]


def test_each_snapshot_is_validated_unless_asked_not_to() -> None:
    """Snapshot issues appear under the item's pointer; check_payloads=False skips them."""
    broken = snapshot("processing", livemode="no", zz=1)
    history = [json.dumps(snapshot("requires_input")), broken]
    assert codes(history) == [
        ("/1/livemode", "type_mismatch", "error"),
        ("/1/zz", "unknown_field", "error"),
    ]
    assert codes(history, mode="lenient") == [
        ("/1/livemode", "type_mismatch", "error"),
        ("/1/zz", "unknown_field", "notice"),
    ]
    assert codes(history, check_payloads=False) == []
    assert codes(["{not json", snapshot("processing")]) == [("/0", "invalid_json", "error")]


def test_event_status_issues_is_the_rule_for_one_event() -> None:
    """event_status_issues flags a session event whose type disagrees with its object, only that."""
    from stripe_schemas.validation._lifecycle import event_status_issues

    session = {"object": "identity.verification_session", "status": "processing"}
    good = {"object": "event", "type": "identity.verification_session.processing"}
    bad = {"object": "event", "type": "identity.verification_session.verified"}
    assert event_status_issues({**good, "data": {"object": session}}) == []
    found = event_status_issues({**bad, "data": {"object": session}}, "/7")
    assert [(i.path, i.code) for i in found] == [("/7/data/object/status", "event_status_mismatch")]
    other = {"object": "event", "type": "customer.created", "data": {"object": session}}
    assert event_status_issues(other) == []
