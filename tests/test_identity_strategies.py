"""The identity strategies: every draw breaks no rule, by the validator and by an independent oracle."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import jsonschema
import pytest
from _oracle import report_problems, session_problems
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from stripe_models.common import Address
from stripe_models.core import Event
from stripe_models.identity import GelatoVerifiedOutputs, VerificationReport, VerificationSession
from stripe_schemas import extras, structure, unstructure
from stripe_schemas.strategies import (
    instances,
    lenient_verification_reports,
    lenient_verification_sessions,
    payloads,
    verification_report_instances,
    verification_reports,
    verification_session_instances,
    verification_sessions,
)
from stripe_schemas.validation import default_validator, validate
from stripe_schemas.validation._schema import load_default_document

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
DOCUMENT = load_default_document()
#: Plain jsonschema against the committed document (open objects, as the spec says).
COMMITTED = {
    key: jsonschema.Draft202012Validator({**DOCUMENT, "$ref": f"#/$defs/{key}"})
    for key in (SESSION, REPORT)
}
#: Counting tests: deterministic (derandomized), no shrinking, so the counts cannot flake.
COUNTING = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


def assert_valid_everywhere(payload: dict[str, Any], key: str) -> None:
    """Strict validate(): no issue; plain jsonschema: valid; the compiled fast path accepts it."""
    report = validate(payload)
    assert report.issues == (), [str(i) for i in report.issues]
    COMMITTED[key].validate(payload)
    compiled = default_validator().compiled(key)
    assert compiled.checker.reference_is_valid(payload)
    assert compiled.is_clean(payload), "the compiled invariants refuse a valid payload"
    assert not (compiled.residual and compiled.residual(payload))


@given(verification_sessions())
def test_sessions_break_no_rule(session: dict[str, Any]) -> None:
    """Every drawn session passes strict validate(), plain jsonschema and the fast path, and the oracle."""
    assert_valid_everywhere(session, SESSION)
    assert session_problems(session) == []


@given(verification_reports())
def test_reports_break_no_rule(report: dict[str, Any]) -> None:
    """Every drawn report passes strict validate(), plain jsonschema and the fast path, and the oracle."""
    assert_valid_everywhere(report, REPORT)
    assert report_problems(report) == []


@given(verification_sessions(redacted=True))
def test_redacted_sessions_take_the_fast_path(session: dict[str, Any]) -> None:
    """Redacted sessions (placeholders, 1/1/1, kept country) pass the compiled overlay."""
    assert session["redaction"]["status"] == "redacted"
    assert session["status"] in ("verified", "canceled")
    assert session["metadata"] == {}
    assert_valid_everywhere(session, SESSION)


@pytest.mark.parametrize(
    ("options", "check"),
    [
        ({"status": "verified"}, lambda s: s["status"] == "verified"),
        (
            {"status": ["processing", "canceled"]},
            lambda s: s["status"] in ("processing", "canceled"),
        ),
        ({"type": "id_number"}, lambda s: s["type"] == "id_number"),
        ({"expanded": True}, lambda s: isinstance(s["last_verification_report"], dict)),
        ({"expanded": False}, lambda s: not isinstance(s.get("last_verification_report"), dict)),
        ({"redacted": False}, lambda s: not s.get("redaction")),
        ({"livemode": True}, lambda s: s["livemode"] is True),
        (
            {"status": "requires_input", "expanded": True},
            lambda s: s["last_verification_report"]["verification_session"] == s["id"],
        ),
    ],
)
@settings(max_examples=25)
@given(data=st.data())
def test_session_filters_are_honoured(
    options: dict[str, Any], check: Any, data: st.DataObject
) -> None:
    """Each argument of verification_sessions() narrows the draws as documented."""
    session = data.draw(verification_sessions(**options))
    assert check(session)
    assert validate(session).issues == ()


def test_impossible_filters_fail_at_once() -> None:
    """A redacted session cannot be processing; unknown statuses and types are refused."""
    with pytest.raises(ValueError, match="redacted"):
        verification_sessions(status="processing", redacted=True)
    with pytest.raises(ValueError, match="status"):
        verification_sessions(status="requires_action")
    with pytest.raises(ValueError, match="type"):
        verification_reports(type="verification_flow")


@settings(max_examples=25)
@given(verification_reports(verified=False, type="document", redacted=False))
def test_report_filters_are_honoured(report: dict[str, Any]) -> None:
    """verified=False: some check is unverified and carries its error."""
    assert report["type"] == "document"
    checks = [report[name] for name in ("document", "id_number", "selfie") if name in report]
    assert any(check["status"] == "unverified" and check["error"] is not None for check in checks)


@settings(max_examples=25)
@given(
    verification_session_instances(status="verified", expanded=True),
    verification_report_instances(),
)
def test_instance_variants_are_models(session: Any, report: Any) -> None:
    """The instance variants give generated models that round-trip."""
    assert isinstance(session, VerificationSession) and session.status == "verified"
    assert isinstance(session.last_verification_report, VerificationReport)
    assert isinstance(report, VerificationReport)
    assert structure(unstructure(session), VerificationSession) == session


@given(lenient_verification_sessions())
def test_lenient_sessions_have_notices_only(session: dict[str, Any]) -> None:
    """Newer-version sessions: lenient mode finds notices only, strict mode rejects them."""
    lenient = validate(session, mode="lenient")
    assert lenient.notices and not lenient.errors and not lenient.warnings, lenient.issues
    assert not validate(session).ok
    model = structure(session, VerificationSession, mode="lenient")
    assert extras(model)
    assert unstructure(model) == session


@settings(max_examples=25)
@given(lenient_verification_reports())
def test_lenient_reports_have_notices_only(report: dict[str, Any]) -> None:
    """Newer-version reports: lenient mode finds notices only."""
    lenient = validate(report, mode="lenient")
    assert lenient.notices and not lenient.errors and not lenient.warnings, lenient.issues


# --- payloads(Model, **overrides) -------------------------------------------------------


@settings(max_examples=25)
@given(
    payloads(VerificationSession, url=st.just("https://verify.example/x"), status="processing"),
    payloads(GelatoVerifiedOutputs, first_name="Zoë", address=None),
)
def test_overrides_force_the_field_present(
    session: dict[str, Any], outputs: dict[str, Any]
) -> None:
    """An override replaces the value and makes an optional field appear, every time."""
    assert session["url"] == "https://verify.example/x" and session["status"] == "processing"
    assert outputs["first_name"] == "Zoë" and outputs["address"] is None


def test_unknown_override_is_refused() -> None:
    """An override naming no field of the class is a TypeError."""
    with pytest.raises(TypeError, match="no field"):
        payloads(Address, zip="N1")


@settings(max_examples=25)
@given(payloads(VerificationSession), instances(VerificationReport))
def test_payloads_of_identity_resources_break_no_rule(session: dict[str, Any], report: Any) -> None:
    """payloads()/instances() of the identity resources come from the rule-respecting generators."""
    assert validate(session).issues == ()
    assert validate(unstructure(report)).issues == ()


# --- coverage: count what was drawn -----------------------------------------------------


def _strings(value: Any, key: str, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, key, (*path, k))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key, path)]
    return [(path, value)] if isinstance(value, str) else []


def test_session_draws_cover_every_class() -> None:
    """Every status, expanded/ID/no report, redacted/redacting/plain, both types, each optional
    field present and absent, strings at their maxLength with non-ASCII: all drawn."""
    seen: Counter[str] = Counter()
    optional = set(DOCUMENT["$defs"][SESSION]["properties"]) - set(
        DOCUMENT["$defs"][SESSION]["required"]
    )

    @COUNTING
    @given(verification_sessions())
    def draw(session: dict[str, Any]) -> None:
        seen["status:" + session["status"]] += 1
        report = session.get("last_verification_report")
        seen[
            "report:" + ("expanded" if isinstance(report, dict) else "id" if report else "none")
        ] += 1
        seen["redaction:" + str((session.get("redaction") or {}).get("status"))] += 1
        seen["type:" + str(session.get("type", "absent"))] += 1
        for name in optional:
            seen[("present:" if name in session else "absent:") + name] += 1
        seen["metadata:" + ("some" if session["metadata"] else "none")] += 1
        text = json.dumps(session, ensure_ascii=False)
        seen["non-ascii"] += not text.isascii()
        seen["at-max-length"] += any(len(s) in (500, 5000) for _, s in _strings(session, SESSION))

    draw()
    wanted = [
        *(f"status:{s}" for s in ("requires_input", "processing", "verified", "canceled")),
        "report:expanded", "report:id", "report:none",
        "redaction:redacted", "redaction:processing", "redaction:None",
        "type:document", "type:id_number", "type:absent",
        *(f"present:{name}" for name in optional), *(f"absent:{name}" for name in optional),
        "metadata:some", "metadata:none", "non-ascii", "at-max-length",
    ]  # fmt: skip
    missing = [name for name in wanted if not seen[name]]
    assert not missing, (missing, seen)


def test_report_draws_cover_every_class() -> None:
    """Both types, each check, verified and unverified checks, redacted reports, optional fields."""
    seen: Counter[str] = Counter()
    optional = set(DOCUMENT["$defs"][REPORT]["properties"]) - set(
        DOCUMENT["$defs"][REPORT]["required"]
    )

    @COUNTING
    @given(verification_reports())
    def draw(report: dict[str, Any]) -> None:
        seen["type:" + str(report.get("type", "absent"))] += 1
        for name in ("document", "id_number", "selfie"):
            if name in report:
                seen[f"check:{name}:{report[name]['status']}"] += 1
        seen["redacted"] += "[redacted]" in json.dumps(report)
        for name in optional:
            seen[("present:" if name in report else "absent:") + name] += 1

    draw()
    wanted = [
        "type:document", "type:id_number", "type:absent", "redacted",
        "check:document:verified", "check:document:unverified",
        "check:id_number:verified", "check:id_number:unverified", "check:selfie:verified",
        *(f"present:{name}" for name in optional), *(f"absent:{name}" for name in optional),
    ]  # fmt: skip
    missing = [name for name in wanted if not seen[name]]
    assert not missing, (missing, seen)


@pytest.mark.parametrize("model", [Address, GelatoVerifiedOutputs, Event], ids=lambda m: m.__name__)
def test_model_payloads_draw_optional_fields_present_and_absent(model: type) -> None:
    """payloads(Model) of any generated class leaves each optional field out sometimes, not always."""
    from stripe_schemas.converters._plan import class_plan

    optional = [f.wire for f in class_plan(model).fields if not f.required]
    seen: Counter[str] = Counter()

    @COUNTING
    @given(payloads(model))
    def draw(payload: dict[str, Any]) -> None:
        for name in optional:
            seen[("present:" if name in payload else "absent:") + name] += 1

    draw()
    missing = [f"{state}:{name}" for name in optional for state in ("present", "absent")]
    missing = [key for key in missing if not seen[key]]
    assert optional and not missing, (missing, seen)


@settings(max_examples=25)
@given(payloads(Event), payloads(VerificationReport))
def test_model_payload_values_look_real(event: dict[str, Any], report: dict[str, Any]) -> None:
    """IDs carry their prefix, created falls between 2021 and now."""
    import time

    assert event["id"].startswith("evt_")
    assert 1609459200 <= event["created"] <= time.time() + 1
    assert report["id"].startswith("vr_")
