"""The client against a real HTTP server on 127.0.0.1: retries, idempotency, typed answers."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from _draws import draw_examples
from _stripe_server import BASE, STATUSES, FakeStripe, RawServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stripe_models
from stripe_models.identity import VerificationSession
from stripe_models.params import identity as params
from stripe_schemas import CLEAR, PayloadError
from stripe_schemas.client import (
    APIConnectionError,
    APIError,
    AsyncClient,
    AuthenticationError,
    Client,
    IdempotencyError,
    InvalidRequestError,
    InvalidResponseError,
    Page,
    RateLimitError,
    RetryPolicy,
    StripeError,
    request_id,
)
from stripe_schemas.issues import HIDDEN
from stripe_schemas.strategies import from_schema

from conftest import ROOT

KEY = "sk_test_CANARY0123456789abcdefXYZ"
SESSIONS = from_schema("identity.verification_session")


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return draw_examples(SESSIONS, 40)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One connection pool for the property test's many clients (building one costs ~0.1 s)."""
    with httpx.Client(timeout=5.0) as pool:
        yield pool


@attrs.define
class Harness:
    fake: FakeStripe
    client: Client
    sleeps: list[float]
    url: str


def _client(url: str, sleeps: list[float], api_key: str = KEY, **options: Any) -> Client:
    options.setdefault("timeout", 5.0)
    return Client(api_key, base_url=url, sleep=sleeps.append, jitter=lambda: 0.5, **options)


@pytest.fixture
def stripe(templates: list[dict[str, Any]]) -> Iterator[Harness]:
    fake = FakeStripe(KEY, templates)
    url = fake.start()
    sleeps: list[float] = []
    client = _client(url, sleeps)
    try:
        yield Harness(fake, client, sleeps, url)
    finally:
        client.close()
        fake.stop()
    assert fake.errors == []


def create(stripe: Harness, **fields: Any) -> VerificationSession:
    return stripe.client.verification_sessions.create({"type": "document", **fields})


# -- the happy path ------------------------------------------------------------------------


def test_create_retrieve_update_list(stripe: Harness) -> None:
    """Typed sessions come back from each operation; parameters arrive as the spec says."""
    sessions = stripe.client.verification_sessions
    document = params.VerificationSessionCreateParamsOptionsDocument(
        allowed_types=["passport"], require_matching_selfie=True
    )
    created = sessions.create(
        params.VerificationSessionCreateParams(
            type="document",
            metadata={"order.id": "42", "a b": "é"},
            options=params.VerificationSessionCreateParamsOptions(document=document),
        )
    )
    assert isinstance(created, VerificationSession) and created.status == "requires_input"
    assert created.metadata == {"order.id": "42", "a b": "é"}
    assert created.options and created.options.document
    assert created.options.document.require_matching_selfie is True
    assert created.options.document.allowed_types == ["passport"]
    again = sessions.retrieve(created.id, {"expand": ["last_verification_report"]})
    assert again == created
    assert stripe.fake.seen[-1].query == "expand%5B0%5D=last_verification_report"
    updated = sessions.update(
        created.id,
        params.VerificationSessionUpdateParams(
            metadata={"order.id": ""},
            options=params.VerificationSessionUpdateParamsOptions(document=CLEAR),
        ),
    )
    assert updated.metadata == {"a b": "é"}  # "" unset the key
    assert updated.options is not None and not updated.options.document
    page = sessions.list({"limit": 1, "status": "requires_input"})
    assert isinstance(page, Page) and [s.id for s in page.data] == [created.id]
    assert page.has_more is False and page.url == BASE


def test_headers(stripe: Harness) -> None:
    """Bearer auth, Stripe-Version, an Idempotency-Key on each POST (new per call), none on GET."""
    one, two = create(stripe), create(stripe)
    stripe.client.verification_sessions.retrieve(one.id)
    posts = stripe.fake.requests_to("POST", BASE)
    keys = [p.headers["Idempotency-Key"] for p in posts]
    assert len(set(keys)) == 2 and all(uuid.UUID(k) for k in keys)
    for seen in stripe.fake.seen:
        assert seen.headers["Authorization"] == f"Bearer {KEY}"
        assert seen.headers["Stripe-Version"] == stripe_models.API_VERSION
        assert seen.headers["User-Agent"].startswith("stripe-schemas/")
    get = stripe.fake.requests_to("GET", f"{BASE}/{one.id}")[0]
    assert "Idempotency-Key" not in get.headers and get.body == ""
    assert posts[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert two.id != one.id


def test_request_ids(stripe: Harness) -> None:
    """``request_id()`` gives the Request-Id of the response an object came from."""
    session = create(stripe)
    assert request_id(session) == "req_000001"
    page = stripe.client.verification_sessions.list()
    assert request_id(page) == "req_000002"
    assert request_id(attrs.evolve(session)) is None


def test_auto_paging(stripe: Harness) -> None:
    """``list_auto_paging`` walks every page with ``starting_after`` (or back with
    ``ending_before``), newest first, each session once."""
    made = [create(stripe).id for _ in range(5)]
    newest_first = made[::-1]
    sessions = stripe.client.verification_sessions
    assert [s.id for s in sessions.list_auto_paging({"limit": 2})] == newest_first
    cursors = [r.query for r in stripe.fake.requests_to("GET", BASE)]
    assert cursors == [
        "limit=2",
        f"limit=2&starting_after={newest_first[1]}",
        f"limit=2&starting_after={newest_first[3]}",
    ]
    listing = params.VerificationSessionListParams(limit=2, ending_before=made[0])
    backwards = [s.id for s in sessions.list_auto_paging(listing)]
    assert sorted(backwards) == sorted(made[1:]) and len(backwards) == 4
    assert list(sessions.list_auto_paging({"status": "verified"})) == []


# -- checked before sending ----------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.create({"type": "document", "unknown": 1}),
        lambda s: s.create({"type": "document", "metadata": {"k": 1}}),
        lambda s: s.list({"limit": 0}),
        lambda s: s.list({"limit": 101}),
        lambda s: s.list(params.VerificationSessionListParams(status="done")),  # type: ignore[arg-type]
        lambda s: s.update("vs_1", {"options": {"document": {"allowed_types": ["visa"]}}}),
        lambda s: s.retrieve("vs_1", {"expand": "x"}),
    ],
)
def test_bad_parameters_send_nothing(stripe: Harness, call: Any) -> None:
    """A bad parameter is a PayloadError with pointers, and no request is made."""
    with pytest.raises(PayloadError) as caught:
        call(stripe.client.verification_sessions)
    assert caught.value.issues and all(i.path.startswith("/") for i in caught.value.issues)
    assert stripe.fake.seen == []


def test_bad_ids(stripe: Harness) -> None:
    """An empty id is refused before sending; any other id is escaped into the path."""
    with pytest.raises(ValueError):
        stripe.client.verification_sessions.retrieve("")
    assert stripe.fake.seen == []
    with pytest.raises(InvalidRequestError) as caught:
        stripe.client.verification_sessions.retrieve("vs_1/../../v1/charges?x=1")
    assert stripe.fake.seen[-1].path == f"{BASE}/vs_1%2F..%2F..%2Fv1%2Fcharges%3Fx%3D1"
    assert caught.value.code == "resource_missing"


# -- typed errors --------------------------------------------------------------------------


def test_stripe_errors_are_typed(stripe: Harness) -> None:
    """An error body becomes the matching exception with every field and the request id."""
    with pytest.raises(InvalidRequestError) as caught:
        stripe.client.verification_sessions.cancel("vs_missing")
    error = caught.value
    assert (error.http_status, error.type, error.code, error.param) == (
        404,
        "invalid_request_error",
        "resource_missing",
        "session",
    )
    assert error.request_id == "req_000001" and "vs_missing" in error.message
    assert "resource_missing" in str(error) and "req_000001" in repr(error)


def test_idempotency_key_replay_and_misuse(stripe: Harness) -> None:
    """The same key with the same parameters replays; with other parameters it is an
    IdempotencyError; the session is created once."""
    sessions = stripe.client.verification_sessions
    first = sessions.create({"type": "document"}, idempotency_key="order-42")
    second = sessions.create({"type": "document"}, idempotency_key="order-42")
    assert first == second and stripe.fake.applied["create"] == 1
    with pytest.raises(IdempotencyError) as caught:
        sessions.create({"type": "id_number"}, idempotency_key="order-42")
    assert caught.value.http_status == 400 and caught.value.type == "idempotency_error"
    with pytest.raises(ValueError):
        sessions.create({"type": "document"}, idempotency_key="x" * 256)


def test_invalid_response_is_typed(stripe: Harness) -> None:
    """A 200 whose body is not a session is an InvalidResponseError with pointers."""
    stripe.fake.plan("bad-200")
    with pytest.raises(InvalidResponseError) as caught:
        create(stripe)
    assert ("/id", "type_mismatch") in {(i.path, i.code) for i in caught.value.issues}
    assert caught.value.request_id == "req_000001" and caught.value.http_status == 200


# -- retries -------------------------------------------------------------------------------


def test_backoff_schedule() -> None:
    """Exponential from 0.5 s, capped at 5 s, jittered into [half, whole], Retry-After honoured."""
    policy = RetryPolicy()
    bases = [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    for retry, base in enumerate(bases, start=1):
        assert policy.delay(retry, 0.0) == base / 2
        assert policy.delay(retry, 1.0) == base
    assert policy.delay(1, 0.0, httpx.Headers({"Retry-After": "3"})) == 3.0
    assert policy.delay(1, 0.0, httpx.Headers({"Retry-After": "600"})) == 0.25  # beyond 60 s


def test_retries_429_and_500_then_succeeds_once(stripe: Harness) -> None:
    """429 and 500 are retried with backoff; every try carries the same Idempotency-Key."""
    stripe.fake.plan("429", "500")
    session = create(stripe)
    assert stripe.sleeps == [0.375, 0.75]  # jitter 0.5: 3/4 of 0.5 s, then of 1 s
    posts = stripe.fake.requests_to("POST", BASE)
    assert len(posts) == 3 and len({p.headers["Idempotency-Key"] for p in posts}) == 1
    assert stripe.fake.applied["create"] == 1 and request_id(session) == "req_000003"


def test_retries_a_409_conflict(stripe: Harness) -> None:
    """A 409 (a conflict, such as a concurrent request with the same key) is retried, with the
    same Idempotency-Key, and the session is created once."""
    stripe.fake.plan("409")
    session = create(stripe)
    posts = stripe.fake.requests_to("POST", BASE)
    assert len(posts) == 2 and len({p.headers["Idempotency-Key"] for p in posts}) == 1
    assert stripe.sleeps == [0.375] and stripe.fake.applied["create"] == 1
    assert request_id(session) == "req_000002"


def test_should_retry_false_is_honoured(stripe: Harness) -> None:
    """``Stripe-Should-Retry: false`` on a 429 stops at once, as a typed RateLimitError."""
    stripe.fake.plan("429-no-retry")
    with pytest.raises(RateLimitError) as caught:
        create(stripe)
    assert (caught.value.http_status, caught.value.code) == (429, "rate_limit")
    assert stripe.sleeps == [] and len(stripe.fake.seen) == 1


def test_should_retry_true_is_honoured(stripe: Harness) -> None:
    """``Stripe-Should-Retry: true`` retries even a 400 (a lock timeout)."""
    stripe.fake.plan("400-retry")
    create(stripe)
    assert stripe.sleeps == [0.375] and stripe.fake.applied["create"] == 1


def test_retries_run_out(stripe: Harness) -> None:
    """After ``max_retries`` retries the last error is raised, typed, with its request id."""
    stripe.fake.plan("500", "500", "500")
    with pytest.raises(APIError) as caught:
        create(stripe)
    assert caught.value.http_status == 500 and caught.value.type == "api_error"
    assert caught.value.request_id == "req_000003" and len(stripe.sleeps) == 2
    assert stripe.fake.applied["create"] == 0


def test_non_json_error_body(stripe: Harness) -> None:
    """A proxy's HTML 502 is retried, then raised as an APIError saying what came back."""
    stripe.fake.plan("502-html", "502-html", "502-html")
    with pytest.raises(APIError) as caught:
        create(stripe)
    assert "without a Stripe error body (text/html)" in str(caught.value)


def test_no_retries_when_max_retries_is_zero(stripe: Harness) -> None:
    """``max_retries=0`` sends once."""
    client = _client(stripe.url, stripe.sleeps, max_retries=0)
    stripe.fake.plan("500")
    with pytest.raises(APIError):
        client.verification_sessions.create({"type": "document"})
    assert stripe.sleeps == [] and len(stripe.fake.seen) == 1
    client.close()


def test_dropped_connection_before_the_request_runs(stripe: Harness) -> None:
    """A connection closed before anything happened is retried."""
    stripe.fake.plan("drop")
    create(stripe)
    assert len(stripe.sleeps) == 1 and stripe.fake.applied["create"] == 1


def test_dropped_answer_is_not_applied_twice(stripe: Harness) -> None:
    """The request ran but its answer was lost: the retry gets the stored answer, not a
    second session."""
    stripe.fake.plan("drop-after")
    session = create(stripe)
    assert stripe.fake.applied["create"] == 1 and list(stripe.fake.sessions) == [session.id]
    assert len(stripe.fake.requests_to("POST", BASE)) == 2


def test_slow_answer_times_out_and_is_not_applied_twice(stripe: Harness) -> None:
    """A response slower than the timeout is retried with the same key: one cancel only."""
    session = create(stripe)
    client = _client(stripe.url, stripe.sleeps, timeout=0.5)
    stripe.fake.slow_seconds = 30.0  # the held answer is released when the server stops
    stripe.fake.plan("slow-after")
    canceled = client.verification_sessions.cancel(session.id)
    assert canceled.status == "canceled" and stripe.fake.applied["cancel"] == 1
    tries = stripe.fake.requests_to("POST", f"{BASE}/{session.id}/cancel")
    assert len(tries) >= 2 and len({t.headers["Idempotency-Key"] for t in tries}) == 1
    client.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_connection_refused() -> None:
    """Nothing listening: retried, then an APIConnectionError naming the failure."""
    sleeps: list[float] = []
    client = _client(f"http://127.0.0.1:{_closed_port()}", sleeps)
    with pytest.raises(APIConnectionError) as caught:
        client.verification_sessions.retrieve("vs_1")
    assert len(sleeps) == 2 and "3 attempts" in str(caught.value)
    assert "ConnectError" in str(caught.value) and caught.value.http_status is None
    assert "APIConnectionError" not in str(caught.value)  # the traceback names the class once


# -- the API key ---------------------------------------------------------------------------


def test_api_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key comes from the argument, else STRIPE_API_KEY; none at all is an error."""
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    assert Client()._key.authorization() == f"Bearer {KEY}"
    monkeypatch.delenv("STRIPE_API_KEY")
    with pytest.raises(ValueError, match="STRIPE_API_KEY"):
        Client()


def test_the_key_never_leaks(stripe: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """A canary key appears in no log line (ours, httpx's, httpcore's), repr or exception,
    even when a server echoes it back."""
    caplog.set_level(logging.DEBUG)
    texts = [repr(stripe.client), str(vars(stripe.client)), repr(stripe.client._key)]
    stripe.fake.plan("429", "drop")
    session = create(stripe)
    texts.append(repr(session))
    failures: list[BaseException] = []
    echoed = _client(stripe.url, [], api_key=KEY + "x")  # the server echoes a wrong key back
    nobody = _client(f"http://127.0.0.1:{_closed_port()}", [])
    for call in (
        lambda: echoed.verification_sessions.retrieve("vs_1"),
        lambda: nobody.verification_sessions.list(),
        lambda: stripe.client.verification_sessions.cancel("vs_missing"),
    ):
        with pytest.raises(StripeError) as caught:
            call()
        failures.append(caught.value)
    echoed.close()
    nobody.close()
    assert isinstance(failures[0], AuthenticationError) and HIDDEN in str(failures[0])
    assert KEY[:-4] in stripe.fake.seen[-1].headers["Authorization"]  # the canary was sent
    for failure in failures:
        error: BaseException | None = failure
        while error is not None:
            texts += [str(error), repr(error)]
            error = error.__cause__ or error.__context__
    texts.append(caplog.text)
    assert caplog.records  # the client and httpx did log
    for text in texts:
        assert KEY not in text


# -- the documented status rules, through the client ---------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "update", "cancel", "redact", "submit", "verify", "fail", "retrieve"]
        ),
        st.integers(0, 3),
    ),
    max_size=10,
)
#: The documented rules: which calls each status allows (and the status they lead to).
ALLOWED = {
    "update": {"requires_input": "requires_input"},
    "cancel": {"requires_input": "canceled"},
    "redact": {"requires_input": "canceled", "verified": "verified"},
}
USER_MOVES = {
    "submit": ("requires_input", "processing"),
    "verify": ("processing", "verified"),
    "fail": ("processing", "requires_input"),
}


EXAMPLE = json.loads((ROOT / "spec" / "examples" / "session_requires_input.json").read_text())
#: A sequence that meets every call in every status.
EVERY_RULE = [
    ("create", 0), ("submit", 0), ("update", 0), ("cancel", 0), ("redact", 0), ("fail", 0),
    ("submit", 0), ("verify", 0), ("update", 0), ("cancel", 0), ("redact", 0), ("submit", 0),
    ("create", 0), ("update", 1), ("redact", 1), ("cancel", 1), ("redact", 1), ("update", 1),
    ("retrieve", 1), ("retrieve", 0), ("create", 0), ("cancel", 2), ("retrieve", 2),
]  # fmt: skip


def run_rules(
    http: httpx.Client, actions: list[tuple[str, int]], templates: list[dict[str, Any]]
) -> set[tuple[str, str]]:
    """Play ``actions`` against a fresh server, checking each answer against the rules;
    returns the (call, status) pairs met."""
    fake = FakeStripe(KEY, templates)
    client = _client(fake.start(), [], http_client=http)
    expected: dict[str, str] = {}
    met: set[tuple[str, str]] = set()
    try:
        for action, index in actions:
            ids = list(expected)
            if action == "create":
                made = client.verification_sessions.create({"type": "document"})
                expected[made.id] = made.status
                continue
            if not ids:
                continue
            ident = ids[index % len(ids)]
            status = expected[ident]
            if action in USER_MOVES:
                before, after = USER_MOVES[action]
                if status == before:
                    fake.set_status(ident, after)
                    expected[ident] = after
                continue
            if action == "retrieve":
                assert client.verification_sessions.retrieve(ident).status == status
                continue
            met.add((action, status))
            call = getattr(client.verification_sessions, action)
            args = (ident, {"metadata": {"k": "v"}}) if action == "update" else (ident,)
            if status in ALLOWED[action]:
                result = call(*args)
                expected[ident] = ALLOWED[action][status]
                assert result.status == expected[ident]
                if action == "redact":
                    assert result.redaction and result.redaction.status == "redacted"
            else:
                with pytest.raises(InvalidRequestError) as caught:
                    call(*args)
                assert caught.value.http_status == 400 and status in caught.value.message
        listing = client.verification_sessions.list_auto_paging({"limit": 3})
        assert {s.id: s.status for s in listing} == expected
    finally:
        client.close()
        fake.stop()
    assert fake.errors == []
    return met


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(actions=ACTIONS, templates=st.lists(SESSIONS, min_size=1, max_size=2))
def test_status_rules(
    http: httpx.Client, actions: list[tuple[str, int]], templates: list[dict[str, Any]]
) -> None:
    """Update and cancel only in requires_input; redact from requires_input (canceling it) or
    verified; nothing leaves verified or canceled: refusals come back as typed errors."""
    run_rules(http, actions, templates)


def test_every_rule_once(http: httpx.Client) -> None:
    """One fixed sequence meets each of the three calls in each of the four statuses."""
    met = run_rules(http, EVERY_RULE, [EXAMPLE])
    assert met == {(call, status) for call in ALLOWED for status in STATUSES}


# -- the async twin ------------------------------------------------------------------------


def test_async_client(templates: list[dict[str, Any]]) -> None:
    """AsyncClient: the same requests, retries (injected async sleep) and typed results."""
    fake = FakeStripe(KEY, templates)
    url = fake.start()
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def scenario() -> list[str]:
        async with AsyncClient(KEY, base_url=url, sleep=sleep, jitter=lambda: 0.5) as client:
            sessions = client.verification_sessions
            fake.plan("429", "drop-after")
            first = await sessions.create({"type": "document"})
            await sessions.create(params.VerificationSessionCreateParams(type="id_number"))
            assert (await sessions.retrieve(first.id)).id == first.id
            await sessions.cancel(first.id)
            with pytest.raises(InvalidRequestError):
                await sessions.update(first.id, {"metadata": {"a": "b"}})
            return [s.id async for s in sessions.list_auto_paging({"limit": 1})]

    try:
        ids = asyncio.run(scenario())
    finally:
        fake.stop()
    assert sleeps == [0.375, 0.75] and fake.applied["create"] == 2
    assert ids == sorted(fake.sessions, reverse=True) and fake.errors == []


def test_readme_example_runs(stripe: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client page's end-to-end example (docs/client.md) runs as written (against the
    stand-in)."""
    readme = (ROOT / "docs" / "client.md").read_text(encoding="utf-8")
    section = readme.split("### End to end", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "with Client() as stripe:" in code
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    namespace: dict[str, Any] = {}
    exec(code.replace("Client()", f"Client(base_url={stripe.url!r})"), namespace)
    assert namespace["same"] == namespace["session"]
    assert [r.method for r in stripe.fake.seen] == ["POST", "GET", "GET"]


# -- bounds: the key's route, its echoes, deadlines, response size --------------------------


@pytest.mark.parametrize(
    "bad",
    ["sk_test_é", "sk_test_\x00x", "sk_test_a\tb", "sk_test_a b", "sk_test_\x7f", "sk\u2028x"],
)
def test_a_key_that_cannot_be_a_header_is_refused_at_construction(bad: str) -> None:
    """A key with non-ASCII, control or space characters fails when the client is built (a
    ValueError that does not show it), not as a UnicodeEncodeError when a request is sent."""
    with pytest.raises(ValueError) as caught:
        Client(bad, base_url="https://api.stripe.com")
    assert bad not in str(caught.value) and "header" in str(caught.value)
    with pytest.raises(TypeError):
        Client(b"sk_test_1", base_url="https://api.stripe.com")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("base_url", "allowed"),
    [
        ("https://api.stripe.com", True),
        ("https://example.com:8443/prefix/", True),
        ("http://127.0.0.1:9", True),
        ("http://127.5.6.7:9", True),
        ("http://localhost:9", True),
        ("http://[::1]:9", True),
        ("http://example.com", False),
        ("http://10.0.0.1", False),
        ("http://127.0.0.1.example.com", False),
        ("ftp://api.stripe.com", False),
        ("api.stripe.com", False),
        ("https://user:pw@api.stripe.com", False),
        ("https://api.stripe.com/?x=1", False),
    ],
)
def test_the_key_goes_over_https_or_to_this_machine_only(base_url: str, allowed: bool) -> None:
    """Plain http to another host is refused at construction (the key would cross the
    network in clear), unless allow_insecure_http=True; loopback http is fine for tests."""
    for cls in (Client, AsyncClient):
        if allowed:
            cls(KEY, base_url=base_url)
        else:
            with pytest.raises(ValueError):
                cls(KEY, base_url=base_url)
    if base_url.startswith("http://"):
        assert Client(KEY, base_url=base_url, allow_insecure_http=True).base_url == base_url


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("timeout", 0, ValueError),
        ("timeout", -1.0, ValueError),
        ("timeout", float("nan"), ValueError),
        ("timeout", "5", TypeError),
        ("call_timeout", float("inf"), ValueError),
        ("max_response_bytes", 0, ValueError),
        ("max_response_bytes", 1.5, TypeError),
        ("max_retries", True, TypeError),
        ("mode", "loose", ValueError),
        ("http_client", object(), TypeError),
    ],
)
def test_bad_options_are_programming_errors(option: str, value: Any, error: type) -> None:
    """Options of the wrong type are TypeErrors, impossible values ValueErrors."""
    with pytest.raises(error):
        Client(KEY, base_url="https://api.stripe.com", **{option: value})


def test_key_echoes_are_redacted_in_any_case(
    stripe: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A Request-Id, message, code or param that echoes the key (lower, upper, mixed case)
    shows it nowhere: not in the error's str or repr, request_id(), nor the log lines."""
    caplog.set_level(logging.DEBUG)
    stripe.fake.plan("echo-key")
    with pytest.raises(InvalidRequestError) as caught:
        create(stripe)
    error = caught.value
    stripe.fake.plan("echo-key-200")
    session = create(stripe)
    texts = [str(error), repr(error), error.message, str(error.request_id), str(error.code)]
    texts += [str(error.param), str(request_id(session)), caplog.text]
    assert error.request_id == f"req_{HIDDEN}" and request_id(session) == f"req_{HIDDEN}"
    assert error.code == f"code-{HIDDEN}" and error.param == f"x{HIDDEN}y"
    for text in texts:
        assert KEY.lower() not in text.lower()


def test_a_large_response_is_refused_while_streaming(stripe: Harness) -> None:
    """A body over max_response_bytes is an InvalidResponseError (input_limit), whether its
    Content-Length says so up front or it just keeps coming; it is not retried."""
    client = _client(stripe.url, stripe.sleeps, max_response_bytes=1 << 20)
    session = create(stripe)
    for fault in ("big-200", "big-200-unsized"):
        stripe.fake.plan(fault)
        with pytest.raises(InvalidResponseError) as caught:
            client.verification_sessions.retrieve(session.id)
        assert [i.code for i in caught.value.issues] == ["input_limit"]
        assert "larger than 1048576 bytes" in str(caught.value)
    assert stripe.sleeps == []
    stripe.fake.big_bytes = 1 << 20  # at the limit: read, and refused only as not a session
    stripe.fake.plan("big-200-unsized")
    with pytest.raises(InvalidResponseError) as caught:
        client.verification_sessions.retrieve(session.id)
    assert [i.code for i in caught.value.issues] != ["input_limit"]
    client.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
#: Generous: the deadline is 2 s; this only proves the call did not run as long as the server.
GENEROUS = 20.0


def _trickled(trickle: str) -> RawServer:
    return RawServer(
        HEAD, lambda: [b" " * 4000], trickle=trickle, interval=1.0, give_up_after=GENEROUS + 1
    )


@pytest.mark.parametrize("trickle", ["head", "body"])
def test_the_deadline_bounds_an_attempt_however_slowly_bytes_come(trickle: str) -> None:
    """A server sending one byte a second (in the head or in the body) never trips a read
    timeout, but the attempt's deadline (timeout=2) stops it: an APIConnectionError long
    before the server would have finished."""
    server = _trickled(trickle)
    url = server.start()
    client = Client(KEY, base_url=url, timeout=2.0, max_retries=0)
    started = time.monotonic()
    try:
        with pytest.raises(APIConnectionError, match="2 s per attempt"):
            client.verification_sessions.retrieve("vs_1")
    finally:
        client.close()
        server.stop()
    assert time.monotonic() - started < GENEROUS


def test_the_call_deadline_bounds_the_retries() -> None:
    """call_timeout counts every attempt and wait: with 1 s per attempt and 1.5 s per call, the
    second attempt gets the last half second and no third one is made."""
    server = _trickled("body")
    url = server.start()
    sleeps: list[float] = []
    client = Client(
        KEY, base_url=url, timeout=1.0, call_timeout=1.5, max_retries=5, sleep=sleeps.append
    )
    started = time.monotonic()
    try:
        with pytest.raises(APIConnectionError, match="call's deadline"):
            client.verification_sessions.retrieve("vs_1")
    finally:
        client.close()
        server.stop()
    assert time.monotonic() - started < GENEROUS
    assert server.connections == 2 and len(sleeps) == 1


def test_the_deadline_holds_for_the_async_client_and_your_own_http_client() -> None:
    """AsyncClient has the same deadline; a client given its own httpx.Client checks it
    between the body's reads."""
    server = _trickled("body")
    url = server.start()

    async def scenario() -> None:
        async with AsyncClient(KEY, base_url=url, timeout=1.0, max_retries=0) as client:
            with pytest.raises(APIConnectionError):
                await client.verification_sessions.retrieve("vs_1")

    started = time.monotonic()
    try:
        asyncio.run(scenario())
        with (
            httpx.Client() as own,
            Client(KEY, base_url=url, timeout=1.0, max_retries=0, http_client=own) as client,
            pytest.raises(APIConnectionError),
        ):
            client.verification_sessions.retrieve("vs_1")
    finally:
        server.stop()
    assert time.monotonic() - started < 2 * GENEROUS


def test_environment_proxies_are_still_used(
    stripe: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client's own transport applies HTTP_PROXY / NO_PROXY from the environment as httpx
    would: here the stand-in, as the proxy, answers for a host nothing listens on."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", stripe.url)
    session = create(stripe)
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    with _client(nowhere, []) as proxied:
        assert proxied.verification_sessions.retrieve(session.id).id == session.id
    assert stripe.fake.seen[-1].path == f"{BASE}/{session.id}"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with _client(nowhere, []) as direct, pytest.raises(APIConnectionError):
        direct.verification_sessions.retrieve(session.id)
