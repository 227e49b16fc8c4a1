"""receive_event: every authentic delivery comes back as a Delivery (raw event, typed event or
None, issues); only verification failures raise; nothing secret or personal in its repr or issues."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.events import TEST_SECRET, body, event, session_event
from stripe_models.core import Event
from stripe_schemas import PayloadError
from stripe_schemas.webhooks import (
    Delivery,
    SignatureVerificationError,
    construct_event,
    receive_event,
    signature_header,
)

SECRET_VALUE = "vs_1Kq_secret_Zz9XqYhPmTnB7c"
URL_VALUE = "https://verify.stripe.com/start/test_YWNjdF8xSnZoX3NlY3JldA"
NAME = "Jennifer Quarantina"


def signed(data: bytes) -> Delivery[Event]:
    return receive_event(data, signature_header(data, TEST_SECRET), TEST_SECRET)


def _mismatch() -> dict[str, Any]:
    payload = session_event("verified")
    payload["data"]["object"]["status"] = "canceled"
    return payload


def _wrong_type() -> dict[str, Any]:
    payload = session_event("requires_input")
    payload["data"]["object"]["created"] = "yesterday"
    return payload


CASES: dict[str, bytes] = {
    "valid": body(session_event("verified")),
    "other object": body(event("customer.created", {"id": "cus_1", "object": "customer"})),
    "rule broken": body(_mismatch()),
    "wrong type": body(_wrong_type()),
    "not an event": b'{"object": "customer"}',
    "not json": b"{not json",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_delivery_agrees_with_construct_event(case: str) -> None:
    """The oracle is construct_event on the same delivery: where it returns an event the
    delivery is ok with an equal event; where it raises PayloadError the delivery is not ok and
    holds exactly its issues; ``raw`` is the body's JSON (None when it is not JSON)."""
    data = CASES[case]
    delivery = signed(data)
    try:
        expected = construct_event(data, signature_header(data, TEST_SECRET), TEST_SECRET)
    except PayloadError as error:
        assert not delivery.ok
        assert set(error.issues) <= set(delivery.issues)
        assert {i.code for i in delivery.errors} == {
            i.code for i in error.issues if i.severity == "error"
        }
    else:
        assert delivery.ok and delivery.event == expected
    try:
        raw = json.loads(data)
    except ValueError:
        raw = None
    assert delivery.raw == raw


def test_a_typed_event_that_breaks_a_rule_is_kept_typed() -> None:
    """A body that structures but breaks the lifecycle rule: typed event, not ok, the rule's code."""
    delivery = signed(CASES["rule broken"])
    assert isinstance(delivery.event, Event) and not delivery.ok
    assert [i.code for i in delivery.errors] == ["event_status_mismatch"]


def test_a_body_that_does_not_structure_has_no_typed_event() -> None:
    delivery = signed(CASES["wrong type"])
    assert delivery.event is None and isinstance(delivery.raw, dict) and not delivery.ok
    assert any(i.path == "/data/object/created" for i in delivery.errors)


@pytest.mark.parametrize("change", ["tampered", "no header", "other secret"])
def test_verification_failures_still_raise(change: str) -> None:
    """Only an unauthentic delivery raises, before the body is read."""
    data = CASES["valid"]
    header: str | None = signature_header(data, TEST_SECRET)
    if change == "tampered":
        data = data.replace(b"verified", b"canceled")
    elif change == "no header":
        header = None
    else:
        header = signature_header(data, "whsec_someone_else")
    with pytest.raises(SignatureVerificationError):
        receive_event(data, header, TEST_SECRET)


def _leaky() -> dict[str, Any]:
    """A session event that breaks the rules and the schema around secret and personal values."""
    payload = session_event("requires_input", client_secret=SECRET_VALUE, url=URL_VALUE)
    session = payload["data"]["object"]
    session["status"] = "verified"  # the event says requires_input: a mismatch
    session["verified_outputs"] = {"first_name": NAME, "last_name": 42, "nickname": NAME}
    session["client_secret"] = {"value": SECRET_VALUE}  # a wrong type holding the secret
    return payload


@pytest.mark.parametrize("mode", ["lenient", "strict"])
def test_no_secret_or_personal_value_in_repr_or_issues(mode: Any) -> None:
    """The Delivery's repr and every issue (path, message, str) hold none of the secret or
    personal values, though the raw event does."""
    data = body(_leaky())
    delivery = receive_event(data, signature_header(data, TEST_SECRET), TEST_SECRET, mode=mode)
    assert not delivery.ok and delivery.errors
    assert SECRET_VALUE in json.dumps(delivery.raw)  # kept for a person, in the raw event
    shown = [repr(delivery), str(delivery)]
    shown += [f"{issue} {issue.path} {issue.message}" for issue in delivery.issues]
    for text in shown:
        for value in (SECRET_VALUE, URL_VALUE, NAME, "Quarantina", TEST_SECRET):
            assert value not in text, text
    assert repr(delivery).startswith("Delivery(ok=False, typed=")
