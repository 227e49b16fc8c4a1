"""Checked by ``mypy --strict`` (``make typecheck``), never run: the types users see.

Each ``assert_type`` is a claim the type checker verifies: an event's ``data.object``
is a union users narrow with ``isinstance``, list objects keep their item type, and
``construct_event`` returns the event class asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import assert_type

    from stripe_models.core import Event
    from stripe_models.identity import (
        VerificationReport,
        VerificationSession,
        VerificationSessionStatus,
    )
    from stripe_schemas import ListObject, UnsetType, structure
    from stripe_schemas.webhooks import construct_event, parse_event

    def narrowing(event: Event) -> None:
        subject = event.data.object
        assert_type(subject, VerificationReport | VerificationSession | dict[str, Any])
        if isinstance(subject, VerificationSession):
            assert_type(subject.status, VerificationSessionStatus)
        elif isinstance(subject, dict):
            assert_type(subject, dict[str, Any])
        assert_type(event.data.previous_attributes, dict[str, Any] | UnsetType)

    def lists(payload: object) -> None:
        page = structure(payload, ListObject[VerificationSession])
        assert_type(page, ListObject[VerificationSession])
        assert_type(page.data, list[VerificationSession])
        assert_type(page.has_more, bool)

    def constructed(body: bytes, header: str | None, secret: str) -> None:
        assert_type(construct_event(body, header, secret), Event)
        assert_type(construct_event(body, header, secret, event_class=Event), Event)
        assert_type(parse_event(body.decode(), mode="strict"), Event)
