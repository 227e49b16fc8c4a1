"""Stripe Identity invariants: each rule passes and fails where it should, on both paths."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.payloads import EXPANDED, PAYLOADS, REPORT, REQUIRES_INPUT, VERIFIED
from stripe_schemas.identity import RULES_BY_CODE
from stripe_schemas.strategies import from_schema
from stripe_schemas.validation import RULES, Validator, default_validator, validate
from stripe_schemas.validation._lifecycle import LIFECYCLE_RULES

from conftest import ROOT

Payload = dict[str, Any]
EXAMPLES = ROOT / "spec" / "examples"
REDACTED_SESSION: Payload = json.loads((EXAMPLES / "session_redacted.json").read_text())


def changed(base: Payload, edit: Callable[[Payload], None]) -> Payload:
    payload = copy.deepcopy(base)
    edit(payload)
    return payload


def put(path: str, value: Any) -> Callable[[Payload], None]:
    """An edit that sets the value at a slash-separated path (creating nothing)."""

    def edit(payload: Payload) -> None:
        *parents, last = path.strip("/").split("/")
        target: Any = payload
        for token in parents:
            target = target[token]
        target[last] = value

    return edit


def drop(path: str) -> Callable[[Payload], None]:
    def edit(payload: Payload) -> None:
        *parents, last = path.strip("/").split("/")
        target: Any = payload
        for token in parents:
            target = target[token]
        del target[last]

    return edit


def both(*edits: Callable[[Payload], None]) -> Callable[[Payload], None]:
    def edit(payload: Payload) -> None:
        for one in edits:
            one(payload)

    return edit


# (case id, base payload, edit, code, path, severity in strict, severity in lenient)
FAILING: list[tuple[str, Payload, Callable[[Payload], None], str, str, str, str]] = [
    ("session-id", VERIFIED, put("/id", "sess_1"), "id_prefix", "/id", "warning", "warning"),
    ("report-id", REPORT, put("/id", "rep_1"), "id_prefix", "/id", "warning", "warning"),
    ("report-link-id", REPORT, put("/verification_session", "x1"), "id_prefix", "/verification_session", "warning", "warning"),
    ("session-report-id", VERIFIED, put("/last_verification_report", "rep_1"), "id_prefix", "/last_verification_report", "warning", "warning"),
    ("secret-verified", VERIFIED, put("/client_secret", "kept"), "stored_secret", "/client_secret", "warning", "warning"),
    ("secret-empty", VERIFIED, put("/client_secret", ""), "stored_secret", "/client_secret", "warning", "warning"),
    ("url-canceled", REQUIRES_INPUT, put("/status", "canceled"), "stored_secret", "/url", "warning", "warning"),
    ("error-verified", VERIFIED, put("/last_error", {"code": "abandoned", "reason": None}), "error_on_verified", "/last_error/code", "warning", "warning"),
    ("outputs-unverified", VERIFIED, put("/status", "processing"), "unverified_outputs", "/verified_outputs", "warning", "warning"),
    ("redaction-outputs", REDACTED_SESSION, put("/verified_outputs/first_name", "Ada"), "redaction_incomplete", "/verified_outputs/first_name", "error", "error"),
    ("redaction-dob", REDACTED_SESSION, put("/verified_outputs/dob", {"day": 2, "month": 3, "year": 1990}), "redaction_incomplete", "/verified_outputs/dob", "error", "error"),
    ("redaction-metadata", REDACTED_SESSION, put("/metadata", {"k": "v"}), "redaction_incomplete", "/metadata", "error", "error"),
    ("redaction-report", EXPANDED, put("/redaction", {"status": "redacted"}), "redaction_incomplete", "/last_verification_report/document/first_name", "error", "error"),
    ("report-partly-redacted", REPORT, put("/document/first_name", "[redacted]"), "redaction_incomplete", "/document/last_name", "error", "error"),
    ("session-type", VERIFIED, put("/type", "selfie_only"), "unknown_type", "/type", "warning", "notice"),
    ("report-type", REPORT, put("/type", "selfie_only"), "unknown_type", "/type", "warning", "notice"),
    ("flow-unnamed", VERIFIED, both(put("/type", "verification_flow"), put("/options", None)), "verification_flow_mismatch", "/verification_flow", "error", "error"),
    ("flow-on-document", REPORT, put("/verification_flow", "vf_1"), "verification_flow_mismatch", "/verification_flow", "error", "error"),
    ("email-asked-missing", EXPANDED, put("/options/email", {"require_verification": True}), "check_options_mismatch", "/last_verification_report/email", "warning", "warning"),
    ("phone-unasked", EXPANDED, put("/last_verification_report/phone", {"status": "verified", "error": None, "phone": "+15550000000"}), "check_options_mismatch", "/last_verification_report/phone", "warning", "warning"),
    ("email-unverified-on-verified", EXPANDED, both(put("/options/email", {"require_verification": True}), put("/last_verification_report/email", {"status": "unverified", "error": {"code": "email_unverified_other", "reason": None}, "email": None})), "check_outcome_mismatch", "/last_verification_report/email/status", "error", "error"),
    ("options-id-number", VERIFIED, both(put("/type", "id_number"), put("/verified_outputs", None)), "options_type_mismatch", "/options/document", "warning", "warning"),
    ("report-options", REPORT, both(put("/type", "id_number"), put("/id_number", {"status": "verified"})), "options_type_mismatch", "/options/document", "warning", "warning"),
    ("report-other-session", EXPANDED, put("/last_verification_report/verification_session", "vs_other"), "report_session_mismatch", "/last_verification_report/verification_session", "error", "error"),
    ("report-other-type", EXPANDED, put("/last_verification_report/type", "id_number"), "report_type_mismatch", "/last_verification_report/type", "error", "error"),
    ("missing-document", REPORT, drop("/document"), "missing_check", "/document", "error", "error"),
    ("missing-id-number", REPORT, both(put("/type", "id_number"), drop("/options")), "missing_check", "/id_number", "error", "error"),
    ("check-status", REPORT, put("/document/status", "pending"), "unknown_check_status", "/document/status", "warning", "notice"),
    ("unverified-no-error", REPORT, put("/document/status", "unverified"), "unverified_without_error", "/document/error", "error", "error"),
    ("date-day", VERIFIED, put("/verified_outputs/dob/day", 32), "invalid_date", "/verified_outputs/dob/day", "error", "error"),
    ("date-month", REPORT, put("/document/expiration_date/month", 0), "invalid_date", "/document/expiration_date/month", "error", "error"),
    ("date-year", EXPANDED, put("/last_verification_report/document/issued_date/year", 21), "invalid_date", "/last_verification_report/document/issued_date/year", "error", "error"),
    ("placeholder-unredacted", VERIFIED, put("/verified_outputs/dob", {"day": 1, "month": 1, "year": 1}), "invalid_date", "/verified_outputs/dob/year", "error", "error"),
]  # fmt: skip

# (case id, payload that is fine, code that must not appear)
PASSING: list[tuple[str, Payload, str]] = [
    ("ids", EXPANDED, "id_prefix"),
    ("secret-while-open", REQUIRES_INPUT, "stored_secret"),
    ("canceled-clean", changed(REQUIRES_INPUT, both(put("/status", "canceled"), put("/client_secret", None), put("/url", None))), "stored_secret"),
    ("error-code-null", changed(VERIFIED, put("/last_error", {"code": None, "reason": None})), "error_on_verified"),
    ("error-while-retrying", changed(REQUIRES_INPUT, put("/last_error", {"code": "abandoned", "reason": None})), "error_on_verified"),
    ("outputs-verified", VERIFIED, "unverified_outputs"),
    ("outputs-empty", changed(REQUIRES_INPUT, put("/verified_outputs", {"first_name": None, "dob": None})), "unverified_outputs"),
    ("redacted-session", REDACTED_SESSION, "redaction_incomplete"),
    ("redacted-canceled", changed(REDACTED_SESSION, put("/status", "canceled")), "unverified_outputs"),
    ("redaction-processing", changed(VERIFIED, put("/redaction", {"status": "processing"})), "redaction_incomplete"),
    ("flow", changed(VERIFIED, both(put("/type", "verification_flow"), put("/verification_flow", "vf_1"), put("/options", None))), "verification_flow_mismatch"),
    ("email-asked-and-there", changed(EXPANDED, both(put("/options/email", {"require_verification": True}), put("/last_verification_report/email", {"status": "verified", "error": None, "email": "a@example.com"}))), "check_options_mismatch"),
    ("options-document", VERIFIED, "options_type_mismatch"),
    ("options-flow", changed(VERIFIED, both(put("/type", "verification_flow"), put("/verification_flow", "vf_1"))), "options_type_mismatch"),
    ("same-session", EXPANDED, "report_session_mismatch"),
    ("same-type", EXPANDED, "report_type_mismatch"),
    ("has-check", REPORT, "missing_check"),
    ("check-verified", REPORT, "unknown_check_status"),
    ("unverified-with-error", changed(REPORT, both(put("/document/status", "unverified"), put("/document/error", {"code": "document_expired", "reason": None}))), "unverified_without_error"),
    ("dates", EXPANDED, "invalid_date"),
    ("null-date-parts", changed(VERIFIED, put("/verified_outputs/dob", {"day": None, "month": None, "year": 1985})), "invalid_date"),
    ("placeholder-redacted", REDACTED_SESSION, "invalid_date"),
]  # fmt: skip


def _with_schema_error(payload: Payload) -> Payload:
    """The same payload plus an unknown field, so the detailed path runs."""
    return {**payload, "zz_unknown": 1}


@pytest.mark.parametrize(
    ("base", "edit", "code", "path", "strict", "lenient"),
    [case[1:] for case in FAILING],
    ids=[case[0] for case in FAILING],
)
def test_invariant_fails(
    base: Payload,
    edit: Callable[[Payload], None],
    code: str,
    path: str,
    strict: str,
    lenient: str,
) -> None:
    """The broken invariant is reported at its path with its rule's severity, in both modes and paths."""
    payload = changed(base, edit)
    fresh = Validator()  # compiles on its first call, not before
    for mode, severity in (("strict", strict), ("lenient", lenient)):
        for candidate in (payload, _with_schema_error(payload)):
            for report in (
                fresh.validate(candidate, mode=mode),  # type: ignore[arg-type]
                validate(candidate, mode=mode),  # type: ignore[arg-type]
            ):
                found = [i for i in report.issues if i.code == code and i.path == path]
                assert found, (mode, report)
                assert found[0].severity == severity
    assert RULES_BY_CODE[code].strict == strict
    assert RULES_BY_CODE[code].lenient == lenient


@pytest.mark.parametrize(
    ("payload", "code"), [case[1:] for case in PASSING], ids=[case[0] for case in PASSING]
)
def test_invariant_passes(payload: Payload, code: str) -> None:
    """A payload that honours the invariant gets no issue with its code, in either mode."""
    for mode in ("strict", "lenient"):
        report = validate(payload, mode=mode)  # type: ignore[arg-type]
        assert code not in report.codes(), report
        assert report.ok or code == "unverified_outputs", report


def test_every_invariant_rule_has_a_failing_case() -> None:
    """Each invariant rule is exercised above, with a one-line rationale."""
    tested = {case[3] for case in FAILING}
    for rule in RULES:
        if rule.layer == "invariant":
            assert rule.code in tested, rule.code
        assert rule.rationale and "\n" not in rule.rationale


def test_schema_layer_rules_behave_as_documented() -> None:
    """wrong_object_tag is an error in both modes; an unknown status is an error or a notice."""
    tagged = validate(VERIFIED, "identity.verification_report", mode="lenient")
    assert [(i.path, i.code, i.severity) for i in tagged.errors if i.path == "/object"] == [
        ("/object", "wrong_object_tag", "error")
    ]
    bad_status = changed(VERIFIED, put("/status", "requires_action"))
    assert validate(bad_status).at("/status")[0].severity == "error"
    lenient = validate(bad_status, mode="lenient")
    assert lenient.ok and lenient.at("/status")[0].severity == "notice"
    validated = changed(VERIFIED, put("/redaction", {"status": "validated"}))
    assert validate(validated).ok  # documented since today's API (no rule guesses its meaning)
    assert not validate(validated, api_version="2023-08-16").ok
    assert validate(validated, mode="lenient", api_version="2023-08-16").ok


# --- the compiled invariants (fast path) agree with the Python rules --------------------

_PERSONAL = st.sampled_from([None, "[redacted]", "Ada"])
_DAY = st.none() | st.integers(-1, 33)
_SESSION_ID = st.sampled_from(["vs_1", "vs_1", "vs_2", "x_1"])
_REPORT_OVERRIDES: dict[tuple[str, ...], st.SearchStrategy[Any]] = {
    ("id",): st.sampled_from(["vr_1", "vr_1", "rep"]),
    ("verification_session",): _SESSION_ID,
    ("type",): st.sampled_from(["document", "id_number", "document", "verification_flow"]),
    ("document", "first_name"): _PERSONAL,
    ("email", "status"): st.sampled_from(["verified", "unverified"]),
    ("document", "status"): st.sampled_from(["verified", "verified", "unverified", "pending"]),
    ("document", "dob", "day"): _DAY,
    ("document", "issued_date", "year"): st.sampled_from([None, 1, 2020, 20200]),
    ("id_number", "id_number"): _PERSONAL,
    ("selfie", "selfie"): _PERSONAL,
}
_SESSION_OVERRIDES: dict[tuple[str, ...], st.SearchStrategy[Any]] = {
    ("id",): _SESSION_ID,
    ("type",): st.sampled_from(["document", "id_number", "document", "verification_flow"]),
    ("verification_flow",): st.sampled_from(["vf_1", "vf_2"]),
    ("options", "email", "require_verification"): st.sampled_from([True, False]),
    ("client_secret",): st.sampled_from([None, None, "secret"]),
    ("url",): st.sampled_from([None, None, "https://x.invalid"]),
    ("metadata",): st.sampled_from([{}, {}, {"k": "v"}]),
    ("redaction",): st.sampled_from([None, None, {"status": "processing"}, {"status": "redacted"}]),
    ("last_error", "code"): st.sampled_from([None, None, "abandoned"]),
    ("verified_outputs", "first_name"): _PERSONAL,
    ("verified_outputs", "dob", "day"): _DAY,
    ("verified_outputs", "dob", "year"): st.sampled_from([None, 1, 1985, 85]),
    **{("last_verification_report", *path): s for path, s in _REPORT_OVERRIDES.items()},
}


@settings(suppress_health_check=list(HealthCheck), deadline=None)
@given(from_schema("identity.verification_session", overrides=_SESSION_OVERRIDES))
def test_clean_fast_path_never_hides_a_session_finding(session: Payload) -> None:
    """The compiled invariants accept a session exactly when the Python rules find nothing
    (redacted sessions included), bar the residual's own check."""
    compiled = default_validator().compiled("identity.verification_session")
    assert compiled.checker.is_valid(session)
    accepted = compiled.is_clean(session) and not (compiled.residual and compiled.residual(session))
    assert accepted == (_invariant_issues(session, "identity.verification_session") == [])
    report = validate(session)
    assert report.issues == tuple(_invariant_issues(session, "identity.verification_session"))


@settings(suppress_health_check=list(HealthCheck), deadline=None)
@given(from_schema("identity.verification_report", overrides=_REPORT_OVERRIDES))
def test_clean_fast_path_never_hides_a_report_finding(report: Payload) -> None:
    """The compiled invariants accept a report exactly when the Python rules find nothing."""
    compiled = default_validator().compiled("identity.verification_report")
    assert compiled.is_clean(report) == (
        _invariant_issues(report, "identity.verification_report") == []
    )
    assert validate(report).issues == tuple(
        _invariant_issues(report, "identity.verification_report")
    )


def _invariant_issues(payload: Payload, key: str) -> list[Any]:
    """The findings of the per-check schemas (the detailed path), not of the fast schema."""
    return default_validator().compiled(key).findings(payload, "strict")


@pytest.mark.parametrize("payload", [*PAYLOADS.values(), REPORT], ids=[*PAYLOADS, "report"])
def test_realistic_clean_payloads_pass_the_compiled_invariants(payload: Payload) -> None:
    """The benchmark payloads are accepted by the compiled invariants (no Python rules needed)."""
    compiled = default_validator().compiled(str(payload["object"]))
    assert compiled.is_clean(payload)
    assert not (compiled.residual and compiled.residual(payload))


def test_readme_rules_block_is_current() -> None:
    """The rules block of docs/validation.md is exactly what stripe_schemas.identity renders
    (not stale)."""
    from stripe_schemas.validation._doc import END, START, render_into, rules_markdown

    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert render_into(text) == text, (
        "run: python -m stripe_schemas.validation._doc docs/validation.md"
    )
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block.strip() == rules_markdown().strip()
    for rule in (*RULES, *LIFECYCLE_RULES):
        assert f"| `{rule.code}` | {rule.layer} | {rule.strict} | {rule.lenient} |" in block


def test_readme_block_follows_a_changed_rule(tmp_path: Any) -> None:
    """Changing one rule entry changes the rendered page (the command rewrites it)."""
    import attrs

    from stripe_schemas import identity
    from stripe_schemas.validation import _doc

    readme = tmp_path / "README.md"
    readme.write_text(
        (ROOT / "docs" / "validation.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert _doc.main(["--check", str(readme)]) == 0
    changed_rules = tuple(
        attrs.evolve(rule, lenient="notice") if rule.code == "stored_secret" else rule
        for rule in identity.RULES
    )
    original = identity.RULES
    identity.RULES = changed_rules  # type: ignore[misc]
    try:
        assert _doc.main(["--check", str(readme)]) == 1
        assert _doc.main([str(readme)]) == 0
        assert "| `stored_secret` | invariant | warning | notice |" in readme.read_text()
    finally:
        identity.RULES = original  # type: ignore[misc]
