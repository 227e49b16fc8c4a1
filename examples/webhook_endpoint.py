"""A minimal Stripe webhook endpoint, standard library only.

STRIPE_WEBHOOK_SECRET=whsec_... python examples/webhook_endpoint.py 8000
"""

from __future__ import annotations

import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from stripe_models.identity import VerificationSession
from stripe_schemas import PayloadError
from stripe_schemas.webhooks import SignatureVerificationError, construct_event

MAX_BODY = 1 << 20  # events are far smaller; refuse anything bigger unread


def handle_session(kind: str, session: VerificationSession) -> None:
    """Your business logic: here, one line per identity session event."""
    print(f"{kind} {session.id} {session.status}", flush=True)


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
            event = construct_event(
                body, self.headers.get("Stripe-Signature"), os.environ["STRIPE_WEBHOOK_SECRET"]
            )
        except SignatureVerificationError as error:
            self.reply(400, f"signature refused: {error.reason}")
            return
        except PayloadError:
            self.reply(400, "not a valid event")
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
