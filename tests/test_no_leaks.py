"""No payload value reaches a message, even for sub-objects handled on their own."""

from __future__ import annotations

from typing import Any

import pytest

from stripe_models.identity import (
    GelatoDocumentReport,
    GelatoSelfieReport,
    GelatoVerifiedOutputs,
)
from stripe_schemas import Issue, PayloadError, structure
from stripe_schemas.validation import validate

SECRET = "Johnsecretname"

CASES: list[tuple[type, str, dict[str, Any]]] = [
    (GelatoVerifiedOutputs, "gelato_verified_outputs", {"id_number_type": SECRET, "first_name": 5}),
    (
        GelatoDocumentReport,
        "gelato_document_report",
        {"status": "verified", "number": 7, "type": SECRET},
    ),
    (GelatoSelfieReport, "gelato_selfie_report", {"status": SECRET, "selfie": 3}),
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
