"""Webhook benchmark: verify, parse and type one signed delivery, against the official SDK.

Every implementation gets the same bytes and ``Stripe-Signature`` header (an
``identity.verification_session.*`` event, laid out as Stripe delivers it) and is
timed round-robin in the same rounds (``bench._timing.interleaved``).

* ``stripe_schemas.webhooks.construct_event``: checks the signature, then parses
  the JSON (orjson when installed), structures it into the generated ``Event`` with
  ``data.object`` as a ``VerificationSession`` (every field type-checked, unknown
  fields handled per mode), checks ``previous_attributes`` against the session
  model, and applies the event-type/status rule.
* ``stripe.Webhook.construct_event`` (stripe-python): checks the signature, parses
  with ``json.loads`` into ordered dicts and wraps them in ``StripeObject``s. It
  does not type the object or validate any field.

The signature checks alone are timed too, so the table shows where the time goes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench._timing import Timings, fmt_ratio, fmt_time, interleaved
from bench.events import TEST_SECRET, body, session_event

X = "\u00d7"  # the multiplication sign (kept out of literals for ruff's RUF001)
BASELINE = "stripe.Webhook.construct_event"
OURS = "stripe_schemas construct_event"

#: name → the event delivered (both share the bytes of one session).
DELIVERIES: dict[str, dict[str, Any]] = {
    "verified": session_event("verified"),
    "requires_input": session_event("requires_input"),
}


def _implementations(data: bytes, header: str) -> dict[str, Callable[[], Any]]:
    import stripe

    from stripe_schemas.webhooks import construct_event, verify_header

    return {
        OURS: lambda: construct_event(data, header, TEST_SECRET),
        f"{OURS} (strict)": lambda: construct_event(data, header, TEST_SECRET, mode="strict"),
        BASELINE: lambda: stripe.Webhook.construct_event(data, header, TEST_SECRET),
        "stripe_schemas verify_header only": lambda: verify_header(data, header, TEST_SECRET),
        "stripe.WebhookSignature.verify_header only": lambda: stripe.WebhookSignature.verify_header(
            data, header, TEST_SECRET, 300
        ),
    }


def _agree(fns: dict[str, Callable[[], Any]]) -> None:
    """Every implementation accepts the delivery, and both full parsers read the same event."""
    from stripe_models.identity import VerificationSession

    results = {name: fn() for name, fn in fns.items()}
    ours, theirs = results[OURS], results[BASELINE]
    assert isinstance(ours.data.object, VerificationSession)
    assert (ours.id, ours.type, ours.data.object.id) == (
        theirs.id,
        theirs.type,
        theirs.data.object.id,
    )


def run() -> str:
    """Time each implementation on each delivery; return a Markdown table with ratios."""
    import stripe

    from stripe_schemas.webhooks import signature_header

    times: dict[str, dict[str, float]] = {}
    per_delivery: dict[str, Timings] = {}
    sizes: dict[str, int] = {}
    for label, event in DELIVERIES.items():
        data = body(event)
        sizes[label] = len(data)
        header = signature_header(data, TEST_SECRET)  # signed now: within the tolerance
        fns = _implementations(data, header)
        _agree(fns)
        per_delivery[label] = interleaved(fns)
        for name, seconds in per_delivery[label].items():
            times.setdefault(name, {})[label] = seconds
    columns = " | ".join(f"{label} ({sizes[label]} B)" for label in DELIVERIES)
    lines = [
        "## Webhook benchmark",
        "",
        f"stripe {stripe.VERSION}; medians per delivery, all timed round-robin in the same rounds; "
        "ratios per delivery, each with its spread over the rounds.",
        "",
        f"| implementation | {columns} | ratio vs {BASELINE} |",
        "|---" + "|---:" * (len(DELIVERIES) + 1) + "|",
    ]
    base = times[BASELINE]
    for name, per in times.items():
        cells = " | ".join(fmt_time(per[label]) for label in DELIVERIES)
        shown = "; ".join(
            fmt_ratio(per_delivery[label].ratio(name, BASELINE)) for label in DELIVERIES
        )
        lines.append(f"| {name} | {cells} | {shown} |")
    worst = max(times[OURS][label] / base[label] for label in DELIVERIES)
    lines += [
        "",
        f"Target: verify + parse + type ≤ 1.0{X} stripe.Webhook.construct_event's time: "
        f"{worst:.2f}{X} {'✓' if worst <= 1.0 else '✗ (missed)'}",
        "",
        "Notes: ours types data.object as a VerificationSession (every field checked), checks",
        "previous_attributes against it and the event-type/status rule; stripe's parses into",
        "untyped StripeObjects and validates nothing beyond the signature.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(run())
