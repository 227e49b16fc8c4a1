"""The client bound to any generated package, request options per client and per call, and
the verification report operations, against the stand-in server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import pickle
import sys
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import attrs
import pytest
import stripe_models_2023_08_16
from _draws import draw_examples
from _stripe_server import BASE, REPORTS, FakeStripe, RawServer
from hypothesis import given
from hypothesis import strategies as st
from stripe_models_2023_08_16.identity import VerificationSession as OldSession

import stripe_models
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_models.params import identity as params
from stripe_schemas import PayloadError
from stripe_schemas.cli import main
from stripe_schemas.client import (
    APIConnectionError,
    APIError,
    AsyncClient,
    AuthenticationError,
    Client,
    IdempotencyError,
    InvalidRequestError,
    MissingOperationError,
    RequestOptions,
    StripeError,
    UnknownApiVersion,
)
from stripe_schemas.issues import HIDDEN
from stripe_schemas.model import BUNDLED
from stripe_schemas.strategies import from_schema

from conftest import ROOT

KEY = "sk_test_CANARY0123456789abcdefXYZ"
OTHER_KEY = "sk_test_OTHER9876543210zyxwvuABC"
#: The API version written into the spec a test package is generated from: no bundled
#: package has it, so the header can only come from that package.
OWN_VERSION = "2099-01-01.clienttest"
OWN_PACKAGE = "stripe_client_test_models"


@pytest.fixture(scope="module")
def templates() -> list[dict[str, Any]]:
    return draw_examples(from_schema("identity.verification_session"), 10)


@pytest.fixture(scope="module")
def report_templates() -> list[dict[str, Any]]:
    return draw_examples(from_schema("identity.verification_report"), 10)


@attrs.define
class Stand:
    fake: FakeStripe
    url: str
    sleeps: list[float]

    def client(self, api_key: str = KEY, **options: Any) -> Client[Any, Any, Any]:
        options.setdefault("timeout", 5.0)
        made: Client[Any, Any, Any] = Client(
            api_key, base_url=self.url, sleep=self.sleeps.append, jitter=lambda: 0.5, **options
        )
        return made


def serve(
    templates: list[dict[str, Any]], report_templates: list[dict[str, Any]], **options: Any
) -> Iterator[Stand]:
    fake = FakeStripe(KEY, templates, report_templates=report_templates, **options)
    url = fake.start()
    try:
        yield Stand(fake, url, [])
    finally:
        fake.stop()
    assert fake.errors == []


@pytest.fixture
def stand(
    templates: list[dict[str, Any]], report_templates: list[dict[str, Any]]
) -> Iterator[Stand]:
    yield from serve(
        templates, report_templates, versions=(stripe_models.API_VERSION, "2023-08-16")
    )


def verified_session(fake: FakeStripe, client: Client[Any, Any, Any]) -> str:
    """A session taken to ``verified`` (which gives it a report); its id."""
    session = client.verification_sessions.create({"type": "document"})
    fake.set_status(session.id, "processing")
    fake.set_status(session.id, "verified")
    ident: str = session.id
    return ident


# -- request options: the merge --------------------------------------------------------------

ACCOUNTS = st.none() | st.sampled_from(["acct_1", "acct_2"])
OPTIONS = st.builds(
    RequestOptions,
    api_key=st.none() | st.sampled_from([KEY, OTHER_KEY]),
    stripe_account=ACCOUNTS,
    stripe_version=st.none() | st.sampled_from(["2023-08-16", stripe_models.API_VERSION]),
    idempotency_key=st.none() | st.sampled_from(["k1", "k2"]),
    timeout=st.none() | st.sampled_from([0.5, 3.0]),
    max_retries=st.none() | st.integers(0, 3),
)
NAMES = ("api_key", "stripe_account", "stripe_version", "idempotency_key", "timeout", "max_retries")


@given(base=OPTIONS, over=OPTIONS | st.none())
def test_options_merge_field_by_field(base: RequestOptions, over: RequestOptions | None) -> None:
    """Every field the call sets wins; every field it leaves None keeps the client's."""
    merged = base.merged(over)
    for name in NAMES:
        theirs = None if over is None else getattr(over, name)
        expected = getattr(base, name) if theirs is None else theirs
        assert getattr(merged, name) == expected


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("api_key", "sk test", ValueError),
        ("api_key", 7, TypeError),
        ("stripe_account", "acct 1", ValueError),
        ("stripe_account", "", ValueError),
        ("stripe_account", b"acct_1", TypeError),
        ("stripe_version", "2023-08-16\n", ValueError),
        ("idempotency_key", "x" * 256, ValueError),
        ("timeout", 0, ValueError),
        ("timeout", float("inf"), ValueError),
        ("timeout", "5", TypeError),
        ("max_retries", -1, ValueError),
        ("max_retries", True, TypeError),
    ],
)
def test_bad_options_are_refused_when_made(field: str, value: Any, error: type) -> None:
    """A value that cannot be sent is refused when the options are built, not at send time."""
    with pytest.raises(error):
        RequestOptions(**{field: value})


def test_an_idempotency_key_is_not_a_client_default() -> None:
    """One key for every POST would make Stripe replay the first answer: refused."""
    with pytest.raises(ValueError, match="one request"):
        Client(KEY, options=RequestOptions(idempotency_key="k1"))


def test_the_key_in_options_never_shows() -> None:
    """A key given in RequestOptions shows in no repr or str, is not pickled, and a bad one
    is refused without being shown."""
    options = RequestOptions(api_key=KEY, stripe_account="acct_1")
    client = Client(OTHER_KEY, options=options, base_url="https://api.stripe.com")
    texts = [repr(options), str(options), repr(client), repr(client.options), str(vars(client))]
    texts += [repr(attrs.asdict(options, recurse=False))]
    for text in texts:
        assert KEY not in text and OTHER_KEY not in text
    assert f"api_key=ApiKey({HIDDEN})" in repr(options)
    with pytest.raises(TypeError):
        pickle.dumps(options)
    bad = KEY + " x"
    with pytest.raises(ValueError) as caught:
        RequestOptions(api_key=bad)
    assert KEY not in str(caught.value)
    assert client._key.authorization() == f"Bearer {KEY}"  # options= wins over the argument


# -- request options: on the wire -----------------------------------------------------------


def test_connect_account_on_one_call_and_not_the_next(stand: Stand) -> None:
    """``stripe_account`` sends ``Stripe-Account`` on the call that sets it only; a client
    default goes on every call, and a call's own account replaces it for that call."""
    client = stand.client()
    sessions = client.verification_sessions
    made = sessions.create({"type": "document"}, options=RequestOptions(stripe_account="acct_1"))
    sessions.retrieve(made.id)
    first, second = stand.fake.seen
    assert first.headers["Stripe-Account"] == "acct_1"
    assert "Stripe-Account" not in second.headers
    connected = stand.client(options=RequestOptions(stripe_account="acct_default"))
    connected.verification_sessions.retrieve(made.id)
    connected.verification_sessions.list(options=RequestOptions(stripe_account="acct_2"))
    connected.verification_sessions.list()
    accounts = [seen.headers.get("Stripe-Account") for seen in stand.fake.seen[2:]]
    assert accounts == ["acct_default", "acct_2", "acct_default"]
    client.close()
    connected.close()


def test_per_call_stripe_version_and_api_key(stand: Stand) -> None:
    """A call's ``stripe_version`` and ``api_key`` are sent on that call only."""
    client = stand.client(api_key=OTHER_KEY)
    override = RequestOptions(api_key=KEY, stripe_version="2023-08-16")
    made = client.verification_sessions.create({"type": "document"}, options=override)
    with pytest.raises(AuthenticationError):
        client.verification_sessions.retrieve(made.id)
    sent = [(s.headers["Stripe-Version"], s.headers["Authorization"]) for s in stand.fake.seen]
    assert sent == [
        ("2023-08-16", f"Bearer {KEY}"),
        (stripe_models.API_VERSION, f"Bearer {OTHER_KEY}"),
    ]
    assert client.api_version == stripe_models.API_VERSION
    client.close()


def test_per_call_max_retries(stand: Stand) -> None:
    """``max_retries`` of a call bounds that call's retries; the next call has the client's."""
    client = stand.client()  # two retries
    stand.fake.plan("500")
    with pytest.raises(APIError):
        client.verification_sessions.create(
            {"type": "document"}, options=RequestOptions(max_retries=0)
        )
    assert len(stand.fake.seen) == 1 and stand.sleeps == []
    stand.fake.plan("500", "500")
    client.verification_sessions.create({"type": "document"})
    assert len(stand.fake.seen) == 4 and len(stand.sleeps) == 2
    never = stand.client(options=RequestOptions(max_retries=0))
    stand.fake.plan("500")
    never.verification_sessions.list(options=RequestOptions(max_retries=1))
    assert len(stand.fake.seen) == 6
    client.close()
    never.close()


def test_per_call_timeout_longer_than_the_clients(stand: Stand) -> None:
    """An answer slower than the client's timeout arrives within a call's own longer one: one
    attempt, no retry."""
    client = stand.client(timeout=0.3, max_retries=0)
    made = client.verification_sessions.create({"type": "document"})
    stand.fake.slow_seconds = 1.0
    stand.fake.plan("slow-after")
    again = client.verification_sessions.retrieve(made.id, options=RequestOptions(timeout=10.0))
    assert again.id == made.id and len(stand.fake.seen) == 2
    stand.fake.plan("slow-after")
    with pytest.raises(APIConnectionError, match=r"0\.3 s per attempt"):
        client.verification_sessions.retrieve(made.id)
    client.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"


def test_per_call_timeout_shorter_than_the_clients() -> None:
    """A call's timeout stops a server that trickles its answer (sync and async), though the
    client's own timeout is far longer."""
    server = RawServer(HEAD, lambda: [b" " * 4000], trickle="body", interval=1.0, give_up_after=40)
    url = server.start()
    short = RequestOptions(timeout=1.0)

    async def scenario() -> None:
        async with AsyncClient(KEY, base_url=url, timeout=60.0, max_retries=0) as client:
            with pytest.raises(APIConnectionError, match="1 s per attempt"):
                await client.verification_sessions.retrieve("vs_1", options=short)

    started = time.monotonic()
    try:
        with (
            Client(KEY, base_url=url, timeout=60.0, max_retries=0) as client,
            pytest.raises(APIConnectionError, match="1 s per attempt"),
        ):
            client.verification_sessions.retrieve("vs_1", options=short)
        asyncio.run(scenario())
    finally:
        server.stop()
    assert time.monotonic() - started < 30  # two calls of 1 s, far from the 60 s default


def test_idempotency_key_in_options(stand: Stand) -> None:
    """``options.idempotency_key`` is the shorthand's twin: replayed on the same parameters;
    two different keys for one call are refused before sending."""
    client = stand.client()
    sessions = client.verification_sessions
    keyed = RequestOptions(idempotency_key="order-7")
    first = sessions.create({"type": "document"}, options=keyed)
    second = sessions.create({"type": "document"}, idempotency_key="order-7")
    assert first == second and stand.fake.applied["create"] == 1
    assert {s.headers["Idempotency-Key"] for s in stand.fake.seen} == {"order-7"}
    with pytest.raises(IdempotencyError):
        sessions.create({"type": "id_number"}, options=keyed)
    count = len(stand.fake.seen)
    with pytest.raises(ValueError, match="two idempotency keys"):
        sessions.create({"type": "document"}, idempotency_key="a", options=keyed)
    with pytest.raises(ValueError):
        sessions.retrieve(first.id, options=keyed)  # a GET takes none
    assert len(stand.fake.seen) == count
    client.close()


def test_a_per_call_key_is_redacted_too(stand: Stand, caplog: pytest.LogCaptureFixture) -> None:
    """A key given to one call is removed from what the server echoes and from the logs, as
    the client's own key is."""
    caplog.set_level(logging.DEBUG)
    client = stand.client(api_key=OTHER_KEY)
    stand.fake.plan("echo-key")
    with pytest.raises(InvalidRequestError) as caught:
        client.verification_sessions.create(
            {"type": "document"}, options=RequestOptions(api_key=KEY)
        )
    error: BaseException | None = caught.value
    texts = [caplog.text]
    while error is not None:
        texts += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    assert caught.value.request_id == f"req_{HIDDEN}"
    for text in texts:
        assert KEY.lower() not in text.lower()
    client.close()


def test_a_key_stays_hidden_after_another_client_with_it_is_gone(
    stand: Stand, caplog: pytest.LogCaptureFixture
) -> None:
    """Two clients with one key: when the first is collected, the second's key is still
    removed from httpcore's log lines (the log filter holds each key object, not its value)."""
    caplog.set_level(logging.DEBUG)
    first = stand.client()
    second = stand.client()
    first.close()
    del first
    gc.collect()
    stand.fake.plan("echo-key-200")
    second.verification_sessions.create({"type": "document"})
    assert "req_" in caplog.text and KEY.lower() not in caplog.text.lower()
    second.close()


# -- verification reports -------------------------------------------------------------------


def test_verification_reports(stand: Stand) -> None:
    """Reports are retrieved and listed as typed VerificationReports, selected by session and
    paged newest first; a missing one is a typed error, bad parameters send nothing."""
    client = stand.client()
    reports = client.verification_reports
    sessions = [verified_session(stand.fake, client) for _ in range(3)]
    ident = next(iter(stand.fake.reports))
    report = reports.retrieve(ident)
    assert isinstance(report, VerificationReport)
    assert report.id == ident and report.verification_session == sessions[0]
    assert stand.fake.seen[-1].path == f"{REPORTS}/{ident}"
    chosen = reports.list({"verification_session": sessions[1]})
    assert [r.verification_session for r in chosen.data] == [sessions[1]]
    assert chosen.url == REPORTS and chosen.has_more is False
    newest_first = sorted(stand.fake.reports, key=lambda r: -stand.fake.reports[r]["created"])
    walked = reports.list_auto_paging(params.VerificationReportListParams(limit=1))
    assert [r.id for r in walked] == newest_first
    assert len(stand.fake.requests_to("GET", REPORTS)) == 1 + 3
    with pytest.raises(InvalidRequestError) as caught:
        reports.retrieve("vr_missing")
    assert caught.value.code == "resource_missing" and caught.value.param == "report"
    count = len(stand.fake.seen)
    with pytest.raises(PayloadError):
        reports.list({"limit": 0})
    with pytest.raises(PayloadError):
        reports.list({"type": 7})
    assert len(stand.fake.seen) == count
    client.close()


def test_async_reports_and_options(stand: Stand) -> None:
    """AsyncClient: reports, a Connect account on one call only, per-call retries."""
    client = stand.client()
    ident = verified_session(stand.fake, client)
    client.close()
    first_seen = len(stand.fake.seen)

    async def scenario() -> list[str]:
        async with AsyncClient(
            KEY, base_url=stand.url, sleep=_no_sleep, jitter=lambda: 0.5
        ) as client:
            report = next(iter(stand.fake.reports))
            got = await client.verification_reports.retrieve(
                report, options=RequestOptions(stripe_account="acct_9")
            )
            assert isinstance(got, VerificationReport) and got.verification_session == ident
            page = await client.verification_reports.list()
            assert [r.id for r in page.data] == [report]
            stand.fake.plan("500")
            with pytest.raises(APIError):
                await client.verification_sessions.retrieve(
                    ident, options=RequestOptions(max_retries=0)
                )
            return [r.id async for r in client.verification_reports.list_auto_paging()]

    assert asyncio.run(scenario()) == list(stand.fake.reports)
    accounts = [s.headers.get("Stripe-Account") for s in stand.fake.seen[first_seen:]]
    assert accounts == ["acct_9", None, None, None]


async def _no_sleep(seconds: float) -> None:
    return None


# -- models: a bundled version, a package of your own ----------------------------------------


def test_api_version_picks_a_bundled_package(
    report_templates: list[dict[str, Any]],
) -> None:
    """``api_version="2023-08-16"`` sends that version and reads into that package's classes;
    an operation the package lacks is a clear error before anything is sent."""
    old = OldSession
    for stand in serve(
        draw_examples(from_schema(old), 5), report_templates, versions=("2023-08-16",)
    ):
        client = stand.client(api_version="2023-08-16")
        made = client.verification_sessions.create({"type": "document"})
        assert type(made) is old and type(made) is not VerificationSession
        assert [s.headers["Stripe-Version"] for s in stand.fake.seen] == ["2023-08-16"]
        assert client.models is stripe_models_2023_08_16
        with pytest.raises(MissingOperationError, match="GetIdentityVerificationReports"):
            client.verification_reports.list()
        assert len(stand.fake.seen) == 1
        client.close()


def test_an_unknown_api_version_lists_the_bundled_ones() -> None:
    """A version with no bundled package is a typed error naming every one there is."""
    with pytest.raises(UnknownApiVersion) as caught:
        Client(KEY, api_version="2020-08-27")
    assert isinstance(caught.value, ValueError)
    for version in ("2026-09-30.endive", "2023-08-16"):
        assert version in str(caught.value)
    assert set(BUNDLED) == {"2026-09-30.endive", "2023-08-16"}  # the message lists them all


@pytest.mark.parametrize(
    ("models", "error", "words"),
    [
        ("no_such_models_package", ValueError, "cannot import"),
        (logging, ValueError, "not a package written by stripe-schemas generate"),
        (42, TypeError, "not a int"),
    ],
)
def test_bad_models_are_refused(models: Any, error: type, words: str) -> None:
    """``models=`` must be a generated package or its import name."""
    with pytest.raises(error, match=words):
        Client(KEY, models=models)
    with pytest.raises(TypeError, match="not both"):
        Client(KEY, models="stripe_models", api_version="2023-08-16")


@pytest.fixture(scope="module")
def own_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """A package generated from the bundled spec (its version changed) by the command line."""
    where = tmp_path_factory.mktemp("own-models")
    spec = (ROOT / "spec" / "stripe-identity.yaml").read_text(encoding="utf-8")
    marker = f"version: {stripe_models.API_VERSION}\n"
    assert marker in spec
    path = where / "spec.yaml"
    path.write_text(spec.replace(marker, f"version: {OWN_VERSION}\n", 1), encoding="utf-8")
    out = where / "out"
    assert main(["generate", "--spec", str(path), "--out", str(out), "--package", OWN_PACKAGE]) == 0
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(OWN_PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.split(".")[0] == OWN_PACKAGE]:
            del sys.modules[name]


def test_models_a_package_you_generated(
    own_models: ModuleType,
    templates: list[dict[str, Any]],
    report_templates: list[dict[str, Any]],
) -> None:
    """``models=`` (the module, or its name): Stripe-Version, response classes and parameter
    classes all come from that package."""
    own_params = importlib.import_module(f"{OWN_PACKAGE}.params.identity")
    own_identity = importlib.import_module(f"{OWN_PACKAGE}.identity")
    for stand in serve(templates, report_templates, versions=(OWN_VERSION,)):
        for models in (own_models, OWN_PACKAGE):
            client = stand.client(models=models)
            assert client.api_version == OWN_VERSION and client.models is own_models
            made = client.verification_sessions.create(
                own_params.VerificationSessionCreateParams(type="document")
            )
            assert type(made) is own_identity.VerificationSession
            stand.fake.set_status(made.id, "processing")
            stand.fake.set_status(made.id, "verified")
            verified = client.verification_sessions.retrieve(made.id)
            assert type(verified) is own_identity.VerificationSession
            report = client.verification_reports.retrieve(verified.last_verification_report)
            assert type(report) is own_identity.VerificationReport
            listed = client.verification_sessions.list({"limit": 1})
            assert type(listed.data[0]) is own_identity.VerificationSession
            count = len(stand.fake.seen)
            with pytest.raises(TypeError):  # the bundled package's class is another class
                client.verification_sessions.create(
                    params.VerificationSessionCreateParams(type="document")
                )
            assert len(stand.fake.seen) == count
            client.close()
        assert {s.headers["Stripe-Version"] for s in stand.fake.seen} == {OWN_VERSION}
        # the bundled default is refused by this server: the header really differs
        with stand.client() as bundled, pytest.raises(StripeError, match="Stripe-Version"):
            bundled.verification_sessions.list()


def test_the_docs_connect_example_runs(stand: Stand, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client page's request-options example runs as written (against the stand-in)."""
    readme = (ROOT / "docs/client.md").read_text(encoding="utf-8")
    section = readme.split("### Connect, request options, other API versions", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "Client(options=" in code
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    namespace: dict[str, Any] = {}
    exec(code.replace("Client(", f"Client(base_url={stand.url!r}, ", 1), namespace)
    accounts = [s.headers.get("Stripe-Account") for s in stand.fake.seen]
    assert accounts[0] == "acct_1Example" and None in accounts
    assert stand.fake.seen[0].path == BASE


def test_keys_made_on_other_threads_do_not_break_the_log_filter() -> None:
    """Keys are made on any thread (a call's own options make one) while another thread's
    request logs through the filter that removes them: the filter never fails on a set that
    grows under it, and still removes a key made on another thread."""
    import logging
    import threading

    from stripe_schemas.client._core import _LOG_FILTER, ApiKey

    stop = threading.Event()
    made: list[ApiKey] = []

    def make() -> None:
        while not stop.is_set():
            made.append(ApiKey(f"sk_test_{len(made):030d}"))
            if len(made) > 200:
                made.clear()

    maker = threading.Thread(target=make)
    maker.start()
    try:
        for _ in range(5000):
            record = logging.LogRecord("httpcore", logging.DEBUG, "", 0, "nothing", None, None)
            assert _LOG_FILTER.filter(record)
        kept = ApiKey("sk_test_FROMANOTHERTHREAD0000000000")
        record = logging.LogRecord(
            "httpcore", logging.DEBUG, "", 0, "echo sk_test_fromanotherthread0000000000", None, None
        )
        _LOG_FILTER.filter(record)
        assert "FROMANOTHERTHREAD" not in record.getMessage().upper()
        del kept
    finally:
        stop.set()
        maker.join()
