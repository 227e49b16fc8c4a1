"""What the generator writes beside an annotation, and what the runtime reads from a class.

A generated attribute says almost everything in Python itself: its type (`| None`
for `nullable`, `Literal[...]` for an enum, `| UnknownEnumValue` for
`x-stripeBypassValidation`, `Expandable[...]` for an expandable field), its default
(none: required; `UNSET`: optional) and its name (the JSON key). The generator
writes `meta()` only for the rest: a JSON key that is not the attribute's name
(`from` → `from_`), `format`, and the limits the spec puts on the field's values
(`maxLength`, `minLength`, `pattern`, `minimum`, `maximum`, `exclusiveMinimum`,
`exclusiveMaximum`, `minItems`, `maxItems`), each holding wherever such values are in the
field (its list items, map values and union branches too).

`FieldInfo` puts all of it together again for one field; read it with
[`stripe_schemas.spec_fields()`][stripe_schemas.spec_fields] or [`stripe_schemas.field_info()`][stripe_schemas.field_info] (they derive it
from the class once, with the converters' own reading of the annotations).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs

METADATA_KEY = "stripe"


@attrs.frozen
class StripeMeta:
    """The facts of a field that its annotation, default and name cannot say."""

    #: The JSON key, when it is not the attribute's name.
    wire: str | None = None
    #: `maxLength` of the field's strings (wherever they are: in a list, a map, a union).
    max_length: int | None = None
    #: `format`, e.g. `"unix-time"`.
    format: str | None = None
    #: The other limits (`Limits`) of the field's values, when the spec sets any.
    limits: Limits | None = None


@attrs.frozen
class Limits:
    """The spec's limits on a field's strings, numbers and arrays, besides `maxLength`
    (each holds wherever such values are in the field). `exclusive_minimum` and
    `exclusive_maximum` are bounds (JSON Schema 2020-12's, OpenAPI 3.1's form)."""

    min_length: int | None = None
    pattern: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    exclusive_minimum: int | float | None = None
    exclusive_maximum: int | float | None = None
    min_items: int | None = None
    max_items: int | None = None

    def check_number(self, value: int | float) -> str | None:
        """The keyword a number fails (None: it passes)."""
        if self.minimum is not None and value < self.minimum:
            return "minimum"
        if self.maximum is not None and value > self.maximum:
            return "maximum"
        if self.exclusive_minimum is not None and value <= self.exclusive_minimum:
            return "exclusiveMinimum"
        if self.exclusive_maximum is not None and value >= self.exclusive_maximum:
            return "exclusiveMaximum"
        return None

    def check_string(self, value: str) -> str | None:
        """The keyword a string fails (None: it passes); `maxLength` is checked apart."""
        if self.min_length is not None and len(value) < self.min_length:
            return "minLength"
        if self.pattern is not None and self.regex().search(value) is None:
            return "pattern"
        return None

    def check_array(self, value: list[Any] | tuple[Any, ...]) -> str | None:
        """The keyword an array fails (None: it passes)."""
        if self.min_items is not None and len(value) < self.min_items:
            return "minItems"
        if self.max_items is not None and len(value) > self.max_items:
            return "maxItems"
        return None

    def regex(self) -> re.Pattern[str]:
        """`pattern` compiled as validation reads it: JSON Schema's regular expressions are
        ECMA-262's, whose `\\d` and `\\w` are ASCII (`re.ASCII`) and whose `$` is the
        end of the string; searched, not matched."""
        assert self.pattern is not None
        return _regex(self.pattern)

    @property
    def strings(self) -> bool:
        return self.min_length is not None or self.pattern is not None

    @property
    def numbers(self) -> bool:
        return any(
            x is not None
            for x in (self.minimum, self.maximum, self.exclusive_minimum, self.exclusive_maximum)
        )

    @property
    def arrays(self) -> bool:
        return self.min_items is not None or self.max_items is not None


#: ECMA-262's white space and line terminators (its `\\s`), as a character class body.
_ECMA_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)


@functools.cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A JSON Schema `pattern` compiled to be searched as ECMA-262 (JSON Schema's dialect)
    reads it, not as Python's `re` would: `\\d` and `\\w` are ASCII, `\\s` is ECMA's white
    space, `.` stops at a line terminator and `$` is the end of the string. `re.error`
    when Python cannot compile it (ECMA's `\\p{L}`, `(?<name>…)`): the generator leaves
    such a pattern to `validate`."""
    return re.compile(_ecma(pattern), re.ASCII)


_regex = ecma_regex


def _ecma(pattern: str) -> str:
    """`pattern` rewritten so that Python's `re` (with `re.ASCII`) reads it as ECMA-262."""
    out: list[str] = []
    in_class = False
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped == "s":
                out.append(_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{_ECMA_SPACE}]")
            else:
                out.append(char + escaped)
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append("\\Z")
            continue
        elif char == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
            continue
        out.append(char)
    return "".join(out)


def meta(
    *,
    wire: str | None = None,
    max_length: int | None = None,
    format: str | None = None,
    min_length: int | None = None,
    pattern: str | None = None,
    minimum: int | float | None = None,
    maximum: int | float | None = None,
    exclusive_minimum: int | float | None = None,
    exclusive_maximum: int | float | None = None,
    min_items: int | None = None,
    max_items: int | None = None,
) -> dict[str, StripeMeta]:
    """The `metadata` of a generated `attrs.field` (only what the annotation cannot say);
    the arguments after `format` are the field's `Limits`."""
    bounds = (minimum, maximum, exclusive_minimum, exclusive_maximum)
    given = (min_length, pattern, *bounds, min_items, max_items)
    limits = None
    if any(x is not None for x in given):
        limits = Limits(min_length, pattern, *bounds, min_items, max_items)
    facts = StripeMeta(wire=wire, max_length=max_length, format=format, limits=limits)
    return {METADATA_KEY: facts}


def stripe_meta(attribute: attrs.Attribute[Any]) -> StripeMeta:
    """The `StripeMeta` of an attribute (the empty one when it has none)."""
    found = attribute.metadata.get(METADATA_KEY)
    return found if isinstance(found, StripeMeta) else _NONE


_NONE = StripeMeta()


@attrs.frozen
class FieldInfo:
    """What the spec says about one property of a schema (derived from the class)."""

    #: The JSON key on the wire (may differ from the Python attribute name).
    wire_name: str
    #: Listed in the schema's `required`: the attribute has no default.
    required: bool = False
    #: `nullable: true`: `null` is a valid value (`| None`).
    nullable: bool = False
    max_length: int | None = None
    #: `format`, e.g. `"unix-time"`.
    format: str | None = None
    #: The other limits of its values (`minimum`, `pattern`, `minItems`, …), if any.
    limits: Limits | None = None
    #: Allowed values, when the field (or its list items) is an enum; as the spec gives them.
    enum: tuple[str | int | float | bool, ...] | None = None
    #: `x-stripeBypassValidation`: Stripe may send values outside `enum`.
    bypass_validation: bool = False
    #: Resource ids (`object` tags) an expandable field expands to.
    expansion: tuple[str, ...] = ()
