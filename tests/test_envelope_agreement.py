"""Envelopes: validate() and structure() judge list objects and events alike (two engines, one
verdict), previous_attributes included."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.payloads import REQUIRES_INPUT, VERIFIED
from stripe_models.core import Event
from stripe_models.identity import VerificationSession
from stripe_schemas import ListObject, PayloadError, structure
from stripe_schemas.validation import validate

BASE_EVENT: dict[str, Any] = {
    "id": "evt_1",
    "object": "event",
    "api_version": "2023-08-16",
    "created": 1700000000,
    "livemode": False,
    "pending_webhooks": 0,
    "request": None,
    "type": "identity.verification_session.processing",
    "data": {"object": {**REQUIRES_INPUT, "status": "processing"}},
}

#: Previous values: the same type, null, the wrong type, nested partial objects, unknown keys.
PREVIOUS = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["requires_input", None, 5, "weird"]),
        "livemode": st.sampled_from([True, None, "no"]),
        "last_error": st.sampled_from(
            [None, {"code": "abandoned"}, {"code": 7}, {"reason": None}, {"nope": 1}]
        ),
        "metadata": st.sampled_from([{}, {"k": None}, {"k": "v"}, {"k": 3}, None]),
        "options": st.sampled_from([{}, {"document": {"allowed_types": ["passport"]}}, {"x": 1}]),
        "redaction": st.sampled_from([None, {"status": "processing"}, {"status": 1}]),
        "unknown_key": st.sampled_from([1, None]),
    },
)


def verdict_of_structure(payload: Any, target: Any, mode: str) -> tuple[bool, set[tuple[str, str]]]:
    try:
        structure(payload, target, mode=mode)  # type: ignore[call-overload]
    except PayloadError as error:
        return False, {(i.path, i.code) for i in error.issues if i.severity == "error"}
    return True, set()


def verdict_of_validate(payload: Any, mode: str) -> tuple[bool, set[tuple[str, str]]]:
    report = validate(payload, mode=mode)  # type: ignore[arg-type]
    return report.ok, {(i.path, i.code) for i in report.errors}


@settings(max_examples=150)
@given(previous=PREVIOUS, mode=st.sampled_from(["strict", "lenient"]))
def test_previous_attributes_one_verdict(previous: dict[str, Any], mode: str) -> None:
    """An event's previous_attributes are refused by validate() exactly when structure() refuses
    them, at the same pointers with the same codes."""
    event = copy.deepcopy(BASE_EVENT)
    event["data"]["previous_attributes"] = previous
    ours = verdict_of_validate(event, mode)
    theirs = verdict_of_structure(event, Event, mode)
    assert ours == theirs


@settings(max_examples=60)
@given(
    changes=st.lists(
        st.sampled_from(
            [("status", "weird"), ("livemode", "no"), ("created", "soon"), ("zzz", 1), ("id", 5)]
        ),
        max_size=3,
    ),
    envelope=st.sampled_from([{}, {"has_more": "no"}, {"url": 5}, {"extra": 1}]),
    mode=st.sampled_from(["strict", "lenient"]),
)
def test_list_objects_one_verdict(
    changes: list[tuple[str, Any]], envelope: dict[str, Any], mode: str
) -> None:
    """A list object: validate() and structure(…, ListObject[VerificationSession]) agree."""
    item = copy.deepcopy(VERIFIED)
    for key, value in changes:
        item[key] = value
    page = {"object": "list", "data": [VERIFIED, item], "has_more": False, "url": "/v1/x"}
    page.update(envelope)
    ours = verdict_of_validate(page, mode)
    theirs = verdict_of_structure(page, ListObject[VerificationSession], mode)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]
