"""The client's own HTTP transport: every network operation bounded by the request's deadline.

httpx's timeouts bound each network operation (a connect, one read, one write), not a whole
request: a server that sends one byte a second never trips a read timeout. The transports
here wrap httpcore's network backend so that each operation may wait at most the time left
before the deadline of the attempt in progress (`deadline()`, a context variable set
around each attempt), and fail with a timeout once it has passed. The connect, the TLS
handshake, the request and every read of the response's head and body are covered, however
the server trickles its bytes.

Proxies from the environment (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), which httpx
would apply itself, are applied here too, through the same bounded backend.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import time
import urllib.request
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

__all__ = ["AsyncDeadlineTransport", "DeadlineTransport", "deadline", "time_left"]

#: The monotonic time the attempt in progress must end by (None: no deadline).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "stripe_schemas_client_deadline", default=None
)


@contextlib.contextmanager
def deadline(at: float | None) -> Iterator[None]:
    """Bound every network operation of the client's transports by `at` (time.monotonic)."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left() -> float | None:
    """Seconds left before the deadline in force (None: there is none)."""
    at = _DEADLINE.get()
    return None if at is None else at - time.monotonic()


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """The timeout of one network operation: `timeout`, or less if the deadline is nearer."""
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


# -- sync ----------------------------------------------------------------------------------


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# -- async ---------------------------------------------------------------------------------


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        inner = await self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        return _AsyncStream(inner)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, bounded, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# -- httpcore's exceptions as httpx's --------------------------------------------------------

#: Most specific first: the first match names the httpx exception.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _as_httpx() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for theirs, ours in _ERRORS:
            if isinstance(exc, theirs):
                raise ours(str(exc)) from exc
        raise


def _core_request(request: httpx.Request, content: Any) -> httpcore.Request:
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(
            scheme=request.url.raw_scheme,
            host=request.url.raw_host,
            port=request.url.port,
            target=request.url.raw_path,
        ),
        headers=request.headers.raw,
        content=content,
        extensions=request.extensions,
    )


def _environment_proxy(url: httpx.URL) -> httpx.Proxy | None:
    """The proxy the environment names for `url` (as httpx would use it), if any."""
    found = urllib.request.getproxies()
    if not found or urllib.request.proxy_bypass(url.host):
        return None
    proxy = found.get(url.scheme) or found.get("all")
    if not proxy:
        return None
    return httpx.Proxy(proxy if "://" in proxy else f"http://{proxy}")


def _pool_options(proxy: httpx.Proxy | None, limits: httpx.Limits) -> dict[str, Any]:
    options: dict[str, Any] = {
        "ssl_context": httpx.create_ssl_context(),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }
    if proxy is not None:
        options["proxy_url"] = httpcore.URL(
            scheme=proxy.url.raw_scheme,
            host=proxy.url.raw_host,
            port=proxy.url.port,
            target=proxy.url.raw_path,
        )
        options["proxy_auth"] = proxy.raw_auth
        if proxy.url.scheme in ("http", "https"):
            options["proxy_headers"] = proxy.headers.raw
            options["proxy_ssl_context"] = proxy.ssl_context
    return options


#: The connection pool's limits: httpx's defaults.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


def _is_socks(proxy: httpx.Proxy | None) -> bool:
    return proxy is not None and proxy.url.scheme in ("socks5", "socks5h")


class DeadlineTransport(httpx.BaseTransport):
    """An HTTP/1.1 transport whose every network operation ends by the attempt's deadline."""

    def __init__(self, base_url: httpx.URL, limits: httpx.Limits = LIMITS) -> None:
        proxy = _environment_proxy(base_url)
        options = _pool_options(proxy, limits)
        backend = _Backend()
        self._pool: httpcore.ConnectionPool
        if proxy is None:
            self._pool = httpcore.ConnectionPool(network_backend=backend, **options)
        elif _is_socks(proxy):
            self._pool = httpcore.SOCKSProxy(network_backend=backend, **options)
        else:
            self._pool = httpcore.HTTPProxy(network_backend=backend, **options)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        with _as_httpx():
            response = self._pool.handle_request(_core_request(request, request.stream))
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class AsyncDeadlineTransport(httpx.AsyncBaseTransport):
    """The asynchronous twin of `DeadlineTransport`."""

    def __init__(self, base_url: httpx.URL, limits: httpx.Limits = LIMITS) -> None:
        proxy = _environment_proxy(base_url)
        options = _pool_options(proxy, limits)
        backend = _AsyncBackend()
        self._pool: httpcore.AsyncConnectionPool
        if proxy is None:
            self._pool = httpcore.AsyncConnectionPool(network_backend=backend, **options)
        elif _is_socks(proxy):
            self._pool = httpcore.AsyncSOCKSProxy(network_backend=backend, **options)
        else:
            self._pool = httpcore.AsyncHTTPProxy(network_backend=backend, **options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        with _as_httpx():
            response = await self._pool.handle_async_request(_core_request(request, request.stream))
        assert hasattr(response.stream, "__aiter__")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_AsyncBody(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()
