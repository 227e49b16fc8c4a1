"""The language Identity rules are written in: declarations, never code.

A `Rule` has a stable code, a severity in each mode and a rationale, and holds
`Check` objects that say where it applies (schema keys, API `Versions`),
when (a condition: `Where`, `Not`, `AllOf`, `AnyOf`,
`REDACTED`) and what must hold there (a predicate: `Null`, `Present`,
`Is`, `OneOf`, `Prefixed`, `InRange`, `Empty`,
`Placeholder`, `Gone`, `SameAs`).

The table itself is `stripe_schemas.identity.RULES`. Nothing here evaluates a rule:
one compiler (`stripe_schemas.validation._compile`) turns the table into every checker
that needs it (the fast path's schema, one schema per check that says where a payload
breaks it, and a residual Python check for `SameAs`, which a schema cannot say).
This module imports nothing from the package.
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

__all__ = [
    "ABSENT",
    "ALL_VERSIONS",
    "ALWAYS",
    "AllOf",
    "AnyOf",
    "Check",
    "Cond",
    "Empty",
    "Gone",
    "InRange",
    "Is",
    "Layer",
    "Not",
    "Null",
    "OneOf",
    "Placeholder",
    "Predicate",
    "Prefixed",
    "Present",
    "REDACTED",
    "Redacted",
    "Rule",
    "SameAs",
    "Severity",
    "Versions",
    "Where",
]

#: How much an issue matters: an error makes a payload invalid; a warning or a notice does not.
Severity = Literal["error", "warning", "notice"]

Layer = Literal["schema", "invariant", "lifecycle"]

#: Stands for "the field is absent" in the values of `Is`.
ABSENT: Final = "<absent>"


def _date(version: str) -> str:
    """The date part of an API version (`2026-09-30.endive` → `2026-09-30`)."""
    return version[:10]


@attrs.frozen
class Versions:
    """API versions a check holds for, compared by their dates: from `since` (inclusive) up
    to `until` (exclusive). A document that names no version counts as the newest."""

    since: str | None = None
    until: str | None = None

    def covers(self, version: str | None) -> bool:
        if version is None:
            return self.until is None
        day = _date(version)
        if self.since is not None and day < _date(self.since):
            return False
        return self.until is None or day < _date(self.until)


ALL_VERSIONS = Versions()

# What must hold of one value. A field that is absent counts as absent, not as null; each
# predicate says what it makes of an absent field and of values of another JSON type.


@attrs.frozen
class Null:
    """Null or absent."""


@attrs.frozen
class Present:
    """There, and not null."""


@attrs.frozen
class Is:
    """There and equal to one of `values` (`ABSENT` among them: absent is fine too)."""

    values: tuple[object, ...]


@attrs.frozen
class OneOf:
    """A string, when there, is one of `values` (other values are the schema's business)."""

    values: tuple[str, ...]


@attrs.frozen
class Prefixed:
    """A string, when there, starts with `prefix`."""

    prefix: str


@attrs.frozen
class InRange:
    """A number, when there, lies between `low` and `high` (inclusive)."""

    low: int
    high: int


@attrs.frozen
class Empty:
    """An object, when there, has no keys."""


@attrs.frozen
class Placeholder:
    """A string, when there, is `REDACTED_TEXT` (personal text after a redaction)."""


@attrs.frozen
class Gone:
    """No personal value of an object of schema `schema` is left (see
    `stripe_schemas.identity.PERSONAL`):
    its personal text is null or the placeholder, its personal dates null or the
    placeholder date, recursively; kept fields (file IDs) do not count."""

    schema: str


@attrs.frozen
class SameAs:
    """Equal to the value at `path` of the same object. A schema cannot say this: the
    compiler makes it a residual Python check."""

    path: str


Predicate = Null | Present | Is | OneOf | Prefixed | InRange | Empty | Placeholder | Gone | SameAs


@attrs.frozen
class Where:
    """The value at `path` (`a/b`: field `b` of the object in field `a`; `""`: the
    object itself) satisfies `must`."""

    path: str
    must: Predicate


@attrs.frozen
class Redacted:
    """The object belongs to a redacted resource (see
    `stripe_schemas.identity.REDACTED_WHEN`)."""


@attrs.frozen
class Not:
    """The condition does not hold."""

    cond: Cond


@attrs.frozen
class AllOf:
    """Every condition holds (none: always)."""

    conds: tuple[Cond, ...] = ()


@attrs.frozen
class AnyOf:
    """Some condition holds."""

    conds: tuple[Cond, ...] = ()


Cond = Where | Redacted | Not | AllOf | AnyOf
#: The condition that always holds.
ALWAYS = AllOf()
REDACTED = Redacted()


@attrs.frozen
class Check:
    """One declarative part of a rule: on objects of the schema keys `on`, when `when`
    holds, the value at `field` satisfies `must`.

    `message` is the issue's text: `{field}` is replaced by the name of the field at
    fault and `{value}` by a description of its value that never shows a secret or
    personal value. `point`: an issue per value at fault inside `field`
    (`"value"`), or one at `field` itself (`"field"`).
    """

    on: tuple[str, ...]
    field: str
    must: Predicate
    message: str
    when: Cond = ALWAYS
    versions: Versions = ALL_VERSIONS
    point: Literal["value", "field"] = "value"


@attrs.frozen
class Rule:
    """One rule: its stable code, its severity in each mode, why it holds, and its checks.

    Rules of the `lifecycle` layer hold between the items of a history and have no
    checks of one payload (`validation/_lifecycle.py` reads `identity.MOVES`); those of the
    `schema` layer are the schema's own, listed so the whole contract is one table.
    """

    code: str
    strict: Severity
    lenient: Severity
    rationale: str
    #: `invariant` (one payload), `lifecycle` (a history) or `schema` (the schema layer).
    layer: Layer = "invariant"
    checks: tuple[Check, ...] = ()

    def severity(self, mode: str) -> Severity:
        """The severity in `mode` (`"strict"` or `"lenient"`)."""
        return self.strict if mode == "strict" else self.lenient
