"""The public hypothesis strategies: model-driven payloads and instances."""

from __future__ import annotations

from hypothesis import given

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
