"""Timing helpers: medians over repeated rounds, so a noisy shared machine reports stable ratios."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def per_call(fn: Callable[[], Any], *, rounds: int = 15, min_time: float = 0.05) -> float:
    """Median seconds per call of ``fn`` over ``rounds`` rounds (each round runs ≥ ``min_time``)."""
    fn()  # warm up (caches, lazily built hooks)
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        number *= 2
    samples = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples.append((time.perf_counter() - start) / number)
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(samples)


def once(fn: Callable[[], Any], *, rounds: int = 3) -> float:
    """Median wall time of a slow operation run ``rounds`` times (no inner loop)."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def rounds_of(fns: dict[str, Callable[[], Any]], *, rounds: int = 3) -> Timings:
    """Slow operations (a second or more each), each run once per round, in an order that
    rotates from round to round, without a warm-up: medians and every round kept."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            fns[name]()
            samples[name].append(time.perf_counter() - start)
    return Timings.of(samples)


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def table(title: str, rows: Sequence[tuple[str, float]] | Timings, baseline: str) -> str:
    """A Markdown table of median times with each row's ratio to `baseline`; given the
    `Timings` of side-by-side rounds, also the spread of each time and of each ratio."""
    timings = rows if isinstance(rows, Timings) else None
    pairs = list(rows.items()) if isinstance(rows, Timings) else list(rows)
    base = dict(pairs)[baseline]
    head = "| implementation | median | ratio vs " + baseline + " |"
    rule = "|---|---:|---:|"
    if timings is not None:
        head = (
            "| implementation | median | spread over the rounds | ratio vs "
            + baseline
            + " (spread) |"
        )
        rule = "|---|---:|---:|---:|"
    lines = [f"### {title}", "", head, rule]
    for name, seconds in pairs:
        if timings is None:
            lines.append(f"| {name} | {fmt_time(seconds)} | {seconds / base:.2f}\u00d7 |")
            continue
        low, high = min(timings.rounds[name]), max(timings.rounds[name])
        spread = f"{fmt_time(low)} \u2013 {fmt_time(high)}"
        ratio = fmt_ratio(timings.ratio(name, baseline))
        lines.append(f"| {name} | {fmt_time(seconds)} | {spread} | {ratio} |")
    return "\n".join(lines)


class Timings(dict[str, float]):
    """Median seconds per call by name, with every round's figure kept (``rounds``), so a
    ratio can be given with its spread over the rounds, each a side-by-side run."""

    rounds: dict[str, list[float]]

    @classmethod
    def of(cls, samples: dict[str, list[float]]) -> Timings:
        """The medians of every round's seconds per call, with the rounds kept."""
        out = cls({name: statistics.median(values) for name, values in samples.items()})
        out.rounds = samples
        return out

    def ratio(self, a: str, b: str) -> tuple[float, float, float]:
        """``a``'s time over ``b``'s: the median of the per-round ratios, then the lowest and
        the highest (the spread over the rounds)."""
        per = sorted(x / y for x, y in zip(self.rounds[a], self.rounds[b], strict=True))
        return statistics.median(per), per[0], per[-1]


def fmt_ratio(ratio: tuple[float, float, float]) -> str:
    """A median ratio and its spread over the rounds: `2.31x (2.20-2.45)`, in the signs of
    the tables."""
    median, low, high = ratio
    return f"{median:.2f}\u00d7 ({low:.2f}\u2013{high:.2f})"


def interleaved(
    fns: dict[str, Callable[[], Any]], *, rounds: int = 15, min_time: float = 0.02
) -> Timings:
    """Median seconds per call of each function, measured round-robin in the same rounds.

    Each round times every function in turn (the order rotates), so a burst of load on
    a shared machine hits all of them alike and the ratios stay meaningful.
    """
    numbers: dict[str, int] = {}
    for name, fn in fns.items():
        fn()  # warm up
        number = 1
        while True:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            if time.perf_counter() - start >= min_time:
                break
            number *= 2
        numbers[name] = number
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_ in range(rounds):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                fn, number = fns[name], numbers[name]
                start = time.perf_counter()
                for _ in range(number):
                    fn()
                samples[name].append((time.perf_counter() - start) / number)
    finally:
        if gc_was_enabled:
            gc.enable()
    return Timings.of(samples)
