"""A small Stripe client for the Verification Session and Report operations (needs `[client]`).

::

    from stripe_schemas.client import Client
    from stripe_models.params.identity import VerificationSessionCreateParams

    with Client() as stripe:                                  # key from $STRIPE_API_KEY
        session = stripe.verification_sessions.create(
            VerificationSessionCreateParams(type="document", metadata={"order": "42"})
        )
        request_id(session)                                   # "req_…"
        for each in stripe.verification_sessions.list_auto_paging({"status": "verified"}):
            ...

Parameters (generated classes or plain mappings) are checked against the spec
before anything is sent (`stripe_schemas.PayloadError`), encoded exactly as
the official `stripe` package does (`stripe_schemas.forms`), sent with an
`Idempotency-Key` on every POST, retried with backoff on connection failures,
409, 429 and 5xx (honouring `Stripe-Should-Retry`), and answered with typed
models or a typed `StripeError`. The API key never appears in a repr, a
log line or an exception, and goes only over https (or plain http to this
machine). Each attempt has a total deadline (`timeout`, 80 s) and so has the
whole call with its retries (`call_timeout`, 300 s); response bodies are read
up to `max_response_bytes` (64 MiB). `AsyncClient` does the same with
`await`.

A client speaks for one generated package: the newest bundled one, the bundled one of
`api_version=`, or `models=`, one you generated. `RequestOptions` (key,
`stripe_account` for Connect, `stripe_version`, `idempotency_key`, `timeout`,
`max_retries`) are the client's defaults (`options=`) and each call's overrides.
"""

# ruff: noqa: E402 - the imports below come after the check that httpx is installed
from __future__ import annotations

from ..requires import require

require("httpx", "client", "stripe_schemas.client")

from ..model import UnknownApiVersion
from ._async import AsyncClient, AsyncVerificationReports, AsyncVerificationSessions
from ._core import Page, RetryPolicy, request_id
from ._errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitError,
    StripeError,
)
from ._models import MissingOperationError
from ._options import RequestOptions
from ._sync import Client, VerificationReports, VerificationSessions

__all__ = [
    "APIConnectionError",
    "APIError",
    "AsyncClient",
    "AsyncVerificationReports",
    "AsyncVerificationSessions",
    "AuthenticationError",
    "CardError",
    "Client",
    "IdempotencyError",
    "InvalidRequestError",
    "InvalidResponseError",
    "MissingOperationError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestOptions",
    "RetryPolicy",
    "StripeError",
    "UnknownApiVersion",
    "VerificationReports",
    "VerificationSessions",
    "request_id",
]
