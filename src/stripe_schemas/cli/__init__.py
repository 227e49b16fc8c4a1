"""The `stripe-schemas` command line.

Each sub-command lives in its own module with a `register(subparsers)`
function. Exit codes: 0 success, 1 the check found problems (stale output,
invalid payloads), 2 bad input or usage (with a one-line message, never a
traceback), 130 interrupted, 141 the output was closed (`| head`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from importlib import metadata

from ..issues import printable
from ..requires import MissingExtra
from . import _diff, _generate, _sample, _spec, _validate, _webhook

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
#: 128 + SIGPIPE, what a shell reports for a command whose output was closed.
EXIT_OUTPUT_CLOSED = 141

EXIT_CODES = """\
exit status:
  0    success
  1    the check found problems (invalid payloads, stale generated code)
  2    bad usage, unusable input or a missing optional dependency (one line on
       standard error, no traceback)
  130  interrupted
  141  the output was closed early (e.g. piped into `head`)
"""


def version() -> str:
    try:
        return metadata.version("stripe-schemas")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stripe-schemas",
        description="Typed attrs models, converters and validators from Stripe's OpenAPI spec.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (_generate, _spec, _diff, _validate, _webhook, _sample):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("stripe-schemas: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except MissingExtra as exc:  # an optional dependency the command needs
        print(f"stripe-schemas: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly. Point stdout at
        # /dev/null so the interpreter's own flush at exit does not fail again.
        _silence_stdout()
        return EXIT_OUTPUT_CLOSED
    except OSError as exc:  # an output that cannot be written (a full disk: /dev/full), …
        _silence_stdout()
        where = f"{exc.filename}: " if isinstance(exc.filename, str) else ""
        reason = exc.strerror or type(exc).__name__
        print(f"stripe-schemas: error: {printable(where)}{reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return code


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
