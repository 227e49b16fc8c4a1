"""Records out of a byte stream, one at a time, in memory bounded by the largest record.

A stream holds one JSON document, a JSON array (read element by element), JSON
Lines / NDJSON, or JSON documents one after another separated by whitespace
(pretty-printed ones included, as `jq` writes them). The reader finds each
record's bytes and decodes them with the one front end (`_json.decode()`);
it holds one record (at most `max_record_bytes`) plus one chunk of input. It
yields what it read: a `Record` (or, for the JSON Lines of one
buffer that decode cleanly, a `Batch` of them) and, when it gives
up on the rest of a stream, a `Stop`; what to do with them is the
consumer's business.

How a record's end is found, cheapest first:

1. a record on one line (JSON Lines): the line itself;
2. a record over several lines: the first closing bracket, in a place where a
   record may end, that makes the text decode (a prefix of a JSON object or array
   that decodes is the whole of it, so the first such candidate is exact);
3. otherwise a linear scan that matches brackets outside strings.

A document never reaches past the next line that starts with `{` or `[` in
its first column: JSON Lines, jq and `json.dumps(indent=N)` (N ≥ 1) put every
document there and nothing else. (Documents printed with no indentation at all,
`indent=0`, break this rule and are read as damaged.)

Damage (text that does not decode) makes one unreadable record, reported at its
line, and reading goes on where the next record can start:

- between documents: at that next line starting with `{` or `[`;
- in a pretty-printed array: at the next line with the first element's
  indentation followed by `{` or `[` (a JSON string cannot hold a raw newline,
  so such a line is always structure), or at the array's closing line
  (`_arrays`);
- in a single-line array: at the next `,` followed by an element that decodes
  and is itself followed by `,` or `]` (a list of objects inside the damaged
  element can mislead this one).

When no such place is found within the size limit, the reader stops the stream
with one `Stop` saying how many bytes were not checked.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ._arrays import Arrays
from ._buffer import Resume
from ._json import MAX_BYTES, REFUSED, fast_decode, fast_loads, utf16_reason
from ._layout import BOM, CLOSE, DOC_END, LINE_OPENER, OPEN, SPACE
from ._records import Batch, Item, Record, Stop, unreadable

__all__ = ["BATCH", "Reader", "read_text"]

#: JSON Lines records handed over at a time: enough to save the calls per record, few enough
#: that the decoded values are still in the processor's caches when they are validated.
BATCH = 32


class Reader(Arrays):
    """Iterate the records of a binary stream (see the module docstring)."""

    def __iter__(self) -> Iterator[Item]:
        if not self._fill():
            return
        reason = utf16_reason(bytes(self.buf[:4]))
        if reason is not None:
            yield unreadable(1, self.base, reason)
            yield self._stop(1, self.base)
            return
        if self.buf.startswith(BOM):
            self.pos = len(BOM)
        if self._inside_array is not None:
            state = self._inside_array
            yield from self._array(state.indent, state.outer)
        while not self.stopped and self._skip_ws():
            self._compact()
            start = self.pos
            if self.buf[start] == ord("["):
                yield from self._array_start(start)
            else:
                if fast_loads is not None:
                    yield from self._lines()
                    if not self._skip_ws():
                        return
                    start = self.pos
                yield from self._document(start)

    def _lines(self) -> Iterator[Batch]:
        """JSON Lines, the fast way: while each line is one object, decode it as it is; the
        records of each buffer come out together, as one `Batch`.

        Returns at the first line that is not a whole object on its own (or at the end
        of the stream); the general path takes that line.
        """
        buf, limit, decode_line, exact = self.buf, self.limit, fast_decode, self.exact
        pos, line, base = self.pos, self._line_at(self.pos), self.base
        while True:
            last = buf.rfind(b"\n", pos)
            if last < 0:
                self.pos = pos
                self._line_pos, self._line = pos, line
                if self.eof or len(buf) - pos > limit or (pos < len(buf) and buf[pos] != 123):
                    return  # the end, a line longer than a record may be, or not an object
                self._compact()
                pos, base = self.pos, self.base
                if not self._fill():
                    return
                continue
            values: list[Any] = []
            lines: list[int] = []
            offsets: list[int] = []
            ended = False
            # Every whole line in the buffer, split in one call (the loop is the hot path).
            for text in buf[pos:last].split(b"\n"):
                size = len(text)
                if not size:  # a blank line
                    pos += 1
                    line += 1
                    continue
                end = size - 1 if text[-1] == 13 else size
                if text[0] != 123 or text[end - 1] != 125:
                    ended = True
                    break
                value = decode_line(text, limit, exact=exact)
                if value is REFUSED:
                    ended = True
                    break
                values.append(value)
                lines.append(line)
                offsets.append(base + pos)
                pos += size + 1
                line += 1
                if len(values) == BATCH:
                    self.pos = pos
                    self._line_pos, self._line = pos, line
                    yield Batch(values, lines, offsets)
                    values, lines, offsets = [], [], []
            self.pos = pos
            self._line_pos, self._line = pos, line
            if values:
                yield Batch(values, lines, offsets)
            if ended:
                return

    def _document(self, start: int) -> Iterator[Item]:
        """The document at `start`: on one line, over several lines, or damaged."""
        buf = self.buf
        cap = start + self.limit + 1
        newline = self._find_newline(start, cap)
        end = newline if newline >= 0 else len(buf)
        while end > start and buf[end - 1] in SPACE:
            end -= 1
        opened = buf[start] in OPEN
        if (not opened or buf[end - 1] in CLOSE) and end - start <= self.limit:
            decoded = self._decode(start, end)  # a whole line (a scalar document too)
            if decoded.readable:
                self.pos = end
                yield self._record(start, end, decoded)
                return
        boundary = self._find(LINE_OPENER, start, cap)
        if opened:
            found = self._value_end(start, DOC_END, boundary + 1 if boundary >= 0 else cap)
            if found is not None and found[1].readable and self._document_follows(found[0]):
                self.pos = found[0]
                yield self._record(start, found[0], found[1])
                return
        yield from self._damaged(start, boundary, cap)

    def _document_follows(self, end: int) -> bool:
        """Whether what follows `end` may follow a document: another one, or nothing."""
        self.pos = end
        return not self._skip_ws() or self.buf[self.pos] in OPEN

    def _damaged(self, start: int, boundary: int, cap: int) -> Iterator[Item]:
        """One unreadable record from `start` to the next line that may start a document."""
        if boundary >= 0:
            yield self._broken(start, boundary)
            self.pos = boundary + 1
            return
        if self.eof and len(self.buf) < cap:
            yield self._broken(start, len(self.buf))
            self.pos = len(self.buf)
            return
        found = yield from self._oversized(start, self._next_document)
        if found is not None:
            self.pos = found.resume

    def _next_document(self, start: int, cap: int) -> Resume | None:
        found = self._find(LINE_OPENER, start, cap)
        return Resume(found, found + 1, False) if found >= 0 else None


def read_text(
    data: str | bytes | bytearray | memoryview, *, max_record_bytes: int = MAX_BYTES
) -> Iterator[Record | Stop]:
    """The records of JSON text held in memory, one by one (a str is read as its UTF-8 bytes)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    reader = Reader(io.BytesIO(raw), max_record_bytes=max_record_bytes, size=len(raw))
    for item in reader:
        if isinstance(item, Batch):
            yield from item.records()
        else:
            yield item
