"""A stand-in for Stripe's Verification Session and Report endpoints, served on 127.0.0.1.

Stateful: sessions live in memory and follow the documented status rules
(update and cancel only in ``requires_input``; redact from ``requires_input``,
which cancels the session, or ``verified``, never from ``processing``; nothing
leaves ``verified`` or ``canceled`` except by redaction). The user's side of a
verification (submitting, being verified, failing) is :meth:`FakeStripe.set_status`; a
session that becomes ``verified`` gets a verification report (when the test gave report
templates), which the two report endpoints read and list.

Requests must carry one of the ``versions`` the server was given as ``Stripe-Version``
(the bundled models' by default).

POSTs honour ``Idempotency-Key`` the way Stripe documents it: the first result of
a key is stored and replayed (``Idempotent-Replayed: true``) for the same
parameters; the same key with other parameters is an ``idempotency_error``.

Faults are planned with :meth:`FakeStripe.plan` and each one is used by the next
request: ``429`` (a rate-limit answer), ``429-no-retry`` (with
``Stripe-Should-Retry: false``), ``400-retry`` (a lock timeout with
``Stripe-Should-Retry: true``), ``409`` (a conflict), ``500``, ``502-html`` (a proxy's page, not JSON),
``drop`` (the connection closes before anything happens), ``drop-after`` (the
request is carried out, then the connection closes without an answer),
``slow-after`` (carried out, answered only after :attr:`FakeStripe.slow_seconds`),
``bad-200`` (a success whose body is not a session), ``echo-key`` (an error whose
Request-Id, message, code and param echo the API key in other letter cases),
``echo-key-200`` (a success whose Request-Id holds the key) and ``big-200`` /
``big-200-unsized`` (a success of :attr:`FakeStripe.big_bytes` bytes, with or without a
Content-Length).

:class:`RawServer` is a bare socket server for what an HTTP library cannot send: a
response trickled one byte at a time, or zeros without end.

Objects are built from payloads drawn by the project's strategies (``templates``),
with the fields the server controls (id, object, created, status, type, options,
metadata, client_secret, url, last_error, redaction, …) set by the server.
"""

from __future__ import annotations

import copy
import itertools
import json
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import attrs

import stripe_models

BASE = "/v1/identity/verification_sessions"
REPORTS = "/v1/identity/verification_reports"
STATUSES = ("requires_input", "processing", "verified", "canceled")


@attrs.frozen
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str


class ApiFailure(Exception):
    """An error answer (status, Stripe error fields)."""

    def __init__(self, status: int, error_type: str, message: str, **fields: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = {"type": error_type, "message": message, **fields}


def decode_form(text: str) -> dict[str, Any]:
    """Rebuild nested parameters from Stripe's bracket form (``a[b][0]=x``)."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(text, keep_blank_values=True, strict_parsing=False):
        head, _, rest = raw_key.partition("[")
        tokens = [head] + (rest[:-1].split("][") if rest else [])
        node = root
        for token in tokens[:-1]:
            node = node.setdefault(token, {})
        node[tokens[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    """``{"0": a, "1": b}`` → ``[a, b]`` (how the bracket form writes lists)."""
    if isinstance(node, dict):
        node = {key: _lists(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node):
            return [node[key] for key in sorted(node, key=int)]
    return node


def _bool(value: Any) -> Any:
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


class FakeStripe:
    """The server's state and behaviour; :meth:`start` serves it on 127.0.0.1."""

    def __init__(
        self,
        api_key: str,
        templates: Iterable[dict[str, Any]] = (),
        *,
        slow_seconds: float = 1.0,
        versions: Iterable[str] = (stripe_models.API_VERSION,),
        report_templates: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.api_key = api_key
        self.templates = list(templates)
        self.versions = frozenset(versions)
        self.report_templates = list(report_templates)
        self.reports: dict[str, dict[str, Any]] = {}
        self.slow_seconds = slow_seconds
        self.big_bytes = 2 << 20
        self._templates_used = 0
        self.sessions: dict[str, dict[str, Any]] = {}
        self.applied: Counter[str] = Counter()
        self.seen: list[Seen] = []
        self.errors: list[BaseException] = []
        self._faults: deque[str] = deque()
        self._stored: dict[str, tuple[str, int, bytes]] = {}
        self._ids = itertools.count(1)
        self._clock = itertools.count(1_700_000_000)
        self._lock = threading.RLock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(_Handler):
            server_state = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.handle_error = self._handle_error  # type: ignore[method-assign]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle_error(self, request: Any, address: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):  # a client gone after a timeout is expected
            self.errors.append(error if error is not None else RuntimeError("unknown"))

    # -- test controls ---------------------------------------------------------------------

    def plan(self, *faults: str) -> None:
        """Faults for the next requests, one each, in order."""
        with self._lock:
            self._faults.extend(faults)

    def next_fault(self) -> str | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def set_status(self, ident: str, status: str, *, error_code: str | None = None) -> None:
        """What the user's side does: submit (processing), pass (verified) or fail (requires_input)."""
        with self._lock:
            session = self.sessions[ident]
            session["status"] = status
            if status == "requires_input":
                session["last_error"] = {
                    "code": error_code or "document_unverified_other",
                    "reason": "test",
                }
            if status == "verified":
                session["last_error"] = None
                report = "vr_" + ident.removeprefix("vs_")
                session["last_verification_report"] = report
                if self.report_templates:
                    self._report(report, session)

    def _report(self, ident: str, session: dict[str, Any]) -> None:
        """The report of a verified session: a drawn template with the server's own fields."""
        index = len(self.reports) % len(self.report_templates)
        report = copy.deepcopy(self.report_templates[index])
        report.update(
            id=ident,
            object="identity.verification_report",
            created=next(self._clock),
            livemode=False,
            type=session["type"],
            verification_session=session["id"],
        )
        self.reports[ident] = report

    def _read_report(self, ident: str) -> dict[str, Any]:
        found = self.reports.get(ident)
        if found is None:
            raise ApiFailure(
                404,
                "invalid_request_error",
                f"No such verification report: '{ident}'",
                code="resource_missing",
                param="report",
            )
        return found

    def requests_to(self, method: str, path: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and s.path == path]

    # -- the endpoints ---------------------------------------------------------------------

    def _template(self) -> dict[str, Any]:
        """The next drawn session (round and round the list the test gave)."""
        if not self.templates:
            raise AssertionError("the test gave the server no drawn session templates")
        self._templates_used += 1
        return copy.deepcopy(self.templates[(self._templates_used - 1) % len(self.templates)])

    def _session(self, ident: str) -> dict[str, Any]:
        found = self.sessions.get(ident)
        if found is None:
            raise ApiFailure(
                404,
                "invalid_request_error",
                f"No such verification session: '{ident}'",
                code="resource_missing",
                param="session",
            )
        return found

    def _options(self, params: dict[str, Any]) -> dict[str, Any]:
        options = params.get("options")
        if not isinstance(options, dict) or not isinstance(options.get("document"), dict):
            return {}
        document = {key: _bool(value) for key, value in options["document"].items()}
        return {"document": document}

    def create(self, params: dict[str, Any]) -> dict[str, Any]:
        if "type" not in params:
            raise ApiFailure(
                400,
                "invalid_request_error",
                "Missing required param: type.",
                code="parameter_missing",
                param="type",
            )
        session = self._template()
        ident = f"vs_{next(self._ids):024d}"
        session.update(
            id=ident,
            object="identity.verification_session",
            created=next(self._clock),
            livemode=False,
            status="requires_input",
            type=params["type"],
            options=self._options(params),
            metadata=dict(params.get("metadata") or {}),
            client_secret=f"{ident}_secret_test",
            url=f"https://verify.example/start/{ident}",
            last_error=None,
            last_verification_report=None,
            verified_outputs=None,
            redaction=None,
        )
        self.sessions[ident] = session
        self.applied["create"] += 1
        return session

    def update(self, ident: str, params: dict[str, Any]) -> dict[str, Any]:
        session = self._session(ident)
        self._require(session, ("requires_input",), "updated")
        if "metadata" in params:
            metadata = params["metadata"]
            merged = {} if metadata == "" else dict(session["metadata"])
            for key, value in (metadata or {}).items() if isinstance(metadata, dict) else ():
                if value == "":
                    merged.pop(key, None)
                else:
                    merged[key] = value
            session["metadata"] = merged
        if "type" in params:
            session["type"] = params["type"]
        if "options" in params:
            session["options"] = self._options(params)
        self.applied["update"] += 1
        return session

    def cancel(self, ident: str) -> dict[str, Any]:
        session = self._session(ident)
        self._require(session, ("requires_input",), "canceled")
        session["status"] = "canceled"
        session["client_secret"] = None
        session["url"] = None
        self.applied["cancel"] += 1
        return session

    def redact(self, ident: str) -> dict[str, Any]:
        session = self._session(ident)
        self._require(session, ("requires_input", "verified"), "redacted")
        if session["status"] == "requires_input":
            session["status"] = "canceled"
        session.update(
            redaction={"status": "redacted"},
            metadata={},
            verified_outputs=None,
            client_secret=None,
            url=None,
        )
        self.applied["redact"] += 1
        return session

    def _require(self, session: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
        if session["status"] not in allowed:
            raise ApiFailure(
                400,
                "invalid_request_error",
                f"A VerificationSession in status {session['status']} cannot be {what}.",
            )

    def list(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._listing(self.sessions.values(), params, ("status",), BASE)

    def list_reports(self, params: dict[str, Any]) -> dict[str, Any]:
        selectors = ("type", "verification_session")
        return self._listing(self.reports.values(), params, selectors, REPORTS)

    def _listing(
        self,
        objects: Iterable[dict[str, Any]],
        params: dict[str, Any],
        selectors: tuple[str, ...],
        url: str,
    ) -> dict[str, Any]:
        """One page of ``objects``, newest first, selected by equality on ``selectors`` and
        by ``created``, paged by ``limit``, ``starting_after`` and ``ending_before``."""
        rows = sorted(objects, key=lambda s: s["created"], reverse=True)
        for name in selectors:
            if name in params:
                rows = [s for s in rows if s[name] == params[name]]
        created = params.get("created")
        if isinstance(created, str):
            rows = [s for s in rows if s["created"] == int(created)]
        elif isinstance(created, dict):
            tests: dict[str, Callable[[int, int], bool]] = {
                "gt": int.__gt__,
                "gte": int.__ge__,
                "lt": int.__lt__,
                "lte": int.__le__,
            }
            for name, bound in created.items():
                rows = [s for s in rows if tests[name](s["created"], int(bound))]
        limit = int(params.get("limit", 10))
        ids = [s["id"] for s in rows]
        if "starting_after" in params:
            rows = rows[ids.index(params["starting_after"]) + 1 :]
            page, more = rows[:limit], len(rows) > limit
        elif "ending_before" in params:
            rows = rows[: ids.index(params["ending_before"])]
            page, more = rows[-limit:], len(rows) > limit
        else:
            page, more = rows[:limit], len(rows) > limit
        return {"object": "list", "data": page, "has_more": more, "url": url}


class _Handler(BaseHTTPRequestHandler):
    server_state: FakeStripe
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server_state
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("ascii") if length else ""
        seen = Seen(self.command, split.path, split.query, dict(self.headers.items()), body)
        with fake._lock:
            fake.seen.append(seen)
            request_id = f"req_{len(fake.seen):06d}"
        fault = fake.next_fault()
        if fault == "drop":
            self.close_connection = True
            return
        if fault in ("429", "429-no-retry"):
            headers = {"Stripe-Should-Retry": "false"} if fault == "429-no-retry" else {}
            self._error(
                429,
                request_id,
                {
                    "type": "invalid_request_error",
                    "code": "rate_limit",
                    "message": "fake server: rate limited",
                },
                headers,
            )
            return
        if fault == "400-retry":
            error = {
                "type": "invalid_request_error",
                "code": "lock_timeout",
                "message": "fake server: object locked",
            }
            self._error(400, request_id, error, {"Stripe-Should-Retry": "true"})
            return
        if fault == "409":  # a conflict Stripe says to retry (concurrent use of a key)
            error = {"type": "idempotency_error", "message": "fake server: concurrent request"}
            self._error(409, request_id, error, {})
            return
        if fault == "500":
            self._error(
                500, request_id, {"type": "api_error", "message": "fake server: internal error"}, {}
            )
            return
        if fault == "502-html":
            self._send(502, request_id, b"<html>bad gateway</html>", {"Content-Type": "text/html"})
            return
        status, payload, replayed = self._answer(seen, fake)
        if fault == "drop-after":
            self.close_connection = True
            return
        if fault == "slow-after":
            fake._release.wait(fake.slow_seconds)
        if fault == "bad-200":
            payload = b'{"object": "identity.verification_session", "id": 7}'
        if fault == "echo-key":
            key = fake.api_key
            error = {
                "type": "invalid_request_error",
                "message": f"fake server: no such key {key.lower()}!",
                "code": f"code-{key.upper()}",
                "param": f"x{key.swapcase()}y",
            }
            self._error(400, f"req_{key.lower()}", error, {})
            return
        if fault == "echo-key-200":
            request_id = f"req_{fake.api_key.upper()}"
        if fault in ("big-200", "big-200-unsized"):
            self._send_big(request_id, fake.big_bytes, sized=fault == "big-200")
            return
        headers = {"Content-Type": "application/json"}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        self._send(status, request_id, payload, headers)

    def _answer(self, seen: Seen, fake: FakeStripe) -> tuple[int, bytes, bool]:
        """Carry the request out (once per idempotency key) and give the answer."""
        if seen.headers.get("Authorization") != f"Bearer {fake.api_key}":
            given = seen.headers.get("Authorization", "")
            error = {
                "type": "invalid_request_error",
                "message": f"Invalid API Key provided: {given}",
            }
            return 401, json.dumps({"error": error}).encode(), False
        key = seen.headers.get("Idempotency-Key") if seen.method == "POST" else None
        fingerprint = f"{seen.path}?{seen.body}"
        with fake._lock:
            if key is not None and key in fake._stored:
                first, status, payload = fake._stored[key]
                if first != fingerprint:
                    error = {
                        "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                    }
                    return 400, json.dumps({"error": error}).encode(), False
                return status, payload, True
            try:
                status, result = 200, self._route(seen, fake)
            except ApiFailure as failure:
                status, result = failure.status, {"error": failure.error}
            payload = json.dumps(result).encode()
            if key is not None:
                fake._stored[key] = (fingerprint, status, payload)
            return status, payload, False

    def _route(self, seen: Seen, fake: FakeStripe) -> dict[str, Any]:
        if seen.headers.get("Stripe-Version") not in fake.versions:
            raise ApiFailure(400, "invalid_request_error", "Unexpected Stripe-Version.")
        params = decode_form(seen.query if seen.method == "GET" else seen.body)
        if seen.method == "GET" and seen.path == REPORTS:
            return fake.list_reports(params)
        if seen.method == "GET" and seen.path.startswith(REPORTS + "/"):
            return fake._read_report(unquote(seen.path.removeprefix(REPORTS + "/")))
        parts = [unquote(p) for p in seen.path.removeprefix(BASE).split("/") if p]
        if not seen.path.startswith(BASE):
            raise ApiFailure(404, "invalid_request_error", "Unrecognized request URL.")
        if seen.method == "GET" and not parts:
            return fake.list(params)
        if seen.method == "POST" and not parts:
            return fake.create(params)
        if seen.method == "GET" and len(parts) == 1:
            return fake._session(parts[0])
        if seen.method == "POST" and len(parts) == 1:
            return fake.update(parts[0], params)
        if seen.method == "POST" and len(parts) == 2 and parts[1] == "cancel":
            return fake.cancel(parts[0])
        if seen.method == "POST" and len(parts) == 2 and parts[1] == "redact":
            return fake.redact(parts[0])
        raise ApiFailure(404, "invalid_request_error", "Unrecognized request URL.")

    def _error(
        self, status: int, request_id: str, error: dict[str, Any], headers: dict[str, str]
    ) -> None:
        payload = json.dumps({"error": error}).encode()
        self._send(status, request_id, payload, {"Content-Type": "application/json", **headers})

    def _send_big(self, request_id: str, size: int, *, sized: bool) -> None:
        """A JSON string of ``size`` bytes, written in 64 KiB pieces."""
        self.send_response(200)
        self.send_header("Request-Id", request_id)
        self.send_header("Content-Type", "application/json")
        if sized:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        piece = b"0" * 65536
        self.wfile.write(b'"')
        for _ in range((size - 2) // len(piece)):
            self.wfile.write(piece)
        self.wfile.write(b"0" * ((size - 2) % len(piece)) + b'"')

    def _send(self, status: int, request_id: str, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Request-Id", request_id)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class RawServer:
    """A socket server on 127.0.0.1 that answers every request with ``head`` then ``body``
    (an iterable of byte strings), either at once or trickled: one byte every ``interval``
    seconds (``trickle``: "head", "body" or None), closing the connection after
    ``give_up_after`` seconds (so a client that does not stop still ends). Counts the
    connections it accepted."""

    def __init__(
        self,
        head: bytes,
        body: Callable[[], Iterable[bytes]] = lambda: (),
        *,
        trickle: str | None = None,
        interval: float = 1.0,
        give_up_after: float = 30.0,
    ) -> None:
        self.head = head
        self.give_up_after = give_up_after
        self.body = body
        self.trickle = trickle
        self.interval = interval
        self.connections = 0
        self._stop = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> str:
        self._thread.start()
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.settimeout(10.0)
                received = b""
                while b"\r\n\r\n" not in received:
                    data = connection.recv(65536)
                    if not data:
                        return
                    received += data
                ends = time.monotonic() + self.give_up_after
                self._write(connection, [self.head], self.trickle == "head", ends)
                self._write(connection, self.body(), self.trickle == "body", ends)
            except OSError:  # the client went away (as it should, at its deadline)
                return

    def _write(
        self, connection: socket.socket, pieces: Iterable[bytes], trickle: bool, ends: float
    ) -> None:
        for piece in pieces:
            if self._stop.is_set() or time.monotonic() > ends:
                return
            if not trickle:
                connection.sendall(piece)
                continue
            for index in range(len(piece)):
                connection.sendall(piece[index : index + 1])
                if self._stop.wait(self.interval) or time.monotonic() > ends:
                    return
