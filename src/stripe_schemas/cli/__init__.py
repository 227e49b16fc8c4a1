"""The ``stripe-schemas`` command line.

Each sub-command lives in its own module with a ``register(subparsers)``
function. Exit codes: 0 success, 1 the check found problems (stale output,
invalid payloads), 2 bad input or usage (with a one-line message, never a
traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import _generate, _sample, _spec, _validate

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stripe-schemas",
        description="Typed attrs models, converters and validators from Stripe's OpenAPI spec.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (_generate, _spec, _validate, _sample):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        print("stripe-schemas: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
