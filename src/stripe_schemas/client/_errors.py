"""The exceptions of the client: one per kind of Stripe error, all with the same fields."""

from __future__ import annotations

from collections.abc import Sequence

from ..issues import Issue


class StripeError(Exception):
    """A request to Stripe failed; the fields come from Stripe's error body where it sent one.

    `http_status` is `None` when no response arrived (`APIConnectionError`).
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        decline_code: str | None = None,
        doc_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.decline_code = decline_code
        self.doc_url = doc_url

    def __str__(self) -> str:
        """The message, after what Stripe said of the error (its HTTP status and `type`),
        with its code, parameter and request id; never the class name, which a traceback
        and `repr` show already."""
        said = [f"HTTP {self.http_status}"] if self.http_status is not None else []
        said += [self.type] if self.type else []
        details = [f"{name}={value}" for name, value in self._details() if value is not None]
        head = f"({', '.join(said)}) " if said else ""
        return f"{head}{self.message}" + (f" [{', '.join(details)}]" if details else "")

    def _details(self) -> list[tuple[str, str | None]]:
        return [("code", self.code), ("param", self.param), ("request_id", self.request_id)]

    def __repr__(self) -> str:
        fields = [("http_status", self.http_status), ("type", self.type)]
        fields += self._details()
        shown = ", ".join(f"{name}={value!r}" for name, value in fields if value is not None)
        return f"{type(self).__name__}({shown})"


class APIConnectionError(StripeError):
    """No response came back (connection refused or dropped, a timeout), after the retries."""


class InvalidRequestError(StripeError):
    """`invalid_request_error`: bad parameters, a missing object, a state that forbids it."""


class AuthenticationError(StripeError):
    """HTTP 401: the API key is missing, wrong or revoked."""


class CardError(StripeError):
    """`card_error` (HTTP 402)."""


class PermissionDeniedError(StripeError):
    """HTTP 403: the key may not do this."""


class IdempotencyError(StripeError):
    """`idempotency_error`: an `Idempotency-Key` reused with other parameters."""


class RateLimitError(StripeError):
    """HTTP 429: too many requests (raised once the retries are used up or refused)."""


class APIError(StripeError):
    """`api_error`, an HTTP 5xx, or an error response that is not Stripe's error body."""


class InvalidResponseError(StripeError):
    """A successful response whose body does not fit the expected model; `issues` says where."""

    def __init__(
        self,
        message: str,
        issues: Sequence[Issue],
        *,
        http_status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, http_status=http_status, request_id=request_id)
        self.issues: tuple[Issue, ...] = tuple(issues)


#: Error class by Stripe's error `type`.
BY_TYPE: dict[str, type[StripeError]] = {
    "api_error": APIError,
    "card_error": CardError,
    "idempotency_error": IdempotencyError,
    "invalid_request_error": InvalidRequestError,
}
#: Error class by HTTP status (it decides first, except for `idempotency_error`).
BY_STATUS: dict[int, type[StripeError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionDeniedError,
    404: InvalidRequestError,
    429: RateLimitError,
}


def error_class(status: int, error_type: str | None) -> type[StripeError]:
    """The exception for an error response."""
    if error_type == "idempotency_error":
        return IdempotencyError
    found = BY_STATUS.get(status)
    if found is not None:
        return found
    if error_type is not None and error_type in BY_TYPE:
        return BY_TYPE[error_type]
    return APIError
