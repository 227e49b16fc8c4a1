"""The asynchronous client (httpx.AsyncClient): the same behaviour as `Client`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx

from stripe_models.identity import VerificationSession
from stripe_models.params.identity import (
    VerificationSessionCancelParams,
    VerificationSessionCreateParams,
    VerificationSessionListParams,
    VerificationSessionRedactParams,
    VerificationSessionRetrieveParams,
    VerificationSessionUpdateParams,
)

from ..converters import Mode
from ._core import (
    DEFAULT_BASE_URL,
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    ApiKey,
    BodyBuffer,
    BodyTooLarge,
    Jitter,
    Limits,
    Page,
    Prepared,
    Retrying,
    RetryPolicy,
    body_too_large_error,
    check_base_url,
    check_mode,
    default_jitter,
    parse,
    prepare,
    request_timeout,
)
from ._paging import next_page_params
from ._transport import AsyncDeadlineTransport, deadline

T = TypeVar("T")

Params = Mapping[str, Any]


class AsyncClient:
    """The async twin of [`Client`][stripe_schemas.client.Client] (`httpx.AsyncClient`).

    `api_key` defaults to `$STRIPE_API_KEY`. Every request carries
    `Stripe-Version: stripe_models.API_VERSION`; every POST an `Idempotency-Key`
    (yours, or a new UUID) kept across retries. Parameters are checked against the
    spec before anything is sent; responses are structured with the converters in
    `mode` (lenient by default: fields newer than the spec are kept). `sleep` and
    `jitter` are there for tests.

    Bounds: `timeout` seconds for each attempt in all (connecting, sending, the whole
    response, however slowly it arrives), `call_timeout` seconds for the call (every
    attempt and every wait between them; None turns either off), and a response body of
    at most `max_response_bytes` (decoded). The API key is only sent over https, or
    plain http to this machine (`allow_insecure_http=True` lifts that).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        max_retries: int = 2,
        timeout: float | None = DEFAULT_TIMEOUT,
        call_timeout: float | None = DEFAULT_CALL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool = False,
        mode: Mode = "lenient",
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Jitter = default_jitter,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"max_retries is an int, not a {type(max_retries).__name__}")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self._key = ApiKey.resolve(api_key)
        self.base_url = check_base_url(base_url, allow_insecure_http)
        self.limits = Limits(timeout, call_timeout, max_response_bytes)
        self.retry = RetryPolicy(max_retries=max_retries)
        self._retrying = Retrying(self.retry, jitter, self._key, self.limits)
        self.mode: Mode = check_mode(mode)
        self._own_http = http_client is None
        if http_client is None:
            transport = AsyncDeadlineTransport(httpx.URL(self.base_url))
            http_client = httpx.AsyncClient(transport=transport, timeout=timeout)
        elif not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client is an httpx.AsyncClient, not {type(http_client).__name__}"
            )
        self._http = http_client
        self._sleep = sleep
        self.verification_sessions = AsyncVerificationSessions(self)

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r}, max_retries={self.retry.max_retries})"

    async def aclose(self) -> None:
        """Close the connection pool (only if the client created it)."""
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- one request, with retries ---------------------------------------------------------

    async def _send(self, prepared: Prepared) -> tuple[httpx.Response, bytearray]:
        headers = {**prepared.headers, "Authorization": self._key.authorization()}
        url = self.base_url + prepared.target
        call_ends = self.limits.call_ends(time.monotonic())
        attempt = 0
        while True:
            attempt += 1
            ends = self.limits.attempt_ends(time.monotonic(), call_ends)
            try:
                response, body = await self._attempt(prepared, url, headers, ends)
            except httpx.TransportError as exc:
                await self._sleep(self._retrying.after_failure(prepared, attempt, exc, call_ends))
                continue
            except BodyTooLarge as exc:
                raise body_too_large_error(exc, self._key) from None
            wait = self._retrying.after_response(prepared, attempt, response, call_ends)
            if wait is None:
                return response, body
            await self._sleep(wait)

    async def _attempt(
        self, prepared: Prepared, url: str, headers: dict[str, str], ends: float | None
    ) -> tuple[httpx.Response, bytearray]:
        """One request and its whole response, by the deadline `ends` (None: none)."""
        timeout = request_timeout(self._http.timeout, ends)
        request = self._http.build_request(
            prepared.method, url, content=prepared.body, headers=headers, timeout=timeout
        )
        with deadline(ends):
            response = await self._http.send(request, stream=True)
            try:
                buffer = BodyBuffer(response, self.limits)
                async for chunk in response.aiter_bytes():
                    buffer.add(chunk)
            finally:
                await response.aclose()
        return response, buffer.body

    async def _call(
        self,
        model: type,
        path_args: tuple[str, ...],
        params: object,
        target: type[T],
        idempotency_key: str | None,
    ) -> T:
        prepared = prepare(model, path_args, params, idempotency_key=idempotency_key)
        response, body = await self._send(prepared)
        result: T = parse(response, body, target, self.mode, self._key)
        return result

    async def _page(self, model: type, params: object, item: type[T]) -> Page[T]:
        prepared = prepare(model, (), params)
        response, body = await self._send(prepared)
        result: Page[T] = parse(response, body, item, self.mode, self._key, page=True)
        return result


class AsyncVerificationSessions:
    """`/v1/identity/verification_sessions`: the six operations (awaitable)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def create(
        self,
        params: VerificationSessionCreateParams | Params,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Create a session."""
        return await self._client._call(
            VerificationSessionCreateParams, (), params, VerificationSession, idempotency_key
        )

    async def retrieve(
        self, id: str, params: VerificationSessionRetrieveParams | Params | None = None
    ) -> VerificationSession:
        """Retrieve a session by ID (`params` for `expand`)."""
        return await self._client._call(
            VerificationSessionRetrieveParams, (id,), params, VerificationSession, None
        )

    async def update(
        self,
        id: str,
        params: VerificationSessionUpdateParams | Params,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Update a session (Stripe allows it in `requires_input` only)."""
        return await self._client._call(
            VerificationSessionUpdateParams, (id,), params, VerificationSession, idempotency_key
        )

    async def cancel(
        self,
        id: str,
        params: VerificationSessionCancelParams | Params | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Cancel a session (from `requires_input` only)."""
        return await self._client._call(
            VerificationSessionCancelParams, (id,), params, VerificationSession, idempotency_key
        )

    async def redact(
        self,
        id: str,
        params: VerificationSessionRedactParams | Params | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Redact a session (from `requires_input`, which cancels it, or `verified`)."""
        return await self._client._call(
            VerificationSessionRedactParams, (id,), params, VerificationSession, idempotency_key
        )

    async def list(
        self, params: VerificationSessionListParams | Params | None = None
    ) -> Page[VerificationSession]:
        """One page of sessions, newest first."""
        return await self._client._page(VerificationSessionListParams, params, VerificationSession)

    async def list_auto_paging(
        self, params: VerificationSessionListParams | Params | None = None
    ) -> AsyncIterator[VerificationSession]:
        """Every session the list selects, page after page (`starting_after` the last one;
        `ending_before` the first one, when the first page was asked for with it)."""
        page = await self.list(params)
        while True:
            for item in page.data:
                yield item
            following = next_page_params(params, page)
            if following is None:
                return
            page = await self.list(following)
