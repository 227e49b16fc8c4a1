"""The checks of the client's options, written once: the client's arguments, its
`stripe_schemas.client.RequestOptions` and each call's use them alike.

Messages name the option and the kind of value, never the value itself (it may be a key).
"""

from __future__ import annotations

import math
import re

__all__ = [
    "check_header_value",
    "check_idempotency_key",
    "check_max_retries",
    "check_seconds",
    "kind",
]

#: What a header value may hold here: visible ASCII, no space, no control character.
HEADER_SAFE = re.compile(r"[\x21-\x7e]+").fullmatch
#: Stripe's bound on an `Idempotency-Key`.
MAX_IDEMPOTENCY_KEY = 255


def kind(value: object) -> str:
    return f"a {type(value).__name__}"


def check_seconds(name: str, value: object) -> None:
    """`value` is a positive, finite number of seconds (a TypeError or ValueError if not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} is a number of seconds or None, not {kind(value)}")
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive, finite number of seconds, or None")


def check_max_retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries is an int, not {kind(value)}")
    if value < 0:
        raise ValueError("max_retries must be 0 or more")
    return value


def check_header_value(name: str, value: object) -> str:
    """`value` if it can be sent as a header value (visible ASCII, no spaces)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} is a str, not {kind(value)}")
    if not HEADER_SAFE(value):
        raise ValueError(
            f"{name} must be a non-empty string of printable ASCII without spaces "
            "(it is sent as a header)"
        )
    return value


def check_idempotency_key(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"an idempotency key is a str, not {kind(value)}")
    if (
        not value
        or len(value) > MAX_IDEMPOTENCY_KEY
        or not value.isprintable()
        or not value.isascii()
    ):
        raise ValueError(
            f"an idempotency key is 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters"
        )
    return value
