"""The invariants compiled into JSON Schema, so a clean payload needs no Python check at all.

For each identity resource this module gives an *overlay*: a JSON Schema that a
strict-valid payload passes only if :mod:`._invariants` would find nothing. The
fast path compiles ``allOf: [model, overlay]`` with jsonschema-rs; a payload
that passes it is valid with no warning, in one call into compiled code.

For speed the overlay is not a separate ``allOf`` branch: :func:`clean_schema`
merges it into copies of the strict definitions (``properties`` merged key by
key, anything else conjoined), so each field is visited once.

The overlay is deliberately conservative: it may reject a payload the Python
rules accept (a redacted session, a ``"[redacted]"`` value, a null-only
address), which only sends that payload to the Python rules. What it must
never do is accept a payload the rules flag; a property test checks that on
generated payloads. The one invariant JSON Schema cannot express (an expanded
report's ``verification_session`` equals the session's ``id``) is
:func:`session_residual`, a two-lookup Python check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._invariants import REDACTED, REPORT, SESSION
from ._schema import def_pointer

CLEAN_PREFIX = "clean:"

NULL: dict[str, Any] = {"type": "null"}
NOT_REDACTED: dict[str, Any] = {"not": {"const": REDACTED}}
DATE: dict[str, Any] = {
    "properties": {
        "day": {"minimum": 1, "maximum": 31},
        "month": {"minimum": 1, "maximum": 12},
        "year": {"minimum": 1000, "maximum": 9999},
    }
}


def _options_follow_type() -> dict[str, Any]:
    """``options.document`` only when ``type`` is ``document``."""
    return {
        "if": {"properties": {"type": {"const": "document"}}, "required": ["type"]},
        "else": {"properties": {"options": {"properties": {"document": NULL}}}},
    }


def _check(personal: tuple[str, ...], dates: tuple[str, ...]) -> dict[str, Any]:
    """A verified check, or an unverified one with an error; no redacted marks; valid dates."""
    properties: dict[str, Any] = {name: NOT_REDACTED for name in personal}
    properties.update({name: DATE for name in dates})
    return {
        "properties": properties,
        "anyOf": [
            {"properties": {"status": {"const": "verified"}}},
            {
                "properties": {"status": {"const": "unverified"}, "error": {"type": "object"}},
                "required": ["error"],
            },
        ],
    }


def report_overlay() -> dict[str, Any]:
    """What a verification report with no invariant finding looks like."""
    return {
        "properties": {
            "id": {"pattern": "^vr_"},
            "verification_session": {"pattern": "^vs_"},
            "type": {"enum": ["document", "id_number"]},
            "document": _check(
                ("first_name", "last_name", "number"), ("dob", "expiration_date", "issued_date")
            ),
            "id_number": _check(("first_name", "last_name", "id_number"), ("dob",)),
            "selfie": _check(("document", "selfie"), ()),
        },
        "allOf": [
            {
                "if": {"properties": {"type": {"const": "document"}}, "required": ["type"]},
                "then": {"required": ["document"]},
            },
            {
                "if": {"properties": {"type": {"const": "id_number"}}, "required": ["type"]},
                "then": {"required": ["id_number"]},
            },
            _options_follow_type(),
        ],
    }


def session_overlay(report_branch: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a verification session with no invariant finding looks like (bar the residual)."""
    finished = {"properties": {"status": {"enum": ["verified", "canceled"]}}}
    verified = {"properties": {"status": {"const": "verified"}}}
    no_personal = {
        "anyOf": [
            NULL,
            {
                "properties": {
                    name: NULL
                    for name in ("first_name", "last_name", "id_number", "address", "dob")
                }
            },
        ]
    }
    return {
        "properties": {
            "id": {"pattern": "^vs_"},
            "type": {"enum": ["document", "id_number", None]},
            "redaction": {"anyOf": [NULL, {"properties": {"status": {"const": "processing"}}}]},
            "verified_outputs": {"properties": {"dob": DATE}},
            "last_verification_report": {
                "anyOf": [
                    NULL,
                    {"type": "string", "pattern": "^vr_"},
                    dict(report_branch) if report_branch is not None else report_overlay(),
                ]
            },
        },
        "allOf": [
            {"if": finished, "then": {"properties": {"client_secret": NULL, "url": NULL}}},
            {
                "if": verified,
                "then": {
                    "properties": {"last_error": {"anyOf": [NULL, {"properties": {"code": NULL}}]}}
                },
                "else": {"properties": {"verified_outputs": no_personal}},
            },
            _options_follow_type(),
        ],
    }


def session_residual(session: dict[str, Any]) -> bool:
    """Whether an expanded report may not belong to this session (needs the Python rules)."""
    report = session.get("last_verification_report")
    if type(report) is not dict:
        return False
    kind = session.get("type")
    return report.get("verification_session") != session.get("id") or (
        kind is not None and report.get("type") != kind
    )


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
    """The session's ``last_verification_report`` with the clean report in place of the report."""
    report_ref = def_pointer(REPORT)
    branches = strict_property.get("anyOf")
    shaped = isinstance(branches, list) and any(
        isinstance(b, dict) and b.get("$ref") == report_ref for b in branches
    )
    if not shaped:
        return merge(strict_property, session_overlay()["properties"]["last_verification_report"])
    out: list[Any] = []
    for branch in branches or ():
        if branch.get("$ref") == report_ref:
            out.append({"$ref": def_pointer(CLEAN_PREFIX + REPORT)})
        elif branch.get("type") == "string":
            out.append({**branch, "pattern": "^vr_"})
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
        session = dict(strict[SESSION])
        properties = dict(session.get("properties", {}))
        linked = properties.get("last_verification_report")
        overlay = session_overlay()
        if isinstance(linked, dict):
            properties["last_verification_report"] = _linked_report_property(linked)
            del overlay["properties"]["last_verification_report"]
        session["properties"] = properties
        defs[CLEAN_PREFIX + SESSION] = merge(session, overlay)
    return {"$schema": dialect, "$ref": def_pointer(CLEAN_PREFIX + key), "$defs": defs}


RESIDUALS: dict[str, Callable[[dict[str, Any]], bool]] = {SESSION: session_residual}
#: The residual only matters when this field holds an object (an expanded report).
RESIDUAL_FIELD = "last_verification_report"
