"""Typed events: construct_event/parse_event give an Event whose data.object is its model."""

from __future__ import annotations

import copy
import re
from typing import Any
from unittest import mock

import pytest
import stripe
from stripe_models_2023_08_16.identity import VerificationSession as OlderSession

from bench.events import TEST_SECRET, body, event, session_event
from bench.payloads import REPORT, REQUIRES_INPUT
from stripe_models.core import Event
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import Issue, PayloadError, UnknownApiVersion, extras, unstructure
from stripe_schemas.model import LATEST
from stripe_schemas.webhooks import (
    SignatureVerificationError,
    construct_event,
    parse_event,
    signature_header,
)

STATUSES = ["requires_input", "processing", "verified", "canceled"]


def deliver(payload: dict[str, Any] | bytes, secret: str = TEST_SECRET) -> tuple[bytes, str]:
    data = payload if isinstance(payload, bytes) else body(payload)
    return data, signature_header(data, secret)


def issues_of(error: PayloadError) -> list[tuple[str, str, str]]:
    return [(i.path, i.code, i.severity) for i in error.issues]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("form", ["bytes", "str"])
def test_signed_session_events_become_typed_events(status: str, form: str) -> None:
    """Each session event verifies and types: data.object is a VerificationSession, losslessly."""
    payload = session_event(status)
    data, header = deliver(payload)
    typed = construct_event(data if form == "bytes" else data.decode(), header, TEST_SECRET)
    assert isinstance(typed, Event)
    assert isinstance(typed.data.object, VerificationSession)
    assert typed.data.object.status == status
    assert typed.type == payload["type"]
    assert unstructure(typed) == payload


@pytest.mark.parametrize("status", STATUSES)
def test_same_deliveries_as_the_official_library(status: str) -> None:
    """stripe.Webhook.construct_event accepts the same deliveries and reads the same event."""
    data, header = deliver(session_event(status))
    ours = construct_event(data, header, TEST_SECRET)
    theirs = stripe.Webhook.construct_event(data, header, TEST_SECRET)
    assert (ours.id, ours.type) == (theirs.id, theirs.type)
    assert isinstance(ours.data.object, VerificationSession)
    assert ours.data.object.id == theirs.data.object.id


def test_report_events_type_the_report() -> None:
    """An object tagged identity.verification_report is a VerificationReport."""
    typed = parse_event(body(event("identity.verification_report.created", REPORT)))
    assert isinstance(typed.data.object, VerificationReport)


def test_body_is_never_parsed_before_the_signature_passes() -> None:
    """A refused delivery never reaches the JSON parser or the converters."""
    data, header = deliver(session_event())
    with (
        mock.patch("stripe_schemas.webhooks.load_json", side_effect=AssertionError) as parse,
        mock.patch("stripe_schemas.webhooks.structure", side_effect=AssertionError) as convert,
    ):
        for args in [(data + b" ", header, TEST_SECRET), (data, header, "whsec_other")]:
            with pytest.raises(SignatureVerificationError):
                construct_event(*args)
    assert parse.call_count == convert.call_count == 0


# -- what a verified body that is not an event becomes, next to the official library -------

BOM = b"\xef\xbb\xbf"
NOT_EVENTS: list[tuple[str, bytes, str | type[BaseException], str]] = [
    # (case, body, what stripe.Webhook.construct_event does, our PayloadError code)
    ("not JSON", b"not json", ValueError, "invalid_json"),
    ("a JSON array", b"[]", AttributeError, "type_mismatch"),
    ("a JSON string", b'"text"', AttributeError, "type_mismatch"),
    ("an empty object", b"{}", "accepts", "missing_required"),
    ("another resource", b'{"object":"customer","id":"cus_1"}', "accepts", "wrong_object_tag"),
    ("a v2 thin event", b'{"object":"v2.core.event"}', ValueError, "wrong_object_tag"),
    ("an event after a BOM", BOM + body(session_event()), "accepts", ""),
    ("NaN in an event", body(session_event())[:-2] + b',"x":NaN}', "accepts", "invalid_json"),
    ("UTF-16 JSON", "{}".encode("utf-16-le"), "accepts", "invalid_json"),
]


@pytest.mark.parametrize(
    ("case", "data", "theirs", "code"), NOT_EVENTS, ids=[c[0] for c in NOT_EVENTS]
)
def test_verified_bodies_that_are_not_events(
    case: str, data: bytes, theirs: str | type[BaseException], code: str
) -> None:
    """Both libraries verify the signature; the body is then judged as an event.

    stripe's Webhook.construct_event builds an untyped Event from any JSON object
    (``{}`` included) and reads JSON leniently (NaN, UTF-16); we accept only an RFC
    8259 UTF-8 JSON event (a leading byte order mark is ignored, as RFC 8259 allows),
    and say why not with a PayloadError, never a SignatureVerificationError. ``code``
    "" marks a body both accept.
    """
    header = signature_header(data, TEST_SECRET)
    assert stripe.WebhookSignature.verify_header(data, header, TEST_SECRET, 300)
    if theirs == "accepts":
        stripe.Webhook.construct_event(data, header, TEST_SECRET)
    else:
        assert isinstance(theirs, type)
        with pytest.raises(theirs):
            stripe.Webhook.construct_event(data, header, TEST_SECRET)
    if not code:
        assert construct_event(data, header, TEST_SECRET).type.startswith("identity.")
        return
    with pytest.raises(PayloadError) as caught:
        construct_event(data, header, TEST_SECRET)
    assert code in {i.code for i in caught.value.issues}


# -- the event's type and its session's status agree (the lifecycle rule) ------------------


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_event_type_must_agree_with_the_status(mode: str) -> None:
    """A ``...verified`` event whose session is processing is refused at /data/object/status."""
    payload = session_event("verified")
    payload["data"]["object"]["status"] = "processing"
    payload["data"].pop("previous_attributes")
    with pytest.raises(PayloadError) as caught:
        parse_event(body(payload), mode=mode)  # type: ignore[call-overload]
    assert issues_of(caught.value) == [("/data/object/status", "event_status_mismatch", "error")]


def test_redacted_and_canceled_events_follow_the_rule() -> None:
    """``redacted`` needs a redaction; ``canceled`` accepts a redacted session in any status."""
    redacted = session_event("verified", redaction={"status": "redacted"})
    redacted["type"] = "identity.verification_session.redacted"
    assert parse_event(body(redacted)).type.endswith("redacted")
    canceled = copy.deepcopy(redacted)
    canceled["type"] = "identity.verification_session.canceled"
    assert parse_event(body(canceled)).type.endswith("canceled")
    redacted["data"]["object"]["redaction"] = None
    with pytest.raises(PayloadError) as caught:
        parse_event(body(redacted))
    assert issues_of(caught.value) == [("/data/object/redaction", "event_status_mismatch", "error")]


# -- objects without a model, invalid objects, lenient and strict -------------------------


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_an_object_without_a_model_is_a_mapping_with_a_notice(mode: str) -> None:
    """A customer event in the identity package: data.object stays a dict, with a notice."""
    customer = {"id": "cus_1", "object": "customer", "email": None}
    payload = event("customer.created", customer)
    notices: list[Issue] = []
    typed = parse_event(body(payload), mode=mode, notices=notices)  # type: ignore[call-overload]
    assert typed.data.object == customer and type(typed.data.object) is dict
    assert [(n.path, n.code, n.severity) for n in notices] == [
        ("/data/object", "unknown_model", "notice")
    ]
    assert unstructure(typed) == payload


def test_an_invalid_known_object_is_an_error_not_a_mapping() -> None:
    """A session with a bad field is reported at its path; it never falls back to a mapping."""
    payload = session_event("verified")
    payload["data"]["object"]["created"] = "yesterday"
    for mode in ("strict", "lenient"):
        with pytest.raises(PayloadError) as caught:
            parse_event(body(payload), mode=mode)  # type: ignore[call-overload]
        assert ("/data/object/created", "type_mismatch", "error") in issues_of(caught.value)


@pytest.mark.realdata
def test_todays_events_type_strictly_and_older_models_keep_the_new_fields(
    fixtures_2026: dict[str, Any],
) -> None:
    """A session event of today's API types strictly with the bundled models; read as the
    2023-08-16 models it types leniently, keeping the newer fields, and strict names each."""
    session = fixtures_2026["identity.verification_session"]
    payload = event(f"identity.verification_session.{_kind(session)}", session)
    typed = parse_event(body(payload), mode="strict")
    assert isinstance(typed.data.object, VerificationSession)
    assert typed.data.object.related_customer is None
    assert unstructure(typed) == payload
    older = parse_event(body(payload), api_version="2023-08-16")
    assert isinstance(older.data.object, OlderSession)
    assert "client_reference_id" in extras(older.data.object)
    assert unstructure(older) == payload
    with pytest.raises(PayloadError) as caught:
        parse_event(body(payload), mode="strict", api_version="2023-08-16")
    assert "/data/object/client_reference_id" in {i.path for i in caught.value.issues}


def test_an_event_is_read_with_the_models_of_its_api_version() -> None:
    """2023-08-16 events type as that version's classes (a null type is fine there), today's
    as today's; a version without models is read as the newest, with a notice."""
    session = {**REQUIRES_INPUT, "type": None, "options": None}
    old = event("identity.verification_session.created", session, api_version="2023-08-16")
    typed = parse_event(body(old), mode="strict")
    assert isinstance(typed.data.object, OlderSession) and typed.data.object.type is None
    with pytest.raises(PayloadError):  # today's models: type is never null
        parse_event(body(old), mode="strict", api_version=LATEST)
    newer = event(
        "identity.verification_session.created", REQUIRES_INPUT, api_version="2099-01-01.z"
    )
    notices: list[Issue] = []
    assert isinstance(parse_event(body(newer), notices=notices).data.object, VerificationSession)
    assert [(i.path, i.code) for i in notices] == [("/api_version", "api_version_mismatch")]
    with pytest.raises(UnknownApiVersion, match=re.escape("2026-09-30.endive, 2023-08-16")):
        parse_event(body(newer), api_version="2024-01-01")


def _kind(session: dict[str, Any]) -> str:
    return "created" if session["status"] == "requires_input" else session["status"]


# -- previous_attributes: a partial object of the same model -------------------------------


def test_previous_attributes_are_checked_as_a_partial_session() -> None:
    """Known fields are typed, nested objects partial, null means 'had no value'."""
    previous = {
        "status": "processing",
        "metadata": {"order.id": None, "k": "v"},
        "last_error": {"code": "selfie_face_mismatch"},
        "options": {"document": {"allowed_types": ["passport"]}},
        "redaction": None,
    }
    payload = session_event("verified")
    payload["data"]["previous_attributes"] = previous
    typed = parse_event(body(payload), mode="strict")
    assert typed.data.previous_attributes == previous
    assert unstructure(typed) == payload


@pytest.mark.parametrize(
    ("previous", "strict", "lenient"),
    [
        (
            {"status": 3},
            [("/data/previous_attributes/status", "type_mismatch", "error")],
            [("/data/previous_attributes/status", "type_mismatch", "error")],
        ),
        (
            {"status": "paused"},
            [("/data/previous_attributes/status", "unknown_enum_value", "error")],
            [("/data/previous_attributes/status", "unknown_enum_value", "notice")],
        ),
        ({"brand_new": 1}, [("/data/previous_attributes/brand_new", "unknown_field", "error")], []),
        (
            {"last_error": {"code": 5, "extra": 1}},
            [
                ("/data/previous_attributes/last_error/code", "type_mismatch", "error"),
                ("/data/previous_attributes/last_error/extra", "unknown_field", "error"),
            ],
            [("/data/previous_attributes/last_error/code", "type_mismatch", "error")],
        ),
        (
            {"metadata": {"a": 1}},
            [("/data/previous_attributes/metadata/a", "type_mismatch", "error")],
            [("/data/previous_attributes/metadata/a", "type_mismatch", "error")],
        ),
        (
            "not an object",
            [("/data/previous_attributes", "type_mismatch", "error")],
            [("/data/previous_attributes", "type_mismatch", "error")],
        ),
    ],
)
def test_previous_attributes_issues_point_into_them(
    previous: Any, strict: list[Any], lenient: list[Any]
) -> None:
    """Each problem in previous_attributes is reported at its own pointer, by mode."""
    payload = session_event("verified")
    payload["data"]["previous_attributes"] = previous
    for mode, expected in (("strict", strict), ("lenient", lenient)):
        notices: list[Issue] = []
        errors = [e for e in expected if e[2] == "error"]
        if errors:
            with pytest.raises(PayloadError) as caught:
                parse_event(body(payload), mode=mode, notices=notices)  # type: ignore[call-overload]
            assert issues_of(caught.value) == expected, mode
        else:
            parse_event(body(payload), mode=mode, notices=notices)  # type: ignore[call-overload]
            assert [(n.path, n.code, n.severity) for n in notices] == expected, mode


def test_previous_attributes_of_an_object_without_a_model_are_not_checked() -> None:
    """Without a model for data.object there is nothing to check previous values against."""
    payload = event("customer.updated", {"id": "cus_1", "object": "customer"}, previous={"x": 1})
    typed = parse_event(body(payload))
    assert typed.data.previous_attributes == {"x": 1}


# -- options and secrets -------------------------------------------------------------------


def test_bad_options_fail_before_anything_is_read() -> None:
    """A bad mode or event_class is a programming error, raised before verification."""
    data, header = deliver(session_event())
    with pytest.raises(ValueError, match="mode"):
        construct_event(data, header, TEST_SECRET, mode="loose")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="event_class"):
        construct_event(data, header, TEST_SECRET, event_class=VerificationSession)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="event_class"):
        parse_event(data, event_class=dict)  # type: ignore[call-overload]


def test_event_errors_never_show_session_secrets() -> None:
    """A refused event's issues describe values by type: no client_secret, url or name."""
    session = copy.deepcopy(REQUIRES_INPUT)
    session.update(client_secret="CANARY_cs_secret", url="https://CANARY.invalid/x")
    session["metadata"] = {"who": "CANARY name"}
    bad_object = event("identity.verification_session.created", {**session, "created": "x"})
    bad_previous = event("identity.verification_session.created", session)
    bad_previous["data"]["previous_attributes"] = {"client_secret": 7, "url": "CANARY_old_url"}
    bad_status = event("identity.verification_session.verified", session)
    expected = {
        "/data/object/created": bad_object,
        "/data/previous_attributes/client_secret": bad_previous,
        "/data/object/status": bad_status,
    }
    for path, payload in expected.items():
        with pytest.raises(PayloadError) as caught:
            parse_event(body(payload), mode="strict")
        shown = "\n".join([str(caught.value), repr(caught.value)])
        assert "CANARY" not in shown
        assert [i.path for i in caught.value.issues] == [path]


def test_benchmark_checks_both_libraries_read_the_same_event() -> None:
    """bench_webhooks' agreement check passes on its deliveries and fails on a wrong event."""
    from bench import bench_webhooks

    data, header = deliver(session_event("verified"))
    fns = bench_webhooks._implementations(data, header)
    bench_webhooks._agree(fns)
    other, other_header = deliver(session_event("requires_input"))
    fns[bench_webhooks.OURS] = lambda: construct_event(other, other_header, TEST_SECRET)
    with pytest.raises(AssertionError):
        bench_webhooks._agree(fns)
