"""Hypothesis strategies for Stripe Identity: sessions, reports and histories that break no rule.

Thin wrappers: the generators live in `stripe_schemas.sampling` (shared with
`stripe-schemas sample`) and every choice they make is a hypothesis draw.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import Any, TypeVar

import hypothesis.strategies as st

from ..identity import REPORT, SESSION, TYPES
from ..sampling import Sampler, check_filters, default_sampler
from ._source import HypothesisSource

T = TypeVar("T")


@functools.lru_cache(maxsize=8)
def _sampler(now: int | None) -> Sampler:
    return default_sampler(now)


def _drawing(
    build: Callable[[Sampler, HypothesisSource], T], now: int | None
) -> st.SearchStrategy[T]:
    sampler = _sampler(now)

    @st.composite
    def strategy(draw: st.DrawFn) -> T:
        return build(sampler, HypothesisSource(draw))

    return strategy()


def _check_type(type: str | None) -> None:
    if type is not None and type not in TYPES:
        raise ValueError(f"type must be one of {TYPES}, not {type!r}")


def verification_sessions(
    status: str | Collection[str] | None = None,
    type: str | None = None,
    expanded: bool | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
    *,
    now: int | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Verification session payloads that pass strict `validate()` with no issue at all.

    `status`: one status or several (default: any). `type`: `document` or
    `id_number`. `expanded`: `last_verification_report` is an expanded report
    (pointing back at the session, with its type) / is not / either. `redacted`: the
    redaction is done (status `verified` or `canceled`, placeholders for personal
    data, empty metadata) / no redaction at all / any (an unfinished redaction too).
    `livemode` fixes it. `created` falls between 2021 and `now` (default: the time
    the strategy was first built). Invalid combinations raise `ValueError` at once.
    """
    statuses = check_filters(status, type, redacted)
    return _drawing(
        lambda sampler, src: sampler.session(src, statuses, type, expanded, redacted, livemode),
        now,
    )


def verification_reports(
    type: str | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
    verified: bool | None = None,
    *,
    now: int | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Standalone verification report payloads that pass strict `validate()` with no issue.

    `verified`: every check verified / some check unverified (with its error) / either.
    `redacted`: personal data replaced by Stripe's placeholders / real / either.
    """
    _check_type(type)

    def build(sampler: Sampler, src: HypothesisSource) -> dict[str, Any]:
        redact = redacted if redacted is not None else src.chance(0.25)
        return sampler.report(src, type=type, outcome=verified, redacted=redact, livemode=livemode)

    return _drawing(build, now)


def session_histories(
    events: bool | None = None,
    type: str | None = None,
    expanded: bool | None = None,
    livemode: bool | None = None,
    max_steps: int = 8,
    *,
    now: int | None = None,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """One session's snapshots and/or webhook events, oldest first, through documented moves.

    Created, then submitted, verified, failed back to `requires_input`, canceled or
    redacted (a `requires_input` session is canceled by its redaction), in any
    documented order. `events`: webhook events only / snapshots only / a mix. Each
    history passes `validate_history` with no issue.
    """
    _check_type(type)
    return _drawing(
        lambda sampler, src: sampler.history(src, events, type, expanded, livemode, max_steps),
        now,
    )


def lenient_verification_sessions(
    status: str | Collection[str] | None = None,
    type: str | None = None,
    expanded: bool | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
    *,
    now: int | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Sessions as a newer API version sends them: unknown fields and unknown enum values.

    Lenient `validate()` finds notices only; strict mode rejects the new fields.
    """
    statuses = check_filters(status, type, redacted)

    def build(sampler: Sampler, src: HypothesisSource) -> dict[str, Any]:
        session = sampler.session(src, statuses, type, expanded, redacted, livemode)
        return sampler.loosen(src, session, SESSION)

    return _drawing(build, now)


def lenient_verification_reports(
    type: str | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
    *,
    now: int | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Reports as a newer API version sends them (see `lenient_verification_sessions()`)."""
    _check_type(type)

    def build(sampler: Sampler, src: HypothesisSource) -> dict[str, Any]:
        redact = redacted if redacted is not None else src.chance(0.25)
        report = sampler.report(src, type=type, redacted=redact, livemode=livemode)
        return sampler.loosen(src, report, REPORT)

    return _drawing(build, now)


def _structured(strategy: st.SearchStrategy[dict[str, Any]], key: str) -> st.SearchStrategy[Any]:
    from stripe_models import model_for

    from ..converters import structure

    model = model_for(key)
    return strategy.map(lambda payload: structure(payload, model))


def verification_session_instances(
    status: str | Collection[str] | None = None,
    type: str | None = None,
    expanded: bool | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
    *,
    now: int | None = None,
) -> st.SearchStrategy[Any]:
    """`stripe_models.identity.VerificationSession` instances (see `verification_sessions()`)."""
    sessions = verification_sessions(status, type, expanded, redacted, livemode, now=now)
    return _structured(sessions, SESSION)


def verification_report_instances(
    type: str | None = None,
    redacted: bool | None = None,
    livemode: bool | None = None,
    verified: bool | None = None,
    *,
    now: int | None = None,
) -> st.SearchStrategy[Any]:
    """`stripe_models.identity.VerificationReport` instances (see `verification_reports()`)."""
    return _structured(verification_reports(type, redacted, livemode, verified, now=now), REPORT)
