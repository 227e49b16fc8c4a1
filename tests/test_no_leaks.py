"""No payload value reaches a message, even for sub-objects handled on their own."""

from __future__ import annotations

from typing import Any

import pytest

from stripe_models.identity import (
    DocumentReport,
    SelfieReport,
    VerifiedOutputs,
)
from stripe_schemas import Issue, PayloadError, structure
from stripe_schemas.validation import validate

SECRET = "Johnsecretname"

CASES: list[tuple[type, str, dict[str, Any]]] = [
    (VerifiedOutputs, "gelato_verified_outputs", {"id_number_type": SECRET, "first_name": 5}),
    (
        DocumentReport,
        "gelato_document_report",
        {"status": "verified", "number": 7, "type": SECRET},
    ),
    (SelfieReport, "gelato_selfie_report", {"status": SECRET, "selfie": 3}),
]


@pytest.mark.parametrize(("model", "key", "payload"), CASES, ids=[c[1] for c in CASES])
@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_sub_objects_never_echo_values(
    model: type, key: str, payload: dict[str, Any], mode: str
) -> None:
    """Structuring or validating a personal sub-object alone shows types, never its values."""
    notices: list[Issue] = []
    texts: list[str] = []
    try:
        structure(payload, model, mode=mode, notices=notices)  # type: ignore[call-overload]
    except PayloadError as error:
        texts += [str(error), repr(error), *(i.message for i in error.issues)]
        assert error.issues
    texts += [i.message for i in notices]
    report = validate(payload, key, mode=mode)  # type: ignore[arg-type]
    texts += [str(report), repr(report), *(str(i) for i in report.issues)]
    assert report.issues
    joined = "\n".join(texts)
    assert SECRET not in joined
    assert "secretname" not in joined.lower()


@pytest.mark.parametrize("field", ["client_secret", "url"])
@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_a_secret_at_the_top_of_a_payload_shows_not_even_its_length(field: str, mode: str) -> None:
    """A secret too long for its field (the first token of its pointer is the secret's name)
    is described as a string, never by its length, by the validator and the converters."""
    from bench.payloads import REQUIRES_INPUT
    from stripe_models.identity import VerificationSession
    from stripe_schemas.issues import describe_value, is_sensitive

    assert is_sensitive(f"/{field}") and is_sensitive(f"/{field}/x")
    assert describe_value(f"/{field}", "x" * 6007) == "a string"
    payload = {**REQUIRES_INPUT, field: "x" * 6007}
    report = validate(payload, mode=mode)  # type: ignore[arg-type]
    texts = [str(issue) for issue in report.issues]
    try:
        structure(payload, VerificationSession, mode=mode)  # type: ignore[call-overload]
    except PayloadError as error:
        texts += [str(error), *(i.message for i in error.issues)]
    assert any(f"/{field}" in text for text in texts), texts
    assert not any("6007" in text or "6,007" in text for text in texts), texts
