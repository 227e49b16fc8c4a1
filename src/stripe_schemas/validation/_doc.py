"""The docs' table of rules and Identity facts, rendered from `stripe_schemas.identity`.

The validation page (`docs/validation.md`) keeps the rendered text between two marker comments; a test fails
when it is stale. Rewrite it with:

    python -m stripe_schemas.validation._doc docs/validation.md          # rewrite in place
    python -m stripe_schemas.validation._doc --check docs/validation.md  # exit 1 when stale
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from .. import identity as facts
from ..identity import REPORT, SESSION, Date, Kept, Part, Text

START = "<!-- identity-rules: generated from stripe_schemas.identity; do not edit by hand -->"
END = "<!-- /identity-rules -->"


def _personal_rows(schema: str, prefix: str) -> Iterator[tuple[str, str]]:
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        path = f"{prefix}{name}"
        if isinstance(kind, Part):
            yield from _personal_rows(kind.schema, path + ".")
        elif isinstance(kind, Text):
            yield path, f'`"{facts.REDACTED_TEXT}"` (null stays null)'
        elif isinstance(kind, Date):
            shown = ", ".join(f"{unit} {value}" for unit, value in facts.REDACTED_DATE.items())
            yield path, f"{shown} (null stays null)"
        elif isinstance(kind, Kept):
            yield path, "kept (the file stops being downloadable)"


def rules_markdown() -> str:
    """The generated block: the rules table, the personal fields and the lifecycle."""
    lines = [
        "| code | layer | strict | lenient | rationale |",
        "|---|---|---|---|---|",
    ]
    for rule in facts.RULES:
        lines.append(
            f"| `{rule.code}` | {rule.layer} | {rule.strict} | {rule.lenient} | {rule.rationale} |"
        )
    lines += [
        "",
        "Personal fields (checked by `unverified_outputs` and `redaction_incomplete`, never"
        " shown in a message) and what a redaction leaves in them; a redaction also empties"
        " `metadata`. A standalone report counts as redacted once one of its personal text"
        " fields holds the placeholder.",
        "",
        "| resource | field | after a redaction |",
        "|---|---|---|",
    ]
    for resource in (SESSION, REPORT):
        for path, after in _personal_rows(resource, ""):
            lines.append(f"| `{resource}` | `{path}` | {after} |")
    moves = ", ".join(f"`{m.source} → {m.target}` ({m.action}, `{m.event}`)" for m in facts.MOVES)
    redactable = ", ".join(f"`{src}` (leaves `{dst}`)" for src, dst in facts.REDACTABLE.items())
    prefixes = ", ".join(f"`{key}` `{prefix}`" for key, prefix in facts.ID_PREFIXES.items())
    lines += [
        "",
        f"Documented moves: {moves}. Terminal: "
        + ", ".join(f"`{s}`" for s in facts.STATUSES if s in facts.TERMINAL)
        + f". A redaction may start from {redactable}; `redaction.status` goes "
        + " → ".join(f"`{s}`" for s in facts.REDACTION_STATUSES)
        + f" and `{facts.EVENT_PREFIX}{facts.REDACTION_DONE}` is sent. ID prefixes: {prefixes}.",
    ]
    return "\n".join(lines)


def render_into(text: str) -> str:
    """`text` with the block between the markers replaced by `rules_markdown()`."""
    head, found, rest = text.partition(START)
    if not found or END not in rest:
        raise ValueError(f"the markers {START!r} and {END!r} are missing")
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{rules_markdown()}\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [arg for arg in args if arg != "--check"]
    if len(paths) != 1:
        print(
            "usage: python -m stripe_schemas.validation._doc [--check] docs/validation.md",
            file=sys.stderr,
        )
        return 2
    path = Path(paths[0])
    text = path.read_text(encoding="utf-8")
    try:
        fresh = render_into(text)
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    if fresh == text:
        return 0
    if check:
        print(f"{path}: the identity rules block is stale; rerun without --check", file=sys.stderr)
        return 1
    path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
