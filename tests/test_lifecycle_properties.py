"""The lifecycle, checked against Stripe's documented behaviour: a state machine, all 16 status
pairs, drawn histories, and one mutator per lifecycle rule."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from _draws import can_draw
from _oracle import EVENTS, MOVES, NEWER_PERSONAL_TEXT, STATUSES, TERMINAL, history_problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from test_lifecycle import ERROR, snapshot

from stripe_schemas.strategies import session_histories, verification_sessions
from stripe_schemas.validation import validate, validate_history
from stripe_schemas.validation._lifecycle import LIFECYCLE_RULES

Payload = dict[str, Any]


def _event(kind: str, session: Payload) -> Payload:
    return {
        "id": "evt_" + "0" * 24,
        "object": "event",
        "api_version": "2023-08-16",
        "created": session["created"],
        "data": {"object": copy.deepcopy(session)},
        "livemode": session["livemode"],
        "pending_webhooks": 0,
        "request": {"id": None, "idempotency_key": None},
        "type": f"identity.verification_session.{kind}",
    }


class SessionLifecycle(RuleBasedStateMachine):
    """Create, submit, verify, fail back to requires_input, cancel and redact, as Stripe documents.

    The moves and the redaction are written here from the docs; every snapshot must
    validate strictly and the whole history must pass validate_history.
    """

    def __init__(self) -> None:
        super().__init__()
        self.session: Payload = {}
        self.history: list[Payload] = []
        self.redaction: str | None = None

    def emit(self, kind: str | None, as_event: bool) -> None:
        if kind is not None and as_event:
            self.history.append(_event(kind, self.session))
        else:
            self.history.append(copy.deepcopy(self.session))

    @initialize(
        start=verification_sessions(status="requires_input", expanded=False, redacted=False),
        as_event=st.booleans(),
    )
    def create(self, start: Payload, as_event: bool) -> None:
        self.session = {**start, "last_error": None, "last_verification_report": None}
        self.session.pop("verified_outputs", None)
        self.emit("created", as_event)

    @precondition(lambda self: self.session["status"] == "requires_input" and not self.redaction)
    @rule(as_event=st.booleans())
    def submit(self, as_event: bool) -> None:
        self.session["status"] = "processing"
        self.emit("processing", as_event)

    @precondition(lambda self: self.session["status"] == "processing")
    @rule(donor=verification_sessions(status="verified", redacted=False), as_event=st.booleans())
    def verify(self, donor: Payload, as_event: bool) -> None:
        self.session.update(
            status="verified",
            client_secret=None,
            url=None,
            last_error=None,
            last_verification_report="vr_" + "1" * 24,
            verified_outputs=copy.deepcopy(donor.get("verified_outputs")),
        )
        self.emit("verified", as_event)

    @precondition(lambda self: self.session["status"] == "processing")
    @rule(
        code=st.sampled_from(["document_expired", "selfie_face_mismatch", "abandoned"]),
        as_event=st.booleans(),
    )
    def fail(self, code: str, as_event: bool) -> None:
        self.session.update(
            status="requires_input",
            last_error={"code": code, "reason": "Try again."},
            last_verification_report="vr_" + "2" * 24,
        )
        self.emit("requires_input", as_event)

    @precondition(lambda self: self.session["status"] == "requires_input" and not self.redaction)
    @rule(as_event=st.booleans())
    def cancel(self, as_event: bool) -> None:
        self.session.update(status="canceled", client_secret=None, url=None)
        self.emit("canceled", as_event)

    @precondition(
        lambda self: self.session["status"] in ("requires_input", "verified") and not self.redaction
    )
    @rule(as_event=st.booleans())
    def redact(self, as_event: bool) -> None:
        """Redacting a requires_input session cancels it (and sends canceled)."""
        canceling = self.session["status"] == "requires_input"
        self.redaction = "processing"
        self.session.update(
            status="canceled" if canceling else self.session["status"],
            client_secret=None,
            url=None,
            redaction={"status": "processing"},
        )
        self.emit("canceled" if canceling else None, as_event)

    @precondition(lambda self: self.redaction == "processing")
    @rule(as_event=st.booleans())
    def finish_redaction(self, as_event: bool) -> None:
        """Stripe's documented result: names, lines, contact details → "[redacted]", dob 1/1/1,
        country kept."""
        self.redaction = "redacted"
        outputs = self.session.get("verified_outputs")
        details = self.session.get("provided_details")
        if isinstance(details, dict):  # what the integration provided about the person, too
            for name in ("email", "phone"):
                if isinstance(details.get(name), str):
                    details[name] = "[redacted]"
        if isinstance(outputs, dict):
            for name in ("first_name", "last_name", "id_number", *NEWER_PERSONAL_TEXT):
                if isinstance(outputs.get(name), str):
                    outputs[name] = "[redacted]"
            if isinstance(outputs.get("dob"), dict):
                outputs["dob"] = {"day": 1, "month": 1, "year": 1}
            address = outputs.get("address")
            if isinstance(address, dict):
                for line in ("line1", "line2", "city", "state", "postal_code"):
                    if isinstance(address.get(line), str):
                        address[line] = "[redacted]"
        self.session.update(redaction={"status": "redacted"}, metadata={})
        self.emit("redacted", as_event)

    @rule()
    def retrieve(self) -> None:
        """Retrieving the session again gives a snapshot with the same status."""
        self.emit(None, False)

    @invariant()
    def snapshot_is_valid(self) -> None:
        if self.session:
            assert validate(self.session).issues == ()

    @invariant()
    def history_is_valid(self) -> None:
        assert history_problems(self.history) == []
        report = validate_history(self.history)
        assert report.issues == (), [str(i) for i in report.issues]


SessionLifecycle.TestCase.settings = settings(
    max_examples=30, stateful_step_count=10, deadline=None
)
test_session_lifecycle = SessionLifecycle.TestCase


# --- all 16 status pairs ----------------------------------------------------------------


def _in(status: str) -> Payload:
    extra = {"last_error": ERROR} if status == "requires_input" else {}
    return snapshot(status, **extra)


@pytest.mark.parametrize(("before", "after"), list(itertools.product(STATUSES, STATUSES)))
def test_every_status_pair(before: str, after: str) -> None:
    """Each of the 16 (before, after) pairs: allowed exactly when documented (or unchanged)."""
    found = [(i.path, i.code) for i in validate_history([_in(before), _in(after)]).issues]
    if before == after or (before, after) in MOVES:
        assert found == []
    elif before in TERMINAL:
        assert found == [("/1/status", "left_terminal_status")]
    else:
        assert found == [("/1/status", "invalid_transition")]


# --- drawn histories --------------------------------------------------------------------


@settings(max_examples=60)
@given(session_histories())
def test_drawn_histories_follow_documented_moves(history: list[Payload]) -> None:
    """session_histories() passes validate_history and the documented moves (the oracle)."""
    assert history and history_problems(history) == []
    report = validate_history(history)
    assert report.issues == (), [str(i) for i in report.issues]


def _status_of(item: Payload) -> str:
    return str((item["data"]["object"] if item.get("object") == "event" else item)["status"])


def _moves(history: list[Payload]) -> set[str]:
    statuses = [_status_of(item) for item in history]
    return {f"{a}->{b}" for a, b in itertools.pairwise(statuses)}


def _redactions(history: list[Payload]) -> set[str]:
    found = set()
    for item in history:
        session = item["data"]["object"] if item.get("object") == "event" else item
        redaction = (session.get("redaction") or {}).get("status")
        if redaction:
            found.add(f"redaction {redaction} on {session['status']}")
    return found


def _kinds(history: list[Payload]) -> set[str]:
    return {item["type"] if item.get("object") == "event" else "snapshot" for item in history}


HISTORY_CLASSES = {
    **{f"{a}->{b}": (_moves, f"{a}->{b}") for a, b in MOVES},
    **{
        f"redaction {r} on {s}": (_redactions, f"redaction {r} on {s}")
        for r in ("processing", "redacted")
        for s in ("canceled", "verified")
    },
    **{name: (_kinds, name) for name in ("snapshot", *EVENTS)},
}


@pytest.mark.parametrize("name", sorted(HISTORY_CLASSES))
def test_drawn_histories_cover_cancel_redact_and_retries(name: str) -> None:
    """Every documented move, redactions under way and done of canceled and verified sessions,
    snapshots and every event type: each can be drawn."""
    classify, wanted = HISTORY_CLASSES[name]
    assert can_draw(session_histories(), lambda history: wanted in classify(history))


# --- one mutator per lifecycle rule -----------------------------------------------------


def _last_session(history: list[Payload]) -> Payload:
    item = history[-1]
    return copy.deepcopy(item["data"]["object"] if item.get("object") == "event" else item)


def _invalid_transition(history: list[Payload], data: st.DataObject) -> tuple[list[Payload], str]:
    first = _last_session(history[:1])
    jump = copy.deepcopy(first)
    jump.update(status="verified", client_secret=None, url=None)
    return [history[0], jump], "/1/status"


def _left_terminal(history: list[Payload], data: st.DataObject) -> tuple[list[Payload], str]:
    last = _last_session(history)
    last["status"] = data.draw(st.sampled_from(["processing", "requires_input"]))
    last["last_error"] = ERROR
    last["verified_outputs"] = None  # personal data outside "verified" is another rule
    return [*history, last], f"/{len(history)}/status"


def _retry_without_error(history: list[Payload], data: st.DataObject) -> tuple[list[Payload], str]:
    processing = copy.deepcopy(_last_session(history))
    retry = copy.deepcopy(processing)
    retry.update(status="requires_input", last_error=None)
    return [*history, retry], f"/{len(history)}/last_error"


def _event_status_mismatch(
    history: list[Payload], data: st.DataObject
) -> tuple[list[Payload], str]:
    last = _last_session(history)
    wrong = next(
        kind for kind, status in EVENTS.items() if status not in (None, last["status"], "canceled")
    )
    return [*history, _event(wrong.rsplit(".", 1)[1], last)], f"/{len(history)}/data/object/status"


def _invalid_event(history: list[Payload], data: st.DataObject) -> tuple[list[Payload], str]:
    junk = {"object": "event", "type": "charge.succeeded", "data": {"object": {}}}
    return [*history, junk], f"/{len(history)}/type"


def _mixed_sessions(history: list[Payload], data: st.DataObject) -> tuple[list[Payload], str]:
    other = _last_session(history)
    other["id"] = "vs_" + "Z" * 24
    if isinstance(other.get("last_verification_report"), dict):
        other["last_verification_report"]["verification_session"] = other["id"]
    return [*history, other], f"/{len(history)}/id"


def _ends_in(statuses: set[str], unredacted: bool = False) -> Any:
    def check(history: list[Payload]) -> bool:
        last = _last_session(history)
        return last["status"] in statuses and not (unredacted and last.get("redaction"))

    return check


LIFECYCLE_MUTATORS: dict[str, tuple[Any, Any]] = {
    "invalid_transition": (lambda h: True, _invalid_transition),
    "left_terminal_status": (_ends_in(TERMINAL, unredacted=True), _left_terminal),
    "retry_without_error": (_ends_in({"processing"}), _retry_without_error),
    "event_status_mismatch": (
        _ends_in({"processing", "verified", "requires_input"}),
        _event_status_mismatch,
    ),
    "invalid_event": (lambda h: True, _invalid_event),
    "mixed_sessions": (lambda h: True, _mixed_sessions),
}


def test_every_lifecycle_rule_has_a_mutator() -> None:
    """No lifecycle rule goes without its mutator."""
    assert {rule.code for rule in LIFECYCLE_RULES} == set(LIFECYCLE_MUTATORS)


@pytest.mark.parametrize("code", sorted(LIFECYCLE_MUTATORS))
@settings(max_examples=25, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_lifecycle_mutation_is_reported_exactly(code: str, data: st.DataObject) -> None:
    """Each mutated history has issues of that code only, one at the mutated path; the oracle agrees."""
    applies, mutate = LIFECYCLE_MUTATORS[code]
    history = data.draw(session_histories(events=data.draw(st.booleans())).filter(applies))
    mutated, where = mutate(history, data)
    found = {(i.code, i.path) for i in validate_history(mutated).issues}
    assert (code, where) in found, found
    assert {c for c, _ in found} == {code}, found
    if code != "invalid_event":
        assert history_problems(mutated)
