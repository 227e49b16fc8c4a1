"""``python -m bench [generate|convert|validate|webhooks|stream|diff|forms|imports …]``: run the side-by-side benchmarks."""

from __future__ import annotations

import importlib
import sys

SUITES = {
    "generate": "bench.bench_generate",
    "convert": "bench.bench_convert",
    "validate": "bench.bench_validate",
    "webhooks": "bench.bench_webhooks",
    "stream": "bench.bench_stream",
    "diff": "bench.bench_diff",
    "forms": "bench.bench_forms",
    "imports": "bench.bench_imports",
}


def main(argv: list[str]) -> int:
    names = argv or list(SUITES)
    for name in names:
        if name not in SUITES:
            print(f"unknown suite {name!r}; choose from {', '.join(SUITES)}", file=sys.stderr)
            return 2
        module = importlib.import_module(SUITES[name])
        print(module.run())
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
