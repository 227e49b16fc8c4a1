"""Import time: `import stripe_schemas.webhooks` beside `import stripe`, each in a fresh
interpreter, alternating in the same rounds (the order rotates); `python -c pass` is the
interpreter's own start-up, in both figures."""

from __future__ import annotations

import subprocess
import sys

from bench._timing import fmt_ratio, fmt_time, rounds_of

ROUNDS = 31
CODE = {
    "import stripe_schemas.webhooks": "import stripe_schemas.webhooks",
    "import stripe": "import stripe",
    "python -c pass": "pass",
}


def run(rounds: int = ROUNDS) -> str:
    timings = rounds_of(
        {
            name: lambda code=code: subprocess.run([sys.executable, "-c", code], check=True)
            for name, code in CODE.items()
        },
        rounds=rounds,
    )
    samples = timings.rounds
    ratio = timings.ratio("import stripe_schemas.webhooks", "import stripe")
    lines = [
        "## Import time (`python -m bench imports`)",
        "",
        f"A fresh interpreter per import, {rounds} rounds, the order rotating.",
        "",
        "| command | median | spread over the rounds |",
        "|---|---:|---:|",
    ]
    for name, values in samples.items():
        spread = f"{fmt_time(min(values))} \u2013 {fmt_time(max(values))}"
        lines.append(f"| `{name}` | {fmt_time(timings[name])} | {spread} |")
    mark = "\u2713" if ratio[0] <= 1.0 else "\u2717 (missed)"
    lines += [
        "",
        f"Target: `import stripe_schemas.webhooks` no slower than `import stripe`: "
        f"{fmt_ratio(ratio)} {mark}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(run())
