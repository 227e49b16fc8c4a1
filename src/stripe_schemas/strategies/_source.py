"""A [`Source`][stripe_schemas.sampling.Source] backed by hypothesis' `draw`.

Every choice of the generators becomes one hypothesis draw, so hypothesis explores,
replays (`@reproduce_failure`, the example database) and shrinks them like any
other strategy: a failing session shrinks towards fewer optional fields, the first
enum value and short strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import hypothesis
import hypothesis.strategies as st

T = TypeVar("T")

_TEXT = st.characters(codec="utf-8")


class HypothesisSource:
    """Choices drawn by hypothesis (inside `st.composite` or `st.data()`)."""

    def __init__(
        self, draw: st.DrawFn, specials: Mapping[Any, st.SearchStrategy[Any]] | None = None
    ) -> None:
        self.draw = draw
        self.specials = specials or {}

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def chance(self, probability: float) -> bool:
        if probability <= 0:
            return False
        if probability >= 1:
            return True
        # The simplest draw (0), which hypothesis tries often and shrinks towards, gives the
        # likelier outcome; a uniform draw gives True with about `probability`.
        value = self.draw(st.integers(0, 999))
        if probability >= 0.5:
            return value < round(probability * 1000)
        return value >= 1000 - round(probability * 1000)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.draw(st.integers(0, len(options) - 1))]

    def text(self, min_size: int, max_size: int, alphabet: str | None = None) -> str:
        chars = st.sampled_from(alphabet) if alphabet is not None else _TEXT
        return self.draw(st.text(chars, min_size=min_size, max_size=max_size))

    def special(self, key: Any) -> Any:
        return self.draw(self.specials[key])

    def reject(self) -> None:
        hypothesis.reject()
