"""Schema conformance: the committed JSON Schema, its strict and lenient variants, two engines.

The committed document (`stripe_models/schemas.json`) is a faithful
translation of the spec: objects are open, as OpenAPI says. Two variants are
derived when a document is loaded:

- **strict**: every object that declares `properties` gets
  `additionalProperties: false` (free-form maps such as `metadata` declare
  none and stay open). Enums are asserted, except those Stripe marks
  `x-stripeBypassValidation` (already annotations in the document).
- **lenient**: objects stay open and enums are not asserted, except the
  `object` tag, which names the resource.

Engines: jsonschema-rs compiled from the strict variant is the *fast path*;
it only says yes or no. When it says no, its own error list (every failure, with
the errors of each branch of a failed `anyOf`) becomes `Fault` trees that
`_classify` turns into issues. jsonschema (the reference implementation)
runs on the same strict variant only for a payload jsonschema-rs refuses to read
(a Python value JSON cannot hold); a property test holds the two engines' issues
together on mutated payloads. A payload that passes the lenient variant but not
the strict one only has notices to report (unknown fields, unknown enum values):
on the validator's fast path a walk of the payload finds them (`_notices`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from ..issues import type_name
from ..model import def_pointer, ecma_regex
from ..requires import require

Tokens = tuple[str | int, ...]


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        out = {key: _strict(value) for key, value in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(value) for value in node]
    return node


def _lenient(node: Any, name: str = "") -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {prop: _lenient(sub, prop) for prop, sub in value.items()}
            else:
                out[key] = _lenient(value)
        if "enum" in out and name != "object":
            values = out.pop("enum")
            if "type" not in out:
                out["type"] = sorted({type_name(v) for v in values})
        return out
    if isinstance(node, list):
        return [_lenient(value) for value in node]
    return node


def strict_defs(defs: Mapping[str, Any]) -> dict[str, Any]:
    """The strict variant of a document's `$defs` (objects with declared properties closed)."""
    return {key: _strict(schema) for key, schema in defs.items()}


def lenient_defs(defs: Mapping[str, Any]) -> dict[str, Any]:
    """The lenient variant of a document's `$defs` (open objects, enums only on `object`)."""
    return {key: _lenient(schema) for key, schema in defs.items()}


def root_schema(dialect: str, key: str, defs: Mapping[str, Any]) -> dict[str, Any]:
    return {"$schema": dialect, "$ref": def_pointer(key), "$defs": dict(defs)}


class Fault(NamedTuple):
    """One schema failure, engine-neutral: where, which keyword, and what it needs.

    `detail` depends on `keyword`: the expected types (`type`), the allowed
    values (`enum`), the missing names (`required`), the unexpected keys
    (`additionalProperties`), the limit (`maxLength`), the pattern. For
    `anyOf`, `branches` holds each branch's own faults.
    """

    tokens: Tokens
    keyword: str
    instance: Any
    detail: Any = None
    branches: tuple[tuple[Fault, ...], ...] = ()


# --- jsonschema (reference) -------------------------------------------------------------


def faults_from_jsonschema(errors: Iterable[Any]) -> list[Fault]:
    """Engine-neutral faults from jsonschema `ValidationError` objects."""
    return [_from_jsonschema(error, ()) for error in errors]


def _from_jsonschema(error: Any, base: Tokens) -> Fault:
    keyword = str(error.validator)
    tokens: Tokens = (*base, *error.relative_path) if error.relative_path else base
    instance = error.instance
    value = error.validator_value
    if keyword in ("anyOf", "oneOf"):
        count = len(value) if isinstance(value, list) else 0
        grouped: list[list[Fault]] = [[] for _ in range(count)]
        for sub in error.context or ():
            index = sub.relative_schema_path[0] if sub.relative_schema_path else 0
            if isinstance(index, int) and 0 <= index < count:
                grouped[index].append(_from_jsonschema(sub, tokens))
        branches = tuple(tuple(group) for group in grouped)
        return Fault(tokens, "anyOf", instance, None, branches)
    detail: Any = value
    if keyword == "required" and isinstance(instance, dict):
        detail = tuple(name for name in value if name not in instance)
    elif keyword == "additionalProperties" and isinstance(instance, dict):
        declared = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        detail = tuple(key for key in instance if key not in declared)
    elif keyword == "type":
        detail = (value,) if isinstance(value, str) else tuple(value)
    return Fault(tokens, keyword, instance, detail)


# --- jsonschema-rs ----------------------------------------------------------------------

#: jsonschema-rs's error kinds → the JSON Schema keyword (as the reference engine names it).
_RS_KEYWORDS = {
    "Type": "type",
    "Enum": "enum",
    "Constant": "const",
    "Required": "required",
    "AdditionalProperties": "additionalProperties",
    "MaxLength": "maxLength",
    "MinLength": "minLength",
    "MaxItems": "maxItems",
    "MinItems": "minItems",
    "MaxProperties": "maxProperties",
    "MinProperties": "minProperties",
    "Minimum": "minimum",
    "Maximum": "maximum",
    "ExclusiveMinimum": "exclusiveMinimum",
    "ExclusiveMaximum": "exclusiveMaximum",
    "MultipleOf": "multipleOf",
    "UniqueItems": "uniqueItems",
    "Pattern": "pattern",
    "Format": "format",
    "AnyOf": "anyOf",
    "OneOfNotValid": "anyOf",
    "OneOfMultipleValid": "oneOf",
    "Not": "not",
    "FalseSchema": "false",
}
#: Keywords whose `detail` is the limit jsonschema-rs reports.
_LIMITS = frozenset({"maxLength", "minLength", "minimum", "maximum"})


def faults_from_rs(
    errors: Iterable[Any], root: Mapping[str, Any] | None = None, payload: Any = None
) -> list[Fault]:
    """Engine-neutral faults from jsonschema-rs `ValidationError` objects; `root`: the
    schema they were found with (where a `type` list is read, in the order it is written);
    `payload`: the value checked, where object keys that jsonschema-rs reports as numbers
    are found again (`AmbiguousKey` when two keys read as the same number)."""
    return [_from_rs(error, root, payload) for error in errors]


def _ecma_validator(jsonschema: Any) -> Any:
    """jsonschema's 2020-12 validator with `pattern` read as ECMA-262, as jsonschema-rs and
    the converters read it (`model.ecma_regex`): Python's `re` lets `"1\\n"` match `^1$`."""

    def pattern(validator: Any, wanted: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "string"):
            return
        try:
            found = ecma_regex(wanted).search(instance)
        except re.error:  # not Python's dialect: jsonschema-rs judged it already
            return
        if found is None:
            yield jsonschema.ValidationError(f"{instance!r} does not match {wanted!r}")

    base = jsonschema.Draft202012Validator
    return jsonschema.validators.extend(base, {"pattern": pattern})


class AmbiguousKey(Exception):
    """Two keys of one object read as the same number (`"1"`, `"01"`), or an object on the
    way has an empty key (which jsonschema-rs leaves out of its paths): jsonschema-rs's
    path cannot say which key it means (the reference engine's can)."""


_INDEX = re.compile(r"\+?[0-9]+")


def _instance_tokens(path: Iterable[Any], payload: Any) -> Tokens:
    """jsonschema-rs's instance path with object keys as the payload spells them: it reports
    a key that reads as a number (`"01"`, metadata keys often do) as that number, and
    leaves an empty key out."""
    tokens: list[str | int] = []
    node = payload
    for token in [*path, None]:
        if isinstance(node, Mapping) and "" in node:
            raise AmbiguousKey("")  # `/a//b` comes as [a, b]: where was the empty key?
        if token is None:
            break
        if isinstance(node, Mapping) and not isinstance(token, str):
            keys = [
                k for k in node if isinstance(k, str) and _INDEX.fullmatch(k) and int(k) == token
            ]
            if len(keys) != 1:
                raise AmbiguousKey(token)
            token = keys[0]
        tokens.append(token)
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, (list, tuple)) and isinstance(token, int) and 0 <= token < len(node):
            node = node[token]
        else:
            node = None
    return tuple(tokens)


def _declared_types(root: Mapping[str, Any] | None, path: Iterable[Any]) -> list[str] | None:
    """The `type` list at a schema path of `root` (None: not found there)."""
    node: Any = root
    for token in path:
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node):
            node = node[token]
        else:
            return None
    return [str(t) for t in node] if isinstance(node, list) else None


def _from_rs(error: Any, root: Mapping[str, Any] | None, payload: Any) -> Fault:
    kind = error.kind
    name = type(kind).__name__
    keyword = _RS_KEYWORDS.get(name, name)
    tokens = _instance_tokens(error.instance_path, payload)
    instance = error.instance
    if keyword == "anyOf":
        branches = tuple(
            tuple(_from_rs(sub, root, payload) for sub in group) for group in kind.context
        )
        return Fault(tokens, "anyOf", instance, None, branches)
    detail: Any = None
    if keyword == "type":  # jsonschema-rs lists types in its own order; the schema's is shown
        found = list(kind.types)
        declared = _declared_types(root, error.schema_path) if len(found) > 1 else None
        if declared is not None and sorted(declared) == sorted(found):
            detail = tuple(declared)
        else:
            detail = tuple(sorted(found, key=lambda name: name == "null"))
    elif keyword == "enum":
        detail = kind.options
    elif keyword == "required":
        detail = (kind.property,)
    elif keyword == "additionalProperties":
        detail = tuple(kind.unexpected)
    elif keyword in _LIMITS:
        detail = kind.limit
    elif keyword == "pattern":
        detail = kind.pattern
    return Fault(tokens, keyword, instance, detail)


# --- compiled checkers ------------------------------------------------------------------


class SchemaChecker:
    """The compiled validators of one schema key (built lazily, cached by the owner)."""

    def __init__(
        self,
        key: str,
        dialect: str,
        strict: Mapping[str, Any],
        lenient: Callable[[], Mapping[str, Any]],
        clean: Mapping[str, Any] | None = None,
    ) -> None:
        jsonschema_rs = require("jsonschema_rs", "validation", "validation")
        self.key = key
        self._dialect = dialect
        self._strict_schema = root_schema(dialect, key, strict)
        self._lenient_defs = lenient
        self._rs_strict = jsonschema_rs.validator_for(self._strict_schema)
        self._rs_lenient: Any = None
        self._reference: Any = None
        #: `True` when the payload conforms to the strict variant.
        self.is_valid: Callable[[Any], bool] = self._rs_strict.is_valid
        #: The fast path: `True` when the payload conforms to the strict variant *and*
        #: satisfies the invariants compiled into JSON Schema (see `_clean`).
        self.is_clean: Callable[[Any], bool] = self.is_valid
        if clean is not None:
            self.is_clean = jsonschema_rs.validator_for(dict(clean)).is_valid

    def lenient_is_valid(self, payload: Any) -> bool:
        """Whether the payload conforms to the lenient variant (jsonschema-rs)."""
        if self._rs_lenient is None:
            jsonschema_rs = require("jsonschema_rs", "validation", "validation")

            schema = root_schema(self._dialect, self.key, self._lenient_defs())
            self._rs_lenient = jsonschema_rs.validator_for(schema)
        return bool(self._rs_lenient.is_valid(payload))

    def reference_faults(self, payload: Any) -> list[Fault]:
        """Every strict-variant failure, from the reference engine (jsonschema)."""
        if self._reference is None:
            jsonschema = require("jsonschema", "validation", "validation")

            self._reference = _ecma_validator(jsonschema)(self._strict_schema)
        return faults_from_jsonschema(self._reference.iter_errors(payload))

    def fast_faults(self, payload: Any) -> list[Fault]:
        """Every strict-variant failure, from jsonschema-rs (used when only notices remain);
        from the reference engine where its paths cannot name a key (`AmbiguousKey`)."""
        try:
            errors = self._rs_strict.iter_errors(payload)
            return faults_from_rs(errors, self._strict_schema, payload)
        except AmbiguousKey:
            return self.reference_faults(payload)
