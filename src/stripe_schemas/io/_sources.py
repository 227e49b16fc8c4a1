"""Where records come from: files, directories (recursively), standard input; compressed or not.

Compression is recognised by its magic bytes, whatever the file is called: gzip,
bzip2 and xz are read as streams, so a compressed file costs no more memory than
a plain one. A compressed stream that ends early or is corrupt ends the stream
and leaves a `StreamError` on the `Opened` (the reader has already
reported the last, incomplete record as unreadable).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs

#: File names a directory is searched for (a compressed variant of each too).
SUFFIXES: Final = (".json", ".jsonl", ".ndjson")
COMPRESSED_SUFFIXES: Final = (".gz", ".bz2", ".xz")
#: Suffixes of files that hold one record per line (they may be cut into byte ranges).
STDIN: Final = "-"

_MAGIC: Final = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
}


@attrs.frozen
class Source:
    """One input: a file path, or `-` for standard input."""

    path: str

    @property
    def name(self) -> str:
        """How messages name it."""
        return "<stdin>" if self.path == STDIN else self.path

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


@attrs.frozen
class Problem:
    """A path that gives no records: missing, unreadable, or a directory without payload files."""

    path: str
    message: str


@attrs.frozen
class Skipped:
    """Files in a directory that were not read, because of their names."""

    directory: str
    count: int


def payload_file(name: str) -> bool:
    """Whether a directory entry is read: `*.json`, `*.jsonl`, `*.ndjson`, or those compressed."""
    lower = name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
            break
    return lower.endswith(SUFFIXES)


def expand(paths: list[str]) -> Iterator[Source | Problem | Skipped]:
    """The inputs named by `paths`: directories searched recursively (sorted, links to
    directories not followed), other paths as they are; each problem is reported."""
    for raw in paths:
        if raw == STDIN:
            yield Source(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            found = 0
            skipped = 0
            for root, dirs, files in os.walk(path, onerror=None):
                dirs.sort()
                for name in sorted(files):
                    if payload_file(name):
                        found += 1
                        yield Source(os.path.join(root, name))
                    else:
                        skipped += 1
            if skipped:
                yield Skipped(raw, skipped)
            if not found:
                yield Problem(raw, "no .json, .jsonl or .ndjson files (or compressed ones) found")
        elif path.exists() or path.is_symlink():
            yield Source(raw)
        else:
            yield Problem(raw, "no such file or directory")


class StreamError(Exception):
    """A compressed stream that ends early or is corrupt."""


class _Guarded:
    """A decompressing stream whose errors end it (kept in `error`) instead of raising."""

    def __init__(self, stream: BinaryIO, kind: str) -> None:
        self.stream = stream
        self.kind = kind
        self.error: StreamError | None = None
        self.produced = 0

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all when negative); what was decompressed before an error
        is returned, and the stream ends there."""
        parts: list[bytes] = []
        wanted = size if size >= 0 else 1 << 62
        while self.error is None and wanted > 0:
            try:  # read1: one step of decompression (read() loses it at a truncation)
                data = self.stream.read1(min(wanted, 1 << 20))  # type: ignore[attr-defined]
            except EOFError:
                self._fail("ends early (truncated file?)")
                break
            except (OSError, zlib.error, lzma.LZMAError) as exc:
                what = exc.strerror if isinstance(exc, OSError) and exc.strerror else None
                self._fail(f"is corrupt ({what or type(exc).__name__})")
                break
            if not data:
                break
            parts.append(data)
            self.produced += len(data)
            wanted -= len(data)
        return b"".join(parts)

    def _fail(self, what: str) -> None:
        self.error = StreamError(
            f"the {self.kind} data {what} after {self.produced} decompressed bytes"
        )

    def close(self) -> None:
        self.stream.close()


@attrs.define
class Opened:
    """An input opened for reading: its binary stream, its size when known, its compression."""

    source: Source
    stream: BinaryIO
    #: Size in bytes of what the reader will read (None for pipes and compressed files).
    size: int | None
    compression: str | None
    _raw: BinaryIO | None = None

    @property
    def error(self) -> StreamError | None:
        """The compressed stream's error, once reading has met it."""
        guarded = self.stream
        return guarded.error if isinstance(guarded, _Guarded) else None

    def consumed(self) -> int | None:
        """Bytes taken from the file itself so far (compressed bytes for a compressed file),
        to set against its size on disk; None where that cannot be told (a pipe, stdin)."""
        if self._raw is None or self.source.is_stdin:
            return None
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        self.stream.close()
        if self._raw is not None and not self._raw.closed:
            self._raw.close()


class Prefixed:
    """A binary stream with some bytes already read from it put back in front."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0 or size >= len(self.head):
                head, self.head = self.head, b""
                rest = self.stream.read(-1 if size < 0 else size - len(head))
                return head + rest
            head, self.head = self.head[:size], self.head[size:]
            return head
        return self.stream.read(size)

    def close(self) -> None:
        self.stream.close()

    @property
    def closed(self) -> bool:
        return bool(self.stream.closed)


def open_source(source: Source) -> Opened:
    """Open an input for reading (OSError if it cannot be opened)."""
    raw: BinaryIO
    size: int | None = None
    if source.is_stdin:
        raw = sys.stdin.buffer
    else:
        raw = open(source.path, "rb")  # noqa: SIM115 - closed by Opened.close
        info = os.fstat(raw.fileno())
        if stat.S_ISREG(info.st_mode):
            size = info.st_size
    head = raw.read(6)
    peeked: BinaryIO = Prefixed(head, raw)  # type: ignore[assignment]
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            decompressed: Any
            if kind == "gzip":
                decompressed = gzip.GzipFile(fileobj=peeked, mode="rb")
            elif kind == "bzip2":
                decompressed = bz2.BZ2File(peeked, mode="rb")
            else:
                decompressed = lzma.LZMAFile(peeked, mode="rb")  # noqa: SIM115 - closed by Opened.close
            guarded: BinaryIO = _Guarded(decompressed, kind)  # type: ignore[assignment]
            return Opened(source, guarded, None, kind, raw)
    return Opened(source, peeked, size, None, raw)
