"""Issues: the one shape every problem report takes (converters, validation, CLI).

An issue has a JSON pointer (RFC 6901) into the payload, a stable code, a
severity and a message. Messages are built with `describe_value()`, which
never renders the value of a secret or personal field.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

from .identity import PERSONAL_FIELDS, SECRET_FIELDS
from .model import escape_token as escape_token
from .model import is_under as is_under
from .model import join_pointer as join_pointer
from .model import pointer as pointer
from .model import split_pointer as split_pointer
from .model import unescape_token as unescape_token
from .rules import Severity as Severity

# Stable issue codes shared by the converters and the schema validator.
TYPE_MISMATCH = "type_mismatch"
NULL_NOT_ALLOWED = "null_not_allowed"
MISSING_REQUIRED = "missing_required"
UNKNOWN_FIELD = "unknown_field"
UNKNOWN_ENUM_VALUE = "unknown_enum_value"
MAX_LENGTH = "max_length"
INVALID_FORMAT = "invalid_format"
WRONG_OBJECT_TAG = "wrong_object_tag"
INVALID_JSON = "invalid_json"
UNKNOWN_MODEL = "unknown_model"
#: An event of an API version without bundled models, checked against another version's.
API_VERSION_MISMATCH = "api_version_mismatch"

#: Keys whose values are secrets or personal data. A value under any of these
#: keys (at any depth below it) is never shown in an issue, log line or report.
#: Derived from `stripe_schemas.identity` (every secret and personal field name,
#: so `document`/`id_number`/`selfie` cover the report's check contents).
SENSITIVE_KEYS: frozenset[str] = frozenset().union(
    *SECRET_FIELDS.values(), *PERSONAL_FIELDS.values()
)


#: What a hidden value shows wherever one is not shown (a model's `repr`, an API key
#: echoed in an error): the same text whatever the value and its length.
HIDDEN = "<hidden>"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in the number it needs: `1 record`, `2 records`, `0 files`
    (`plural`: the plural form when it is not the noun with an `s`)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def is_sensitive(ptr: str) -> bool:
    """Whether a value at this pointer is a secret or personal data."""
    if "~" in ptr:  # an escaped token: compare what it stands for
        return not SENSITIVE_KEYS.isdisjoint(split_pointer(ptr))
    return not SENSITIVE_KEYS.isdisjoint(ptr.split("/"))


def type_name(value: object) -> str:
    """The JSON type name of a Python value decoded from JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


#: Integers longer than this many bits are described by their size, never rendered.
BIG_INT_BITS = 256


def digit_count(value: int) -> int:
    """The number of decimal digits of an integer, without converting it to text."""
    value = abs(value)
    if value < 10:
        return 1
    digits = int(math.log10(value)) + 1
    if value.bit_length() <= 100_000:  # exact near powers of ten (cheap at this size)
        if value >= 10**digits:
            digits += 1
        elif value < 10 ** (digits - 1):
            digits -= 1
    return digits


def _article(kind: str) -> str:
    return ("an " if kind[:1].lower() in "aeiou" else "a ") + kind


#: Fields whose string values say what a payload is and hold no secret or personal data:
#: an `object` tag anywhere; a `status` or `type` (such as an event's) in a resource
#: (see `resource_root()`). Messages may show them, truncated to
#: `SHOWN_LENGTH` characters, outside the secret and personal paths.
IDENTIFYING_FIELDS = frozenset({"object", "status", "type"})
SHOWN_LENGTH = 40

#: Whether the object at the root of the pointers being described is a resource (a
#: session, a report, an event): only then may its `status` and `type` be shown. A
#: sub-object checked on its own (a report's `document` check) may be personal data.
_RESOURCE_ROOT: ContextVar[bool] = ContextVar("stripe_schemas_resource_root", default=False)


@contextmanager
def resource_root(is_resource: bool) -> Iterator[None]:
    """Describe values under a root that is (or is not) a resource, for the `with` block."""
    token = _RESOURCE_ROOT.set(is_resource)
    try:
        yield
    finally:
        _RESOURCE_ROOT.reset(token)


def describe_value(ptr: str, value: object, limit: int = SHOWN_LENGTH) -> str:
    """Describe a payload value for a message: by its JSON type, never by its content, except
    the string of an identifying field (`IDENTIFYING_FIELDS`).

    Whether a value is secret or personal depends on where it sits in a document, and
    an object structured or validated on its own (a `verified_outputs` hash, a
    report's `document` check) carries no such path; so no other payload text or
    number is ever rendered. Booleans and null, which carry no data, are named; a
    string's length and a huge integer's digit count are given only outside the known
    secret and personal paths (`ptr`). Never raises.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean true" if value else "boolean false"
    hidden = is_sensitive(ptr)
    if isinstance(value, str):
        if hidden:
            return "a string"
        field = ptr.rsplit("/", 1)[-1]
        if field == "object" or (field in IDENTIFYING_FIELDS and _RESOURCE_ROOT.get()):
            shown = printable(value[:limit]) + ("…" if len(value) > limit else "")
            return repr(shown)
        return f"a string of {len(value)} character{'s' if len(value) != 1 else ''}"
    if isinstance(value, int):
        if value.bit_length() > BIG_INT_BITS and not hidden:
            return f"an integer with {digit_count(value)} digits"
        return "an integer"
    return _article(type_name(value))


def too_long(ptr: str, value: object, limit: object) -> str:
    """The message of a string over its `maxLength`: its length is given only where the
    value is not a secret or personal (a secret's length says something about it)."""
    if isinstance(value, str) and not is_sensitive(ptr):
        return f"a string of {len(value)} characters is longer than maxLength {limit}"
    return f"a string longer than maxLength {limit}"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    found = _ESCAPES.get(char)
    if found is not None:
        return found
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with control characters, lone surrogates and other unprintable ones escaped.

    The result is one line of printable text that any UTF-8 stream can encode:
    newlines, terminal escape sequences and line separators become `\\n`,
    `\\x1b`, `\\u2028`. Backslashes are kept as they are.
    """
    if text.isprintable():
        return text
    return "".join(_escape_char(char) for char in text)


@attrs.frozen
class Issue:
    """One problem (or notice) found in a payload."""

    #: JSON pointer (RFC 6901) to the offending value; `""` is the whole payload.
    path: str
    #: Stable machine-readable code (e.g. `unknown_field`).
    code: str
    severity: Severity
    #: Human-readable text; never contains a secret or personal value.
    message: str

    def __str__(self) -> str:
        """One printable line (paths and messages with unprintable characters escaped)."""
        where = printable(self.path) or "/"
        return f"{where}: {self.severity}[{self.code}] {printable(self.message)}"

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


class PayloadError(ValueError):
    """A payload could not be structured; `issues` lists every problem found."""

    def __init__(self, issues: Sequence[Issue], model: str = "") -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.model = model
        errors = [i for i in self.issues if i.severity == "error"]
        head = f"{counted(len(errors), 'error')} structuring {model or 'payload'}"
        lines = [head, *(f"  {issue}" for issue in self.issues)]
        super().__init__("\n".join(lines))

    def __repr__(self) -> str:
        return f"PayloadError({counted(len(self.issues), 'issue')}, model={self.model!r})"


#: The input exceeds a size or nesting limit, or holds a value JSON cannot represent.
INPUT_LIMIT = "input_limit"
#: A schema constraint without a more specific code failed.
SCHEMA_VIOLATION = "schema_violation"


def limit_failure(ptr: str, keyword: str, value: object, limit: object) -> tuple[str, str]:
    """(code, message) of a value that fails a limit of the spec other than `maxLength`
    (`minimum`, `pattern`, `minItems`, …): the one wording of `validate` and the converters.
    The value is described by its type only (as `describe_value` does)."""
    if keyword == "pattern":
        shown = repr(limit)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        return INVALID_FORMAT, f"string does not match the pattern {shown}"
    got = describe_value(ptr, value)
    got = "an " + got[2:] if got in ("a array", "a object") else got
    if keyword in ("minimum", "maximum"):
        side = "less than the minimum" if keyword == "minimum" else "greater than the maximum"
        return SCHEMA_VIOLATION, f"{got} is {side} {limit}"
    return SCHEMA_VIOLATION, f"{got} fails the {keyword!r} constraint"
