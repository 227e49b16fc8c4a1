"""Input: the one JSON front end, the record reader, and where records come from.

* `decode()` / `loads()` / `dumps()`: every byte of JSON the package reads or
  writes goes through here (orjson when installed, the standard library otherwise, with
  the same strict rules: UTF-8 only, no NaN, a leading byte order mark skipped);
* `Reader`: the records of a stream in bounded memory (one record plus one chunk),
  as `Record`, `Batch` (clean JSON Lines) and `Stop` items;
* sources: files, directories, standard input and compressed input (`expand()`,
  `open_source()`), and where a stream can be cut for parallel work
  (`sniff()`, `cut_blocks()`);
* `check_value()`: whether a Python value is one JSON can hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..requires import lazy_names
from ._json import (
    MAX_BYTES,
    NOTHING,
    REFUSED,
    Decoded,
    decode,
    dumps,
    fast_decode,
    loads,
)
from ._locate import locate
from ._vet import check_value, shallow

if TYPE_CHECKING:  # imported on first use (see __getattr__): a webhook handler needs none
    from ._blocks import Block, Tail, cut_blocks
    from ._buffer import CHUNK
    from ._layout import Layout, sniff
    from ._reader import Reader, read_text
    from ._records import ArrayState, Batch, Item, Record, Stop
    from ._sources import Opened, Prefixed, Problem, Skipped, Source, expand, open_source

#: The reading and splitting of streams, by the module that defines each name: imported on
#: first use, so that what decodes one payload (a webhook, a client) starts faster.
_LAZY = {
    **dict.fromkeys(("Block", "Tail", "cut_blocks"), "_blocks"),
    "CHUNK": "_buffer",
    **dict.fromkeys(("Layout", "sniff"), "_layout"),
    **dict.fromkeys(("Reader", "read_text"), "_reader"),
    **dict.fromkeys(("ArrayState", "Batch", "Item", "Record", "Stop"), "_records"),
    **dict.fromkeys(
        ("Opened", "Prefixed", "Problem", "Skipped", "Source", "expand", "open_source"), "_sources"
    ),
}


if not TYPE_CHECKING:  # a type checker sees the names above, and flags any other
    __getattr__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "CHUNK",
    "MAX_BYTES",
    "NOTHING",
    "REFUSED",
    "ArrayState",
    "Batch",
    "Block",
    "Decoded",
    "Item",
    "Layout",
    "Opened",
    "Prefixed",
    "Problem",
    "Reader",
    "Record",
    "Skipped",
    "Source",
    "Stop",
    "Tail",
    "check_value",
    "cut_blocks",
    "decode",
    "dumps",
    "expand",
    "fast_decode",
    "loads",
    "locate",
    "open_source",
    "read_text",
    "shallow",
    "sniff",
]
