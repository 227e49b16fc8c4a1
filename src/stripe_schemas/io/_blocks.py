"""Cut a stream into blocks that start where records start, for parallel validation.

A block is bytes that begin at a record start (the stream's start, or a place
the stream's :class:`~._reader.Layout` says a record may start: a line that
begins with a bracket, or an element line of a pretty-printed array) and end
just before the next block's start. A :class:`~._reader.Reader` over a block
(``cut=True``) reads exactly the records the reader over the whole stream reads
there, with the same lines and offsets, because a record never reaches past
such a place.

Streams the layout cannot cut (one document, a single-line array), and the rest
of a stream where no cut point comes within the record size limit, are handed
back as a :class:`Tail` to be read in one piece.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Final, NamedTuple

from ._json import MAX_BYTES
from ._reader import CHUNK, ArrayState, sniff

#: The size a block aims at.
BLOCK: Final = 4 << 20


class Block(NamedTuple):
    """Bytes that start at a record start, and where they are in their stream."""

    data: bytes
    line: int
    offset: int
    inside_array: ArrayState | None


class Tail(NamedTuple):
    """The rest of a stream, to be read in one piece: buffered bytes, then the stream."""

    head: bytes
    stream: BinaryIO
    line: int
    offset: int
    inside_array: ArrayState | None


def cut_blocks(
    stream: BinaryIO, *, block_size: int = BLOCK, max_record_bytes: int = MAX_BYTES
) -> Iterator[Block | Tail]:
    """The blocks of a stream, in order (see the module docstring)."""
    buf = bytearray(stream.read(max(CHUNK, block_size)))
    eof = not buf
    layout = sniff(bytes(buf[:CHUNK]))
    pattern = layout.record_start()
    line, offset, state = 1, 0, None
    if pattern is None:
        yield Tail(bytes(buf), stream, line, offset, None)
        return
    while True:
        cut = -1
        while not eof:
            match = pattern.search(buf, min(block_size, len(buf)))
            if match is not None:
                cut = match.start() + 1
                break
            if len(buf) > max_record_bytes + block_size:
                yield Tail(bytes(buf), stream, line, offset, state)
                return
            data = stream.read(block_size)
            eof = not data
            buf += data
        if cut < 0:  # the end of the stream
            if buf:
                yield Block(bytes(buf), line, offset, state)
            return
        block = bytes(buf[:cut])
        yield Block(block, line, offset, state)
        line += block.count(b"\n")
        offset += cut
        del buf[:cut]
        state = layout.inside_array()
