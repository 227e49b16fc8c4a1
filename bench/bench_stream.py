"""Stored payloads at scale: ``stripe-schemas validate`` on a dump, beside a naive loop.

The dump is written at bench time: JSON Lines of the shared payload set
(``bench/payloads.py``), repeated to ``RECORDS`` records. In the same rounds,
each implementation reads the whole file:

- **naive loop**: ``for line in file: jsonschema_rs.is_valid(orjson.loads(line))``
  with the strict schema: no invariants, no line numbers, no report, one layout
  (JSON Lines only), no limits;
- **msgspec loop**: ``msgspec.json.Decoder(VerificationSession).decode(line)`` per line, into
  the Structs datamodel-code-generator writes from the same spec: types, required fields,
  enums and maxLength; unknown fields ignored, no invariants, no report;
- **stripe-schemas validate** (in this process, output to /dev/null): the streaming
  reader (any layout, resync, per-record limit), the strict schema *and* the
  Stripe Identity invariants, per-record accounting;
- the same with ``--jobs 2``.

In the same rounds, a **real-world mix** (``bench/mix.py``: both bundled API versions,
Stripe's fixtures, the repository's examples, strategy draws, objects with fields newer than
the models and 5% invalid records, ``MIX_RECORDS`` records from a fixed seed) is read by:

- **naive loop, lenient**: ``orjson.loads`` + jsonschema-rs ``is_valid`` on the lenient
  schema (open objects) of the session or the report, picked by the ``object`` tag;
- **stripe-schemas validate --mode lenient** (in this process, output to /dev/null).

Every implementation runs once per round, in an order that rotates from round to round;
the tables give the median and the spread (fastest to slowest round).
Peak memory is measured in child processes on the dump and on one twice its size.
``validate(bytes)`` is timed against ``orjson.loads`` + ``validate(dict)`` per payload.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import mix
from bench._timing import fmt_time, interleaved
from bench.payloads import PAYLOADS, lenient_schema, strict_schema

X = "\u00d7"  # the multiplication sign of ratios
DASH = "\u2013"  # the en dash of ranges
RECORDS = 240_000
MIX_RECORDS = 100_000
ROUNDS = 5
SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
NAIVE = "naive loop (orjson + jsonschema-rs is_valid)"
MSGSPEC = "msgspec loop (typed decode into datamodel-code-generator's Structs)"
OURS = "stripe-schemas validate"
NAIVE_MIX = "naive loop, lenient (orjson + jsonschema-rs is_valid, schema by `object` tag)"
OURS_MIX = "stripe-schemas validate --mode lenient"
OURS_BROKEN = "stripe-schemas validate, every record with one error"
#: Records of the dump whose every record has one error (smaller: each takes the error path).
BROKEN_RECORDS = 20_000


def write_dump(path: Path, records: int, *, broken: bool = False) -> None:
    """``records`` lines of the benchmark payloads in turn; ``broken``: each with one schema
    error (``livemode`` an integer, not a boolean), so every record takes the error path."""
    import orjson

    payloads = [{**p, "livemode": 1} if broken else p for p in PAYLOADS.values()]
    lines = [orjson.dumps(p) + b"\n" for p in payloads]
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


def _msgspec_loop(path: Path, scratch: Path) -> Callable[[], int]:
    """The records that msgspec decodes into the session Struct datamodel-code-generator
    writes from the same spec (types, required fields, enums, maxLength; unknown fields
    ignored)."""
    import msgspec
    from datamodel_code_generator.enums import DataModelType

    from bench.bench_convert import _dcg_package, _spec_file

    sys.path.insert(0, str(scratch))
    try:
        module = _dcg_package(
            _spec_file(scratch), scratch, "_bench_stream_msgspec", DataModelType.MsgspecStruct
        )
    finally:
        sys.path.remove(str(scratch))
    decode = msgspec.json.Decoder(module.VerificationSession).decode

    def run() -> int:
        count = 0
        with open(path, "rb") as file:
            for line in file:
                try:
                    decode(line)
                except msgspec.ValidationError:
                    continue
                count += 1
        return count

    return run


def _naive_lenient(path: Path) -> Callable[[], int]:
    """The records that pass the lenient schema of their ``object`` tag's resource."""
    import jsonschema_rs
    import orjson

    checks: dict[Any, Callable[[Any], bool]] = {
        key: jsonschema_rs.validator_for(lenient_schema(key)).is_valid for key in (SESSION, REPORT)
    }
    loads = orjson.loads

    def run() -> int:
        count = 0
        with open(path, "rb") as file:
            for line in file:
                value = loads(line)
                check = checks.get(value.get("object")) if isinstance(value, dict) else None
                if check is not None and check(value):
                    count += 1
        return count

    return run


def verdicts(path: Path, *options: str) -> dict[str, Any]:
    """The summary ``stripe-schemas validate --format json`` gives for ``path``."""
    from stripe_schemas.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["validate", "--quiet", "--format", "json", *options, str(path)])
    summary: dict[str, Any] = json.loads(out.getvalue())["summary"]
    return summary


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
    """The child's own peak RSS: ``VmHWM`` where Linux has it. Its ``ru_maxrss`` is not: on
    Linux a child started with vfork and exec inherits the peak of the bench process (which
    writes the files and runs the other implementations in-process), and reported that
    whenever it was the larger."""
    code = (
        "import resource, sys\n"
        "from stripe_schemas.cli import main\n"
        "import contextlib, os\n"
        "with open(os.devnull, 'w') as sink, contextlib.redirect_stdout(sink):\n"
        "    main(['validate', '--quiet', sys.argv[1]])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    with open('/proc/self/status') as status:\n"
        "        peak = next(int(l.split()[1]) for l in status if l.startswith('VmHWM:'))\n"
        "except (OSError, StopIteration):\n"
        "    pass\n"
        "print(peak)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1]) / 1024


def _row(name: str, times: list[float], records: int, baseline: float) -> str:
    median = statistics.median(times)
    return (
        f"| {name} | {fmt_time(median)} | {fmt_time(min(times))} {DASH} {fmt_time(max(times))} | "
        f"{records / median:,.0f} | {median / baseline:.2f}{X} |"
    )


HEADER = [
    f"| implementation | median | spread (min {DASH} max) | records/s | vs naive loop |",
    "|---|---:|---:|---:|---:|",
]


def run() -> str:
    lines = ["## Stored payloads at scale (`python -m bench stream`)", ""]
    with tempfile.TemporaryDirectory(prefix="stripe-bench-") as scratch:
        dump = Path(scratch) / "dump.ndjson"
        write_dump(dump, RECORDS)
        size_mb = dump.stat().st_size / 1e6
        implementations: dict[str, Callable[[], int]] = {
            NAIVE: _naive(dump),
            OURS: _ours(dump),
            "stripe-schemas validate --jobs 2": _ours(dump, "--jobs", "2"),
        }
        # What each run must return: exit status 0, or every record valid.
        expected: dict[str, tuple[int, ...]] = {name: (0, RECORDS) for name in implementations}
        try:
            implementations[MSGSPEC] = _msgspec_loop(dump, Path(scratch))
            expected[MSGSPEC] = (RECORDS,)
        except ImportError:  # msgspec or datamodel-code-generator not installed: no such row
            pass
        broken = Path(scratch) / "broken.ndjson"
        write_dump(broken, BROKEN_RECORDS, broken=True)
        implementations[OURS_BROKEN] = _ours(broken)
        expected[OURS_BROKEN] = (1,)
        the_mix: mix.Mix | None = None
        unavailable = ""
        try:
            the_mix = mix.build(MIX_RECORDS)
        except mix.MixUnavailable as exc:
            unavailable = str(exc)
        if the_mix is not None:
            mixed = Path(scratch) / "mix.ndjson"
            mix_mb = the_mix.write(mixed) / 1e6
            ours_said = verdicts(mixed, "--mode", "lenient")
            naive_mix = _naive_lenient(mixed)
            naive_passed = naive_mix()
            implementations[NAIVE_MIX] = naive_mix
            implementations[OURS_MIX] = _ours(mixed, "--mode", "lenient")
            expected[NAIVE_MIX] = (naive_passed,)
            expected[OURS_MIX] = (1 if ours_said["invalid"] else 0,)
        ceiling = {"one process": _busy(1), "two processes": _busy(2)}
        spins: dict[str, list[float]] = {name: [] for name in ceiling}
        samples: dict[str, list[float]] = {name: [] for name in implementations}
        names = list(implementations)
        for round_ in range(ROUNDS):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                result = implementations[name]()
                samples[name].append(time.perf_counter() - start)
                assert result in expected[name], (name, result)
            for name, fn in ceiling.items():
                start = time.perf_counter()
                fn()
                spins[name].append(time.perf_counter() - start)
        medians = {name: statistics.median(times) for name, times in samples.items()}
        naive = medians[NAIVE]
        lines += [
            f"Dump: {RECORDS:,} records of JSON Lines ({size_mb:.0f} MB) of the five clean "
            f"payloads of `bench/payloads.py`, written at bench time; medians of {ROUNDS} rounds, "
            "every implementation once per round (the order rotates), with the mix below in "
            "the same rounds.",
            "",
            *HEADER,
        ]
        for name in (NAIVE, MSGSPEC, OURS, "stripe-schemas validate --jobs 2"):
            if name in samples:
                lines.append(_row(name, samples[name], RECORDS, naive))
        broken_rate = BROKEN_RECORDS / medians[OURS_BROKEN]
        clean_rate = RECORDS / medians[OURS]
        lines += [
            "",
            f"The same payloads with one schema error each ({BROKEN_RECORDS:,} records, every "
            "one reported in full: pointer, code, message, line number), in the same rounds:",
            "",
            HEADER[0].replace("vs naive loop", "time per record vs the clean dump"),
            HEADER[1],
            _row(
                OURS_BROKEN,
                samples[OURS_BROKEN],
                BROKEN_RECORDS,
                medians[OURS] * BROKEN_RECORDS / RECORDS,  # the clean dump's time per record
            ),
        ]
        lines += [
            "",
            "The naive loop checks the strict schema of a session (every payload of the dump is "
            "a session, two with their report expanded) and nothing else; the msgspec loop "
            "decodes each line into datamodel-code-generator's session Struct (types, required "
            "fields, enums and maxLength; unknown fields ignored, no rules); stripe-schemas "
            "validate checks the strict schema of the `object` tag's resource and the Stripe "
            "Identity rules, and accounts for every record (line numbers, issues, summary).",
        ]
        lines += ["", "### Real-world mix", ""]
        if the_mix is None:
            lines.append(f"The real-world mix is unavailable: {unavailable}.")
        else:
            lines += _mix_section(the_mix, samples, ours_said, naive_passed, mix_mb)
        one, two = medians[OURS], medians["stripe-schemas validate --jobs 2"]
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
            "Targets (on the dump):",
            "",
            f"- ≥ 100,000 valid records/s on one core: {RECORDS / one:,.0f}/s "
            f"{'✓' if RECORDS / one >= 100_000 else '✗'}",
            f"- at most the naive loop's time (≤ 1.0{X}): {one / naive:.2f}{X} "
            f"{'✓' if one / naive <= 1.0 else '✗'}",
            f"- a dump whose every record has one error at ≥ ½ the clean rate: "
            f"{broken_rate:,.0f} against {clean_rate:,.0f} records/s, "
            f"{broken_rate / clean_rate:.2f} {'✓' if broken_rate >= clean_rate / 2 else '✗'}",
            f"- --jobs 2 reaches ≥ 90% of the machine's own two-process speed-up: "
            f"{one / two:.2f}{X} against {speedup:.2f}{X}, {one / two / speedup:.0%} "
            f"{'✓' if one / two >= 0.9 * speedup else '✗'} (in the same rounds, two processes "
            "running a pure-Python loop each took that much less time than running both loops "
            "in one: the most two cores gave here)",
            f"- peak RSS under 150 MB and flat when the file doubles: {rss_one:.0f} → "
            f"{rss_two:.0f} MiB {'✓' if max(rss_one, rss_two) * 1.048576 < 150 and rss_two - rss_one < 10 else '✗'}",
        ]
    lines += ["", *_bytes_table()]
    return "\n".join(lines)


def _mix_section(
    the_mix: mix.Mix,
    samples: dict[str, list[float]],
    ours_said: dict[str, Any],
    naive_passed: int,
    size_mb: float,
) -> list[str]:
    kinds = the_mix.kinds()
    rule_only = the_mix.varieties(mix.INVALID)[mix.RULE_BROKEN]
    naive = statistics.median(samples[NAIVE_MIX])
    return [
        f"{MIX_RECORDS:,} records of JSON Lines ({size_mb:.0f} MB), built at bench time from "
        f"seed {mix.SEED} (`bench/mix.py`), read in the same rounds as the dump:",
        "",
        the_mix.composition(),
        "",
        *HEADER,
        _row(NAIVE_MIX, samples[NAIVE_MIX], MIX_RECORDS, naive),
        _row(OURS_MIX, samples[OURS_MIX], MIX_RECORDS, naive),
        "",
        "What each checks on the mix, and what it said:",
        "",
        f"- naive loop: the JSON decodes and the payload passes the lenient schema (objects "
        f"open, enums only on `object`) of the session or the report, as its `object` tag says; "
        f"no Stripe Identity rule, no notice, no line number, JSON Lines only. "
        f"{naive_passed:,} records pass, {MIX_RECORDS - naive_passed:,} fail.",
        f"- stripe-schemas validate --mode lenient: the streaming reader, the schema of the "
        f"2026-09-30.endive models (the newest bundled; a stored object does not say its "
        f"version) with unknown fields and enum values as notices, the Stripe Identity rules, "
        f"an issue with its line and pointer for every finding, the summary. "
        f"{ours_said['valid']:,} valid, {ours_said['invalid']:,} invalid, "
        f"{ours_said['unreadable']:,} unreadable ({ours_said['errors']:,} errors, "
        f"{ours_said['warnings']:,} warnings, {ours_said['notices']:,} notices); "
        f"the mix holds {kinds[mix.INVALID]:,} invalid records, {rule_only:,} of which break "
        "only a Stripe Identity rule (no JSON Schema sees it).",
    ]


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
