"""Typed failures only: every public entry point, fed arbitrary JSON-like values, arbitrary
bytes and values of the wrong Python type, raises nothing but its documented exceptions.

Bad *data* gets the documented data errors (``PayloadError``, the client's ``StripeError``
family, ``SignatureVerificationError``, a report with issues); a *programming* error (a
value of the wrong Python type, an impossible option) gets a ``TypeError`` or
``ValueError`` with a message. Anything else (an ``AttributeError``, a ``KeyError``, a
``RecursionError``, a ``UnicodeEncodeError`` from deep inside) fails the test.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.events import TEST_SECRET, session_event
from bench.payloads import PAYLOADS, REPORT
from stripe_models.core import Event
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_models.params import identity as params
from stripe_schemas import ListObject, PayloadError, dumps, loads, structure, unstructure
from stripe_schemas.client import Client, StripeError
from stripe_schemas.forms import encode
from stripe_schemas.params import check
from stripe_schemas.validation import validate, validate_history
from stripe_schemas.webhooks import (
    SignatureVerificationError,
    construct_event,
    parse_event,
    signature_header,
    verify_header,
)

# -- what is drawn ---------------------------------------------------------------------------

#: Any text, lone surrogates and control characters included.
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
KEYS = st.one_of(TEXT, st.sampled_from(["object", "id", "status", "type", "data", "metadata"]))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(["identity.verification_session", "list", "event", "requires_input"]),
)
#: JSON-like values: what a decoder could give (plus NaN, infinities and huge integers).
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=24,
)


class Opaque:
    """An object of no JSON type, with an ``id`` (the official form encoder sends those)."""

    id = "obj_1"


#: Values of Python types no payload has.
ODD = st.one_of(
    st.binary(max_size=8),
    st.builds(set, st.lists(st.integers(), max_size=3)),
    st.builds(tuple, st.lists(SCALARS, max_size=3)),
    st.builds(decimal.Decimal, st.integers()),
    st.just(datetime.datetime(2024, 1, 1)),
    st.just(Opaque()),
    st.just(object()),
    st.dictionaries(st.integers(), SCALARS, min_size=1, max_size=2),
    st.just(float),
)
#: JSON-like values with odd ones mixed in anywhere.
ANY_VALUE = st.recursive(
    st.one_of(SCALARS, ODD),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=16,
)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*at, index))


BASES = [*PAYLOADS.values(), REPORT, session_event("verified"), session_event("canceled")]


@st.composite
def near_valid(draw: st.DrawFn, values: st.SearchStrategy[Any] = JSON_LIKE) -> Any:
    """A real payload with one place (or the whole of it) replaced by a drawn value, or
    one key removed: the bad input reaches deep into the converters and validators."""
    base = copy.deepcopy(draw(st.sampled_from(BASES)))
    path = draw(st.sampled_from(list(_paths(base))))
    if not path:
        return draw(values)
    parent = base
    for token in path[:-1]:
        parent = parent[token]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(values)
    return base


def _nested(depth: int, kind: str) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


#: Values nested far deeper than any payload (and than Python's recursion limit).
DEEP = st.builds(
    _nested, st.sampled_from([30, 80, 300, 1200, 5000]), st.sampled_from(["list", "dict"])
)
DATA = st.one_of(JSON_LIKE, near_valid(), near_valid(DEEP))
PYTHON = st.one_of(ANY_VALUE, near_valid(ANY_VALUE))


def _bytes(value: Any) -> bytes:
    try:
        return json.dumps(value).encode("utf-8", "surrogatepass")
    except RecursionError:  # deeper than the standard library writes: as deep, by hand
        return b'{"a": ' * 5000 + b"1" + b"}" * 5000
    except (TypeError, ValueError):
        return b"{"


BYTES = st.one_of(
    st.binary(max_size=64),
    DATA.map(_bytes),
    st.tuples(DATA.map(_bytes), st.integers(0, 40), st.binary(max_size=3)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
    ),
)


def only(call: Callable[[], object], *allowed: type[BaseException]) -> BaseException | None:
    """Run ``call``; any exception outside ``allowed`` fails the test (with its type)."""
    try:
        call()
    except allowed as exc:
        return exc
    except Exception as exc:  # pragma: no cover - the failure this test exists to find
        pytest.fail(f"{type(exc).__name__} escaped: {exc!s:.300}")
    return None


PROGRAMMING = (TypeError, ValueError)
TARGETS = [
    VerificationSession,
    VerificationReport,
    Event,
    ListObject[VerificationSession],
    list[VerificationSession],
]

# -- converters --------------------------------------------------------------------------------


@given(DATA, st.sampled_from(TARGETS), st.sampled_from(["strict", "lenient"]))
def test_structure_raises_payload_errors_only(value: Any, target: Any, mode: Any) -> None:
    """structure() of any JSON-like value: the instance or a PayloadError."""
    only(lambda: structure(value, target, mode=mode), PayloadError)


@given(PYTHON, st.sampled_from(TARGETS))
def test_structure_of_other_python_values(value: Any, target: Any) -> None:
    """structure() of values no decoder gives (bytes, sets, Decimals…): PayloadError, or a
    TypeError/ValueError naming the problem."""
    only(lambda: structure(value, target), PayloadError, *PROGRAMMING)


@given(BYTES, st.sampled_from(TARGETS))
def test_loads_raises_payload_errors_only(data: bytes, target: Any) -> None:
    """loads() of any bytes, and of the text they decode to: the instance or a PayloadError."""
    only(lambda: loads(data, target), PayloadError)
    text = data.decode("utf-8", "surrogateescape")
    only(lambda: loads(text, target), PayloadError)


@given(PYTHON)
def test_loads_of_other_types_is_a_type_error(value: Any) -> None:
    """loads() of what is neither bytes nor text: a TypeError."""
    if not isinstance(value, (bytes, str)):
        only(lambda: loads(value, VerificationSession), TypeError)


FIELD_VALUES = st.one_of(ANY_VALUE, st.just(None))


VALID = [
    (VerificationSession, PAYLOADS["verified"]),
    (VerificationReport, REPORT),
    (Event, session_event("verified")),
]


@given(st.sampled_from(VALID), st.data())
def test_unstructure_and_dumps_of_badly_built_instances(
    valid: tuple[type, dict[str, Any]], data: st.DataObject
) -> None:
    """An instance whose fields were given values of any type: unstructure() and dumps()
    give JSON or a TypeError/ValueError, never an AttributeError from generated code."""
    import attrs

    cls, payload = valid
    instance = structure(copy.deepcopy(payload), cls)
    fields = [a for a in attrs.fields(cls) if not a.name.startswith("_")]
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
    instance = attrs.evolve(instance, **{a.name: data.draw(FIELD_VALUES) for a in chosen})
    only(lambda: unstructure(instance), *PROGRAMMING)
    only(lambda: dumps(instance), *PROGRAMMING)


# -- validation --------------------------------------------------------------------------------

MODELS = st.sampled_from(
    [None, "identity.verification_session", "identity.verification_report", "event"]
)


@given(st.one_of(DATA, BYTES, BYTES.map(lambda b: b.decode("utf-8", "replace"))), MODELS)
def test_validate_reports_never_raises(value: Any, model: Any) -> None:
    """validate() of any JSON-like value, bytes or text gives a report; it never raises."""
    only(lambda: validate(value, model, mode="strict"))
    only(lambda: validate(value, model, mode="lenient"))


@given(PYTHON)
def test_validate_of_other_python_values(value: Any) -> None:
    """validate() of values no decoder gives: a report (invalid_json) or a TypeError."""
    only(lambda: validate(value), *PROGRAMMING)


@given(st.one_of(st.lists(DATA, max_size=4), BYTES, DATA))
def test_validate_history_reports_never_raises(items: Any) -> None:
    """validate_history() of any list, bytes or value gives a report; it never raises."""
    only(lambda: validate_history(items))


# -- webhooks ----------------------------------------------------------------------------------

HEADERS = st.one_of(
    st.none(),
    TEXT,
    st.builds(lambda t, v: f"t={t},v1={v}", st.integers(), TEXT),
    st.sampled_from(["t=1700000000,v1=" + "0" * 64, "t=,v1=", "v1=ab", "t=1_700_000_000"]),
)


@given(st.one_of(BYTES, DATA.map(_bytes)), HEADERS, st.one_of(st.none(), TEXT))
def test_webhooks_raise_typed_errors_only(payload: bytes, header: Any, secret: Any) -> None:
    """verify_header / construct_event refuse any delivery with SignatureVerificationError;
    a verified body that is not an event is a PayloadError; parse_event likewise."""
    only(lambda: verify_header(payload, header, secret), SignatureVerificationError)
    only(lambda: construct_event(payload, header, secret), SignatureVerificationError, PayloadError)
    only(lambda: parse_event(payload), PayloadError)
    signed = signature_header(payload, TEST_SECRET) if _utf8(payload) else None
    only(
        lambda: construct_event(payload, signed, TEST_SECRET),
        SignatureVerificationError,
        PayloadError,
    )


@given(DATA)
def test_signed_events_with_bad_data(value: Any) -> None:
    """A correctly signed body holding any JSON value: an Event or a PayloadError."""
    payload = _bytes(value)
    only(
        lambda: construct_event(payload, signature_header(payload, TEST_SECRET), TEST_SECRET),
        PayloadError,
    )


@given(PYTHON, PYTHON, PYTHON)
def test_webhooks_of_other_python_types(payload: Any, header: Any, secret: Any) -> None:
    """A body, header or secret of the wrong Python type: a TypeError (or, for a body that
    cannot be encoded, the bad_encoding refusal)."""
    allowed = (SignatureVerificationError, PayloadError, TypeError)
    only(lambda: verify_header(payload, header, secret), *allowed)
    only(lambda: parse_event(payload), *allowed)


@given(
    st.one_of(PYTHON, st.floats(), st.integers()),
    st.one_of(PYTHON, TEXT),
    st.one_of(PYTHON, st.integers()),
)
def test_webhook_options_of_any_value(tolerance: Any, secret: Any, timestamp: Any) -> None:
    """A tolerance, secret or timestamp of any value: the documented refusal, or a TypeError/
    ValueError (NaN, an infinity or a text tolerance no longer silently changes the check)."""
    data = b'{"object": "event"}'
    header = signature_header(data, TEST_SECRET)
    error = only(
        lambda: verify_header(data, header, TEST_SECRET, tolerance=tolerance), *PROGRAMMING
    )
    if tolerance is None or (type(tolerance) in (int, float) and math.isfinite(tolerance)):
        assert error is None or getattr(error, "reason", None) == "too_old"
    else:
        assert error is not None and not isinstance(error, SignatureVerificationError)
    only(lambda: signature_header(data, secret, timestamp=timestamp), *PROGRAMMING)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- requests: parameters, form encoding, the client -------------------------------------------

PARAM_CLASSES = [
    params.VerificationSessionCreateParams,
    params.VerificationSessionListParams,
    params.VerificationSessionUpdateParams,
    params.VerificationSessionRetrieveParams,
]


@st.composite
def instances(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> Any:
    """A parameter class instance whose fields hold drawn values of any type."""
    import attrs

    cls = draw(st.sampled_from(PARAM_CLASSES))
    fields = attrs.fields(cls)
    chosen = draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
    kwargs = {a.name: draw(values) for a in chosen}
    for attribute in fields:
        if attribute.default is attrs.NOTHING and attribute.name not in kwargs:
            kwargs[attribute.name] = draw(st.one_of(st.just("document"), values))
    return cls(**kwargs)


MAPPINGS = st.dictionaries(
    st.one_of(st.sampled_from(["type", "expand", "metadata", "options", "limit"]), KEYS),
    JSON_LIKE,
    max_size=4,
)


@given(st.one_of(MAPPINGS, instances(JSON_LIKE)), st.sampled_from(PARAM_CLASSES))
def test_check_raises_payload_errors_only(value: Any, model: type) -> None:
    """params.check of any mapping of JSON-like values, or an instance holding them: the
    JSON object or a PayloadError (an instance of another class: a TypeError)."""
    if isinstance(value, dict) or type(value) is model:
        only(lambda: check(value, model), PayloadError)
    else:
        only(lambda: check(value, model), TypeError)


@given(st.one_of(PYTHON, instances(ANY_VALUE)), st.sampled_from(PARAM_CLASSES))
def test_check_of_other_python_values(value: Any, model: type) -> None:
    """params.check of anything: a PayloadError for bad values, a TypeError for what is
    neither a mapping nor an instance of the class."""
    only(lambda: check(value, model), PayloadError, TypeError)


@given(st.one_of(MAPPINGS, instances(ANY_VALUE), st.dictionaries(KEYS, ANY_VALUE, max_size=4)))
def test_encode_refuses_with_a_pointer(value: Any) -> None:
    """forms.encode of any mapping or instance: text, or a TypeError/ValueError whose message
    names the place by JSON pointer."""
    error = only(lambda: encode(value), *PROGRAMMING)
    if error is not None:
        assert " at /" in str(error), str(error)


@given(PYTHON)
def test_encode_of_other_values(value: Any) -> None:
    """forms.encode of what is not a mapping, an instance or None: a TypeError."""
    only(lambda: encode(value), *PROGRAMMING)


def _mock_client() -> Client:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"object": "identity.verification_session"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return Client("sk_test_fuzz", base_url="https://api.stripe.com", http_client=http)


CLIENT = _mock_client()


@given(
    st.sampled_from(["create", "retrieve", "update", "list", "cancel"]),
    st.one_of(st.none(), MAPPINGS, instances(ANY_VALUE), PYTHON),
    st.one_of(st.just("vs_1"), TEXT, PYTHON),
)
def test_client_requests_raise_typed_errors_only(method: str, value: Any, ident: Any) -> None:
    """The client's request preparation, given any parameters and ids: a PayloadError (bad
    parameters), a TypeError/ValueError (wrong Python types, a bad id), or a StripeError from
    the (mock) answer; nothing is sent for bad parameters."""
    sessions = CLIENT.verification_sessions
    calls: dict[str, Callable[[], object]] = {
        "create": lambda: sessions.create(value),
        "retrieve": lambda: sessions.retrieve(ident, value),
        "update": lambda: sessions.update(ident, value),
        "list": lambda: sessions.list(value),
        "cancel": lambda: sessions.cancel(ident, value),
    }
    only(calls[method], PayloadError, StripeError, *PROGRAMMING)


@given(st.one_of(st.none(), TEXT, PYTHON))
def test_idempotency_keys_of_any_value(key: Any) -> None:
    """An idempotency key of any value: used, or a TypeError/ValueError before sending."""
    only(
        lambda: CLIENT.verification_sessions.cancel("vs_1", idempotency_key=key),
        StripeError,
        *PROGRAMMING,
    )


@given(st.one_of(st.none(), MAPPINGS, PYTHON))
def test_auto_paging_of_any_parameters(value: Any) -> None:
    """list_auto_paging of any parameters: pages, a PayloadError, or a TypeError/ValueError."""
    only(
        lambda: next(iter(CLIENT.verification_sessions.list_auto_paging(value)), None),
        PayloadError,
        StripeError,
        *PROGRAMMING,
    )


@given(PYTHON)
def test_expandable_helpers_of_any_value(value: Any) -> None:
    """expandable_id of any value: the ID or a TypeError; is_expanded never raises."""
    from stripe_schemas import expandable_id, is_expanded

    only(lambda: expandable_id(value), TypeError)
    only(lambda: is_expanded(value))


@given(st.one_of(TEXT, PYTHON), st.one_of(st.just("https://api.stripe.com"), TEXT, PYTHON))
def test_client_construction_raises_programming_errors_only(key: Any, base_url: Any) -> None:
    """Client(api_key, base_url=…) with any key or URL: a client, or a TypeError/ValueError
    (an empty key, one that cannot be a header, a URL the key may not go to)."""
    error = only(lambda: Client(key, base_url=base_url).close(), *PROGRAMMING)
    if error is not None and isinstance(key, str) and len(key) > 3:
        assert key not in str(error)
