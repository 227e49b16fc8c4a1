"""stripe-schemas sample: deterministic, fast, valid, and covering every class of session."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from _oracle import report_problems, session_problems

from stripe_schemas.cli import main

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"


def sample(tmp_path: Path, *args: str, name: str = "out.ndjson") -> tuple[Path, list[Any]]:
    out = tmp_path / name
    assert main(["sample", *args, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data == b"" or data.endswith(b"\n")
    return out, [json.loads(line) for line in data.split(b"\n")[:-1]]  # one object a line


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    """The same seed gives the same output; another seed another one."""
    first, _ = sample(tmp_path, SESSION, "--count", "40", "--seed", "11", name="a.ndjson")
    again, _ = sample(tmp_path, SESSION, "--count", "40", "--seed", "11", name="b.ndjson")
    other, _ = sample(tmp_path, SESSION, "--count", "40", "--seed", "12", name="c.ndjson")
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()


def test_400_draws_are_valid_and_cover_every_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """400 unfiltered draws: strict validate finds nothing, every status, ≥10% expanded
    reports, ≥5% redacted sessions, and the oracle agrees (speed: ``python -m bench``)."""
    out, sessions = sample(tmp_path, SESSION, "--count", "400", "--seed", "2024")
    assert len(sessions) == 400
    capsys.readouterr()
    assert main(["validate", "--mode", "strict", str(out)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert (
        summary
        == "400 records: 400 valid, 0 invalid, 0 unreadable (0 errors, 0 warnings, 0 notices)"
    )
    seen = Counter(s["status"] for s in sessions)
    assert set(seen) == {"requires_input", "processing", "verified", "canceled"}
    expanded = sum(isinstance(s.get("last_verification_report"), dict) for s in sessions)
    redacted = sum((s.get("redaction") or {}).get("status") == "redacted" for s in sessions)
    assert expanded >= 40 and redacted >= 20, (expanded, redacted)
    assert all(session_problems(s, now=1_735_689_600) == [] for s in sessions)
    assert all(1_609_459_200 <= s["created"] <= 1_735_689_600 for s in sessions)


def test_filters(tmp_path: Path) -> None:
    """--status, --expanded, --redacted, --type and --livemode narrow every draw."""
    _, verified = sample(
        tmp_path,
        SESSION,
        "--count",
        "30",
        "--status",
        "verified",
        "--expanded",
        "--type",
        "id_number",
    )
    assert all(s["status"] == "verified" and s["type"] == "id_number" for s in verified)
    assert all(s["last_verification_report"]["verification_session"] == s["id"] for s in verified)
    _, redacted = sample(tmp_path, SESSION, "--count", "30", "--redacted", "--no-livemode")
    assert all(s["redaction"]["status"] == "redacted" and not s["livemode"] for s in redacted)
    _, several = sample(
        tmp_path, SESSION, "--count", "30", "--status", "processing", "--status", "canceled"
    )
    assert {s["status"] for s in several} <= {"processing", "canceled"}
    _, reports = sample(tmp_path, REPORT, "--count", "30", "--redacted")
    assert all(report_problems(r) == [] and "[redacted]" in json.dumps(r) for r in reports)


def test_count_zero_writes_nothing(tmp_path: Path) -> None:
    """--count 0 is an empty file."""
    out, items = sample(tmp_path, SESSION, "--count", "0")
    assert items == [] and out.read_bytes() == b""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([SESSION, "--status", "processing", "--redacted"], "redacted session has status"),
        ([REPORT, "--status", "verified"], "sessions only"),
    ],
)
def test_impossible_requests_are_one_line_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A request no session can satisfy exits 2 with one line, no traceback."""
    assert main(["sample", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown models and negative counts are usage errors."""
    for args in (["sample", "customer"], ["sample", SESSION, "--count", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 2


def test_sample_needs_no_hypothesis(tmp_path: Path) -> None:
    """The sampler's generators run without hypothesis installed (a seeded random.Random)."""
    import subprocess
    import sys

    out = tmp_path / "s.ndjson"
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from stripe_schemas.cli import main\n"
        f"sys.exit(main(['sample', {SESSION!r}, '--count', '3', '-o', {str(out)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(out.read_bytes().split(b"\n")) == 4
