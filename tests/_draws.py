"""Whether a strategy can draw a class of values, asked of each class on its own.

A test that counts what one run happened to draw depends on what ran before it (hypothesis
keeps state between tests); :func:`can_draw` searches for each class with a fixed seed and
no example database, so its answer is the same alone, in any order, or in the full suite.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning, NoSuchExample

SEARCH = settings(
    max_examples=2000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


def can_draw(strategy: st.SearchStrategy[Any], predicate: Callable[[Any], bool]) -> bool:
    """Whether ``strategy`` draws a value ``predicate`` holds for (within 2,000 draws)."""
    try:
        with warnings.catch_warnings():  # find() may render a large value it found: no matter
            warnings.simplefilter("ignore", HypothesisWarning)
            find(strategy, predicate, settings=SEARCH, random=random.Random(0))
    except NoSuchExample:
        return False
    return True


def draw_examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` values drawn by `strategy`, the same ones on every run (derandomized, no
    example database), for tests that need realistic values rather than a property."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


#: Values `broken` puts in a place: of every JSON type, and strings an enum or a tag may list.
JUNK = [None, 0, -1, 1.5, "", "e1", "p", "zz", "12", True, [], {}, [1], {"kind": "e"}]


@st.composite
def broken(draw: st.DrawFn, value: Any) -> Any:
    """`value` with one place replaced, a key dropped or an unknown key added."""
    if draw(st.integers(0, 6)) == 0:
        return draw(st.sampled_from(JUNK))
    if isinstance(value, dict) and value:
        value = dict(value)
        key = draw(st.sampled_from(sorted(value)))
        what = draw(st.sampled_from(["drop", "add", "inner"]))
        if what == "drop":
            del value[key]
        elif what == "add":
            value["zz_new"] = draw(st.sampled_from(JUNK))
        else:
            value[key] = draw(broken(value[key]))
        return value
    if isinstance(value, list) and value:
        value = list(value)
        index = draw(st.integers(0, len(value) - 1))
        value[index] = draw(broken(value[index]))
        return value
    return draw(st.sampled_from(JUNK))
