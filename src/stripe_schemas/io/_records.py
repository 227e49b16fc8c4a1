"""What the record reader yields: records, batches of JSON Lines records, and stops."""

from __future__ import annotations

from typing import Any, NamedTuple

import attrs

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue
from ._json import NOTHING, Decoded

__all__ = ["ArrayState", "Batch", "Item", "Record", "Stop", "unreadable"]


class Record(NamedTuple):
    """One record of a stream: where it starts and what the front end made of it."""

    #: 1-based line of the record's first character.
    line: int
    #: Byte offset of the record's first character in the stream.
    offset: int
    #: The decoded value, or `NOTHING` when the record could not be read.
    value: Any
    #: What decoding found (a replaced value's pointer, or why the record is unreadable).
    issues: tuple[Issue, ...] = ()
    #: The record's text when it spans several lines (to place its issues by line), else `b""`.
    text: bytes = b""

    @property
    def decoded(self) -> Decoded:
        return Decoded(self.value, self.issues)

    @property
    def readable(self) -> bool:
        return self.value is not NOTHING


class Batch(NamedTuple):
    """JSON Lines records that decoded without an issue, one buffer's worth at a time.

    `values[i]` starts on line `lines[i]` at byte `offsets[i]`. The reader hands the
    common case over in bulk; `records()` gives them one by one, as `Record`.
    """

    values: list[Any]
    lines: list[int]
    offsets: list[int]

    def records(self) -> list[Record]:
        return [Record(line, offset, value) for value, line, offset in zip(*self, strict=True)]


class Stop(NamedTuple):
    """The reader gave up on the rest of a stream (after the unreadable record before it)."""

    line: int
    offset: int
    #: Bytes not checked, when the stream's size is known.
    unchecked: int | None
    issue: Issue


Item = Record | Stop | Batch


def unreadable(line: int, offset: int, reason: str, code: str = INVALID_JSON) -> Record:
    """A record that could not be read (at `line`), and why."""
    what = "JSON beyond a limit" if code == INPUT_LIMIT else "not valid JSON"
    issue = Issue("", code, "error", f"{what}: {reason}")
    return Record(line, offset, NOTHING, (issue,))


@attrs.frozen
class ArrayState:
    """A stream that starts inside a pretty-printed top-level array (a partition of one)."""

    #: The indentation of the array's elements, and of its `[` line.
    indent: bytes
    outer: bytes
