"""``--jobs N``: validate blocks of the inputs in N worker processes, output in input order.

The main process only reads: it cuts each input into blocks at record starts
(:mod:`stripe_schemas.io._blocks`) and hands them out; a worker reads a block
with the same reader, validates it with the same :func:`~._stream.check_items`,
and sends back the counts and the records with issues. Results are taken in the
order the blocks were handed out, at most ``2 N`` blocks in flight, so the output
is the one ``--jobs 1`` gives and memory stays bounded. What cannot be cut (one
document, a single-line array, a compressed tail without cut points) is read by
the main process, after the blocks before it.
"""

from __future__ import annotations

import io
import multiprocessing
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..io._blocks import Block, Tail, cut_blocks
from ..io._reader import Reader, Stop
from ..io._sources import Prefixed, Problem, Skipped, Source, open_source
from ._stream import (
    Advance,
    Counting,
    Event,
    Found,
    Outcome,
    Settings,
    Tally,
    check_items,
    finish,
)
from ._validator import Validator

_worker: tuple[Validator, Settings] | None = None


def _init(settings: Settings) -> None:
    global _worker
    _worker = (settings.validator(), settings)


def check_block(block: Block, size: int | None) -> tuple[Tally, list[Outcome | Stop]]:
    """In a worker: the counts of one block and its records with issues."""
    assert _worker is not None, "check_block runs in a worker started with _init"
    validator, settings = _worker
    reader = Reader(
        io.BytesIO(block.data),
        max_record_bytes=settings.max_record_bytes,
        size=size,
        line=block.line,
        offset=block.offset,
        inside_array=block.inside_array,
        cut=True,
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
    """Like :func:`~._stream.run_local`, with ``jobs`` worker processes."""
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
        for source in inputs:
            if not isinstance(source, Source):
                yield source
                continue
            try:
                opened = open_source(source)
            except OSError as exc:
                yield Problem(source.path, exc.strerror or type(exc).__name__)
                continue
            tally = Tally()
            try:
                stream: Any = opened.stream
                if self.advance is not None:
                    stream = Counting(stream, self.advance, tally)
                yield from self._one(source, stream, opened.size, tally)
                yield finish(source, tally, opened.error)
            except OSError as exc:
                yield finish(source, tally, f"read error: {exc.strerror or type(exc).__name__}")
            finally:
                opened.close()

    def _one(self, source: Source, stream: Any, size: int | None, tally: Tally) -> Iterator[Event]:
        pending: deque[Future[tuple[Tally, list[Outcome | Stop]]]] = deque()
        stopped = False
        for piece in cut_blocks(stream, max_record_bytes=self.settings.max_record_bytes):
            if isinstance(piece, Tail):
                while pending and not stopped:
                    stopped = yield from self._take(pending.popleft(), source, tally)
                if not stopped:
                    yield from self._tail(piece, source, size, tally)
                break
            pending.append(self.pool.submit(check_block, piece, size))
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
        )
        settings = self.settings
        for item in check_items(
            reader, self.validator, tally, model=settings.model, mode=settings.mode
        ):
            yield Found(source, item)
