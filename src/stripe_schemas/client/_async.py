"""The asynchronous client (httpx.AsyncClient): the same behaviour as `Client`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import httpx

from ..converters import Mode
from ._core import (
    DEFAULT_BASE_URL,
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    BodyBuffer,
    BodyTooLarge,
    Jitter,
    Page,
    Prepared,
    body_too_large_error,
    check_base_url,
    check_mode,
    default_jitter,
    parse,
    prepare,
    request_timeout,
)
from ._models import (
    REPORT_LIST,
    REPORT_RETRIEVE,
    SESSION_CANCEL,
    SESSION_CREATE,
    SESSION_LIST,
    SESSION_REDACT,
    SESSION_RETRIEVE,
    SESSION_UPDATE,
    Operation,
)
from ._options import CallPlan, RequestOptions, Settings
from ._paging import next_page_params
from ._transport import AsyncDeadlineTransport, deadline

if TYPE_CHECKING:
    from typing_extensions import Never

    from stripe_models.identity import VerificationReport, VerificationSession
    from stripe_models.params.identity import (
        VerificationReportListParams,
        VerificationReportRetrieveParams,
        VerificationSessionCancelParams,
        VerificationSessionCreateParams,
        VerificationSessionListParams,
        VerificationSessionRedactParams,
        VerificationSessionRetrieveParams,
        VerificationSessionUpdateParams,
    )

T = TypeVar("T")
#: The session class, the report class, and what else a parameter may be: `Never` for the
#: bundled package (its own parameter classes only), `Any` for a package of your own.
S = TypeVar("S")
R = TypeVar("R")
X = TypeVar("X")

Params = Mapping[str, Any]


class AsyncClient(Generic[S, R, X]):
    """The async twin of `stripe_schemas.client.Client` (`httpx.AsyncClient`).

    A Stripe API client for the Verification Session and Report operations.

    It speaks for one generated package: the newest bundled one by default, the bundled one
    of `api_version=` (`stripe_schemas.model.UnknownApiVersion` lists them), or
    `models=`, a package you generated (the module or its import name). That package
    gives the `Stripe-Version` sent, the classes responses are read into and the
    parameter classes calls are checked against. Static types are precise for the
    bundled default; for any other package the results are typed `Any`.

    `api_key` defaults to `$STRIPE_API_KEY`. `options` (`RequestOptions`)
    holds the defaults of every call (a key, `stripe_account` for Connect, a
    `stripe_version`, `timeout`, `max_retries`); each call may pass its own
    `options=`, and what it sets wins. Every POST carries an `Idempotency-Key`
    (yours, or a new UUID) kept across retries. Responses are structured in `mode`
    (lenient by default: fields newer than the spec are kept). `sleep` and `jitter`
    are there for tests.

    Bounds: `timeout` seconds for each attempt in all (connecting, sending, the whole
    response, however slowly it arrives), `call_timeout` seconds for the call (every
    attempt and every wait between them; None turns either off), and a response body of
    at most `max_response_bytes` (decoded). The API key is only sent over https, or
    plain http to this machine (`allow_insecure_http=True` lifts that).
    """

    @overload
    def __init__(
        self: AsyncClient[VerificationSession, VerificationReport, Never],
        api_key: str | None = None,
        *,
        options: RequestOptions | None = None,
        models: None = None,
        api_version: None = None,
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
    ) -> None: ...

    @overload
    def __init__(
        self: AsyncClient[Any, Any, Any],
        api_key: str | None = None,
        *,
        options: RequestOptions | None = None,
        models: ModuleType | str | None = None,
        api_version: str | None = None,
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
    ) -> None: ...

    def __init__(
        self,
        api_key: str | None = None,
        *,
        options: RequestOptions | None = None,
        models: ModuleType | str | None = None,
        api_version: str | None = None,
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
        self._settings = Settings.build(
            api_key=api_key,
            options=options,
            models=models,
            api_version=api_version,
            max_retries=max_retries,
            timeout=timeout,
            call_timeout=call_timeout,
            max_response_bytes=max_response_bytes,
            jitter=jitter,
        )
        self._key = self._settings.key
        self.base_url = check_base_url(base_url, allow_insecure_http)
        self.limits = self._settings.limits
        self.retry = self._settings.retry
        self.mode: Mode = check_mode(mode)
        self._own_http = http_client is None
        if http_client is None:
            # No per-operation timeout of its own: the deadline of each attempt bounds every
            # network operation, so a call's own (longer) timeout is honoured too.
            transport = AsyncDeadlineTransport(httpx.URL(self.base_url))
            http_client = httpx.AsyncClient(transport=transport, timeout=None)
        elif not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client is an httpx.AsyncClient, not {type(http_client).__name__}"
            )
        self._http = http_client
        self._sleep = sleep
        self.verification_sessions: AsyncVerificationSessions[S, X] = AsyncVerificationSessions(
            self
        )
        self.verification_reports: AsyncVerificationReports[R, X] = AsyncVerificationReports(self)

    @property
    def options(self) -> RequestOptions:
        """The defaults of every call (the key shows as `ApiKey(<hidden>)`)."""
        return self._settings.defaults

    @property
    def api_version(self) -> str:
        """The `Stripe-Version` sent unless a call's options say otherwise."""
        return self._settings.stripe_version

    @property
    def models(self) -> ModuleType:
        """The generated package responses are read into."""
        return self._settings.models.package

    def __repr__(self) -> str:
        return (
            f"AsyncClient(base_url={self.base_url!r}, models={self._settings.models.name!r}, "
            f"api_version={self.api_version!r}, max_retries={self.retry.max_retries})"
        )

    async def aclose(self) -> None:
        """Close the connection pool (only if the client created it)."""
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient[S, R, X]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- one request, with retries ---------------------------------------------------------

    async def _send(self, prepared: Prepared, plan: CallPlan) -> tuple[httpx.Response, bytearray]:
        headers = {**prepared.headers, "Authorization": plan.key.authorization()}
        url = self.base_url + prepared.target
        limits = plan.limits
        call_ends = limits.call_ends(time.monotonic())
        attempt = 0
        while True:
            attempt += 1
            ends = limits.attempt_ends(time.monotonic(), call_ends)
            try:
                response, body = await self._attempt(prepared, url, headers, ends, plan)
            except httpx.TransportError as exc:
                await self._sleep(plan.retrying.after_failure(prepared, attempt, exc, call_ends))
                continue
            except BodyTooLarge as exc:
                raise body_too_large_error(exc, plan.key) from None
            wait = plan.retrying.after_response(prepared, attempt, response, call_ends)
            if wait is None:
                return response, body
            await self._sleep(wait)

    async def _attempt(
        self,
        prepared: Prepared,
        url: str,
        headers: dict[str, str],
        ends: float | None,
        plan: CallPlan,
    ) -> tuple[httpx.Response, bytearray]:
        """One request and its whole response, by the deadline `ends` (None: none)."""
        timeout = request_timeout(self._http.timeout, ends)
        request = self._http.build_request(
            prepared.method, url, content=prepared.body, headers=headers, timeout=timeout
        )
        with deadline(ends):
            response = await self._http.send(request, stream=True)
            try:
                buffer = BodyBuffer(response, plan.limits)
                async for chunk in response.aiter_bytes():
                    buffer.add(chunk)
            finally:
                await response.aclose()
        return response, buffer.body

    async def _call(
        self,
        operation: Operation,
        path_args: tuple[str, ...],
        params: object,
        options: RequestOptions | None,
        idempotency_key: str | None = None,
        *,
        page: bool = False,
    ) -> Any:
        plan = self._settings.plan(options, idempotency_key)
        model, target = self._settings.models.classes(operation)
        prepared = prepare(
            model,
            path_args,
            params,
            stripe_version=plan.stripe_version,
            stripe_account=plan.stripe_account,
            idempotency_key=plan.idempotency_key,
        )
        response, body = await self._send(prepared, plan)
        return parse(response, body, target, self.mode, plan.key, page=page)

    async def _pages(
        self, operation: Operation, params: object, options: RequestOptions | None
    ) -> AsyncIterator[Any]:
        page: Page[Any] = await self._call(operation, (), params, options, page=True)
        while True:
            for item in page.data:
                yield item
            following = next_page_params(params, page)
            if following is None:
                return
            page = await self._call(operation, (), following, options, page=True)


class AsyncVerificationSessions(Generic[S, X]):
    """`/v1/identity/verification_sessions`: the six operations (awaitable).

    Every method takes `options=` (`RequestOptions`), which wins over the client's
    defaults field by field; `idempotency_key=` is the shorthand for that one field.
    """

    def __init__(self, client: AsyncClient[S, Any, X]) -> None:
        self._client = client

    async def create(
        self,
        params: VerificationSessionCreateParams | Params | X,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> S:
        """Create a session."""
        result: S = await self._client._call(SESSION_CREATE, (), params, options, idempotency_key)
        return result

    async def retrieve(
        self,
        id: str,
        params: VerificationSessionRetrieveParams | Params | X | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> S:
        """Retrieve a session by ID (`params` for `expand`)."""
        result: S = await self._client._call(SESSION_RETRIEVE, (id,), params, options)
        return result

    async def update(
        self,
        id: str,
        params: VerificationSessionUpdateParams | Params | X,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> S:
        """Update a session (Stripe allows it in `requires_input` only)."""
        result: S = await self._client._call(
            SESSION_UPDATE, (id,), params, options, idempotency_key
        )
        return result

    async def cancel(
        self,
        id: str,
        params: VerificationSessionCancelParams | Params | X | None = None,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> S:
        """Cancel a session (from `requires_input` only)."""
        result: S = await self._client._call(
            SESSION_CANCEL, (id,), params, options, idempotency_key
        )
        return result

    async def redact(
        self,
        id: str,
        params: VerificationSessionRedactParams | Params | X | None = None,
        *,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> S:
        """Redact a session (from `requires_input`, which cancels it, or `verified`)."""
        result: S = await self._client._call(
            SESSION_REDACT, (id,), params, options, idempotency_key
        )
        return result

    async def list(
        self,
        params: VerificationSessionListParams | Params | X | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> Page[S]:
        """One page of sessions, newest first."""
        result: Page[S] = await self._client._call(SESSION_LIST, (), params, options, page=True)
        return result

    def list_auto_paging(
        self,
        params: VerificationSessionListParams | Params | X | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> AsyncIterator[S]:
        """Every session the list selects, page after page (`starting_after` the last one;
        `ending_before` the first one, when the first page was asked for with it)."""
        return self._client._pages(SESSION_LIST, params, options)


class AsyncVerificationReports(Generic[R, X]):
    """`/v1/identity/verification_reports`: retrieve and list (Stripe makes reports; the
    API only reads them)."""

    def __init__(self, client: AsyncClient[Any, R, X]) -> None:
        self._client = client

    async def retrieve(
        self,
        id: str,
        params: VerificationReportRetrieveParams | Params | X | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> R:
        """Retrieve a report by ID (`vr_…`)."""
        result: R = await self._client._call(REPORT_RETRIEVE, (id,), params, options)
        return result

    async def list(
        self,
        params: VerificationReportListParams | Params | X | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> Page[R]:
        """One page of reports, newest first (`verification_session`, `type` and
        `created` select)."""
        result: Page[R] = await self._client._call(REPORT_LIST, (), params, options, page=True)
        return result

    def list_auto_paging(
        self,
        params: VerificationReportListParams | Params | X | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> AsyncIterator[R]:
        """Every report the list selects, page after page (as sessions' `list_auto_paging`)."""
        return self._client._pages(REPORT_LIST, params, options)
