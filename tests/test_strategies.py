"""The public hypothesis strategies: model-driven payloads and instances."""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings

from stripe_models.core import Event
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import UNSET, extras, structure, unstructure
from stripe_schemas.strategies import instances, payloads, with_unknown_fields
from stripe_schemas.validation import validate


@given(instances(VerificationSession))
def test_instances_are_real_models(session: VerificationSession) -> None:
    """instances() yields VerificationSession objects that round-trip through unstructure."""
    assert isinstance(session, VerificationSession)
    assert session.object == "identity.verification_session"
    assert structure(unstructure(session), VerificationSession) == session


@given(payloads(VerificationReport))
def test_payloads_pass_schema_validation(payload: dict[str, object]) -> None:
    """Model-driven payloads conform to the JSON Schema (no schema-level errors)."""
    report = validate(payload, "identity.verification_report")
    schema_codes = {"type_mismatch", "missing_required", "unknown_field", "max_length"}
    assert not schema_codes & set(report.codes())


@given(with_unknown_fields(VerificationSession))
def test_unknown_fields_survive_lenient(payload: dict[str, object]) -> None:
    """Payloads with unknown fields structure leniently, keep them, and round-trip."""
    session = structure(payload, VerificationSession, mode="lenient")
    assert extras(session)
    assert session.livemode is not UNSET
    assert unstructure(session) == payload


def test_readme_example_of_a_users_property_test() -> None:
    """The example property test of docs/strategies.md runs as written, against a small
    handler."""
    import re

    from conftest import ROOT

    text = (ROOT / "docs" / "strategies.md").read_text(encoding="utf-8")
    block = next(
        code
        for code in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
        if "def test_my_handler_follows_the_session" in code
    )

    def my_webhook_handler(event: dict[str, Any], store: dict[str, Any]) -> None:
        session = event["data"]["object"]
        kept = {"status": session["status"]}
        if session.get("verified_outputs") and not session.get("redaction"):
            kept["verified_outputs"] = session["verified_outputs"]
        store[session["id"]] = kept

    namespace: dict[str, Any] = {"my_webhook_handler": my_webhook_handler}
    exec(compile(block, "<docs/strategies.md>", "exec"), namespace)
    namespace["test_my_handler_follows_the_session"]()


@settings(max_examples=150, deadline=None)
@given(payloads(Event))
def test_event_payloads_structure_strictly(payload: dict[str, Any]) -> None:
    """An event's previous_attributes is drawn as a partial object of its data.object, so
    strict structure and strict schema checks accept every drawn event."""
    event(len(payload["data"].get("previous_attributes") or ()) > 0)
    built = structure(payload, Event)
    assert unstructure(built) == payload
    schema_codes = {"type_mismatch", "missing_required", "unknown_field", "max_length"}
    assert not schema_codes & set(validate(payload, Event).codes())
    previous = payload["data"].get("previous_attributes")
    subject = payload["data"]["object"]
    if previous:
        assert set(previous) <= set(subject) - {"id", "object"}
