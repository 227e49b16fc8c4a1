"""The docs' webhook endpoint (examples/webhook_endpoint.py) runs and answers as documented."""

from __future__ import annotations

import json
import os
import re
import select
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.events import TEST_SECRET, body, event, session_event
from stripe_schemas.webhooks import signature_header

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "webhook_endpoint.py"
MARKER = "<!-- examples/webhook_endpoint.py -->"


def test_readme_shows_the_example_verbatim() -> None:
    """The code block after the webhook page's marker (docs/webhooks.md) is exactly the
    example file."""
    readme = (ROOT / "docs" / "webhooks.md").read_text(encoding="utf-8")
    found = re.search(re.escape(MARKER) + r"\n```python\n(.*?)```\n", readme, re.DOTALL)
    assert found is not None, "docs/webhooks.md lost its webhook endpoint example"
    assert found.group(1) == EXAMPLE.read_text(encoding="utf-8")


def _line(process: subprocess.Popen[bytes], timeout: float = 20.0) -> str:
    """The next line the endpoint prints (fails instead of hanging)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the example endpoint printed nothing"
    return process.stdout.readline().decode().rstrip("\n")


@pytest.fixture(scope="module")
def quarantine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the example keeps authentic deliveries that fail the checks."""
    return tmp_path_factory.mktemp("webhooks") / "quarantine"


@pytest.fixture(scope="module")
def endpoint(quarantine: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The example, started on 127.0.0.1 with a free port; stopped afterwards."""
    env = {
        **os.environ,
        "STRIPE_WEBHOOK_SECRET": TEST_SECRET,
        "PYTHONUNBUFFERED": "1",
        "QUARANTINE_DIR": str(quarantine),
    }
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        first = _line(process)
        assert first.startswith("listening on http://127.0.0.1:")
        yield first.removeprefix("listening on ").rstrip("/"), process
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def post(url: str, data: bytes, header: str | None) -> tuple[int, str]:
    request = urllib.request.Request(url + "/webhook", data=data, method="POST")
    if header is not None:
        request.add_header("Stripe-Signature", header)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_signed_session_event_is_handled(endpoint: tuple[str, subprocess.Popen[bytes]]) -> None:
    """A correctly signed delivery gets 200 and reaches the handler as a VerificationSession."""
    url, process = endpoint
    data = body(session_event("verified"))
    assert post(url, data, signature_header(data, TEST_SECRET)) == (200, "ok")
    session = session_event("verified")["data"]["object"]
    assert _line(process) == f"identity.verification_session.verified {session['id']} verified"


def kept(quarantine: Path) -> dict[str, Any]:
    """What the quarantine directory holds: file name → its record."""
    if not quarantine.exists():
        return {}
    return {p.name: json.loads(p.read_text()) for p in sorted(quarantine.iterdir())}


@pytest.mark.parametrize(
    ("change", "answer"),
    [
        ("tampered", (400, "signature refused: mismatch")),
        ("other secret", (400, "signature refused: mismatch")),
        ("no header", (400, "signature refused: no_header")),
    ],
)
def test_unauthentic_deliveries_are_refused(
    endpoint: tuple[str, subprocess.Popen[bytes]],
    quarantine: Path,
    change: str,
    answer: tuple[int, str],
) -> None:
    """Deliveries that fail verification get 400 with the reason; nothing reaches the handler
    and nothing is kept."""
    url, _ = endpoint
    before = kept(quarantine)
    data = body(session_event("verified"))
    header: str | None = signature_header(data, TEST_SECRET)
    if change == "tampered":
        data = data.replace(b"verified", b"canceled")
    elif change == "other secret":
        header = signature_header(data, "whsec_not_this_endpoint")
    else:
        header = None
    assert post(url, data, header) == answer
    assert kept(quarantine) == before


def _status_mismatch() -> bytes:
    """A `verified` event whose session says `canceled` (the lifecycle rule fails)."""
    payload = session_event("verified")
    payload["data"]["object"]["status"] = "canceled"
    return body(payload)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'{"object": "customer"}', "wrong_object_tag"),
        (b"not json at all", "invalid_json"),
        (_status_mismatch(), "event_status_mismatch"),
    ],
    ids=["not an event", "not JSON", "rule broken"],
)
def test_authentic_deliveries_that_fail_the_checks_are_acknowledged_and_kept(
    endpoint: tuple[str, subprocess.Popen[bytes]], quarantine: Path, data: bytes, code: str
) -> None:
    """An authentic delivery that is not a valid event gets 202 (Stripe stops retrying), never
    reaches the handler, and is kept aside byte for byte with its issues; the log line names
    only the file and the codes."""
    url, process = endpoint
    before = kept(quarantine)
    assert post(url, data, signature_header(data, TEST_SECRET)) == (202, "accepted for review")
    line = _line(process)
    new = {name: record for name, record in kept(quarantine).items() if name not in before}
    assert len(new) == 1
    ((name, record),) = new.items()
    assert record["body"] == data.decode()
    codes = {issue["code"] for issue in record["issues"] if issue["severity"] == "error"}
    assert code in codes
    assert line == f"quarantined {name}: {', '.join(sorted(codes))}"
    assert stat.S_IMODE(quarantine.stat().st_mode) == 0o700


def test_other_events_are_acknowledged(endpoint: tuple[str, subprocess.Popen[bytes]]) -> None:
    """An event about an object without a model is verified, acknowledged and not handled."""
    url, process = endpoint
    data = body(event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert post(url, data, signature_header(data, TEST_SECRET)) == (200, "ok")
    session_data = body(session_event("processing"))
    assert post(url, session_data, signature_header(session_data, TEST_SECRET))[0] == 200
    assert _line(process).startswith("identity.verification_session.processing ")
