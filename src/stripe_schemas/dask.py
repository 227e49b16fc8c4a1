"""Validate stored payloads on a Dask cluster (the `dask` extra).

`stripe-schemas validate --engine dask [--scheduler ADDRESS] PATH...` and
`validate_files()` cut the inputs into partitions and validate them on the
cluster's workers, with the same reader and the same validator as the local
engine; the summary and the issues are identical to `--engine local`'s.

Partitions:

- a plain file large enough is cut into byte ranges of `partition_size`; each
  worker moves its range's ends to the next place a record may start (as the
  reader's layout of the file says: a line that begins with a bracket, or an
  element line of a pretty-printed array) and counts the lines it read, so the
  driver can number lines across partitions;
- a compressed file, a single-line array or one document is one partition;
- standard input is read by the driver itself.

Every worker needs `stripe-schemas[dask]` installed (the same version as the
driver) and, for byte ranges, the files at the same paths (a shared filesystem).
A worker holds one record plus one megabyte of input at a time, whatever the
partition size (the reader streams the range).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, NamedTuple

import attrs

from .io import CHUNK, MAX_BYTES, Layout, Problem, Reader, Skipped, Source, Stop, open_source, sniff
from .requires import require
from .validation import Validator
from .validation.engines import (
    Event,
    Finished,
    Found,
    Outcome,
    Settings,
    Tally,
    check_items,
    finish,
    run_local,
)

__all__ = ["DEFAULT_PARTITION_SIZE", "Result", "SchedulerError", "iter_events", "validate_files"]

#: Bytes of a file per partition.
DEFAULT_PARTITION_SIZE = 64 << 20


class SchedulerError(Exception):
    """The Dask scheduler cannot be reached."""


class Partition(NamedTuple):
    """A byte range of a file (`end` None: to its end; `whole`: not cut at all)."""

    path: str
    start: int
    end: int | None
    layout: Layout
    whole: bool = False


class PartitionResult(NamedTuple):
    tally: Tally
    found: list[Outcome | Stop]
    error: str | None


def partitions(source: Source, partition_size: int) -> list[Partition]:
    """The partitions of one input file (OSError when it cannot be opened)."""
    opened = open_source(source)
    try:
        size = opened.size
        head = opened.stream.read(CHUNK) if size is not None else b""
    finally:
        opened.close()
    layout = sniff(head)
    if size is None or size <= partition_size or layout.record_start() is None:
        return [Partition(source.path, 0, None, layout, whole=True)]
    starts = range(0, size, partition_size)
    return [
        Partition(source.path, start, min(start + partition_size, size), layout) for start in starts
    ]


class _Range:
    """A binary file read from `start` up to `end` (None: its end)."""

    def __init__(self, file: BinaryIO, start: int, end: int | None) -> None:
        self.file = file
        self.left = None if end is None else end - start
        file.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self.left is None:
            return self.file.read(size)
        if self.left <= 0:
            return b""
        wanted = self.left if size < 0 else min(size, self.left)
        data = self.file.read(wanted)
        self.left -= len(data)
        return data


def _record_start_after(file: BinaryIO, position: int, layout: Layout) -> int | None:
    """The first place at or after `position` where a record may start (None: none)."""
    if position == 0:
        return 0
    pattern = layout.record_start()
    assert pattern is not None
    file.seek(position - 1)
    carry = b""
    base = position - 1
    while True:
        data = file.read(CHUNK)
        if not data:
            return None
        window = carry + data
        match = pattern.search(window)
        if match is not None:
            return base + match.start() + 1
        keep = min(len(window), 64 * 1024)  # a match may straddle chunks (an indentation)
        base += len(window) - keep
        carry = window[-keep:]


_cached: tuple[Settings, Validator] | None = None


def _validator_for(settings: Settings) -> Validator:
    """The worker's validator for these settings (built once per worker process)."""
    global _cached
    if _cached is None or (_cached[0] is not settings and _cached[0] != settings):
        _cached = (settings, settings.validator())
    return _cached[1]


def count_newlines(partition: Partition) -> int:
    """On a worker: the newlines in a partition's nominal byte range (to number lines)."""
    with open(partition.path, "rb") as file:
        stream = _Range(file, partition.start, partition.end)
        count = 0
        while data := stream.read(CHUNK):
            count += data.count(b"\n")
        return count


def check_partition(partition: Partition, settings: Settings, line: int = 1) -> PartitionResult:
    """On a worker: validate the records that start in one partition.

    `line` is the line at the partition's nominal start (the driver adds up the
    newlines before it), so lines, offsets and messages are those of the whole file.
    """
    validator = _validator_for(settings)
    tally = Tally()
    if partition.whole:
        opened = open_source(Source(partition.path))
        try:
            reader = Reader(
                opened.stream, max_record_bytes=settings.max_record_bytes, size=opened.size
            )
            found = list(
                check_items(reader, validator, tally, model=settings.model, mode=settings.mode)
            )
            return PartitionResult(tally, found, _error(opened.error))
        finally:
            opened.close()
    with open(partition.path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        start = _record_start_after(file, partition.start, partition.layout)
        if start is None or (partition.end is not None and start >= partition.end):
            return PartitionResult(tally, [], None)  # no record starts in this range
        end = None
        if partition.end is not None and partition.end < size:
            end = _record_start_after(file, partition.end, partition.layout)
        file.seek(partition.start)
        line += file.read(start - partition.start).count(b"\n")
        reader = Reader(
            _Range(file, start, end),  # type: ignore[arg-type]
            max_record_bytes=settings.max_record_bytes,
            size=size,
            line=line,
            offset=start,
            inside_array=partition.layout.inside_array() if start > 0 else None,
            cut=end is not None,
        )
        found = list(
            check_items(reader, validator, tally, model=settings.model, mode=settings.mode)
        )
        return PartitionResult(tally, found, None)


def _error(error: object) -> str | None:
    return None if error is None else str(error)


def _client(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    """A client of the scheduler at `scheduler`, or of a new local cluster (processes)."""
    distributed = require("distributed", "dask", "the dask engine")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    try:
        if scheduler:
            return Client(scheduler, timeout="10s"), None
        cluster = LocalCluster(
            n_workers=workers or min(os.cpu_count() or 1, 4),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        return Client(cluster), cluster
    except (OSError, TimeoutError) as exc:
        where = f"at {scheduler}" if scheduler else "(a local cluster)"
        raise SchedulerError(f"cannot reach the Dask scheduler {where}: {exc}") from None


def iter_events(
    inputs: Iterable[Source | Problem | Skipped],
    settings: Settings,
    *,
    client: Any,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> Iterator[Event]:
    """The events of validating `inputs` on the cluster behind `client`, in input order."""
    remote_settings = client.scatter(settings, broadcast=True, hash=False)
    window = max(2, 2 * len(client.scheduler_info().get("workers", {}) or [1]))
    for source in inputs:
        if not isinstance(source, Source):
            yield source
            continue
        if source.is_stdin:  # the workers cannot read our standard input
            yield from run_local([source], settings)
            continue
        try:
            parts = partitions(source, partition_size)
        except OSError as exc:
            yield Problem(source.path, exc.strerror or type(exc).__name__)
            continue
        yield from _one(client, source, parts, remote_settings, window)


def _one(
    client: Any, source: Source, parts: list[Partition], settings: Any, window: int
) -> Iterator[Event]:
    tally = Tally()
    lines = [1]
    if len(parts) > 1:  # number lines across partitions: the newlines before each one
        for count in client.gather(client.map(count_newlines, parts[:-1], pure=False)):
            lines.append(lines[-1] + count)
    pending: deque[Any] = deque()
    queue = deque(zip(parts, lines, strict=True))
    error = None
    while queue or pending:
        while queue and len(pending) < window:
            part, line = queue.popleft()
            pending.append(client.submit(check_partition, part, settings, line, pure=False))
        result: PartitionResult = pending.popleft().result()
        tally.add(result.tally)
        error = error or result.error
        for item in result.found:
            yield Found(source, item)
        if any(isinstance(item, Stop) for item in result.found):  # as the local reader
            for future in pending:
                future.cancel()
            break
    yield finish(source, tally, error)


def run(
    inputs: Iterable[Source | Problem | Skipped],
    settings: Settings,
    *,
    scheduler: str | None = None,
    jobs: int = 1,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> Iterator[Event]:
    """The `--engine dask` events: a client of `scheduler` (or of a new local cluster with
    `jobs` workers when more than one), closed when the events are consumed.

    Raises `SchedulerError` at once when the scheduler cannot be reached.
    """
    client, cluster = _client(scheduler, jobs if jobs > 1 else None)
    return _closing(
        iter_events(inputs, settings, client=client, partition_size=partition_size),
        client,
        cluster,
    )


def _closing(events: Iterator[Event], client: Any, cluster: Any) -> Iterator[Event]:
    try:
        yield from events
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@attrs.frozen
class Result:
    """What `validate_files()` found."""

    total: Tally
    #: Each input: its name, its counts and the error that ended it early (if any).
    files: tuple[tuple[str, Tally, str | None], ...]
    #: Every record with issues, in input order, lines counted from each file's start.
    found: tuple[Found, ...]
    #: Paths that could not be read.
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        total = self.total
        return not (total.invalid or total.unreadable or total.stopped or self.problems)


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    mode: str = "strict",
    model: str | None = None,
    schema: dict[str, Any] | None = None,
    max_record_bytes: int = MAX_BYTES,
    scheduler: str | None = None,
    client: Any = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> Result:
    """Validate files (or directories) on a Dask cluster.

    Pass a `client` of your own cluster, or a `scheduler` address; with neither, a
    local cluster is started for the call. `schema` is a JSON Schema document
    written by the generator (default: the committed one).
    """
    from .io import expand

    if mode not in ("strict", "lenient"):
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    settings = Settings(schema, model, mode, max_record_bytes)  # type: ignore[arg-type]
    inputs = expand([os.fspath(p) for p in paths])
    if client is not None:
        events = iter_events(inputs, settings, client=client, partition_size=partition_size)
    else:
        events = run(inputs, settings, scheduler=scheduler, partition_size=partition_size)
    total = Tally()
    files: list[tuple[str, Tally, str | None]] = []
    found: list[Found] = []
    problems: list[Problem] = []
    for event in events:
        if isinstance(event, Found):
            found.append(event)
        elif isinstance(event, Finished):
            total.add(event.tally)
            files.append((event.source.name, event.tally, event.error))
        elif isinstance(event, Problem):
            problems.append(event)
    return Result(total, tuple(files), tuple(found), tuple(problems))
