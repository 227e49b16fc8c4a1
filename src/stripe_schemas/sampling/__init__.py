"""Realistic payloads without hypothesis: the generators behind the strategies and `sample`.

Every choice goes through a `Source`; `stripe_schemas.strategies` plugs in
hypothesis, `stripe-schemas sample` a seeded `RandomSource`. This package does
not import hypothesis.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from ..identity import REPORT, SESSION
from ..model import load_default_document
from ._identity import Sampler, check_filters, redact, redact_session
from ._source import RandomSource, Source
from ._walk import ABSENT, ID_SPACE, Maybe, Walker, default_now, id_body

__all__ = [
    "ABSENT",
    "ID_SPACE",
    "MODELS",
    "Maybe",
    "RandomSource",
    "Sampler",
    "Source",
    "Walker",
    "default_now",
    "default_sampler",
    "draw",
    "id_body",
    "redact",
    "redact_session",
    "sample",
    "check_filters",
]

#: What `sample` can draw.
MODELS = (SESSION, REPORT)


def default_sampler(now: int | None = None) -> Sampler:
    """A sampler over the committed JSON Schema document (`created` up to `now`)."""
    return Sampler(Walker(load_default_document(), now=now))


def draw(
    sampler: Sampler,
    src: Source,
    model: str,
    *,
    status: str | Collection[str] | None = None,
    type: str | None = None,
    expanded: bool | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
) -> dict[str, Any]:
    """One payload of `model` (a session or a report) that breaks no rule."""
    if model == SESSION:
        statuses = check_filters(status, type, redacted)
        return sampler.session(src, statuses, type, expanded, redacted, livemode)
    if model == REPORT:
        if status is not None or expanded is not None:
            raise ValueError("status and expanded apply to sessions only")
        check_filters(None, type, None)
        return sampler.report(src, type=type, redacted=bool(redacted), livemode=livemode)
    raise ValueError(f"cannot sample {model!r}; choose from {', '.join(MODELS)}")


def sample(
    model: str,
    count: int,
    seed: int | str,
    *,
    now: int | None = None,
    **filters: Any,
) -> Iterator[dict[str, Any]]:
    """`count` payloads of `model` from a seeded `random.Random` (same seed, same output)."""
    sampler = default_sampler(now)
    src = RandomSource(seed)
    options: Mapping[str, Any] = filters
    for _ in range(count):
        yield draw(sampler, src, model, **options)
