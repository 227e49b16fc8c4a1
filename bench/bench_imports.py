"""Import time: `import stripe_schemas.webhooks` beside `import stripe`, each in a fresh
interpreter, alternating in the same rounds (the order rotates); `python -c pass` is the
interpreter's own start-up, in both figures."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench._timing import Timings, fmt_ratio, fmt_time

X = "\u00d7"
ROUNDS = 31
CODE = {
    "import stripe_schemas.webhooks": "import stripe_schemas.webhooks",
    "import stripe": "import stripe",
    "python -c pass": "pass",
}


def run(rounds: int = ROUNDS) -> str:
    samples: dict[str, list[float]] = {name: [] for name in CODE}
    names = list(CODE)
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", CODE[name]], check=True)
            samples[name].append(time.perf_counter() - start)
    timings = Timings({name: statistics.median(values) for name, values in samples.items()})
    timings.rounds = samples
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
