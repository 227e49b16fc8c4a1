"""Safe repr: a model's repr/str never shows a secret or personal value, nor its length.

The oracle for "what is secret or personal" is the Identity facts table (what the issue
calls the one list); the code under test is the repr that reads it. The canaries are
unique strings and integers placed in fields, so a leak is a plain substring.
"""

from __future__ import annotations

import copy
import importlib
import itertools
import logging
import re
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

import stripe_models
from stripe_models.core import Event
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import UNSET, hidden_fields, spec_fields, structure, unstructure
from stripe_schemas.identity import PERSONAL_FIELDS, SECRET_FIELDS
from stripe_schemas.issues import HIDDEN
from stripe_schemas.strategies import verification_reports, verification_sessions

#: Every generated class of the bundled package: the identity closure and its parameters.
CLASSES: list[type] = sorted(
    {
        value
        for module in [*stripe_models.MODULES, "params.identity"]
        for value in vars(importlib.import_module(f"stripe_models.{module}")).values()
        if isinstance(value, type) and attrs.has(value) and hasattr(value, "__schema_key__")
    },
    key=lambda cls: (cls.__module__, cls.__qualname__),
)


def listed_wire_names(cls: type) -> frozenset[str]:
    key = cls.__schema_key__  # type: ignore[attr-defined]
    return SECRET_FIELDS.get(key, frozenset()) | PERSONAL_FIELDS.get(key, frozenset())


def expected_hidden(cls: type) -> set[str]:
    """Attribute names of the table's fields, mapped through the class's own FieldInfo."""
    listed = listed_wire_names(cls)
    return {attribute.name for attribute, info in spec_fields(cls) if info.wire_name in listed}


def with_canaries(cls: type, length: int) -> tuple[Any, dict[str, str]]:
    """An instance whose every shown field holds a unique canary string of ``length``."""
    values = {}
    kwargs: dict[str, Any] = {}
    for attribute in attrs.fields(cls):
        if attribute.name == "_extra":
            continue
        canary = f"C4N{attribute.name}Q".ljust(length, "z")
        values[attribute.name] = canary
        kwargs[attribute.alias or attribute.name] = canary
    return cls(**kwargs), values


def test_the_table_names_only_classes_and_fields_that_exist() -> None:
    """Each schema key of the table has a class here, and each listed field is one of its
    fields: a renamed schema or field would otherwise quietly stop being hidden."""
    by_key = {cls.__schema_key__: cls for cls in CLASSES}  # type: ignore[attr-defined]
    for key in {*SECRET_FIELDS, *PERSONAL_FIELDS}:
        assert key in by_key, key
        wires = {info.wire_name for _, info in spec_fields(by_key[key])}
        assert listed_wire_names(by_key[key]) <= wires, key


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_model_hides_exactly_the_listed_fields(cls: type) -> None:
    """Listed fields show the placeholder (no value, no length); every other field shows
    its value as attrs' repr would, in attrs' order and format."""
    short, values = with_canaries(cls, 12)
    long, _ = with_canaries(cls, 300)
    hidden = expected_hidden(cls)
    assert hidden_fields(cls) == hidden
    text = repr(short)
    assert str(short) == text
    shown = ", ".join(
        f"{name}={HIDDEN if name in hidden else repr(value)}" for name, value in values.items()
    )
    assert text == f"{cls.__name__}({shown})"
    for name in hidden:
        assert values[name] not in text
    if hidden:  # the same text whatever the hidden values' lengths
        mixed = attrs.evolve(long, **{n: getattr(short, n) for n in values if n not in hidden})
        assert repr(mixed) == text


def test_the_identity_resources_hide_what_the_guide_names() -> None:
    """Written out by hand, independently of the table: the secrets and the personal parts."""
    assert {"client_secret", "url", "verified_outputs"} <= hidden_fields(VerificationSession)
    assert {"id", "status", "type", "metadata"}.isdisjoint(hidden_fields(VerificationSession))
    assert {"document", "id_number", "selfie"} <= hidden_fields(VerificationReport)
    assert {"id", "type", "options"}.isdisjoint(hidden_fields(VerificationReport))


def test_null_and_absent_are_shown() -> None:
    """None and UNSET carry no data: a canceled session shows client_secret=None."""
    session, _ = with_canaries(VerificationSession, 12)
    blank = attrs.evolve(session, client_secret=None, verified_outputs=UNSET)
    assert "client_secret=None" in repr(blank) and "verified_outputs=UNSET" in repr(blank)
    assert f"url={HIDDEN}" in repr(blank)


# --- real payloads with canaries in every personal and secret leaf ---------------------------


def _hidden_paths(obj: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths (JSON keys) of the values a model holds in listed fields, found by walking the
    structured instance with the table (expected_hidden), not with the repr's own plan."""
    found: list[tuple[str | int, ...]] = []
    if attrs.has(type(obj)):
        hidden = expected_hidden(type(obj))
        for attribute, info in spec_fields(type(obj)):
            value = getattr(obj, attribute.name)
            if value is None or value is UNSET:
                continue
            here = (*path, info.wire_name)
            found += [here] if attribute.name in hidden else _hidden_paths(value, here)
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            found += _hidden_paths(item, (*path, index))
    return found


def _plant(payload: Any, counter: itertools.count[int]) -> list[str]:
    """Replace every string and integer leaf under ``payload`` with a unique canary (in
    place); returns the canaries as they print."""
    planted: list[str] = []
    items = payload.items() if isinstance(payload, dict) else enumerate(payload)
    for key, value in list(items):
        if isinstance(value, str):
            payload[key] = f"Q{next(counter):07d}X"
            planted.append(payload[key])
        elif isinstance(value, int) and not isinstance(value, bool):
            payload[key] = 7_300_000 + next(counter)
            planted.append(str(payload[key]))
        elif isinstance(value, (dict, list)):
            planted += _plant(value, counter)
    return planted


def _plant_hidden(payload: dict[str, Any], cls: type, counter: itertools.count[int]) -> list[str]:
    planted: list[str] = []
    for path in _hidden_paths(structure(payload, cls, mode="lenient")):
        parent: Any = payload
        for token in path[:-1]:
            parent = parent[token]
        box = {"value": parent[path[-1]]}
        planted += _plant(box, counter)
        parent[path[-1]] = box["value"]
    return planted


def _assert_nothing_leaks(obj: object, planted: list[str]) -> None:
    text = repr(obj)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    log = logging.getLogger("stripe_schemas.test_safe_repr")
    handler = Keep()
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("got %s", obj)
        log.warning(obj)
    finally:
        log.removeHandler(handler)
    for canary in planted:
        for shown in (text, str(obj), f"{obj}", *records):
            assert canary not in shown, canary


@settings(max_examples=60, deadline=None)
@given(
    session=verification_sessions(status="verified", expanded=True, redacted=False),
    report=verification_reports(type="id_number"),
)
def test_drawn_sessions_and_reports_show_no_planted_value(
    session: dict[str, Any], report: dict[str, Any]
) -> None:
    counter = itertools.count()
    planted = _plant_hidden(session, VerificationSession, counter)
    planted += _plant_hidden(report, VerificationReport, counter)
    assert planted  # verified outputs and an expanded report's checks were drawn
    assert any(c.startswith("Q") for c in planted) and any(c.startswith("73") for c in planted)
    built = structure(session, VerificationSession, mode="lenient")
    assert unstructure(built) == session  # the canaries are really in the model
    _assert_nothing_leaks(built, planted)
    _assert_nothing_leaks(structure(report, VerificationReport, mode="lenient"), planted)


def test_an_event_hides_the_session_and_its_previous_attributes() -> None:
    """An event's object is a model (hidden by its class); previous_attributes is a plain
    mapping, hidden by key at any depth, as in messages."""
    session = {
        "id": "vs_123",
        "object": "identity.verification_session",
        "client_secret": "vs_123_secret_Q0000001X",
        "created": 1700000000,
        "last_error": None,
        "last_verification_report": None,
        "livemode": False,
        "metadata": {},
        "options": {},
        "redaction": None,
        "status": "requires_input",
        "type": "document",
        "url": "https://verify.stripe.com/start/Q0000002X",
    }
    event = {
        "id": "evt_1",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1700000001,
        "data": {
            "object": session,
            "previous_attributes": {
                "status": "processing",
                "verified_outputs": {"first_name": "Q0000003X", "address": None},
                "nested": [{"client_secret": "Q0000004X"}],
            },
        },
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "identity.verification_session.requires_input",
    }
    built = structure(copy.deepcopy(event), Event, mode="lenient")
    _assert_nothing_leaks(built, ["Q0000001X", "Q0000002X", "Q0000003X", "Q0000004X"])
    text = repr(built)
    assert "'status': 'processing'" in text  # other keys of the mapping still show
    assert f"'verified_outputs': {HIDDEN}" in text
    assert re.search(r"'nested': \[\{'client_secret': <hidden>\}\]", text)
    as_mapping = copy.deepcopy(event)
    as_mapping["data"]["object"] = {"object": "unmodelled.thing", "url": "Q0000005X"}
    _assert_nothing_leaks(structure(as_mapping, Event, mode="lenient"), ["Q0000005X"])
