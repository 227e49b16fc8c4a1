"""Webhooks: verify a delivery's `Stripe-Signature` header, then parse a typed event.

    event = construct_event(body, request.headers.get("Stripe-Signature"), secret)
    if isinstance(event.data.object, VerificationSession):
        ...

Verification (`verify_header()`) makes the same accept/reject decision as the
official `stripe` package's `WebhookSignature.verify_header` on every input (a
differential test checks it): HMAC-SHA256 with the secret over `"{t}.{body}"`,
any one of the header's `v1` signatures may match (Stripe signs with the old and
the new secret while one is being rolled), each comparison takes constant time,
and a timestamp older than `tolerance` seconds is refused. Only after that is the
body parsed (`parse_event()`): as an `Event` of the generated package whose
`data.object` is the model its `object` tag names, lenient by default (an
endpoint receives the API version of its account, often newer than the models).

Every refusal is a `SignatureVerificationError` with a stable `reason`
(see `REASONS`) and a one-line message that never contains the secret, a
signature, the header or the body. A body that passes verification but is not a
JSON event is a [`PayloadError`][stripe_schemas.PayloadError].
"""

from __future__ import annotations

import codecs
import hmac
import math
import time
from collections.abc import Mapping
from typing import Any, Final, Generic, Literal, TypeVar, overload

import attrs

from stripe_models.core import Event

from . import io as jsonio
from .converters import Mode, structure, target_name
from .issues import API_VERSION_MISMATCH, Issue, PayloadError, printable
from .model import LATEST, MODES, is_bundled, models_for, resource_id_of
from .validation import event_status_issues

__all__ = [
    "DEFAULT_TOLERANCE",
    "REASONS",
    "Delivery",
    "Reason",
    "SignatureVerificationError",
    "construct_event",
    "load_json",
    "parse_event",
    "receive_event",
    "signature_header",
    "verify_header",
]

E = TypeVar("E")

#: Seconds a signed timestamp stays acceptable (Stripe's default too).
DEFAULT_TOLERANCE: Final = 300
#: The signature scheme Stripe signs with (`v0` entries are test-mode leftovers, never checked).
SCHEME: Final = "v1"

Reason = Literal[
    "bad_encoding", "no_header", "bad_secret", "bad_header", "no_signature", "mismatch", "too_old"
]

#: Every reason a delivery is refused, in the order the checks run.
REASONS: Final[Mapping[Reason, str]] = {
    "bad_encoding": "the body is bytes that are not UTF-8, or text that cannot be encoded as UTF-8",
    "no_header": "the Stripe-Signature header is missing or empty",
    "bad_secret": "the secret is empty, only whitespace, or not encodable as UTF-8",
    "bad_header": (
        "the header has no t= item, its timestamp is not an integer, a t or v1 item has "
        "no '=', or a v1 signature before the matching one is not ASCII"
    ),
    "no_signature": "the header has no v1 signature (for example, only v0)",
    "mismatch": "no v1 signature matches the body signed with the secret",
    "too_old": "the timestamp is older than the tolerance allows",
}

#: The characters the official library strips before calling a secret empty.
_BLANK = " \t\r\n\f\v"


class SignatureVerificationError(ValueError):
    """A webhook delivery failed verification; `reason` says which check (see `REASONS`).

    The message is one line and never holds the secret, a signature, the header or the
    body; nothing from the input is chained to the exception either.
    """

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        self.message = message

    def __repr__(self) -> str:
        return f"SignatureVerificationError(reason={self.reason!r})"


def _refuse(reason: Reason, message: str) -> SignatureVerificationError:
    return SignatureVerificationError(reason, message)


#: UTF-8 is checked this many bytes at a time (no copy of the whole body as text).
_CHUNK = 1 << 20


def _is_utf8(data: bytes | bytearray) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _signature(key: bytes, timestamp: int, body: bytes | bytearray) -> bytes:
    """HMAC-SHA256 of `"{timestamp}.{body}"`, fed in two steps (the body is not copied)."""
    mac = hmac.new(key, b"%d." % timestamp, "sha256")
    mac.update(body)
    return mac.digest()


def _body_bytes(payload: bytes | bytearray | str) -> bytes | bytearray | None:
    """The body as the UTF-8 bytes Stripe signed; None if it is not UTF-8 (or not encodable)."""
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError:
            return None
    if isinstance(payload, (bytes, bytearray)):
        return payload if payload.isascii() or _is_utf8(payload) else None
    raise TypeError(f"the webhook body must be bytes or str, not {type(payload).__name__}")


def _parse_header(header: str) -> tuple[int, list[str]] | str:
    """(timestamp, v1 signatures) of a `Stripe-Signature` header, or why it is malformed.

    Read as the official library reads it: comma-separated `key=value` items (a key
    is compared as it is, spaces included), the first `t` item's value is the
    timestamp (Python `int` syntax), every `v1` item's value is a signature, and a
    value ends at a second `=`.
    """
    items = [item.split("=", 2) for item in header.split(",")]
    stamps = [item for item in items if item[0] == "t"]
    if not stamps:
        return "the Stripe-Signature header has no t= timestamp"
    if any(len(item) < 2 for item in stamps):
        return "the Stripe-Signature header has a 't' item without '='"
    try:
        timestamp = int(stamps[0][1])
    except ValueError:
        timestamp = None
    if timestamp is None:
        return "the Stripe-Signature header's t= timestamp is not an integer"
    signatures = [item for item in items if item[0] == SCHEME]
    if any(len(item) < 2 for item in signatures):
        return f"the Stripe-Signature header has a '{SCHEME}' item without '='"
    return timestamp, [item[1] for item in signatures]


def verify_header(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = DEFAULT_TOLERANCE,
) -> int:
    """Check a delivery's `Stripe-Signature` header; return its (verified) timestamp.

    `payload` is the raw request body exactly as received (bytes, or the text it
    decodes to); `secret` is the endpoint's signing secret (`whsec_…`). A
    `tolerance` of 0 or None turns the age check off; a timestamp in the future is
    accepted, as by the official library. Raises `SignatureVerificationError`;
    a `payload` that is neither bytes nor str, or a header or secret of another
    type, is a TypeError.
    """
    _check_tolerance(tolerance)
    body = _body_bytes(payload)
    if body is None:
        what = "text that cannot be encoded" if isinstance(payload, str) else "bytes that are not"
        raise _refuse("bad_encoding", f"the webhook body is {what} UTF-8")
    if sig_header is not None and not isinstance(sig_header, str):
        raise TypeError(
            f"the Stripe-Signature header must be a str, not {type(sig_header).__name__}"
        )
    if not sig_header:
        raise _refuse("no_header", "no Stripe-Signature header value was given")
    if secret is not None and not isinstance(secret, str):
        raise TypeError(f"the webhook secret must be a str, not {type(secret).__name__}")
    if secret is None or not secret.strip(_BLANK):
        raise _refuse("bad_secret", "the webhook secret is missing, empty or only whitespace")
    parsed = _parse_header(sig_header)
    if isinstance(parsed, str):
        raise _refuse("bad_header", parsed)
    timestamp, signatures = parsed
    if not signatures:
        raise _refuse("no_signature", f"the Stripe-Signature header has no {SCHEME} signature")
    try:
        key = secret.encode("utf-8")
    except UnicodeEncodeError:
        key = None
    if key is None:
        raise _refuse("bad_secret", "the webhook secret cannot be encoded as UTF-8")
    expected = _signature(key, timestamp, body).hex()
    for signature in signatures:
        if not signature.isascii():  # the official library fails here (compare_digest)
            raise _refuse("bad_header", f"a {SCHEME} signature in the header is not ASCII")
        if hmac.compare_digest(expected, signature):
            break
    else:
        count = len(signatures)
        many = (
            f"none of the {count} {SCHEME} signatures matches"
            if count > 1
            else "the signature does not match"
        )
        raise _refuse("mismatch", f"{many} the body signed with this secret")
    if tolerance and timestamp < time.time() - tolerance:
        age = int(time.time()) - timestamp
        raise _refuse("too_old", f"the signature is {age} s old, over the {tolerance} s tolerance")
    return timestamp


def _check_tolerance(tolerance: object) -> None:
    """A tolerance is None or a finite number of seconds (TypeError/ValueError): NaN or an
    infinity would silently turn the check off, or refuse everything. (A negative one
    refuses timestamps not that far in the future, as in the official library.)"""
    if tolerance is None:
        return
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise TypeError(f"tolerance is a number of seconds or None, not {type(tolerance).__name__}")
    if not math.isfinite(tolerance):
        raise ValueError("tolerance must be a finite number of seconds (0 or None: no check)")


def signature_header(
    payload: bytes | bytearray | str, secret: str, *, timestamp: int | None = None
) -> str:
    """A `Stripe-Signature` header value for a body, as Stripe would send it (for tests).

    `timestamp` defaults to now.
    """
    body = _body_bytes(payload)
    if body is None:
        raise ValueError("the webhook body is not UTF-8")
    if not isinstance(secret, str):
        raise TypeError(f"the webhook secret must be a str, not {type(secret).__name__}")
    if timestamp is not None and (isinstance(timestamp, bool) or not isinstance(timestamp, int)):
        raise TypeError(f"the timestamp is an int, not {type(timestamp).__name__}")
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = _signature(secret.encode("utf-8"), stamp, body)
    return f"t={stamp},{SCHEME}={digest.hex()}"


# -- typed events ----------------------------------------------------------------------------


@overload
def construct_event(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = ...,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    event_class: None = ...,
    api_version: str | None = ...,
) -> Event: ...
@overload
def construct_event(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = ...,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    event_class: type[E],
) -> E: ...
def construct_event(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = DEFAULT_TOLERANCE,
    mode: Mode = "lenient",
    notices: list[Issue] | None = None,
    event_class: Any = None,
    api_version: str | None = None,
) -> Any:
    """Verify a webhook delivery (`verify_header()`), then parse it (`parse_event()`).

    Raises `SignatureVerificationError` before the body is read at all, or
    [`PayloadError`][stripe_schemas.PayloadError] for a verified body that is not a valid event.
    """
    _check_options(mode, event_class)
    verify_header(payload, sig_header, secret, tolerance=tolerance)
    return parse_event(
        payload, mode=mode, notices=notices, event_class=event_class, api_version=api_version
    )


@overload
def parse_event(
    payload: bytes | bytearray | str,
    *,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    event_class: None = ...,
    api_version: str | None = ...,
) -> Event: ...
@overload
def parse_event(
    payload: bytes | bytearray | str,
    *,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    event_class: type[E],
) -> E: ...
def parse_event(
    payload: bytes | bytearray | str,
    *,
    mode: Mode = "lenient",
    notices: list[Issue] | None = None,
    event_class: Any = None,
    api_version: str | None = None,
) -> Any:
    """A typed event from JSON that is already verified, or comes from a trusted source.

    This does **not** check a signature: use `construct_event()` for deliveries.
    An event is read with the bundled models of its own `api_version` (the `Event`
    of `stripe_models` for the newest, of `stripe_models_2023_08_16` for
    2023-08-16: the same names, so `isinstance` wants that package's classes); one of a
    version without bundled models is read with the newest, and an
    `api_version_mismatch` notice goes to `notices`. `api_version="…"` reads it
    with that version's models instead, and `event_class` with the `Event` class
    of any generated package (one generated with `--all` types every resource); not
    both. `event.data.object` is the
    model its `object` tag names, or a plain mapping (with an `unknown_model`
    notice) when the package has none; `data.previous_attributes` is checked
    against the same model. An `identity.verification_session.*` event must agree
    with its session's status (the `event_status_mismatch` rule of
    `validate_history`). `mode` is lenient by default: an endpoint receives
    events in its account's API version, often newer than the models. Raises
    [`PayloadError`][stripe_schemas.PayloadError] listing every problem, with pointers from
    the event's root (`/data/object/status`); notices go to `notices`.
    """
    _, event, failure = _read(payload, mode, notices, event_class, api_version)
    if failure is not None:
        raise failure
    return event


@attrs.frozen(repr=False, eq=False)
class Delivery(Generic[E]):
    """An authentic webhook delivery, whatever its body holds (see `receive_event`).

    `raw` is the body's JSON value (a `dict` for an event; None when the body is not
    JSON), `event` the typed event when the body structures (else None), and `issues`
    everything found: the errors that kept it from structuring or from passing the checks,
    then the notices. `ok` says whether it can be handled as usual. The repr shows only
    counts and codes, never a value from the body.
    """

    raw: Any
    event: E | None
    issues: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        """Typed, and no issue is an error (notices and warnings allowed)."""
        return self.event is not None and not self.errors

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")

    def __repr__(self) -> str:
        codes = sorted({issue.code for issue in self.errors})
        return (
            f"Delivery(ok={self.ok}, typed={self.event is not None}, "
            f"issues={len(self.issues)}, error_codes={codes})"
        )


@overload
def receive_event(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = ...,
    mode: Mode = ...,
    event_class: None = ...,
    api_version: str | None = ...,
) -> Delivery[Event]: ...
@overload
def receive_event(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = ...,
    mode: Mode = ...,
    event_class: type[E],
) -> Delivery[E]: ...
def receive_event(
    payload: bytes | bytearray | str,
    sig_header: str | None,
    secret: str | None,
    *,
    tolerance: int | None = DEFAULT_TOLERANCE,
    mode: Mode = "lenient",
    event_class: Any = None,
    api_version: str | None = None,
) -> Any:
    """Verify a webhook delivery, then read it without raising: a `Delivery`.

    Only a delivery that fails verification raises (`SignatureVerificationError`):
    answer it 400. An authentic one always comes back, even when its body is not JSON, does
    not structure, or breaks a rule (`delivery.ok` is False): acknowledge it (2xx, or
    Stripe retries it for days) and keep it aside for a person with `delivery.issues`.
    The options are those of `construct_event`.
    """
    _check_both(mode, event_class, api_version)
    verify_header(payload, sig_header, secret, tolerance=tolerance)
    notices: list[Issue] = []
    value, event, failure = _read(payload, mode, notices, event_class, api_version)
    errors = failure.issues if failure is not None else ()
    return Delivery(value, event, (*errors, *notices))


def _read(
    payload: bytes | bytearray | str,
    mode: Mode,
    notices: list[Issue] | None,
    event_class: Any,
    api_version: str | None,
) -> tuple[Any, Any, PayloadError | None]:
    """The one reading of an authentic body, for `parse_event` (which raises what it
    found) and `receive_event` (which returns it): the body's JSON value (None when it is
    not JSON), the typed event (None when it does not structure), and the `PayloadError`
    of the first step that failed (decoding, structuring, then the event/status rule)."""
    cls = _check_both(mode, event_class, api_version)
    try:
        value = load_json(payload, target_name(cls))
    except PayloadError as exc:
        return None, None, exc
    if event_class is None:
        cls = _event_class(value, api_version, notices)
    try:
        event = structure(value, cls, mode=mode, notices=notices)
    except PayloadError as exc:
        return value, None, exc
    problems = event_status_issues(value)
    failure = PayloadError(problems, model=target_name(cls)) if problems else None
    return value, event, failure


def load_json(payload: bytes | bytearray | str, name: str = "event") -> Any:
    """The body's JSON value (plain dicts and lists), for a body whose signature has passed.

    The one place this module decodes a body: RFC 8259 UTF-8 JSON only, else a
    [`PayloadError`][stripe_schemas.PayloadError] (`invalid_json`, `input_limit`).
    """
    return jsonio.loads(payload, name)


def _event_class(value: Any, api_version: str | None, notices: list[Issue] | None) -> Any:
    """The `Event` class of the models to read an event with: those of `api_version`,
    else of the event's own `api_version` when they are bundled, else the newest (with an
    `api_version_mismatch` notice: the event is never silently read as another version)."""
    if api_version is not None:
        return models_for(api_version).model_for("event")
    version = value.get("api_version") if isinstance(value, dict) else None
    if is_bundled(version):
        assert isinstance(version, str)
        return models_for(version).model_for("event")
    if isinstance(version, str) and notices is not None:
        message = (
            f"the event is of API version {printable(version[:40])!r}, which has no models "
            f"here; it was read as {LATEST}"
        )
        notices.append(Issue("/api_version", API_VERSION_MISMATCH, "notice", message))
    return Event


def _check_both(mode: object, event_class: Any, api_version: str | None) -> Any:
    """`_check_options`, and `event_class` and `api_version` are not both given."""
    cls = _check_options(mode, event_class)
    if event_class is not None and api_version is not None:
        raise TypeError("give event_class or api_version, not both")
    return cls


def _check_options(mode: object, event_class: Any) -> Any:
    """The event class to use (TypeError/ValueError for options that cannot work)."""
    if mode not in MODES:
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    if event_class is None:
        return Event
    if resource_id_of(event_class) != "event":
        raise TypeError(
            f"event_class must be the Event class of a generated package, not {event_class!r}"
        )
    return event_class
