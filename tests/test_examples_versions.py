"""spec/examples holds payloads of every bundled API version: an event of each version whose
object is valid under that version's models, and 2026-shaped sessions and reports.

(That every file validates strictly with no issue, and that `validate spec/examples/` passes,
is tested in test_validation.py and test_cli_validate.py, over whatever files are there.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from stripe_schemas.model import BUNDLED, LATEST
from stripe_schemas.validation import validate

from conftest import ROOT

EXAMPLES = {
    path.name: json.loads(path.read_text()) for path in (ROOT / "spec/examples").glob("*.json")
}
EVENTS = {name: p for name, p in EXAMPLES.items() if p.get("object") == "event"}
OBJECTS = {name: p for name, p in EXAMPLES.items() if p.get("object") != "event"}


def _by_version() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for payload in EVENTS.values():
        found.setdefault(payload["api_version"], payload)
    return found


def test_an_event_of_every_bundled_version() -> None:
    """One verified-session event per bundled version (no more versions than bundled)."""
    by_version = _by_version()
    assert sorted(by_version) == sorted(BUNDLED)
    for payload in by_version.values():
        assert payload["type"] == "identity.verification_session.verified"
        assert payload["data"]["object"]["object"] == "identity.verification_session"


@pytest.mark.parametrize("version", sorted(BUNDLED))
def test_an_events_object_is_valid_under_its_own_version(version: str) -> None:
    """The object an event wraps is valid strictly when read as the event's version alone."""
    session = _by_version()[version]["data"]["object"]
    report = validate(session, api_version=version)
    assert report.ok and report.issues == (), report


def test_the_newest_events_object_is_newer_than_the_older_models() -> None:
    """The newest version's session carries fields the older models do not know: read as an
    older version it fails strictly on unknown fields only (its event must say its version)."""
    session = _by_version()[LATEST]["data"]["object"]
    for version in BUNDLED:
        if version != LATEST:
            codes = set(validate(session, api_version=version).codes())
            assert codes == {"unknown_field"}, (version, codes)


def test_the_examples_show_what_is_new_in_2026() -> None:
    """Sessions and reports of today's API: a verification flow, provided details with a
    related customer, a report with email and phone checks, and a failed phone check."""
    sessions = [p for p in OBJECTS.values() if p["object"] == "identity.verification_session"]
    reports = [p for p in OBJECTS.values() if p["object"] == "identity.verification_report"]
    expanded = [
        s["last_verification_report"]
        for s in sessions
        if isinstance(s.get("last_verification_report"), dict)
    ]
    assert any(s["type"] == "verification_flow" and s.get("verification_flow") for s in sessions)
    assert any(s.get("provided_details") and s.get("related_customer") for s in sessions)
    assert any("email" in r and "phone" in r for r in reports)
    assert any(
        s.get("last_error") and s["last_error"]["code"] == "phone_verification_declined"
        for s in sessions
    )
    assert any(r.get("phone", {}).get("status") == "unverified" for r in expanded)


#: The samples written for 2023-08-16, before the 2026 models: valid under both versions.
SHAPED_2023 = (
    "report_document.json",
    "report_id_number_unverified.json",
    "session_expanded_report.json",
    "session_redacted.json",
    "session_requires_input.json",
    "session_requires_input_after_error.json",
    "session_verified.json",
)


@pytest.mark.parametrize("name", sorted(OBJECTS), ids=sorted(OBJECTS))
def test_read_as_2023_a_sample_fails_only_on_what_2026_added(name: str) -> None:
    """Read as 2023-08-16, the 2023-shaped samples are valid; a 2026-shaped one fails there
    only on fields and a `type` that version does not have."""
    report = validate(OBJECTS[name], api_version="2023-08-16")
    if name in SHAPED_2023:
        assert report.ok and report.issues == (), report
    else:
        assert not report.ok and set(report.codes()) <= {"unknown_field", "unknown_type"}, report
