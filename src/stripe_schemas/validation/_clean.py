"""The invariants compiled into JSON Schema, so a clean payload needs no Python check at all.

For each identity resource this module gives an *overlay*: a JSON Schema that a
strict-valid payload passes exactly when :mod:`._invariants` finds nothing (bar
the residual below). Both are derived from :mod:`stripe_schemas.identity`: the
ID prefixes, statuses, personal fields, placeholders and date ranges are read
from there, never written here. The fast path compiles the overlay merged into
the strict definitions with jsonschema-rs; a payload that passes is valid with no
warning, in one call into compiled code. Redacted sessions and reports included:
placeholder text, the placeholder date of birth and a kept country pass as they do
in the Python rules.

For speed the overlay is not a separate ``allOf`` branch: :func:`clean_schema`
merges it into copies of the strict definitions (``properties`` merged key by
key, anything else conjoined), so each field is visited once; an expanded report
is checked by one of two report definitions, chosen by the session's redaction.

The overlay must never accept a payload the rules flag; property tests check
that on realistic draws and on one mutation per rule, and that realistic valid
payloads (redacted ones too) pass it. The one invariant JSON Schema cannot
express (an expanded report's ``verification_session`` equals the session's
``id``) is :func:`session_residual`, a two-lookup Python check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .. import identity as facts
from ..identity import REPORT, SESSION, Date, Part, Text
from ._schema import def_pointer

CLEAN_PREFIX = "clean:"
#: The report as it must look inside a redacted session.
REDACTED_PREFIX = "clean-redacted:"

NULL: dict[str, Any] = {"type": "null"}
NOT_OBJECT: dict[str, Any] = {"type": ["string", "null"]}


def _prefixed(resource: str) -> dict[str, Any]:
    """Strings that start with the resource's ID prefix."""
    return {"pattern": "^" + re.escape(facts.ID_PREFIXES[resource])}


def _is(field: str, value: Any) -> dict[str, Any]:
    """The object has ``field`` equal to ``value``."""
    return {"properties": {field: {"const": value}}, "required": [field]}


# --- dates ------------------------------------------------------------------------------

DATE_OK: dict[str, Any] = {
    "properties": {
        unit: {"minimum": low, "maximum": high} for unit, (low, high) in facts.DATE_RANGES.items()
    }
}
DATE_PLACEHOLDER: dict[str, Any] = {
    "properties": {unit: {"const": value} for unit, value in facts.REDACTED_DATE.items()},
    "required": list(facts.REDACTED_DATE),
}
DATE_NULL: dict[str, Any] = {"properties": {unit: NULL for unit in facts.DATE_RANGES}}


def _dates(schema: str, redacted: bool) -> dict[str, dict[str, Any]]:
    """The date fields of ``schema``: in range (or the placeholder, when redacted)."""
    rule = {"anyOf": [DATE_PLACEHOLDER, DATE_OK]} if redacted else DATE_OK
    return {name: rule for name in facts.DATE_FIELDS.get(schema, ())}


# --- personal data ----------------------------------------------------------------------


def no_leftovers(schema: str) -> dict[str, Any]:
    """Every personal value of ``schema`` is gone: null, absent or its placeholder."""
    properties: dict[str, Any] = {}
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        if isinstance(kind, Text):
            properties[name] = {"enum": [facts.REDACTED_TEXT, None]}
        elif isinstance(kind, Date):
            properties[name] = {"anyOf": [DATE_PLACEHOLDER, DATE_NULL]}
        elif isinstance(kind, Part):
            properties[name] = no_leftovers(kind.schema)
    return {"properties": properties}


def no_placeholder(schema: str) -> dict[str, Any]:
    """No personal text of ``schema`` holds the placeholder (the object is not redacted)."""
    properties: dict[str, Any] = {}
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        if isinstance(kind, Text):
            properties[name] = {"not": {"const": facts.REDACTED_TEXT}}
        elif isinstance(kind, Part):
            properties[name] = no_placeholder(kind.schema)
    return {"properties": properties}


def placeholder_somewhere(schema: str) -> dict[str, Any]:
    """An object of ``schema`` with the placeholder in some personal text (looks redacted)."""
    branches: list[dict[str, Any]] = []
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        if isinstance(kind, Text):
            branches.append(_is(name, facts.REDACTED_TEXT))
        elif isinstance(kind, Part):
            inner = placeholder_somewhere(kind.schema)
            branches.append({"properties": {name: inner}, "required": [name]})
    return {"type": "object", "anyOf": branches} if branches else {"not": {}}


def _each(schemas: Mapping[str, str], build: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return {"properties": {name: build(schema) for name, schema in schemas.items()}}


# --- the report -------------------------------------------------------------------------


def _options_follow_type() -> list[dict[str, Any]]:
    """``options.<key>`` only when ``type`` is the type the key belongs to."""
    return [
        {
            "if": _is("type", owner),
            "else": {"properties": {"options": {"properties": {key: NULL}}}},
        }
        for key, owner in facts.TYPE_OPTIONS.items()
    ]


def _check() -> dict[str, Any]:
    """A check that is verified, or unverified with an error saying why."""
    return {
        "anyOf": [
            {"properties": {"status": {"const": facts.CHECK_VERIFIED}}},
            {
                "properties": {
                    "status": {"const": facts.CHECK_UNVERIFIED},
                    "error": {"type": "object"},
                },
                "required": ["error"],
            },
        ]
    }


def report_overlay(redacted: bool = False) -> dict[str, Any]:
    """What a verification report with no invariant finding looks like.

    ``redacted``: the report of a redacted session (its personal data must be gone).
    A standalone report counts as redacted when some personal text holds the
    placeholder; then all of it must be gone.
    """
    properties: dict[str, Any] = {
        "id": _prefixed(REPORT),
        "type": {"enum": list(facts.TYPES)},
        **{name: _check() for name in facts.CHECKS},
    }
    for (owner, field), resource in facts.LINKS.items():
        if owner == REPORT:
            properties[field] = _prefixed(resource)
    checks = facts.CHECKS
    gone = _each(checks, lambda schema: merge(no_leftovers(schema), _dates_of(schema, True)))
    if redacted:
        personal: list[dict[str, Any]] = [gone]
    else:
        marks = [
            {"properties": {name: placeholder_somewhere(schema)}, "required": [name]}
            for name, schema in checks.items()
        ]
        plain = _each(
            checks, lambda schema: merge(no_placeholder(schema), _dates_of(schema, False))
        )
        personal = [{"anyOf": [plain, {**gone, "anyOf": marks}]}]
    return {
        "properties": properties,
        "allOf": [
            *({"if": _is("type", kind), "then": {"required": [kind]}} for kind in facts.TYPES),
            *_options_follow_type(),
            *personal,
        ],
    }


def _dates_of(schema: str, redacted: bool) -> dict[str, Any]:
    return {"properties": _dates(schema, redacted)}


# --- the session ------------------------------------------------------------------------


def _personal_parts() -> dict[str, str]:
    """The session's fields holding personal data → their schema keys."""
    return {
        name: kind.schema
        for name, kind in facts.PERSONAL[SESSION].items()
        if isinstance(kind, Part)
    }


def session_overlay() -> dict[str, Any]:
    """What a verification session with no invariant finding looks like (bar the residual).

    ``last_verification_report`` is left to :func:`clean_schema`, which points an
    expanded report at the clean report definition of the session's redaction state.
    """
    parts = _personal_parts()
    finished = {"properties": {"status": {"enum": sorted(facts.TERMINAL)}}}
    verified = {"properties": {"status": {"const": facts.VERIFIED}}}
    redacted = {
        "properties": {"redaction": {"type": "object", **_is("status", facts.REDACTION_DONE)}},
        "required": ["redaction"],
    }
    report_field = _report_field()
    same_type = [
        {
            "if": _is("type", kind),
            "then": {"properties": {report_field: {"properties": {"type": {"const": kind}}}}},
        }
        for kind in facts.TYPES
    ]
    return {
        "properties": {
            "id": _prefixed(SESSION),
            "type": {"enum": [*facts.TYPES, None]},
        },
        "allOf": [
            {
                "if": finished,
                "then": {"properties": {name: NULL for name in facts.SECRET_FIELDS[SESSION]}},
            },
            {
                "if": verified,
                "then": {
                    "properties": {"last_error": {"anyOf": [NULL, {"properties": {"code": NULL}}]}}
                },
            },
            *_options_follow_type(),
            *same_type,
            {
                "if": redacted,
                "then": {
                    "properties": {
                        "metadata": {"maxProperties": 0},
                        **{
                            name: merge(no_leftovers(schema), _dates_of(schema, True))
                            for name, schema in parts.items()
                        },
                        report_field: {
                            "anyOf": [NOT_OBJECT, {"$ref": def_pointer(REDACTED_PREFIX + REPORT)}]
                        },
                    }
                },
                "else": {
                    "properties": {
                        **{name: _dates_of(schema, False) for name, schema in parts.items()},
                        report_field: {
                            "anyOf": [NOT_OBJECT, {"$ref": def_pointer(CLEAN_PREFIX + REPORT)}]
                        },
                    },
                    "if": verified,
                    "else": {
                        "properties": {name: no_leftovers(schema) for name, schema in parts.items()}
                    },
                },
            },
        ],
    }


def _report_field() -> str:
    """The session field that holds the last report (an ID, or the expanded report)."""
    return next(
        field
        for (owner, field), target in facts.LINKS.items()
        if owner == SESSION and target == REPORT
    )


def session_residual(session: dict[str, Any]) -> bool:
    """Whether an expanded report may belong to another session (needs the Python rules)."""
    report = session.get(RESIDUAL_FIELD)
    return type(report) is dict and report.get("verification_session") != session.get("id")


def merge(strict: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A schema equivalent to ``allOf: [strict, overlay]``, with ``properties`` merged."""
    out = dict(strict)
    extra: list[dict[str, Any]] = []
    for keyword, value in overlay.items():
        if keyword not in out:
            if keyword == "properties" and out.get("additionalProperties") is False:
                extra.append({keyword: value})  # new names would widen a closed object
            else:
                out[keyword] = value
        elif out[keyword] == value:
            continue
        elif keyword == "properties" and set(value) <= set(out[keyword]):
            merged = dict(out[keyword])
            for name, sub in value.items():
                merged[name] = merge(merged[name], sub)
            out[keyword] = merged
        elif keyword == "required":
            out[keyword] = sorted({*out[keyword], *value})
        elif keyword == "allOf":
            out[keyword] = [*out[keyword], *value]
        else:
            extra.append({keyword: value})
    if extra:
        out["allOf"] = [*out.get("allOf", []), *extra]
    return out


def _linked_report_property(strict_property: Mapping[str, Any]) -> dict[str, Any]:
    """The session's report field with its ID branch prefixed and the report left to the overlay.

    The expanded report is checked (strictly and with its invariants) by the clean
    report definition the overlay points at, so the strict ``$ref`` branch becomes a
    bare ``object`` and the report is visited once. A field of another shape is kept
    as it is (correct, only slower).
    """
    report_ref = def_pointer(REPORT)
    branches = strict_property.get("anyOf")
    if not isinstance(branches, list) or not any(
        isinstance(b, dict) and b.get("$ref") == report_ref for b in branches
    ):
        return dict(strict_property)
    out: list[Any] = []
    for branch in branches:
        if isinstance(branch, dict) and branch.get("$ref") == report_ref:
            out.append({"type": "object"})
        elif isinstance(branch, dict) and branch.get("type") == "string":
            out.append({**branch, **_prefixed(REPORT)})
        else:
            out.append(branch)
    return {**strict_property, "anyOf": out}


def clean_schema(dialect: str, key: str, strict: Mapping[str, Any]) -> dict[str, Any] | None:
    """The fast-path schema of ``key``: strict conformance plus its invariants (``None`` if none)."""
    if key not in (SESSION, REPORT) or REPORT not in strict:
        return None
    defs = dict(strict)
    defs[CLEAN_PREFIX + REPORT] = merge(strict[REPORT], report_overlay())
    if key == SESSION:
        defs[REDACTED_PREFIX + REPORT] = merge(strict[REPORT], report_overlay(redacted=True))
        session = dict(strict[SESSION])
        properties = dict(session.get("properties", {}))
        linked = properties.get(RESIDUAL_FIELD)
        if isinstance(linked, dict):
            properties[RESIDUAL_FIELD] = _linked_report_property(linked)
        session["properties"] = properties
        defs[CLEAN_PREFIX + SESSION] = merge(session, session_overlay())
    return {"$schema": dialect, "$ref": def_pointer(CLEAN_PREFIX + key), "$defs": defs}


#: The residual only matters when this field holds an object (an expanded report).
RESIDUAL_FIELD = _report_field()
RESIDUALS: dict[str, Callable[[dict[str, Any]], bool]] = {SESSION: session_residual}
