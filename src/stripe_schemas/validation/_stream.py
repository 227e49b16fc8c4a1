"""Validating a stream of records: what the `validate` command, its `--jobs` workers and
the Dask workers share.

`check_items()` validates every record the reader gives and counts it in a
`Tally`; only records with issues (and the reader's stops) come out, each
issue placed on its line. Records read = valid + invalid + unreadable, always.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, Literal, NamedTuple

import attrs

from ..io import (
    MAX_BYTES,
    NOTHING,
    Batch,
    Item,
    Opened,
    Problem,
    Reader,
    Record,
    Skipped,
    Source,
    Stop,
    locate,
    open_source,
)
from ..issues import Issue
from ._report import Mode
from ._validator import Validator, default_validator, validator_for_version

Status = Literal["valid", "invalid", "unreadable"]


class Outcome(NamedTuple):
    """A record with issues (records without any are only counted)."""

    line: int
    offset: int
    model: str | None
    status: Status
    #: Each issue with the line of the value it is about.
    issues: tuple[tuple[Issue, int], ...]


@attrs.define
class Tally:
    """Counts for one stream, or added up over many."""

    records: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0
    errors: int = 0
    warnings: int = 0
    notices: int = 0
    #: Bytes the reader gave up on (`stopped` counts streams it stopped, size unknown or not).
    unchecked: int = 0
    stopped: int = 0

    def add(self, other: Tally) -> None:
        for field in attrs.fields(Tally):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    def count(self, outcome: Outcome) -> None:
        for issue, _ in outcome.issues:
            if issue.severity == "error":
                self.errors += 1
            elif issue.severity == "warning":
                self.warnings += 1
            else:
                self.notices += 1

    def count_stop(self, stop: Stop) -> None:
        self.stopped += 1
        self.unchecked += stop.unchecked or 0

    def to_dict(self) -> dict[str, int]:
        return attrs.asdict(self)


def check_items(
    items: Iterable[Item],
    validator: Validator,
    tally: Tally,
    *,
    model: Any = None,
    mode: Mode = "strict",
) -> Iterator[Outcome | Stop]:
    """Validate each record the reader gives; count everything in `tally`; yield what has
    issues (and the reader's stops), in order.

    A [`Batch`][stripe_schemas.io.Batch] (the clean JSON Lines of one buffer) is validated
    in one loop, the hot path: only a record with issues becomes an `Outcome`.
    """
    validate = validator.validate
    for item in items:
        kind = type(item)
        if kind is Batch:
            assert isinstance(item, Batch)
            values = item.values
            tally.records += len(values)
            valid = 0
            for index, value in enumerate(values):
                report = validate(value, model, mode=mode)
                if not report.issues:
                    valid += 1
                    continue
                record = Record(item.lines[index], item.offsets[index], value)
                yield _outcome(record, report.issues, report.model, tally)
            tally.valid += valid
        elif kind is Stop:
            assert isinstance(item, Stop)
            tally.count_stop(item)
            yield item
        else:
            assert isinstance(item, Record)
            tally.records += 1
            if item.value is NOTHING:
                yield _outcome(item, item.issues, None, tally)
                continue
            if item.issues:
                report = validator.validate_decoded(item.decoded, model, mode=mode)
            else:
                report = validate(item.value, model, mode=mode)
                if not report.issues:
                    tally.valid += 1
                    continue
            yield _outcome(item, report.issues, report.model, tally)


def _outcome(record: Record, issues: tuple[Issue, ...], key: str | None, tally: Tally) -> Outcome:
    """The outcome of a record with issues, counted as unreadable, invalid or valid."""
    if record.value is NOTHING:
        status: Status = "unreadable"
        tally.unreadable += 1
    elif any(issue.severity == "error" for issue in issues):
        status = "invalid"
        tally.invalid += 1
    else:
        status = "valid"
        tally.valid += 1
    outcome = Outcome(record.line, record.offset, key, status, _placed(record, issues))
    tally.count(outcome)
    return outcome


def _placed(record: Record, issues: tuple[Issue, ...]) -> tuple[tuple[Issue, int], ...]:
    """Each issue with its line: the line of the value at its pointer (or of the nearest
    ancestor that is there), for records over several lines; else the record's line."""
    if not record.text:
        return tuple((issue, record.line) for issue in issues)
    lines = locate(record.text.decode("utf-8", "replace"), 0, record.line).lines
    return tuple((issue, _line_of(issue.path, lines, record.line)) for issue in issues)


def _line_of(path: str, lines: dict[str, int], default: int) -> int:
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return default
        path = path.rsplit("/", 1)[0]


# --- whole inputs -------------------------------------------------------------------


class Found(NamedTuple):
    """A record with issues (or a stop) in one input."""

    source: Source
    item: Outcome | Stop


class Finished(NamedTuple):
    """One input read to its end: its counts, and the error that ended it early, if any."""

    source: Source
    tally: Tally
    error: str | None = None


Event = Found | Finished | Problem | Skipped


@attrs.frozen
class Settings:
    """What every engine needs to validate records the same way (picklable, for workers)."""

    #: The `--schema` document, or None for the bundled models'.
    document: dict[str, Any] | None = None
    model: str | None = None
    mode: Mode = "strict"
    max_record_bytes: int = MAX_BYTES
    #: The bundled API version to read records as (None: the newest; events say theirs).
    api_version: str | None = None

    def validator(self) -> Validator:
        if self.document is not None:
            return Validator(self.document)
        if self.api_version is not None:
            return validator_for_version(self.api_version)
        return default_validator()


#: A progress callback: bytes of the input just consumed (as stored: compressed bytes for a
#: compressed file), records of the current input so far.
Advance = Callable[[int, int], object]


class Counting:
    """A binary stream that reports each read: the bytes it took from the input (its position
    in the file where it has one, so that a compressed file counts against its size on disk;
    else the bytes read), and the records counted so far."""

    def __init__(
        self,
        stream: BinaryIO,
        advance: Advance,
        tally: Tally,
        consumed: Callable[[], int | None] | None = None,
    ) -> None:
        self.stream = stream
        self.advance = advance
        self.tally = tally
        self.consumed = consumed
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        now = self.consumed() if self.consumed is not None else None
        if now is None:
            step = len(data)
        else:
            step, self.position = max(now - self.position, 0), max(now, self.position)
        self.advance(step, self.tally.records)
        return data


#: Validates one opened input: (source, opened, its stream, its tally) → its events.
CheckInput = Callable[[Source, Opened, Any, "Tally"], Iterator["Event"]]


def each_input(
    inputs: Iterable[Source | Problem | Skipped], advance: Advance | None, check: CheckInput
) -> Iterator[Event]:
    """Open each input in turn and let `check` validate it, counted in its own
    `Tally` and ended by its `Finished` (a read error midway ends it too);
    problems and skipped paths pass through. Both engines of this machine use it."""
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
            if advance is not None:
                stream = Counting(stream, advance, tally, opened.consumed)
            yield from check(source, opened, stream, tally)
            yield finish(source, tally, opened.error)
        except OSError as exc:  # a read error midway (an unplugged disk, a dead pipe)
            yield finish(source, tally, f"read error: {exc.strerror or type(exc).__name__}")
        finally:
            opened.close()


def run_local(
    inputs: Iterable[Source | Problem | Skipped],
    settings: Settings,
    *,
    advance: Advance | None = None,
) -> Iterator[Event]:
    """Validate every input in this process, one record at a time."""
    validator = settings.validator()

    def check(source: Source, opened: Opened, stream: Any, tally: Tally) -> Iterator[Event]:
        reader = Reader(
            stream, max_record_bytes=settings.max_record_bytes, size=opened.size, exact=False
        )
        for item in check_items(reader, validator, tally, model=settings.model, mode=settings.mode):
            yield Found(source, item)

    yield from each_input(inputs, advance, check)


def finish(source: Source, tally: Tally, error: object) -> Finished:
    """The `Finished` of an input; a stream error counts as a stop."""
    if error is None:
        return Finished(source, tally)
    tally.stopped += 1
    return Finished(source, tally, str(error))
