"""Versions that cannot mix: a model is validated and drawn against its own package's schema."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import find, given, settings
from hypothesis import strategies as st

import stripe_models
from stripe_codegen.generate import generate, write
from stripe_models.identity import VerificationSession
from stripe_schemas import MixedVersionsError, PayloadError, structure
from stripe_schemas.model import LATEST, package_of
from stripe_schemas.strategies import from_schema
from stripe_schemas.validation import Validator, default_validator, validate
from stripe_schemas.validation._validator import validator_for

from _specs import widget_spec
from conftest import SHARED, require_shared


def build_package(tmp_path: Path, document: dict[str, Any], package: str, roots: Any) -> Any:
    spec = tmp_path / f"{package}.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    out = tmp_path / package
    write(generate(spec, roots, package=package), out)
    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(package)
        for name in module.MODULES:
            importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(out))
    return module


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    """Widgets v1 (`class` nullable, as in the base spec) and v2 (`class` never null)."""
    tmp = tmp_path_factory.mktemp("versions")
    v1 = build_package(tmp, widget_spec(), "widgets_mix_v1", None)
    newer = widget_spec()
    del newer["components"]["schemas"]["shop.widget"]["properties"]["class"]["nullable"]
    newer["info"]["version"] = "2100-01-01"
    v2 = build_package(tmp, newer, "widgets_mix_v2", None)
    return v1, v2


PAYLOAD = {"id": "w_1", "object": "shop.widget", "from": "x", "class": None}


def test_validate_uses_the_models_own_schema(two_versions: tuple[Any, Any]) -> None:
    """validate(payload, Model) follows each model's package, and agrees with its converter."""
    v1, v2 = two_versions
    old, new = v1.model_for("shop.widget"), v2.model_for("shop.widget")
    assert validate(PAYLOAD, old).ok
    structure(PAYLOAD, old)
    report = validate(PAYLOAD, new)
    assert [(i.path, i.code) for i in report.errors] == [("/class", "null_not_allowed")]
    with pytest.raises(PayloadError):
        structure(PAYLOAD, new)


def test_mixing_a_model_with_another_specs_document_is_an_error(
    two_versions: tuple[Any, Any],
) -> None:
    """A Validator of one spec's document refuses a model of another spec's package."""
    v1, v2 = two_versions
    v1_document = json.loads((Path(v1.__file__).parent / "schemas.json").read_text())
    with pytest.raises(MixedVersionsError, match="widgets_mix_v2"):
        Validator(v1_document).validate(PAYLOAD, v2.model_for("shop.widget"))
    with pytest.raises(MixedVersionsError, match=re.escape(LATEST)):
        default_validator().validate(PAYLOAD, v1.model_for("shop.widget"))
    Validator(v1_document).validate(PAYLOAD, v1.model_for("shop.widget"))  # its own: fine


def test_the_bundled_models_keep_the_shared_validator() -> None:
    """stripe_models' own classes use the default validator (and its fast path), no copy."""
    package = package_of(VerificationSession)
    assert package is not None and package.name == "stripe_models"
    assert package.spec_sha256 == stripe_models.SPEC_SHA256
    assert validator_for(VerificationSession, default_validator()) is default_validator()
    assert package_of("identity.verification_session") is None
    assert package_of(dict) is None


def test_a_package_with_a_foreign_schema_document_is_refused(
    tmp_path: Path, two_versions: tuple[Any, Any]
) -> None:
    """A package whose schemas.json came from another spec cannot validate at all."""
    _, v2 = two_versions
    broken = build_package(tmp_path, widget_spec(), "widgets_mix_broken", None)
    target = Path(broken.__file__).parent / "schemas.json"
    target.write_text((Path(v2.__file__).parent / "schemas.json").read_text())
    with pytest.raises(MixedVersionsError, match=r"schemas\.json is from another spec"):
        validate(PAYLOAD, broken.model_for("shop.widget"))


@settings(max_examples=40)
@given(data=st.data())
def test_from_schema_draws_from_the_models_own_package(
    two_versions: tuple[Any, Any], data: st.DataObject
) -> None:
    """from_schema(Model) draws what Model's own converter accepts; v2 never draws a null
    `class`, which v1 allows."""
    v1, v2 = two_versions
    old, new = v1.model_for("shop.widget"), v2.model_for("shop.widget")
    payload = data.draw(from_schema(new))
    assert payload.get("class", 0) is not None
    structure(payload, new)
    assert validate(payload, new).ok
    structure(data.draw(from_schema(old)), old)


def test_from_schema_refuses_another_specs_document(two_versions: tuple[Any, Any]) -> None:
    """from_schema(Model, document=another spec's document) is an error, not a silent mix."""
    v1, v2 = two_versions
    v1_document = json.loads((Path(v1.__file__).parent / "schemas.json").read_text())
    with pytest.raises(MixedVersionsError):
        from_schema(v2.model_for("shop.widget"), document=v1_document)
    with pytest.raises(TypeError, match="not a generated model class"):
        from_schema(dict)
    nullable = from_schema(v1.model_for("shop.widget"), document=v1_document)
    assert find(nullable, lambda p: "class" in p and p["class"] is None)["class"] is None


@pytest.mark.realdata
def test_an_older_identity_package_keeps_its_own_rules(tmp_path: Path) -> None:
    """Models generated from the 2021-05-17 spec (client_secret never null) reject a null
    client_secret in validate() as their converter does, while the bundled models accept it."""
    spec = require_shared(SHARED / "specs" / "2021-05-17_api-2020-08-27.json")
    out = tmp_path / "old"
    write(generate(spec, ["identity.verification_session"], package="identity_2021"), out)
    sys.path.insert(0, str(out))
    try:
        old = importlib.import_module("identity_2021.identity").VerificationSession
    finally:
        sys.path.remove(str(out))
    payload = {
        "id": "vs_1",
        "object": "identity.verification_session",
        "client_secret": None,
        "created": 1,
        "last_error": None,
        "last_verification_report": None,
        "livemode": False,
        "metadata": {},
        "options": {},
        "status": "requires_input",
        "type": "document",
        "url": None,
    }
    report = validate(payload, old)
    assert ("/client_secret", "null_not_allowed") in [(i.path, i.code) for i in report.errors]
    with pytest.raises(PayloadError):
        structure(payload, old)
    new_payload = {**payload, "redaction": None, "verified_outputs": None}
    assert validate(new_payload, VerificationSession).ok
