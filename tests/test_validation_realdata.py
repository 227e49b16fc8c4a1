"""Stripe's own Identity fixtures: 2023 strictly (bar one documented disagreement), 2026 leniently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stripe_schemas.cli import main
from stripe_schemas.validation import default_validator, validate
from stripe_schemas.validation._classify import classify

pytestmark = pytest.mark.realdata

IDENTITY = ("identity.verification_session", "identity.verification_report")


def where(report: Any) -> list[tuple[str, str, str]]:
    return [(i.path, i.code, i.severity) for i in report.issues]


def test_2023_session_fixture_is_strictly_valid(fixtures_2023: dict[str, Any]) -> None:
    """The pinned spec's own session fixture validates strictly with no issue at all."""
    report = validate(fixtures_2023["identity.verification_session"])
    assert report.ok and report.issues == ()


def test_2023_report_fixture_only_disagrees_on_address_zip(fixtures_2023: dict[str, Any]) -> None:
    """The 2023 report fixture's only strict finding is document.address.zip, which `address` lacks.

    Stripe's fixture and spec disagree: the fixture writes ``zip`` where the
    ``address`` schema defines ``postal_code``. Strict mode reports the unknown
    field (it is not weakened to hide it); lenient mode accepts it as a notice.
    """
    payload = fixtures_2023["identity.verification_report"]
    strict = validate(payload)
    assert where(strict) == [("/document/address/zip", "unknown_field", "error")]
    lenient = validate(payload, mode="lenient")
    assert lenient.ok
    assert where(lenient) == [("/document/address/zip", "unknown_field", "notice")]


@pytest.mark.parametrize("resource", IDENTITY)
def test_2026_fixtures_validate_leniently(fixtures_2026: dict[str, Any], resource: str) -> None:
    """Three years on, the identity fixtures pass lenient mode; new fields are only notices."""
    payload = fixtures_2026[resource]
    lenient = validate(payload, mode="lenient")
    assert lenient.ok, lenient
    assert lenient.notices and {i.code for i in lenient.notices} == {"unknown_field"}
    assert not lenient.warnings
    strict = validate(payload)
    assert {i.code for i in strict.errors} == {"unknown_field"}
    assert [i.path for i in strict.errors] == [i.path for i in lenient.notices]


@pytest.mark.parametrize("resource", IDENTITY)
def test_lenient_notices_from_both_engines_agree_on_2026(
    fixtures_2026: dict[str, Any], resource: str
) -> None:
    """The cheap notice path (jsonschema-rs faults) matches the reference on real new-version data."""
    payload = fixtures_2026[resource]
    checker = default_validator().compiled(resource).checker
    assert checker.lenient_is_valid(payload) and not checker.is_valid(payload)
    fast = classify(checker.fast_faults(payload), "lenient")
    reference = classify(checker.reference_faults(payload), "lenient")
    assert fast == reference


def test_cli_on_the_fixture_files(
    tmp_path: Path, fixtures_2023: dict[str, Any], fixtures_2026: dict[str, Any], capsys: Any
) -> None:
    """The CLI reports the zip finding with its line, and passes the 2026 objects leniently."""
    old = tmp_path / "old.json"
    old.write_text(json.dumps([fixtures_2023[r] for r in IDENTITY], indent=2))
    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps(fixtures_2026[r]) + "\n" for r in IDENTITY))
    assert main(["validate", str(old)]) == 1
    out = capsys.readouterr().out
    lines = old.read_text().splitlines()
    zip_line = 1 + next(n for n, text in enumerate(lines) if text.strip().startswith('"zip"'))
    assert f"{old}:{zip_line}: /document/address/zip: error[unknown_field]" in out
    assert "2 records: 1 valid, 1 invalid, 0 unreadable (1 errors" in out
    assert main(["validate", "--mode", "lenient", str(old), str(new)]) == 0
    assert "total: 4 records: 4 valid, 0 invalid, 0 unreadable (0 errors" in capsys.readouterr().out
