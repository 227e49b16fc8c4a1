"""The Identity rule table: every rule the docs state that a schema cannot, each written once
(in the rule language of [`stripe_schemas.rules`][stripe_schemas.rules]) over the facts of `_facts`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..rules import (
    ABSENT,
    REDACTED,
    AllOf,
    AnyOf,
    Check,
    Cond,
    Empty,
    Gone,
    InRange,
    Is,
    Not,
    Null,
    OneOf,
    Prefixed,
    Present,
    Rule,
    SameAs,
    Versions,
    Where,
)
from ._facts import (
    API_2026,
    CHECK_STATUSES,
    CHECK_UNVERIFIED,
    CHECK_VERIFIED,
    CHECKS,
    DATE_RANGES,
    DATE_SCHEMAS,
    ID_PREFIXES,
    LINKS,
    MOVES,
    PERSONAL,
    REDACTED_DATE,
    REDACTED_TEXT,
    REDACTION_DONE,
    REPORT,
    REQUESTED_CHECKS,
    SECRET_FIELDS,
    SESSION,
    STATUSES,
    TERMINAL,
    TYPE_OPTIONS,
    TYPES,
    TYPES_2023,
    VERIFICATION_FLOW,
    VERIFIED,
    VERIFIED_OUTPUTS,
    Date,
    Part,
    Text,
)

__all__ = [
    "BEFORE_2026",
    "CHECK_OPTIONS_MISMATCH",
    "CHECK_OUTCOME_MISMATCH",
    "ERROR_ON_VERIFIED",
    "EVENT_STATUS_MISMATCH",
    "ID_PREFIX",
    "INVALID_DATE",
    "INVALID_EVENT",
    "INVALID_TRANSITION",
    "IS_REDACTED_DATE",
    "LEFT_TERMINAL_STATUS",
    "MISSING_CHECK",
    "MIXED_SESSIONS",
    "OPTIONS_TYPE_MISMATCH",
    "REDACTED_WHEN",
    "REDACTION_INCOMPLETE",
    "REPORT_SESSION_MISMATCH",
    "REPORT_TYPE_MISMATCH",
    "RETRY_WITHOUT_ERROR",
    "RULES",
    "RULES_BY_CODE",
    "SINCE_2026",
    "STORED_SECRET",
    "UNKNOWN_CHECK_STATUS",
    "UNKNOWN_ENUM_VALUE",
    "UNKNOWN_TYPE",
    "UNVERIFIED_OUTPUTS",
    "UNVERIFIED_WITHOUT_ERROR",
    "VERIFICATION_FLOW_MISMATCH",
    "WRONG_OBJECT_TAG",
]


def _either(names: tuple[str, ...] | list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _both(names: list[str]) -> str:
    return _either(names).replace(" or ", " and ")


def _personal_paths(schema: str, kind: type[Text | Date], prefix: str = "") -> list[str]:
    """Paths (`a/b`) of the personal fields of kind `kind` inside an object of `schema`."""
    found: list[str] = []
    for name, personal in PERSONAL.get(schema, {}).items():
        if isinstance(personal, kind):
            found.append(prefix + name)
        elif isinstance(personal, Part):
            found.extend(_personal_paths(personal.schema, kind, f"{prefix}{name}/"))
    return found


#: When an object counts as redacted, for the resources that can be: a session once its
#: redaction is done; a report inside a redacted session, or once one of its personal text
#: fields holds the placeholder (a standalone report does not say whether it was redacted).
#: An object nested in a redacted one is redacted too.
REDACTED_WHEN: Mapping[str, Cond] = MappingProxyType(
    {
        SESSION: Where("redaction/status", Is((REDACTION_DONE,))),
        REPORT: AnyOf(
            tuple(Where(path, Is((REDACTED_TEXT,))) for path in _personal_paths(REPORT, Text))
        ),
    }
)

_STATUS_IS = "status"


def _status_in(*statuses: str) -> Where:
    return Where(_STATUS_IS, Is(tuple(sorted(statuses))))


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
VERIFICATION_FLOW_MISMATCH = "verification_flow_mismatch"
CHECK_OPTIONS_MISMATCH = "check_options_mismatch"
CHECK_OUTCOME_MISMATCH = "check_outcome_mismatch"
INVALID_TRANSITION = "invalid_transition"
LEFT_TERMINAL_STATUS = "left_terminal_status"
RETRY_WITHOUT_ERROR = "retry_without_error"
EVENT_STATUS_MISMATCH = "event_status_mismatch"
INVALID_EVENT = "invalid_event"
MIXED_SESSIONS = "mixed_sessions"
#: Codes of the schema layer (the schema's own checks, listed in the table).
WRONG_OBJECT_TAG = "wrong_object_tag"
UNKNOWN_ENUM_VALUE = "unknown_enum_value"

_REPORT_FIELD = next(field for (owner, field), target in LINKS.items() if owner == SESSION)


def _id_checks() -> tuple[Check, ...]:
    """Each resource's `id`, and each field linking to another resource, has its prefix."""
    checks = [
        Check(
            (resource,),
            "id",
            Prefixed(ID_PREFIXES[resource]),
            "{field} should start with " + repr(ID_PREFIXES[resource]),
        )
        for resource in (SESSION, REPORT)
    ]
    checks += [
        Check(
            (owner,),
            field,
            Prefixed(ID_PREFIXES[target]),
            f"{{field}} should hold an ID starting with {ID_PREFIXES[target]!r}",
        )
        for (owner, field), target in LINKS.items()
    ]
    return tuple(checks)


#: A date that is the placeholder a redaction writes (its parts, whatever else it holds).
IS_REDACTED_DATE: Cond = AllOf(
    tuple(Where(unit, Is((value,))) for unit, value in REDACTED_DATE.items())
)


def _date_checks() -> tuple[Check, ...]:
    """Each part of a calendar date in range, but for the placeholder date of a redaction."""
    return tuple(
        Check(
            DATE_SCHEMAS,
            unit,
            InRange(low, high),
            f"{unit} must be between {low} and {high}",
            when=Not(AllOf((REDACTED, IS_REDACTED_DATE))),
        )
        for unit, (low, high) in DATE_RANGES.items()
    )


def _options_checks() -> tuple[Check, ...]:
    """`options.<key>` only on sessions and reports of the type the key belongs to; a type
    unknown to the version (a newer one) carries options of its own."""
    return tuple(
        Check(
            (SESSION, REPORT),
            f"options/{key}",
            Null(),
            f"options.{key} is set on a session or report of another type than {owner!r}",
            when=Where("type", Is((*(t for t in TYPES_2023 if t != owner), None, ABSENT))),
        )
        for key, owner in TYPE_OPTIONS.items()
    )


BEFORE_2026 = Versions(until=API_2026)
SINCE_2026 = Versions(since=API_2026)


def _type_checks() -> tuple[Check, ...]:
    """`type` is one of the version's types."""
    return tuple(
        Check(
            (SESSION, REPORT),
            "type",
            OneOf(types),
            "type {value} is not known to this API version",
            versions=versions,
        )
        for types, versions in ((TYPES_2023, BEFORE_2026), (TYPES, SINCE_2026))
    )


def _flow_checks() -> tuple[Check, ...]:
    """A verification flow's session (or report) names its flow, and only such one does."""
    flow = Where("type", Is((VERIFICATION_FLOW,)))
    return (
        Check(
            (SESSION, REPORT),
            VERIFICATION_FLOW,
            Present(),
            "a session or report of type verification_flow names no verification flow",
            when=flow,
            versions=SINCE_2026,
        ),
        Check(
            (SESSION, REPORT),
            VERIFICATION_FLOW,
            Null(),
            "{field} is set on a session or report of another type than verification_flow",
            when=Not(flow),
            versions=SINCE_2026,
        ),
    )


def _requested(check: str) -> Where:
    return Where(f"options/{check}/require_verification", Is((True,)))


#: The expanded report is there (an object: it has an `id`).
_EXPANDED = Where(f"{next(f for (o, f) in LINKS if o == SESSION)}/id", Present())


def _requested_checks() -> tuple[Check, ...]:
    """An expanded report holds the email and phone checks its session's options ask for, and
    (but for a verification flow, whose options live in the flow) no other."""
    out: list[Check] = []
    report = next(f for (o, f) in LINKS if o == SESSION)
    not_flow = Not(Where("type", Is((VERIFICATION_FLOW,))))
    for check in REQUESTED_CHECKS:
        out.append(
            Check(
                (SESSION,),
                f"{report}/{check}",
                Present(),
                f"the session's options ask for a {check} check, which its report does not hold",
                when=AllOf((_EXPANDED, _requested(check))),
                versions=SINCE_2026,
            )
        )
        out.append(
            Check(
                (SESSION,),
                f"{report}/{check}",
                Null(),
                f"the report holds a {check} check the session's options did not ask for",
                when=AllOf((_EXPANDED, not_flow, Not(_requested(check)))),
                versions=SINCE_2026,
            )
        )
    return tuple(out)


def _check_outcomes() -> tuple[Check, ...]:
    """The email and phone checks agree with the session's outcome: all verified on a
    verified session; the one a session failed on (its `last_error.code` is that check's)
    unverified, with the same error code."""
    out: list[Check] = []
    report = next(f for (o, f) in LINKS if o == SESSION)
    for check in REQUESTED_CHECKS:
        failed_on = AllOf(
            (
                _EXPANDED,
                Where("last_error/code", Present()),
                Where("last_error/code", Prefixed(f"{check}_")),
            )
        )
        out += [
            Check(
                (SESSION,),
                f"{report}/{check}/status",
                Is((CHECK_VERIFIED, ABSENT)),
                f"the {check} check of a verified session's report is not verified",
                when=AllOf((_EXPANDED, Where("status", Is((VERIFIED,))))),
                versions=SINCE_2026,
            ),
            Check(
                (SESSION,),
                f"{report}/{check}/status",
                Is((CHECK_UNVERIFIED,)),
                f"the session failed on its {check} check, which its report has as verified",
                when=failed_on,
                versions=SINCE_2026,
            ),
            Check(
                (SESSION,),
                f"{report}/{check}/error/code",
                SameAs("last_error/code"),
                f"the {check} check's error code differs from the session's last_error code",
                when=failed_on,
                versions=SINCE_2026,
            ),
        ]
    return tuple(out)


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
        f"session IDs start `{ID_PREFIXES[SESSION]}`, report IDs `{ID_PREFIXES[REPORT]}`"
        " (documented by example only)",
        checks=_id_checks(),
    ),
    Rule(
        STORED_SECRET,
        "warning",
        "warning",
        "/".join(f"`{name}`" for name in sorted(SECRET_FIELDS[SESSION]))
        + " are single-use and short-lived; a finished session should not keep them",
        checks=tuple(
            Check(
                (SESSION,),
                name,
                Null(),
                "a finished session still carries {field}, a single-use, short-lived secret",
                when=_status_in(*TERMINAL),
            )
            for name in sorted(SECRET_FIELDS[SESSION])
        ),
    ),
    Rule(
        ERROR_ON_VERIFIED,
        "warning",
        "warning",
        f"a `{VERIFIED}` session should not carry a `last_error.code`",
        checks=(
            Check(
                (SESSION,),
                "last_error/code",
                Null(),
                f"a {VERIFIED} session carries a last_error code",
                when=_status_in(VERIFIED),
            ),
        ),
    ),
    Rule(
        UNVERIFIED_OUTPUTS,
        "warning",
        "warning",
        f"personal data in `verified_outputs` of a session that is not `{VERIFIED}`",
        checks=(
            Check(
                (SESSION,),
                "verified_outputs",
                Gone(VERIFIED_OUTPUTS),
                "{field} holds personal data but the session is not " + VERIFIED,
                when=AllOf((Not(_status_in(VERIFIED)), Not(REDACTED))),
                point="field",
            ),
        ),
    ),
    Rule(
        REDACTION_INCOMPLETE,
        "error",
        "error",
        "a redacted object keeps no personal data (placeholders or null) and no `metadata`",
        checks=(
            *(
                Check(
                    (resource,),
                    name,
                    Gone(personal.schema),
                    "a redacted object still holds personal data",
                    when=REDACTED,
                )
                for resource in (SESSION, REPORT)
                for name, personal in PERSONAL[resource].items()
                if isinstance(personal, Part)
            ),
            Check(
                (SESSION,),
                "metadata",
                Empty(),
                "a redacted session still has metadata",
                when=REDACTED,
            ),
        ),
    ),
    Rule(
        UNKNOWN_TYPE,
        "warning",
        "notice",
        f"`type` is {_either(TYPES_2023)} (before {API_2026}), or {_either(TYPES)}",
        checks=_type_checks(),
    ),
    Rule(
        OPTIONS_TYPE_MISMATCH,
        "warning",
        "warning",
        "; ".join(
            f'`options.{key}` belongs to `type == "{kind}"`' for key, kind in TYPE_OPTIONS.items()
        ),
        checks=_options_checks(),
    ),
    Rule(
        REPORT_SESSION_MISMATCH,
        "error",
        "error",
        "an expanded report's `verification_session` is this session's `id`",
        checks=(
            Check(
                (SESSION,),
                f"{_REPORT_FIELD}/verification_session",
                SameAs("id"),
                "the expanded report belongs to another session",
                when=Where("id", Present()),
            ),
        ),
    ),
    Rule(
        REPORT_TYPE_MISMATCH,
        "error",
        "error",
        "an expanded report has the same `type` as its session",
        checks=(
            Check(
                (SESSION,),
                f"{_REPORT_FIELD}/type",
                SameAs("type"),
                "the expanded report's type {value} differs from the session's",
                when=AllOf((Where("type", Present()), Where(f"{_REPORT_FIELD}/type", Present()))),
            ),
        ),
    ),
    Rule(
        MISSING_CHECK,
        "error",
        "error",
        f"a report has the check its `type` names ({_either(TYPES_2023)})",
        checks=tuple(
            Check(
                (REPORT,),
                kind,
                Present(),
                f"a {kind} report has no {kind} check",
                when=Where("type", Is((kind,))),
            )
            for kind in TYPES_2023
        ),
    ),
    Rule(
        UNKNOWN_CHECK_STATUS,
        "warning",
        "notice",
        f"a check's `status` is {_either(CHECK_STATUSES)}",
        checks=(
            Check(
                tuple(CHECKS.values()),
                "status",
                OneOf(CHECK_STATUSES),
                "check status {value} is neither " + " nor ".join(repr(s) for s in CHECK_STATUSES),
            ),
        ),
    ),
    Rule(
        UNVERIFIED_WITHOUT_ERROR,
        "error",
        "error",
        f"an `{CHECK_UNVERIFIED}` check carries an `error` saying why",
        checks=(
            Check(
                tuple(CHECKS.values()),
                "error",
                Present(),
                f"an {CHECK_UNVERIFIED} check has no error explaining why",
                when=Where("status", Is((CHECK_UNVERIFIED,))),
            ),
        ),
    ),
    Rule(
        INVALID_DATE,
        "error",
        "error",
        ", ".join(f"`{part}` {low}-{high}" for part, (low, high) in DATE_RANGES.items())
        + " ({} only when redacted)".format("-".join(str(v) for v in REDACTED_DATE.values())),
        checks=_date_checks(),
    ),
    Rule(
        VERIFICATION_FLOW_MISMATCH,
        "error",
        "error",
        f"`type: {VERIFICATION_FLOW}` goes with a `{VERIFICATION_FLOW}` value, and only it"
        f" (from {API_2026})",
        checks=_flow_checks(),
    ),
    Rule(
        CHECK_OPTIONS_MISMATCH,
        "warning",
        "warning",
        "an expanded report holds the "
        + " and ".join(REQUESTED_CHECKS)
        + " checks its session's options ask for (`require_verification`), and no others"
        f" (from {API_2026}; a verification flow's options live in the flow)",
        checks=_requested_checks(),
    ),
    Rule(
        CHECK_OUTCOME_MISMATCH,
        "error",
        "error",
        "the "
        + " and ".join(REQUESTED_CHECKS)
        + " checks agree with the session: verified on a verified session; the one its"
        " `last_error.code` names unverified, with that code (from " + API_2026 + ")",
        checks=_check_outcomes(),
    ),
    Rule(
        INVALID_TRANSITION,
        "error",
        "error",
        "only documented status moves happen",
        "lifecycle",
    ),
    Rule(
        LEFT_TERMINAL_STATUS,
        "error",
        "error",
        f"{_both(sorted(TERMINAL, key=STATUSES.index))} are terminal",
        "lifecycle",
    ),
    Rule(
        RETRY_WITHOUT_ERROR,
        "warning",
        "warning",
        ", ".join(f"`{m.source} → {m.target}`" for m in MOVES if m.needs_error)
        + " comes with a `last_error`",
        "lifecycle",
    ),
    Rule(
        EVENT_STATUS_MISMATCH,
        "error",
        "error",
        "an event's type agrees with its object's status",
        "lifecycle",
    ),
    Rule(
        INVALID_EVENT,
        "error",
        "error",
        "each item is a session or a session event",
        "lifecycle",
    ),
    Rule(
        MIXED_SESSIONS,
        "error",
        "error",
        "a history follows one session `id`",
        "lifecycle",
    ),
)
RULES_BY_CODE: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in RULES})
