"""One mutator per rule: each breaks exactly that rule in a valid draw, and is reported exactly there.

The mutators are written from Stripe's documentation (not from the rule table); the
independent oracle (``_oracle``) must object to each mutated payload too, and the
compiled fast path must refuse it (it may never accept what the Python rules flag).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from _oracle import report_problems, session_problems
from hypothesis import given, settings
from hypothesis import strategies as st

from stripe_schemas.strategies import verification_reports, verification_sessions
from stripe_schemas.validation import RULES, default_validator, validate

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
Payload = dict[str, Any]
#: (payload, the JSON pointer the mutation broke), from a valid draw and a data object.
Mutator = Callable[[Payload, st.DataObject], tuple[Payload, str]]
REAL = {"first_name": "Ada", "line1": "1 Main St.", "postal_code": "94111"}


def _set(payload: Payload, pointer: str, value: Any) -> None:
    """Set the value at ``pointer``, creating the objects on the way (replacing nulls)."""
    *parents, last = pointer.strip("/").split("/")
    target = payload
    for token in parents:
        if not isinstance(target.get(token), dict):
            target[token] = {}
        target = target[token]
    target[last] = value


def _mutate(edit: Callable[[Payload, st.DataObject], str]) -> Mutator:
    def mutator(payload: Payload, data: st.DataObject) -> tuple[Payload, str]:
        mutated = copy.deepcopy(payload)
        return mutated, edit(mutated, data)

    return mutator


def _wrong_tag(p: Payload, data: st.DataObject) -> str:
    p["object"] = REPORT
    return "/object"


def _unknown_status(p: Payload, data: st.DataObject) -> str:
    p["status"] = "requires_action"
    return "/status"


def _id_prefix(p: Payload, data: st.DataObject) -> str:
    where = data.draw(st.sampled_from(["/id", "/last_verification_report"]))
    if where == "/id" or not isinstance(p.get("last_verification_report"), str):
        p["id"] = "sess_" + p["id"][3:]
        if isinstance(p.get("last_verification_report"), dict):
            p["last_verification_report"]["verification_session"] = p["id"]
        return "/id"
    p["last_verification_report"] = "rep_" + p["last_verification_report"][3:]
    return where


def _stored_secret(p: Payload, data: st.DataObject) -> str:
    name = data.draw(st.sampled_from(["client_secret", "url"]))
    p[name] = p["id"] + "_secret_abc" if name == "client_secret" else "https://verify.example/s"
    return "/" + name


def _error_on_verified(p: Payload, data: st.DataObject) -> str:
    p["last_error"] = {"code": "document_expired", "reason": None}
    return "/last_error/code"


def _unverified_outputs(p: Payload, data: st.DataObject) -> str:
    _set(p, "/verified_outputs/first_name", "Ada")
    return "/verified_outputs"


def _redaction_incomplete(p: Payload, data: st.DataObject) -> str:
    where = data.draw(
        st.sampled_from(
            [
                "/verified_outputs/first_name",
                "/verified_outputs/address/line1",
                "/verified_outputs/address/postal_code",
                "/verified_outputs/dob",
                "/metadata",
            ]
        )
    )
    if where == "/metadata":
        p["metadata"] = {"user": "42"}
    elif where.endswith("/dob"):
        _set(p, where, {"day": 10, "month": 12, "year": 1985})
    else:
        _set(p, where, REAL[where.rsplit("/", 1)[1]])
    return where


def _unknown_type(p: Payload, data: st.DataObject) -> str:
    p["type"] = "selfie_only"
    return "/type"


def _options_type_mismatch(p: Payload, data: st.DataObject) -> str:
    p["type"] = "id_number"
    p["options"] = {"document": {"require_matching_selfie": True}}
    return "/options/document"


def _report_session_mismatch(p: Payload, data: st.DataObject) -> str:
    p["last_verification_report"]["verification_session"] = "vs_" + "X" * 24
    return "/last_verification_report/verification_session"


def _report_type_mismatch(p: Payload, data: st.DataObject) -> str:
    report = p["last_verification_report"]
    other = "id_number" if p["type"] == "document" else "document"
    report["type"] = other
    report[other] = {"status": "verified", "error": None}
    report["options"] = {other: {}}
    return "/last_verification_report/type"


def _missing_check(p: Payload, data: st.DataObject) -> str:
    del p[p["type"]]
    return "/" + p["type"]


def _unknown_check_status(p: Payload, data: st.DataObject) -> str:
    p[p["type"]]["status"] = "pending"
    return f"/{p['type']}/status"


def _main_check(p: Payload) -> str:
    """The check the report's type names (one of a flow, or without a type, holds one too)."""
    kind = p.get("type")
    if kind in ("document", "id_number"):
        return str(kind)
    return next(n for n in ("document", "id_number") if isinstance(p.get(n), dict))


def _unverified_without_error(p: Payload, data: st.DataObject) -> str:
    check = _main_check(p)
    p[check]["status"] = "unverified"
    p[check]["error"] = None
    return f"/{check}/error"


def _invalid_date(p: Payload, data: st.DataObject) -> str:
    unit, value = data.draw(st.sampled_from([("day", 32), ("month", 13), ("year", 85)]))
    check = _main_check(p)
    p[check]["dob"] = {"day": 10, "month": 12, "year": 1985, unit: value}
    return f"/{check}/dob/{unit}"


def _verification_flow(p: Payload, data: st.DataObject) -> str:
    if p["type"] == "verification_flow":
        del p["verification_flow"]  # a flow's session that names no flow
    else:
        p["verification_flow"] = "vf_" + "X" * 24  # a flow named on a session of another type
    return "/verification_flow"


def _report_of(p: Payload) -> Payload:
    report = p["last_verification_report"]
    assert isinstance(report, dict)
    return report


def _check_options(p: Payload, data: st.DataObject) -> str:
    check = data.draw(st.sampled_from(["email", "phone"]))
    asked = ((p.get("options") or {}).get(check) or {}).get("require_verification") is True
    if asked:
        del _report_of(p)[check]  # asked for, not there
    else:
        _report_of(p)[check] = {"status": "verified", "error": None}  # there, not asked for
    return f"/last_verification_report/{check}"


def _check_outcome(p: Payload, data: st.DataObject) -> str:
    check = data.draw(st.sampled_from(["email", "phone"]))
    p.setdefault("options", {})
    p["options"] = {**(p["options"] or {}), check: {"require_verification": True}}
    report = _report_of(p)
    if p["status"] == "verified":  # a verified session's check did not pass
        report[check] = {"status": "unverified", "error": {"code": None, "reason": None}}
        return f"/last_verification_report/{check}/status"
    code = f"{check}_verification_declined"  # failed on it, but it passed
    p["last_error"] = {"code": code, "reason": None}
    report[check] = {"status": "verified", "error": None}
    return f"/last_verification_report/{check}/status"


not_verified = ["requires_input", "processing", "canceled"]
#: code → (what to draw, the mutation, the model the payload is validated as).
MUTATORS: dict[str, tuple[st.SearchStrategy[Payload], Mutator, str]] = {
    "wrong_object_tag": (verification_sessions(), _mutate(_wrong_tag), SESSION),
    "unknown_enum_value": (
        verification_sessions(status=["requires_input", "processing"]),
        _mutate(_unknown_status),
        SESSION,
    ),
    "id_prefix": (verification_sessions(), _mutate(_id_prefix), SESSION),
    "stored_secret": (
        verification_sessions(status=["verified", "canceled"]),
        _mutate(_stored_secret),
        SESSION,
    ),
    "error_on_verified": (
        verification_sessions(status="verified"),
        _mutate(_error_on_verified),
        SESSION,
    ),
    "unverified_outputs": (
        verification_sessions(status=not_verified, redacted=False),
        _mutate(_unverified_outputs),
        SESSION,
    ),
    "redaction_incomplete": (
        verification_sessions(redacted=True),
        _mutate(_redaction_incomplete),
        SESSION,
    ),
    "unknown_type": (verification_reports(type="document"), _mutate(_unknown_type), REPORT),
    "options_type_mismatch": (
        verification_sessions(type="document", expanded=False),
        _mutate(_options_type_mismatch),
        SESSION,
    ),
    "report_session_mismatch": (
        verification_sessions(expanded=True),
        _mutate(_report_session_mismatch),
        SESSION,
    ),
    "report_type_mismatch": (
        verification_sessions(expanded=True, redacted=False, type="document"),
        _mutate(_report_type_mismatch),
        SESSION,
    ),
    "missing_check": (verification_reports(type="document"), _mutate(_missing_check), REPORT),
    "unknown_check_status": (
        verification_reports(type="id_number"),
        _mutate(_unknown_check_status),
        REPORT,
    ),
    "unverified_without_error": (
        verification_reports(verified=True),
        _mutate(_unverified_without_error),
        REPORT,
    ),
    "invalid_date": (verification_reports(redacted=False), _mutate(_invalid_date), REPORT),
    "verification_flow_mismatch": (
        verification_sessions(expanded=False),
        _mutate(_verification_flow),
        SESSION,
    ),
    "check_options_mismatch": (
        verification_sessions(expanded=True, redacted=False, type="document"),
        _mutate(_check_options),
        SESSION,
    ),
    "check_outcome_mismatch": (
        verification_sessions(
            expanded=True, redacted=False, type="document", status=["verified", "requires_input"]
        ),
        _mutate(_check_outcome),
        SESSION,
    ),
}


def test_every_payload_rule_has_a_mutator() -> None:
    """No rule of one payload goes without its mutator."""
    assert {rule.code for rule in RULES} == set(MUTATORS)


@pytest.mark.parametrize("code", sorted(MUTATORS))
@settings(max_examples=30)
@given(data=st.data())
def test_mutation_is_reported_exactly(code: str, data: st.DataObject) -> None:
    """The mutated payload has issues of that code only, one at the mutated path; the oracle
    objects too, and the compiled fast path refuses it."""
    strategy, mutate, key = MUTATORS[code]
    payload, where = mutate(data.draw(strategy), data)
    report = validate(payload, key)
    found = {(issue.code, issue.path) for issue in report.issues}
    assert (code, where) in found, [str(i) for i in report.issues]
    assert {c for c, _ in found} == {code}, [str(i) for i in report.issues]
    compiled = default_validator().compiled(key)
    residual = compiled.residual(payload) if compiled.residual else False
    assert not compiled.is_clean(payload) or residual
    if code not in ("wrong_object_tag", "unknown_enum_value"):
        problems = (session_problems if key == SESSION else report_problems)(payload)
        assert problems, f"the oracle sees nothing wrong after {code}"
    for mode in ("strict", "lenient"):
        again = validate(payload, key, mode=mode)  # type: ignore[arg-type]
        assert (code, where) in {(i.code, i.path) for i in again.issues}
