"""An independent oracle: Stripe Identity's documented behaviour, written out for the tests.

Nothing here comes from ``stripe_schemas.identity`` or the validator: each fact is
restated from Stripe's documentation (how sessions work, the Verification Sessions
API guide and its redacted example, the cancel/redact references, the metadata
guide). Tests compare what the strategies draw and what the validator says with
these small predicates, so a wrong entry in the rule table cannot vouch for itself.
"""

from __future__ import annotations

import time
from typing import Any

STATUSES = ("requires_input", "processing", "verified", "canceled")
#: How sessions work: created in requires_input; submitted → processing; processing →
#: verified, or back to requires_input when a check fails; requires_input → canceled.
MOVES = {
    ("requires_input", "processing"),
    ("processing", "verified"),
    ("processing", "requires_input"),
    ("requires_input", "canceled"),
}
TERMINAL = {"verified", "canceled"}
#: Event types and the status their session has (redacted: any status, with a redaction).
EVENTS = {
    "identity.verification_session.created": "requires_input",
    "identity.verification_session.processing": "processing",
    "identity.verification_session.requires_input": "requires_input",
    "identity.verification_session.verified": "verified",
    "identity.verification_session.canceled": "canceled",
    "identity.verification_session.redacted": None,
}
PLACEHOLDER = "[redacted]"
PLACEHOLDER_DOB = {"day": 1, "month": 1, "year": 1}
LAUNCH = 1609459200  # 2021-01-01: Identity sessions are not older
#: What the documented redacted session replaces in verified_outputs (country is kept).
REDACTED_OUTPUT_TEXT = ("first_name", "last_name", "id_number")
REDACTED_ADDRESS_LINES = ("line1", "line2", "city", "state", "postal_code")
#: Since 2026's API (and a while before it), a person's email, phone, sex (as read, and
#: its unparsed text) and place of birth are personal data too, wherever they appear.
NEWER_PERSONAL_TEXT = ("email", "phone", "sex", "unparsed_sex", "unparsed_place_of_birth")
#: Verification types: a session can run a verification flow from the Dashboard (today's API).
TYPES = ("document", "id_number", "verification_flow")
TYPES_2023 = ("document", "id_number")
#: The checks a report holds; email and phone checks are asked for in a session's options.
CHECK_NAMES = ("document", "id_number", "selfie", "email", "phone")
ASKED_FOR = ("email", "phone")


def _real_text(value: Any) -> bool:
    return isinstance(value, str) and value != PLACEHOLDER


def _real_date(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    parts = {k: value.get(k) for k in ("day", "month", "year")}
    return parts != PLACEHOLDER_DOB and any(v is not None for v in parts.values())


def personal_left(person: Any) -> list[str]:
    """Names, ID number, address lines or date of birth that are real (not placeholders)."""
    if not isinstance(person, dict):
        return []
    texts = (*REDACTED_OUTPUT_TEXT, "number", *NEWER_PERSONAL_TEXT)
    left = [name for name in texts if _real_text(person.get(name))]
    address = person.get("address")
    if isinstance(address, dict):
        left += [
            f"address.{line}" for line in REDACTED_ADDRESS_LINES if _real_text(address.get(line))
        ]
    if _real_date(person.get("dob")):
        left.append("dob")
    return left


def date_problems(date: Any, redacted: bool) -> list[str]:
    if not isinstance(date, dict):
        return []
    if redacted and {k: date.get(k) for k in ("day", "month", "year")} == PLACEHOLDER_DOB:
        return []
    out = []
    day, month, year = date.get("day"), date.get("month"), date.get("year")
    if day is not None and not 1 <= day <= 31:
        out.append("day")
    if month is not None and not 1 <= month <= 12:
        out.append("month")
    if year is not None and not 1000 <= year <= 9999:
        out.append("year")
    return out


def metadata_problems(metadata: Any) -> list[str]:
    if not isinstance(metadata, dict):
        return ["metadata is not an object"]
    out = []
    if len(metadata) > 50:
        out.append("more than 50 keys")
    for key, value in metadata.items():
        if len(key) > 40 or "[" in key or "]" in key:
            out.append(f"bad key {key!r}")
        if not isinstance(value, str) or len(value) > 500:
            out.append("bad value")
    return out


def report_problems(
    report: dict[str, Any], in_redacted_session: bool = False, types: tuple[str, ...] = TYPES
) -> list[str]:
    """What Stripe's documentation says a verification report cannot look like."""
    out = []
    if not str(report.get("id", "")).startswith("vr_"):
        out.append("report id prefix")
    link = report.get("verification_session")
    if link is not None and not str(link).startswith("vs_"):
        out.append("session id prefix")
    kind = report.get("type")
    if kind is not None and kind not in types:
        out.append("unknown type")
    if kind in TYPES_2023 and report.get(kind) is None:
        out.append("no check for the type")
    if types == TYPES and (kind == "verification_flow") != bool(report.get("verification_flow")):
        out.append("verification flow and type disagree")
    options = report.get("options") or {}
    if options.get("document") is not None and kind != "document":
        out.append("document options on another type")
    checks = [report.get(name) for name in CHECK_NAMES]
    redacted = in_redacted_session or any(
        isinstance(check, dict)
        and any(
            check.get(f) == PLACEHOLDER
            for f in ("first_name", "last_name", "number", "id_number", *NEWER_PERSONAL_TEXT)
        )
        for check in checks
    )
    for check in checks:
        if not isinstance(check, dict):
            continue
        if check.get("status") not in ("verified", "unverified"):
            out.append("check status")
        if check.get("status") == "unverified" and check.get("error") is None:
            out.append("unverified without error")
        if redacted and personal_left(check):
            out.append("personal data left in a redacted report")
        for name in ("dob", "expiration_date", "issued_date"):
            out += [f"date {name}.{part}" for part in date_problems(check.get(name), redacted)]
    return out


def session_problems(
    session: dict[str, Any], now: int | None = None, types: tuple[str, ...] = TYPES
) -> list[str]:
    """What Stripe's documentation says a verification session cannot look like."""
    out = []
    now = int(time.time()) + 1 if now is None else now
    if not str(session.get("id", "")).startswith("vs_"):
        out.append("session id prefix")
    status = session.get("status")
    if status not in STATUSES:
        out.append("unknown status")
    if not LAUNCH <= session.get("created", 0) <= now:
        out.append("created out of range")
    if status in TERMINAL and (session.get("client_secret") or session.get("url")):
        out.append("finished session keeps its client secret or url")
    if status == "verified" and (session.get("last_error") or {}).get("code"):
        out.append("verified session with an error code")
    redaction = session.get("redaction") or {}
    redacted = redaction.get("status") == "redacted"
    outputs = session.get("verified_outputs")
    if redaction and status not in ("verified", "canceled"):
        out.append("redaction of a session that is neither verified nor canceled")
    if redacted:
        if session.get("metadata"):
            out.append("redacted session keeps metadata")
        if personal_left(outputs) or personal_left(session.get("provided_details")):
            out.append("redacted session keeps personal data")
    elif status != "verified" and personal_left(outputs):
        out.append("personal data on a session that is not verified")
    if isinstance(outputs, dict):
        out += [f"dob.{part}" for part in date_problems(outputs.get("dob"), redacted)]
    kind = session.get("type")
    if kind is not None and kind not in types:
        out.append("unknown type")
    if types == TYPES and (kind == "verification_flow") != bool(session.get("verification_flow")):
        out.append("verification flow and type disagree")
    if (session.get("options") or {}).get("document") is not None and kind != "document":
        out.append("document options on another type")
    out += metadata_problems(session.get("metadata"))
    report = session.get("last_verification_report")
    if isinstance(report, str) and not report.startswith("vr_"):
        out.append("report id prefix")
    if isinstance(report, dict):
        if report.get("verification_session") != session.get("id"):
            out.append("expanded report of another session")
        if kind is not None and report.get("type") not in (None, kind):
            out.append("expanded report of another type")
        out += report_problems(report, redacted, types)
        if types == TYPES:
            out += _asked_for_problems(session, report)
    return out


def _asked_for_problems(session: dict[str, Any], report: dict[str, Any]) -> list[str]:
    """The email and phone checks a session asks for are in its report, and no others (a flow's
    options live in the flow); they pass on a verified session; the one the session failed on
    (its last_error code names it) is unverified with that code."""
    out = []
    options = session.get("options") or {}
    code = (session.get("last_error") or {}).get("code")
    for name in ASKED_FOR:
        asked = (options.get(name) or {}).get("require_verification") is True
        check = report.get(name)
        if asked and check is None:
            out.append(f"asked for a {name} check, the report has none")
        if not asked and check is not None and session.get("type") != "verification_flow":
            out.append(f"a {name} check nobody asked for")
        if not isinstance(check, dict):
            continue
        if session.get("status") == "verified" and check.get("status") != "verified":
            out.append(f"verified session with an unverified {name} check")
        if isinstance(code, str) and code.startswith(name + "_"):
            if check.get("status") != "unverified":
                out.append(f"failed on its {name} check, which says verified")
            if (check.get("error") or {}).get("code") != code:
                out.append(f"the {name} check's error code is not the session's")
    return out


def history_problems(items: list[dict[str, Any]]) -> list[str]:
    """Documented moves only, terminal statuses never left, events agreeing with status."""
    out = []
    previous = None
    ident = None
    for item in items:
        session = item
        if item.get("object") == "event":
            kind = item.get("type")
            session = item["data"]["object"]
            expected = EVENTS.get(kind, "not a session event")
            if expected is None:
                if session.get("redaction") is None:
                    out.append("redacted event without a redaction")
            elif session.get("status") != expected and not (
                expected == "canceled" and session.get("redaction") is not None
            ):
                out.append(f"{kind} carries a {session.get('status')} session")
        ident = ident or session.get("id")
        if session.get("id") != ident:
            out.append("another session")
        status = session.get("status")
        if previous is not None and status != previous:
            if previous in TERMINAL:
                out.append(f"left {previous}")
            elif (previous, status) not in MOVES:
                out.append(f"{previous} -> {status}")
            elif status == "requires_input" and session.get("last_error") is None:
                out.append("back to requires_input without last_error")
        previous = status
    return out
