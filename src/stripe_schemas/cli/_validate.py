"""`stripe-schemas validate`: check stored payloads, streamed one record at a time.

Each PATH is a file, a directory (searched recursively for `*.json`, `*.jsonl`
and `*.ndjson`, compressed ones too) or `-` for standard input. A file holds
one JSON document, a JSON array, JSON Lines, or documents one after another;
gzip, bzip2 and xz are recognised by their first bytes. List objects and events
are checked as envelopes, with every object inside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..io import MAX_BYTES, Problem, Skipped, Source, Stop, expand
from ..issues import Issue, counted, printable
from ..model import BUNDLED, LATEST, UnknownApiVersion, package_for

if TYPE_CHECKING:  # the engines load on first use (the command starts fast)
    from ..validation.engines import Event, Outcome, Settings, Tally


EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
#: The most worker processes --jobs starts (more only adds memory and start-up time).
MAX_JOBS = 64

EXIT_CODES = """\
exit status:
  0    every record is valid (warnings and notices allowed)
  1    a record has an error, or could not be read
  2    bad usage, a path that cannot be read, a directory without payload
       files, or a --schema document that does not load
  130  interrupted
  141  the output was closed early (e.g. piped into `head`)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "validate",
        help="validate stored or received payloads",
        description="Validate Stripe payloads (schema conformance plus the Stripe Identity "
        "invariants), streaming any dump one record at a time.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, directory or - (stdin)")
    parser.add_argument(
        "--mode",
        choices=("strict", "lenient"),
        default="strict",
        help="strict: unknown fields and enum values are errors; lenient: notices",
    )
    parser.add_argument(
        "--model", help="schema key or resource id (default: each payload's object tag)"
    )
    parser.add_argument(
        "--api-version",
        metavar="VERSION",
        help="read the records as this bundled API version, as Stripe writes it (default: the "
        f"newest, {LATEST}; an event is read as its own api_version); bundled: "
        + ", ".join(BUNDLED),
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "ndjson"),
        default="text",
        dest="fmt",
        help="text: one line per issue; json: one document; ndjson: one issue per line, streamed",
    )
    parser.add_argument(
        "--schema",
        metavar="FILE",
        help="JSON Schema document to validate against (default: the committed one)",
    )
    parser.add_argument(
        "--max-record-size",
        type=_size,
        default=MAX_BYTES,
        metavar="SIZE",
        help="largest record read, e.g. 64MiB, 500k (default 64MiB); a larger one is unreadable",
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help=f"validate with N processes (same output, same order; at most {MAX_JOBS})",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: this machine (--jobs); dask: partitions on a Dask cluster",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler to use (default: a new local cluster)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show the progress display on standard error (default: when standard error is a "
        "terminal, whatever the output is)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress display, no per-file summaries"
    )
    parser.set_defaults(handler=run)


_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2}
_UNITS |= {"mib": 1024**2, "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def _size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS or int(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 64MiB, 500k, 1048576)")
    return int(match.group(1)) * _UNITS[unit]


def _positive(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from ..validation import SchemaDocumentError
    from ..validation.engines import Settings

    if args.scheduler and args.engine != "dask":
        _error("stripe-schemas validate: --scheduler needs --engine dask")
        return EXIT_BAD_INPUT
    if args.jobs > MAX_JOBS:
        _error(
            f"stripe-schemas validate: --jobs {args.jobs} is more than {MAX_JOBS}; using {MAX_JOBS}"
        )
        args.jobs = MAX_JOBS
    if args.api_version is not None:
        if args.schema:
            _error("stripe-schemas validate: --api-version and --schema cannot go together")
            return EXIT_BAD_INPUT
        try:
            package_for(args.api_version)
        except UnknownApiVersion as exc:
            _error(f"stripe-schemas validate: {exc}")
            return EXIT_BAD_INPUT
    try:
        settings = _settings(args, Settings)
    except (OSError, ValueError, RecursionError) as exc:
        where = f"{args.schema}: " if args.schema else ""
        _error(f"stripe-schemas: error: {where}cannot load the schema: {_reason(exc)}")
        return EXIT_BAD_INPUT
    inputs: Iterable[Source | Problem | Skipped] = expand(args.paths)
    progress = _progress(args)
    stdout: TextIO = sys.stdout
    stderr: TextIO = sys.stderr
    if progress is not None:
        inputs = list(inputs)  # the total to show: every input's size, known before reading
        progress.start(_total_size(inputs))
        stderr = progress.above(sys.stderr)
        if _same_terminal(sys.stdout, sys.stderr):
            stdout = progress.above(sys.stdout)
    out = _writer(args.fmt, stdout)
    try:
        events = _engine(args, inputs, settings, progress)
        code = _report(events, out, quiet=args.quiet, progress=progress, err=stderr)
    except SchemaDocumentError as exc:
        where = f"{args.schema}: " if args.schema else ""
        _error(f"stripe-schemas: error: {where}cannot use the schema: {_reason(exc)}", stderr)
        return EXIT_BAD_INPUT
    except _EngineError as exc:
        _error(f"stripe-schemas validate: {exc}", stderr)  # above the bar while it is up
        return EXIT_BAD_INPUT
    finally:
        if progress is not None:
            progress.close()
    return code


def _settings(args: argparse.Namespace, settings: type[Settings]) -> Settings:
    """The run's `Settings`; a `--schema` document is checked and compiled first."""
    from ..io import decode
    from ..validation import SchemaDocumentError, Validator

    document = None
    if args.schema:
        decoded = decode(Path(args.schema).read_bytes(), max_bytes=1 << 30)
        if not decoded.readable or decoded.issues:
            raise ValueError(decoded.issues[0].message)
        document = decoded.value
        Validator(document).check()
    found = settings(document, args.model, args.mode, args.max_record_size, args.api_version)
    if args.model is not None and found.validator().resolve(args.model) is None:
        raise SchemaDocumentError(f"unknown model {args.model!r}")
    return found


class _EngineError(Exception):
    """The chosen engine cannot run (a missing extra, an unreachable scheduler)."""


def _engine(
    args: argparse.Namespace,
    inputs: Iterable[Source | Problem | Skipped],
    settings: Settings,
    progress: _Progress | None,
) -> Iterator[Event]:
    advance = progress.advance if progress is not None else None
    if args.engine == "dask":
        try:
            import stripe_schemas.dask as dask_engine
        except ImportError as exc:
            raise _EngineError(
                f"the dask engine needs the dask extra ({exc.name} is missing): "
                "pip install 'stripe-schemas[dask]'"
            ) from None
        try:
            events = dask_engine.run(inputs, settings, scheduler=args.scheduler, jobs=args.jobs)
        except dask_engine.SchedulerError as exc:
            raise _EngineError(str(exc)) from None
        return events if advance is None else _whole_files(events, advance)
    if args.jobs > 1:
        from ..validation.engines import run_jobs

        return run_jobs(inputs, settings, args.jobs, advance=advance)
    from ..validation.engines import run_local

    return run_local(inputs, settings, advance=advance)


def _whole_files(events: Iterator[Event], advance: Callable[[int, int], None]) -> Iterator[Event]:
    """An engine's events, with the bar moved on by a file's size when the file is done (the
    Dask engine reads on its workers, where no bar can follow the bytes)."""
    from ..validation.engines import Finished

    for event in events:
        if isinstance(event, Finished) and not event.source.is_stdin:
            try:
                size = os.stat(event.source.path).st_size
            except OSError:
                size = 0
            advance(size, event.tally.records)
        yield event


def _report(
    events: Iterator[Event],
    out: _Writer,
    *,
    quiet: bool,
    progress: _Progress | None = None,
    err: TextIO | None = None,
) -> int:
    """Write every event; the exit status."""
    from ..validation.engines import Finished, Found, Tally

    total = Tally()
    files = 0
    bad_paths = 0
    skipped = 0
    for event in events:
        if isinstance(event, Found):
            out.found(event.source, event.item)
        elif isinstance(event, Finished):
            files += 1
            total.add(event.tally)
            if progress is not None:
                progress.file_done(event.tally.records)
            out.finished(event.source, event.tally, event.error, quiet=quiet)
        elif isinstance(event, Problem):
            bad_paths += 1
            _error(f"stripe-schemas validate: {event.path}: {event.message}", err)
        elif isinstance(event, Skipped):
            skipped += event.count
            _error(
                f"stripe-schemas validate: {event.directory}: skipped {counted(event.count, 'file')} "
                "whose names are not .json, .jsonl or .ndjson (or those compressed)",
                err,
            )
    out.close(total, files=files, bad_paths=bad_paths, skipped=skipped)
    if bad_paths:
        return EXIT_BAD_INPUT
    failed = total.invalid or total.unreadable or total.stopped
    return EXIT_PROBLEMS if failed else EXIT_OK


# --- output -------------------------------------------------------------------------


def _error(message: str, stream: TextIO | None = None) -> None:
    """Write a one-line message to standard error, or `stream` (unprintable characters
    escaped)."""
    _write(stream or sys.stderr, printable(message) + "\n")


def _write(stream: TextIO, text: str) -> None:
    """Write printable text; if the stream's encoding cannot hold it, escape the rest."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _utf8(text: str) -> str:
    """`text` as valid UTF-8 (a lone surrogate becomes its `\\udcxx` escape as text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def summary_line(tally: Tally) -> str:
    """`N records: V valid, I invalid, U unreadable (E errors, W warnings, N notices)`."""
    line = (
        f"{counted(tally.records, 'record')}: {tally.valid} valid, {tally.invalid} invalid, "
        f"{tally.unreadable} unreadable ({counted(tally.errors, 'error')}, "
        f"{counted(tally.warnings, 'warning')}, {counted(tally.notices, 'notice')})"
    )
    if tally.stopped:
        line += f"; stopped early in {counted(tally.stopped, 'input')}"
        if tally.unchecked:
            line += f", {counted(tally.unchecked, 'byte')} not checked"
    return line


class _Writer:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def found(self, source: Source, item: Outcome | Stop) -> None:
        raise NotImplementedError

    def finished(self, source: Source, tally: Tally, error: str | None, *, quiet: bool) -> None:
        raise NotImplementedError

    def close(self, total: Tally, *, files: int, bad_paths: int, skipped: int) -> None:
        raise NotImplementedError


def _issue_dict(issue: Issue, line: int) -> dict[str, Any]:
    return {
        "path": _utf8(issue.path),
        "code": issue.code,
        "severity": issue.severity,
        "message": _utf8(issue.message),
        "line": line,
    }


def _totals(total: Tally, files: int, bad_paths: int, skipped: int) -> dict[str, Any]:
    return {
        **total.to_dict(),
        "files": files,
        "unreadable_paths": bad_paths,
        "skipped_files": skipped,
    }


class _Text(_Writer):
    """One line per issue: `file:line: /pointer: severity[code] message`."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.per_file: list[str] = []

    def found(self, source: Source, item: Outcome | Stop) -> None:
        name = printable(source.name)
        if isinstance(item, Stop):
            _write(self.stream, f"{name}:{item.line}: {item.issue}\n")
            return
        lines = "".join(f"{name}:{line}: {issue}\n" for issue, line in item.issues)
        _write(self.stream, lines)

    def finished(self, source: Source, tally: Tally, error: str | None, *, quiet: bool) -> None:
        name = printable(source.name)
        if error is not None:
            _write(self.stream, f"{name}: error: {printable(error)}\n")
        if not quiet:
            self.per_file.append(f"{name}: {summary_line(tally)}")

    def close(self, total: Tally, *, files: int, bad_paths: int, skipped: int) -> None:
        lines = self.per_file if files > 1 else []
        last = f"total: {summary_line(total)}" if files > 1 else summary_line(total)
        if bad_paths:
            last += f"; {counted(bad_paths, 'path')} could not be read"
        if skipped:
            last += f"; {counted(skipped, 'file')} skipped by name"
        _write(self.stream, "".join(line + "\n" for line in [*lines, last]))


class _Json(_Writer):
    """One JSON document, `{"results": [...], "files": [...], "summary": {...}}`, streamed."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.first = True
        self.files: list[dict[str, Any]] = []
        stream.write('{"results": [')

    def found(self, source: Source, item: Outcome | Stop) -> None:
        if isinstance(item, Stop):
            entry: dict[str, Any] = {
                "file": _utf8(source.name),
                "line": item.line,
                "model": None,
                "status": "stopped",
                "unchecked_bytes": item.unchecked,
                "issues": [_issue_dict(item.issue, item.line)],
            }
        else:
            entry = {
                "file": _utf8(source.name),
                "line": item.line,
                "model": item.model,
                "status": item.status,
                "ok": item.status == "valid",
                "issues": [_issue_dict(issue, line) for issue, line in item.issues],
            }
        self.stream.write(("" if self.first else ",") + "\n" + json.dumps(entry))
        self.first = False

    def finished(self, source: Source, tally: Tally, error: str | None, *, quiet: bool) -> None:
        self.files.append({"file": _utf8(source.name), **tally.to_dict(), "error": error})

    def close(self, total: Tally, *, files: int, bad_paths: int, skipped: int) -> None:
        tail = {"files": self.files, "summary": _totals(total, files, bad_paths, skipped)}
        self.stream.write("\n], " + json.dumps(tail)[1:] + "\n")


class _Ndjson(_Writer):
    """One JSON object per line: each issue (`"kind": "issue"`), each file, the summary."""

    def _line(self, entry: dict[str, Any]) -> None:
        self.stream.write(json.dumps(entry) + "\n")

    def found(self, source: Source, item: Outcome | Stop) -> None:
        name = _utf8(source.name)
        if isinstance(item, Stop):
            entry = {"kind": "issue", "file": name, "record_line": item.line, "model": None}
            self._line({**entry, "status": "stopped", **_issue_dict(item.issue, item.line)})
            return
        head = {"kind": "issue", "file": name, "record_line": item.line, "model": item.model}
        for issue, line in item.issues:
            self._line({**head, "status": item.status, **_issue_dict(issue, line)})

    def finished(self, source: Source, tally: Tally, error: str | None, *, quiet: bool) -> None:
        self._line({"kind": "file", "file": _utf8(source.name), **tally.to_dict(), "error": error})

    def close(self, total: Tally, *, files: int, bad_paths: int, skipped: int) -> None:
        self._line({"kind": "summary", **_totals(total, files, bad_paths, skipped)})


def _writer(fmt: str, stream: TextIO) -> _Writer:
    writers: dict[str, Callable[[TextIO], _Writer]] = {
        "text": _Text,
        "json": _Json,
        "ndjson": _Ndjson,
    }
    return writers[fmt](stream)


# --- progress -----------------------------------------------------------------------


def binary_size(count: float) -> str:
    """A byte count in binary units: `512 B`, `1.5 KiB`, `200.0 MiB`, `1.2 GiB`."""
    if count < 1024:
        return f"{count:.0f} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        count /= 1024
        if count < 1024 or unit == "TiB":
            break
    return f"{count:.1f} {unit}"


def _total_size(inputs: Iterable[Source | Problem | Skipped]) -> int | None:
    """The bytes on disk of every input, or None when one is not a regular file (stdin, a
    pipe): then there is no total to count down to."""
    total = 0
    for item in inputs:
        if not isinstance(item, Source):
            continue
        if item.is_stdin:
            return None
        try:
            info = os.stat(item.path)
        except OSError:
            continue  # reported when it is opened
        if not stat.S_ISREG(info.st_mode):
            return None
        total += info.st_size
    return total


def _same_terminal(one: TextIO, other: TextIO) -> bool:
    """Whether two streams write to the same terminal (their lines share the screen)."""
    try:
        return (
            one.isatty()
            and other.isatty()
            and os.path.samestat(os.fstat(one.fileno()), os.fstat(other.fileno()))
        )
    except (AttributeError, OSError, ValueError):
        return False


class _Above:
    """A text stream whose whole lines are written above the progress bar: the bar's line is
    cleared first and drawn again after, under tqdm's lock (a part line waits for its end)."""

    def __init__(self, stream: TextIO, bar: Any) -> None:
        self.stream = stream
        self.bar = bar
        self.pending = ""

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        pending = self.pending + text
        cut = pending.rfind("\n") + 1
        self.pending = pending[cut:]
        if cut:
            self._above(pending[:cut])
        return len(text)

    def _above(self, text: str) -> None:
        with self.bar.get_lock():
            self.bar.clear(nolock=True)
            _write(self.stream, text)
            self.stream.flush()
            self.bar.refresh(nolock=True)

    def flush(self) -> None:
        if self.pending:
            text, self.pending = self.pending, ""
            self._above(text)
        self.stream.flush()


class _Progress:
    """The progress display on standard error (drawn by tqdm): bytes read of the total with
    the share done and an ETA when every input is a regular file, then rates in binary units
    and records per second."""

    #: Seconds between redraws, at most.
    EVERY = 0.5

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.bar: Any = None
        self.total: int | None = None
        self.read = 0
        self.done = 0  # records of the inputs already finished
        self.started = time.monotonic()
        self.wrapped: list[_Above] = []

    def start(self, total: int | None) -> None:
        self.total = total
        if total is None:
            form = "{desc} [elapsed {elapsed}]"
        else:
            form = "{percentage:3.0f}%|{bar}| {desc} [elapsed {elapsed}, ETA {remaining}]"
        self.bar = self.factory(
            total=total,
            desc=self._counts(0, self.started),
            file=sys.stderr,
            mininterval=self.EVERY,
            bar_format=form,
            dynamic_ncols=True,
            leave=True,
        )

    def above(self, stream: TextIO) -> TextIO:
        """`stream`, writing its lines above the bar."""
        wrapped = _Above(stream, self.bar)
        self.wrapped.append(wrapped)
        return wrapped  # type: ignore[return-value]

    def advance(self, nbytes: int, records: int) -> None:
        """`nbytes` more were read; the current input has given `records` so far."""
        self.read += nbytes
        self._show(self.done + records, time.monotonic())
        self.bar.update(nbytes)

    def _show(self, count: int, now: float) -> None:
        self.bar.set_description_str(self._counts(count, now), refresh=False)

    def _counts(self, count: int, now: float) -> str:
        """`1.5 MiB / 3.1 MiB, 10.2 MiB/s, 6,000 records, 19,753 records/s`."""
        elapsed = max(now - self.started, 1e-9)
        size = binary_size(self.read)
        if self.total is not None:
            size += f" / {binary_size(self.total)}"
        rate = binary_size(self.read / elapsed)
        records = counted(count, "record").replace(str(count), f"{count:,}", 1)
        return f"{size}, {rate}/s, {records}, {count / elapsed:,.0f} records/s"

    def file_done(self, records: int) -> None:
        self.done += records

    def close(self) -> None:
        """The final counts (reading runs ahead of the batched ones shown), then close."""
        for wrapped in self.wrapped:
            wrapped.flush()
        if self.bar is None:
            return
        self._show(self.done, time.monotonic())
        self.bar.close()


def _progress(args: argparse.Namespace) -> _Progress | None:
    """A progress display when standard error is a terminal (`--progress`: always;
    `--no-progress` or `--quiet`: never)."""
    wanted = args.progress if args.progress is not None else sys.stderr.isatty()
    if args.quiet or not wanted:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # the display is optional: tqdm comes with the validation extra
        return None
    return _Progress(tqdm)
