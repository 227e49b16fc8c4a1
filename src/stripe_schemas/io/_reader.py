"""Records out of a byte stream, one at a time, in memory bounded by the largest record.

A stream holds one JSON document, a JSON array (read element by element), JSON
Lines / NDJSON, or JSON documents one after another separated by whitespace
(pretty-printed ones included, as ``jq`` writes them). The reader finds each
record's bytes and decodes them with the one front end (:func:`._json.decode`);
it holds one record (at most ``max_record_bytes``) plus one chunk of input.

How a record's end is found, cheapest first:

1. a record on one line (JSON Lines): the line itself;
2. a record over several lines: the first closing bracket, in a place where a
   record may end, that makes the text decode (a prefix of a JSON object or array
   that decodes is the whole of it, so the first such candidate is exact);
3. otherwise a linear scan that matches brackets outside strings.

A document never reaches past the next line that starts with ``{`` or ``[`` in
its first column: JSON Lines, jq and ``json.dumps(indent=N)`` (N ≥ 1) put every
document there and nothing else. (Documents printed with no indentation at all,
``indent=0``, break this rule and are read as damaged.)

Damage (text that does not decode) makes one unreadable record, reported at its
line, and reading goes on where the next record can start:

- between documents: at that next line starting with ``{`` or ``[``;
- in a pretty-printed array: at the next line with the first element's
  indentation followed by ``{`` or ``[`` (a JSON string cannot hold a raw newline,
  so such a line is always structure), or at the array's closing line;
- in a single-line array: at the next ``,`` followed by an element that decodes
  and is itself followed by ``,`` or ``]`` (a list of objects inside the damaged
  element can mislead this one).

When no such place is found within the size limit, the reader stops the stream
with one :class:`Stop` saying how many bytes were not checked.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Generator, Iterator
from typing import Any, BinaryIO, Final, NamedTuple

import attrs

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue
from ._json import (
    MAX_BYTES,
    NOTHING,
    REFUSED,
    Decoded,
    decode,
    fast_decode,
    fast_loads,
    utf16_reason,
)

#: Bytes read from the stream at a time.
CHUNK: Final = 1 << 20
#: After a record over the size limit, how much further (in multiples of the limit)
#: the reader looks for the next record before it stops.
SKIP_FACTOR: Final = 4
#: Candidate ends tried (each one a decode) before the linear scan takes over.
MAX_CANDIDATES: Final = 16

_WS = re.compile(rb"[ \t\r\n]*")
_BOM = b"\xef\xbb\xbf"
_OPEN = frozenset(b"{[")
_CLOSE = frozenset(b"}]")
_SPACE = frozenset(b" \t\r\n")
#: A closing bracket followed by another document's opening bracket or the end of the input.
_DOC_END = re.compile(rb"[}\]](?=[ \t\r\n]*(?:[{\[]|\Z))")
#: A closing bracket followed by an array separator, where the next element opens a bracket.
_ELEMENT_END = re.compile(rb"[}\]](?=[ \t\r\n]*(?:,[ \t\r\n]*[{\[]|\]))")
#: A line that begins with an opening bracket: where a document may start.
_LINE_OPENER = re.compile(rb"\n[{\[]")


def element_start(indent: bytes) -> re.Pattern[bytes]:
    """Where an element of a pretty-printed array (elements at ``indent``) starts: a line
    that begins with ``indent`` and an opening bracket."""
    return re.compile(rb"\n" + re.escape(indent) + rb"[{\[]")


#: Where an element of a single-line array may start after damage.
_COMPACT_ELEMENT = re.compile(rb",[ \t\r\n]*(?=[{\[])")
#: Strings on one line, and brackets: the tokens of the linear scan.
_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\[^\n])*"|[\[\]{}]')
_STRING = re.compile(rb'"(?:[^"\\\n]|\\[^\n])*"')
_SEPARATOR = re.compile(rb"[,\]]")
#: A ``]`` followed by nothing, or by another document: the end of a single-line array.
_ARRAY_END = re.compile(rb"\](?=[ \t\r\n]*(?:[{\[]|\Z))")


class Record(NamedTuple):
    """One record of a stream: where it starts and what the front end made of it."""

    #: 1-based line of the record's first character.
    line: int
    #: Byte offset of the record's first character in the stream.
    offset: int
    #: The decoded value, or :data:`~._json.NOTHING` when the record could not be read.
    value: Any
    #: What decoding found (a replaced value's pointer, or why the record is unreadable).
    issues: tuple[Issue, ...] = ()
    #: The record's text when it spans several lines (to place its issues by line), else ``b""``.
    text: bytes = b""

    @property
    def decoded(self) -> Decoded:
        return Decoded(self.value, self.issues)

    @property
    def readable(self) -> bool:
        return self.value is not NOTHING


class Stop(NamedTuple):
    """The reader gave up on the rest of a stream (after the unreadable record before it)."""

    line: int
    offset: int
    #: Bytes not checked, when the stream's size is known.
    unchecked: int | None
    issue: Issue


Item = Record | Stop


class _Resume(NamedTuple):
    """Where reading goes on after damage: the damaged text ends at ``cut``, the next record
    starts at ``resume``; ``ended``: past the end of the array."""

    cut: int
    resume: int
    ended: bool


#: Bytes a window of the skipping look overlaps the next one by (a match may straddle them).
_OVERLAP: Final = 4096


def _unreadable(line: int, offset: int, reason: str, code: str = INVALID_JSON) -> Record:
    what = "JSON beyond a limit" if code == INPUT_LIMIT else "not valid JSON"
    issue = Issue("", code, "error", f"{what}: {reason}")
    return Record(line, offset, NOTHING, (issue,))


@attrs.frozen
class ArrayState:
    """A stream that starts inside a pretty-printed top-level array (a partition of one)."""

    #: The indentation of the array's elements, and of its ``[`` line.
    indent: bytes
    outer: bytes


class Reader:
    """Iterate the records of a binary stream (see the module docstring)."""

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
    ) -> None:
        """``size``: the size of the whole stream, when known (for "bytes not checked").

        ``line``/``offset``: where this stream starts in its file (a block or a
        partition of a larger file starts inside it); ``inside_array``: it starts at
        an element of a pretty-printed top-level array; ``cut``: it is a block cut
        just before a record start, so it may end inside that array.
        """
        self.stream = stream
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
        #: Bytes read from the stream so far (for a progress display).
        self.bytes_read = 0
        #: When set, a JSON Lines record whose value it returns true for is taken by it and
        #: not yielded: the valid records of the hot path, handed straight to the validator
        #: (see :func:`stripe_schemas.validation._stream.check_items`).
        self.accept: Callable[[Any], bool] | None = None

    # -- the buffer ------------------------------------------------------------------

    def _fill(self) -> bool:
        """Append one more chunk; False at the end of the stream. Positions stay valid."""
        if self.eof:
            return False
        data = self.stream.read(CHUNK)
        if not data:
            self.eof = True
            return False
        self.bytes_read += len(data)
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
            match = _WS.match(self.buf, self.pos)
            if match is not None:
                self.pos = match.end()
            if self.pos < len(self.buf):
                return True
            if not self._fill():
                return False

    def _find(self, pattern: re.Pattern[bytes], start: int, cap: int) -> int:
        """Where ``pattern`` first matches at or after ``start`` and before ``cap`` (reading as
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
        """The record of ``buf[start:end]``; one over several lines keeps its text, so that
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
            what = f"the remaining {unchecked} bytes of the stream were not checked"
        issue = Issue("", INVALID_JSON, "error", f"stopped reading at line {line}: {what}")
        return Stop(line, offset, unchecked, issue)

    # -- the stream ------------------------------------------------------------------

    def __iter__(self) -> Iterator[Item]:
        if not self._fill():
            return
        reason = utf16_reason(bytes(self.buf[:4]))
        if reason is not None:
            yield _unreadable(1, self.base, reason)
            yield self._stop(1, self.base)
            return
        if self.buf.startswith(_BOM):
            self.pos = len(_BOM)
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

    def _lines(self) -> Iterator[Record]:
        """JSON Lines, the fast way: while each line is one object, decode it as it is.

        Returns at the first line that is not a whole object on its own (or at the end
        of the stream); the general path takes that line.
        """
        buf, limit, decode_line, accept = self.buf, self.limit, fast_decode, self.accept
        pos, line, base = self.pos, self._line_at(self.pos), self.base
        try:
            while True:
                last = buf.rfind(b"\n", pos)
                if last < 0:
                    if self.eof or len(buf) - pos > limit or (pos < len(buf) and buf[pos] != 123):
                        return  # the end, a line longer than a record may be, or not an object
                    self.pos = pos
                    self._line_pos, self._line = pos, line
                    self._compact()
                    pos, base = self.pos, self.base
                    if not self._fill():
                        return
                    continue
                # Every whole line in the buffer, split in one call (the loop is the hot path).
                for text in buf[pos:last].split(b"\n"):
                    size = len(text)
                    if not size:  # a blank line
                        pos += 1
                        line += 1
                        continue
                    end = size - 1 if text[-1] == 13 else size
                    if text[0] != 123 or text[end - 1] != 125:
                        return
                    value = decode_line(text, limit)
                    if value is REFUSED:
                        return
                    if accept is None or not accept(value):
                        yield Record(line, base + pos, value)
                    pos += size + 1
                    line += 1
        finally:
            self.pos = pos
            self._line_pos, self._line = pos, line

    # -- documents one after another -------------------------------------------------

    def _document(self, start: int) -> Iterator[Item]:
        """The document at ``start``: on one line, over several lines, or damaged."""
        buf = self.buf
        cap = start + self.limit + 1
        newline = self._find_newline(start, cap)
        end = newline if newline >= 0 else len(buf)
        while end > start and buf[end - 1] in _SPACE:
            end -= 1
        opened = buf[start] in _OPEN
        if (not opened or buf[end - 1] in _CLOSE) and end - start <= self.limit:
            decoded = self._decode(start, end)  # a whole line (a scalar document too)
            if decoded.readable:
                self.pos = end
                yield self._record(start, end, decoded)
                return
        boundary = self._find(_LINE_OPENER, start, cap)
        if opened:
            found = self._value_end(start, _DOC_END, boundary + 1 if boundary >= 0 else cap)
            if found is not None and found[1].readable and self._document_follows(found[0]):
                self.pos = found[0]
                yield self._record(start, found[0], found[1])
                return
        yield from self._damaged(start, boundary, cap)

    def _document_follows(self, end: int) -> bool:
        """Whether what follows ``end`` may follow a document: another one, or nothing."""
        self.pos = end
        return not self._skip_ws() or self.buf[self.pos] in _OPEN

    def _damaged(self, start: int, boundary: int, cap: int) -> Iterator[Item]:
        """One unreadable record from ``start`` to the next line that may start a document."""
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

    def _next_document(self, start: int, cap: int) -> _Resume | None:
        found = self._find(_LINE_OPENER, start, cap)
        return _Resume(found, found + 1, False) if found >= 0 else None

    def _broken(self, start: int, end: int) -> Record:
        """The unreadable record of ``buf[start:end]``, with the front end's reason."""
        decoded = self._decode(start, end)
        if decoded.readable:  # it decodes alone, but what followed it cannot follow a record
            issue = Issue(
                "", INVALID_JSON, "error", "not valid JSON: unexpected text after a value"
            )
            decoded = Decoded(NOTHING, (issue,))
        return Record(self._line_at(start), self.base + start, NOTHING, decoded.issues)

    def _oversized(
        self, start: int, find_next: Callable[[int, int], _Resume | None]
    ) -> Generator[Item, None, _Resume | None]:
        """A record that does not end within the size limit: one unreadable record, then a
        look for the next place a record may start, one window at a time (memory stays
        bounded), at most :data:`SKIP_FACTOR` times the limit further; else a stop."""
        line = self._line_at(start)
        offset = self.base + start
        reason = f"no end of the record within {self.limit} bytes (the record size limit)"
        yield _unreadable(line, offset, reason, INPUT_LIMIT)
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
            self.pos = max(self.pos, window - _OVERLAP)
            self._compact()

    # -- values ----------------------------------------------------------------------

    def _value_end(
        self, start: int, pattern: re.Pattern[bytes], cap: int
    ) -> tuple[int, Decoded] | None:
        """The end of the bracketed value at ``start`` and its decoding, or None.

        Candidate ends come from ``pattern``; the first that decodes is exact. After
        :data:`MAX_CANDIDATES` the linear scan decides.
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
        """Where the bracketed value at ``start`` ends, matching brackets outside strings."""
        depth = 0
        pos = start
        while True:
            match = _TOKEN.search(self.buf, pos, min(len(self.buf), cap))
            if match is None or (match.end() == len(self.buf) and not self.eof):
                if len(self.buf) >= cap or not self._fill():
                    return None
                continue
            first = self.buf[match.start()]
            pos = match.end()
            if first in _OPEN:
                depth += 1
            elif first in _CLOSE:
                depth -= 1
                if depth <= 0:
                    return pos

    # -- arrays ----------------------------------------------------------------------

    def _array_start(self, start: int) -> Iterator[Item]:
        outer = self._indent_of(start)
        self.pos = start + 1
        if not self._skip_ws():
            yield _unreadable(self._line_at(start), self.base + start, "an array that never ends")
            return
        pretty = self.buf.find(b"\n", start, self.pos) >= 0
        yield from self._array(self._indent_of(self.pos) if pretty else None, outer)

    def _indent_of(self, pos: int) -> bytes:
        """The whitespace from the start of ``pos``'s line to ``pos``."""
        return bytes(self.buf[self.buf.rfind(b"\n", 0, pos) + 1 : pos])

    def _array(self, indent: bytes | None, outer: bytes) -> Iterator[Item]:
        """The elements of a top-level array, from ``pos``; returns past its ``]``."""
        while True:
            if not self._skip_ws():
                if not self.cut:  # a block ends before the next element: the array goes on
                    line = self._line_at(self.pos)
                    yield _unreadable(line, self.base + self.pos, "an array that never ends")
                return
            self._compact()
            start = self.pos
            if self.buf[start] == ord("]"):
                self.pos += 1
                return
            found = self._element(start, indent)
            if found is not None:
                end, decoded = found
                self.pos = end
                if decoded.readable and self._skip_ws() and self.buf[self.pos] in b",]":
                    closed = self.buf[self.pos] == ord("]")
                    self.pos += 1
                    yield self._record(start, end, decoded)
                    if closed:
                        return
                    continue
                if decoded.readable and self.pos < len(self.buf) and self.buf[self.pos] in _OPEN:
                    # the next element follows without a comma: keep both, say so on this one
                    message = "not valid JSON: no ',' between this array element and the next"
                    issue = Issue("", INVALID_JSON, "error", message)
                    yield self._record(start, end, Decoded(decoded.value, (*decoded.issues, issue)))
                    continue
            ended = yield from self._damaged_element(start, indent, outer)
            if ended or self.stopped:
                return

    def _element(self, start: int, indent: bytes | None) -> tuple[int, Decoded] | None:
        cap = start + self.limit + 1
        first = self.buf[start]
        if first in _OPEN:
            if indent is not None:  # pretty: the closing line at the element's indentation
                closing = re.compile(rb"\n" + re.escape(indent) + rb"[}\]]")
                found = self._find(closing, start, cap)
                if found >= 0:
                    end = found + 1 + len(indent) + 1
                    decoded = self._decode(start, end)
                    if decoded.readable:
                        return end, decoded
                following = self._find(element_start(indent), start + 1, cap)
                if following >= 0:  # an element never reaches past the next one's line
                    cap = following + 1
            return self._value_end(start, _ELEMENT_END, cap)
        if first == ord('"'):
            while True:
                match = _STRING.match(self.buf, start, min(len(self.buf), cap))
                if match is not None or len(self.buf) >= cap or not self._fill():
                    break
            end = match.end() if match is not None else -1
        else:  # a number, true, false or null: up to the next separator
            end = self._find(_SEPARATOR, start, cap)
            while end > start and self.buf[end - 1] in _SPACE:
                end -= 1
        if end <= start:
            return None
        return end, self._decode(start, end)

    def _damaged_element(
        self, start: int, indent: bytes | None, outer: bytes
    ) -> Generator[Item, None, bool]:
        """One unreadable element; the reader then stands at the next element.

        The generator's return value says whether the array ended (or reading stopped).
        """
        cap = start + self.limit + 1
        finder = self._pretty_finder(indent, outer) if indent is not None else self._compact_next
        found = finder(start + 1, cap)
        if found is None and self.eof and len(self.buf) < cap:
            # the damage runs to the end of the stream, or of a block cut at an element
            found = _Resume(len(self.buf), len(self.buf), not self.cut)
        if found is not None:
            cut = found.cut
            while cut > start + 1 and self.buf[cut - 1] in b" \t\r\n,":
                cut -= 1
            yield self._broken(start, cut)
            self.pos = found.resume
            return found.ended
        resumed = yield from self._oversized(start, finder)
        if resumed is None:
            return True
        self.pos = resumed.resume
        return resumed.ended

    def _pretty_finder(self, indent: bytes, outer: bytes) -> Callable[[int, int], _Resume | None]:
        """Where a pretty-printed array goes on after damage: the next element's line, or the
        array's closing line."""
        element = element_start(indent)
        closing = re.compile(rb"\n" + re.escape(outer) + rb"\]")

        def find(start: int, cap: int) -> _Resume | None:
            next_element, end_of_array = (self._find(p, start, cap) for p in (element, closing))
            if next_element >= 0 and (end_of_array < 0 or next_element < end_of_array):
                return _Resume(next_element, next_element + 1, False)
            if end_of_array >= 0:
                return _Resume(end_of_array, end_of_array + 1 + len(outer) + 1, True)
            return None

        return find

    def _compact_next(self, start: int, cap: int) -> _Resume | None:
        """Where a single-line array goes on after damage: the next ``,`` followed by an element
        that is plausible (see :meth:`_plausible_element`), or the array's end.

        A list of objects inside the damaged element rarely passes.
        """
        closing = self._find(_ARRAY_END, start, cap)
        at = start
        for _ in range(MAX_CANDIDATES):
            comma = self._find(_COMPACT_ELEMENT, at, cap)
            if comma < 0 or (0 <= closing < comma):
                break
            match = _COMPACT_ELEMENT.match(self.buf, comma)
            candidate = match.end() if match is not None else comma + 1
            if self._plausible_element(candidate, lookahead=1):
                return _Resume(comma, candidate, False)
            at = comma + 1
        return _Resume(closing, closing + 1, True) if closing >= 0 else None

    def _plausible_element(self, start: int, lookahead: int) -> bool:
        """Whether an array element that decodes starts at ``start`` and is followed by what
        may follow one (``lookahead`` more such elements, or the end of the array)."""
        found = self._element(start, None)
        if found is None or not found[1].readable:
            return False
        self.pos = found[0]
        if not self._skip_ws():
            return False
        if self.buf[self.pos] == ord("]"):  # the end of the array: then nothing, or a document
            self.pos += 1
            return not self._skip_ws() or self.buf[self.pos] in _OPEN
        if self.buf[self.pos] != ord(",") or lookahead == 0:
            return self.buf[self.pos] == ord(",")
        self.pos += 1
        return self._skip_ws() and self._plausible_element(self.pos, lookahead - 1)


def read_records(
    stream: BinaryIO, *, max_record_bytes: int = MAX_BYTES, size: int | None = None
) -> Iterator[Item]:
    """The records of ``stream`` (see :class:`Reader`)."""
    return iter(Reader(stream, max_record_bytes=max_record_bytes, size=size))


def read_text(
    data: str | bytes | bytearray | memoryview, *, max_record_bytes: int = MAX_BYTES
) -> Iterator[Item]:
    """The records of JSON text held in memory (a str is read as its UTF-8 bytes)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    return iter(Reader(io.BytesIO(raw), max_record_bytes=max_record_bytes, size=len(raw)))


@attrs.frozen
class Layout:
    """Where records may start in a stream, read off its beginning.

    ``documents``: JSON Lines or documents one after another (a record starts at a
    line that begins with a bracket); ``array``: a pretty-printed top-level array
    (at a line with the elements' indentation and a bracket); ``whole``: anything
    else (one document, a single-line array): the stream cannot be cut.
    """

    kind: str
    indent: bytes = b""
    outer: bytes = b""

    def record_start(self) -> re.Pattern[bytes] | None:
        """The pattern whose match (plus one byte) is where a record may start."""
        if self.kind == "documents":
            return _LINE_OPENER
        if self.kind == "array":
            return element_start(self.indent)
        return None

    def inside_array(self) -> ArrayState | None:
        return ArrayState(self.indent, self.outer) if self.kind == "array" else None


def sniff(head: bytes) -> Layout:
    """The :class:`Layout` of a stream that begins with ``head`` (its first chunk or more)."""
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    match = _WS.match(head)
    pos = match.end() if match is not None else 0
    if pos >= len(head) or utf16_reason(head[:4]) is not None:
        return Layout("whole")
    if head[pos] == ord("{"):
        line_end = head.find(b"\n", pos)
        return Layout("documents") if line_end >= 0 else Layout("whole")
    if head[pos] == ord("["):
        outer = head[head.rfind(b"\n", 0, pos) + 1 : pos]
        after = _WS.match(head, pos + 1)
        first = after.end() if after is not None else pos + 1
        if first < len(head) and head[first] in _OPEN and head.find(b"\n", pos, first) >= 0:
            indent = head[head.rfind(b"\n", 0, first) + 1 : first]
            return Layout("array", indent, outer)
    return Layout("whole")
