"""The invariants compiled into JSON Schema, so a clean payload needs no Python check at all.

For each identity resource this module builds a schema that a payload passes
exactly when it is strict-valid *and* :mod:`._invariants` finds nothing (bar the
residual below). Both are derived from :mod:`stripe_schemas.identity`: the ID
prefixes, statuses, personal fields, placeholders and date ranges are read from
there, never written here. The fast path compiles it with jsonschema-rs; a payload
that passes is valid with no warning, in one call into compiled code. Redacted
sessions and reports included: placeholder text, the placeholder date of birth and
a kept country pass exactly as they do in the Python rules.

How it stays fast: the constraints are written as *overlays* (JSON Schema fragments
over one schema key: :func:`no_leftovers`, :func:`no_placeholder`, the dates, the
checks), and :class:`_Compiler` merges each overlay into a copy of the strict
definition it applies to, following ``$ref``: the ``address`` inside a report's
document check becomes its own specialised copy, so every value is visited once.
The two fields whose rules depend on the rest of the session (``verified_outputs``
and an expanded ``last_verification_report``) are checked through the copy that the
session's status and redaction select. A standalone report is first tried as a
plain report and, only if that fails, as a redacted one.

The compiled schema must never accept a payload the rules flag; property tests
check that on realistic draws and on one mutation per rule, and that realistic
valid payloads (redacted ones too) pass it. What JSON Schema cannot express (an
expanded report names this session's ``id`` and its ``type``) is
:func:`session_residual`, a few lookups in Python.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from .. import identity as facts
from ..identity import REPORT, SESSION, Date, Part, Text
from ._schema import def_pointer

CLEAN_PREFIX = "clean:"

NULL: dict[str, Any] = {"type": "null"}
#: Asks :meth:`_Compiler.ref` for the report of a redacted session.
IN_REDACTED_SESSION: Mapping[str, Any] = {"in_redacted_session": True}
NOT_OBJECT: dict[str, Any] = {"type": ["string", "null"]}
#: Keywords that constrain objects only (a fragment made of them is vacuous for null).
_OBJECT_KEYWORDS = frozenset({"properties", "required", "maxProperties", "anyOf", "allOf"})


def _prefixed(resource: str) -> dict[str, Any]:
    """Strings that start with the resource's ID prefix."""
    return {"pattern": "^" + re.escape(facts.ID_PREFIXES[resource])}


def _is(field: str, value: Any) -> dict[str, Any]:
    """The object has ``field`` equal to ``value``."""
    return {"properties": {field: {"const": value}}, "required": [field]}


# --- overlays: dates ----------------------------------------------------------------------

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
#: A date of a redacted object that is not personal: in range, or the placeholder.
DATE_REDACTED: dict[str, Any] = {"anyOf": [DATE_OK, DATE_PLACEHOLDER]}


def dates(schema: str, redacted: bool) -> dict[str, Any]:
    """The date fields of ``schema`` in range (or, when redacted, the placeholder).

    Redacted: personal dates are left to :func:`no_leftovers` (placeholder or null).
    """
    personal = facts.PERSONAL.get(schema, {})
    properties = {
        name: DATE_REDACTED if redacted else DATE_OK
        for name in facts.DATE_FIELDS.get(schema, ())
        if not (redacted and isinstance(personal.get(name), Date))
    }
    return {"properties": properties}


# --- overlays: personal data --------------------------------------------------------------


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


# --- overlays: reports ----------------------------------------------------------------------


def _options_follow_type(nullable: bool = False) -> list[dict[str, Any]]:
    """``options.<key>`` only when ``type`` is the type the key belongs to.

    ``nullable``: also say that ``type`` is a known type, null or absent (sessions).
    """
    rules: list[dict[str, Any]] = []
    for key, owner in facts.TYPE_OPTIONS.items():
        other: dict[str, Any] = {"options": {"properties": {key: NULL}}}
        if nullable:
            other["type"] = {"enum": [*(t for t in facts.TYPES if t != owner), None]}
        rules.append({"anyOf": [_is("type", owner), {"properties": other}]})
    if nullable and not rules:
        rules.append({"properties": {"type": {"enum": [*facts.TYPES, None]}}})
    return rules


def check_overlay(schema: str, redacted: bool) -> dict[str, Any]:
    """A check: verified, or unverified with an error; its personal data and dates."""
    status = {
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
    personal = no_leftovers(schema) if redacted else no_placeholder(schema)
    return union(union(personal, dates(schema, redacted)), status)


def report_overlay(redacted: bool) -> dict[str, Any]:
    """A report with no invariant finding, its personal data redacted (or not at all)."""
    properties: dict[str, Any] = {
        "id": _prefixed(REPORT),
        **{name: check_overlay(schema, redacted) for name, schema in facts.CHECKS.items()},
    }
    for (owner, field), resource in facts.LINKS.items():
        if owner == REPORT:
            properties[field] = _prefixed(resource)
    return {
        "properties": properties,
        "allOf": [
            # a known type with the check it names, or no type at all
            {
                "anyOf": [
                    *({**_is("type", kind), "required": ["type", kind]} for kind in facts.TYPES),
                    {"not": {"required": ["type"]}},
                ]
            },
            *_options_follow_type(),
        ],
    }


def _marks() -> dict[str, Any]:
    """Some check of the report holds the placeholder (the report counts as redacted)."""
    return {
        "anyOf": [
            {"properties": {name: placeholder_somewhere(schema)}, "required": [name]}
            for name, schema in facts.CHECKS.items()
        ]
    }


# --- overlays: the session ------------------------------------------------------------------


def _report_field() -> str:
    """The session field that holds the last report (an ID, or the expanded report)."""
    return next(
        field
        for (owner, field), target in facts.LINKS.items()
        if owner == SESSION and target == REPORT
    )


def _personal_parts() -> dict[str, str]:
    """The session's fields holding personal data → their schema keys."""
    return {
        name: kind.schema
        for name, kind in facts.PERSONAL[SESSION].items()
        if isinstance(kind, Part)
    }


def session_overlay(ref: Callable[[str, Mapping[str, Any]], str]) -> dict[str, Any]:
    """What a session with no invariant finding looks like (bar the residual).

    Nested ``if``s on the redaction and the status (cheap to evaluate, and nothing
    else is evaluated for a situation that does not apply) pick the rules: secrets
    and the error by status, and how the personal parts and an expanded report are
    checked. ``ref(key, overlay)`` names the specialised definition of ``key`` with
    ``overlay`` merged in; those fields are checked through one, so visited once.
    """
    parts = _personal_parts()
    report = _report_field()
    secrets = {name: NULL for name in sorted(facts.SECRET_FIELDS[SESSION])}
    error_ok = {"anyOf": [NULL, {"properties": {"code": NULL}}]}

    def status_is(*statuses: str) -> dict[str, Any]:
        allowed = sorted(statuses)
        return {
            "properties": {
                "status": {"const": allowed[0]} if len(allowed) == 1 else {"enum": allowed}
            }
        }

    def through(key: str, overlay: Mapping[str, Any]) -> dict[str, Any]:
        return {"anyOf": [NOT_OBJECT, {"$ref": def_pointer(ref(key, overlay))}]}

    def parts_with(build: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        return {name: through(schema, build(schema)) for name, schema in parts.items()}

    # strict: ``redaction`` is null or an object holding only its status
    redacted = {
        "properties": {"redaction": {"const": {"status": facts.REDACTION_DONE}}},
        "required": ["redaction"],
    }
    open_statuses = [status for status in facts.STATUSES if status not in facts.TERMINAL]
    when_redacted = {
        "metadata": {"maxProperties": 0},
        report: through(REPORT, IN_REDACTED_SESSION),
        **parts_with(lambda s: union(no_leftovers(s), dates(s, True))),
    }
    # personal data only once verified
    unverified_parts = parts_with(lambda s: union(no_leftovers(s), dates(s, False)))
    clean_report = {report: through(REPORT, {})}
    return {
        "properties": {"id": _prefixed(SESSION)},
        "allOf": [
            *_options_follow_type(nullable=True),
            {
                "if": status_is(*open_statuses),
                "then": {
                    "if": redacted,
                    "then": {"properties": when_redacted},
                    "else": {"properties": {**clean_report, **unverified_parts}},
                },
                # a finished session keeps no secret
                "else": {
                    "properties": secrets,
                    "if": redacted,
                    "then": {
                        "properties": when_redacted,
                        "if": status_is(facts.VERIFIED),
                        "then": {"properties": {"last_error": error_ok}},
                    },
                    "else": {
                        "properties": clean_report,
                        "if": status_is(facts.VERIFIED),
                        "then": {
                            "properties": {
                                "last_error": error_ok,
                                **parts_with(lambda s: dates(s, False)),
                            }
                        },
                        "else": {"properties": unverified_parts},
                    },
                },
            },
        ],
    }


def session_residual(session: dict[str, Any]) -> bool:
    """Whether an expanded report may belong to another session or type (needs the Python rules).

    Exactly the two rules on the pair: the report names another session, or both
    name a type and the types differ.
    """
    report = session.get(RESIDUAL_FIELD)
    if type(report) is not dict:
        return False
    if report.get("verification_session") != session.get("id"):
        return True
    kind = session.get("type")
    other = report.get("type")
    return type(kind) is str and type(other) is str and other != kind


# --- compiling overlays into the strict definitions -------------------------------------


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


def union(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    """Two overlays as one (``allOf`` of both), their ``properties`` side by side.

    Unlike :func:`merge` (which must not widen a closed object), both sides are
    overlays, so a field named by either is kept in one ``properties``; that keeps
    it visible to :class:`_Compiler`, which folds it into the field's definition.
    """
    out = merge(
        {k: v for k, v in first.items() if k != "properties"},
        {k: v for k, v in second.items() if k != "properties"},
    )
    properties = dict(first.get("properties", {}))
    for name, sub in second.get("properties", {}).items():
        properties[name] = merge(properties[name], sub) if name in properties else sub
    if properties:
        out["properties"] = properties
    return out


def _object_only(overlay: Any) -> bool:
    """Whether ``overlay`` constrains objects only (so it holds of null, strings, …)."""
    if not isinstance(overlay, Mapping) or not set(overlay) <= _OBJECT_KEYWORDS:
        return False
    for keyword in ("anyOf", "allOf"):
        if not all(_object_only(branch) for branch in overlay.get(keyword, ())):
            return False
    return True


def _single_ref(node: Any) -> str | None:
    """The one definition a property refers to (``$ref``, or one ``$ref`` branch of ``anyOf``)."""
    if not isinstance(node, Mapping):
        return None
    if "$ref" in node:
        return str(node["$ref"])
    refs = [b["$ref"] for b in node.get("anyOf", ()) if isinstance(b, Mapping) and "$ref" in b]
    return str(refs[0]) if len(refs) == 1 else None


def _swap_ref(node: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    if node.get("$ref") == old:
        return {**node, "$ref": new}
    branches = [
        {**b, "$ref": new} if isinstance(b, Mapping) and b.get("$ref") == old else b
        for b in node.get("anyOf", ())
    ]
    return {**node, "anyOf": branches}


class _Compiler:
    """Builds specialised copies of strict definitions, one per (key, overlay)."""

    def __init__(self, strict: Mapping[str, Any]) -> None:
        self.strict = strict
        self.defs: dict[str, Any] = dict(strict)
        self._keys = {def_pointer(key): key for key in strict}

    def specialise(self, key: str, overlay: Mapping[str, Any]) -> str:
        """The key of a definition equivalent to ``allOf: [strict[key], overlay]``.

        Overlays of fields that refer to another definition are merged into a
        specialised copy of that definition (recursively) when they constrain
        objects only, so no value is visited twice.
        """
        if not overlay:
            return key
        digest = hashlib.sha256(json.dumps(overlay, sort_keys=True).encode()).hexdigest()[:12]
        name = f"{CLEAN_PREFIX}{key}:{digest}"
        if name in self.defs:
            return name
        self.defs[name] = {}  # reserved (a recursive overlay would refer to itself)
        base = dict(self.strict[key])
        properties = dict(base.get("properties", {}))
        rest = dict(overlay)
        kept: dict[str, Any] = {}
        for field, sub in dict(rest.pop("properties", {})).items():
            node = properties.get(field)
            ref = _single_ref(node)
            target = self._keys.get(ref) if ref is not None else None
            if node is None:
                kept[field] = sub
            elif target is not None and _object_only(sub):
                properties[field] = _swap_ref(
                    node, str(ref), def_pointer(self.specialise(target, sub))
                )
            else:
                properties[field] = merge(node, sub)
        base["properties"] = properties
        if kept:
            rest["properties"] = kept
        self.defs[name] = merge(base, rest)
        return name

    def report(self, overlay: Mapping[str, Any]) -> str:
        """The clean report: inside a redacted session (:data:`IN_REDACTED_SESSION`) or not."""
        if overlay == IN_REDACTED_SESSION:
            return self.specialise(REPORT, report_overlay(redacted=True))
        name = CLEAN_PREFIX + REPORT
        if name not in self.defs:
            plain = self.specialise(REPORT, report_overlay(redacted=False))
            gone = self.specialise(REPORT, report_overlay(redacted=True))
            self.defs[name] = {
                "anyOf": [{"$ref": def_pointer(plain)}, {"$ref": def_pointer(gone), **_marks()}]
            }
        return name

    def ref(self, key: str, overlay: Mapping[str, Any]) -> str:
        return self.report(overlay) if key == REPORT else self.specialise(key, overlay)


def _session_fields(strict_session: Mapping[str, Any]) -> dict[str, Any]:
    """The session with its state-dependent fields reduced to ``object`` (the overlay checks
    them through the definition its status and redaction select); report IDs prefixed."""
    session = dict(strict_session)
    properties = dict(session.get("properties", {}))
    report = _report_field()
    for field in (report, *_personal_parts()):
        node = properties.get(field)
        if not isinstance(node, Mapping):
            continue
        branches = node.get("anyOf") if "$ref" not in node else [node]
        out = []
        for branch in branches or ():
            if isinstance(branch, Mapping) and "$ref" in branch:
                out.append({"type": "object"})
            elif field == report and isinstance(branch, Mapping) and branch.get("type") == "string":
                out.append({**branch, **_prefixed(REPORT)})
            else:
                out.append(branch)
        properties[field] = {"anyOf": out} if "$ref" in node else {**node, "anyOf": out}
    session["properties"] = properties
    return session


def clean_schema(dialect: str, key: str, strict: Mapping[str, Any]) -> dict[str, Any] | None:
    """The fast-path schema of ``key``: strict conformance plus its invariants (``None`` if none)."""
    if key not in (SESSION, REPORT) or REPORT not in strict:
        return None
    compiler = _Compiler(strict)
    if key == REPORT:
        entry = compiler.report({})
    else:
        session = _session_fields(strict[SESSION])
        entry = CLEAN_PREFIX + SESSION
        compiler.defs[entry] = merge(session, session_overlay(compiler.ref))
    return {"$schema": dialect, "$ref": def_pointer(entry), "$defs": compiler.defs}


#: The residual only matters when this field holds an object (an expanded report).
RESIDUAL_FIELD = _report_field()
RESIDUALS: dict[str, Callable[[dict[str, Any]], bool]] = {SESSION: session_residual}
