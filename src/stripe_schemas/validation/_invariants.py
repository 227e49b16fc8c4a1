"""Stripe Identity invariants in Python: what a schema cannot say about one payload.

The facts (ID prefixes, statuses, personal fields, placeholders, date ranges) and the
rules (code, severity per mode, rationale) live in :mod:`stripe_schemas.identity`;
this module only reads them, as does the compiled overlay in :mod:`._clean`. The
fast path runs the overlay; these checks run when it refuses a schema-valid payload,
and on the detailed path, to say which rules failed and where.

The checks are plain dict lookups and never raise on malformed input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import identity as facts
from ..identity import (
    ERROR_ON_VERIFIED,
    ID_PREFIX,
    INVALID_DATE,
    MISSING_CHECK,
    OPTIONS_TYPE_MISMATCH,
    REDACTION_INCOMPLETE,
    REPORT,
    REPORT_SESSION_MISMATCH,
    REPORT_TYPE_MISMATCH,
    SESSION,
    STORED_SECRET,
    UNKNOWN_CHECK_STATUS,
    UNKNOWN_TYPE,
    UNVERIFIED_OUTPUTS,
    UNVERIFIED_WITHOUT_ERROR,
    Date,
    Part,
    Rule,
    Text,
)
from ..issues import UNKNOWN_ENUM_VALUE, WRONG_OBJECT_TAG, Issue, join_pointer
from ._classify import describe
from ._report import Mode

__all__ = [
    "RULES",
    "RULES_BY_CODE",
    "SCHEMA_RULES",
    "Checker",
    "Finding",
    "Rule",
    "check_report",
    "check_session",
    "checker_for",
    "to_issues",
]

#: The schema layer's rules, listed with the invariants so the whole contract is one table.
SCHEMA_RULES: tuple[Rule, ...] = (
    Rule(
        WRONG_OBJECT_TAG,
        "error",
        "error",
        "`object` names the resource and must match the model",
        "schema",
    ),
    Rule(
        UNKNOWN_ENUM_VALUE,
        "error",
        "notice",
        "session `status` and `redaction.status` take documented values only",
        "schema",
    ),
)
#: The rules of one payload: the schema layer's and the invariants (not the lifecycle's).
RULES: tuple[Rule, ...] = SCHEMA_RULES + tuple(
    rule for rule in facts.RULES if rule.layer == "invariant"
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in (*SCHEMA_RULES, *facts.RULES)}

#: A finding before the mode gives it a severity: (code, JSON pointer, message).
Finding = tuple[str, str, str]
Checker = Callable[[dict[str, Any]], list[Finding]]

_DATE_PARTS = tuple(facts.DATE_RANGES)
_PLACEHOLDER_DATE = tuple(facts.REDACTED_DATE[part] for part in _DATE_PARTS)
_NULL_DATE = (None,) * len(_DATE_PARTS)


def to_issues(findings: list[Finding], mode: Mode) -> list[Issue]:
    """Give each finding its rule's severity in ``mode``."""
    return [
        Issue(path, code, RULES_BY_CODE[code].severity(mode), message)
        for code, path, message in findings
    ]


def checker_for(schema_key: str) -> Checker | None:
    """The invariant checker of a schema key (``None`` for resources without invariants)."""
    return _CHECKERS.get(schema_key)


def _label(resource: str) -> str:
    """``identity.verification_session`` → ``verification session``."""
    return resource.rsplit(".", 1)[-1].replace("_", " ")


def _check_id(value: Any, resource: str, where: str, out: list[Finding]) -> None:
    prefix = facts.ID_PREFIXES[resource]
    if type(value) is str and not value.startswith(prefix):
        message = f"a {_label(resource)} ID should start with {prefix!r}"
        out.append((ID_PREFIX, where, message))


# --- the session ------------------------------------------------------------------------


def is_redacted(session: dict[str, Any]) -> bool:
    """Whether the session's redaction is done (its personal data replaced)."""
    redaction = session.get("redaction")
    return type(redaction) is dict and redaction.get("status") == facts.REDACTION_DONE


def check_session(session: dict[str, Any]) -> list[Finding]:
    """Every invariant finding for a verification session (the payload may be malformed)."""
    out: list[Finding] = []
    ident = session.get("id")
    _check_id(ident, SESSION, "/id", out)
    status = session.get("status")
    redacted = is_redacted(session)
    if type(status) is str and status in facts.TERMINAL:
        for name in sorted(facts.SECRET_FIELDS[SESSION]):
            if session.get(name) is not None:
                message = (
                    f"a {status} session still carries {name} (a single-use, short-lived secret)"
                )
                out.append((STORED_SECRET, "/" + name, message))
    if status == facts.VERIFIED:
        last_error = session.get("last_error")
        if type(last_error) is dict and last_error.get("code") is not None:
            message = f"a {facts.VERIFIED} session carries a last_error code"
            out.append((ERROR_ON_VERIFIED, "/last_error/code", message))
    for name, holder in facts.PERSONAL[SESSION].items():
        part = session.get(name)
        if not isinstance(holder, Part) or type(part) is not dict or not part:
            continue
        where = "/" + name
        left = leftovers(part, holder.schema, where)
        if redacted:
            out.extend(
                (REDACTION_INCOMPLETE, path, "a redacted object still holds personal data")
                for path in left
            )
        elif status != facts.VERIFIED and left:
            shown = describe("/status", status)
            message = f"{name} holds personal data but the status is {shown}"
            out.append((UNVERIFIED_OUTPUTS, where, message))
        _check_dates(part, holder.schema, where, redacted, out)
    kind = session.get("type")
    _check_type(kind, "", out)
    _check_options(session.get("options"), kind, "", out)
    report = session.get("last_verification_report")
    if type(report) is str:
        _check_id(report, REPORT, "/last_verification_report", out)
    elif type(report) is dict:
        _check_linked_report(report, ident, kind, redacted, out)
    if redacted:
        metadata = session.get("metadata")
        if type(metadata) is dict and metadata:
            message = "a redacted session still has metadata"
            out.append((REDACTION_INCOMPLETE, "/metadata", message))
    return out


def _check_linked_report(
    report: dict[str, Any], session_id: Any, kind: Any, redacted: bool, out: list[Finding]
) -> None:
    base = "/last_verification_report"
    linked = report.get("verification_session")
    if type(session_id) is str and linked != session_id:
        message = "the expanded report belongs to another session"
        out.append((REPORT_SESSION_MISMATCH, base + "/verification_session", message))
    report_kind = report.get("type")
    if type(kind) is str and type(report_kind) is str and report_kind != kind:
        message = (
            f"the report's type {describe(base + '/type', report_kind)} differs from the "
            f"session's {describe('/type', kind)}"
        )
        out.append((REPORT_TYPE_MISMATCH, base + "/type", message))
    _check_report(report, base, redacted, out)


# --- the report -------------------------------------------------------------------------


def check_report(report: dict[str, Any]) -> list[Finding]:
    """Every invariant finding for a standalone verification report."""
    out: list[Finding] = []
    _check_report(report, "", False, out)
    return out


def _check_report(report: dict[str, Any], base: str, redacted: bool, out: list[Finding]) -> None:
    _check_id(report.get("id"), REPORT, base + "/id", out)
    for (owner, field), resource in facts.LINKS.items():
        if owner == REPORT:
            _check_id(report.get(field), resource, f"{base}/{field}", out)
    kind = report.get("type")
    if not _check_type(kind, base, out) and kind in facts.TYPES and report.get(kind) is None:
        out.append((MISSING_CHECK, f"{base}/{kind}", f"a {kind} report has no {kind} check"))
    _check_options(report.get("options"), kind, base, out)
    checks: list[tuple[str, str, dict[str, Any]]] = []
    for name, schema in facts.CHECKS.items():
        check = report.get(name)
        if type(check) is dict:
            checks.append((name, schema, check))
    if not redacted:
        redacted = any(marked(check, schema) for _, schema, check in checks)
    for name, schema, check in checks:
        where = f"{base}/{name}"
        _check_check(check, where, out)
        if redacted:
            out.extend(
                (REDACTION_INCOMPLETE, path, "a redacted object still holds personal data")
                for path in leftovers(check, schema, where)
            )
        _check_dates(check, schema, where, redacted, out)


def _check_check(check: dict[str, Any], where: str, out: list[Finding]) -> None:
    status = check.get("status")
    if status == facts.CHECK_UNVERIFIED:
        if check.get("error") is None:
            message = f"an {facts.CHECK_UNVERIFIED} check has no error explaining why"
            out.append((UNVERIFIED_WITHOUT_ERROR, where + "/error", message))
    elif type(status) is str and status not in facts.CHECK_STATUSES:
        shown = describe(where + "/status", status)
        known = " nor ".join(repr(s) for s in facts.CHECK_STATUSES)
        message = f"check status {shown} is neither {known}"
        out.append((UNKNOWN_CHECK_STATUS, where + "/status", message))


# --- shared helpers ---------------------------------------------------------------------


def _check_type(kind: Any, base: str, out: list[Finding]) -> bool:
    """Report a type unknown to the pinned version; whether it was unknown."""
    if type(kind) is str and kind not in facts.TYPES:
        message = f"type {describe(base + '/type', kind)} is not known to the pinned API version"
        out.append((UNKNOWN_TYPE, base + "/type", message))
        return True
    return False


def _check_options(options: Any, kind: Any, base: str, out: list[Finding]) -> None:
    if type(options) is not dict:
        return
    for key, owner in facts.TYPE_OPTIONS.items():
        if options.get(key) is None or kind == owner:
            continue
        if type(kind) is str and kind not in facts.TYPES:
            continue  # newer types (verification_flow) carry the flow's options
        message = f"options.{key} is set on a session or report of type {describe('/type', kind)}"
        out.append((OPTIONS_TYPE_MISMATCH, f"{base}/options/{key}", message))


def _date_tuple(date: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(date.get(part) for part in _DATE_PARTS)


def leftovers(part: dict[str, Any], schema: str, base: str) -> list[str]:
    """Pointers of personal values in ``part`` (of schema ``schema``) that are still there.

    A value is gone when it is null, absent or the redaction placeholder; kept
    fields (file IDs) never count.
    """
    found: list[str] = []
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        value = part.get(name)
        where = join_pointer(base, name)
        if isinstance(kind, Text):
            if isinstance(value, str) and value != facts.REDACTED_TEXT:
                found.append(where)
        elif isinstance(kind, Date):
            if type(value) is dict and _date_tuple(value) not in (_PLACEHOLDER_DATE, _NULL_DATE):
                found.append(where)
        elif isinstance(kind, Part) and type(value) is dict:
            found.extend(leftovers(value, kind.schema, where))
    return found


def marked(part: dict[str, Any], schema: str) -> bool:
    """Whether some personal text in ``part`` holds the redaction placeholder."""
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        value = part.get(name)
        if isinstance(kind, Text) and value == facts.REDACTED_TEXT:
            return True
        if isinstance(kind, Part) and type(value) is dict and marked(value, kind.schema):
            return True
    return False


def _is_number(value: Any) -> bool:
    return (type(value) is int or type(value) is float) and value == value


def _check_dates(
    part: dict[str, Any], schema: str, base: str, redacted: bool, out: list[Finding]
) -> None:
    for name in facts.DATE_FIELDS.get(schema, ()):
        date = part.get(name)
        if type(date) is not dict:
            continue
        if redacted and _date_tuple(date) == _PLACEHOLDER_DATE:
            continue
        where = join_pointer(base, name)
        for unit, (low, high) in facts.DATE_RANGES.items():
            value: Any = date.get(unit)
            if _is_number(value) and not low <= value <= high:
                message = f"{unit} must be between {low} and {high}"
                out.append((INVALID_DATE, where + "/" + unit, message))


_CHECKERS: dict[str, Checker] = {SESSION: check_session, REPORT: check_report}
