"""The result of a validation: every issue found, grouped by severity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue, counted

Mode = Literal["strict", "lenient"]
MODES: tuple[Mode, ...] = ("strict", "lenient")


@attrs.frozen(repr=False)
class Report:
    """What [`validate()`][stripe_schemas.validation.validate] found in one payload.

    `ok` is true when there is no error (warnings and notices do not count).
    `issues` lists everything in the order found: schema issues first (sorted
    by path), then the Stripe Identity invariants.
    """

    #: Every issue, errors, warnings and notices together.
    issues: tuple[Issue, ...] = ()
    #: The schema key the payload was checked against (`None` if no model applied).
    model: str | None = None
    ok: bool = attrs.field(init=False)
    errors: tuple[Issue, ...] = attrs.field(init=False)
    warnings: tuple[Issue, ...] = attrs.field(init=False)
    notices: tuple[Issue, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        errors = tuple(i for i in self.issues if i.severity == "error")
        set_ = object.__setattr__
        set_(self, "errors", errors)
        set_(self, "warnings", tuple(i for i in self.issues if i.severity == "warning"))
        set_(self, "notices", tuple(i for i in self.issues if i.severity == "notice"))
        set_(self, "ok", not errors)

    @classmethod
    def of(cls, issues: Iterable[Issue], model: str | None = None) -> Report:
        return cls(tuple(issues), model)

    def codes(self) -> list[str]:
        """The codes of all issues, in order (handy in tests and logs)."""
        return [issue.code for issue in self.issues]

    def at(self, path: str) -> tuple[Issue, ...]:
        """The issues whose JSON pointer is exactly `path`."""
        return tuple(issue for issue in self.issues if issue.path == path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "model": self.model,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "notices": len(self.notices),
            "issues": [issue.to_dict() for issue in self.issues],
        }

    def __str__(self) -> str:
        head = (
            f"{'ok' if self.ok else 'invalid'} ({self.model or 'no model'}): "
            f"{counted(len(self.errors), 'error')}, {counted(len(self.warnings), 'warning')}, "
            f"{counted(len(self.notices), 'notice')}"
        )
        return "\n".join([head, *(f"  {issue}" for issue in self.issues)])

    def __repr__(self) -> str:
        return (
            f"Report(ok={self.ok}, model={self.model!r}, errors={len(self.errors)}, "
            f"warnings={len(self.warnings)}, notices={len(self.notices)}, "
            f"codes={self.codes()!r})"
        )


#: Codes of problems with the input itself (not with what it says).
INPUT_CODES = frozenset({INVALID_JSON, INPUT_LIMIT})


def merge_issues(issues: Iterable[Issue]) -> list[Issue]:
    """The issues in order without repeats: one per (path, code), one input problem per path.

    A value that is an input problem (`invalid_json` / `input_limit`) when decoded
    from text is flagged again when the decoded value is vetted; the first (the
    decoder's, with its line) is kept.
    """
    seen: set[tuple[str, str]] = set()
    input_paths: set[str] = set()
    out: list[Issue] = []
    for issue in issues:
        key = (issue.path, issue.code)
        if key in seen:
            continue
        if issue.code in INPUT_CODES:
            if issue.path in input_paths:
                continue
            input_paths.add(issue.path)
        seen.add(key)
        out.append(issue)
    return out
