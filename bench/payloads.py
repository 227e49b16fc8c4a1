"""The fixed payload set shared by the converter and validation benchmarks (our own sample data)."""

from __future__ import annotations

import copy
from typing import Any

REPORT: dict[str, Any] = {
    "id": "vr_bench0000000000000000001",
    "object": "identity.verification_report",
    "created": 1700000100,
    "livemode": False,
    "type": "document",
    "verification_session": "vs_bench0000000000000000002",
    "options": {"document": {"require_matching_selfie": False}},
    "document": {
        "status": "verified",
        "error": None,
        "type": "passport",
        "first_name": "Ada",
        "last_name": "Example",
        "issuing_country": "GB",
        "number": None,
        "files": ["file_bench01", "file_bench02"],
        "address": None,
        "dob": {"day": 10, "month": 12, "year": 1985},
        "expiration_date": {"day": 1, "month": 6, "year": 2031},
        "issued_date": {"day": 2, "month": 6, "year": 2021},
    },
}

REQUIRES_INPUT: dict[str, Any] = {
    "id": "vs_bench0000000000000000001",
    "object": "identity.verification_session",
    "client_secret": "vs_bench_secret_not_real",
    "created": 1700000000,
    "last_error": None,
    "last_verification_report": None,
    "livemode": False,
    "metadata": {},
    "options": {},
    "redaction": None,
    "status": "requires_input",
    "type": "document",
    "url": "https://verify.example.invalid/start#bench",
}

VERIFIED: dict[str, Any] = {
    "id": "vs_bench0000000000000000002",
    "object": "identity.verification_session",
    "client_secret": None,
    "created": 1700000000,
    "last_error": None,
    "last_verification_report": "vr_bench0000000000000000001",
    "livemode": False,
    "metadata": {"order.id": "A-1001", "customer/ref": "c-7"},
    "options": {
        "document": {"allowed_types": ["passport", "id_card"], "require_matching_selfie": False}
    },
    "redaction": None,
    "status": "verified",
    "type": "document",
    "url": None,
    "verified_outputs": {
        "first_name": "Ada",
        "last_name": "Example",
        "id_number": None,
        "id_number_type": None,
        "address": {
            "city": "London",
            "country": "GB",
            "line1": "1 Example Street",
            "line2": None,
            "postal_code": "N1 0AA",
            "state": None,
        },
        "dob": {"day": 10, "month": 12, "year": 1985},
    },
}

EXPANDED: dict[str, Any] = {
    **copy.deepcopy(VERIFIED),
    "last_verification_report": copy.deepcopy(REPORT),
}

REDACTED: dict[str, Any] = {
    **copy.deepcopy(VERIFIED),
    "metadata": {},
    "redaction": {"status": "redacted"},
    "verified_outputs": {
        "first_name": "[redacted]",
        "last_name": "[redacted]",
        "id_number": None,
        "id_number_type": None,
        "address": {
            "city": "[redacted]",
            "country": "GB",
            "line1": "[redacted]",
            "line2": None,
            "postal_code": "[redacted]",
            "state": None,
        },
        "dob": {"day": 1, "month": 1, "year": 1},
    },
}

REDACTED_EXPANDED: dict[str, Any] = {
    **copy.deepcopy(REDACTED),
    "last_verification_report": {
        **copy.deepcopy(REPORT),
        "document": {
            **copy.deepcopy(REPORT["document"]),
            "first_name": "[redacted]",
            "last_name": "[redacted]",
            "dob": {"day": 1, "month": 1, "year": 1},
        },
    },
}

#: name → payload, in the order the benchmark tables list them.
PAYLOADS: dict[str, dict[str, Any]] = {
    "requires_input": REQUIRES_INPUT,
    "verified": VERIFIED,
    "expanded_report": EXPANDED,
    "redacted": REDACTED,
    "redacted_expanded": REDACTED_EXPANDED,
}


def invalid_payload() -> dict[str, Any]:
    """A payload with several schema errors at once (for the invalid-path benchmark)."""
    bad = copy.deepcopy(VERIFIED)
    bad["created"] = "yesterday"
    bad["status"] = "done"
    bad["livemode"] = 1
    bad["verified_outputs"]["dob"]["day"] = "ten"
    bad["options"]["document"]["allowed_types"] = ["passport", 7]
    return bad


def strict_schema(key: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The strict variant of ``key``'s schema (objects closed) in ``document`` (the committed
    one by default), as the validator derives it: what the JSON Schema competitors get."""
    from stripe_schemas.model import load_default_document
    from stripe_schemas.validation._schema import root_schema, strict_defs

    document = document if document is not None else load_default_document()
    return root_schema(str(document["$schema"]), key, strict_defs(document["$defs"]))


def lenient_schema(key: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The lenient variant of ``key``'s schema (objects open, enums only on ``object``), as the
    validator derives it: what a naive loop that tolerates newer fields gets."""
    from stripe_schemas.model import load_default_document
    from stripe_schemas.validation._schema import lenient_defs, root_schema

    document = document if document is not None else load_default_document()
    return root_schema(str(document["$schema"]), key, lenient_defs(document["$defs"]))
