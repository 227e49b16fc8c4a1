"""The asynchronous client (httpx.AsyncClient): the same behaviour as :class:`Client`."""

from __future__ import annotations

import asyncio
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
    DEFAULT_TIMEOUT,
    ApiKey,
    Jitter,
    Page,
    Prepared,
    Retrying,
    RetryPolicy,
    default_jitter,
    parse,
    prepare,
)
from ._paging import next_page_params

T = TypeVar("T")

Params = Mapping[str, Any]


class AsyncClient:
    """The async twin of :class:`~stripe_schemas.client.Client` (``httpx.AsyncClient``).

    ``api_key`` defaults to ``$STRIPE_API_KEY``. Every request carries
    ``Stripe-Version: stripe_models.API_VERSION``; every POST an ``Idempotency-Key``
    (yours, or a new UUID) kept across retries. Parameters are checked against the
    spec before anything is sent; responses are structured with the converters in
    ``mode`` (lenient by default: fields newer than the spec are kept). ``sleep`` and
    ``jitter`` are there for tests.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        max_retries: int = 2,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        mode: Mode = "lenient",
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Jitter = default_jitter,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self._key = ApiKey.resolve(api_key)
        self.base_url = base_url.rstrip("/")
        self.retry = RetryPolicy(max_retries=max_retries)
        self._retrying = Retrying(self.retry, jitter, self._key)
        self.mode: Mode = mode
        self._own_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)
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

    async def _send(self, prepared: Prepared) -> httpx.Response:
        headers = {**prepared.headers, "Authorization": self._key.authorization()}
        url = self.base_url + prepared.target
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(
                    prepared.method, url, content=prepared.body, headers=headers
                )
            except httpx.TransportError as exc:
                await self._sleep(self._retrying.after_failure(prepared, attempt, exc))
                continue
            wait = self._retrying.after_response(prepared, attempt, response)
            if wait is None:
                return response
            await self._sleep(wait)

    async def _call(
        self,
        model: type,
        path_args: tuple[str, ...],
        params: object,
        target: type[T],
        idempotency_key: str | None,
    ) -> T:
        prepared = prepare(model, path_args, params, idempotency_key=idempotency_key)
        result: T = parse(await self._send(prepared), target, self.mode, self._key)
        return result

    async def _page(self, model: type, params: object, item: type[T]) -> Page[T]:
        prepared = prepare(model, (), params)
        result: Page[T] = parse(await self._send(prepared), item, self.mode, self._key, page=True)
        return result


class AsyncVerificationSessions:
    """``/v1/identity/verification_sessions``: the six operations (awaitable)."""

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
        """Retrieve a session by ID (``params`` for ``expand``)."""
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
        """Update a session (Stripe allows it in ``requires_input`` only)."""
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
        """Cancel a session (from ``requires_input`` only)."""
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
        """Redact a session (from ``requires_input``, which cancels it, or ``verified``)."""
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
        """Every session the list selects, page after page (``starting_after`` the last one;
        ``ending_before`` the first one, when the first page was asked for with it)."""
        page = await self.list(params)
        while True:
            for item in page.data:
                yield item
            following = next_page_params(params, page)
            if following is None:
                return
            page = await self.list(following)
