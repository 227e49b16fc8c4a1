"""Memory stays bounded on hostile input: each case runs in its own process, and its peak
resident memory (the kernel's ``ru_maxrss`` of that process, started from a small launcher:
see ``_MEASURE``) must stay under a generous bound
that does not depend on the input's size. Nothing here measures time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.events import TEST_SECRET, body, session_event
from stripe_schemas.webhooks import signature_header

#: Far above what any of these processes needs (Python, the imports and one bounded buffer).
PEAK_BOUND = 300 * 1024 * 1024
ENV = "STRIPE_SCHEMAS_TEST_WHSEC"


#: Runs a command as its own child and writes that child's peak RSS (kilobytes) to a file.
#: The command is started from this small process, not from the test process: on Linux a
#: child's ``ru_maxrss`` counts the memory of the process it was forked from until it execs,
#: so a command started from a large test process would inherit that size.
_MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def run_measured(
    args: list[str], tmp_path: Path, *, stdin: str | None = None, env: dict[str, str] | None = None
) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak RSS in bytes) of a command run to its end."""
    out_path, err_path = tmp_path / "stdout", tmp_path / "stderr"
    peak_path = tmp_path / "peak"
    with (
        out_path.open("wb") as out,
        err_path.open("wb") as err,
        open(stdin or os.devnull, "rb") as source,
    ):
        process = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(peak_path), *args],
            stdin=source,
            stdout=out,
            stderr=err,
            env={**os.environ, **(env or {})},
            check=False,
        )
    peak = int(peak_path.read_text()) * 1024  # kilobytes on Linux
    return process.returncode, out_path.read_text(), err_path.read_text(), peak


def webhook_verify(
    path: str, tmp_path: Path, stdin: str | None = None
) -> tuple[int, str, str, int]:
    command = [sys.executable, "-m", "stripe_schemas", "webhook", "verify", "--secret-env", ENV]
    command += ["--signature", "t=1700000000,v1=00", path]
    return run_measured(command, tmp_path, stdin=stdin, env={ENV: TEST_SECRET})


def _refused_in_one_line(code: int, out: str, err: str) -> None:
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert "larger than 1048576 bytes" in err and "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("how", ["path", "stdin"])
def test_webhook_verify_stops_reading_dev_zero(tmp_path: Path, how: str) -> None:
    """``webhook verify /dev/zero`` (or ``- < /dev/zero``): one line, exit 2, bounded memory."""
    if how == "path":
        code, out, err, peak = webhook_verify("/dev/zero", tmp_path)
    else:
        code, out, err, peak = webhook_verify("-", tmp_path, stdin="/dev/zero")
    _refused_in_one_line(code, out, err)
    assert peak < PEAK_BOUND


def test_webhook_verify_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    """A 16 MiB and a 4 GiB input (sparse files) are refused after the same bounded read."""
    peaks = []
    for size in (16 << 20, 4 << 30):
        path = tmp_path / f"body-{size}"
        with path.open("wb") as file:
            file.truncate(size)
        code, out, err, peak = webhook_verify(str(path), tmp_path)
        _refused_in_one_line(code, out, err)
        peaks.append(peak)
    assert max(peaks) < PEAK_BOUND
    assert peaks[1] < peaks[0] + 32 * 1024 * 1024  # not proportional to the input


def test_webhook_verify_reads_a_body_at_the_limit(tmp_path: Path) -> None:
    """A body of exactly 1 MiB is read and verified (the limit is not off by one)."""
    event = session_event("verified")
    data = body(event)
    data += b" " * ((1 << 20) - len(data))  # JSON allows trailing whitespace
    path = tmp_path / "delivery.json"
    path.write_bytes(data)
    command = [sys.executable, "-m", "stripe_schemas", "webhook", "verify", "--secret-env", ENV]
    command += ["--signature", signature_header(data, TEST_SECRET), str(path)]
    code, out, err, _ = run_measured(command, tmp_path, env={ENV: TEST_SECRET})
    assert code == 0, err
    assert "signature ok" in out
    path.write_bytes(data + b" ")
    code, out, err, _ = run_measured(command, tmp_path, env={ENV: TEST_SECRET})
    _refused_in_one_line(code, out, err)


# -- the client: a 1 GiB response ---------------------------------------------------------

_CLIENT_SCRIPT = """
import sys
from stripe_schemas.client import Client, InvalidResponseError
with Client("sk_test_bounds", base_url=sys.argv[1], max_retries=0) as client:
    try:
        client.verification_sessions.retrieve("vs_1")
    except InvalidResponseError as error:
        print(error.issues[0].code, error.issues[0].message)
"""


@pytest.mark.parametrize("sized", [False, True])
def test_client_memory_is_bounded_on_a_1_gib_response(tmp_path: Path, sized: bool) -> None:
    """A server streaming 1 GiB of zeros (with or without a Content-Length): the client stops
    at its 64 MiB limit with an input_limit InvalidResponseError, in bounded memory."""
    from _stripe_server import RawServer

    size = 1 << 30
    length = f"Content-Length: {size}\r\n" if sized else "Connection: close\r\n"
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n".encode()
    zeros = bytes(1 << 20)
    server = RawServer(head, lambda: (zeros for _ in range(size // len(zeros))))
    url = server.start()
    try:
        code, out, err, peak = run_measured([sys.executable, "-c", _CLIENT_SCRIPT, url], tmp_path)
    finally:
        server.stop()
    assert code == 0, err
    assert out.startswith("input_limit the response body is larger than 67108864 bytes")
    assert peak < PEAK_BOUND


# -- specs: generate and diff read at most 64 MiB -------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("command", ["generate", "diff"])
def test_spec_reading_stops_at_64_mib(tmp_path: Path, command: str) -> None:
    """``generate --spec /dev/zero`` and ``diff /dev/zero /dev/zero``: one line, exit 2, after
    reading at most 64 MiB (a bounded peak, whatever the source's size)."""
    if command == "generate":
        args = ["generate", "--spec", "/dev/zero", "--out", str(tmp_path / "o"), "--package", "z"]
    else:
        args = ["diff", "/dev/zero", "/dev/zero"]
    code, _, err, peak = run_measured([sys.executable, "-m", "stripe_schemas", *args], tmp_path)
    assert code == 2
    assert err.strip() == "stripe-schemas: error: /dev/zero at /: larger than 64 MiB; not read"
    assert peak < PEAK_BOUND
    assert not (tmp_path / "o").exists()
