"""``stripe-schemas validate``'s progress display, driven under a pseudo-terminal: it shows
whenever standard error is a terminal, with honest units, a total and an ETA, and never tears
the result lines."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from stripe_schemas.cli._validate import binary_size

from conftest import ROOT

SESSION = ROOT / "spec" / "examples" / "session_requires_input.json"
COMMAND = [sys.executable, "-m", "stripe_schemas", "validate"]
#: Every this many records one has a status outside the enum (a result line to print).
BAD_EVERY = 500


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines dump of a little over 1 MiB, with a few invalid records."""
    session = json.loads(SESSION.read_text())
    path = tmp_path_factory.mktemp("dump") / "sessions.jsonl"
    with path.open("w") as out:
        for index in range(2200):
            record = dict(session, status="bogus") if index % BAD_EVERY == 3 else session
            out.write(json.dumps(record) + "\n")
    assert path.stat().st_size > 1 << 20
    return path


def mib(size: int) -> str:
    """Oracle for the size shown: one decimal of a mebibyte."""
    return f"{size / (1024 * 1024):.1f} MiB"


def run_on_tty(args: list[str], *, same: bool, stdin: bytes | None = None) -> tuple[str, str]:
    """Run validate with standard error on a pseudo-terminal (120 columns) and standard output
    on the same terminal (``same``) or a pipe; what the terminal showed and what the pipe got."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    process = subprocess.Popen(
        [*COMMAND, *args],
        stdout=slave if same else subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        cwd=ROOT,
    )
    os.close(slave)
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    shown = bytearray()
    piped = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            assert ready, "the command stopped writing to the terminal"
            try:
                data = os.read(master, 65536)
            except OSError:  # the other side is closed: the command has exited
                break
            if not data:
                break
            shown += data
        if process.stdout is not None:
            piped = process.stdout.read()
            process.stdout.close()
        process.wait(timeout=60)
    finally:
        os.close(master)
    return shown.decode(), piped.decode()


def run_piped(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )


def test_the_bar_shows_when_only_stderr_is_a_terminal(dump: Path) -> None:
    """Output piped, standard error a terminal: the bar shows the share done, bytes of the total
    in MiB, an ETA and records per second; the piped output is exactly the quiet run's."""
    shown, piped = run_on_tty([str(dump)], same=False)
    size = dump.stat().st_size
    assert "100%|" in shown
    assert f"{mib(size)} / {mib(size)}" in shown  # all of it read, against the file's size
    assert "ETA " in shown and "records/s" in shown and "2,200 records" in shown
    assert "MB" not in shown.replace("MiB", "")
    expected = run_piped([str(dump), "--no-progress"])
    assert piped == expected.stdout
    assert "\r" not in piped and expected.stdout.count("/status: error[unknown_enum_value]") == 5


@pytest.mark.parametrize("flag", ["--no-progress", "--quiet"])
def test_no_progress_and_quiet_silence_it(dump: Path, flag: str) -> None:
    """--no-progress and --quiet: nothing of the display reaches the terminal."""
    shown, piped = run_on_tty([str(dump), flag], same=False)
    assert shown == ""
    assert piped.count("/status: error[unknown_enum_value]") == 5


def test_results_and_bar_share_a_terminal_cleanly(dump: Path) -> None:
    """Both streams on one terminal: each result line starts on a cleared line and ends with its
    newline, whole (the bar is cleared before and drawn again after)."""
    shown, _ = run_on_tty([str(dump)], same=True)
    expected = run_piped([str(dump), "--no-progress"]).stdout.splitlines()
    assert len(expected) == 6  # five issues and the summary
    for line in expected:
        assert "\r" + line + "\r\n" in shown, line
    assert "100%|" in shown


def test_progress_flag_shows_it_on_a_pipe(dump: Path) -> None:
    """--progress draws the display even when standard error is not a terminal."""
    done = run_piped([str(dump), "--progress"])
    assert f"{mib(dump.stat().st_size)} / {mib(dump.stat().st_size)}" in done.stderr
    assert "ETA " in done.stderr
    assert run_piped([str(dump)]).stderr == ""  # and not by default


def test_stdin_has_no_total(dump: Path) -> None:
    """Read from a pipe there is no size to count down to: bytes and rates, but no share or ETA."""
    shown, _ = run_on_tty(["-"], same=False, stdin=dump.read_bytes())
    assert mib(dump.stat().st_size) in shown and "records/s" in shown
    assert "ETA" not in shown and "%|" not in shown


def test_a_compressed_file_counts_its_bytes_on_disk(dump: Path, tmp_path: Path) -> None:
    """A gzip file is measured against its size on disk: the bar ends at exactly that."""
    packed = tmp_path / "sessions.jsonl.gz"
    packed.write_bytes(gzip.compress(dump.read_bytes()))
    size = packed.stat().st_size
    assert size < dump.stat().st_size // 10
    done = run_piped([str(packed), "--progress"])
    total = binary_size(size)
    assert f"{total} / {total}" in done.stderr and "100%|" in done.stderr


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (3 << 20, "3.0 MiB")],
)
def test_binary_size(count: int, text: str) -> None:
    """Sizes are in binary units with their binary names."""
    assert binary_size(count) == text
