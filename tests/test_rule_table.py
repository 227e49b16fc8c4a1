"""The rule table is the one place a rule is written: every entry point applies what it says,
and no verdict depends on what was validated before (which schemas were compiled already)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.payloads import EXPANDED, REPORT, REQUIRES_INPUT, VERIFIED
from stripe_schemas import identity
from stripe_schemas.cli import main
from stripe_schemas.identity import SESSION
from stripe_schemas.rules import Check, Is, Present, Rule, Where
from stripe_schemas.strategies import (
    session_histories,
    verification_reports,
    verification_sessions,
)
from stripe_schemas.validation import Validator, validate, validate_history
from stripe_schemas.validation import _validator as validator_module

#: A rule the table does not have: a verified session names its last report.
NEW_CODE = "verified_without_report"
NEW_RULE = Rule(
    NEW_CODE,
    "error",
    "warning",
    "a verified session names its last verification report",
    checks=(
        Check(
            (SESSION,),
            "last_verification_report",
            Present(),
            "a verified session without its last verification report",
            when=Where("status", Is(("verified",))),
        ),
    ),
)
WITH_NEW_RULE = (*identity.RULES, NEW_RULE)
#: A verified session that breaks only the new rule.
NO_REPORT = {**VERIFIED, "last_verification_report": None}


def _verified_event(session: dict[str, Any], api_version: str) -> dict[str, Any]:
    """An ``identity.verification_session.verified`` event of ``api_version`` holding ``session``."""
    return {
        "id": "evt_1",
        "object": "event",
        "api_version": api_version,
        "created": 1700000000,
        "data": {"object": session},
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": None, "idempotency_key": None},
        "type": "identity.verification_session.verified",
    }


def _codes(report: Any) -> set[tuple[str, str, str]]:
    return {(i.code, i.path, i.severity) for i in report.issues}


def _forms(payload: dict[str, Any]) -> list[Any]:
    return [payload, json.dumps(payload), orjson.dumps(payload)]


def test_the_new_rule_is_not_in_the_table() -> None:
    """The payload is fine under the real table (so the test below sees the new rule only)."""
    for form in _forms(NO_REPORT):
        assert validate(form).issues == ()


def test_a_validator_applies_a_rule_added_to_its_table() -> None:
    """A rule added to a copy of the table is applied by a fresh and a warm validator, to a
    dict, text and bytes, in both modes, on the fast and the detailed path."""
    expected = {
        "strict": {(NEW_CODE, "/last_verification_report", "error")},
        "lenient": {(NEW_CODE, "/last_verification_report", "warning")},
    }
    warm = Validator(rules=WITH_NEW_RULE)
    for payload in (VERIFIED, EXPANDED, REQUIRES_INPUT, REPORT):
        warm.validate(payload)  # compiled, and its fast path filled
    for form in _forms(NO_REPORT):
        for mode in ("strict", "lenient"):
            fresh = Validator(rules=WITH_NEW_RULE)
            assert _codes(fresh.validate(form, mode=mode)) == expected[mode]  # type: ignore[arg-type]
            assert _codes(warm.validate(form, mode=mode)) == expected[mode]  # type: ignore[arg-type]
    detailed = {**NO_REPORT, "zz_unknown": 1}  # a schema error too: the detailed path
    assert (NEW_CODE, "/last_verification_report", "error") in _codes(warm.validate(detailed))
    assert warm.validate(VERIFIED).issues == ()  # a verified session with its report is fine


@pytest.fixture
def table_with_new_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's table with the new rule, and a default validator built from it."""
    monkeypatch.setattr(identity, "RULES", WITH_NEW_RULE)
    monkeypatch.setattr(validator_module, "_default", None)


@pytest.mark.usefixtures("table_with_new_rule")
def test_every_entry_point_applies_a_rule_added_to_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the one table edited, validate(), validate_history(), an event's object and the
    command line all report the new rule: nothing else had to change."""
    assert NEW_CODE in validate(NO_REPORT).codes()
    assert NEW_CODE in validate(orjson.dumps(NO_REPORT)).codes()
    history = validate_history([{**REQUIRES_INPUT, "id": NO_REPORT["id"]}, NO_REPORT])
    assert NEW_CODE in history.codes()
    event = _verified_event(NO_REPORT, "2023-08-16")
    assert (NEW_CODE, "/data/object/last_verification_report", "error") in _codes(validate(event))
    dump = tmp_path / "sessions.ndjson"
    dump.write_bytes(orjson.dumps(VERIFIED) + b"\n" + orjson.dumps(NO_REPORT) + b"\n")
    code = main(["validate", str(dump)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{dump}:2: /last_verification_report: error[{NEW_CODE}]" in out


@pytest.mark.parametrize("api_version", ["2023-08-16", "2026-09-30.endive"])
def test_a_validator_keeps_its_rules_on_events_of_every_bundled_version(api_version: str) -> None:
    """A Validator built with its own rule table hands an event of another bundled version to
    a sibling with the *same* table: the added rule is reported whatever the event's version,
    and the default validator (the shipped table) still does not know it."""
    event = _verified_event(NO_REPORT, api_version)
    custom = Validator(rules=WITH_NEW_RULE)
    assert NEW_CODE in custom.validate(event).codes()
    assert NEW_CODE not in validate(event).codes()
    assert NEW_CODE in custom.validate(event).codes()  # the order of calls changes nothing


def test_loads_stays_schema_only() -> None:
    """``loads``/``structure`` check the schema, not the Identity rules (a documented split):
    the payload that breaks only a rule structures."""
    from stripe_models.identity import VerificationSession
    from stripe_schemas import loads

    broken = {**VERIFIED, "client_secret": "vs_1_secret_x"}  # a rule (stored_secret), not a type
    assert loads(orjson.dumps(broken), VerificationSession).client_secret == "vs_1_secret_x"
    assert "stored_secret" in validate(broken).codes()


# --- verdicts do not depend on what ran before -----------------------------------------------

#: Values that break rules or the schema when put somewhere in a payload.
_VALUES = st.sampled_from(
    [None, "", "[redacted]", "x", "vs_other", "vr_other", 0, 32, 1.5, True, {}, [], {"k": "v"}]
)


@st.composite
def _mutated(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A rule-respecting draw, then maybe one value replaced somewhere inside it."""
    payload = copy.deepcopy(draw(base))
    if draw(st.booleans()):
        return payload
    holders: list[dict[str, Any]] = []
    todo: list[Any] = [payload]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            holders.append(node)
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    holder = draw(st.sampled_from(holders))
    keys = sorted(holder) or ["zz_new"]
    holder[draw(st.sampled_from([*keys, "zz_new"]))] = draw(_VALUES)
    return payload


_PAYLOADS = st.one_of(
    _mutated(verification_sessions()),
    _mutated(verification_reports()),
    _mutated(session_histories(events=True).map(lambda items: items[-1])),
)
#: A validator that has validated everything before (its fast-path table full).
_WARM = Validator()
for _payload in (VERIFIED, EXPANDED, REQUIRES_INPUT, REPORT):
    _WARM.validate(_payload)


@settings(max_examples=60)
@given(payload=_PAYLOADS, mode=st.sampled_from(["strict", "lenient"]), form=st.integers(0, 2))
def test_a_fresh_and_a_warm_validator_give_the_same_report(
    payload: dict[str, Any], mode: str, form: int
) -> None:
    """Sessions, reports and events, valid or with one value replaced, as a dict, text or
    bytes: a validator that compiles on this call and one compiled long ago give the same
    issues (codes, pointers, severities, messages), as does a second call."""
    value = _forms(payload)[form]
    fresh = Validator().validate(value, mode=mode)  # type: ignore[arg-type]
    warm = _WARM.validate(value, mode=mode)  # type: ignore[arg-type]
    assert fresh.issues == warm.issues
    assert _WARM.validate(value, mode=mode).issues == warm.issues  # type: ignore[arg-type]


# --- the screen in front of the probes ------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_screen_passes_exactly_when_every_probe_does(data: st.DataObject) -> None:
    """All probes in one schema screen them on the detailed path: it passes a payload exactly
    when each probe does, so skipping the probes behind it loses no finding. Realistic
    sessions and reports, with one or two values replaced (rule-breaking ones included)."""
    from stripe_schemas.strategies import mutations, verification_reports, verification_sessions

    base = data.draw(
        st.one_of(verification_sessions(now=1_790_000_000), verification_reports(now=1_790_000_000))
    )
    payload, _ = data.draw(mutations(base))
    if data.draw(st.booleans()):
        payload, _ = data.draw(mutations(payload))
    rules = Validator().compiled(str(base["object"])).rules
    assert rules is not None and rules.screens is not None
    expected = [probe for probe in rules.probes if not probe.is_valid(payload)]
    assert rules.screens.is_valid(payload) == (not expected)
    assert rules.screens.failing(payload) == expected


def test_a_sibling_hands_an_event_of_the_newest_version_back_to_the_default() -> None:
    """The 2023-08-16 validator, given an event of 2026-09-30.endive, uses the default
    validator (one validator per document and rule table, not a second copy)."""
    from stripe_schemas.model import LATEST
    from stripe_schemas.validation import default_validator, validator_for_version

    older = validator_for_version("2023-08-16")
    assert older is not default_validator()
    back, notice = older.for_event({"object": "event", "api_version": LATEST})
    assert back is default_validator() and notice is None
    again, _ = default_validator().for_event({"object": "event", "api_version": "2023-08-16"})
    assert again is older
