"""`--jobs N`: validate blocks of the inputs in N worker processes, output in input order.

The main process only reads: it cuts each input into blocks at record starts
([`stripe_schemas.io._blocks`][stripe_schemas.io._blocks]) and hands them out (for a plain file, only
where the block is: the worker reads its bytes itself); a worker reads a block
with the same reader, validates it with the same `check_items()`,
and sends back the counts and the records with issues. Results are taken in the
order the blocks were handed out, at most `2 N` blocks in flight, so the output
is the one `--jobs 1` gives and memory stays bounded. What cannot be cut (one
document, a single-line array, a compressed tail without cut points) is read by
the main process, after the blocks before it.
"""

from __future__ import annotations

import errno
import io
import multiprocessing
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, NamedTuple

from ..io import (
    ArrayState,
    Block,
    Opened,
    Prefixed,
    Problem,
    Reader,
    Skipped,
    Source,
    Stop,
    Tail,
    cut_blocks,
)
from ._stream import (
    Advance,
    Event,
    Found,
    Outcome,
    Settings,
    Tally,
    check_items,
    each_input,
)
from ._validator import Validator

_worker: tuple[Validator, Settings] | None = None


def _init(settings: Settings) -> None:
    global _worker
    _worker = (settings.validator(), settings)


class Span(NamedTuple):
    """A block of a plain file, which the worker reads itself: only this crosses the pipe."""

    path: str
    size: int
    line: int
    offset: int
    inside_array: ArrayState | None

    def data(self) -> bytes:
        with open(self.path, "rb") as file:
            file.seek(self.offset)
            data = file.read(self.size)
        if len(data) != self.size:
            raise OSError(errno.EIO, "the file changed while it was being read")
        return data


def check_block(job: Block | Span, size: int | None) -> tuple[Tally, list[Outcome | Stop]]:
    """In a worker: the counts of one block and its records with issues."""
    assert _worker is not None, "check_block runs in a worker started with _init"
    validator, settings = _worker
    reader = Reader(
        io.BytesIO(job.data()),
        max_record_bytes=settings.max_record_bytes,
        size=size,
        line=job.line,
        offset=job.offset,
        inside_array=job.inside_array,
        cut=True,
        exact=False,
    )
    tally = Tally()
    found = list(check_items(reader, validator, tally, model=settings.model, mode=settings.mode))
    return tally, found


def _context() -> Any:
    """fork where the platform has it (workers start at once, with the modules loaded)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_jobs(
    inputs: Iterable[Source | Problem | Skipped],
    settings: Settings,
    jobs: int,
    *,
    advance: Advance | None = None,
) -> Iterator[Event]:
    """Like `run_local()`, with `jobs` worker processes."""
    with ProcessPoolExecutor(
        jobs, mp_context=_context(), initializer=_init, initargs=(settings,)
    ) as pool:
        yield from _Run(pool, settings, jobs * 2, advance).events(inputs)


class _Run:
    def __init__(
        self,
        pool: ProcessPoolExecutor,
        settings: Settings,
        window: int,
        advance: Advance | None,
    ) -> None:
        self.pool = pool
        self.settings = settings
        self.window = window
        self.advance = advance
        self.validator: Validator | None = None

    def events(self, inputs: Iterable[Source | Problem | Skipped]) -> Iterator[Event]:
        return each_input(inputs, self.advance, self._one)

    def _one(self, source: Source, opened: Opened, stream: Any, tally: Tally) -> Iterator[Event]:
        size = opened.size
        plain = opened.compression is None and size is not None
        pending: deque[Future[tuple[Tally, list[Outcome | Stop]]]] = deque()
        stopped = False
        for piece in cut_blocks(stream, max_record_bytes=self.settings.max_record_bytes):
            if isinstance(piece, Tail):
                while pending and not stopped:
                    stopped = yield from self._take(pending.popleft(), source, tally)
                if not stopped:
                    yield from self._tail(piece, source, size, tally)
                break
            job: Block | Span = piece
            if plain:
                job = Span(source.path, piece.size, piece.line, piece.offset, piece.inside_array)
            pending.append(self.pool.submit(check_block, job, size))
            while len(pending) >= self.window and not stopped:
                stopped = yield from self._take(pending.popleft(), source, tally)
            if stopped:
                break
        while pending:
            future = pending.popleft()
            if stopped:
                future.cancel()
            else:
                stopped = yield from self._take(future, source, tally)

    def _take(
        self,
        future: Future[tuple[Tally, list[Outcome | Stop]]],
        source: Source,
        tally: Tally,
    ) -> Generator[Event, None, bool]:
        """Emit one block's results; return whether the reader stopped in it."""
        counts, found = future.result()
        tally.add(counts)
        for item in found:
            yield Found(source, item)
        return any(isinstance(item, Stop) for item in found)

    def _tail(self, tail: Tail, source: Source, size: int | None, tally: Tally) -> Iterator[Event]:
        """What cannot be cut, read here (the blocks before it are already out)."""
        if self.validator is None:
            self.validator = self.settings.validator()
        stream = Prefixed(tail.head, tail.stream)
        reader = Reader(
            stream,  # type: ignore[arg-type]
            max_record_bytes=self.settings.max_record_bytes,
            size=size,
            line=tail.line,
            offset=tail.offset,
            inside_array=tail.inside_array,
            exact=False,
        )
        settings = self.settings
        for item in check_items(
            reader, self.validator, tally, model=settings.model, mode=settings.mode
        ):
            yield Found(source, item)
