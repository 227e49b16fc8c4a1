"""Real-data acceptance: Stripe's own fixtures through the converters (../shared, CI=true fails if absent)."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import orjson
import pytest
import stripe_models_2023_08_16.identity as identity_2023

from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import Issue, PayloadError, dumps, extras, structure, unstructure
from stripe_schemas.converters import Mode, _entry_for
from stripe_schemas.model import class_plan

pytestmark = pytest.mark.realdata

IDENTITY = {
    "identity.verification_session": VerificationSession,
    "identity.verification_report": VerificationReport,
}
IDENTITY_2023 = {
    "identity.verification_session": identity_2023.VerificationSession,
    "identity.verification_report": identity_2023.VerificationReport,
}
#: The --all acceptance floor: 130 of the 131 fixtures. The one exception,
#: ``treasury.outbound_payment``, lacks a field its own schema marks required.
ALL_MODELS_FLOOR = 130


def strict_issues(payload: Any, cls: Any) -> list[Issue]:
    """The issues strict structuring reports (none if it succeeds)."""
    try:
        structure(payload, cls)
    except PayloadError as error:
        return list(error.issues)
    return []


def test_2023_identity_fixtures_structure_strictly_and_round_trip(
    fixtures_2023: dict[str, Any],
) -> None:
    """Both 2023 identity objects round-trip exactly; strict finds only the report's extra ``zip``."""
    session = fixtures_2023["identity.verification_session"]
    instance = structure(session, VerificationSession)
    assert unstructure(instance) == session
    assert dumps(instance) == orjson.dumps(session)  # byte for byte

    report = fixtures_2023["identity.verification_report"]
    found = strict_issues(report, VerificationReport)
    assert [(i.path, i.code, i.severity) for i in found] == [
        ("/document/address/zip", "unknown_field", "error")
    ]
    without_zip = copy.deepcopy(report)
    del without_zip["document"]["address"]["zip"]
    assert unstructure(structure(without_zip, VerificationReport)) == without_zip

    lenient = structure(report, VerificationReport, mode="lenient")
    assert set(extras(lenient.document.address)) == {"zip"}  # type: ignore[union-attr]
    assert unstructure(lenient) == report
    assert dumps(lenient) == orjson.dumps(report)


@pytest.mark.parametrize("mode", ["strict", "lenient"])
@pytest.mark.parametrize("resource", sorted(IDENTITY))
def test_2026_identity_fixtures_structure_and_round_trip_byte_for_byte(
    fixtures_2026: dict[str, Any], resource: str, mode: Mode
) -> None:
    """The bundled (2026-09-30.endive) models take Stripe's 2026 fixtures as they are, in
    both modes, and write them back byte for byte: fields Stripe appended after the
    others (``related_customer``) stay where they were; nothing is left unknown."""
    payload = fixtures_2026[resource]
    notices: list[Issue] = []
    instance: Any = structure(payload, IDENTITY[resource], mode=mode, notices=notices)
    assert notices == []
    assert dumps(instance) == orjson.dumps(payload)
    assert unstructure(instance) == payload
    assert "client_reference_id" in attrs.asdict(instance, recurse=False)
    assert extras(instance) == {}


@pytest.mark.parametrize("resource", sorted(IDENTITY))
def test_2026_identity_fixtures_round_trip_leniently_with_2023_models(
    fixtures_2026: dict[str, Any], resource: str
) -> None:
    """The 2023-08-16 models read a 2026 object leniently, keeping what they do not know
    (read-only, in place); it is written back byte for byte."""
    payload = fixtures_2026[resource]
    notices: list[Issue] = []
    instance: Any = structure(payload, IDENTITY_2023[resource], mode="lenient", notices=notices)
    assert dumps(instance) == orjson.dumps(payload)
    assert "client_reference_id" in extras(instance)
    if resource == "identity.verification_session":
        assert {"related_customer", "client_reference_id"} <= set(extras(instance))
    assert all(n.severity == "notice" for n in notices)
    same = structure(payload, resource, mode="lenient", api_version="2023-08-16")
    assert type(same) is IDENTITY_2023[resource]


@pytest.mark.parametrize("resource", sorted(IDENTITY))
def test_2026_identity_fixtures_are_rejected_strictly_by_2023_models_naming_new_fields(
    fixtures_2026: dict[str, Any], resource: str
) -> None:
    """Strict mode with the 2023-08-16 models rejects the 2026 objects, naming each field
    that version lacks (the ``api_version=`` keyword and the class itself agree)."""
    payload = fixtures_2026[resource]
    cls = IDENTITY_2023[resource]
    found = strict_issues(payload, cls)
    assert found and all(i.code == "unknown_field" for i in found)
    paths = {i.path for i in found}
    new_top_level = {f"/{key}" for key in payload if key not in class_plan(cls).known}
    assert {p for p in paths if p.count("/") == 1} == new_top_level
    assert "/client_reference_id" in paths
    if resource == "identity.verification_session":
        assert "/related_customer" in paths
    with pytest.raises(PayloadError) as caught:
        structure(payload, IDENTITY[resource], api_version="2023-08-16")
    assert {i.path for i in caught.value.issues} == paths


def _model(package: Any, resource: str) -> Any:
    """The class (or union alias, resolved in its module) generated for a resource id."""
    try:
        return package.model_for(resource)
    except KeyError:
        return None


@pytest.mark.slow
def test_every_2023_fixture_with_an_all_model_structures_leniently(
    all_models: Any, fixtures_2023: dict[str, Any]
) -> None:
    """With ``generate --all``, the 2023 fixtures structure leniently and round-trip exactly."""
    passed: list[str] = []
    failed: dict[str, str] = {}
    without_model: list[str] = []
    for resource, payload in sorted(fixtures_2023.items()):
        target = _model(all_models, resource)
        if target is None:
            without_model.append(resource)
            continue
        try:
            instance = structure(payload, target, mode="lenient")
        except PayloadError as error:
            failed[resource] = "; ".join(f"{i.path} {i.code}: {i.message}" for i in error.issues)
            continue
        if unstructure(instance) != payload:
            failed[resource] = "round trip differs"
            continue
        entry = _entry_for(target, "lenient")
        assert entry is not None
        fast, detailed = entry
        assert fast(payload) == detailed(payload) == instance  # both paths agree on real data
        passed.append(resource)
    print(
        f"\n--all: {len(passed)}/{len(fixtures_2023)} fixtures structure leniently and round-trip"
    )
    print(f"without a generated model: {without_model or 'none'}")
    for resource, reason in failed.items():
        print(f"  exception {resource}: {reason}")
    assert len(passed) >= ALL_MODELS_FLOOR
    # The one known exception: Stripe's fixture lacks a field its own spec marks required.
    assert set(failed) <= {"treasury.outbound_payment"}
