"""The identity strategies: every draw breaks no rule, by the validator and by an independent oracle."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from _draws import can_draw
from _oracle import report_problems, session_problems
from _reference import reference_is_valid
from hypothesis import given, settings
from hypothesis import strategies as st

from stripe_models.common import Address
from stripe_models.core import Event
from stripe_models.identity import VerificationReport, VerificationSession, VerifiedOutputs
from stripe_schemas import extras, structure, unstructure
from stripe_schemas.model import load_default_document
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

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
DOCUMENT = load_default_document()
#: Plain jsonschema against the committed document (open objects, as the spec says).
COMMITTED = {
    key: jsonschema.Draft202012Validator({**DOCUMENT, "$ref": f"#/$defs/{key}"})
    for key in (SESSION, REPORT)
}


def assert_valid_everywhere(payload: dict[str, Any], key: str) -> None:
    """Strict validate(): no issue; plain jsonschema: valid; the compiled fast path accepts it."""
    report = validate(payload)
    assert report.issues == (), [str(i) for i in report.issues]
    COMMITTED[key].validate(payload)
    compiled = default_validator().compiled(key)
    assert reference_is_valid(key, payload)
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
        verification_reports(type="selfie_only")


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
    payloads(VerifiedOutputs, first_name="Zoë", address=None),
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


def _report_kind(session: dict[str, Any]) -> str:
    report = session.get("last_verification_report")
    return "expanded" if isinstance(report, dict) else "id" if report else "none"


def _is(path: str, value: Any) -> Any:
    """A predicate: the value at ``a/b`` is ``value`` (``"absent"``: the key is not there)."""
    *parents, last = path.split("/")

    def holds(payload: dict[str, Any]) -> bool:
        for name in parents:
            payload = payload.get(name) or {}
        return payload.get(last, "absent") == value

    return holds


def _reports(kind: str) -> Any:
    return lambda payload: _report_kind(payload) == kind


def _has(name: str, present: bool) -> Any:
    return lambda payload: (name in payload) is present


#: The checks a session's options can ask for (in the bundled version).
ASKED = ("email", "phone")


def _types(key: str) -> list[str]:
    """The document's types, and "absent" where ``type`` is optional (older versions)."""
    schema = DOCUMENT["$defs"][key]
    types = list(schema["properties"]["type"].get("x-enum", ()))
    return [*types, *(["absent"] if "type" not in schema["required"] else [])]


def _optional(key: str) -> list[str]:
    schema = DOCUMENT["$defs"][key]
    return sorted(set(schema["properties"]) - set(schema["required"]))


#: A fixed "now": the draws' dates, hence the draws themselves, do not depend on the day.
NOW = 1_790_000_000

#: Each class of session the strategy must draw → the predicate that recognises it.
SESSION_CLASSES: dict[str, Any] = {
    **{
        f"status:{s}": _is("status", s)
        for s in ("requires_input", "processing", "verified", "canceled")
    },
    **{f"report:{kind}": _reports(kind) for kind in ("expanded", "id", "none")},
    "redaction:redacted": _is("redaction/status", "redacted"),
    "redaction:processing": _is("redaction/status", "processing"),
    "redaction:none": lambda x: not x.get("redaction"),
    **{f"type:{kind}": _is("type", kind) for kind in _types(SESSION)},
    **{f"present:{n}": _has(n, True) for n in _optional(SESSION)},
    **{f"absent:{n}": _has(n, False) for n in _optional(SESSION)},
    **{f"asks for {check}": _is(f"options/{check}/require_verification", True) for check in ASKED},
    **{
        f"report with a {check} check": (
            lambda c: (
                lambda x: isinstance(
                    (x.get("last_verification_report") or {}).get(c)
                    if isinstance(x.get("last_verification_report"), dict)
                    else None,
                    dict,
                )
            )
        )(check)
        for check in ASKED
    },
    "failed on a requested check": lambda x: str(
        (x.get("last_error") or {}).get("code") or ""
    ).startswith(ASKED),
    "metadata:some": lambda x: bool(x["metadata"]),
    "metadata:none": lambda x: not x["metadata"],
    "non-ascii": lambda x: not json.dumps(x, ensure_ascii=False).isascii(),
    "at-max-length": lambda x: any(len(s) in (500, 5000) for _, s in _strings(x, SESSION)),
}


@pytest.mark.parametrize("name", sorted(SESSION_CLASSES))
def test_session_draws_cover_every_class(name: str) -> None:
    """Every status, expanded/ID/no report, redacted/redacting/plain, both types, each optional
    field present and absent, strings at their maxLength with non-ASCII: each can be drawn."""
    assert can_draw(verification_sessions(now=NOW), SESSION_CLASSES[name])


#: Each class of report the strategy must draw → the predicate that recognises it.
REPORT_CLASSES: dict[str, Any] = {
    **{f"type:{kind}": _is("type", kind) for kind in _types(REPORT)},
    "redacted": lambda x: "[redacted]" in json.dumps(x),
    **{
        f"check:{check}:{status}": _is(f"{check}/status", status)
        for check in ASKED
        for status in ("verified", "unverified")
    },
    **{
        f"check:{check}:{status}": _is(f"{check}/status", status)
        for check, status in (
            ("document", "verified"),
            ("document", "unverified"),
            ("id_number", "verified"),
            ("id_number", "unverified"),
            ("selfie", "verified"),
        )
    },
    **{f"present:{n}": _has(n, True) for n in _optional(REPORT)},
    **{f"absent:{n}": _has(n, False) for n in _optional(REPORT)},
}


@pytest.mark.parametrize("name", sorted(REPORT_CLASSES))
def test_report_draws_cover_every_class(name: str) -> None:
    """Both types, each check, verified and unverified checks, redacted reports, optional
    fields present and absent: each can be drawn."""
    assert can_draw(verification_reports(now=NOW), REPORT_CLASSES[name])


@pytest.mark.parametrize("model", [Address, VerifiedOutputs, Event], ids=lambda m: m.__name__)
def test_model_payloads_draw_optional_fields_present_and_absent(model: type) -> None:
    """payloads(Model) of any generated class leaves each optional field out sometimes, not always."""
    from stripe_schemas.model import class_plan

    optional = [f.wire for f in class_plan(model).fields if not f.required]
    assert optional
    for name in optional:
        assert can_draw(payloads(model), _has(name, True)), f"present:{name}"
        assert can_draw(payloads(model), _has(name, False)), f"absent:{name}"


@settings(max_examples=25)
@given(payloads(Event), payloads(VerificationReport))
def test_model_payload_values_look_real(event: dict[str, Any], report: dict[str, Any]) -> None:
    """IDs carry their prefix, created falls between 2021 and now."""
    import time

    assert event["id"].startswith("evt_")
    assert 1609459200 <= event["created"] <= time.time() + 1
    assert report["id"].startswith("vr_")
