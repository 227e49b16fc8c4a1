"""Check request parameters against the spec before anything is sent.

The generator writes the parameters of every operation as one JSON Schema
(`<package>/params/schemas.json`, a definition per `operationId`, unknown
parameters refused, `limit` within 1 to 100 on list operations). That document is
the one statement of what is valid; `check()` runs it through the same
validator as the response payloads (`stripe_schemas.validation`, strict mode),
so a problem comes back as the same [`Issue`][stripe_schemas.Issue] with a JSON
pointer and a stable code (`unknown_field`, `unknown_enum_value`,
`max_length`, `type_mismatch`, `schema_violation` for a `limit` out of
range, …).

An instance is checked exactly as the mapping it stands for: its fields that are
not `UNSET`, by wire name, with their values as they are. Nothing is converted
to the field's type first, so `expand="last_verification_report"` is a
`type_mismatch` at `/expand` (not one `expand[i]` per character) and
`metadata=[("a", "b")]` one at `/metadata`, as in a mapping.
"""

from __future__ import annotations

import importlib.resources
import json
import threading
from collections.abc import Mapping
from typing import Any, Union

from .forms import MAX_DEPTH, instance_items
from .issues import INPUT_LIMIT, INVALID_JSON, Issue, PayloadError
from .model import is_model, is_under, operation_of, pointer, schema_key_of
from .validation import Validator

__all__ = ["check", "validator_for"]

#: The document beside the parameter classes, inside their package.
SCHEMA_RESOURCE = "schemas.json"

_VALIDATORS: dict[str, Validator] = {}
_LOCK = threading.Lock()


def _package(model: type) -> str:
    """The (sub)package a parameter class was generated into: `stripe_models.params`."""
    return model.__module__.rpartition(".")[0]


def validator_for(model: type) -> Validator:
    """The validator of the parameter schemas of `model`'s package (loaded once)."""
    package = _package(model)
    found = _VALIDATORS.get(package)
    if found is None:
        with _LOCK:
            found = _VALIDATORS.get(package)
            if found is None:
                text = (
                    importlib.resources.files(package)
                    .joinpath(SCHEMA_RESOURCE)
                    .read_text(encoding="utf-8")
                )
                found = _VALIDATORS[package] = Validator(json.loads(text))
    return found


def check(params: object, model: type) -> dict[str, Any]:
    """The parameters as a JSON object, after checking them against `model`'s schema.

    `params` is an instance of the generated parameter class `model` (its
    fields that are not `UNSET`, their values as they are), a mapping (parameter
    instances may be nested in it), or `None` (no parameters). Raises
    [`PayloadError`][stripe_schemas.PayloadError] listing every problem with its JSON
    pointer; `TypeError` when `model` is not a parameter class or
    `params` is an instance of another class.
    """
    key = schema_key_of(model)
    if not is_model(model) or operation_of(model) is None:
        raise TypeError(f"{getattr(model, '__name__', model)!r} is not a parameter class")
    if params is not None and type(params) is not model and not isinstance(params, Mapping):
        raise TypeError(
            f"{model.__name__} takes a {model.__name__} or a mapping, not a {type(params).__name__}"
        )
    found: list[Issue] = []
    payload = {} if params is None else _plain(params, None, found)
    report = validator_for(model).validate(payload, key, mode="strict")
    errors = found + [
        issue
        for issue in report.issues
        if issue.severity == "error" and not any(is_under(issue.path, f.path) for f in found)
    ]
    if errors:
        raise PayloadError(errors, model=model.__name__)
    result: dict[str, Any] = payload
    return result


#: Where a value sits, as a chain `(parent, token)`; a pointer is built only for an issue.
_Where = Union[tuple["_Where", Union[str, int]], None]  # noqa: UP007 (a recursive alias)


def _pointer(where: _Where) -> str:
    tokens: list[str | int] = []
    while where is not None:
        where, token = where
        tokens.append(token)
    return pointer(reversed(tokens))


def _plain(value: Any, where: _Where, found: list[Issue], depth: int = 0) -> Any:
    """The JSON-like value parameters stand for: instances become dicts of their set fields
    (by wire name), mappings dicts and lists or tuples lists; everything else is kept as it
    is, for the validator to judge. Text that is not Unicode and nesting deeper than
    `MAX_DEPTH` are noted in `found` (the validator does not see them)."""
    kind = type(value)
    if kind is str:
        if not value.isascii() and not _unicode(value):
            found.append(Issue(_pointer(where), INVALID_JSON, "error", _NOT_UNICODE))
        return value
    if value is None or kind is int or kind is bool or kind is float:
        return value
    if kind is dict or kind is list:
        items: Any = value.items() if kind is dict else None
    else:
        category = _CATEGORIES.get(kind)
        if category is None:
            category = _CATEGORIES[kind] = _category(kind)
        if category == _MODEL:
            items = instance_items(value)
        elif category == _MAPPING:
            items = value.items()
        elif category == _SEQUENCE:
            items = None
        else:
            return value
    if depth >= MAX_DEPTH:
        found.append(Issue(_pointer(where), INPUT_LIMIT, "error", _TOO_DEEP))
        return None
    depth += 1
    if items is None:
        return [
            item
            if (t := type(item)) is int
            or t is bool
            or (t is str and item.isascii())
            or item is None
            else _plain(item, (where, index), found, depth)
            for index, item in enumerate(value)
        ]
    out = {}
    for name, item in items:
        if type(name) is str and not name.isascii() and not _unicode(name):
            found.append(Issue(_pointer((where, name)), INVALID_JSON, "error", _NOT_UNICODE))
        t = type(item)
        if t is int or t is bool or (t is str and item.isascii()) or item is None:
            out[name] = item
        else:
            out[name] = _plain(item, (where, name), found, depth)
    return out


_MODEL, _MAPPING, _SEQUENCE, _OTHER = range(4)
#: What each type of value is to `_plain()` (decided once per type).
_CATEGORIES: dict[type, int] = {}


def _category(kind: type) -> int:
    if is_model(kind):
        return _MODEL
    if issubclass(kind, Mapping):
        return _MAPPING
    if issubclass(kind, (list, tuple)):
        return _SEQUENCE
    return _OTHER


_NOT_UNICODE = "text with a lone surrogate is not valid Unicode"
_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels"


def _unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
