"""Top-level arrays, read element by element: pretty-printed or on one line, and where
reading goes on after a damaged element (see `_reader`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator

from ..issues import INVALID_JSON, Issue
from ._buffer import MAX_CANDIDATES, Buffer, Resume
from ._json import Decoded
from ._layout import (
    ARRAY_END,
    COMPACT_ELEMENT,
    ELEMENT_END,
    OPEN,
    SEPARATOR,
    SPACE,
    STRING,
    element_start,
)
from ._records import Item, unreadable


class Arrays(Buffer):
    """Reading the elements of a top-level array."""

    def _array_start(self, start: int) -> Iterator[Item]:
        outer = self._indent_of(start)
        self.pos = start + 1
        if not self._skip_ws():
            yield unreadable(self._line_at(start), self.base + start, "an array that never ends")
            return
        pretty = self.buf.find(b"\n", start, self.pos) >= 0
        yield from self._array(self._indent_of(self.pos) if pretty else None, outer)

    def _indent_of(self, pos: int) -> bytes:
        """The whitespace from the start of `pos`'s line to `pos`."""
        return bytes(self.buf[self.buf.rfind(b"\n", 0, pos) + 1 : pos])

    def _array(self, indent: bytes | None, outer: bytes) -> Iterator[Item]:
        """The elements of a top-level array, from `pos`; returns past its `]`."""
        while True:
            if not self._skip_ws():
                if not self.cut:  # a block ends before the next element: the array goes on
                    line = self._line_at(self.pos)
                    yield unreadable(line, self.base + self.pos, "an array that never ends")
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
                if decoded.readable and self.pos < len(self.buf) and self.buf[self.pos] in OPEN:
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
        if first in OPEN:
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
            return self._value_end(start, ELEMENT_END, cap)
        if first == ord('"'):
            while True:
                match = STRING.match(self.buf, start, min(len(self.buf), cap))
                if match is not None or len(self.buf) >= cap or not self._fill():
                    break
            end = match.end() if match is not None else -1
        else:  # a number, true, false or null: up to the next separator
            end = self._find(SEPARATOR, start, cap)
            while end > start and self.buf[end - 1] in SPACE:
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
            found = Resume(len(self.buf), len(self.buf), not self.cut)
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

    def _pretty_finder(self, indent: bytes, outer: bytes) -> Callable[[int, int], Resume | None]:
        """Where a pretty-printed array goes on after damage: the next element's line, or the
        array's closing line."""
        element = element_start(indent)
        closing = re.compile(rb"\n" + re.escape(outer) + rb"\]")

        def find(start: int, cap: int) -> Resume | None:
            next_element, end_of_array = (self._find(p, start, cap) for p in (element, closing))
            if next_element >= 0 and (end_of_array < 0 or next_element < end_of_array):
                return Resume(next_element, next_element + 1, False)
            if end_of_array >= 0:
                return Resume(end_of_array, end_of_array + 1 + len(outer) + 1, True)
            return None

        return find

    def _compact_next(self, start: int, cap: int) -> Resume | None:
        """Where a single-line array goes on after damage: the next `,` followed by an element
        that is plausible (see `_plausible_element()`), or the array's end.

        A list of objects inside the damaged element rarely passes.
        """
        closing = self._find(ARRAY_END, start, cap)
        at = start
        for _ in range(MAX_CANDIDATES):
            comma = self._find(COMPACT_ELEMENT, at, cap)
            if comma < 0 or (0 <= closing < comma):
                break
            match = COMPACT_ELEMENT.match(self.buf, comma)
            candidate = match.end() if match is not None else comma + 1
            if self._plausible_element(candidate, lookahead=1):
                return Resume(comma, candidate, False)
            at = comma + 1
        return Resume(closing, closing + 1, True) if closing >= 0 else None

    def _plausible_element(self, start: int, lookahead: int) -> bool:
        """Whether an array element that decodes starts at `start` and is followed by what
        may follow one (`lookahead` more such elements, or the end of the array)."""
        found = self._element(start, None)
        if found is None or not found[1].readable:
            return False
        self.pos = found[0]
        if not self._skip_ws():
            return False
        if self.buf[self.pos] == ord("]"):  # the end of the array: then nothing, or a document
            self.pos += 1
            return not self._skip_ws() or self.buf[self.pos] in OPEN
        if self.buf[self.pos] != ord(",") or lookahead == 0:
            return self.buf[self.pos] == ord(",")
        self.pos += 1
        return self._skip_ws() and self._plausible_element(self.pos, lookahead - 1)
