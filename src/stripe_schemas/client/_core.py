"""What the sync and async clients share, without any I/O: requests, retries, responses.

* :func:`prepare` checks the parameters against the spec (``stripe_schemas.params``)
  and encodes them (``stripe_schemas.forms``): nothing is sent when they are wrong.
* :class:`RetryPolicy` decides whether and how long to wait before trying again.
* :func:`parse` turns a response into a typed value or a typed exception.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import random
import re
import uuid
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import attrs
import httpx

import stripe_models

from .. import forms
from .. import io as jsonio
from ..converters import Mode, structure
from ..issues import HIDDEN, TYPE_MISMATCH, WRONG_OBJECT_TAG, Issue, PayloadError
from ..params import check
from ._errors import (
    APIConnectionError,
    InvalidResponseError,
    StripeError,
    error_class,
)

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.stripe.com"
#: stripe-python's default (seconds, for the whole request).
DEFAULT_TIMEOUT = 80.0
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
    """The secret key; its repr, str and pickling never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value or value != value.strip():
            raise ValueError("the API key must be a non-empty string without surrounding spaces")
        if "\r" in value or "\n" in value:
            raise ValueError("the API key must be one line")
        self._value = value

    @classmethod
    def resolve(cls, value: str | None) -> ApiKey:
        """The key given, else ``$STRIPE_API_KEY``; a ValueError if there is none."""
        found = value if value is not None else os.environ.get(API_KEY_ENV)
        if found is None or found == "":
            raise ValueError(f"no API key: pass api_key=... or set {API_KEY_ENV}")
        return cls(found)

    def authorization(self) -> str:
        return f"Bearer {self._value}"

    def redact(self, text: str) -> str:
        """``text`` with the key removed, should a server ever echo it back."""
        return text.replace(self._value, HIDDEN) if self._value in text else text

    def __repr__(self) -> str:
        return f"ApiKey({HIDDEN})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("an API key is not pickled")


# -- requests ------------------------------------------------------------------------------


@attrs.frozen
class Prepared:
    """One request, ready to send (and to send again, unchanged, on a retry)."""

    method: str
    #: The path with its parameters filled in, plus the query string for ``GET``.
    target: str
    #: The path template, for logs (``/v1/identity/verification_sessions/{session}``).
    operation: str
    body: bytes | None
    headers: Mapping[str, str]


_PATH_PARAM = re.compile(r"\{[^{}/]+\}")


def _fill(template: str, path_args: tuple[str, ...]) -> str:
    slots = _PATH_PARAM.findall(template)
    if len(slots) != len(path_args):
        raise TypeError(f"{template} takes {len(slots)} id(s), got {len(path_args)}")
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
    idempotency_key: str | None = None,
) -> Prepared:
    """Check, encode and address a call of the operation whose parameters class is ``model``.

    Raises :class:`~stripe_schemas.PayloadError` (bad parameters) or ValueError (a bad id)
    before anything is sent.
    """
    operation = getattr(model, "__stripe_operation__", None)
    if operation is None:
        raise TypeError(f"{model.__name__} is not a parameter class of an operation")
    method, template = operation
    target = _fill(template, path_args)
    encoded = forms.encode(check(params, model))
    headers = {"Stripe-Version": stripe_models.API_VERSION, "User-Agent": USER_AGENT}
    body: bytes | None = None
    if method == "GET" or method == "DELETE":
        if encoded:
            target += "?" + encoded
    else:
        body = encoded.encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        key = idempotency_key if idempotency_key is not None else str(uuid.uuid4())
        if not key or len(key) > 255 or not key.isprintable() or not key.isascii():
            raise ValueError("an idempotency key is 1 to 255 printable ASCII characters")
        headers["Idempotency-Key"] = key
    if idempotency_key is not None and body is None:
        raise ValueError(f"{method} requests take no idempotency key")
    return Prepared(method=method, target=target, operation=template, body=body, headers=headers)


# -- retries -------------------------------------------------------------------------------


@attrs.frozen
class RetryPolicy:
    """When to try a request again, and how long to wait first.

    Retried: connection failures and timeouts, 409, 429 and every 5xx, unless the
    response says ``Stripe-Should-Retry: false``; ``Stripe-Should-Retry: true`` makes any
    response retried. The wait before retry *n* (1, 2, …) is ``initial · 2ⁿ⁻¹`` capped at
    ``maximum``, times a random factor in [0.5, 1] (jitter), and at least a numeric
    ``Retry-After`` of up to ``max_retry_after`` seconds. A POST keeps its
    ``Idempotency-Key`` on every try, so Stripe applies it once.
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
        """Seconds to wait before retry number ``retry`` (from 1); ``jitter`` in [0, 1]."""
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

    Logs each retry (method, path template, status or failure, Request-Id, wait), never
    a header or a parameter.
    """

    policy: RetryPolicy
    jitter: Jitter
    key: ApiKey

    def after_failure(self, prepared: Prepared, attempt: int, exc: httpx.TransportError) -> float:
        """Seconds to wait after a transport failure, or raise :class:`APIConnectionError`."""
        if not isinstance(exc, RETRYABLE_TRANSPORT_ERRORS) or attempt > self.policy.max_retries:
            raise connection_error(exc, attempt, self.key) from exc
        wait = self.policy.delay(attempt, self.jitter())
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
        self, prepared: Prepared, attempt: int, response: httpx.Response
    ) -> float | None:
        """Seconds to wait before trying again, or ``None``: this response is the answer."""
        request = response.headers.get("request-id")
        status = response.status_code
        if attempt <= self.policy.max_retries and self.policy.should_retry(
            status, response.headers
        ):
            wait = self.policy.delay(attempt, self.jitter(), response.headers)
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


# -- responses -----------------------------------------------------------------------------


@attrs.frozen
class Page(Generic[T]):
    """One page of a list: Stripe's list object, with typed items."""

    data: list[T]
    has_more: bool
    #: The list's URL path (``/v1/identity/verification_sessions``).
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
    """The ``Request-Id`` of the response a client call returned ``value`` from (else None)."""
    found = _REQUEST_IDS.get(id(value))
    if found is None or found[0]() is not value:
        return None
    return found[1]


def _error_fields(body: bytes) -> dict[str, Any] | None:
    """Stripe's ``{"error": {...}}`` body as fields of a :class:`StripeError`, if it is one."""
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


def error_from(response: httpx.Response, key: ApiKey) -> StripeError:
    """The typed exception of an error response."""
    request = response.headers.get("request-id")
    fields = _error_fields(response.content)
    if fields is None:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        message = f"HTTP {response.status_code} without a Stripe error body ({kind})"
        cls = error_class(response.status_code, None)
        return cls(key.redact(message), http_status=response.status_code, request_id=request)
    message = fields.pop("message") or f"HTTP {response.status_code}"
    cls = error_class(response.status_code, fields["type"])
    safe = {name: key.redact(value) if value else value for name, value in fields.items()}
    return cls(key.redact(message), http_status=response.status_code, request_id=request, **safe)


def connection_error(exc: httpx.TransportError, attempts: int, key: ApiKey) -> APIConnectionError:
    what = type(exc).__name__
    detail = key.redact(str(exc)) if str(exc) else "no detail"
    return APIConnectionError(
        f"no response from Stripe after {attempts} attempt(s): {what} ({detail})"
    )


def parse(
    response: httpx.Response, target: Any, mode: Mode, key: ApiKey, *, page: bool = False
) -> Any:
    """A successful response as ``target`` (or a :class:`Page` of ``target``); errors raised."""
    request = response.headers.get("request-id")
    if response.status_code >= 300:
        raise error_from(response, key)
    try:
        decoded = jsonio.loads(response.content)
        value = _page(decoded, target, mode) if page else structure(decoded, target, mode=mode)
    except PayloadError as error:
        raise InvalidResponseError(
            f"the response does not fit {getattr(target, '__name__', target)} "
            f"({len(error.issues)} issue(s))",
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
    "DEFAULT_TIMEOUT",
    "RETRYABLE_TRANSPORT_ERRORS",
    "ApiKey",
    "Jitter",
    "Page",
    "Prepared",
    "RetryPolicy",
    "Retrying",
    "StripeError",
    "connection_error",
    "default_jitter",
    "error_from",
    "parse",
    "prepare",
    "remember_request_id",
    "request_id",
]
