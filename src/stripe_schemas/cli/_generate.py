"""`stripe-schemas generate`: regenerate the attrs models from a spec.

Without options it regenerates the committed `generated/` from the bundled
`spec/stripe-identity.yaml` (roots: the Identity verification session and the event).
Before writing it says what changed since the spec the package was generated from
(the semantic diff, [`stripe_codegen.diff`][stripe_codegen.diff]) and whether that breaks code using it.
`--check` writes nothing: it exits 1 with a file diff when the output is stale.

The package is called `stripe_models` only where that is the installed
`stripe_models` itself (this repository's `generated/`); anywhere else `--package`
is required, so a generated package never shadows the installed one.
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..issues import counted

DEFAULT_SPEC = "spec/stripe-identity.yaml"
DEFAULT_ROOTS = ("identity.verification_session", "identity.verification_report", "event")
DEFAULT_OUT = "generated"
DEFAULT_PACKAGE = "stripe_models"
#: Changes listed before "… and N more" in the regeneration summary (`--verbose`: all).
SUMMARY_LINES = 40
#: The levels `--fail-on` takes (`diff` and `generate` alike); `none` never fails.
FAIL_ON = ("breaking", "warning", "none")


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
        f"for Stripe's specs the default is {', '.join(DEFAULT_ROOTS)}; other specs "
        "need --root or --all)",
    )
    scope.add_argument("--all", action="store_true", help="generate every component schema")
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--package",
        default=None,
        help=f"package name; required unless OUT/{DEFAULT_PACKAGE} is the installed "
        f"{DEFAULT_PACKAGE} itself (a package of that name elsewhere would shadow it)",
    )
    parser.add_argument(
        "--names",
        metavar="FILE",
        help="JSON or YAML mapping of schema keys (or key.field) to the names to use, to settle "
        "a clash of names; give it again at every regeneration",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the output is stale, listing the spec's changes "
        "and the files that would be added, changed or removed",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="none",
        help="refuse to write (exit 1, nothing touched) when a change since the spec the "
        "package came from is at this level or above (default none: always write)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="list every change, and with --check the line diff of every file",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace or remove generated files even if they were edited since "
        "(files the generator did not write are never touched)",
    )
    parser.set_defaults(handler=run)


def report_problems(problems: Iterable[object]) -> int:
    """Print one line per spec problem and return the bad-input exit code."""
    for problem in problems:
        print(f"stripe-schemas: error: {problem}", file=sys.stderr)
    return 2


def _fail(message: str) -> int:
    print(f"stripe-schemas: error: {message}", file=sys.stderr)
    return 2


def installed_models_dir() -> Path | None:
    """Where the installed `stripe_models` package lives (without importing it)."""
    found = importlib.util.find_spec(DEFAULT_PACKAGE)
    locations = list(found.submodule_search_locations or []) if found is not None else []
    return Path(locations[0]).resolve() if locations else None


def choose_package(package: str | None, out: Path) -> str | None:
    """The package name to generate, or None (after a message) when it would shadow."""
    if package is not None:
        from stripe_codegen.naming import package_problem

        why = package_problem(package)
        if why is not None:
            _fail(f"--package {why}")
            return None
        return package
    installed = installed_models_dir()
    if installed is None or (out / DEFAULT_PACKAGE).resolve() == installed:
        return DEFAULT_PACKAGE
    _fail(
        f"{out / DEFAULT_PACKAGE} would shadow the installed {DEFAULT_PACKAGE} ({installed}); "
        "name the package with --package"
    )
    return None


def _rerun(args: argparse.Namespace, package: str) -> str:
    """The `generate` command that writes what `--check` compared: the user's own
    options, `--check` left out."""
    words = ["stripe-schemas", "generate"]
    if args.spec != DEFAULT_SPEC:
        words += ["--spec", args.spec]
    if args.all:
        words.append("--all")
    for root in args.roots or ():
        words += ["--root", root]
    if args.out != DEFAULT_OUT:
        words += ["--out", args.out]
    if args.package is not None:
        words += ["--package", package]
    if args.names:
        words += ["--names", args.names]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    try:
        from stripe_codegen import SpecError
        from stripe_codegen.generate import (
            changed_files,
            generate,
            load_names,
            previous_spec,
            stale_files,
            write,
        )
    except ImportError as exc:
        return _fail(
            f"the generator needs extra packages ({exc.name}); install stripe-schemas[codegen]"
        )
    out = Path(args.out)
    package = choose_package(args.package, out)
    if package is None:
        return 2
    roots = None if args.all else (args.roots or [])
    started = time.perf_counter()
    try:
        names = load_names(args.names) if args.names else None
        result = generate(
            args.spec, roots, package=package, names=names, stripe_roots=DEFAULT_ROOTS
        )
        previous, why_not = previous_spec(out / package)
        changes = _print_changes(result, previous, why_not, out / package, verbose=args.verbose)
    except SpecError as exc:
        return report_problems(exc.problems)
    for warning in result.warnings:  # what the models leave out, said before anything else
        print(f"stripe-schemas: warning: {warning}", file=sys.stderr)
    breaking = None if changes is None else changes.reaches("breaking")
    if args.check:
        try:
            files = changed_files(result, out)
            diff = stale_files(result, out) if files and args.verbose else []
        except SpecError as exc:
            return report_problems(exc.problems)
        if files:
            for line in files.lines():
                print(line)
            sys.stdout.writelines(diff)
            verdict = {
                True: "the spec change is breaking",
                False: "the spec change is not breaking",
                None: "with no record of the spec it came from, the change is not classified",
            }[breaking]
            print(
                f"stripe-schemas: {out}/{package} is stale ({verdict}); "
                f"run `{_rerun(args, package)}`",
                file=sys.stderr,
            )
            return 1
        print(f"{out}/{package} is up to date ({result.summary()})")
        return 0
    if args.fail_on != "none":
        refused = _gate(args.fail_on, changes, why_not, out / package, _rerun(args, package))
        if refused:
            return 1
    try:
        changed = write(result, out, force=args.force)
    except SpecError as exc:
        return report_problems(exc.problems)
    except OSError as exc:
        return _fail(f"cannot write to {out}: {exc.strerror or exc}")
    elapsed = time.perf_counter() - started
    print(f"generated {result.summary()} in {elapsed:.2f} s")
    print(f"wrote {counted(len(result.files), 'file')} to {out}/{package} ({len(changed)} changed)")
    for rel in changed:
        print(f"  {rel}")
    return 0


def _gate(level: str, changes: Any, why_not: str, where: Path, rerun: str) -> bool:
    """Whether `--fail-on level` refuses to write (after saying why, on stderr)."""
    if changes is None:
        if not where.exists():
            return False  # a new package: nothing written before can break
        print(
            f"stripe-schemas: error: --fail-on {level}: {why_not}, so the change cannot be "
            f"classified; nothing was written (to write anyway: `{rerun}`)",
            file=sys.stderr,
        )
        return True
    reached = changes.at_least(level)
    if not reached:
        return False
    print(
        f"stripe-schemas: error: --fail-on {level}: {counted(len(reached), 'change')} "
        f"at {level} or above; nothing was written to {where}:",
        file=sys.stderr,
    )
    for change in reached:
        print(f"  {change.line()}", file=sys.stderr)
    print(f"stripe-schemas: to write anyway: `{rerun}`", file=sys.stderr)
    return True


def _print_changes(
    result: Any, previous: Any, why_not: str, where: Path, *, verbose: bool = False
) -> Any:
    """Print what changed since the spec the package came from; the
    `stripe_codegen.diff.SpecDiff` (None: there is no record of that spec)."""
    from stripe_codegen import SpecError
    from stripe_codegen.diff import SpecDiff, diff_specs

    if previous is None:
        print(f"{why_not}: no change summary")
        return None
    new = result.spec
    if previous.sha256 == new.sha256:
        print(f"spec unchanged since {where} was generated (sha256 {new.sha256[:12]}…)")
        return SpecDiff(previous, new, ())
    try:
        changes = diff_specs(previous, new, result.roots)
    except SpecError as exc:  # a spec this version of the generator no longer reads
        print(f"the previous spec cannot be read now ({exc.problems[0]}): no change summary")
        return None
    print(
        f"changes since {where} was generated: API {previous.api_version} "
        f"(sha256 {previous.sha256[:12]}…) → API {new.api_version} (sha256 {new.sha256[:12]}…)"
    )
    for note in changes.notes:
        print(f"  note: {note}")
    for line in changes.lines(limit=None if verbose else SUMMARY_LINES):
        print(f"  {line}")
    return changes
