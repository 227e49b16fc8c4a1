"""The synchronous client (httpx.Client)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
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
from ._transport import DeadlineTransport, deadline

T = TypeVar("T")

Params = Mapping[str, Any]


class Client:
    """A Stripe API client for the Verification Session operations, over `httpx`.

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
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
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
            transport = DeadlineTransport(httpx.URL(self.base_url))
            http_client = httpx.Client(transport=transport, timeout=timeout)
        elif not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client is an httpx.Client, not {type(http_client).__name__}")
        self._http = http_client
        self._sleep = sleep
        self.verification_sessions = VerificationSessions(self)

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, max_retries={self.retry.max_retries})"

    def close(self) -> None:
        """Close the connection pool (only if the client created it)."""
        if self._own_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request, with retries ---------------------------------------------------------

    def _send(self, prepared: Prepared) -> tuple[httpx.Response, bytearray]:
        headers = {**prepared.headers, "Authorization": self._key.authorization()}
        url = self.base_url + prepared.target
        call_ends = self.limits.call_ends(time.monotonic())
        attempt = 0
        while True:
            attempt += 1
            ends = self.limits.attempt_ends(time.monotonic(), call_ends)
            try:
                response, body = self._attempt(prepared, url, headers, ends)
            except httpx.TransportError as exc:
                self._sleep(self._retrying.after_failure(prepared, attempt, exc, call_ends))
                continue
            except BodyTooLarge as exc:
                raise body_too_large_error(exc, self._key) from None
            wait = self._retrying.after_response(prepared, attempt, response, call_ends)
            if wait is None:
                return response, body
            self._sleep(wait)

    def _attempt(
        self, prepared: Prepared, url: str, headers: dict[str, str], ends: float | None
    ) -> tuple[httpx.Response, bytearray]:
        """One request and its whole response, by the deadline `ends` (None: none)."""
        timeout = request_timeout(self._http.timeout, ends)
        request = self._http.build_request(
            prepared.method, url, content=prepared.body, headers=headers, timeout=timeout
        )
        with deadline(ends):
            response = self._http.send(request, stream=True)
            try:
                buffer = BodyBuffer(response, self.limits)
                for chunk in response.iter_bytes():
                    buffer.add(chunk)
            finally:
                response.close()
        return response, buffer.body

    def _call(
        self,
        model: type,
        path_args: tuple[str, ...],
        params: object,
        target: type[T],
        idempotency_key: str | None,
    ) -> T:
        prepared = prepare(model, path_args, params, idempotency_key=idempotency_key)
        response, body = self._send(prepared)
        result: T = parse(response, body, target, self.mode, self._key)
        return result

    def _page(self, model: type, params: object, item: type[T]) -> Page[T]:
        prepared = prepare(model, (), params)
        response, body = self._send(prepared)
        result: Page[T] = parse(response, body, item, self.mode, self._key, page=True)
        return result


class VerificationSessions:
    """`/v1/identity/verification_sessions`: the six operations."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def create(
        self,
        params: VerificationSessionCreateParams | Params,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Create a session."""
        return self._client._call(
            VerificationSessionCreateParams, (), params, VerificationSession, idempotency_key
        )

    def retrieve(
        self, id: str, params: VerificationSessionRetrieveParams | Params | None = None
    ) -> VerificationSession:
        """Retrieve a session by ID (`params` for `expand`)."""
        return self._client._call(
            VerificationSessionRetrieveParams, (id,), params, VerificationSession, None
        )

    def update(
        self,
        id: str,
        params: VerificationSessionUpdateParams | Params,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Update a session (Stripe allows it in `requires_input` only)."""
        return self._client._call(
            VerificationSessionUpdateParams, (id,), params, VerificationSession, idempotency_key
        )

    def cancel(
        self,
        id: str,
        params: VerificationSessionCancelParams | Params | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Cancel a session (from `requires_input` only)."""
        return self._client._call(
            VerificationSessionCancelParams, (id,), params, VerificationSession, idempotency_key
        )

    def redact(
        self,
        id: str,
        params: VerificationSessionRedactParams | Params | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> VerificationSession:
        """Redact a session (from `requires_input`, which cancels it, or `verified`)."""
        return self._client._call(
            VerificationSessionRedactParams, (id,), params, VerificationSession, idempotency_key
        )

    def list(
        self, params: VerificationSessionListParams | Params | None = None
    ) -> Page[VerificationSession]:
        """One page of sessions, newest first."""
        return self._client._page(VerificationSessionListParams, params, VerificationSession)

    def list_auto_paging(
        self, params: VerificationSessionListParams | Params | None = None
    ) -> Iterator[VerificationSession]:
        """Every session the list selects, page after page (`starting_after` the last one;
        `ending_before` the first one, when the first page was asked for with it)."""
        page = self.list(params)
        while True:
            yield from page.data
            following = next_page_params(params, page)
            if following is None:
                return
            page = self.list(following)
