"""What the sync and async clients share, without any I/O: requests, retries, responses.

* `prepare` checks the parameters against the spec (`stripe_schemas.params`)
  and encodes them (`stripe_schemas.forms`): nothing is sent when they are wrong.
* `RetryPolicy` decides whether and how long to wait before trying again.
* `parse` turns a response into a typed value or a typed exception.
* `Limits` holds the bounds of a call: the deadline of each attempt and of the
  whole call (retries and waits included), and the largest response body read.
"""

from __future__ import annotations

import importlib.metadata
import ipaddress
import logging
import os
import random
import re
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import attrs
import httpx

from .. import forms
from .. import io as jsonio
from ..converters import Mode, structure
from ..issues import (
    HIDDEN,
    INPUT_LIMIT,
    TYPE_MISMATCH,
    WRONG_OBJECT_TAG,
    Issue,
    PayloadError,
    counted,
)
from ..model import operation_of
from ..params import check
from ._checks import HEADER_SAFE, check_idempotency_key, check_seconds, kind
from ._errors import (
    APIConnectionError,
    InvalidResponseError,
    StripeError,
    error_class,
)
from ._transport import time_left

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.stripe.com"
#: Seconds one attempt may take in all: connecting, sending, and the whole response (Stripe's
#: own libraries give a request 80 s).
DEFAULT_TIMEOUT = 80.0
#: Seconds one call may take in all: every attempt and every wait between them.
DEFAULT_CALL_TIMEOUT = 300.0
#: The largest response body read, decoded (64 MiB; Stripe's responses are kilobytes).
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
API_KEY_ENV = "STRIPE_API_KEY"
#: Transport failures worth another try: nothing (or not everything) reached Stripe.
RETRYABLE_TRANSPORT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

try:
    _VERSION = importlib.metadata.version("stripe-schemas")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
    _VERSION = "unknown"
USER_AGENT = f"stripe-schemas/{_VERSION} httpx/{httpx.__version__}"


# -- the API key ---------------------------------------------------------------------------


class ApiKey:
    """The secret key; its repr, str and pickling never show it.

    Compared by identity, never by value: the log filter keeps every live key in a weak set,
    where two equal keys would be one entry, lost when the first is collected.
    """

    __slots__ = ("__weakref__", "_pattern", "_value")

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"the API key must be a str, not {type(value).__name__}")
        if not value or value != value.strip():
            raise ValueError("the API key must be a non-empty string without surrounding spaces")
        if "\r" in value or "\n" in value:
            raise ValueError("the API key must be one line")
        if not HEADER_SAFE(value):
            raise ValueError(
                "the API key must be printable ASCII without spaces or control characters "
                "(it is sent in the Authorization header)"
            )
        self._value = value
        self._pattern = re.compile(re.escape(value), re.IGNORECASE)
        _LOG_FILTER.add(self)

    @classmethod
    def resolve(cls, value: str | None) -> ApiKey:
        """The key given, else `$STRIPE_API_KEY`; a ValueError if there is none."""
        found = value if value is not None else os.environ.get(API_KEY_ENV)
        if found is None or found == "":
            raise ValueError(f"no API key: pass api_key=... or set {API_KEY_ENV}")
        return cls(found)

    def authorization(self) -> str:
        return f"Bearer {self._value}"

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the key removed, in any letter case, should a
        server ever echo it back."""
        return self._pattern.sub(HIDDEN, text)

    def redact_optional(self, text: str | None) -> str | None:
        return None if text is None else self._pattern.sub(HIDDEN, text)

    def __repr__(self) -> str:
        return f"ApiKey({HIDDEN})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("an API key is not pickled")


class _RedactKeys(logging.Filter):
    """Removes the keys of the live clients from the records of httpx's and httpcore's
    loggers: at DEBUG, httpcore logs every response's headers, and a server may echo a key
    in one (a Request-Id). Costs nothing unless those loggers are at DEBUG."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: weakref.WeakSet[ApiKey] = weakref.WeakSet()
        #: Keys are made on any thread (a call's own options make one) while another
        #: thread's request logs: the set is copied and grown under this lock.
        self._lock = threading.Lock()

    def add(self, key: ApiKey) -> None:
        with self._lock:
            self.keys.add(key)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            keys = list(self.keys)
        if keys:
            text = original = record.getMessage()
            for key in keys:
                text = key.redact(text)
            if text != original:
                record.msg, record.args = text, None
        return True


_LOG_FILTER = _RedactKeys()
#: The loggers of the HTTP stack below the client (filters apply where a record is made).
THIRD_PARTY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
for _name in THIRD_PARTY_LOGGERS:
    logging.getLogger(_name).addFilter(_LOG_FILTER)


# -- limits and the base URL ---------------------------------------------------------------


@attrs.frozen
class Limits:
    """The bounds of every call: seconds per attempt and per call (None: no limit), and the
    largest response body read."""

    timeout: float | None = DEFAULT_TIMEOUT
    call_timeout: float | None = DEFAULT_CALL_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __attrs_post_init__(self) -> None:
        for name in ("timeout", "call_timeout"):
            value = getattr(self, name)
            if value is not None:
                check_seconds(name, value)
        size = self.max_response_bytes
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"max_response_bytes is an int, not {kind(size)}")
        if size < 1:
            raise ValueError("max_response_bytes must be at least 1")

    def call_ends(self, started: float) -> float | None:
        return None if self.call_timeout is None else started + self.call_timeout

    def attempt_ends(self, now: float, call_ends: float | None) -> float | None:
        """When the attempt starting `now` must end: its own limit, or the call's if nearer."""
        ends = None if self.timeout is None else now + self.timeout
        if call_ends is not None and (ends is None or call_ends < ends):
            ends = call_ends
        return ends

    def describe(self) -> str:
        def seconds(value: float | None) -> str:
            return "no limit" if value is None else f"{value:g} s"

        return (
            f"deadlines: {seconds(self.timeout)} per attempt, {seconds(self.call_timeout)} per call"
        )


def check_mode(mode: object) -> Mode:
    """`mode` if it is one of the converters' modes, else a ValueError."""
    if mode == "strict" or mode == "lenient":
        return mode
    raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")


def check_base_url(base_url: object, allow_insecure_http: bool) -> str:
    """`base_url` without a trailing slash, if the API key may be sent there.

    https anywhere; http only to a loopback host (`localhost`, 127.0.0.0/8, `::1`), or
    anywhere with `allow_insecure_http=True`. Anything else is a ValueError: the key would
    cross the network in clear text.
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url is a str, not {kind(base_url)}")
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise ValueError("base_url is not a URL") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise ValueError("base_url must be an https:// URL with a host")
    if url.query or url.fragment or url.userinfo:
        raise ValueError("base_url takes no user, query or fragment")
    if url.scheme == "http" and not allow_insecure_http and not _loopback(url.host):
        raise ValueError(
            "base_url is plain http to a host that is not this machine: the API key would be "
            "sent in clear text (use https, or pass allow_insecure_http=True)"
        )
    return base_url.rstrip("/")


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def request_timeout(configured: httpx.Timeout, ends: float | None) -> httpx.Timeout:
    """The HTTP client's own timeout for each network operation, shortened to the time left
    before `ends` (so even a client without the deadline transport waits no longer)."""
    if ends is None:
        return configured
    left = max(ends - time.monotonic(), 1e-3)

    def bound(value: float | None) -> float:
        return left if value is None else min(value, left)

    return httpx.Timeout(
        connect=bound(configured.connect),
        read=bound(configured.read),
        write=bound(configured.write),
        pool=bound(configured.pool),
    )


class BodyBuffer:
    """A response's (decoded) body, collected chunk by chunk: at most `max_response_bytes`
    of it (then `BodyTooLarge`), and not past the attempt's deadline (then an
    `httpx.ReadTimeout`, as for any read that comes too late)."""

    def __init__(self, response: httpx.Response, limits: Limits) -> None:
        self.response = response
        self.limit = limits.max_response_bytes
        self.body = bytearray()
        declared = response.headers.get("content-length")
        encoded = response.headers.get("content-encoding", "identity").lower() != "identity"
        if (
            declared is not None
            and declared.isdigit()
            and not encoded
            and int(declared) > self.limit
        ):
            raise BodyTooLarge(response, self.limit)

    def add(self, chunk: bytes) -> None:
        self.body += chunk
        if len(self.body) > self.limit:
            raise BodyTooLarge(self.response, self.limit)
        left = time_left()
        if left is not None and left <= 0:
            raise httpx.ReadTimeout("the request's deadline has passed")


class BodyTooLarge(Exception):
    """A response body over the limit (raised as `InvalidResponseError` by the client)."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        super().__init__(limit)
        self.response = response
        self.limit = limit


def body_too_large_error(exc: BodyTooLarge, key: ApiKey) -> InvalidResponseError:
    message = f"the response body is larger than {exc.limit} bytes; not read further"
    return InvalidResponseError(
        message,
        [Issue("", INPUT_LIMIT, "error", message)],
        http_status=exc.response.status_code,
        request_id=key.redact_optional(exc.response.headers.get("request-id")),
    )


# -- requests ------------------------------------------------------------------------------


@attrs.frozen
class Prepared:
    """One request, ready to send (and to send again, unchanged, on a retry)."""

    method: str
    #: The path with its parameters filled in, plus the query string for `GET`.
    target: str
    #: The path template, for logs (`/v1/identity/verification_sessions/{session}`).
    operation: str
    body: bytes | None
    headers: Mapping[str, str]


_PATH_PARAM = re.compile(r"\{[^{}/]+\}")


def _fill(template: str, path_args: tuple[str, ...]) -> str:
    slots = _PATH_PARAM.findall(template)
    if len(slots) != len(path_args):
        raise TypeError(f"{template} takes {counted(len(slots), 'id')}, got {len(path_args)}")
    for value in path_args:
        if not isinstance(value, str) or not value:
            raise ValueError(f"an id is a non-empty string, not {_describe(value)}")
    pieces = iter(quote(value, safe="") for value in path_args)
    return _PATH_PARAM.sub(lambda _: next(pieces), template)


def _describe(value: object) -> str:
    return "an empty string" if value == "" else f"a {type(value).__name__}"


def prepare(
    model: type,
    path_args: tuple[str, ...],
    params: object,
    *,
    stripe_version: str,
    stripe_account: str | None = None,
    idempotency_key: str | None = None,
) -> Prepared:
    """Check, encode and address a call of the operation whose parameters class is `model`,
    with the `Stripe-Version` (and `Stripe-Account`, for a connected account) it is sent
    with.

    Raises `stripe_schemas.PayloadError` (bad parameters) or ValueError (a bad id)
    before anything is sent.
    """
    operation = operation_of(model)
    if operation is None:
        raise TypeError(f"{model.__name__} is not a parameter class of an operation")
    method, template = operation
    target = _fill(template, path_args)
    encoded = forms.encode(check(params, model))
    headers = {"Stripe-Version": stripe_version, "User-Agent": USER_AGENT}
    if stripe_account is not None:
        headers["Stripe-Account"] = stripe_account
    body: bytes | None = None
    if method == "GET" or method == "DELETE":
        if idempotency_key is not None:
            raise ValueError(f"{method} requests take no idempotency key")
        if encoded:
            target += "?" + encoded
    else:
        body = encoded.encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        key = idempotency_key if idempotency_key is not None else str(uuid.uuid4())
        headers["Idempotency-Key"] = check_idempotency_key(key)
    return Prepared(method=method, target=target, operation=template, body=body, headers=headers)


# -- retries -------------------------------------------------------------------------------


@attrs.frozen
class RetryPolicy:
    """When to try a request again, and how long to wait first.

    Retried: connection failures and timeouts, 409, 429 and every 5xx, unless the
    response says `Stripe-Should-Retry: false`; `Stripe-Should-Retry: true` makes any
    response retried. The wait before retry *n* (1, 2, …) is `initial · 2ⁿ⁻¹` capped at
    `maximum`, times a random factor in [0.5, 1] (jitter), and at least a numeric
    `Retry-After` of up to `max_retry_after` seconds. A POST keeps its
    `Idempotency-Key` on every try, so Stripe applies it once.
    """

    max_retries: int = 2
    initial: float = 0.5
    maximum: float = 5.0
    max_retry_after: float = 60.0

    def should_retry(self, status: int, headers: httpx.Headers) -> bool:
        advice = headers.get("stripe-should-retry")
        if advice == "false":
            return False
        if advice == "true":
            return True
        return status in (409, 429) or status >= 500

    def delay(self, retry: int, jitter: float, headers: httpx.Headers | None = None) -> float:
        """Seconds to wait before retry number `retry` (from 1); `jitter` in [0, 1]."""
        base = min(self.initial * 2.0 ** (retry - 1), self.maximum)
        wait = base * (0.5 + 0.5 * jitter)
        after = headers.get("retry-after") if headers is not None else None
        if after is not None:
            try:
                seconds = float(after)
            except ValueError:  # an HTTP date: not used by Stripe; ignored
                seconds = 0.0
            if 0 < seconds <= self.max_retry_after:
                wait = max(wait, seconds)
        return wait


def default_jitter() -> float:
    """The source of jitter: a uniform random number in [0, 1) (tests pass their own)."""
    return random.random()


Jitter = Callable[[], float]
log = logging.getLogger("stripe_schemas.client")


@attrs.frozen
class Retrying:
    """The decisions of the send loop both clients run: retry (after how long) or stop.

    A retry whose wait would end past the call's deadline is not made. Logs each retry
    (method, path template, status or failure, Request-Id, wait), never a header or a
    parameter.
    """

    policy: RetryPolicy
    jitter: Jitter
    key: ApiKey
    limits: Limits = Limits()

    def after_failure(
        self,
        prepared: Prepared,
        attempt: int,
        exc: httpx.TransportError,
        call_ends: float | None = None,
    ) -> float:
        """Seconds to wait after a transport failure, or raise `APIConnectionError`."""
        retryable = isinstance(exc, RETRYABLE_TRANSPORT_ERRORS)
        if not retryable or attempt > self.policy.max_retries:
            raise connection_error(exc, attempt, self.key, self.limits) from exc
        wait = self.policy.delay(attempt, self.jitter())
        if _past(call_ends, wait):
            raise connection_error(exc, attempt, self.key, self.limits, call_over=True) from exc
        log.info(
            "%s %s: %s; retry %d in %.2f s",
            prepared.method,
            prepared.operation,
            type(exc).__name__,
            attempt,
            wait,
        )
        return wait

    def after_response(
        self,
        prepared: Prepared,
        attempt: int,
        response: httpx.Response,
        call_ends: float | None = None,
    ) -> float | None:
        """Seconds to wait before trying again, or `None`: this response is the answer."""
        request = self.key.redact_optional(response.headers.get("request-id"))
        status = response.status_code
        if attempt <= self.policy.max_retries and self.policy.should_retry(
            status, response.headers
        ):
            wait = self.policy.delay(attempt, self.jitter(), response.headers)
            if not _past(call_ends, wait):
                log.info(
                    "%s %s: HTTP %d (request %s); retry %d in %.2f s",
                    prepared.method,
                    prepared.operation,
                    status,
                    request,
                    attempt,
                    wait,
                )
                return wait
        log.debug(
            "%s %s: HTTP %d (request %s, attempt %d)",
            prepared.method,
            prepared.operation,
            status,
            request,
            attempt,
        )
        return None


def _past(call_ends: float | None, wait: float) -> bool:
    """Whether the call's deadline leaves no time for an attempt after waiting `wait`."""
    return call_ends is not None and time.monotonic() + wait >= call_ends


# -- responses -----------------------------------------------------------------------------


@attrs.frozen
class Page(Generic[T]):
    """One page of a list: Stripe's list object, with typed items."""

    data: list[T]
    has_more: bool
    #: The list's URL path (`/v1/identity/verification_sessions`).
    url: str


#: id() of a returned object → (a weak reference to it, the Request-Id of its response).
_REQUEST_IDS: dict[int, tuple[weakref.ref[Any], str]] = {}


def remember_request_id(value: object, request_id: str | None) -> None:
    if request_id is None:
        return
    key = id(value)
    try:
        ref = weakref.ref(value, lambda _: _REQUEST_IDS.pop(key, None))
    except TypeError:  # an object without weak references: nothing to remember it by
        return
    _REQUEST_IDS[key] = (ref, request_id)


def request_id(value: object) -> str | None:
    """The `Request-Id` of the response a client call returned `value` from (else None)."""
    found = _REQUEST_IDS.get(id(value))
    if found is None or found[0]() is not value:
        return None
    return found[1]


def _error_fields(body: bytes | bytearray) -> dict[str, Any] | None:
    """Stripe's `{"error": {...}}` body as fields of a `StripeError`, if it is one."""
    try:
        decoded = jsonio.loads(body)
    except PayloadError:
        return None
    error = decoded.get("error") if isinstance(decoded, dict) else None
    if not isinstance(error, dict):
        return None
    fields = {}
    for name in ("type", "code", "param", "message", "decline_code", "doc_url"):
        value = error.get(name)
        fields[name] = value if isinstance(value, str) else None
    return fields


def error_from(response: httpx.Response, body: bytes | bytearray, key: ApiKey) -> StripeError:
    """The typed exception of an error response (any echo of the API key removed)."""
    request = key.redact_optional(response.headers.get("request-id"))
    fields = _error_fields(body)
    if fields is None:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        message = f"HTTP {response.status_code} without a Stripe error body ({kind})"
        cls = error_class(response.status_code, None)
        return cls(key.redact(message), http_status=response.status_code, request_id=request)
    message = fields.pop("message") or f"HTTP {response.status_code}"
    cls = error_class(response.status_code, fields["type"])
    safe = {name: key.redact(value) if value else value for name, value in fields.items()}
    return cls(key.redact(message), http_status=response.status_code, request_id=request, **safe)


def connection_error(
    exc: httpx.TransportError,
    attempts: int,
    key: ApiKey,
    limits: Limits | None = None,
    *,
    call_over: bool = False,
) -> APIConnectionError:
    what = type(exc).__name__
    detail = key.redact(str(exc)) if str(exc) else "no detail"
    message = f"no response from Stripe after {counted(attempts, 'attempt')}: {what} ({detail})"
    if call_over:
        message += "; the call's deadline leaves no time for another attempt"
    if limits is not None and isinstance(exc, httpx.TimeoutException):
        message += f" [{limits.describe()}]"
    return APIConnectionError(message)


def parse(
    response: httpx.Response,
    body: bytes | bytearray,
    target: Any,
    mode: Mode,
    key: ApiKey,
    *,
    page: bool = False,
) -> Any:
    """A successful response as `target` (or a `Page` of `target`); errors raised."""
    request = key.redact_optional(response.headers.get("request-id"))
    if response.status_code >= 300:
        raise error_from(response, body, key)
    try:
        decoded = jsonio.loads(body)
        value = _page(decoded, target, mode) if page else structure(decoded, target, mode=mode)
    except PayloadError as error:
        raise InvalidResponseError(
            f"the response does not fit {getattr(target, '__name__', target)} "
            f"({counted(len(error.issues), 'issue')})",
            error.issues,
            http_status=response.status_code,
            request_id=request,
        ) from None
    remember_request_id(value, request)
    return value


def _page(decoded: Any, item: type[T], mode: Mode) -> Page[T]:
    issues: list[Issue] = []
    if not isinstance(decoded, dict) or decoded.get("object") != "list":
        raise PayloadError([Issue("/object", WRONG_OBJECT_TAG, "error", "not a list object")])
    has_more, url, data = decoded.get("has_more"), decoded.get("url"), decoded.get("data")
    if type(has_more) is not bool:
        issues.append(Issue("/has_more", TYPE_MISMATCH, "error", "expected a boolean"))
    if not isinstance(url, str):
        issues.append(Issue("/url", TYPE_MISMATCH, "error", "expected a string"))
    items: list[T] = []
    if not isinstance(data, list):
        issues.append(Issue("/data", TYPE_MISMATCH, "error", "expected an array"))
    else:
        try:
            items = structure(data, list[item], mode=mode)  # type: ignore[valid-type]
        except PayloadError as error:
            issues += [attrs.evolve(i, path="/data" + i.path) for i in error.issues]
    if issues:
        raise PayloadError(issues)
    return Page(data=items, has_more=bool(has_more), url=str(url))


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CALL_TIMEOUT",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "RETRYABLE_TRANSPORT_ERRORS",
    "ApiKey",
    "BodyBuffer",
    "BodyTooLarge",
    "Jitter",
    "Limits",
    "Page",
    "Prepared",
    "RetryPolicy",
    "Retrying",
    "StripeError",
    "body_too_large_error",
    "check_base_url",
    "check_mode",
    "connection_error",
    "default_jitter",
    "error_from",
    "parse",
    "prepare",
    "remember_request_id",
    "request_timeout",
    "request_id",
]
