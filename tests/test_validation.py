"""validate(): models, modes, the report, bad input of every kind, and no leaked secrets."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bench.payloads import EXPANDED, REPORT, REQUIRES_INPUT, VERIFIED, invalid_payload
from stripe_schemas import Issue
from stripe_schemas.validation import Report, Validator, validate

from conftest import ROOT

SESSION = "identity.verification_session"
EXAMPLES = sorted((ROOT / "spec" / "examples").glob("*.json"))


def where(report: Report) -> list[tuple[str, str, str]]:
    return [(i.path, i.code, i.severity) for i in report.issues]


# --- models and the report --------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_bundled_examples_are_valid(path: Any) -> None:
    """Every sample payload in spec/examples validates strictly with no issue at all."""
    report = validate(json.loads(path.read_text()))
    assert report.ok and report.issues == (), report


def test_model_is_taken_from_the_object_tag() -> None:
    """Without a model, the object tag picks the schema (session and report)."""
    assert validate(VERIFIED).model == SESSION
    assert validate(REPORT).model == "identity.verification_report"


def test_model_can_be_a_key_a_resource_id_or_a_generated_class() -> None:
    """The model parameter accepts a schema key, a resource id and a generated class."""
    from stripe_models import model_for

    class StandIn:
        __schema_key__ = "gelato_verified_outputs"
        __resource_id__ = None

    for model in (SESSION, model_for(SESSION)):
        report = validate(VERIFIED, model)
        assert report.ok and report.model == SESSION
    for nested_model in ("gelato_verified_outputs", StandIn):
        nested = validate(VERIFIED["verified_outputs"], nested_model)
        assert nested.ok and nested.model == "gelato_verified_outputs"


def test_unknown_model_and_missing_tag_are_reported() -> None:
    """An unknown model, a missing tag and a tag for another resource each give one clear error."""
    assert where(validate(VERIFIED, "no_such_schema")) == [("", "unknown_model", "error")]
    untagged = {k: v for k, v in VERIFIED.items() if k != "object"}
    assert where(validate(untagged)) == [("/object", "unknown_model", "error")]
    assert where(validate({"object": "charge", "id": "ch_1"})) == [
        ("/object", "unknown_model", "error")
    ]
    assert where(validate({"object": 5})) == [("/object", "wrong_object_tag", "error")]


def test_report_groups_issues_by_severity() -> None:
    """ok, errors, warnings, notices and issues are consistent views of one list."""
    payload = copy.deepcopy(VERIFIED)
    payload["client_secret"] = "kept"  # warning
    payload["zz"] = 1  # unknown field: notice in lenient mode
    payload["created"] = "later"  # error
    report = validate(payload, mode="lenient")
    assert not report.ok
    assert [i.code for i in report.errors] == ["type_mismatch"]
    assert [i.code for i in report.warnings] == ["stored_secret"]
    assert [i.code for i in report.notices] == ["unknown_field"]
    assert len(report.issues) == 3
    data = report.to_dict()
    assert data["errors"] == 1 and data["issues"][0]["path"] == "/created"
    assert "1 error, 1 warning, 1 notice" in str(report)
    assert "codes=['type_mismatch'" in repr(report)


def test_every_error_of_a_bad_payload_is_reported_at_once() -> None:
    """The benchmark's invalid payload yields all its schema errors, each at its pointer."""
    report = validate(invalid_payload())
    assert [(i.path, i.code) for i in report.errors] == [
        ("/created", "type_mismatch"),
        ("/livemode", "type_mismatch"),
        ("/options/document/allowed_types/1", "type_mismatch"),
        ("/status", "unknown_enum_value"),
        ("/verified_outputs/dob/day", "type_mismatch"),
    ]


def test_strict_and_lenient_differ_only_on_unknown_fields_and_values() -> None:
    """Unknown fields/enum values are errors when strict, notices when lenient; others stay errors."""
    payload = copy.deepcopy(VERIFIED)
    payload["new_field"] = {"x": 1}
    payload["options"]["document"]["allowed_types"] = ["passport", "residence_permit"]
    payload["livemode"] = "no"
    strict = validate(payload)
    lenient = validate(payload, mode="lenient")
    assert where(strict) == [
        ("/livemode", "type_mismatch", "error"),
        ("/new_field", "unknown_field", "error"),
        ("/options/document/allowed_types/1", "unknown_enum_value", "error"),
    ]
    assert where(lenient) == [
        ("/livemode", "type_mismatch", "error"),
        ("/new_field", "unknown_field", "notice"),
        ("/options/document/allowed_types/1", "unknown_enum_value", "notice"),
    ]


def test_bypass_validation_fields_accept_new_values() -> None:
    """A new value in an x-stripeBypassValidation enum is no schema issue (last_error.code)."""
    payload = copy.deepcopy(REQUIRES_INPUT)
    payload["last_error"] = {"code": "brand_new_reason", "reason": None}
    assert validate(payload).issues == ()


def test_free_form_maps_stay_open_in_strict_mode() -> None:
    """metadata takes any key in strict mode; its values are still checked."""
    payload = copy.deepcopy(VERIFIED)
    payload["metadata"] = {"any key": "v", "other": "w"}
    assert validate(payload).ok
    payload["metadata"]["n"] = 5
    assert where(validate(payload)) == [("/metadata/n", "type_mismatch", "error")]


def test_bad_mode_is_a_usage_error() -> None:
    """An unknown mode raises ValueError (a programming error, not bad input)."""
    with pytest.raises(ValueError, match="mode"):
        validate(VERIFIED, mode="loose")  # type: ignore[arg-type]


def test_validator_is_reusable_with_another_document() -> None:
    """Validator(document) validates against the given document and caches compiled models."""
    document = json.loads((ROOT / "generated" / "stripe_models" / "schemas.json").read_text())
    validator = Validator(document)
    assert validator.validate(EXPANDED).ok
    assert validator.compiled(SESSION) is validator.compiled(SESSION)
    with pytest.raises(ValueError, match="defs"):
        Validator({"x": 1})


# --- bad input of every kind ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("not json at all", "invalid_json"),
        (b'{"id": ', "invalid_json"),
        (b"\xff\xfe{", "invalid_json"),
        ("", "invalid_json"),
        ("{} {}", "invalid_json"),
    ],
    ids=["text", "truncated", "not-utf8", "empty", "two-values"],
)
def test_not_json_is_one_clear_error(data: str | bytes, code: str) -> None:
    """Text or bytes that are not one JSON value give a single invalid_json error at the root."""
    report = validate(data)
    assert where(report) == [("", code, "error")]
    assert report.model is None


@pytest.mark.parametrize(
    "payload", [[VERIFIED], 42, None, "null", '"a string"', "[1, 2]", True], ids=repr
)
def test_not_an_object_is_a_type_mismatch(payload: Any) -> None:
    """A JSON value that is not an object is reported, whether decoded or given as text;
    null is not allowed (as `structure` says)."""
    report = validate(payload)
    code = "null_not_allowed" if payload in (None, "null") else "type_mismatch"
    assert where(report) == [("", code, "error")]
    assert "expected a JSON object" in report.issues[0].message


def test_wrong_top_level_type_is_the_object_tag() -> None:
    """A report validated as a session fails on the object tag (in both modes)."""
    for mode in ("strict", "lenient"):
        report = validate(REPORT, SESSION, mode=mode)  # type: ignore[arg-type]
        assert ("/object", "wrong_object_tag", "error") in where(report)
        assert not any(i.code == "id_prefix" for i in report.issues)


def test_deeply_nested_junk_in_text_and_objects() -> None:
    """Text nested deeper than the decoder goes is one input_limit; Python values of any depth
    are checked like any other (no limit of our own, never a RecursionError)."""
    deep_text = '{"object": "identity.verification_session", "metadata": {"a": ' + "[" * 100_000
    deep_text += "]" * 100_000 + "}}"
    report = validate(deep_text)
    assert where(report) == [("", "input_limit", "error")]
    junk: Any = []
    for depth in range(5_000):
        junk = [junk] if depth % 2 else {"k": junk, "n": 1}
    payload = copy.deepcopy(VERIFIED)
    payload["metadata"] = {"a": junk}
    payload["zz"] = junk
    report = validate(payload)
    assert where(report) == [
        ("/metadata/a", "type_mismatch", "error"),
        ("/zz", "unknown_field", "error"),
    ]
    assert where(validate(payload, mode="lenient")) == [
        ("/metadata/a", "type_mismatch", "error"),
        ("/zz", "unknown_field", "notice"),
    ]


def test_ten_megabyte_string_is_reported_briefly() -> None:
    """A 10 MB string is a max_length error with a short message that does not echo it."""
    payload = copy.deepcopy(VERIFIED)
    payload["metadata"] = {"blob": "Q" * 10_000_000}
    payload["client_secret"] = "S" * 10_000_000
    report = validate(payload)
    assert ("/metadata/blob", "max_length", "error") in where(report)
    assert ("/client_secret", "max_length", "error") in where(report)
    assert len(str(report)) < 2_000
    text = json.dumps(payload)
    assert len(validate(text).issues) == len(report.issues)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected_with_their_pointer(constant: str) -> None:
    """NaN/Infinity in JSON text or in a decoded payload are invalid_json at their pointer."""
    text = json.dumps(VERIFIED).replace('"created": 1700000000', f'"created": {constant}')
    assert where(validate(text)) == [("/created", "invalid_json", "error")]
    payload = copy.deepcopy(VERIFIED)
    payload["created"] = float(constant.lower().replace("infinity", "inf"))
    assert where(validate(payload)) == [("/created", "invalid_json", "error")]


def test_duplicate_keys_keep_the_last_value() -> None:
    """A repeated key is not an issue: the last value wins (orjson's, json's, jq's and Stripe's
    libraries' reading), and that value is validated."""
    text = json.dumps(VERIFIED)[:-1] + ', "status": "verified", "livemode": 3}'
    report = validate(text.encode())
    assert where(report) == [("/livemode", "type_mismatch", "error")]
    assert validate(json.dumps(VERIFIED)[:-1] + ', "livemode": false}').ok


def test_python_values_that_are_not_json() -> None:
    """Sets, bytes and non-string keys give invalid_json issues instead of exceptions."""
    payload: dict[Any, Any] = copy.deepcopy(VERIFIED)
    payload["metadata"] = {"a": {1, 2}, 3: "x"}
    payload["url"] = b"bytes"
    report = validate(payload)
    assert ("/metadata/a", "invalid_json", "error") in where(report)
    assert ("/url", "invalid_json", "error") in where(report)
    assert ("/metadata", "invalid_json", "error") in where(report)


# --- secrets and personal data never appear ---------------------------------------------

MARKERS = ["SECRET-VALUE-1", "PERSONAL-NAME-2", "PERSONAL-DOC-3", "PERSONAL-SELFIE-4", "98765"]


def _leaky_payloads() -> list[dict[str, Any]]:
    session = copy.deepcopy(EXPANDED)
    session["client_secret"] = ["SECRET-VALUE-1"]
    session["url"] = {"u": "SECRET-VALUE-1"}
    session["verified_outputs"]["first_name"] = 98765
    session["verified_outputs"]["id_number_type"] = "PERSONAL-NAME-2"
    session["verified_outputs"]["dob"]["day"] = "PERSONAL-NAME-2"
    report = session["last_verification_report"]
    report["document"]["type"] = "PERSONAL-DOC-3"
    report["document"]["first_name"] = 98765
    report["document"]["number"] = "PERSONAL-DOC-3" * 400
    report["selfie"] = {"status": "verified", "selfie": ["PERSONAL-SELFIE-4"], "document": 98765}
    report["id_number"] = {
        "status": "unverified",
        "id_number": 98765,
        "id_number_type": "PERSONAL-DOC-3",
    }
    standalone = copy.deepcopy(REPORT)
    standalone["document"]["status"] = "PERSONAL-DOC-3"
    standalone["document"]["first_name"] = "[redacted]"
    standalone["document"]["last_name"] = "PERSONAL-NAME-2"
    secret_field = copy.deepcopy(VERIFIED)
    secret_field["client_secret"] = "SECRET-VALUE-1"
    secret_field["url"] = "SECRET-VALUE-1"
    return [session, standalone, secret_field]


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_secret_and_personal_values_never_appear_in_reports(mode: str) -> None:
    """Invalid secrets/personal values are described by type only in str() and repr() of reports."""
    for payload in _leaky_payloads():
        for candidate in (payload, json.dumps(payload)):
            report = validate(candidate, mode=mode)  # type: ignore[arg-type]
            assert report.issues
            rendered = str(report) + repr(report) + json.dumps(report.to_dict())
            rendered += "".join(repr(i) for i in report.issues)
            for marker in MARKERS:
                assert marker not in rendered, (marker, rendered)


def test_issue_messages_stay_on_one_line() -> None:
    """Messages never contain newlines, so every issue is one log line."""
    payload = copy.deepcopy(VERIFIED)
    payload["metadata"] = {"line\nbreak": "x\ny" * 300}
    for issue in validate(payload).issues:
        assert isinstance(issue, Issue) and "\n" not in issue.message


def test_runtime_imports_without_hypothesis_or_codegen() -> None:
    """stripe_schemas, its validation and CLI import with hypothesis and the generator absent."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None; sys.modules['stripe_codegen'] = None\n"
        "import stripe_schemas, stripe_schemas.validation, stripe_schemas.cli\n"
        "from stripe_schemas.validation import validate\n"
        "assert validate({'object': 'identity.verification_session'}).errors\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
