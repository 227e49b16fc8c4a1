"""Stored payloads at scale: ``stripe-schemas validate`` on a dump, beside a naive loop.

The dump is written at bench time: JSON Lines of the shared payload set
(``bench/payloads.py``), repeated to ``RECORDS`` records. In the same rounds,
each implementation reads the whole file:

- **naive loop**: ``for line in file: jsonschema_rs.is_valid(orjson.loads(line))``
  with the strict schema: no invariants, no line numbers, no report, one layout
  (JSON Lines only), no limits;
- **stripe-schemas validate** (in this process, output to /dev/null): the streaming
  reader (any layout, resync, per-record limit), the strict schema *and* the
  Stripe Identity invariants, per-record accounting;
- the same with ``--jobs 2``.

Peak memory is measured in child processes on the dump and on one twice its size.
``validate(bytes)`` is timed against ``orjson.loads`` + ``validate(dict)`` per payload.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._timing import fmt_time, interleaved
from bench.payloads import PAYLOADS, strict_schema

X = "\u00d7"  # the multiplication sign of ratios
RECORDS = 240_000
ROUNDS = 5
SESSION = "identity.verification_session"


def write_dump(path: Path, records: int) -> None:
    import orjson

    lines = [orjson.dumps(p) + b"\n" for p in PAYLOADS.values()]
    block = b"".join(lines) * 1000
    per_block = len(lines) * 1000
    with open(path, "wb") as out:
        for _ in range(records // per_block):
            out.write(block)
        out.write(b"".join(lines[i % len(lines)] for i in range(records % per_block)))


def _naive(path: Path) -> Callable[[], int]:
    import jsonschema_rs
    import orjson

    schema = strict_schema(SESSION)
    valid = jsonschema_rs.validator_for(schema).is_valid
    loads = orjson.loads

    def run() -> int:
        count = 0
        with open(path, "rb") as file:
            for line in file:
                if valid(loads(line)):
                    count += 1
        return count

    return run


def _ours(path: Path, *options: str) -> Callable[[], int]:
    from stripe_schemas.cli import main

    def run() -> int:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            return main(["validate", "--quiet", *options, str(path)])

    return run


def _spin(count: int) -> int:
    total = 0
    for i in range(count):
        total += i
    return total


def _busy(processes: int) -> Callable[[], int]:
    """The machine's own ceiling: ``processes`` processes each running the same pure-Python
    loop (about 0.5 s on one core). Timed with the rest, it shows what two cores gave in
    those rounds."""
    import multiprocessing

    def run() -> int:
        if processes == 1:
            _spin(SPIN)
            return 0
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_spin, [SPIN] * processes)
        return 0

    return run


SPIN = 8_000_000


def _peak_rss_mib(path: Path) -> float:
    code = (
        "import resource, sys\n"
        "from stripe_schemas.cli import main\n"
        "import contextlib, os\n"
        "with open(os.devnull, 'w') as sink, contextlib.redirect_stdout(sink):\n"
        "    main(['validate', '--quiet', sys.argv[1]])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1]) / 1024


def run() -> str:
    lines = ["## Stored payloads at scale (`python -m bench stream`)", ""]
    with tempfile.TemporaryDirectory(prefix="stripe-bench-") as scratch:
        dump = Path(scratch) / "dump.ndjson"
        write_dump(dump, RECORDS)
        size_mb = dump.stat().st_size / 1e6
        implementations = {
            "naive loop (orjson + jsonschema-rs is_valid)": _naive(dump),
            "stripe-schemas validate": _ours(dump),
            "stripe-schemas validate --jobs 2": _ours(dump, "--jobs", "2"),
        }
        ceiling = {"one process": _busy(1), "two processes": _busy(2)}
        spins: dict[str, list[float]] = {name: [] for name in ceiling}
        samples: dict[str, list[float]] = {name: [] for name in implementations}
        for _ in range(ROUNDS):
            for name, fn in implementations.items():
                start = time.perf_counter()
                result = fn()
                samples[name].append(time.perf_counter() - start)
                assert result in (0, RECORDS), (name, result)  # exit 0, or every record valid
            for name, fn in ceiling.items():
                start = time.perf_counter()
                fn()
                spins[name].append(time.perf_counter() - start)
        medians = {name: statistics.median(times) for name, times in samples.items()}
        naive = medians["naive loop (orjson + jsonschema-rs is_valid)"]
        lines += [
            f"Dump: {RECORDS:,} records of JSON Lines ({size_mb:.0f} MB), written at bench time; "
            f"medians of {ROUNDS} rounds, every implementation once per round.",
            "",
            "| implementation | median | records/s | vs naive loop |",
            "|---|---:|---:|---:|",
        ]
        for name, seconds in medians.items():
            lines.append(
                f"| {name} | {fmt_time(seconds)} | {RECORDS / seconds:,.0f} | "
                f"{seconds / naive:.2f}{X} |"
            )
        one, two = medians["stripe-schemas validate"], medians["stripe-schemas validate --jobs 2"]
        speedup = (
            2 * statistics.median(spins["one process"]) / statistics.median(spins["two processes"])
        )
        double = Path(scratch) / "double.ndjson"
        write_dump(double, 2 * RECORDS)
        rss_one, rss_two = _peak_rss_mib(dump), _peak_rss_mib(double)
        lines += [
            "",
            f"Peak memory (RSS) of `stripe-schemas validate`: {rss_one:.0f} MiB on the dump, "
            f"{rss_two:.0f} MiB on a dump twice its size ({2 * size_mb:.0f} MB).",
            "",
            "Targets:",
            "",
            f"- ≥ 100,000 valid records/s on one core: {RECORDS / one:,.0f}/s "
            f"{'✓' if RECORDS / one >= 100_000 else '✗'}",
            f"- ≤ 1.5{X} the naive loop: {one / naive:.2f}{X} {'✓' if one / naive <= 1.5 else '✗'}",
            f"- --jobs 2 ≥ 1.6{X} faster than --jobs 1: {one / two:.2f}{X} "
            f"{'✓' if one / two >= 1.6 else '✗'} (in the same rounds, two processes running a "
            f"pure-Python loop each took {speedup:.2f}{X} less time than running both loops in "
            "one: the most two cores gave here)",
            f"- peak RSS under 150 MB and flat when the file doubles: {rss_one:.0f} → "
            f"{rss_two:.0f} MiB {'✓' if max(rss_one, rss_two) * 1.048576 < 150 and rss_two - rss_one < 10 else '✗'}",
        ]
    lines += ["", *_bytes_table()]
    return "\n".join(lines)


def _bytes_table() -> list[str]:
    import orjson

    from stripe_schemas.validation import validate

    bodies = {name: orjson.dumps(p) for name, p in PAYLOADS.items()}
    timings: dict[str, dict[str, float]] = {}
    for name, body in bodies.items():
        fns: dict[str, Callable[[], Any]] = {
            "validate(bytes)": lambda body=body: validate(body),
            "orjson.loads + validate(dict)": lambda body=body: validate(orjson.loads(body)),
        }
        timings[name] = interleaved(fns)
    lines = [
        "### validate(bytes) against decoding first",
        "",
        "| payload | validate(bytes) | orjson.loads + validate(dict) | ratio |",
        "|---|---:|---:|---:|",
    ]
    ratios = []
    for name, times in timings.items():
        ours, theirs = times["validate(bytes)"], times["orjson.loads + validate(dict)"]
        ratios.append(ours / theirs)
        lines.append(f"| {name} | {fmt_time(ours)} | {fmt_time(theirs)} | {ours / theirs:.2f}{X} |")
    worst = max(ratios)
    lines += ["", f"Target ≤ 1.3{X}: worst {worst:.2f}{X} {'✓' if worst <= 1.3 else '✗'}"]
    return lines
