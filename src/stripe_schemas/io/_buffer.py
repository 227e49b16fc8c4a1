"""The reader's buffer: one chunk of input at a time, positions, lines, and the ways to find
where a value ends (see `_reader` for how records are read)."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from typing import BinaryIO, Final, NamedTuple

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue, counted
from ._json import MAX_BYTES, NOTHING, Decoded, decode
from ._layout import CLOSE, OPEN, TOKEN, WS
from ._records import ArrayState, Item, Record, Stop, unreadable

#: Bytes read from the stream at a time.
CHUNK: Final = 1 << 20
#: After a record over the size limit, how much further (in multiples of the limit)
#: the reader looks for the next record before it stops.
SKIP_FACTOR: Final = 4
#: Candidate ends tried (each one a decode) before the linear scan takes over.
MAX_CANDIDATES: Final = 16
#: Bytes a window of the skipping look overlaps the next one by (a match may straddle them).
OVERLAP: Final = 4096


class Resume(NamedTuple):
    """Where reading goes on after damage: the damaged text ends at `cut`, the next record
    starts at `resume`; `ended`: past the end of the array."""

    cut: int
    resume: int
    ended: bool


class Buffer:
    """A binary stream read one chunk at a time, with what the reader needs to move in it."""

    def __init__(
        self,
        stream: BinaryIO,
        *,
        max_record_bytes: int = MAX_BYTES,
        size: int | None = None,
        line: int = 1,
        offset: int = 0,
        inside_array: ArrayState | None = None,
        cut: bool = False,
        exact: bool = True,
    ) -> None:
        """`size`: the size of the whole stream, when known (for "bytes not checked").

        `exact=False`: the records are read for a verdict only (see
        `fast_decode()`): an integer beyond 64 bits may come out as a float.

        `line`/`offset`: where this stream starts in its file (a block or a
        partition of a larger file starts inside it); `inside_array`: it starts at
        an element of a pretty-printed top-level array; `cut`: it is a block cut
        just before a record start, so it may end inside that array.
        """
        self.stream = stream
        self.exact = exact
        self.limit = max_record_bytes
        self.size = size
        self.buf = bytearray()
        self.pos = 0  # next unread position in buf
        self.base = offset  # stream offset of buf[0]
        self.eof = False
        self._line_pos = 0  # a position in buf whose line is known
        self._line = line
        self._inside_array = inside_array
        self.cut = cut
        self.stopped = False

    def _fill(self) -> bool:
        """Append one more chunk; False at the end of the stream. Positions stay valid."""
        if self.eof:
            return False
        data = self.stream.read(CHUNK)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def _compact(self) -> None:
        """Forget consumed bytes (only between records: nothing holds a position then)."""
        if self.pos > CHUNK:
            upto = self.pos
            self._line_at(upto)
            del self.buf[:upto]
            self.base += upto
            self.pos = 0
            self._line_pos -= upto

    def _line_at(self, pos: int) -> int:
        if pos >= self._line_pos:
            self._line += self.buf.count(b"\n", self._line_pos, pos)
        else:
            self._line -= self.buf.count(b"\n", pos, self._line_pos)
        self._line_pos = pos
        return self._line

    def _skip_ws(self) -> bool:
        """Move past whitespace; False at the end of the stream."""
        while True:
            match = WS.match(self.buf, self.pos)
            if match is not None:
                self.pos = match.end()
            if self.pos < len(self.buf):
                return True
            if not self._fill():
                return False

    def _find(self, pattern: re.Pattern[bytes], start: int, cap: int) -> int:
        """Where `pattern` first matches at or after `start` and before `cap` (reading as
        needed), or -1. A match that touches the end of the buffer is only taken at the end
        of the stream (more input could change it)."""
        while True:
            end = min(len(self.buf), cap)
            match = pattern.search(self.buf, start, end)
            if match is not None and (match.end() < len(self.buf) or self.eof):
                return match.start()
            if end >= cap or not self._fill():
                return match.start() if match is not None else -1

    def _find_newline(self, start: int, cap: int) -> int:
        while True:
            found = self.buf.find(b"\n", start, cap)
            if found >= 0 or len(self.buf) >= cap or not self._fill():
                return found

    def _decode(self, start: int, end: int) -> Decoded:
        column = start - self.buf.rfind(b"\n", 0, start)
        data = bytes(self.buf[start:end])
        return decode(data, max_bytes=self.limit, line=self._line_at(start), column=column)

    def _record(self, start: int, end: int, decoded: Decoded) -> Record:
        """The record of `buf[start:end]`; one over several lines keeps its text, so that
        issues can be placed on their lines."""
        text = b""
        if self.buf.find(b"\n", start, end) >= 0:
            text = bytes(self.buf[start:end])
        return Record(self._line_at(start), self.base + start, decoded.value, decoded.issues, text)

    def _stop(self, line: int, offset: int) -> Stop:
        self.stopped = True
        unchecked = None if self.size is None else max(0, self.size - offset)
        if unchecked is None:
            what = "the rest of the stream was not checked"
        else:
            what = f"the remaining {counted(unchecked, 'byte')} of the stream were not checked"
        issue = Issue("", INVALID_JSON, "error", f"stopped reading at line {line}: {what}")
        return Stop(line, offset, unchecked, issue)

    def _broken(self, start: int, end: int) -> Record:
        """The unreadable record of `buf[start:end]`, with the front end's reason."""
        decoded = self._decode(start, end)
        if decoded.readable:  # it decodes alone, but what followed it cannot follow a record
            issue = Issue(
                "", INVALID_JSON, "error", "not valid JSON: unexpected text after a value"
            )
            decoded = Decoded(NOTHING, (issue,))
        return Record(self._line_at(start), self.base + start, NOTHING, decoded.issues)

    def _oversized(
        self, start: int, find_next: Callable[[int, int], Resume | None]
    ) -> Generator[Item, None, Resume | None]:
        """A record that does not end within the size limit: one unreadable record, then a
        look for the next place a record may start, one window at a time (memory stays
        bounded), at most `SKIP_FACTOR` times the limit further; else a stop."""
        line = self._line_at(start)
        offset = self.base + start
        reason = f"no end of the record within {self.limit} bytes (the record size limit)"
        yield unreadable(line, offset, reason, INPUT_LIMIT)
        self.pos = start + 1
        budget = self.limit * SKIP_FACTOR
        while True:
            window = self.pos + min(CHUNK, budget)
            found = find_next(self.pos, window)
            if found is not None:
                return found
            if self.eof and len(self.buf) <= window:
                self.pos = len(self.buf)
                return None
            budget -= window - self.pos
            if budget <= 0:
                yield self._stop(line, offset)
                return None
            self.pos = max(self.pos, window - OVERLAP)
            self._compact()

    def _value_end(
        self, start: int, pattern: re.Pattern[bytes], cap: int
    ) -> tuple[int, Decoded] | None:
        """The end of the bracketed value at `start` and its decoding, or None.

        Candidate ends come from `pattern`; the first that decodes is exact. After
        `MAX_CANDIDATES` the linear scan decides.
        """
        at = start
        for _ in range(MAX_CANDIDATES):
            found = self._find(pattern, at, cap)
            if found < 0:
                break
            decoded = self._decode(start, found + 1)
            if decoded.readable:
                return found + 1, decoded
            at = found + 1
        end = self._scan_end(start, cap)  # the exact end of valid JSON, whatever follows it
        return (end, self._decode(start, end)) if end is not None else None

    def _scan_end(self, start: int, cap: int) -> int | None:
        """Where the bracketed value at `start` ends, matching brackets outside strings."""
        depth = 0
        pos = start
        while True:
            match = TOKEN.search(self.buf, pos, min(len(self.buf), cap))
            if match is None or (match.end() == len(self.buf) and not self.eof):
                if len(self.buf) >= cap or not self._fill():
                    return None
                continue
            first = self.buf[match.start()]
            pos = match.end()
            if first in OPEN:
                depth += 1
            elif first in CLOSE:
                depth -= 1
                if depth <= 0:
                    return pos
