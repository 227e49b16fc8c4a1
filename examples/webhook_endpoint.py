"""A minimal Stripe webhook endpoint, standard library only.

STRIPE_WEBHOOK_SECRET=whsec_... QUARANTINE_DIR=./quarantine python examples/webhook_endpoint.py 8000

Only a delivery that fails the signature check gets 400. An authentic event that fails the
schema or rule checks is acknowledged all the same (Stripe would otherwise retry it for
days, refused each time) and kept in QUARANTINE_DIR, with its issues, for a person.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from stripe_models.identity import VerificationSession
from stripe_schemas.webhooks import Delivery, SignatureVerificationError, receive_event

MAX_BODY = 1 << 20  # events are far smaller; refuse anything bigger unread


def handle_session(kind: str, session: VerificationSession) -> None:
    """Your business logic: here, one line per identity session event."""
    print(f"{kind} {session.id} {session.status}", flush=True)


def quarantine(body: bytes, delivery: Delivery[Any]) -> Path:
    """Keep an authentic delivery that failed the checks, and why, for a person to look at.
    The body holds personal data: the directory is readable by its owner only."""
    folder = Path(os.environ.get("QUARANTINE_DIR", "quarantine"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(body).hexdigest()[:24]}.json"
    issues = [issue.to_dict() for issue in delivery.issues]
    record = {"issues": issues, "body": body.decode("utf-8", "replace")}
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return path


class WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.reply(413 if length > MAX_BODY else 411, "bad length")
            return
        body = self.rfile.read(length)  # the raw bytes: the signature covers exactly these
        try:
            delivery = receive_event(
                body, self.headers.get("Stripe-Signature"), os.environ["STRIPE_WEBHOOK_SECRET"]
            )
        except SignatureVerificationError as error:
            self.reply(400, f"signature refused: {error.reason}")  # not from Stripe
            return
        event = delivery.event
        if not delivery.ok or event is None:  # authentic, but not an event we can trust
            kept = quarantine(body, delivery)
            codes = ", ".join(sorted({issue.code for issue in delivery.errors}))
            print(f"quarantined {kept.name}: {codes}", flush=True)
            self.reply(202, "accepted for review")
            return
        if isinstance(event.data.object, VerificationSession):
            handle_session(event.type, event.data.object)
        self.reply(200, "ok")  # answer quickly; do slow work elsewhere

    def reply(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv: list[str]) -> int:
    if not os.environ.get("STRIPE_WEBHOOK_SECRET"):
        print("set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret", file=sys.stderr)
        return 2
    port = int(argv[1]) if len(argv) > 1 else 8000
    server = ThreadingHTTPServer(("127.0.0.1", port), WebhookHandler)
    print(f"listening on http://127.0.0.1:{server.server_port}/", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
