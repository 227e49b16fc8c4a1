"""stripe_schemas.identity: each fact written once, checked against Stripe's documented redaction."""

from __future__ import annotations

import ast
import copy
from typing import Any

import pytest
from _oracle import PLACEHOLDER, REDACTED_ADDRESS_LINES, REDACTED_OUTPUT_TEXT

from stripe_schemas import identity
from stripe_schemas.issues import SENSITIVE_KEYS, is_sensitive
from stripe_schemas.validation import default_validator, validate

from conftest import ROOT

#: Our own session modelled on the redacted session in Stripe's Verification Sessions
#: guide (retrieved with verified_outputs expanded): names and address lines are the
#: placeholder, the date of birth is 1/1/1, the country is kept, metadata is empty,
#: absent fields stay absent (line2, id_number, metadata's keys).
DOCUMENTED_REDACTED_SESSION: dict[str, Any] = {
    "id": "vs_" + "D" * 24,
    "object": "identity.verification_session",
    "client_secret": None,
    "created": 1_650_000_000,
    "last_error": None,
    "last_verification_report": "vr_" + "D" * 24,
    "livemode": True,
    "metadata": {},
    "options": {},
    "redaction": {"status": "redacted"},
    "status": "verified",
    "type": "document",
    "url": None,
    "verified_outputs": {
        "address": {
            "city": "[redacted]",
            "country": "US",
            "line1": "[redacted]",
            "postal_code": "[redacted]",
            "state": "[redacted]",
        },
        "dob": {"day": 1, "month": 1, "year": 1},
        "first_name": "[redacted]",
        "id_number_type": None,
        "last_name": "[redacted]",
    },
}


def test_documented_redacted_session_is_valid_and_fast() -> None:
    """Stripe's redacted example (country kept) has no issue at all, and takes the fast path."""
    report = validate(DOCUMENTED_REDACTED_SESSION)
    assert report.issues == (), [str(i) for i in report.issues]
    compiled = default_validator().compiled("identity.verification_session")
    assert compiled.is_clean(DOCUMENTED_REDACTED_SESSION)


@pytest.mark.parametrize("country", ["US", "GB", None])
def test_a_kept_country_is_not_incomplete_redaction(country: str | None) -> None:
    """The false positive of issue 9: a redacted session keeps its country (or has none)."""
    session = copy.deepcopy(DOCUMENTED_REDACTED_SESSION)
    session["verified_outputs"]["address"]["country"] = country
    assert "redaction_incomplete" not in validate(session).codes()


@pytest.mark.parametrize("line", REDACTED_ADDRESS_LINES)
def test_every_documented_address_line_must_be_redacted(line: str) -> None:
    """The documented example redacts each address line: a real one left is reported there."""
    session = copy.deepcopy(DOCUMENTED_REDACTED_SESSION)
    session["verified_outputs"]["address"][line] = "Kept by mistake"
    found = [(i.code, i.path) for i in validate(session).issues]
    assert found == [("redaction_incomplete", f"/verified_outputs/address/{line}")]
    assert not default_validator().compiled("identity.verification_session").is_clean(session)


def test_personal_field_list_matches_the_documented_example() -> None:
    """What Stripe's example replaces is personal (text or date); what it keeps is not."""
    outputs = identity.PERSONAL[identity.VERIFIED_OUTPUTS]
    for name in REDACTED_OUTPUT_TEXT:
        assert isinstance(outputs[name], identity.Text), name
    assert isinstance(outputs["dob"], identity.Date)
    address = identity.PERSONAL[identity.ADDRESS]
    for line in REDACTED_ADDRESS_LINES:
        assert isinstance(address[line], identity.Text), line
    assert "country" not in address and "id_number_type" not in outputs
    assert identity.REDACTED_TEXT == PLACEHOLDER
    assert dict(identity.REDACTED_DATE) == {"day": 1, "month": 1, "year": 1}


def test_sensitive_keys_and_field_sets_derive_from_identity() -> None:
    """issues.SENSITIVE_KEYS is every secret and personal field name; messages hide them."""
    names = set().union(*identity.SECRET_FIELDS.values(), *identity.PERSONAL_FIELDS.values())
    assert names == SENSITIVE_KEYS
    assert identity.SECRET_FIELDS[identity.SESSION] == {"client_secret", "url"}
    assert {"verified_outputs"} <= identity.PERSONAL_FIELDS[identity.SESSION]
    assert {"document", "id_number", "selfie"} <= identity.PERSONAL_FIELDS[identity.REPORT]
    assert {"day", "month", "year"} == identity.PERSONAL_FIELDS["gelato_data_verified_outputs_date"]
    assert is_sensitive("/verified_outputs/address/line1")
    assert not is_sensitive("/status")


IDENTITY_DIR = ROOT / "src" / "stripe_schemas" / "identity"


@pytest.mark.parametrize("module", ["__init__.py", "_facts.py", "_rules.py"])
def test_identity_imports_nothing_from_the_package(module: str) -> None:
    """The identity package is data: it imports only the standard library, attrs, the rule
    language and itself."""
    source = (IDENTITY_DIR / module).read_text(encoding="utf-8")
    imports = {
        ("." * node.level + (node.module or "")) if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    allowed = {"__future__", "collections.abc", "types", "typing", "attrs", "..rules"}
    assert set(imports) <= allowed | {"._facts", "._rules"}


#: Facts that must be written in identity/_facts.py only (as string literals).
ONE_PLACE = [
    '"vs_"', '"vr_"', '"evt_"', '"[redacted]"', "[redacted]", '"requires_input"', '"processing"',
    '"canceled"', '"redacted"',
]  # fmt: skip


@pytest.mark.parametrize("literal", ONE_PLACE)
def test_each_fact_is_written_once(literal: str) -> None:
    """ID prefixes, the placeholder and status names appear as literals in one file of src/
    only: the facts of the identity package."""
    found = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if literal in path.read_text(encoding="utf-8")
    ]
    assert found == ["src/stripe_schemas/identity/_facts.py"]


def test_event_types_imply_statuses_and_moves_are_documented() -> None:
    """Every move sends an event whose implied status is the move's target."""
    for move in identity.MOVES:
        assert identity.EVENT_STATUS[move.event] == move.target
        assert move.source not in identity.TERMINAL
    assert set(identity.REDACTABLE) == {"requires_input", "verified"}
    assert identity.EVENT_STATUS[identity.EVENT_PREFIX + "created"] == identity.INITIAL_STATUS
