"""`stripe-schemas spec …`: work on OpenAPI documents (slice to a closure of roots).

`spec slice` cuts the closure of some component schemas (and the operations that
serve them) out of a full Stripe spec, without prose; `spec check` re-slices an
upstream spec with the roots a slice records and lists the JSON pointers that differ.
The generator package (`stripe_codegen`) is imported only when a command runs: it
needs the `codegen` extra.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from ..issues import counted
from ..model import escape_token

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
PROG = "stripe-schemas"
MAX_LISTED_DIFFERENCES = 200
_CODEGEN_MODULES = ("loader", "slicing", "errors")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("spec", help="work on OpenAPI spec documents")

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT

    parser.set_defaults(handler=show_help)
    actions = parser.add_subparsers(dest="spec_command", metavar="ACTION")
    _register_slice(actions)
    _register_check(actions)


def _register_slice(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "slice",
        help="cut the closure of some schemas (and their operations) out of a spec, no prose",
    )
    parser.add_argument("spec", metavar="SPEC", help="full OpenAPI spec (JSON or YAML)")
    parser.add_argument(
        "--root",
        dest="roots",
        action="append",
        required=True,
        metavar="SCHEMA",
        help="component schema key to keep with everything it references (repeatable)",
    )
    parser.add_argument(
        "--path-prefix",
        dest="path_prefixes",
        action="append",
        metavar="PREFIX",
        help="keep the operations of paths starting with PREFIX (repeatable); default: "
        "the operations whose 200 response returns a root or a list of one",
    )
    parser.add_argument("--out", metavar="FILE", help="write the YAML here (default: stdout)")
    parser.set_defaults(handler=_run_slice)


def _register_check(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "check", help="re-slice UPSTREAM with the roots SPEC records and list the differences"
    )
    parser.add_argument("spec", metavar="SPEC", help="a slice written by `spec slice`")
    parser.add_argument(
        "--against", required=True, metavar="UPSTREAM", help="the full spec to compare with"
    )
    parser.set_defaults(handler=_run_check)


# --- handlers ---------------------------------------------------------------------------


def _run_slice(args: argparse.Namespace) -> int:
    codegen = _import_codegen()
    if codegen is None:
        return EXIT_BAD_INPUT
    loader, slicing, errors = codegen
    try:
        upstream = loader.load_spec(args.spec)
        sliced = slicing.slice_spec(
            upstream.document,
            args.roots,
            path_prefixes=args.path_prefixes,
            source=upstream.source,
            upstream_sha256=upstream.sha256,
        )
    except errors.SpecError as exc:
        return _fail(_first_problem(exc))
    text: str = slicing.dump_yaml(sliced)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail(f"{args.out}: cannot write: {exc.strerror}")
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    codegen = _import_codegen()
    if codegen is None:
        return EXIT_BAD_INPUT
    loader, slicing, errors = codegen
    try:
        bundled = loader.load_spec(args.spec)
        recorded = _sliced_from(bundled.document, bundled.source)
        upstream = loader.load_spec(args.against)
        fresh = slicing.slice_spec(
            upstream.document,
            recorded["roots"],
            path_prefixes=recorded["path_prefixes"],
            source=upstream.source,
            upstream_sha256=upstream.sha256,
        )
    except errors.SpecError as exc:
        return _fail(_first_problem(exc))
    except ValueError as exc:
        return _fail(str(exc))
    return _report_check(
        args.spec, args.against, bundled.document, fresh, recorded, upstream.sha256
    )


def _report_check(
    spec: str,
    against: str,
    bundled: dict[str, Any],
    fresh: dict[str, Any],
    recorded: dict[str, Any],
    upstream_sha256: str,
) -> int:
    differences = list(diff_pointers(_without_record(bundled), _without_record(fresh)))
    if recorded.get("upstream_sha256") not in (None, upstream_sha256):
        print(f"note: {against} is not the file {spec} was sliced from (sha256 differs)")
    if not differences:
        schemas = len(fresh.get("components", {}).get("schemas", {}))
        print(f"{spec}: matches the slice of {against} ({counted(schemas, 'schema')})")
        return EXIT_OK
    print(
        f"{spec}: differs from the slice of {against} at {len(differences)} JSON pointers "
        "(added/removed: what the fresh slice has that SPEC lacks / SPEC has that it lacks):"
    )
    for line in differences[:MAX_LISTED_DIFFERENCES]:
        print(f"  {line}")
    if len(differences) > MAX_LISTED_DIFFERENCES:
        print(f"  … and {len(differences) - MAX_LISTED_DIFFERENCES} more")
    return EXIT_PROBLEMS


# --- helpers ----------------------------------------------------------------------------


def _import_codegen() -> tuple[ModuleType, ModuleType, ModuleType] | None:
    """The generator modules, or None (after a one-line hint) when the extra is missing.

    Imported by name: the runtime package must not depend on the optional generator.
    """
    try:
        modules = [importlib.import_module(f"stripe_codegen.{m}") for m in _CODEGEN_MODULES]
    except ImportError as exc:
        _fail(
            f"the spec commands need the generator ({exc.name or exc} is missing); "
            "install it with: pip install 'stripe-schemas[codegen]'"
        )
        return None
    loader, slicing, errors = modules
    return loader, slicing, errors


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _first_problem(exc: Exception) -> str:
    """One line for a SpecError: its first problem, and how many more there are."""
    problems = list(getattr(exc, "problems", [])) or [exc]
    more = f" (and {counted(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def _sliced_from(document: dict[str, Any], source: str) -> dict[str, Any]:
    """The `x-sliced-from` record of a slice: roots, path prefixes, upstream digest."""
    info = document.get("info")
    record = info.get("x-sliced-from") if isinstance(info, dict) else None
    roots = record.get("roots") if isinstance(record, dict) else None
    if not isinstance(record, dict) or not isinstance(roots, list) or not roots:
        raise ValueError(
            f"{source} at /info/x-sliced-from: no slice record (write it with `spec slice`)"
        )
    prefixes = record.get("path_prefixes")
    return {
        "roots": [str(root) for root in roots],
        "path_prefixes": [str(p) for p in prefixes] if isinstance(prefixes, list) else None,
        "upstream_sha256": record.get("upstream_sha256"),
    }


def _without_record(document: dict[str, Any]) -> dict[str, Any]:
    """The document minus the upstream digest, which differs whenever the upstream file does."""
    info = dict(document.get("info") or {})
    record = dict(info.get("x-sliced-from") or {})
    record.pop("upstream_sha256", None)
    info["x-sliced-from"] = record
    return {**document, "info": info}


def diff_pointers(old: Any, new: Any, pointer: str = "") -> Iterator[str]:
    """Yield `removed|added|changed <JSON pointer>` for every place two documents differ.

    `old` is the file being checked, `new` the fresh slice: "added" means the fresh
    slice has something the file lacks.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                yield f"removed {pointer}/{escape_token(key)}"
        for key, value in new.items():
            if key not in old:
                yield f"added   {pointer}/{escape_token(key)}"
            else:
                yield from diff_pointers(old[key], value, f"{pointer}/{escape_token(key)}")
    elif _scalar_list(old) and _scalar_list(new):
        if old != new:
            yield f"changed {pointer} ({_list_change(old, new)})"
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(new):
                yield f"removed {pointer}/{index}"
            elif index >= len(old):
                yield f"added   {pointer}/{index}"
            else:
                yield from diff_pointers(old[index], new[index], f"{pointer}/{index}")
    elif old != new or type(old) is not type(new):
        yield f"changed {pointer or '/'}"


def _scalar_list(value: Any) -> bool:
    """A list of plain values (`required`, `enum` …), compared as a whole."""
    return isinstance(value, list) and all(
        item is None or isinstance(item, (str, int, float, bool)) for item in value
    )


def _list_change(old: list[Any], new: list[Any]) -> str:
    removed = [item for item in old if item not in new]
    added = [item for item in new if item not in old]
    parts = [
        f"{label}: {', '.join(map(repr, items))}"
        for label, items in (("removed", removed), ("added", added))
        if items
    ]
    return "; ".join(parts) if parts else "order or repetition differs"
