"""Stripe's own Identity fixtures: both strictly with their own models (bar one documented
disagreement in 2023), the 2026 ones leniently with the 2023 models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stripe_schemas.cli import main
from stripe_schemas.model import LATEST
from stripe_schemas.validation import validate, validator_for_version
from stripe_schemas.validation._classify import classify

pytestmark = pytest.mark.realdata

API_2023 = "2023-08-16"
IDENTITY = ("identity.verification_session", "identity.verification_report")


def where(report: Any) -> list[tuple[str, str, str]]:
    return [(i.path, i.code, i.severity) for i in report.issues]


def test_2023_session_fixture_is_strictly_valid(fixtures_2023: dict[str, Any]) -> None:
    """The pinned spec's own session fixture validates strictly with no issue at all, with
    its own version's models and with today's (it uses nothing 2026-09-30.endive dropped)."""
    for api_version in (API_2023, LATEST):
        report = validate(fixtures_2023["identity.verification_session"], api_version=api_version)
        assert report.ok and report.issues == ()


def test_2023_report_fixture_only_disagrees_on_address_zip(fixtures_2023: dict[str, Any]) -> None:
    """The 2023 report fixture's only strict finding is document.address.zip, which `address` lacks.

    Stripe's fixture and spec disagree: the fixture writes ``zip`` where the
    ``address`` schema defines ``postal_code``. Strict mode reports the unknown
    field (it is not weakened to hide it); lenient mode accepts it as a notice.
    """
    payload = fixtures_2023["identity.verification_report"]
    strict = validate(payload, api_version=API_2023)
    assert where(strict) == [("/document/address/zip", "unknown_field", "error")]
    lenient = validate(payload, mode="lenient", api_version=API_2023)
    assert lenient.ok
    assert where(lenient) == [("/document/address/zip", "unknown_field", "notice")]


@pytest.mark.parametrize("resource", IDENTITY)
def test_2026_fixtures_are_strictly_valid(fixtures_2026: dict[str, Any], resource: str) -> None:
    """The bundled (2026-09-30.endive) models take Stripe's 2026 objects strictly, no issue."""
    payload = fixtures_2026[resource]
    report = validate(payload)
    assert report.ok and report.issues == (), report
    assert validate(payload, api_version=LATEST).issues == ()


@pytest.mark.parametrize("resource", IDENTITY)
def test_2026_fixtures_against_the_2023_models(
    fixtures_2026: dict[str, Any], resource: str
) -> None:
    """With the 2023-08-16 models, the 2026 objects pass leniently, their new fields only
    notices, and fail strictly on exactly those fields."""
    payload = fixtures_2026[resource]
    lenient = validate(payload, mode="lenient", api_version=API_2023)
    assert lenient.ok, lenient
    assert lenient.notices and {i.code for i in lenient.notices} == {"unknown_field"}
    assert "/client_reference_id" in {i.path for i in lenient.notices}
    assert not lenient.warnings
    strict = validate(payload, api_version=API_2023)
    assert {i.code for i in strict.errors} == {"unknown_field"}
    assert [i.path for i in strict.errors] == [i.path for i in lenient.notices]


@pytest.mark.parametrize("resource", IDENTITY)
def test_lenient_notices_from_both_engines_agree_on_2026(
    fixtures_2026: dict[str, Any], resource: str
) -> None:
    """The cheap notice path (jsonschema-rs faults) matches the reference on real data of a
    version newer than the models (the 2026 objects against the 2023-08-16 models)."""
    payload = fixtures_2026[resource]
    checker = validator_for_version(API_2023).compiled(resource).checker
    assert checker.lenient_is_valid(payload) and not checker.is_valid(payload)
    fast = classify(checker.fast_faults(payload), "lenient")
    reference = classify(checker.reference_faults(payload), "lenient")
    assert fast == reference


def test_cli_on_the_fixture_files(
    tmp_path: Path, fixtures_2023: dict[str, Any], fixtures_2026: dict[str, Any], capsys: Any
) -> None:
    """The CLI reports the zip finding with its line; the 2026 objects pass strictly, and
    against the 2023-08-16 models leniently only."""
    old = tmp_path / "old.json"
    old.write_text(json.dumps([fixtures_2023[r] for r in IDENTITY], indent=2))
    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps(fixtures_2026[r]) + "\n" for r in IDENTITY))
    assert main(["validate", str(old)]) == 1
    out = capsys.readouterr().out
    lines = old.read_text().splitlines()
    zip_line = 1 + next(n for n, text in enumerate(lines) if text.strip().startswith('"zip"'))
    assert f"{old}:{zip_line}: /document/address/zip: error[unknown_field]" in out
    assert "2 records: 1 valid, 1 invalid, 0 unreadable (1 error," in out
    assert main(["validate", "--mode", "lenient", str(old), str(new)]) == 0
    assert "total: 4 records: 4 valid, 0 invalid, 0 unreadable (0 errors" in capsys.readouterr().out
    assert main(["validate", str(new)]) == 0
    assert "2 records: 2 valid, 0 invalid" in capsys.readouterr().out
    assert main(["validate", "--api-version", API_2023, str(new)]) == 1
    assert f"{new}:1: /client_reference_id: error[unknown_field]" in capsys.readouterr().out
