"""`stripe-schemas diff OLD NEW`: what changed between two specs, and whether it breaks you.

The comparison itself is [`stripe_codegen.diff`][stripe_codegen.diff] (it needs the `codegen` extra);
this module only reads the arguments and prints. Exit codes: 0 when no change reaches
the `--fail-on` level, 1 when one does, 2 for bad usage or a spec that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys

from ._generate import DEFAULT_ROOTS, FAIL_ON, report_problems


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "diff",
        help="what changed between two specs, and whether it breaks code using the models",
        description="Compare two OpenAPI specs (full specs or slices, YAML or JSON, paths or "
        "URLs) over the schemas the models are built from and the request parameters of their "
        "operations. Exit 1 when a change reaches the --fail-on level.",
    )
    parser.add_argument("old", metavar="OLD", help="the spec the models were generated from")
    parser.add_argument("new", metavar="NEW", help="the spec to compare it with")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--root",
        action="append",
        dest="roots",
        metavar="SCHEMA",
        help="compare this schema's closure and operations (repeatable; for Stripe's specs "
        f"the default is {', '.join(DEFAULT_ROOTS)}; other specs need --root or --all)",
    )
    scope.add_argument("--all", action="store_true", help="compare every schema and operation")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="breaking",
        help="exit 1 when a change is at this level or above (default breaking)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        from stripe_codegen import SpecError, load_spec
        from stripe_codegen.diff import diff_specs
    except ImportError as exc:
        print(
            f"stripe-schemas: error: diff needs the generator ({exc.name}); "
            "install stripe-schemas[codegen]",
            file=sys.stderr,
        )
        return 2
    roots = None if args.all else (args.roots or list(DEFAULT_ROOTS))
    try:
        old = load_spec(args.old)
        new = load_spec(args.new)
        if not (args.all or args.roots or (old.stripe_conventions and new.stripe_conventions)):
            print(
                "stripe-schemas: error: no root schemas: name them with --root SCHEMA "
                "(repeatable), or compare every schema with --all",
                file=sys.stderr,
            )
            return 2
        result = diff_specs(old, new, roots)
    except SpecError as exc:
        return report_problems(exc.problems)
    for note in result.notes:
        print(f"stripe-schemas: note: {note}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=1))
    else:
        for label, spec in (("OLD", old), ("NEW", new)):
            print(f"{label}: {spec.source} (API {spec.api_version}, sha256 {spec.sha256[:12]}…)")
        for line in result.lines():
            print(line)
    if args.fail_on != "none" and result.reaches(args.fail_on):
        return 1
    return 0
