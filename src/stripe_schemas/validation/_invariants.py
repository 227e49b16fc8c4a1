"""Stripe Identity invariants: facts from Stripe's documentation that a schema cannot say.

Each rule has a stable code, a severity in strict mode and in lenient mode, and
a one-line rationale. Rules marked *schema* are enforced by the schema layer;
they are listed so the whole contract is in one table.

| code | strict | lenient | rationale |
|---|---|---|---|
| ``wrong_object_tag`` | error | error | *schema*: ``object`` is ``identity.verification_session`` / ``identity.verification_report`` and must match the model |
| ``unknown_enum_value`` | error | notice | *schema*: session ``status`` is ``requires_input``, ``processing``, ``verified`` or ``canceled``; ``redaction.status`` is ``processing`` or ``redacted`` (newer versions add ``validated``) |
| ``id_prefix`` | warning | warning | session IDs start ``vs_`` and report IDs ``vr_`` (documented only by example) |
| ``stored_secret`` | warning | warning | ``client_secret`` and ``url`` are single-use and short-lived: a ``verified`` or ``canceled`` session should not carry them |
| ``error_on_verified`` | warning | warning | ``last_error`` describes the last failure; a ``verified`` session should have none |
| ``unverified_outputs`` | warning | warning | ``verified_outputs`` holds verified data; personal data there on a session that is not ``verified`` is suspect |
| ``redaction_incomplete`` | error | error | once ``redaction.status`` is ``redacted``, personal fields are ``"[redacted]"`` or null and ``metadata`` is empty |
| ``unknown_type`` | warning | notice | ``type`` is ``document`` or ``id_number`` in the pinned version (newer versions add ``verification_flow``) |
| ``options_type_mismatch`` | warning | warning | ``options.document`` belongs to ``type == "document"`` |
| ``report_session_mismatch`` | error | error | an expanded ``last_verification_report`` belongs to this session (``verification_session == id``) |
| ``report_type_mismatch`` | error | error | an expanded ``last_verification_report`` has the session's ``type`` |
| ``missing_check`` | error | error | a ``document`` report has a ``document`` check, an ``id_number`` report an ``id_number`` check |
| ``unknown_check_status`` | warning | notice | a check's ``status`` is ``verified`` or ``unverified`` |
| ``unverified_without_error`` | error | error | an ``unverified`` check carries an ``error`` saying why |
| ``invalid_date`` | error | error | dates have ``day`` 1-31, ``month`` 1-12 and a four-digit ``year`` (1-1-1 is the redaction placeholder, accepted on redacted objects) |

Personal fields (for ``unverified_outputs`` and ``redaction_incomplete``):
``first_name``, ``last_name``, ``id_number`` / ``number``, every ``address``
line, ``dob``, and the selfie check's ``document`` / ``selfie`` images.

The checks are plain dict lookups, run only on identity resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import attrs

from ..issues import UNKNOWN_ENUM_VALUE, WRONG_OBJECT_TAG, Issue, Severity
from ._classify import describe
from ._report import Mode

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"

ID_PREFIX = "id_prefix"
STORED_SECRET = "stored_secret"
ERROR_ON_VERIFIED = "error_on_verified"
UNVERIFIED_OUTPUTS = "unverified_outputs"
REDACTION_INCOMPLETE = "redaction_incomplete"
UNKNOWN_TYPE = "unknown_type"
OPTIONS_TYPE_MISMATCH = "options_type_mismatch"
REPORT_SESSION_MISMATCH = "report_session_mismatch"
REPORT_TYPE_MISMATCH = "report_type_mismatch"
MISSING_CHECK = "missing_check"
UNKNOWN_CHECK_STATUS = "unknown_check_status"
UNVERIFIED_WITHOUT_ERROR = "unverified_without_error"
INVALID_DATE = "invalid_date"


@attrs.frozen
class Rule:
    """One invariant: its code, its severity in each mode, and why it holds."""

    code: str
    strict: Severity
    lenient: Severity
    rationale: str
    #: ``"invariant"`` (checked here) or ``"schema"`` (checked by the schema layer).
    layer: Literal["invariant", "schema"] = "invariant"

    def severity(self, mode: Mode) -> Severity:
        return self.strict if mode == "strict" else self.lenient


RULES: tuple[Rule, ...] = (
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
    Rule(
        ID_PREFIX,
        "warning",
        "warning",
        "session IDs start `vs_`, report IDs `vr_` (documented by example only)",
    ),
    Rule(
        STORED_SECRET,
        "warning",
        "warning",
        "`client_secret`/`url` are single-use and short-lived; a finished session should not keep them",
    ),
    Rule(
        ERROR_ON_VERIFIED,
        "warning",
        "warning",
        "a `verified` session should not carry a `last_error.code`",
    ),
    Rule(
        UNVERIFIED_OUTPUTS,
        "warning",
        "warning",
        "personal data in `verified_outputs` of a session that is not `verified`",
    ),
    Rule(
        REDACTION_INCOMPLETE,
        "error",
        "error",
        "a redacted object keeps no personal data and no `metadata`",
    ),
    Rule(
        UNKNOWN_TYPE,
        "warning",
        "notice",
        "`type` is `document` or `id_number` in the pinned API version",
    ),
    Rule(
        OPTIONS_TYPE_MISMATCH,
        "warning",
        "warning",
        '`options.document` belongs to `type == "document"`',
    ),
    Rule(
        REPORT_SESSION_MISMATCH,
        "error",
        "error",
        "an expanded report's `verification_session` is this session's `id`",
    ),
    Rule(
        REPORT_TYPE_MISMATCH,
        "error",
        "error",
        "an expanded report has the same `type` as its session",
    ),
    Rule(
        MISSING_CHECK,
        "error",
        "error",
        "a report has the check its `type` names (`document` or `id_number`)",
    ),
    Rule(
        UNKNOWN_CHECK_STATUS,
        "warning",
        "notice",
        "a check's `status` is `verified` or `unverified`",
    ),
    Rule(
        UNVERIFIED_WITHOUT_ERROR,
        "error",
        "error",
        "an `unverified` check carries an `error` saying why",
    ),
    Rule(
        INVALID_DATE,
        "error",
        "error",
        "`day` 1-31, `month` 1-12, four-digit `year` (1-1-1 only when redacted)",
    ),
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

KNOWN_TYPES = ("document", "id_number")
CHECK_STATUSES = ("verified", "unverified")
REDACTED = "[redacted]"
PLACEHOLDER_DATE = (1, 1, 1)

_ADDRESS_LINES = ("city", "country", "line1", "line2", "postal_code", "state")
#: Personal string fields and date fields of each part that holds personal data.
_OUTPUTS_PERSONAL = (("first_name", "last_name", "id_number"), ("dob",))
_DOCUMENT_PERSONAL = (("first_name", "last_name", "number"), ("dob",))
_DOCUMENT_DATES = ("dob", "expiration_date", "issued_date")
_ID_NUMBER_PERSONAL = (("first_name", "last_name", "id_number"), ("dob",))
_SELFIE_PERSONAL = (("document", "selfie"), ())

#: A finding before the mode gives it a severity: (code, JSON pointer, message).
Finding = tuple[str, str, str]
Checker = Callable[[dict[str, Any]], list[Finding]]


def to_issues(findings: list[Finding], mode: Mode) -> list[Issue]:
    """Give each finding its rule's severity in ``mode``."""
    return [
        Issue(path, code, RULES_BY_CODE[code].severity(mode), message)
        for code, path, message in findings
    ]


def checker_for(schema_key: str) -> Checker | None:
    """The invariant checker of a schema key (``None`` for resources without invariants)."""
    return _CHECKERS.get(schema_key)


# --- the session ------------------------------------------------------------------------


def check_session(session: dict[str, Any]) -> list[Finding]:
    """Every invariant finding for a verification session (the payload may be malformed)."""
    out: list[Finding] = []
    ident = session.get("id")
    if type(ident) is str and not ident.startswith("vs_"):
        out.append((ID_PREFIX, "/id", "a verification session ID should start with 'vs_'"))
    status = session.get("status")
    redaction = session.get("redaction")
    redacted = type(redaction) is dict and redaction.get("status") == "redacted"
    if status == "verified" or status == "canceled":
        for name in ("client_secret", "url"):
            if session.get(name) is not None:
                message = (
                    f"a {status} session still carries {name} (a single-use, short-lived secret)"
                )
                out.append((STORED_SECRET, "/" + name, message))
        if status == "verified":
            last_error = session.get("last_error")
            if type(last_error) is dict and last_error.get("code") is not None:
                message = "a verified session carries a last_error code"
                out.append((ERROR_ON_VERIFIED, "/last_error/code", message))
    outputs = session.get("verified_outputs")
    if type(outputs) is dict and outputs:
        _check_personal(outputs, "/verified_outputs", _OUTPUTS_PERSONAL, redacted, status, out)
        _check_date(outputs.get("dob"), "/verified_outputs/dob", redacted, out)
    kind = session.get("type")
    if type(kind) is str and kind not in KNOWN_TYPES:
        message = f"type {describe('/type', kind)} is not known to the pinned API version"
        out.append((UNKNOWN_TYPE, "/type", message))
    _check_options(session.get("options"), kind, "", out)
    report = session.get("last_verification_report")
    if type(report) is str:
        if not report.startswith("vr_"):
            message = "a verification report ID should start with 'vr_'"
            out.append((ID_PREFIX, "/last_verification_report", message))
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
    ident = report.get("id")
    if type(ident) is str and not ident.startswith("vr_"):
        out.append((ID_PREFIX, base + "/id", "a verification report ID should start with 'vr_'"))
    linked = report.get("verification_session")
    if type(linked) is str and not linked.startswith("vs_"):
        message = "a verification session ID should start with 'vs_'"
        out.append((ID_PREFIX, base + "/verification_session", message))
    kind = report.get("type")
    if type(kind) is str and kind not in KNOWN_TYPES:
        message = f"type {describe(base + '/type', kind)} is not known to the pinned API version"
        out.append((UNKNOWN_TYPE, base + "/type", message))
    elif kind in KNOWN_TYPES and report.get(kind) is None:
        message = f"a {kind} report has no {kind} check"
        out.append((MISSING_CHECK, f"{base}/{kind}", message))
    _check_options(report.get("options"), kind, base, out)
    document = report.get("document")
    id_number = report.get("id_number")
    selfie = report.get("selfie")
    if not redacted:
        redacted = any(
            _looks_redacted(part, fields)
            for part, (fields, _) in (
                (document, _DOCUMENT_PERSONAL),
                (id_number, _ID_NUMBER_PERSONAL),
                (selfie, _SELFIE_PERSONAL),
            )
        )
    if type(document) is dict:
        _check_check(document, base + "/document", out)
        if redacted:
            _check_personal(document, base + "/document", _DOCUMENT_PERSONAL, True, None, out)
        for name in _DOCUMENT_DATES:
            _check_date(document.get(name), f"{base}/document/{name}", redacted, out)
    if type(id_number) is dict:
        _check_check(id_number, base + "/id_number", out)
        if redacted:
            _check_personal(id_number, base + "/id_number", _ID_NUMBER_PERSONAL, True, None, out)
        _check_date(id_number.get("dob"), base + "/id_number/dob", redacted, out)
    if type(selfie) is dict:
        _check_check(selfie, base + "/selfie", out)
        if redacted:
            _check_personal(selfie, base + "/selfie", _SELFIE_PERSONAL, True, None, out)


def _check_check(check: dict[str, Any], where: str, out: list[Finding]) -> None:
    status = check.get("status")
    if status == "unverified":
        if check.get("error") is None:
            message = "an unverified check has no error explaining why"
            out.append((UNVERIFIED_WITHOUT_ERROR, where + "/error", message))
    elif status != "verified" and type(status) is str:
        shown = describe(where + "/status", status)
        message = f"check status {shown} is neither 'verified' nor 'unverified'"
        out.append((UNKNOWN_CHECK_STATUS, where + "/status", message))


# --- shared helpers ---------------------------------------------------------------------


def _check_options(options: Any, kind: Any, base: str, out: list[Finding]) -> None:
    if type(options) is not dict or options.get("document") is None:
        return
    if kind == "document" or (type(kind) is str and kind not in KNOWN_TYPES):
        return  # newer types (verification_flow) carry the flow's options
    message = f"options.document is set on a session or report of type {describe('/type', kind)}"
    out.append((OPTIONS_TYPE_MISMATCH, base + "/options/document", message))


def _looks_redacted(part: Any, fields: tuple[str, ...]) -> bool:
    return type(part) is dict and any(part.get(name) == REDACTED for name in fields)


def _personal_paths(
    part: dict[str, Any], base: str, spec: tuple[tuple[str, ...], tuple[str, ...]]
) -> list[str]:
    """Pointers of personal values that are present and not redacted."""
    strings, dates = spec
    found = [
        f"{base}/{name}"
        for name in strings
        if isinstance(part.get(name), str) and part[name] != REDACTED
    ]
    address = part.get("address")
    if type(address) is dict:
        found.extend(
            f"{base}/address/{line}"
            for line in _ADDRESS_LINES
            if isinstance(address.get(line), str) and address[line] != REDACTED
        )
    for name in dates:
        date = part.get(name)
        if type(date) is dict and _date_tuple(date) not in (PLACEHOLDER_DATE, (None, None, None)):
            found.append(f"{base}/{name}")
    return found


def _check_personal(
    part: dict[str, Any],
    base: str,
    spec: tuple[tuple[str, ...], tuple[str, ...]],
    redacted: bool,
    status: Any,
    out: list[Finding],
) -> None:
    if redacted:
        for where in _personal_paths(part, base, spec):
            out.append((REDACTION_INCOMPLETE, where, "a redacted object still holds personal data"))
    elif status != "verified" and _personal_paths(part, base, spec):
        message = (
            f"verified_outputs holds personal data but the status is {describe('/status', status)}"
        )
        out.append((UNVERIFIED_OUTPUTS, base, message))


def _date_tuple(date: dict[str, Any]) -> tuple[Any, Any, Any]:
    return (date.get("day"), date.get("month"), date.get("year"))


def _is_number(value: Any) -> bool:
    return (type(value) is int or type(value) is float) and value == value


def _check_date(date: Any, where: str, redacted: bool, out: list[Finding]) -> None:
    if type(date) is not dict:
        return
    day, month, year = _date_tuple(date)
    if redacted and (day, month, year) == PLACEHOLDER_DATE:
        return
    if _is_number(day) and not 1 <= day <= 31:
        out.append((INVALID_DATE, where + "/day", "day must be between 1 and 31"))
    if _is_number(month) and not 1 <= month <= 12:
        out.append((INVALID_DATE, where + "/month", "month must be between 1 and 12"))
    if _is_number(year) and not 1000 <= year <= 9999:
        out.append((INVALID_DATE, where + "/year", "year must have four digits"))


_CHECKERS: dict[str, Checker] = {SESSION: check_session, REPORT: check_report}
