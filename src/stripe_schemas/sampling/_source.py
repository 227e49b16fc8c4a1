"""Where the random choices come from: a seeded `random.Random`, or hypothesis.

The generators in this package make every choice through a `Source`, so one
piece of code serves two masters: `stripe_schemas.strategies` wraps a source around
hypothesis' `draw` (so hypothesis controls, replays and shrinks every choice), and
`stripe-schemas sample` uses `RandomSource` (a seeded `random.Random`:
the same seed gives the same output, without hypothesis' engine or internals).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

#: Characters mixed into free text: ASCII, Latin accents, Greek, Cyrillic, CJK, an emoji.
#: All are valid in UTF-8 JSON (no lone surrogates); several take more than one byte.
MIXED_TEXT = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-'"
    "éèüöäßøåçñłžŁØÉÜ"
    "ΩπλжЖщ"
    "中文日本語한국"
    "\U0001f600\u2028"
)


class Source(Protocol):
    """The choices a generator can make."""

    def integer(self, low: int, high: int) -> int:
        """An integer in `[low, high]`."""

    def chance(self, probability: float) -> bool:
        """`True` with about this probability."""

    def choice(self, options: Sequence[T]) -> T:
        """One of `options` (not empty)."""

    def text(self, min_size: int, max_size: int, alphabet: str | None = None) -> str:
        """A string of `min_size` to `max_size` characters (any UTF-8 text by default)."""

    def special(self, key: Any) -> Any:
        """A value from an outside strategy (hypothesis only; `KeyError` elsewhere)."""

    def reject(self) -> None:
        """Give up on this draw (a recursion budget ran out)."""


class RandomSource:
    """Choices from a seeded `random.Random` (deterministic for a given seed)."""

    def __init__(self, seed: int | str | None = None, *, rng: random.Random | None = None) -> None:
        self.rng = rng if rng is not None else random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def text(self, min_size: int, max_size: int, alphabet: str | None = None) -> str:
        pool = alphabet if alphabet is not None else MIXED_TEXT
        size = self.rng.randint(min_size, max_size)
        return "".join(pool[self.rng.randrange(len(pool))] for _ in range(size))

    def special(self, key: Any) -> Any:
        raise KeyError(key)

    def reject(self) -> None:
        raise RuntimeError("the draw ran out of its recursion budget")
