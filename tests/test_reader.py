"""The streaming reader: every layout, every kind of damage, limits, and memory that stays flat."""

from __future__ import annotations

import copy
import gzip
import io
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.payloads import PAYLOADS
from stripe_schemas.io import NOTHING, Batch, Reader, Record, Stop, read_text, sniff

BASE = list(PAYLOADS.values())
ROWS = [copy.deepcopy(BASE[i % len(BASE)]) for i in range(20)]


def items(data: bytes, **options: Any) -> list[Record | Stop]:
    """What the reader yields, one record at a time (a batch of JSON Lines opened up)."""
    out: list[Record | Stop] = []
    for item in Reader(io.BytesIO(data), size=len(data), **options):
        out.extend(item.records() if isinstance(item, Batch) else [item])
    return out


def damage(text: bytes, kind: str) -> bytes:
    """``text`` (one JSON object) damaged one way."""
    if kind == "missing brace":
        end = text.rindex(b"}")
        return text[:end] + text[end + 1 :]
    if kind == "extra brace":
        return text + b"}"
    if kind == "truncated string":
        start = text.index(b'"', text.index(b'"id"') + 5)
        return text[: start + 3] + text[text.index(b'"', start + 1) + 1 :]
    assert kind == "binary bytes"
    middle = len(text) // 2
    return text[:middle] + b"\x00\xff\xfe\x80\x01garbage" + text[middle:]


def pretty_array(parts: list[bytes]) -> bytes:
    return b"[\n" + b",\n".join(b"  " + p.replace(b"\n", b"\n  ") for p in parts) + b"\n]\n"


LAYOUTS: dict[str, tuple[Callable[[dict[str, Any]], bytes], Callable[[list[bytes]], bytes]]] = {
    "json lines": (lambda row: json.dumps(row).encode(), lambda parts: b"\n".join(parts) + b"\n"),
    "jq output": (
        lambda row: json.dumps(row, indent=2).encode(),
        lambda parts: b"\n".join(parts) + b"\n",
    ),
    "single-line array": (
        lambda row: json.dumps(row).encode(),
        lambda parts: b"[" + b",".join(parts) + b"]",
    ),
    "pretty array": (lambda row: json.dumps(row, indent=2).encode(), pretty_array),
}
KINDS = ["missing brace", "extra brace", "truncated string", "binary bytes"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_reads_every_record_with_its_line(layout: str) -> None:
    """20 records in each layout come out in order, with the line each starts on."""
    encode, join = LAYOUTS[layout]
    data = join([encode(row) for row in ROWS])
    found = items(data)
    assert [r.decoded.value for r in found if isinstance(r, Record)] == ROWS
    text = data.decode()
    for record in found:
        assert isinstance(record, Record)
        line_start = text.rfind("\n", 0, record.offset) + 1
        assert text.count("\n", 0, line_start) + 1 == record.line
        assert text[record.offset] in "{["


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_one_damaged_record_is_one_unreadable_record(layout: str, kind: str) -> None:
    """Damage to any one of 20 records: 20 records read, that one unreadable at its line, the
    other 19 decoded as written, and no stop."""
    encode, join = LAYOUTS[layout]
    for position in range(len(ROWS)):
        parts = [encode(row) for row in ROWS]
        parts[position] = damage(parts[position], kind)
        data = join(parts)
        found = items(data)
        assert not [i for i in found if isinstance(i, Stop)], (position, found[-1])
        records = [i for i in found if isinstance(i, Record)]
        values = [r.decoded.value for r in records]
        assert values == [NOTHING if i == position else row for i, row in enumerate(ROWS)]
        broken = records[position]
        assert broken.decoded.issues[0].code == "invalid_json"
        assert data[broken.offset : broken.offset + 1] in (b"{", b"[")
        assert broken.line == data.count(b"\n", 0, broken.offset) + 1


def test_documents_of_any_kind_one_after_another() -> None:
    """One document, documents on one line, scalars, JSON Lines with blank lines and CRLF."""
    data = b'{"a": 1} {"b": 2}\r\n\r\n[1, 2]\n"text"\n42\n{\n  "c": 3\n}\n'
    values = [r.decoded.value for r in items(data) if isinstance(r, Record)]
    assert values == [{"a": 1}, {"b": 2}, [1, 2], "text", 42, {"c": 3}]
    assert [r.line for r in items(data) if isinstance(r, Record)] == [1, 1, 3, 4, 5, 6]


def test_empty_input_has_no_records() -> None:
    """Empty and blank input give nothing to count (the CLI says 0 records)."""
    assert items(b"") == [] and items(b" \n\t\n") == [] and items(b"[]") == []


def test_a_byte_order_mark_is_skipped_and_utf16_is_refused() -> None:
    """A UTF-8 BOM is ignored; UTF-16 text is one clear unreadable record and a stop."""
    assert [r.decoded.value for r in items(b'\xef\xbb\xbf{"a": 1}')] == [{"a": 1}]  # type: ignore[union-attr]
    for data in ('{"a": 1}'.encode("utf-16"), '{"a": 1}'.encode("utf-16-be")):
        first, stop = items(data)
        assert isinstance(first, Record) and isinstance(stop, Stop)
        assert first.decoded.issues[0].message == (
            "not valid JSON: UTF-16 is not supported; convert to UTF-8"
        )


def test_a_nul_byte_is_binary_data_not_utf16() -> None:
    """A record that starts with (or holds) a NUL byte is called binary data, with its offset,
    and the records after it are read; only text with every other byte NUL is UTF-16."""
    data = b'\x00{"a": 1}\n{"b": 2}\n{"c": "x\x00y"}\n{"d": 4}\n'
    found = items(data)
    assert [r.decoded.value for r in found if isinstance(r, Record)] == [
        NOTHING,
        {"b": 2},
        NOTHING,
        {"d": 4},
    ]
    messages = [r.decoded.issues[0].message for r in found if r.decoded.issues]  # type: ignore[union-attr]
    assert messages == [
        "not valid JSON: binary data, not JSON text: a NUL byte at offset 0",
        "not valid JSON: binary data, not JSON text: a NUL byte at offset 8",
    ]
    for utf16 in ('{"a": 1}'.encode("utf-16-le"), '{"a": 1}'.encode("utf-16-be")):
        first, stop = items(utf16)
        assert isinstance(stop, Stop)
        assert "UTF-16 is not supported" in first.decoded.issues[0].message  # type: ignore[union-attr]


def test_binary_garbage_is_unreadable_and_reading_goes_on() -> None:
    """Random bytes between records are unreadable records; the records after them are read."""
    garbage = bytes(random.Random(7).randrange(256) for _ in range(3000)).replace(b"\n", b" ")
    data = json.dumps(ROWS[0]).encode() + b"\n" + garbage + b"\n" + json.dumps(ROWS[1]).encode()
    found = items(data)
    assert [r.decoded.value for r in found if isinstance(r, Record)] == [ROWS[0], NOTHING, ROWS[1]]


def test_a_record_over_the_limit_is_unreadable_and_the_next_is_read() -> None:
    """The size limit is per record: an oversized record is one input_limit, then reading goes on."""
    big = json.dumps({**ROWS[0], "metadata": {"k": "v" * 5000}}).encode()
    small = json.dumps(ROWS[1]).encode()
    for data in (
        small + b"\n" + big + b"\n" + small,
        b"[" + small + b"," + big + b"," + small + b"]",
    ):
        found = items(data, max_record_bytes=2000)
        values = [r.decoded.value for r in found if isinstance(r, Record)]
        assert values == [ROWS[1], NOTHING, ROWS[1]], data[:1]
        assert found[1].decoded.issues[0].code in ("input_limit", "invalid_json")  # type: ignore[union-attr]


def test_input_without_any_boundary_stops_with_bounded_memory() -> None:
    """NUL bytes forever (/dev/zero): one unreadable record, then a stop, reading a bounded amount."""

    class Zeros(io.RawIOBase):
        read_total = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            Zeros.read_total += len(buffer)
            buffer[:] = b"\x00" * len(buffer)
            return len(buffer)

    stream = io.BufferedReader(Zeros())
    found = list(Reader(stream, max_record_bytes=1 << 20))  # type: ignore[arg-type]
    assert [type(i).__name__ for i in found] == ["Record", "Stop"]
    assert found[1].issue.message == (  # type: ignore[union-attr]
        "stopped reading at line 1: the rest of the stream was not checked"
    )
    assert Zeros.read_total < 10 << 20


def test_a_stop_in_a_sized_stream_says_how_many_bytes_were_not_checked() -> None:
    """No place to go on within the skipping budget: the stop counts the bytes not checked."""
    head = b'[{"a": 1}, '
    data = head + b"x" * (5 * 4096) + b', {"b": 2}]'
    found = items(data, max_record_bytes=1024)
    assert [type(i).__name__ for i in found] == ["Record", "Record", "Stop"]
    stop = found[-1]
    assert isinstance(stop, Stop) and stop.unchecked == len(data) - len(head)
    assert found[1].decoded.issues[0].code == "input_limit"  # type: ignore[union-attr]


def test_damage_to_the_end_of_the_stream_is_one_unreadable_record() -> None:
    """A damaged last element with no end: one unreadable record up to the end, no stop."""
    found = items(b'[{"a": 1}, {"x": [1, {"y": 2}, junk junk')
    assert [r.decoded.value for r in found] == [{"a": 1}, NOTHING]  # type: ignore[union-attr]


def test_sniff_tells_where_records_may_start() -> None:
    """JSON Lines and jq output: documents; a pretty array: its element indentation."""
    assert sniff(b'{"a": 1}\n{"b": 2}\n').kind == "documents"
    assert sniff(b'[\n  {"a": 1},\n').indent == b"  "
    assert sniff(b'[{"a": 1}, {"b": 2}]').kind == "whole"
    assert sniff(b"\xff\xfe{\x00").kind == "whole"


def test_text_in_memory_reads_as_its_utf8_bytes() -> None:
    """read_text reads str and bytes alike; a lone surrogate in str is invalid UTF-8."""
    assert [r.decoded.value for r in read_text('{"é": 1}')] == [{"é": 1}]  # type: ignore[union-attr]
    (record,) = read_text('{"a": "\ud800"}')
    assert record.decoded.issues[0].message.startswith("not valid JSON: not UTF-8 text")  # type: ignore[union-attr]


# --- the command on whole files -------------------------------------------------------


def _cli(*args: str, stdin: Any = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stripe_schemas", "validate", *args],
        capture_output=True,
        text=True,
        stdin=stdin,
        timeout=timeout,
    )


def test_dev_zero_ends_with_one_line_and_exit_1() -> None:
    """`validate /dev/zero` reads a bounded amount, reports it, and ends: no hang, no traceback."""
    done = _cli("/dev/zero", "--max-record-size", "1MiB")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        "/dev/zero:1: /: error[input_limit] JSON beyond a limit: no end of the record within "
        "1048576 bytes (the record size limit)",
        "/dev/zero:1: /: error[invalid_json] stopped reading at line 1: the rest of the stream "
        "was not checked",
        "1 record: 0 valid, 0 invalid, 1 unreadable (1 error, 0 warnings, 0 notices); "
        "stopped early in 1 input",
    ]


def test_a_fifo_and_a_stream_on_stdin_are_read_as_they_come(tmp_path: Path) -> None:
    """A named pipe is read while its writer writes; so is standard input."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    line = (json.dumps(ROWS[0]) + "\n").encode()

    def write() -> None:
        with open(fifo, "wb") as pipe:
            for _ in range(1000):
                pipe.write(line)

    writer = threading.Thread(target=write)
    writer.start()
    done = _cli(str(fifo))
    writer.join()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1000 records: 1000 valid")
    done = subprocess.run(
        f"yes '{json.dumps(ROWS[0])}' | head -n 3000 | {sys.executable} -m stripe_schemas "
        "validate -",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.startswith("3000 records: 3000 valid"), done.stderr


def _peak_rss_kib(path: Path) -> int:
    """Peak resident memory (KiB) of a process that validates ``path``."""
    code = (
        "import resource, sys\n"
        "from stripe_schemas.cli import main\n"
        "code = main(['validate', '--quiet', sys.argv[1]])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300
    )
    peak, exit_code = done.stderr.split()[-2:]
    assert exit_code == "0", done.stdout[-500:]
    return int(peak)


@pytest.mark.slow
def test_memory_stays_flat_when_the_file_doubles_past_64_mib(tmp_path: Path) -> None:
    """A 70 MB dump (over the old 64 MiB whole-file limit) validates; its peak memory is that of
    a dump half its size, within 12 MiB (both gzip-compressed and plain)."""
    line = (json.dumps(BASE[2]) + "\n").encode()  # the largest payload of the set
    count = (70 << 20) // len(line) + 1
    small, large = tmp_path / "small.ndjson", tmp_path / "large.ndjson"
    small.write_bytes(line * (count // 2))
    large.write_bytes(line * count)
    assert large.stat().st_size > 64 << 20
    assert abs(_peak_rss_kib(large) - _peak_rss_kib(small)) < 12 * 1024
    packed = tmp_path / "large.ndjson.gz"
    packed.write_bytes(gzip.compress(large.read_bytes(), compresslevel=1))
    assert _peak_rss_kib(packed) - _peak_rss_kib(small) < 12 * 1024


def test_blank_lines_count_on_the_json_lines_path(tmp_path: Path) -> None:
    """Blank lines between JSON Lines records (the fast path) still count: each record, and
    each issue of the command, is on its own line."""
    data = b'{"a": 1}\n\n\n{"b": 2}\r\n\r\n{"c": 3}\n'
    records = [r for r in items(data) if isinstance(r, Record)]
    assert [(r.decoded.value, r.line) for r in records] == [
        ({"a": 1}, 1),
        ({"b": 2}, 4),
        ({"c": 3}, 6),
    ]
    from stripe_schemas.cli import main

    dump = tmp_path / "gaps.ndjson"
    valid = json.dumps(PAYLOADS["verified"])
    invalid = json.dumps({**PAYLOADS["verified"], "livemode": "no"})
    dump.write_text(f"{valid}\n\n{valid}\n\n\n{invalid}\n")
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert main(["validate", "--quiet", str(dump)]) == 1
    assert f"{dump}:6: /livemode: error[type_mismatch]" in out.getvalue()


@pytest.mark.parametrize(
    "number", [18446744073709551616, 18446744073709551617, -9223372036854775809, 10**30]
)
def test_integers_beyond_64_bits_are_read_exactly(number: int) -> None:
    """orjson reads an integer beyond 64 bits as a float (digits lost, no error); such input
    takes the standard library's decoder, so every entry point keeps the exact integer."""
    from stripe_schemas import io as jsonio
    from stripe_schemas.validation import validate

    text = b'{"object": "identity.verification_session", "created": %d}' % number
    assert jsonio.decode(text).value["created"] == number
    assert type(jsonio.decode(text).value["created"]) is int
    assert [r.decoded.value["created"] for r in items(text + b"\n" + text)] == [number, number]  # type: ignore[union-attr]
    report = validate(text)
    assert not [i for i in report.issues if i.path == "/created"]
