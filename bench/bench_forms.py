"""Form encoding benchmark: ``stripe_schemas.forms.encode`` against the official encoder.

Both sides encode the same Verification Session *create* parameters in the same
rounds (round-robin, medians): the official ``stripe`` package's
``urlencode(list(_api_encode(params)))`` from the plain dict, and ours from the
same dict and from the generated parameter class instance (which includes turning
the instance into its JSON). Before timing, each input is checked to give the
same bytes on both sides. A last row adds the spec check the client runs before
sending (``stripe_schemas.params.check``), which the official encoder does not do.
"""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlencode

from bench._timing import fmt_ratio, fmt_time, interleaved

X = "\u00d7"  # the multiplication sign of ratios (kept out of literals for ruff's RUF001)


def _inputs() -> dict[str, dict[str, Any]]:
    return {
        "minimal": {"type": "id_number"},
        "typical": {
            "type": "document",
            "metadata": {"order_id": "6735", "customer": "cus_NffrFeUfNV2Hib"},
            "options": {
                "document": {
                    "allowed_types": ["driving_license", "passport"],
                    "require_live_capture": True,
                    "require_matching_selfie": True,
                }
            },
            "return_url": "https://example.com/verified?order=6735",
            "expand": ["last_verification_report"],
        },
        "metadata-heavy": {
            "type": "document",
            "metadata": {f"key {i}.é": f"value {i} & more" for i in range(20)},
        },
    }


def run() -> str:
    """Time both encoders in this process; return a Markdown table with medians and ratios."""
    import stripe
    from stripe._encode import _api_encode

    from stripe_models.params.identity import VerificationSessionCreateParams
    from stripe_schemas import structure
    from stripe_schemas.forms import encode
    from stripe_schemas.params import check

    def official(data: dict[str, Any]) -> str:
        return urlencode(list(_api_encode(data)))

    lines = [
        "## Form encoding benchmark",
        "",
        f"Python {sys.version.split()[0]}; stripe {stripe.VERSION}. Medians of 15 round-robin "
        "rounds; ratio = ours / official (below 1 is faster), with its spread over the rounds.",
        "",
        "| create parameters | official (dict) | ours (dict) | ours (instance) | ratio (dict) "
        "| ratio (instance) | ours: check + encode (instance) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    worst = 0.0
    for name, data in _inputs().items():
        instance = structure(data, VerificationSessionCreateParams)
        expected = official(data)
        if encode(data) != expected or encode(instance) != official(
            check(instance, type(instance))
        ):
            raise AssertionError(f"{name}: the encoders disagree")
        times = interleaved(
            {
                "official": lambda data=data: official(data),
                "dict": lambda data=data: encode(data),
                "instance": lambda instance=instance: encode(instance),
                "checked": lambda instance=instance: encode(
                    check(instance, VerificationSessionCreateParams)
                ),
            }
        )
        base = times["official"]
        worst = max(worst, times["dict"] / base, times["instance"] / base)
        lines.append(
            f"| {name} | {fmt_time(base)} | {fmt_time(times['dict'])} | "
            f"{fmt_time(times['instance'])} | {fmt_ratio(times.ratio('dict', 'official'))} | "
            f"{fmt_ratio(times.ratio('instance', 'official'))} | {fmt_time(times['checked'])} |"
        )
    mark = "met" if worst <= 1.0 else "NOT met"
    lines += [
        "",
        f"Target: at most 1.0{X} the official encoder's time: {mark} (worst {worst:.2f}{X}).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
