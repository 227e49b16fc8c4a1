"""`stripe-schemas webhook verify`: check a saved webhook delivery, as an endpoint would.

The signing secret is read from the environment variable `--secret-env` names
(never from the command line, so it stays out of shell history and process
lists); `--signature` is the delivery's `Stripe-Signature` header. The body
(a file, or `-` for standard input) is verified first and only then read as
JSON and validated (`stripe_schemas.validation.validate`). Prints the event's
id, type and verdict, and one line per issue.

Exit status: 0 the signature and the event are valid, 1 the signature is refused
or the event is invalid (not JSON, or with errors), 2 bad usage: the variable is
unset or empty, the file cannot be read or is larger than `MAX_BODY_BYTES`
(one line on standard error). Nothing printed contains the secret, the signature
or the body's values. At most `MAX_BODY_BYTES + 1` bytes of the input are read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..issues import Issue, PayloadError, counted, printable

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
#: Event ids and types are shown up to this many characters.
_SHOWN = 120
#: The largest delivery body read (1 MiB, as the example endpoint; Stripe's events are far
#: smaller). A larger input is refused after reading one byte more than this.
MAX_BODY_BYTES = 1 << 20


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "webhook",
        help="check webhook deliveries",
        description="Check Stripe webhook deliveries: signatures and events.",
    )
    commands = parser.add_subparsers(dest="webhook_command", required=True, metavar="COMMAND")
    verify = commands.add_parser(
        "verify",
        help="verify a delivery's signature, then validate its event",
        description=(
            "Verify a saved delivery's Stripe-Signature header with the endpoint's secret, "
            "then validate the event. Exit 0: valid; 1: refused or invalid; 2: bad usage."
        ),
    )
    verify.add_argument("path", metavar="FILE", help="the delivery's body, or - for stdin")
    verify.add_argument(
        "--secret-env",
        required=True,
        metavar="NAME",
        help="environment variable holding the endpoint's signing secret (whsec_...)",
    )
    verify.add_argument(
        "--signature", required=True, metavar="HEADER", help="the Stripe-Signature header value"
    )
    verify.add_argument(
        "--tolerance",
        type=_seconds,
        default=300,
        metavar="SECONDS",
        help="refuse signatures older than this (default 300; 0 turns the check off)",
    )
    verify.add_argument(
        "--mode",
        choices=("strict", "lenient"),
        default="lenient",
        help="lenient (default): fields and values newer than the models are notices",
    )
    verify.add_argument("--format", choices=("text", "json"), default="text", dest="fmt")
    verify.set_defaults(handler=run)


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError("expected a whole number of seconds (0 or more)")
    return value


def run(args: argparse.Namespace) -> int:
    from ..validation import validate
    from ..webhooks import SignatureVerificationError, load_json, verify_header

    secret = os.environ.get(args.secret_env)
    if not secret:
        state = "is not set" if secret is None else "is empty"
        _error(f"stripe-schemas webhook verify: environment variable {args.secret_env} {state}")
        return EXIT_BAD_INPUT
    name = "<stdin>" if args.path == "-" else args.path
    try:
        data = _read(args.path)
    except OSError as exc:
        _error(f"stripe-schemas webhook verify: {name}: {exc.strerror or type(exc).__name__}")
        return EXIT_BAD_INPUT
    if len(data) > MAX_BODY_BYTES:
        _error(
            f"stripe-schemas webhook verify: {name}: larger than {MAX_BODY_BYTES} bytes (1 MiB); "
            "not read further (a webhook delivery is far smaller)"
        )
        return EXIT_BAD_INPUT
    out = _Output(sys.stdout, args.fmt, name)
    try:
        timestamp = verify_header(data, args.signature, secret, tolerance=args.tolerance)
    except SignatureVerificationError as refused:
        out.refused(refused.reason, refused.message)
        return EXIT_PROBLEMS
    try:
        value = load_json(data)
    except PayloadError as error:
        out.verdict(timestamp, None, list(error.issues))
        return EXIT_PROBLEMS
    report = validate(value, mode=args.mode)
    out.verdict(timestamp, value, list(report.issues))
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _read(path: str) -> bytes:
    """At most `MAX_BODY_BYTES + 1` bytes of the file (`-`: standard input)."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_BODY_BYTES + 1)
    with Path(path).open("rb") as file:
        return file.read(MAX_BODY_BYTES + 1)


def _shown(value: Any) -> str:
    """An event's id or type for display: printable, bounded, `-` when it is not a string."""
    if not isinstance(value, str) or not value:
        return "-"
    text = printable(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


class _Output:
    def __init__(self, stream: TextIO, fmt: str, name: str) -> None:
        self.stream = stream
        self.fmt = fmt
        self.name = name

    def refused(self, reason: str, message: str) -> None:
        if self.fmt == "json":
            self._json({"signature": reason, "ok": False, "message": message})
            return
        self._line(f"{printable(self.name)}: signature refused [{reason}]: {message}")

    def verdict(self, timestamp: int, value: Any, issues: list[Issue]) -> None:
        event = value if isinstance(value, dict) else {}
        errors = sum(i.severity == "error" for i in issues)
        ok = not errors
        if self.fmt == "json":
            self._json(
                {
                    "signature": "ok",
                    "timestamp": timestamp,
                    "id": event.get("id") if isinstance(event.get("id"), str) else None,
                    "type": event.get("type") if isinstance(event.get("type"), str) else None,
                    "ok": ok,
                    "issues": [issue.to_dict() for issue in issues],
                }
            )
            return
        shown = printable(self.name)
        age = int(time.time()) - timestamp
        self._line(f"{shown}: signature ok (signed {age} s ago)")
        for issue in issues:
            self._line(f"{shown}: {issue}")
        counts = ", ".join(
            counted(sum(i.severity == s for i in issues), s) for s in ("error", "warning", "notice")
        )
        verdict = "valid" if ok else "invalid"
        self._line(
            f"{shown}: {_shown(event.get('id'))} {_shown(event.get('type'))}: {verdict} ({counts})"
        )

    def _json(self, entry: dict[str, Any]) -> None:
        self.stream.write(json.dumps({"file": self.name, **entry}) + "\n")

    def _line(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
        except UnicodeEncodeError:
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write((text + "\n").encode(encoding, "backslashreplace").decode(encoding))


def _error(message: str) -> None:
    sys.stderr.write(printable(message) + "\n")
