"""Check request parameters against the spec before anything is sent.

The generator writes the parameters of every operation as one JSON Schema
(``<package>/params/schemas.json``, a definition per ``operationId``, unknown
parameters refused, ``limit`` within 1 to 100 on list operations). That document is
the one statement of what is valid; :func:`check` runs it through the same
validator as the response payloads (``stripe_schemas.validation``, strict mode),
so a problem comes back as the same :class:`~stripe_schemas.Issue` with a JSON
pointer and a stable code (``unknown_field``, ``unknown_enum_value``,
``max_length``, ``type_mismatch``, ``schema_violation`` for a ``limit`` out of
range, …).
"""

from __future__ import annotations

import importlib.resources
import json
import threading
from collections.abc import Mapping
from typing import Any

from .converters import unstructure
from .issues import PayloadError
from .model import is_model
from .validation import Validator

__all__ = ["check", "validator_for"]

#: The document beside the parameter classes, inside their package.
SCHEMA_RESOURCE = "schemas.json"

_VALIDATORS: dict[str, Validator] = {}
_LOCK = threading.Lock()


def _package(model: type) -> str:
    """The (sub)package a parameter class was generated into: ``stripe_models.params``."""
    return model.__module__.rpartition(".")[0]


def validator_for(model: type) -> Validator:
    """The validator of the parameter schemas of ``model``'s package (loaded once)."""
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
    """The parameters as a JSON object, after checking them against ``model``'s schema.

    ``params`` is an instance of the generated parameter class ``model`` (its
    fields that are not ``UNSET``), a mapping (parameter instances may be nested
    in it), or ``None`` (no parameters). Raises :class:`~stripe_schemas.PayloadError`
    listing every problem with its JSON pointer; :class:`TypeError` when
    ``params`` is an instance of another class.
    """
    key = getattr(model, "__stripe_schema__", None)
    if not is_model(model) or getattr(model, "__stripe_operation__", None) is None:
        raise TypeError(f"{getattr(model, '__name__', model)!r} is not a parameter class")
    if params is None:
        payload: Any = {}
    elif type(params) is model or isinstance(params, Mapping):
        payload = unstructure(params)
    else:
        raise TypeError(
            f"{model.__name__} takes a {model.__name__} or a mapping, not a {type(params).__name__}"
        )
    report = validator_for(model).validate(payload, key, mode="strict")
    errors = [issue for issue in report.issues if issue.severity == "error"]
    if errors:
        raise PayloadError(errors, model=model.__name__)
    result: dict[str, Any] = payload
    return result
