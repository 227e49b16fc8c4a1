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

from ._blocks import Block, Tail, cut_blocks
from ._buffer import CHUNK
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
from ._layout import Layout, sniff
from ._locate import locate
from ._reader import Reader, read_text
from ._records import ArrayState, Batch, Item, Record, Stop
from ._sources import Opened, Prefixed, Problem, Skipped, Source, expand, open_source
from ._vet import check_value, shallow

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
