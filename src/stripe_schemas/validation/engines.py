"""Validating streams of records: what the `validate` command and the Dask engine share.

`run_local()` validates inputs in this process and `run_jobs()` in worker processes
(`--jobs`); both yield the same `Found` / `Finished` events, in input
order, counted in a `Tally`. `check_items()` is the loop under both: every
record a [`Reader`][stripe_schemas.io.Reader] gives, validated and counted.
"""

from __future__ import annotations

from ._parallel import run_jobs
from ._stream import (
    Advance,
    Event,
    Finished,
    Found,
    Outcome,
    Settings,
    Status,
    Tally,
    check_items,
    finish,
    run_local,
)

__all__ = [
    "Advance",
    "Event",
    "Finished",
    "Found",
    "Outcome",
    "Settings",
    "Status",
    "Tally",
    "check_items",
    "finish",
    "run_jobs",
    "run_local",
]
