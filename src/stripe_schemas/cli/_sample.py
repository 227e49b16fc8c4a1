"""`stripe-schemas sample`: realistic Stripe Identity payloads as NDJSON.

Every payload breaks no rule: `stripe-schemas validate --mode strict` finds no
error and no warning in the output. The draws are deterministic: a seeded
`random.Random` makes every choice of the same generators the hypothesis
strategies use (`stripe_schemas.sampling`; hypothesis is not needed), and
`created` values are drawn up to `--now` (a fixed default), so the same seed
gives the same bytes on any day.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from ..identity import REPORT, SESSION, STATUSES, TYPES
from ..issues import printable

EXIT_OK = 0
EXIT_BAD_INPUT = 2
#: The default `--now`: 2025-01-01T00:00:00Z (fixed, so a seed always gives the same output).
DEFAULT_NOW = 1_735_689_600


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "sample",
        help="write realistic Stripe Identity payloads (NDJSON)",
        description=(
            "Write COUNT realistic payloads of MODEL, one JSON object per line. Each passes"
            " `stripe-schemas validate --mode strict` with no error and no warning; the"
            " same --seed gives the same output."
        ),
    )
    parser.add_argument(
        "model", choices=(SESSION, REPORT), metavar="MODEL", help=f"{SESSION} or {REPORT}"
    )
    parser.add_argument("--count", type=_count, default=10, help="how many payloads (default 10)")
    parser.add_argument("--seed", default="0", help="random seed (default 0)")
    parser.add_argument(
        "--status",
        action="append",
        choices=STATUSES,
        help="draw sessions in this status (repeat for several; default any)",
    )
    parser.add_argument("--type", choices=TYPES, dest="kind", help="verification type")
    parser.add_argument(
        "--expanded",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="sessions with (or, with --no-expanded, without) an expanded last_verification_report",
    )
    parser.add_argument(
        "--redacted",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="redacted payloads only (or none with --no-redacted)",
    )
    parser.add_argument(
        "--livemode", action=argparse.BooleanOptionalAction, default=None, help="fix livemode"
    )
    parser.add_argument(
        "--now",
        type=int,
        default=DEFAULT_NOW,
        metavar="UNIX_TIME",
        help="latest created value (default 2025-01-01, fixed for reproducible output)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(handler=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def run(args: argparse.Namespace) -> int:
    from ..sampling import RandomSource, default_sampler, draw

    seed: int | str = int(args.seed) if args.seed.lstrip("-").isdigit() else args.seed
    filters: dict[str, Any] = dict(
        status=tuple(args.status) if args.status else None,
        type=args.kind,
        expanded=args.expanded,
        redacted=args.redacted,
        livemode=args.livemode,
    )
    if args.model == REPORT:
        if args.status or args.expanded is not None:
            _error("stripe-schemas sample: --status and --expanded apply to sessions only")
            return EXIT_BAD_INPUT
        del filters["status"], filters["expanded"]
    sampler = default_sampler(args.now)
    src = RandomSource(seed)
    try:
        first = draw(sampler, src, args.model, **filters) if args.count else None
    except ValueError as exc:
        _error(f"stripe-schemas sample: {exc}")
        return EXIT_BAD_INPUT
    where = args.output or "<stdout>"
    try:
        with contextlib.ExitStack() as stack:
            stream: IO[bytes] = (
                stack.enter_context(Path(args.output).open("wb"))
                if args.output
                else sys.stdout.buffer
            )
            if first is not None:
                _write(stream, first)
            for _ in range(args.count - 1):
                _write(stream, draw(sampler, src, args.model, **filters))
            stream.flush()
    except BrokenPipeError:
        raise  # the reader went away (| head): the command line ends quietly
    except OSError as exc:  # cannot open, or cannot write (a full disk: /dev/full)
        reason = exc.strerror or type(exc).__name__
        _error(f"stripe-schemas sample: {printable(where)}: {reason}")
        if not args.output:
            _silence_stdout()
        return EXIT_BAD_INPUT
    return EXIT_OK


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's flush at exit does not fail
    (and print) again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _write(stream: IO[bytes], payload: object) -> None:
    line = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    stream.write(line.encode("utf-8") + b"\n")


def _error(message: str) -> None:
    print(message, file=sys.stderr)
