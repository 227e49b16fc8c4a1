"""Stripe Identity payloads that satisfy every rule: sessions, reports, events and histories.

`Sampler` decides the fields the rules of [`stripe_schemas.identity`][stripe_schemas.identity] constrain
(status and secrets, redaction and placeholders, the expanded report and its checks,
type and options, dates) and lets the `Walker` fill in the rest from
the JSON Schema document. Every decision goes through a `Source`.

Personal data here is made up: names, addresses and numbers from small pools of our
own, now and then replaced by free text as long as the field allows.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable
from typing import Any

from .. import identity as facts
from ..identity import EVENT, REPORT, SESSION, Date, Part, Text
from ._source import Source
from ._walk import ABSENT, KEY_ALPHABET, P_OPTIONAL, Maybe, Walker

#: How often a session with a report has it expanded; a redactable session is redacted
#: (done, or under way); an open session had a failed attempt before.
P_EXPANDED = 0.35
P_REDACTED = 0.3
P_REDACTING = 0.2
P_FAILED = 0.5
#: How often a session asks for an email or a phone check (in versions that have them).
P_REQUESTED = 0.3
#: How often a history step cancels or redacts the session rather than moving on.
P_ENDING = 0.25
#: How often a made-up personal value is replaced by free text (maybe at its maxLength).
P_FREE_TEXT = 0.1
MAX_STEPS = 8

FIRST_NAMES = ("Ada", "Jenny", "Zoë", "José", "Ólafur", "Søren", "Łukasz", "Иван", "さくら", "Mía")
LAST_NAMES = ("Rosen", "Lovelace", "Müller", "García", "Ørsted", "Dvořák", "O'Brien", "Nakamura")
LINES = ("1234 Main St.", "1 Example Street", "22 Rue de l'Église", "Hauptstraße 5", "7 Ōdōri")
CITIES = ("San Francisco", "London", "São Paulo", "Zürich", "Kraków", "Singapore", "Sapporo")
STATES = ("CA", "NY", "TX", "SP", "ZH")
POSTAL_CODES = ("94111", "N1 0AA", "01310-100", "8001", "31-000", "049145")
COUNTRIES = ("US", "GB", "BR", "CH", "PL", "SG", "JP", "FR", "DE")
EMAIL_DOMAINS = ("example.com", "example.org", "mail.example", "exemple.fr")
SEXES = ("female", "male", "unknown")
PLACES = ("London", "São Paulo", "Zürich", "Kraków", "Sapporo", "Lagos")
REASONS = (
    "We could not read the document.",
    "The photo does not match the document.",
    "The person left before finishing.",
    "Ce document a expiré.",
)
#: Fields the rules read (an unknown value there is not a notice only).
_RULE_READ = frozenset({"object", "status", "type"}).union(*facts.PERSONAL_FIELDS.values())
#: Fields a newer API version may send (those the document does not know are used).
NEWER_FIELDS = ("client_reference_id", "related_customer", "provided_details", "related_person")


def _statuses(status: str | Collection[str] | None) -> tuple[str, ...]:
    wanted = (status,) if isinstance(status, str) else tuple(status or facts.STATUSES)
    unknown = [s for s in wanted if s not in facts.STATUSES]
    if unknown or not wanted:
        raise ValueError(f"status must be among {facts.STATUSES}, not {unknown or wanted!r}")
    return wanted


def check_filters(
    status: str | Collection[str] | None = None,
    type: str | None = None,
    redacted: bool | None = None,
) -> tuple[str, ...]:
    """The statuses to draw from, checked against each other (`ValueError` if impossible)."""
    statuses = _statuses(status)
    if type is not None and type not in facts.TYPES:
        raise ValueError(f"type must be one of {facts.TYPES}, not {type!r}")
    if redacted:
        statuses = tuple(s for s in statuses if s in set(facts.REDACTABLE.values()))
        if not statuses:
            left = sorted(set(facts.REDACTABLE.values()))
            raise ValueError(f"a redacted session has status {' or '.join(left)}")
    return statuses


def redact(value: dict[str, Any], schema: str) -> dict[str, Any]:
    """What a redaction leaves of `value` (of schema `schema`): placeholders, kept fields."""
    out = dict(value)
    for name, kind in facts.PERSONAL.get(schema, {}).items():
        found = out.get(name)
        if isinstance(kind, Text) and isinstance(found, str):
            out[name] = facts.REDACTED_TEXT
        elif isinstance(kind, Date) and isinstance(found, dict):
            if any(found.get(unit) is not None for unit in facts.DATE_RANGES):
                out[name] = dict(facts.REDACTED_DATE)
        elif isinstance(kind, Part) and isinstance(found, dict):
            out[name] = redact(found, kind.schema)
    return out


def redact_session(session: dict[str, Any]) -> dict[str, Any]:
    """A session once its redaction is done (with its expanded report, if any)."""
    out = redact(session, SESSION)
    out["redaction"] = {"status": facts.REDACTION_DONE}
    out["metadata"] = {}
    for (owner, field), target in facts.LINKS.items():
        if owner == SESSION and isinstance(out.get(field), dict):
            out[field] = redact(out[field], target)
    return out


class Sampler:
    """Draws Stripe Identity payloads that satisfy every rule."""

    def __init__(self, walker: Walker) -> None:
        self.w = walker
        self.options_key = walker.target(SESSION, "options")
        self.report_options_key = walker.target(REPORT, "options")
        self.outputs_key = walker.target(SESSION, "verified_outputs")
        self.error_key = walker.target(SESSION, "last_error")
        self.redaction_key = walker.target(SESSION, "redaction")
        session = walker.properties(SESSION)
        #: What this document's API version has: its types, whether a session always says
        #: its type, the checks options can ask for, verification flows.
        self.types: tuple[str, ...] = tuple(walker.enum(SESSION, "type"))
        self.type_required = "type" in walker.required(SESSION)
        options = walker.properties(self.options_key)
        self.requestable = tuple(c for c in facts.REQUESTED_CHECKS if c in options)
        self.flows = facts.VERIFICATION_FLOW in session
        report = walker.properties(REPORT)
        self.checks = tuple(name for name in facts.CHECKS if name in report)

    # --- people -----------------------------------------------------------------------

    def pick(self, src: Source, pool: tuple[str, ...], key: str, name: str) -> str:
        """A value from `pool`, or now and then free text (maybe at the field's maxLength)."""
        if src.chance(P_FREE_TEXT):
            return self.w.text(src, self.w.max_length(key, name))
        return src.choice(pool)

    def date(self, src: Source, key: str, first_year: int, last_year: int) -> dict[str, Any]:
        return self.w.fill(
            key,
            src,
            {
                "day": src.integer(1, 28),
                "month": src.integer(1, 12),
                "year": src.integer(first_year, last_year),
            },
        )

    def address(self, src: Source) -> dict[str, Any]:
        key = facts.ADDRESS
        return self.w.fill(
            key,
            src,
            {
                "city": self.pick(src, CITIES, key, "city"),
                "country": src.choice(COUNTRIES),
                "line1": self.pick(src, LINES, key, "line1"),
                "line2": Maybe(src.choice([None, None, "Apt 4", "2º B"])),
                "postal_code": self.pick(src, POSTAL_CODES, key, "postal_code"),
                "state": Maybe(src.choice([None, *STATES])),
            },
        )

    def id_number(self, src: Source, kind: str) -> str:
        digits = "".join(str(src.integer(0, 9)) for _ in range(11))
        if kind == "br_cpf":
            return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:11]}"
        if kind == "sg_nric":
            return f"S{digits[:7]}{src.choice('ABCDEFGHIZJ')}"
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:9]}"

    def person(self, src: Source) -> dict[str, Any]:
        """Made-up personal data, shared by a session's outputs and its report."""
        key = self.outputs_key
        id_type = src.choice(self.w.enum(key, "id_number_type"))
        now_year = 1970 + self.w.now // 31_556_952
        first, last = src.choice(FIRST_NAMES), src.choice(LAST_NAMES)
        handle = "".join(c for c in f"{first}.{last}".lower() if c.isascii() and c != "'")
        return {
            "first_name": self.pick(src, FIRST_NAMES, key, "first_name"),
            "last_name": self.pick(src, LAST_NAMES, key, "last_name"),
            "address": self.address(src),
            "dob": (src.integer(1, 28), src.integer(1, 12), src.integer(1930, now_year - 18)),
            "id_number": self.id_number(src, id_type),
            "id_number_type": id_type,
            "email": f"{handle or 'someone'}@{src.choice(EMAIL_DOMAINS)}",
            "phone": "+1555" + "".join(str(src.integer(0, 9)) for _ in range(7)),
            "sex": src.choice(SEXES),
            "place_of_birth": src.choice(PLACES),
        }

    def dob(self, src: Source, key: str, person: dict[str, Any]) -> dict[str, Any]:
        day, month, year = person["dob"]
        return self.w.fill(key, src, {"day": day, "month": month, "year": year})

    def nothing_personal(self, src: Source, key: str) -> dict[str, Any]:
        """An object of `key` whose personal fields are all null (or absent)."""
        return self.w.fill(key, src, {name: Maybe(None) for name in facts.PERSONAL[key]})

    # --- sessions ---------------------------------------------------------------------

    def session(
        self,
        src: Source,
        statuses: tuple[str, ...] = facts.STATUSES,
        type: str | None = None,
        expanded: bool | None = None,
        redacted: bool | None = None,
        livemode: bool | None = None,
    ) -> dict[str, Any]:
        """A verification session in one of `statuses` that breaks no rule."""
        status = src.choice(statuses)
        kind = type if type is not None else src.choice(self.types)
        typed = type is not None or self.type_required or src.chance(0.9)
        live = livemode if livemode is not None else src.chance(0.5)
        ident = self.w.new_id(src, SESSION)
        created = self.w.created(src)
        redaction: str | None = None
        if status in facts.REDACTABLE.values():
            if redacted or (redacted is None and src.chance(P_REDACTED)):
                redaction = facts.REDACTION_DONE
            elif redacted is None and src.chance(P_REDACTING):
                redaction = facts.REDACTION_PENDING
        failed = status == facts.REQUIRES_INPUT and (expanded or src.chance(P_FAILED))
        has_report = bool(
            expanded
            or status == facts.VERIFIED
            or failed
            or (status != facts.REQUIRES_INPUT and src.chance(0.4))
        )
        expand = has_report and (expanded if expanded is not None else src.chance(P_EXPANDED))
        person = self.person(src)
        requested = tuple(c for c in self.requestable if src.chance(P_REQUESTED))
        report: Any = None
        if expand:
            outcome = True if status == facts.VERIFIED else (False if failed else None)
            report = self.report(
                src,
                type=kind,
                session_id=ident,
                outcome=outcome,
                livemode=live,
                after=created,
                person=person,
                requested=requested,
            )
        elif has_report:
            report = self.w.new_id(src, REPORT)
        finished = status in facts.TERMINAL
        options = self.session_options(src, kind if typed else None, requested)
        given: dict[str, Any] = {
            "id": ident,
            "created": created,
            "livemode": live,
            "status": status,
            "type": kind if typed else ABSENT,
            "client_secret": Maybe(None if finished else self.secret(src, ident)),
            "url": Maybe(None if finished else self.url(src)),
            "last_error": Maybe(self.last_error(src, status, failed, report)),
            "last_verification_report": Maybe(report) if report is None else report,
            "metadata": self.w.metadata(src),
            "options": options if requested else Maybe(options),
            "redaction": Maybe(None),
            "verified_outputs": Maybe(self.outputs(src, status, kind, person, requested)),
            **self.newer_fields(src, kind, person),
        }
        if redaction is not None:
            given["redaction"] = self.w.fill(self.redaction_key, src, {"status": redaction})
        session = self.w.fill(SESSION, src, given)
        return redact_session(session) if redaction == facts.REDACTION_DONE else session

    def newer_fields(self, src: Source, kind: str, person: dict[str, Any]) -> dict[str, Any]:
        """The fields of a session that newer API versions have (none in older documents)."""
        fields = self.w.properties(SESSION)
        given: dict[str, Any] = {}
        if self.flows:
            given[facts.VERIFICATION_FLOW] = (
                "vf_" + self.w.new_id(src, SESSION).split("_", 1)[1]
                if kind == facts.VERIFICATION_FLOW
                else ABSENT
            )
        if "provided_details" in fields:
            details = self.w.target(SESSION, "provided_details")
            given["provided_details"] = Maybe(
                self.w.fill(
                    details,
                    src,
                    {"email": Maybe(person["email"]), "phone": Maybe(person["phone"])},
                )
            )
        if "related_customer" in fields:
            given["related_customer"] = Maybe(
                src.choice([None, "cus_" + self.w.new_id(src, SESSION).split("_", 1)[1]])
            )
        if "related_person" in fields:
            related = self.w.target(SESSION, "related_person")
            suffix = self.w.new_id(src, SESSION).split("_", 1)[1]
            given["related_person"] = Maybe(
                self.w.fill(
                    related, src, {"account": f"acct_{suffix}", "person": f"person_{suffix}"}
                )
            )
        return given

    def secret(self, src: Source, ident: str) -> str:
        return f"{ident}_secret_{src.text(24, 24, KEY_ALPHABET[:26])}"

    def url(self, src: Source) -> str:
        return "https://verify.stripe.com/start/" + src.text(40, 40, KEY_ALPHABET[:26])

    def last_error(
        self, src: Source, status: str, failed: bool, report: Any = None
    ) -> dict[str, Any] | None:
        """Why the last attempt failed: the error code of the report's unverified check when
        the report is expanded (so the two agree), else any documented code."""
        if status == facts.VERIFIED or not (failed or src.chance(0.2)):
            return None
        codes = self.w.enum(self.error_key, "code")
        code: Any = src.choice(codes)
        if isinstance(report, dict):
            failing = [
                report[name]
                for name in self.checks
                if isinstance(report.get(name), dict)
                and report[name].get("status") == facts.CHECK_UNVERIFIED
            ]
            found = (failing[0].get("error") or {}).get("code") if failing else None
            code = found if found in codes else self._unrequested_code(src, codes)
        return self.w.fill(
            self.error_key,
            src,
            {"code": code, "reason": Maybe(self.pick(src, REASONS, self.error_key, "reason"))},
        )

    def _unrequested_code(self, src: Source, codes: list[Any]) -> Any:
        """A code that names none of the checks a session asks for (or null)."""
        others = [c for c in codes if not any(str(c).startswith(f"{n}_") for n in self.requestable)]
        return src.choice([None, *others])

    def session_options(
        self, src: Source, kind: str | None, requested: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """The options of a session of `kind`, asking for the `requested` checks."""
        given: dict[str, Any] = {name: ABSENT for name in self.w.properties(self.options_key)}
        if kind is not None and kind in given:
            given[kind] = self.w.fill(self.w.target(self.options_key, kind), src)
        for check in self.requestable:
            target = self.w.target(self.options_key, check)
            if check in requested:
                given[check] = self.w.fill(target, src, {"require_verification": True})
            elif src.chance(0.2):
                given[check] = self.w.fill(target, src, {"require_verification": False})
        return self.w.fill(self.options_key, src, given)

    def outputs(
        self,
        src: Source,
        status: str,
        kind: str,
        person: dict[str, Any],
        requested: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        key = self.outputs_key
        if status != facts.VERIFIED:
            return None if src.chance(0.5) else self.nothing_personal(src, key)
        by_id = kind == "id_number"
        fields = self.w.properties(key)
        given: dict[str, Any] = {
            "first_name": Maybe(person["first_name"]),
            "last_name": Maybe(person["last_name"]),
            "address": Maybe(None if by_id else person["address"]),
            "dob": Maybe(self.dob(src, self.w.target(key, "dob"), person)),
            "id_number": Maybe(person["id_number"] if by_id else None),
            "id_number_type": Maybe(person["id_number_type"] if by_id else None),
        }
        newer = {
            "email": Maybe(person["email"] if "email" in requested else None),
            "phone": Maybe(person["phone"] if "phone" in requested else None),
            "sex": Maybe(None if by_id else person["sex"]),
            "unparsed_sex": Maybe(None),
            "unparsed_place_of_birth": Maybe(None if by_id else person["place_of_birth"]),
        }
        given.update({name: value for name, value in newer.items() if name in fields})
        return self.w.fill(key, src, given)

    # --- reports ----------------------------------------------------------------------

    def report(
        self,
        src: Source,
        type: str | None = None,
        session_id: str | None = None,
        outcome: bool | None = None,
        redacted: bool = False,
        livemode: bool | None = None,
        after: int | None = None,
        person: dict[str, Any] | None = None,
        requested: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """A verification report that breaks no rule.

        `outcome`: every check verified (True), some check unverified (False), or either.
        `requested`: the email and phone checks the session asked for (None: any).
        """
        kind = type if type is not None else src.choice(self.types)
        person = person if person is not None else self.person(src)
        typed = (
            type is not None
            or session_id is not None
            or "type" in self.w.required(REPORT)
            or src.chance(0.9)
        )
        if requested is None:
            requested = tuple(c for c in self.requestable if src.chance(P_REQUESTED))
        options_given: dict[str, Any] = {
            name: ABSENT for name in self.w.properties(self.report_options_key)
        }
        if typed and kind in options_given:  # a type's options on reports that say their type
            options_given[kind] = self.w.fill(self.w.target(self.report_options_key, kind), src)
        options = self.w.fill(self.report_options_key, src, options_given)
        checks = [kind if kind in facts.CHECKS else "document"]  # a flow: a document, say
        document_options = options.get("document")
        if isinstance(document_options, dict):
            if document_options.get("require_matching_selfie"):
                checks.append("selfie")
            if document_options.get("require_id_number") and "id_number" not in checks:
                checks.append("id_number")
        checks += [c for c in requested if c in self.checks]
        verified = {name: outcome if outcome is not None else src.chance(0.7) for name in checks}
        if outcome is False:
            verified[src.choice(checks)] = False
        given: dict[str, Any] = {name: ABSENT for name in facts.CHECKS if name not in checks}
        for name in checks:
            given[name] = self.check(
                src, name, verified[name], person, redacted and name == checks[0]
            )
        given.update(
            {
                "created": self.w.created(src, after),
                "livemode": livemode if livemode is not None else src.chance(0.5),
                "type": kind if typed else ABSENT,
                "verification_session": session_id or Maybe(self.w.new_id(src, SESSION)),
                "options": Maybe(options),
            }
        )
        if facts.VERIFICATION_FLOW in self.w.properties(REPORT):
            flow = kind == facts.VERIFICATION_FLOW and typed
            suffix = self.w.new_id(src, REPORT).split("_", 1)[1]
            given[facts.VERIFICATION_FLOW] = f"vf_{suffix}" if flow else ABSENT
        report = self.w.fill(REPORT, src, given)
        return redact(report, REPORT) if redacted else report

    def check(
        self, src: Source, name: str, verified: bool, person: dict[str, Any], named: bool
    ) -> dict[str, Any]:
        """One check; an unverified one carries an error (and maybe no data).

        `named`: the check keeps a first name (a redacted standalone report must show
        the placeholder somewhere to count as redacted).
        """
        key = facts.CHECKS[name]
        fields = self.w.properties(key)
        status = facts.CHECK_VERIFIED if verified else facts.CHECK_UNVERIFIED
        error_key = self.w.target(key, "error")
        error = None
        if not verified:
            codes = self.w.enum(error_key, "code")
            error = self.w.fill(
                error_key,
                src,
                {
                    "code": Maybe(src.choice(codes)),
                    "reason": Maybe(self.pick(src, REASONS, error_key, "reason")),
                },
            )
        known = verified or src.chance(0.5)

        def personal(value: Any) -> Any:
            return Maybe(value if known else None)

        given: dict[str, Any] = {"status": status, "error": Maybe(error) if verified else error}
        if "first_name" in fields:
            given["first_name"] = person["first_name"] if named else personal(person["first_name"])
            given["last_name"] = personal(person["last_name"])
        if "dob" in fields:
            given["dob"] = personal(self.dob(src, self.w.target(key, "dob"), person))
        if name == "document":
            now_year = 1970 + self.w.now // 31_556_952
            given.update(
                {
                    "address": personal(person["address"]),
                    "number": personal(self.id_number(src, "document")),
                    "issuing_country": Maybe(person["address"].get("country")),
                    "expiration_date": personal(
                        self.date(
                            src, self.w.target(key, "expiration_date"), now_year, now_year + 10
                        )
                    ),
                    "issued_date": personal(
                        self.date(src, self.w.target(key, "issued_date"), 2010, now_year)
                    ),
                    "files": Maybe(
                        [self.w.new_id(src, facts.FILE) for _ in range(src.integer(1, 2))]
                    ),
                }
            )
        elif name == "id_number":
            given["id_number"] = personal(person["id_number"])
            given["id_number_type"] = Maybe(person["id_number_type"])
        elif name == "selfie":
            given["document"] = Maybe(self.w.new_id(src, facts.FILE))
            given["selfie"] = Maybe(self.w.new_id(src, facts.FILE))
        elif name in ("email", "phone"):
            given[name] = personal(person[name])
        if name == "document":
            newer = {
                "sex": personal(person["sex"]),
                "unparsed_sex": Maybe(None),
                "unparsed_place_of_birth": personal(person["place_of_birth"]),
            }
            given.update({k: v for k, v in newer.items() if k in fields})
        return self.w.fill(key, src, given)

    # --- events and histories ---------------------------------------------------------

    def event(
        self, src: Source, session: dict[str, Any], kind: str, created: int
    ) -> dict[str, Any]:
        """A webhook event of type `kind` carrying `session`."""
        data_key = self.w.target(EVENT, "data")
        request_key = self.w.target(EVENT, "request")
        return self.w.fill(
            EVENT,
            src,
            {
                "account": ABSENT,
                "api_version": Maybe(self.w.api_version or None),
                "created": created,
                "data": self.w.fill(
                    data_key, src, {"object": copy.deepcopy(session), "previous_attributes": ABSENT}
                ),
                "livemode": session.get("livemode", False),
                "pending_webhooks": src.integer(0, 3),
                "request": Maybe(
                    self.w.fill(request_key, src, {"id": None, "idempotency_key": Maybe(None)})
                ),
                "type": kind,
            },
        )

    def history(
        self,
        src: Source,
        events: bool | None = None,
        type: str | None = None,
        expanded: bool | None = None,
        livemode: bool | None = None,
        max_steps: int = MAX_STEPS,
    ) -> list[dict[str, Any]]:
        """One session's snapshots and/or events, oldest first, through documented moves only.

        `events`: only webhook events (True), only snapshots (False), or a mix. A
        redaction is requested from `requires_input` (which cancels the session) or
        `verified`; it finishes with a redacted snapshot and its event.
        """
        session = self.session(
            src,
            (facts.INITIAL_STATUS,),
            type=type,
            expanded=False,
            redacted=False,
            livemode=livemode,
        )
        for name in ("last_error", "last_verification_report", "verified_outputs", "redaction"):
            if name in session:
                session[name] = None
        kind = session.get("type") or src.choice(self.types)
        person = self.person(src)
        clock = int(session["created"])
        items: list[dict[str, Any]] = []

        def emit(event_type: str | None) -> None:
            nonlocal clock
            clock = min(self.w.now, clock + src.integer(1, 600))
            as_event = event_type is not None and (
                events if events is not None else src.chance(0.5)
            )
            if as_event and event_type is not None:
                items.append(self.event(src, session, event_type, clock))
            elif not events:
                items.append(copy.deepcopy(session))

        emit(facts.EVENT_PREFIX + "created")
        redaction: str | None = None
        for _ in range(src.integer(0, max_steps)):
            status = str(session["status"])
            steps: list[Any] = []
            if redaction == facts.REDACTION_PENDING:
                steps = ["finish"]
            elif redaction is None:
                moves = [m for m in facts.MOVES if m.source == status]
                # Mostly onward (submit, verify, fail); now and then cancel or redact.
                ending: list[Any] = [m for m in moves if m.target == facts.CANCELED]
                if status in facts.REDACTABLE:
                    ending.append("redact")
                progress = [m for m in moves if m not in ending]
                steps = progress if progress and not src.chance(P_ENDING) else [*ending, *progress]
            if not steps:
                break
            step = src.choice(steps)
            if step == "finish":
                session = redact_session(session)
                redaction = facts.REDACTION_DONE
                emit(facts.EVENT_PREFIX + facts.REDACTION_DONE)
            elif step == "redact":
                target = facts.REDACTABLE[status]
                redaction = facts.REDACTION_PENDING
                session["status"] = target
                session["redaction"] = {"status": redaction}
                self._clear_secrets(session)
                sent = [e for e in facts.SENT_ON_REDACTION if facts.EVENT_STATUS[e] == target]
                emit(sent[0] if target != status and sent else None)
            else:
                self._move(src, session, step, kind, person, expanded)
                emit(step.event)
        return items

    def _clear_secrets(self, session: dict[str, Any]) -> None:
        for name in facts.SECRET_FIELDS[SESSION]:
            if name in session:
                session[name] = None

    def _move(
        self,
        src: Source,
        session: dict[str, Any],
        move: facts.Move,
        kind: str,
        person: dict[str, Any],
        expanded: bool | None,
    ) -> None:
        session["status"] = move.target
        if move.target in facts.TERMINAL:
            self._clear_secrets(session)
        requested = self.requested_of(session)
        if move.target == facts.VERIFIED:
            session["last_error"] = None
            session["verified_outputs"] = self.outputs(src, facts.VERIFIED, kind, person, requested)
        if move.needs_error or move.target == facts.VERIFIED:
            verified = move.target == facts.VERIFIED
            expand = expanded if expanded is not None else src.chance(P_EXPANDED)
            report = (
                self.report(
                    src,
                    type=kind,
                    session_id=str(session["id"]),
                    outcome=verified,
                    livemode=bool(session.get("livemode")),
                    after=int(session["created"]),
                    person=person,
                    requested=requested,
                )
                if expand
                else self.w.new_id(src, REPORT)
            )
            session["last_verification_report"] = report
            if move.needs_error:
                session["last_error"] = self.last_error(src, facts.REQUIRES_INPUT, True, report)

    def requested_of(self, session: dict[str, Any]) -> tuple[str, ...]:
        """The checks a session's options ask for."""
        options = session.get("options")
        if not isinstance(options, dict):
            return ()
        return tuple(
            check
            for check in self.requestable
            if isinstance(options.get(check), dict)
            and options[check].get("require_verification") is True
        )

    # --- newer API versions -----------------------------------------------------------

    def loosen(self, src: Source, payload: dict[str, Any], key: str) -> dict[str, Any]:
        """`payload` as a newer API version might send it: unknown fields, unknown enum values.

        Only values no rule reads are changed (never `object`, `status`, `type` or
        personal data), so lenient validation finds notices only.
        """
        out = copy.deepcopy(payload)
        for _ in range(src.integer(1, 2)):
            unknown = [f for f in NEWER_FIELDS if f not in self.w.properties(key)]
            name = src.choice([*unknown, "x_" + src.text(1, 6, KEY_ALPHABET[:26])])
            out[name] = self.w.json(src)
        sites = list(self._enum_sites(out, {"$ref": "#/$defs/" + key}))
        if sites and src.chance(P_OPTIONAL):
            parent, token = src.choice(sites)
            parent[token] = "newer_" + src.text(1, 8, KEY_ALPHABET[:26])
        return out

    def _enum_sites(self, value: Any, node: Any, name: str = "") -> Iterable[tuple[Any, Any]]:
        """(container, key) of each string whose schema asserts an enum (rule-free fields)."""
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            ref = str(node["$ref"]).removeprefix("#/$defs/")
            yield from self._enum_sites(value, self.w.defs.get(ref), name)
            return
        for branch in node.get("anyOf", ()):
            kinds = branch.get("type") if isinstance(branch, dict) else None
            if ("$ref" in branch and isinstance(value, dict)) or kinds == "array":
                yield from self._enum_sites(value, branch, name)
        if isinstance(value, dict):
            for field, sub in node.get("properties", {}).items():
                if field in value:
                    child = value[field]
                    sub_node = sub
                    if isinstance(sub, dict) and "enum" in sub and isinstance(child, str):
                        if field not in _RULE_READ:
                            yield value, field
                        continue
                    yield from self._enum_sites(child, sub_node, field)
        elif isinstance(value, list):
            items = node.get("items")
            for index, item in enumerate(value):
                if isinstance(items, dict) and "enum" in items and isinstance(item, str):
                    yield value, index
                else:
                    yield from self._enum_sites(item, items, name)
