"""Webhook signatures: every accept/reject decision equals the official ``stripe`` package's.

The oracle is ``stripe.WebhookSignature.verify_header`` (stripe 16.1.0, a test
dependency). Each case draws deliveries with one kind of defect and knows the
reason it must be refused for, so a second, independent expectation is the
reason code. Signatures here are computed with ``hmac`` directly, never with the
code under test. The clock is frozen for both libraries (``time.time``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
import stripe
from hypothesis import given
from hypothesis import strategies as st

from bench.events import TEST_SECRET, body, session_event
from stripe_schemas.webhooks import (
    REASONS,
    SignatureVerificationError,
    signature_header,
    verify_header,
)

NOW = 1_700_000_000
TOLERANCE = 300
OTHER_SECRET = "whsec_some_other_endpoint_secret_000000"

#: Bodies to sign: real events (one with non-ASCII text), and arbitrary text.
EVENT_BODIES = [
    body(session_event("verified")).decode(),
    body(session_event("requires_input", metadata={"note": "café 日本 ✓"})).decode(),
]
bodies = st.sampled_from(EVENT_BODIES) | st.text(max_size=60)
forms = st.sampled_from(["str", "bytes", "bytearray"])


def sign(secret: str, timestamp: int, data: bytes) -> str:
    """The v1 signature, computed independently of the code under test."""
    return hmac.new(secret.encode(), b"%d." % timestamp + data, hashlib.sha256).hexdigest()


def as_form(text: str, form: str) -> str | bytes | bytearray:
    if form == "str":
        return text
    data = text.encode()
    return data if form == "bytes" else bytearray(data)


def stripe_accepts(payload: Any, header: str | None, secret: str | None, tolerance: Any) -> bool:
    """The official library's decision (it raises TypeError/UnicodeError on some bad input)."""
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
    except (stripe.SignatureVerificationError, UnicodeError, TypeError):
        return False
    return True


def our_reason(payload: Any, header: str | None, secret: str | None, tolerance: Any) -> str | None:
    """None when we accept, else the reason code."""
    try:
        assert verify_header(payload, header, secret, tolerance=tolerance) is not None
    except SignatureVerificationError as error:
        assert error.reason in REASONS
        return error.reason
    return None


Delivery = tuple[Any, str | None, str | None, Any, str | None]  # + the expected reason


def valid(draw: Any, *, offset: int | None = None) -> tuple[str, bytes, int, str]:
    """(text, utf-8 bytes, timestamp, signature) of a fresh delivery signed with TEST_SECRET."""
    text = draw(bodies)
    data = text.encode()
    if offset is None:
        offset = draw(st.integers(-TOLERANCE, 3600))
    timestamp = NOW + offset
    return text, data, timestamp, sign(TEST_SECRET, timestamp, data)


def case_valid(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    return as_form(text, draw(forms)), f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, None


def case_boundary(draw: Any) -> Delivery:
    """Exactly ``tolerance`` seconds old is still accepted; one more second is not."""
    late = draw(st.booleans())
    text, _, t, sig = valid(draw, offset=-TOLERANCE - (1 if late else 0))
    return text, f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, "too_old" if late else None


def case_future(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw, offset=draw(st.integers(3601, 10**9)))
    return as_form(text, draw(forms)), f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, None


def case_stale(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw, offset=-draw(st.integers(TOLERANCE + 1, 10**9)))
    return as_form(text, draw(forms)), f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, "too_old"


def case_stale_without_tolerance(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw, offset=-draw(st.integers(TOLERANCE + 1, 10**9)))
    tolerance = draw(st.sampled_from([0, None]))
    return text, f"t={t},v1={sig}", TEST_SECRET, tolerance, None


def case_negative_tolerance(draw: Any) -> Delivery:
    """A negative tolerance refuses every timestamp not that far in the future (as Stripe's)."""
    text, _, t, sig = valid(draw, offset=draw(st.integers(-TOLERANCE, 50)))
    return text, f"t={t},v1={sig}", TEST_SECRET, -100, "too_old"


def case_tampered(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    change = draw(st.sampled_from(["append", "prepend", "replace"]))
    if change == "append":
        text += draw(st.text(min_size=1, max_size=3))
    elif change == "prepend":
        text = " " + text
    else:
        text = text.replace('"', "'", 1) if '"' in text else text + "x"
    return as_form(text, draw(forms)), f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, "mismatch"


def case_wrong_secret(draw: Any) -> Delivery:
    text, data, t, _ = valid(draw)
    sig = sign(OTHER_SECRET, t, data)
    return as_form(text, draw(forms)), f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, "mismatch"


def case_signed_with_other_timestamp(draw: Any) -> Delivery:
    text, data, t, _ = valid(draw)
    sig = sign(TEST_SECRET, t + draw(st.integers(1, 100)), data)
    return text, f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, "mismatch"


def case_uppercase_signature(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    upper = sig.upper()
    return text, f"t={t},v1={upper}", TEST_SECRET, TOLERANCE, "mismatch" if upper != sig else None


def case_rotated(draw: Any) -> Delivery:
    """During a secret roll Stripe signs with both secrets: any one v1 may match."""
    text, data, t, sig = valid(draw)
    others = [sign(OTHER_SECRET, t, data), "0" * 64, sig[:-1]]
    items = [*draw(st.lists(st.sampled_from(others), max_size=3)), sig]
    items = draw(st.permutations(items))
    header = ",".join([f"t={t}", *(f"v1={s}" for s in items)])
    return as_form(text, draw(forms)), header, TEST_SECRET, TOLERANCE, None


def case_v0_only(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    v0 = draw(st.sampled_from([sig, "0" * 64]))
    return text, f"t={t},v0={v0}", TEST_SECRET, TOLERANCE, "no_signature"


def case_v0_and_v1(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    items = draw(st.permutations([f"t={t}", f"v1={sig}", f"v0={'0' * 64}", "v2=abc"]))
    return text, ",".join(items), TEST_SECRET, TOLERANCE, None


def case_spaced_items(draw: Any) -> Delivery:
    """Keys are compared as they are: ``' v1'`` is not ``'v1'``, ``' t'`` is not ``'t'``."""
    text, _, t, sig = valid(draw)
    space = draw(st.sampled_from([" ", "\t"]))
    if draw(st.booleans()):
        return text, f"t={t},{space}v1={sig}", TEST_SECRET, TOLERANCE, "no_signature"
    return text, f"{space}t={t},v1={sig}", TEST_SECRET, TOLERANCE, "bad_header"


def case_spaced_values(draw: Any) -> Delivery:
    """A timestamp may carry spaces (int() strips them); a signature may not."""
    text, _, t, sig = valid(draw)
    if draw(st.booleans()):
        return text, f"t= {t} ,v1={sig}", TEST_SECRET, TOLERANCE, None
    return text, f"t={t},v1= {sig}", TEST_SECRET, TOLERANCE, "mismatch"


def case_no_header(draw: Any) -> Delivery:
    text, *_ = valid(draw)
    return text, draw(st.sampled_from([None, ""])), TEST_SECRET, TOLERANCE, "no_header"


def case_blank_secret(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    secret = draw(st.sampled_from([None, "", " ", "\t\r\n", " \x0b\x0c "]))
    return text, f"t={t},v1={sig}", secret, TOLERANCE, "bad_secret"


def case_unusual_whitespace_secret(draw: Any) -> Delivery:
    """Only ASCII whitespace makes a secret blank: a secret of U+00A0 or U+001C is a secret."""
    text, data, t, _ = valid(draw)
    secret = draw(st.sampled_from(["\u00a0", "\x1c", "\u2028", "\u3000"]))
    return text, f"t={t},v1={sign(secret, t, data)}", secret, TOLERANCE, None


def case_unencodable_secret(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    return text, f"t={t},v1={sig}", "whsec_\ud800", TOLERANCE, "bad_secret"


def case_no_timestamp(draw: Any) -> Delivery:
    text, _, _, sig = valid(draw)
    header = draw(st.sampled_from([f"v1={sig}", f"ts=1,v1={sig}", f"T={NOW},v1={sig}"]))
    return text, header, TEST_SECRET, TOLERANCE, "bad_header"


def case_item_without_equals(draw: Any) -> Delivery:
    """A ``t`` or ``v1`` item without ``=`` anywhere in the header is malformed."""
    text, _, t, sig = valid(draw)
    bare = draw(st.sampled_from(["t", "v1"]))
    items = draw(st.permutations([f"t={t}", f"v1={sig}", bare]))
    return text, ",".join(items), TEST_SECRET, TOLERANCE, "bad_header"


def case_other_bare_items(draw: Any) -> Delivery:
    """Items that are neither ``t`` nor ``v1`` are ignored, even without ``=`` or empty."""
    text, _, t, sig = valid(draw)
    extra = draw(st.lists(st.sampled_from(["", "x", "v0", "v2=1", "=", "t0=5"]), max_size=3))
    items = draw(st.permutations([f"t={t}", f"v1={sig}", *extra]))
    return text, ",".join(items), TEST_SECRET, TOLERANCE, None


def case_non_integer_timestamp(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    stamp = draw(st.sampled_from(["", "abc", f"{t}.0", "0x10", "1e9", f"{t}a", "-", "1 2"]))
    return text, f"t={stamp},v1={sig}", TEST_SECRET, TOLERANCE, "bad_header"


def case_integer_spellings(draw: Any) -> Delivery:
    """Python int() spellings of the timestamp: the signature covers its decimal form."""
    text, _, t, sig = valid(draw)
    digits = str(t).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    spelled = draw(st.sampled_from([f"+{t}", f"000{t}", f"{str(t)[:4]}_{str(t)[4:]}", digits]))
    return text, f"t={spelled},v1={sig}", TEST_SECRET, TOLERANCE, None


def case_duplicate_timestamp(draw: Any) -> Delivery:
    """The first ``t=`` counts; a later one is ignored (the signature is over the first)."""
    text, data, t, _ = valid(draw)
    stale = NOW - 10_000
    if draw(st.booleans()):
        return text, f"t={t},t={stale},v1={sign(TEST_SECRET, t, data)}", TEST_SECRET, 300, None
    header = f"t={stale},t={t},v1={sign(TEST_SECRET, stale, data)}"
    return text, header, TEST_SECRET, TOLERANCE, "too_old"


def case_value_with_equals(draw: Any) -> Delivery:
    """A value ends at a second ``=``: ``v1=<sig>=junk`` carries ``<sig>``."""
    text, _, t, sig = valid(draw)
    return text, f"t={t}=9,v1={sig}=junk", TEST_SECRET, TOLERANCE, None


def case_non_ascii_signature(draw: Any) -> Delivery:
    """A non-ASCII v1 value before the match is refused (Stripe's compare raises); after, not."""
    text, _, t, sig = valid(draw)
    odd = draw(st.sampled_from(["é" * 64, "\u0660" * 64, "x\ud800"]))
    if draw(st.booleans()):
        return text, f"t={t},v1={odd},v1={sig}", TEST_SECRET, TOLERANCE, "bad_header"
    return text, f"t={t},v1={sig},v1={odd}", TEST_SECRET, TOLERANCE, None


def case_invalid_utf8_body(draw: Any) -> Delivery:
    """Bytes that are not UTF-8 are refused even with a signature over exactly those bytes."""
    data = draw(st.sampled_from([b"\xff", b'{"a": "\xc3"}', b"\xed\xa0\x80", b"ok\x80"]))
    t = NOW
    payload = data if draw(st.booleans()) else bytearray(data)
    return payload, f"t={t},v1={sign(TEST_SECRET, t, data)}", TEST_SECRET, 300, "bad_encoding"


def case_unencodable_body(draw: Any) -> Delivery:
    text, _, t, sig = valid(draw)
    return text + "\udc80", f"t={t},v1={sig}", TEST_SECRET, TOLERANCE, "bad_encoding"


def case_garbage_header(draw: Any) -> Delivery:
    """Arbitrary header text: decisions only (the reason depends on what was drawn)."""
    text, _, t, sig = valid(draw)
    pieces = st.sampled_from([f"t={t}", f"v1={sig}", "t", "v1", "v0=1", "=", ""]) | st.text(
        alphabet="tv01=, \t", max_size=6
    )
    header = ",".join(draw(st.lists(pieces, min_size=1, max_size=5)))
    return as_form(text, draw(forms)), header, TEST_SECRET, TOLERANCE, "?"


CASES: dict[str, Callable[[Any], Delivery]] = {
    name.removeprefix("case_"): fn for name, fn in globals().items() if name.startswith("case_")
}


#: What the differential actually drew: case → the expected outcomes (a reason, or None).
DRAWN: dict[str, set[str | None]] = {}


@pytest.mark.parametrize("case", sorted(CASES))
def test_decisions_equal_the_official_library(case: str) -> None:
    """On every drawn delivery we accept exactly when stripe does, for the reason drawn."""
    drawn = DRAWN.setdefault(case, set())

    @given(st.data())
    def check(data: st.DataObject) -> None:
        delivery = data.draw(st.composite(lambda d: CASES[case](d))())
        payload, header, secret, tolerance, expected = delivery
        with mock.patch("time.time", return_value=float(NOW)):
            theirs = stripe_accepts(payload, header, secret, tolerance)
            ours = our_reason(payload, header, secret, tolerance)
        assert (ours is None) == theirs, (case, ours, theirs)
        if expected != "?":
            assert ours == expected
        drawn.add(ours)

    check()


def test_the_differential_drew_every_reason_and_acceptance() -> None:
    """Across the cases above, deliveries were accepted and refused for every reason."""
    if set(DRAWN) != set(CASES):
        pytest.skip("runs after the whole differential (deselected here)")
    outcomes = set().union(*DRAWN.values())
    assert outcomes == {None, *REASONS}


def test_signature_header_matches_the_official_generator() -> None:
    """signature_header writes what stripe's generate_signature_header writes."""
    for text in EVENT_BODIES:
        ours = signature_header(text.encode(), TEST_SECRET, timestamp=NOW)
        theirs = stripe.WebhookSignature.generate_signature_header(text, TEST_SECRET, NOW)
        assert ours == theirs
        assert signature_header(text, TEST_SECRET, timestamp=NOW) == theirs


def test_default_timestamp_is_now_and_verifies() -> None:
    """Without a timestamp the header is signed now and verifies with the default tolerance."""
    data = EVENT_BODIES[0].encode()
    header = signature_header(data, TEST_SECRET)
    assert stripe_accepts(data, header, TEST_SECRET, 300)
    assert verify_header(data, header, TEST_SECRET) == int(header.split(",")[0][2:])


@pytest.mark.parametrize(
    ("payload", "header", "secret"),
    [(1, "t=1,v1=a", "s"), (b"{}", b"t=1,v1=a", "s"), (b"{}", "t=1,v1=a", b"s")],
)
def test_arguments_of_the_wrong_type_are_type_errors(
    payload: Any, header: Any, secret: Any
) -> None:
    """A body, header or secret of the wrong type is a programming error, not a verdict."""
    with pytest.raises(TypeError):
        verify_header(payload, header, secret)


@pytest.mark.parametrize("kind", ["ascii bytes", "utf-8 bytes", "bytearray"])
def test_verifying_a_large_body_does_not_copy_it(kind: str) -> None:
    """Signing feeds the HMAC the timestamp and the body in two steps, and UTF-8 is checked a
    chunk at a time: verifying a 48 MiB body allocates far less than the body (tracemalloc)."""
    import tracemalloc

    size = 48 << 20
    data: bytes | bytearray = (
        b"{" + b"\xc3\xa9" * (size // 2) if kind == "utf-8 bytes" else b"{" * size
    )
    if kind == "bytearray":
        data = bytearray(data)
    header = signature_header(data, TEST_SECRET, timestamp=NOW)
    tracemalloc.start()
    try:
        assert verify_header(data, header, TEST_SECRET, tolerance=None) == NOW
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"{peak} bytes allocated while verifying {len(data)}"


def test_secret_rotation_example() -> None:
    """A header signed with the old and the new secret verifies with either."""
    data = EVENT_BODIES[0].encode()
    old, new = sign(OTHER_SECRET, NOW, data), sign(TEST_SECRET, NOW, data)
    header = f"t={NOW},v1={new},v1={old}"
    with mock.patch("time.time", return_value=float(NOW)):
        assert verify_header(data, header, TEST_SECRET) == NOW
        assert verify_header(data, header, OTHER_SECRET) == NOW
        with pytest.raises(SignatureVerificationError) as caught:
            verify_header(data, header, "whsec_a_third_secret")
    assert caught.value.reason == "mismatch"
    assert "2 v1 signatures" in str(caught.value)


# -- no secret, signature, header or body in what an error says ----------------------------

CANARY_SECRET = "whsec_CANARYSECRET0000000000000000"
CANARY_BODY = '{"id":"evt_1","note":"CANARYBODY"}'


def _texts(error: BaseException) -> str:
    """Everything an error shows: str, repr, args and anything chained to it."""
    parts = [str(error), repr(error), *map(str, error.args)]
    for chained in (error.__cause__, error.__context__):
        if chained is not None:
            parts += [str(chained), repr(chained)]
    return "\n".join(parts)


def _canary_deliveries() -> list[tuple[Any, str | None, str | None, int]]:
    data = CANARY_BODY.encode()
    good = sign(CANARY_SECRET, NOW, data)
    return [
        (CANARY_BODY + " ", f"t={NOW},v1={good}", CANARY_SECRET, 300),  # mismatch
        (CANARY_BODY, f"t={NOW},v1={good}", CANARY_SECRET + "x", 300),  # mismatch
        (
            CANARY_BODY,
            f"t={NOW - 1000},v1={sign(CANARY_SECRET, NOW - 1000, data)}",
            CANARY_SECRET,
            300,
        ),
        (CANARY_BODY, f"t=CANARYSTAMP,v1={good}", CANARY_SECRET, 300),  # bad_header (int())
        (CANARY_BODY, f"t={NOW},v0={good}", CANARY_SECRET, 300),  # no_signature
        (CANARY_BODY, f"t={NOW},v1=é{good},v1={good}", CANARY_SECRET, 300),  # bad_header
        (b"\xff" + data, f"t={NOW},v1={good}", CANARY_SECRET, 300),  # bad_encoding
        (CANARY_BODY + "\ud800", f"t={NOW},v1={good}", CANARY_SECRET, 300),
        (CANARY_BODY, f"t={NOW},v1={good}", CANARY_SECRET + "\ud800", 300),
        (CANARY_BODY, None, CANARY_SECRET, 300),
        (CANARY_BODY, f"t={NOW},v1={good}", "   ", 300),
    ]


@pytest.mark.parametrize("delivery", _canary_deliveries())
def test_errors_never_show_the_secret_signature_header_or_body(delivery: Any) -> None:
    """Every refusal is one line without the secret, a signature, the header or the body."""
    payload, header, secret, tolerance = delivery
    with (
        mock.patch("time.time", return_value=float(NOW)),
        pytest.raises(SignatureVerificationError) as caught,
    ):
        verify_header(payload, header, secret, tolerance=tolerance)
    error = caught.value
    shown = _texts(error)
    good = sign(CANARY_SECRET, NOW, CANARY_BODY.encode())
    for canary in ("CANARY", good, good[:16], "whsec_"):
        assert canary not in shown
    assert "\n" not in str(error)
    assert error.__cause__ is None and error.__context__ is None
    assert (
        str(error) == error.message
        and repr(error) == f"SignatureVerificationError(reason={error.reason!r})"
    )


def test_a_json_dump_of_the_reasons_is_stable() -> None:
    """REASONS is plain data (code → one-line description), in the order the checks run."""
    assert list(REASONS) == [
        "bad_encoding",
        "no_header",
        "bad_secret",
        "bad_header",
        "no_signature",
        "mismatch",
        "too_old",
    ]
    assert all("\n" not in text for text in REASONS.values())
    json.dumps(dict(REASONS))


# --- mutants a review found alive --------------------------------------------------------------


def test_every_hex_digit_of_the_signature_counts() -> None:
    """A signature that differs from the right one in any single hex digit, the last ones
    included, is refused (a comparison of a prefix would let most of them through)."""
    payload = body(session_event())
    header = signature_header(payload, TEST_SECRET, timestamp=1_700_000_000)
    good = header.split("v1=", 1)[1]
    assert verify_header(payload, header, TEST_SECRET, tolerance=None) == 1_700_000_000
    for index in (0, 15, 16, 31, 32, len(good) - 1):
        flipped = good[:index] + ("0" if good[index] != "0" else "1") + good[index + 1 :]
        forged = f"t=1700000000,v1={flipped}"
        with pytest.raises(SignatureVerificationError) as caught:
            verify_header(payload, forged, TEST_SECRET, tolerance=None)
        assert caught.value.reason == "mismatch"
    with pytest.raises(SignatureVerificationError):  # a prefix of the signature is not enough
        verify_header(payload, f"t=1700000000,v1={good[:16]}", TEST_SECRET, tolerance=None)


def test_signatures_are_compared_in_constant_time() -> None:
    """Static: the module compares signatures only with hmac.compare_digest, never with
    ``==``/``!=`` (whose time depends on where the first difference is)."""
    import ast
    import inspect

    from stripe_schemas import webhooks

    tree = ast.parse(inspect.getsource(webhooks))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "compare_digest"
    ]
    assert calls, "signatures must be compared with hmac.compare_digest"
    secret_names = {"signature", "signatures", "expected", "digest"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops
        ):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            assert not names & secret_names, ast.unparse(node)
