"""``stripe-schemas validate``: check payload files against the models and invariants.

Each PATH is a file or a directory (searched recursively for ``*.json``,
``*.jsonl`` and ``*.ndjson``); ``-`` reads standard input. A file holds one
object, a JSON array of objects, or JSON Lines. Every issue is one printable
line naming the file, the line and the JSON pointer (control characters and
lone surrogates escaped); a bad file, line or array element is reported and
the run goes on. Exit status: 0 no error, 1 an error in some payload (invalid
JSON included), 2 bad usage, an unusable ``--schema``, an unreadable path or a
directory without payload files (one line on standard error, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import attrs

from ..issues import INPUT_LIMIT, Issue, printable

SUFFIXES = (".json", ".jsonl", ".ndjson")
LINE_SUFFIXES = (".jsonl", ".ndjson")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "validate",
        help="validate payload files",
        description="Validate Stripe payloads: schema conformance plus Stripe Identity invariants.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, directory or - (stdin)")
    parser.add_argument(
        "--mode",
        choices=("strict", "lenient"),
        default="strict",
        help="strict: unknown fields and enum values are errors; lenient: notices",
    )
    parser.add_argument(
        "--model", help="schema key or resource id (default: each payload's object tag)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", dest="fmt")
    parser.add_argument(
        "--schema",
        metavar="FILE",
        help="JSON Schema document to validate against (default: the committed one)",
    )
    parser.set_defaults(handler=run)


@attrs.define
class _Totals:
    objects: int = 0
    valid: int = 0
    errors: int = 0
    warnings: int = 0
    notices: int = 0
    unreadable: int = 0

    def line(self) -> str:
        return (
            f"{self.objects} objects, {self.valid} valid, {self.errors} errors, "
            f"{self.warnings} warnings, {self.notices} notices"
            + (f", {self.unreadable} unreadable paths" if self.unreadable else "")
        )


def run(args: argparse.Namespace) -> int:
    from ..validation import SchemaDocumentError

    try:
        validator = _load_validator(args.schema)
    except (OSError, ValueError, ImportError, RecursionError) as exc:
        where = f"{args.schema}: " if args.schema else ""
        _error(f"stripe-schemas: error: {where}cannot load the schema: {_reason(exc)}")
        return EXIT_BAD_INPUT
    key = validator.resolve(args.model) if args.model is not None else None
    if args.model is not None and key is None:
        _error(f"stripe-schemas validate: unknown model {args.model!r}")
        return EXIT_BAD_INPUT
    out = _Output(sys.stdout, args.fmt)
    totals = _Totals()
    try:
        if key is not None:
            validator.compiled(key)
        for source in _sources(args.paths, totals):
            data = _read(source, totals)
            if data is None:
                continue
            lines = source.lower().endswith(LINE_SUFFIXES)
            _check_file(source, data, lines, validator, args, totals, out)
    except SchemaDocumentError as exc:
        out.finish(totals)
        where = f"{args.schema}: " if args.schema else ""
        _error(f"stripe-schemas: error: {where}cannot use the schema: {_reason(exc)}")
        return EXIT_BAD_INPUT
    out.finish(totals)
    if totals.unreadable:
        return EXIT_BAD_INPUT
    return EXIT_PROBLEMS if totals.errors else EXIT_OK


def _load_validator(schema: str | None) -> Any:
    """The validator of ``--schema`` (checked and compiled up front), else the default one."""
    from ..validation import Validator, default_validator

    if not schema:
        return default_validator()
    document = json.loads(Path(schema).read_bytes().decode("utf-8-sig"))
    validator = Validator(document)
    validator.check()
    return validator


def _error(message: str) -> None:
    """Write a one-line message to standard error (unprintable characters escaped)."""
    _write(sys.stderr, printable(message) + "\n")


def _write(stream: TextIO, text: str) -> None:
    """Write text that is printable; if the stream's encoding cannot hold it, escape the rest."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _sources(paths: list[str], totals: _Totals) -> Iterator[str]:
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            found: list[str] = []
            for root, dirs, files in os.walk(path):
                dirs.sort()
                found.extend(
                    os.path.join(root, name)
                    for name in sorted(files)
                    if name.lower().endswith(SUFFIXES)
                )
            if not found:
                totals.unreadable += 1
                _error(f"stripe-schemas validate: no payload files found under {raw}")
            yield from found
        elif path.exists():
            yield raw
        else:
            totals.unreadable += 1
            _error(f"stripe-schemas validate: {raw}: no such file or directory")


def _read(source: str, totals: _Totals) -> bytes | None:
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        return Path(source).read_bytes()
    except OSError as exc:
        totals.unreadable += 1
        _error(f"stripe-schemas validate: {source}: {_reason(exc)}")
        return None


def _check_file(
    source: str,
    data: bytes,
    lines: bool,
    validator: Any,
    args: argparse.Namespace,
    totals: _Totals,
    out: _Output,
) -> None:
    from ..io._records import NOTHING, iter_records, merge
    from ..validation import Report, SchemaDocumentError

    name = "<stdin>" if source == "-" else source
    for record in iter_records(data, lines=lines or (source == "-" and _looks_like_lines(data))):
        totals.objects += 1
        issues: list[Issue] = list(record.issues)
        model = None
        if record.value is not NOTHING:
            try:
                report = validator.validate(record.value, args.model, mode=args.mode)
            except SchemaDocumentError:
                raise
            except Exception as exc:  # defensive: one record must never stop the run
                message = f"this record could not be checked ({type(exc).__name__})"
                report = Report((Issue("", INPUT_LIMIT, "error", message),))
            issues = merge([*issues, *report.issues])
            model = report.model
        errors = sum(i.severity == "error" for i in issues)
        totals.errors += errors
        totals.warnings += sum(i.severity == "warning" for i in issues)
        totals.notices += sum(i.severity == "notice" for i in issues)
        if not errors:
            totals.valid += 1
        if issues:
            where = record.lines() if record.value is not NOTHING else {}
            out.record(name, record.line, model, not errors, issues, where)


def _looks_like_lines(data: bytes) -> bool:
    head = data.lstrip()[:1]
    return head == b"{" and b"\n{" in data.strip()


def _line_of(path: str, where: dict[str, int], default: int) -> int:
    """The line of the value at ``path``, else of its nearest ancestor that is present."""
    while True:
        if path in where:
            return where[path]
        if not path:
            return default
        path = path.rsplit("/", 1)[0]


class _Output:
    """Writes issue lines (text) or one JSON document, streaming."""

    def __init__(self, stream: TextIO, fmt: str) -> None:
        self.stream = stream
        self.fmt = fmt
        self.first = True
        if fmt == "json":
            stream.write('{"results": [')

    def record(
        self,
        name: str,
        line: int,
        model: str | None,
        ok: bool,
        issues: list[Issue],
        where: dict[str, int],
    ) -> None:
        if self.fmt == "text":
            shown = printable(name)
            for issue in issues:
                at = _line_of(issue.path, where, line)
                _write(self.stream, f"{shown}:{at}: {issue}\n")
            return
        entry = {
            "file": name,
            "line": line,
            "model": model,
            "ok": ok,
            "issues": [
                {**issue.to_dict(), "line": _line_of(issue.path, where, line)} for issue in issues
            ],
        }
        self.stream.write(("" if self.first else ",") + "\n" + json.dumps(entry))
        self.first = False

    def finish(self, totals: _Totals) -> None:
        if self.fmt == "text":
            _write(self.stream, totals.line() + "\n")
            return
        summary = attrs.asdict(totals)
        self.stream.write("\n], " + json.dumps({"summary": summary})[1:] + "\n")
