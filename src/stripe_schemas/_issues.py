"""Issues: the one shape every problem report takes (converters, validation, CLI).

An issue has a JSON pointer (RFC 6901) into the payload, a stable code, a
severity and a message. Messages are built with :func:`describe_value`, which
never renders the value of a secret or personal field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

Severity = Literal["error", "warning", "notice"]

# Stable issue codes shared by the converters and the schema validator.
TYPE_MISMATCH = "type_mismatch"
NULL_NOT_ALLOWED = "null_not_allowed"
MISSING_REQUIRED = "missing_required"
UNKNOWN_FIELD = "unknown_field"
UNKNOWN_ENUM_VALUE = "unknown_enum_value"
MAX_LENGTH = "max_length"
INVALID_FORMAT = "invalid_format"
NO_UNION_BRANCH = "no_union_branch"
WRONG_OBJECT_TAG = "wrong_object_tag"
INVALID_JSON = "invalid_json"
UNKNOWN_MODEL = "unknown_model"

#: Keys whose values are secrets or personal data. A value under any of these
#: keys (at any depth below it) is never shown in an issue, log line or report.
#: ``document``/``id_number``/``selfie`` cover the report's check contents.
SENSITIVE_KEYS = frozenset(
    {"client_secret", "url", "verified_outputs", "document", "id_number", "selfie"}
)


def escape_token(token: str | int) -> str:
    """Escape one reference token for a JSON pointer (RFC 6901: ``~`` → ``~0``, ``/`` → ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(base: str, token: str | int) -> str:
    """Append one token to a JSON pointer."""
    return f"{base}/{escape_token(token)}"


def pointer(tokens: Iterable[str | int]) -> str:
    """Build a JSON pointer from tokens (the root is ``""``)."""
    return "".join("/" + escape_token(t) for t in tokens)


def split_pointer(ptr: str) -> list[str]:
    """Split a JSON pointer into unescaped tokens."""
    if not ptr:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr.split("/")[1:]]


def is_sensitive(ptr: str) -> bool:
    """Whether a value at this pointer is a secret or personal data."""
    return any(token in SENSITIVE_KEYS for token in split_pointer(ptr))


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


def describe_value(ptr: str, value: object, limit: int = 40) -> str:
    """Describe a value for a message: its type, plus a short preview unless it is sensitive."""
    kind = type_name(value)
    if is_sensitive(ptr) or kind in {"object", "array"}:
        return f"a {kind}" if kind != "integer" else "an integer"
    preview = repr(value)
    if len(preview) > limit:
        preview = preview[: limit - 1] + "…"
    return f"{kind} {preview}"


@attrs.frozen
class Issue:
    """One problem (or notice) found in a payload."""

    #: JSON pointer (RFC 6901) to the offending value; ``""`` is the whole payload.
    path: str
    #: Stable machine-readable code (e.g. ``unknown_field``).
    code: str
    severity: Severity
    #: Human-readable text; never contains a secret or personal value.
    message: str

    def __str__(self) -> str:
        where = self.path or "/"
        return f"{where}: {self.severity}[{self.code}] {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


class PayloadError(ValueError):
    """A payload could not be structured; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[Issue], model: str = "") -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.model = model
        errors = [i for i in self.issues if i.severity == "error"]
        head = f"{len(errors)} error(s) structuring {model or 'payload'}"
        lines = [head, *(f"  {issue}" for issue in self.issues)]
        super().__init__("\n".join(lines))

    def __repr__(self) -> str:
        return f"PayloadError({len(self.issues)} issue(s), model={self.model!r})"


# Codes added for the validator (issue 4).
#: A JSON object repeats a key (the last value wins when decoded).
DUPLICATE_KEY = "duplicate_key"
#: The input exceeds a size or nesting limit, or holds a value JSON cannot represent.
INPUT_LIMIT = "input_limit"
#: A schema constraint without a more specific code failed.
SCHEMA_VIOLATION = "schema_violation"
