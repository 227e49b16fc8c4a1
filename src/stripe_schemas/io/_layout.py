"""Where records may start in a stream: the patterns the reader looks for, and the layout of a
stream read off its beginning (which decides where `--jobs` and Dask may cut it)."""

from __future__ import annotations

import re
from typing import Final

import attrs

from ._json import utf16_reason
from ._records import ArrayState

__all__ = ["Layout", "element_start", "sniff"]

WS: Final = re.compile(rb"[ \t\r\n]*")
BOM: Final = b"\xef\xbb\xbf"
OPEN: Final = frozenset(b"{[")
CLOSE: Final = frozenset(b"}]")
SPACE: Final = frozenset(b" \t\r\n")
#: A closing bracket followed by another document's opening bracket or the end of the input.
DOC_END: Final = re.compile(rb"[}\]](?=[ \t\r\n]*(?:[{\[]|\Z))")
#: A closing bracket followed by an array separator, where the next element opens a bracket.
ELEMENT_END: Final = re.compile(rb"[}\]](?=[ \t\r\n]*(?:,[ \t\r\n]*[{\[]|\]))")
#: A line that begins with an opening bracket: where a document may start.
LINE_OPENER: Final = re.compile(rb"\n[{\[]")
#: Where an element of a single-line array may start after damage.
COMPACT_ELEMENT: Final = re.compile(rb",[ \t\r\n]*(?=[{\[])")
#: A JSON string on one line. Written as an unrolled loop (runs of plain characters, then
#: one escape at a time) so that matching a string with no end takes constant memory.
STRING: Final = re.compile(rb'"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"')
#: Strings on one line, and brackets: the tokens of the linear scan.
TOKEN: Final = re.compile(STRING.pattern + rb"|[\[\]{}]")
SEPARATOR: Final = re.compile(rb"[,\]]")
#: A `]` followed by nothing, or by another document: the end of a single-line array.
ARRAY_END: Final = re.compile(rb"\](?=[ \t\r\n]*(?:[{\[]|\Z))")


def element_start(indent: bytes) -> re.Pattern[bytes]:
    """Where an element of a pretty-printed array (elements at `indent`) starts: a line
    that begins with `indent` and an opening bracket."""
    return re.compile(rb"\n" + re.escape(indent) + rb"[{\[]")


@attrs.frozen
class Layout:
    """Where records may start in a stream, read off its beginning.

    `documents`: JSON Lines or documents one after another (a record starts at a
    line that begins with a bracket); `array`: a pretty-printed top-level array
    (at a line with the elements' indentation and a bracket); `whole`: anything
    else (one document, a single-line array): the stream cannot be cut.
    """

    kind: str
    indent: bytes = b""
    outer: bytes = b""

    def record_start(self) -> re.Pattern[bytes] | None:
        """The pattern whose match (plus one byte) is where a record may start."""
        if self.kind == "documents":
            return LINE_OPENER
        if self.kind == "array":
            return element_start(self.indent)
        return None

    def inside_array(self) -> ArrayState | None:
        return ArrayState(self.indent, self.outer) if self.kind == "array" else None


def sniff(head: bytes) -> Layout:
    """The `Layout` of a stream that begins with `head` (its first chunk or more)."""
    if head.startswith(BOM):
        head = head[len(BOM) :]
    match = WS.match(head)
    pos = match.end() if match is not None else 0
    if pos >= len(head) or utf16_reason(head[:4]) is not None:
        return Layout("whole")
    if head[pos] == ord("{"):
        line_end = head.find(b"\n", pos)
        return Layout("documents") if line_end >= 0 else Layout("whole")
    if head[pos] == ord("["):
        outer = head[head.rfind(b"\n", 0, pos) + 1 : pos]
        after = WS.match(head, pos + 1)
        first = after.end() if after is not None else pos + 1
        if first < len(head) and head[first] in OPEN and head.find(b"\n", pos, first) >= 0:
            indent = head[head.rfind(b"\n", 0, first) + 1 : first]
            return Layout("array", indent, outer)
    return Layout("whole")
