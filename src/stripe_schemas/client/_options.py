"""Request options as data: per-client defaults, per-call overrides, merged field by field.

`RequestOptions` is what stripe-python calls its request options: the API key, the
connected account (`Stripe-Account`), the API version, the idempotency key, the deadline
of each attempt and the number of retries. A client holds one as its defaults; each call
may pass another, and every field the call sets wins over the client's.

`Settings` is everything a client was built with (both clients share it), and
`Settings.plan` the bounds and headers of one call.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._checks import check_header_value, check_idempotency_key, check_max_retries, check_seconds
from ._core import ApiKey, Jitter, Limits, Retrying, RetryPolicy
from ._models import Models

__all__ = ["CallPlan", "RequestOptions", "Settings"]


def _api_key(value: str | ApiKey | None) -> ApiKey | None:
    if value is None or isinstance(value, ApiKey):
        return value
    return ApiKey(value)


def _header(name: str) -> Any:
    def validate(instance: object, attribute: object, value: object) -> None:
        if value is not None:
            check_header_value(name, value)

    return validate


def _idempotency_key(instance: object, attribute: object, value: Any) -> None:
    if value is not None:
        check_idempotency_key(value)


def _timeout(instance: object, attribute: object, value: Any) -> None:
    if value is not None:
        check_seconds("timeout", value)


def _max_retries(instance: object, attribute: object, value: Any) -> None:
    if value is not None:
        check_max_retries(value)


@attrs.frozen
class RequestOptions:
    """Options of a request; `None` leaves a field to the client's defaults.

    * `api_key`: the secret key to send (its repr is `ApiKey(<hidden>)`).
    * `stripe_account`: a connected account (`acct_…`) to act for, sent as
      `Stripe-Account` (Connect).
    * `stripe_version`: the `Stripe-Version` to send instead of the models' own API
      version (responses are still read into the client's models).
    * `idempotency_key`: the `Idempotency-Key` of one POST (never a client default).
    * `timeout`: seconds one attempt may take in all.
    * `max_retries`: how many times a failed attempt is retried.
    """

    api_key: ApiKey | None = attrs.field(default=None, converter=_api_key)
    stripe_account: str | None = attrs.field(default=None, validator=_header("stripe_account"))
    stripe_version: str | None = attrs.field(default=None, validator=_header("stripe_version"))
    idempotency_key: str | None = attrs.field(default=None, validator=_idempotency_key)
    timeout: float | None = attrs.field(default=None, validator=_timeout)
    max_retries: int | None = attrs.field(default=None, validator=_max_retries)

    def merged(self, over: RequestOptions | None) -> RequestOptions:
        """These options with every field that `over` sets taken from `over`."""
        if over is None:
            return self
        if not isinstance(over, RequestOptions):
            raise TypeError(f"options is a RequestOptions, not a {type(over).__name__}")
        changes = {
            field.name: value
            for field in attrs.fields(RequestOptions)
            if (value := getattr(over, field.name)) is not None
        }
        return attrs.evolve(self, **changes) if changes else self


@attrs.frozen
class CallPlan:
    """What one call sends with and is bounded by, after merging its options."""

    key: ApiKey
    limits: Limits
    retrying: Retrying
    stripe_version: str
    stripe_account: str | None
    idempotency_key: str | None


@attrs.frozen
class Settings:
    """A client's configuration: its models, defaults and bounds (shared by both clients)."""

    models: Models
    defaults: RequestOptions
    key: ApiKey
    limits: Limits
    retry: RetryPolicy
    jitter: Jitter

    @classmethod
    def build(
        cls,
        *,
        api_key: str | None,
        options: RequestOptions | None,
        models: Any,
        api_version: str | None,
        max_retries: int,
        timeout: float | None,
        call_timeout: float | None,
        max_response_bytes: int,
        jitter: Jitter,
    ) -> Settings:
        """The settings of a client; `options`, where it sets a field, wins over the
        `api_key`, `timeout` and `max_retries` arguments."""
        defaults = RequestOptions().merged(options)
        if defaults.idempotency_key is not None:
            raise ValueError(
                "an idempotency key belongs to one request: pass it to the call "
                "(idempotency_key= or options=), not to the client"
            )
        key = defaults.api_key or ApiKey.resolve(api_key)
        retries = check_max_retries(
            defaults.max_retries if defaults.max_retries is not None else max_retries
        )
        if defaults.timeout is not None:
            timeout = defaults.timeout
        return cls(
            models=Models.bind(models, api_version),
            defaults=attrs.evolve(defaults, api_key=key, max_retries=retries, timeout=timeout),
            key=key,
            limits=Limits(timeout, call_timeout, max_response_bytes),
            retry=RetryPolicy(max_retries=retries),
            jitter=jitter,
        )

    @property
    def stripe_version(self) -> str:
        """The `Stripe-Version` a call sends unless its options say otherwise."""
        return self.defaults.stripe_version or self.models.api_version

    def plan(self, options: RequestOptions | None, idempotency_key: str | None) -> CallPlan:
        """The headers and bounds of one call: the client's defaults, with every field the
        call's `options` sets (and `idempotency_key=`, the shorthand) taken from it."""
        merged = self.defaults.merged(options)
        if idempotency_key is not None:
            check_idempotency_key(idempotency_key)
            if options is not None and options.idempotency_key not in (None, idempotency_key):
                raise ValueError(
                    "two idempotency keys for one call: give it as idempotency_key= or "
                    "in options=, not both"
                )
        key = merged.api_key or self.key
        limits = self.limits
        if options is not None and options.timeout is not None:
            limits = attrs.evolve(limits, timeout=options.timeout)
        policy = self.retry
        if options is not None and options.max_retries is not None:
            policy = attrs.evolve(policy, max_retries=options.max_retries)
        return CallPlan(
            key=key,
            limits=limits,
            retrying=Retrying(policy, self.jitter, key, limits),
            stripe_version=merged.stripe_version or self.models.api_version,
            stripe_account=merged.stripe_account,
            idempotency_key=idempotency_key
            if idempotency_key is not None
            else merged.idempotency_key,
        )
