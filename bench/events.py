"""Webhook event envelopes around our sample objects (shared by the webhook bench and tests)."""

from __future__ import annotations

import copy
import json
from typing import Any

from stripe_schemas.model import LATEST

from .payloads import REQUIRES_INPUT, VERIFIED

#: An endpoint secret for tests and benchmarks only (not a real one).
TEST_SECRET = "whsec_test_0123456789abcdefghijklmnopqrstuv"


def event(
    kind: str,
    subject: dict[str, Any],
    *,
    previous: dict[str, Any] | None = None,
    api_version: str = LATEST,
) -> dict[str, Any]:
    """A complete ``event`` envelope of type ``kind`` about ``subject`` (copied), rendered in
    ``api_version`` (the newest bundled one by default)."""
    data: dict[str, Any] = {"object": copy.deepcopy(subject)}
    if previous is not None:
        data["previous_attributes"] = copy.deepcopy(previous)
    return {
        "id": "evt_bench000000000000000001",
        "object": "event",
        "api_version": api_version,
        "created": 1700000200,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }


def session_event(status: str = "verified", **changes: Any) -> dict[str, Any]:
    """An ``identity.verification_session.<status>`` event whose session has that status."""
    session = copy.deepcopy(VERIFIED if status == "verified" else REQUIRES_INPUT)
    session["status"] = status
    if status in ("verified", "canceled"):
        session.update(client_secret=None, url=None)
    session.update(changes)
    kind = "created" if status == "requires_input" else status
    previous = {"status": "processing"} if status == "verified" else None
    return event(f"identity.verification_session.{kind}", session, previous=previous)


def body(payload: dict[str, Any]) -> bytes:
    """UTF-8 JSON laid out as Stripe delivers it: two-space indents, non-ASCII kept as is."""
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
