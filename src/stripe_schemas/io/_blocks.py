"""Cut a stream into blocks that start where records start, for parallel validation.

A block is bytes that begin at a record start (the stream's start, or a place
the stream's `Layout` says a record may start: a line that
begins with a bracket, or an element line of a pretty-printed array) and end
just before the next block's start. A `Reader` over a block
(`cut=True`) reads exactly the records the reader over the whole stream reads
there, with the same lines and offsets, because a record never reaches past
such a place.

Streams the layout cannot cut (one document, a single-line array), and the rest
of a stream where no cut point comes within the record size limit, are handed
back as a `Tail` to be read in one piece.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, Final, NamedTuple

from ._buffer import CHUNK
from ._json import MAX_BYTES
from ._layout import sniff
from ._records import ArrayState

#: The size a block aims at.
BLOCK: Final = 4 << 20


class Block(NamedTuple):
    """Bytes that start at a record start, and where they are in their stream.

    The bytes are `head + body[:end]`, kept in two pieces so that the process that
    cuts the stream does not copy them (see `data()`).
    """

    head: bytes
    body: bytes
    end: int
    line: int
    offset: int
    inside_array: ArrayState | None

    @property
    def size(self) -> int:
        return len(self.head) + self.end

    def data(self) -> bytes:
        if not self.head and self.end == len(self.body):
            return self.body
        return self.head + self.body[: self.end]


class Tail(NamedTuple):
    """The rest of a stream, to be read in one piece: buffered bytes, then the stream."""

    head: bytes
    stream: BinaryIO
    line: int
    offset: int
    inside_array: ArrayState | None


def cut_blocks(
    stream: BinaryIO, *, block_size: int | None = None, max_record_bytes: int = MAX_BYTES
) -> Iterator[Block | Tail]:
    """The blocks of a stream, in order (see the module docstring).

    Each read of `block_size` bytes (by default `BLOCK`, looked up at the call) is cut at its last record start (looked for in its
    last `_WINDOW` bytes first); what follows the cut is carried into the next
    block. A block's bytes are not copied here: the main process of a `--jobs` run
    does this for every byte while the workers validate.
    """
    block_size = BLOCK if block_size is None else block_size
    data = stream.read(max(CHUNK, block_size))
    layout = sniff(data[:CHUNK])
    pattern = layout.record_start()
    line, offset, state = 1, 0, None
    if pattern is None:
        yield Tail(data, stream, line, offset, None)
        return
    carry = b""
    while data:
        cut = _last_start(pattern, carry, data)
        if cut <= 0:
            if len(carry) + len(data) > max_record_bytes + block_size:
                yield Tail(carry + data, stream, line, offset, state)
                return
            carry += data
        else:
            end = cut - len(carry)
            if end >= 0:
                block = Block(carry, data, end, line, offset, state)
                carry = data[end:]
            else:  # a start that begins in carry's last bytes (the seam)
                block = Block(b"", carry, cut, line, offset, state)
                carry = carry[cut:] + data
            yield block
            line += block.head.count(b"\n") + block.body.count(b"\n", 0, block.end)
            offset += cut
            state = layout.inside_array()
        data = stream.read(block_size)
    if carry:
        yield Block(b"", carry, len(carry), line, offset, state)


#: How far from the end of a read its last record start is looked for first.
_WINDOW: Final = 1 << 16
#: How far a record start may reach back across the end of the bytes before.
_SEAM: Final = 1 << 12


def _last_start(pattern: re.Pattern[bytes], carry: bytes, data: bytes) -> int:
    """Where the last record start in `carry + data` is (0: none).

    `carry` holds none (it is what followed the last cut, or bytes that held none), so
    only `data` is searched, and the seam: a start that begins in carry's last bytes.
    """
    last = None
    window = max(0, len(data) - _WINDOW)
    for match in pattern.finditer(data, window):
        last = match
    if last is None and window > 0:
        for match in pattern.finditer(data):
            last = match
    if last is not None:
        return len(carry) + last.start() + 1
    tail = carry[-_SEAM:]
    for match in pattern.finditer(tail + data[:_SEAM]):
        if match.start() < len(tail):
            last = match
    return len(carry) - len(tail) + last.start() + 1 if last is not None else 0
