"""``stripe-schemas webhook verify``: exit codes, output, and no secret in anything printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.events import TEST_SECRET, body, session_event
from stripe_schemas.cli import main
from stripe_schemas.webhooks import signature_header

ENV = "STRIPE_SCHEMAS_TEST_WHSEC"
CANARY_SECRET = "whsec_CANARY0000000000000000000000"


def write(tmp_path: Path, payload: dict[str, Any] | bytes, name: str = "delivery.json") -> Path:
    path = tmp_path / name
    path.write_bytes(payload if isinstance(payload, bytes) else body(payload))
    return path


def run_main(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    secret: str | None = TEST_SECRET,
) -> tuple[int, str, str]:
    if secret is None:
        monkeypatch.delenv(ENV, raising=False)
    else:
        monkeypatch.setenv(ENV, secret)
    code = main(["webhook", "verify", "--secret-env", ENV, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_delivery_prints_id_type_and_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A signed, valid event: exit 0, one line with the id, type and 'valid'."""
    path = write(tmp_path, session_event("verified"))
    header = signature_header(path.read_bytes(), TEST_SECRET)
    code, out, err = run_main(monkeypatch, capsys, ["--signature", header, str(path)])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}: signature ok")
    assert lines[-1] == (
        f"{path}: evt_bench000000000000000001 identity.verification_session.verified: "
        "valid (0 errors, 0 warnings, 0 notices)"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [("body", "mismatch"), ("secret", "mismatch"), ("stale", "too_old"), ("v0", "no_signature")],
)
def test_refused_signatures_exit_1_with_the_reason(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: str,
    reason: str,
) -> None:
    """A tampered body, another secret, a stale timestamp or v0 only: exit 1, the reason shown."""
    data = body(session_event("verified"))
    header = signature_header(data, TEST_SECRET)
    secret = TEST_SECRET
    if change == "body":
        data += b"\n"
    elif change == "secret":
        secret = "whsec_another_one"
    elif change == "stale":
        header = signature_header(data, TEST_SECRET, timestamp=1_000_000_000)
    else:
        header = header.replace("v1=", "v0=")
    path = write(tmp_path, data)
    code, out, _ = run_main(monkeypatch, capsys, ["--signature", header, str(path)], secret)
    assert code == 1
    assert out.startswith(f"{path}: signature refused [{reason}]: ")
    assert len(out.splitlines()) == 1


def test_tolerance_zero_accepts_an_old_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--tolerance 0 turns the age check off (as in the library)."""
    path = write(tmp_path, session_event("verified"))
    header = signature_header(path.read_bytes(), TEST_SECRET, timestamp=1_000_000_000)
    args = ["--signature", header, "--tolerance", "0", str(path)]
    assert run_main(monkeypatch, capsys, args)[0] == 0


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"not json", "invalid_json"), (b'{"object": "event"}', "missing_required")],
)
def test_verified_but_bad_payloads_exit_1(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    code: str,
) -> None:
    """A correctly signed body that is not JSON, or not a valid event: exit 1, issues listed."""
    path = write(tmp_path, data)
    header = signature_header(data, TEST_SECRET)
    status, out, _ = run_main(monkeypatch, capsys, ["--signature", header, str(path)])
    assert status == 1
    assert f"error[{code}]" in out
    assert out.splitlines()[-1].startswith(f"{path}: - -: invalid (")  # no id, no type


def test_strict_and_lenient_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An envelope field newer than the models: a notice by default, an error with --mode strict."""
    payload = {**session_event("verified"), "delivery_region": "eu"}
    path = write(tmp_path, payload)
    header = signature_header(path.read_bytes(), TEST_SECRET)
    code, out, _ = run_main(monkeypatch, capsys, ["--signature", header, str(path)])
    assert code == 0 and "notice[unknown_field]" in out and "valid (0 errors" in out
    code, out, _ = run_main(
        monkeypatch, capsys, ["--signature", header, "--mode", "strict", str(path)]
    )
    assert code == 1 and "error[unknown_field]" in out


@pytest.mark.parametrize("problem", ["unset", "empty", "missing file", "directory", "tolerance"])
def test_bad_usage_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    problem: str,
) -> None:
    """An unset or empty variable, an unreadable file, a bad tolerance: exit 2, one line."""
    path = write(tmp_path, session_event("verified"))
    header = signature_header(path.read_bytes(), TEST_SECRET)
    args = ["--signature", header, str(path)]
    secret: str | None = TEST_SECRET
    if problem == "unset":
        secret = None
    elif problem == "empty":
        secret = ""
    elif problem == "missing file":
        args[-1] = str(tmp_path / "nope.json")
    elif problem == "directory":
        args[-1] = str(tmp_path)
    if problem == "tolerance":
        with pytest.raises(SystemExit) as exited:
            run_main(monkeypatch, capsys, ["--tolerance", "-5", *args], secret)
        assert exited.value.code == 2
        return
    code, out, err = run_main(monkeypatch, capsys, args, secret)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("stripe-schemas webhook verify: ")


def test_json_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json writes one object per delivery: signature, id, type, ok and issues."""
    path = write(tmp_path, session_event("verified"))
    header = signature_header(path.read_bytes(), TEST_SECRET)
    code, out, _ = run_main(
        monkeypatch, capsys, ["--signature", header, "--format", "json", str(path)]
    )
    result = json.loads(out)
    assert code == 0
    assert result["signature"] == "ok" and result["ok"] is True and result["issues"] == []
    assert result["type"] == "identity.verification_session.verified"
    code, out, _ = run_main(
        monkeypatch, capsys, ["--signature", "t=1,v1=00", "--format", "json", str(path)]
    )
    assert code == 1 and json.loads(out)["signature"] == "mismatch"


# -- as a real process, with canaries -----------------------------------------------------


def _process(
    args: list[str], secret: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, ENV: secret}
    command = [
        sys.executable,
        "-m",
        "stripe_schemas",
        "webhook",
        "verify",
        "--secret-env",
        ENV,
        *args,
    ]
    return subprocess.run(
        command, input=stdin, capture_output=True, env=env, timeout=60, check=False
    )


def test_subprocess_from_stdin_and_file(tmp_path: Path) -> None:
    """The installed command verifies a delivery from standard input and from a file."""
    data = body(session_event("verified"))
    header = signature_header(data, TEST_SECRET)
    done = _process(["--signature", header, "-"], TEST_SECRET, stdin=data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines()[-1].startswith("<stdin>: evt_bench")
    path = write(tmp_path, data)
    refused = _process(["--signature", header, str(path)], "whsec_wrong")
    assert refused.returncode == 1
    assert b"signature refused [mismatch]" in refused.stdout


def test_subprocess_never_prints_secrets(tmp_path: Path) -> None:
    """Neither the webhook secret, the signature, nor the session's secrets are ever printed."""
    event = session_event("requires_input")
    session = event["data"]["object"]
    session.update(client_secret="CANARY_client_secret", url="https://CANARY.invalid/verify")
    event["created"] = "CANARY_created"  # an error in the event, next to the secrets
    event["request"] = {"id": "req_CANARY", "idempotency_key": "CANARY-key"}
    data = body(event)
    header = signature_header(data, CANARY_SECRET)
    path = write(tmp_path, data)
    outputs = []
    for secret in (CANARY_SECRET, CANARY_SECRET + "x"):  # accepted, then refused
        for fmt in ("text", "json"):
            done = _process(["--signature", header, "--format", fmt, str(path)], secret)
            assert done.returncode == 1
            outputs.append(done.stdout + done.stderr)
    signature = header.split("v1=")[1]
    for shown in outputs:
        assert b"CANARY" not in shown
        assert signature[:12].encode() not in shown
    assert b"/created: error[type_mismatch]" in outputs[0]
    assert b"signature refused [mismatch]" in outputs[2]
