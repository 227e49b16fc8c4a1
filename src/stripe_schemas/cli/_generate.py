"""``stripe-schemas generate``: regenerate the attrs models from a spec.

Without options it regenerates the committed ``generated/`` from the bundled
``spec/stripe-identity.yaml`` (roots: the Identity verification session).
``--check`` writes nothing: it exits 1 with a diff when the output is stale.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path

DEFAULT_SPEC = "spec/stripe-identity.yaml"
DEFAULT_ROOTS = ("identity.verification_session", "event")
DEFAULT_OUT = "generated"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "generate",
        help="generate attrs models from an OpenAPI spec",
        description="Generate attrs models (one module per resource namespace) from a spec.",
    )
    parser.add_argument(
        "--spec", default=DEFAULT_SPEC, help=f"path or URL (default {DEFAULT_SPEC})"
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--root",
        action="append",
        dest="roots",
        metavar="SCHEMA",
        help="component schema to generate with everything it references (repeatable; "
        f"default {', '.join(DEFAULT_ROOTS)})",
    )
    scope.add_argument("--all", action="store_true", help="generate every component schema")
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--package", default="stripe_models", help="package name (default stripe_models)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff if the output is stale",
    )
    parser.set_defaults(handler=run)


def report_problems(problems: Iterable[object]) -> int:
    """Print one line per spec problem and return the bad-input exit code."""
    for problem in problems:
        print(f"stripe-schemas: error: {problem}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        from stripe_codegen import SpecError
        from stripe_codegen.generate import generate, stale_files, write
    except ImportError as exc:
        print(
            f"stripe-schemas: error: the generator needs extra packages ({exc.name}); "
            "install stripe-schemas[codegen]",
            file=sys.stderr,
        )
        return 2
    if not args.package.isidentifier():
        print(
            f"stripe-schemas: error: --package {args.package!r} is not a Python name",
            file=sys.stderr,
        )
        return 2
    roots = None if args.all else (args.roots or list(DEFAULT_ROOTS))
    started = time.perf_counter()
    try:
        result = generate(args.spec, roots, package=args.package)
    except SpecError as exc:
        return report_problems(exc.problems)
    out = Path(args.out)
    if args.check:
        diff = stale_files(result, out)
        if diff:
            sys.stdout.writelines(diff)
            print(
                f"stripe-schemas: {out}/{args.package} is stale; run `stripe-schemas generate`",
                file=sys.stderr,
            )
            return 1
        print(f"{out}/{args.package} is up to date ({result.summary()})")
        return 0
    try:
        changed = write(result, out)
    except SpecError as exc:
        return report_problems(exc.problems)
    except OSError as exc:
        print(f"stripe-schemas: error: cannot write to {out}: {exc.strerror}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"generated {result.summary()} in {elapsed:.2f} s")
    print(f"wrote {len(result.files)} files to {out}/{args.package} ({len(changed)} changed)")
    for rel in changed:
        print(f"  {rel}")
    return 0
