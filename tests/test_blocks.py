"""Cutting a stream into blocks for ``--jobs``: the blocks put back together are the
stream, each starts where a record starts, and its line and offset are the ones
counted from the stream itself."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from stripe_schemas.io import Block, Tail, cut_blocks


def _ndjson(sizes: list[int]) -> bytes:
    return b"".join(
        json.dumps({"i": i, "s": "x" * n}).encode() + b"\n" for i, n in enumerate(sizes)
    )


def _array(sizes: list[int], indent: int) -> bytes:
    return json.dumps([{"i": i, "s": "x" * n} for i, n in enumerate(sizes)], indent=indent).encode()


def _check(text: bytes, block_size: int, starts: bytes) -> list[Block | Tail]:
    pieces = list(cut_blocks(io.BytesIO(text), block_size=block_size))
    joined = b"".join(p.data() if isinstance(p, Block) else p.head for p in pieces)
    assert joined == text
    offset, line = 0, 1
    for piece in pieces:
        assert (piece.offset, piece.line) == (offset, line)
        assert offset == 0 or text[offset - 1 : offset + len(starts)] == b"\n" + starts
        data = piece.data() if isinstance(piece, Block) else piece.head
        offset += len(data)
        line += data.count(b"\n")
    return pieces


@pytest.mark.parametrize("seed", range(6))
def test_blocks_of_json_lines_are_the_stream_cut_at_record_starts(seed: int) -> None:
    rng = random.Random(seed)
    sizes = [rng.choice([0, 30, 900, 5000, 70_000]) for _ in range(rng.randint(200, 400))]
    text = _ndjson(sizes)
    block_size = rng.choice([50, 999, 5000, 70_000])
    pieces = _check(text, block_size, b"{")
    assert all(isinstance(p, Block) for p in pieces)
    assert len(pieces) > 1  # the text is longer than the first read (1 MiB)


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_blocks_of_a_pretty_printed_array_start_at_element_lines(indent: int) -> None:
    """Block boundaries fall where an element line starts, also when its indentation is split
    across two reads (the seam)."""
    sizes = [(i * 7919) % 8000 for i in range(300)]
    text = _array(sizes, indent)  # a little over the first read (1 MiB), then small reads
    assert 1 << 20 < len(text) < 1_400_000
    for block_size in (2, 3, 5, 4096 + 1, 65_537):
        pieces = _check(text, block_size, b" " * indent + b"{")
        assert len(pieces) > (10 if block_size < 65_537 else 1)
        assert all(p.inside_array is not None for p in pieces[1:])


def test_a_stream_without_cut_points_is_one_tail() -> None:
    text = json.dumps([{"i": i} for i in range(50_000)]).encode()  # one line
    pieces = list(cut_blocks(io.BytesIO(text), block_size=1000))
    assert (
        len(pieces) == 1
        and isinstance(pieces[0], Tail)
        and pieces[0].head == text[: len(pieces[0].head)]
    )


def test_a_record_longer_than_the_limit_leaves_the_rest_as_a_tail() -> None:
    text = _ndjson([1000] * 1200 + [3_000_000] + [10] * 5)
    pieces = list(cut_blocks(io.BytesIO(text), block_size=1000, max_record_bytes=100_000))
    assert isinstance(pieces[-1], Tail) and all(isinstance(p, Block) for p in pieces[:-1])
    assert pieces[-1].offset <= text.index(b'{"i": 1200,') < pieces[-1].offset + 101_000
    rest = pieces[-1].head + pieces[-1].stream.read()
    assert b"".join(p.data() for p in pieces[:-1] if isinstance(p, Block)) + rest == text


def test_a_worker_reads_a_plain_file_block_itself_and_notices_a_shorter_file(
    tmp_path: Path,
) -> None:
    from stripe_schemas.validation._parallel import Span

    path = tmp_path / "dump.jsonl"
    text = _ndjson([100] * 50)
    path.write_bytes(text)
    span = Span(str(path), 700, 3, 300, None)
    assert span.data() == text[300:1000]
    path.write_bytes(text[:900])
    with pytest.raises(OSError, match="changed while it was being read"):
        span.data()
