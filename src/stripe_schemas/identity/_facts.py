"""The facts of Stripe Identity: resources, IDs, secrets, personal data, dates, types, the
lifecycle and its events. Each written once; the rule table (`_rules`) and everything
else derive from them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = [
    "ADDRESS",
    "API_2023",
    "API_2026",
    "CANCELED",
    "CHECKS",
    "CHECK_STATUSES",
    "CHECK_UNVERIFIED",
    "CHECK_VERIFIED",
    "CREATED_FROM",
    "DATE_RANGES",
    "DATE_SCHEMAS",
    "DOCUMENT_CHECK",
    "Date",
    "EMAIL_CHECK",
    "EVENT",
    "EVENT_PREFIX",
    "EVENT_STATUS",
    "FILE",
    "ID_NUMBER_CHECK",
    "ID_PREFIXES",
    "INITIAL_STATUS",
    "KEPT",
    "Kept",
    "LINKS",
    "METADATA_KEY_FORBIDDEN",
    "METADATA_MAX_KEYS",
    "METADATA_MAX_KEY_LENGTH",
    "METADATA_MAX_VALUE_LENGTH",
    "MOVES",
    "Move",
    "PERSONAL",
    "PERSONAL_FIELDS",
    "PHONE_CHECK",
    "PROCESSING",
    "PROVIDED_DETAILS",
    "Part",
    "Personal",
    "REDACTABLE",
    "REDACTED_DATE",
    "REDACTED_TEXT",
    "REDACTION_DONE",
    "REDACTION_PENDING",
    "REDACTION_STATUSES",
    "REPORT",
    "REQUESTED_CHECKS",
    "REQUIRES_INPUT",
    "SECRET_FIELDS",
    "SELFIE_CHECK",
    "SENT_ON_REDACTION",
    "SESSION",
    "STATUSES",
    "TERMINAL",
    "TEXT",
    "TYPES",
    "TYPES_2023",
    "TYPE_OPTIONS",
    "Text",
    "VERIFICATION_FLOW",
    "VERIFIED",
    "VERIFIED_OUTPUTS",
]


# --- resources and schema keys ----------------------------------------------------------

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
EVENT = "event"
FILE = "file"
#: The API versions whose facts differ: the 2023-08-16 API, and today's (from which on
#: sessions and reports have verification flows, email and phone checks and provided
#: details). A fact is dated from the first of the bundled versions that has it.
API_2023 = "2023-08-16"
API_2026 = "2026-09-30.endive"

#: Schema keys of the parts that hold personal data.
VERIFIED_OUTPUTS = "gelato_verified_outputs"
PROVIDED_DETAILS = "gelato_provided_details"
ADDRESS = "address"
DOCUMENT_CHECK = "gelato_document_report"
ID_NUMBER_CHECK = "gelato_id_number_report"
SELFIE_CHECK = "gelato_selfie_report"
EMAIL_CHECK = "gelato_email_report"
PHONE_CHECK = "gelato_phone_report"

#: The checks a report can hold → their schema keys; a report of type `t` has check `t`.
#: (The email and phone checks exist from `API_2026` on.)
CHECKS: Mapping[str, str] = MappingProxyType(
    {
        "document": DOCUMENT_CHECK,
        "id_number": ID_NUMBER_CHECK,
        "selfie": SELFIE_CHECK,
        "email": EMAIL_CHECK,
        "phone": PHONE_CHECK,
    }
)
#: The checks a session asks for in its options (`options.<check>.require_verification`).
REQUESTED_CHECKS: tuple[str, ...] = ("email", "phone")

#: Object IDs start with a prefix naming the resource (documented by example only).
ID_PREFIXES: Mapping[str, str] = MappingProxyType(
    {SESSION: "vs_", REPORT: "vr_", EVENT: "evt_", FILE: "file_"}
)
#: Fields that hold another resource's ID: (schema key, field) → the resource it names.
LINKS: Mapping[tuple[str, str], str] = MappingProxyType(
    {(SESSION, "last_verification_report"): REPORT, (REPORT, "verification_session"): SESSION}
)

# --- secrets, personal data and redaction -----------------------------------------------

#: `client_secret` is single-use and short-lived; `url` carries the same secret.
SECRET_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {SESSION: frozenset({"client_secret", "url"})}
)

#: What a redaction writes in place of personal text.
REDACTED_TEXT = "[redacted]"
#: What a redaction writes in place of a date of birth: day 1, month 1, year 1.
REDACTED_DATE: Mapping[str, int] = MappingProxyType({"day": 1, "month": 1, "year": 1})


@attrs.frozen
class Text:
    """Personal text: a redaction replaces it with `REDACTED_TEXT` (null stays null)."""


@attrs.frozen
class Date:
    """A personal date (an object of schema `schema`): redaction writes `REDACTED_DATE`."""

    schema: str


@attrs.frozen
class Part:
    """An object of schema `schema` holding personal fields of its own (listed in PERSONAL)."""

    schema: str


@attrs.frozen
class Kept:
    """Personal, but kept by a redaction (file IDs: their files stop being downloadable)."""


TEXT = Text()
KEPT = Kept()
Personal = Text | Date | Part | Kept

#: Schema key → personal field → what it is and what a redaction does to it.
#:
#: Checked against Stripe's documented redacted session: names and address lines become
#: `"[redacted]"`, the date of birth 1/1/1, `metadata` is emptied, and
#: `verified_outputs.address.country` is kept (a country alone is not personal data).
#: Reports are redacted with their session; their file IDs stay, the files become
#: undownloadable.
_PERSONAL: dict[str, dict[str, Personal]] = {
    SESSION: {
        "verified_outputs": Part(VERIFIED_OUTPUTS),
        "provided_details": Part(PROVIDED_DETAILS),
    },
    VERIFIED_OUTPUTS: {
        "first_name": TEXT,
        "last_name": TEXT,
        "id_number": TEXT,
        "address": Part(ADDRESS),
        "dob": Date("gelato_data_verified_outputs_date"),
        "email": TEXT,
        "phone": TEXT,
        "sex": TEXT,
        "unparsed_sex": TEXT,
        "unparsed_place_of_birth": TEXT,
    },
    PROVIDED_DETAILS: {"email": TEXT, "phone": TEXT},
    ADDRESS: {
        "line1": TEXT,
        "line2": TEXT,
        "city": TEXT,
        "state": TEXT,
        "postal_code": TEXT,
    },
    REPORT: {name: Part(schema) for name, schema in CHECKS.items()},
    DOCUMENT_CHECK: {
        "first_name": TEXT,
        "last_name": TEXT,
        "number": TEXT,
        "address": Part(ADDRESS),
        "dob": Date("gelato_data_document_report_date_of_birth"),
        "files": KEPT,
        "sex": TEXT,
        "unparsed_sex": TEXT,
        "unparsed_place_of_birth": TEXT,
    },
    ID_NUMBER_CHECK: {
        "first_name": TEXT,
        "last_name": TEXT,
        "id_number": TEXT,
        "dob": Date("gelato_data_id_number_report_date"),
    },
    SELFIE_CHECK: {"document": KEPT, "selfie": KEPT},
    EMAIL_CHECK: {"email": TEXT},
    PHONE_CHECK: {"phone": TEXT},
}
PERSONAL: Mapping[str, Mapping[str, Personal]] = MappingProxyType(
    {key: MappingProxyType(fields) for key, fields in _PERSONAL.items()}
)


def _personal_fields() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {key: set(fields) for key, fields in PERSONAL.items()}
    for fields in PERSONAL.values():
        for kind in fields.values():
            if isinstance(kind, Date):
                found.setdefault(kind.schema, set()).update(REDACTED_DATE)
    return {key: frozenset(names) for key, names in found.items()}


#: Schema key → wire names whose values are personal data (derived from `PERSONAL`).
PERSONAL_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(_personal_fields())

#: `metadata` limits: keys, key length (no square brackets), value length.
METADATA_MAX_KEYS = 50
METADATA_MAX_KEY_LENGTH = 40
METADATA_KEY_FORBIDDEN = "[]"
METADATA_MAX_VALUE_LENGTH = 500

# --- dates ------------------------------------------------------------------------------

#: Schema keys of calendar dates (`{day, month, year}` objects): the personal dates of
#: birth (`PERSONAL`) and a document's expiry and issue dates.
DATE_SCHEMAS: tuple[str, ...] = (
    *sorted(
        {
            kind.schema
            for fields in PERSONAL.values()
            for kind in fields.values()
            if isinstance(kind, Date)
        }
    ),
    "gelato_data_document_report_expiration_date",
    "gelato_data_document_report_issued_date",
)
#: Valid range of each date part (inclusive); a year has four digits.
DATE_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"day": (1, 31), "month": (1, 12), "year": (1000, 9999)}
)
#: Stripe Identity launched in 2021: no session or report is older (unix time, UTC).
CREATED_FROM = 1_609_459_200

# --- types, options and checks ----------------------------------------------------------

#: Verification types of the 2023-08-16 API, and of today's (a session can run a
#: verification flow set up in the Dashboard; it names it in `verification_flow`).
TYPES_2023: tuple[str, ...] = ("document", "id_number")
VERIFICATION_FLOW = "verification_flow"
TYPES: tuple[str, ...] = (*TYPES_2023, VERIFICATION_FLOW)
#: `options.<key>` belongs to sessions and reports of this type.
TYPE_OPTIONS: Mapping[str, str] = MappingProxyType({"document": "document"})
#: A check's outcome; an unverified check carries an `error`.
CHECK_VERIFIED = "verified"
CHECK_UNVERIFIED = "unverified"
CHECK_STATUSES: tuple[str, ...] = (CHECK_VERIFIED, CHECK_UNVERIFIED)

# --- the lifecycle ----------------------------------------------------------------------

REQUIRES_INPUT = "requires_input"
PROCESSING = "processing"
VERIFIED = "verified"
CANCELED = "canceled"
STATUSES: tuple[str, ...] = (REQUIRES_INPUT, PROCESSING, VERIFIED, CANCELED)
INITIAL_STATUS = REQUIRES_INPUT
#: Nothing leaves these (only a redaction still changes such a session).
TERMINAL = frozenset({VERIFIED, CANCELED})

EVENT_PREFIX = "identity.verification_session."


@attrs.frozen
class Move:
    """A documented status change: the action, from/to statuses and the event it sends."""

    action: str
    source: str
    target: str
    event: str
    #: The move comes with a `last_error` saying why.
    needs_error: bool = False


MOVES: tuple[Move, ...] = (
    Move("submit", REQUIRES_INPUT, PROCESSING, EVENT_PREFIX + PROCESSING),
    Move("verify", PROCESSING, VERIFIED, EVENT_PREFIX + VERIFIED),
    Move("fail", PROCESSING, REQUIRES_INPUT, EVENT_PREFIX + REQUIRES_INPUT, True),
    Move("cancel", REQUIRES_INPUT, CANCELED, EVENT_PREFIX + CANCELED),
)

#: Statuses a redaction may start from → the status it leaves (redacting a
#: `requires_input` session cancels it; a `processing` one must finish first).
REDACTABLE: Mapping[str, str] = MappingProxyType({REQUIRES_INPUT: CANCELED, VERIFIED: VERIFIED})
#: `redaction.status` values: under way, then done (the personal data is gone).
REDACTION_PENDING = "processing"
REDACTION_DONE = "redacted"
REDACTION_STATUSES: tuple[str, ...] = (REDACTION_PENDING, REDACTION_DONE)

#: Session event type → the status its session has (`None`: it has a `redaction`).
EVENT_STATUS: Mapping[str, str | None] = MappingProxyType(
    {
        EVENT_PREFIX + "created": INITIAL_STATUS,
        **{move.event: move.target for move in MOVES},
        EVENT_PREFIX + REDACTION_DONE: None,
    }
)
#: Events also sent when a redaction changes the status (of any session being redacted).
SENT_ON_REDACTION = frozenset({EVENT_PREFIX + CANCELED})
