"""Typed events, list objects and deleted objects on ``generate --all`` with Stripe's 2023 fixtures."""

from __future__ import annotations

import copy
import json
import typing
from typing import Any

import pytest

from bench.events import body, event
from stripe_schemas import Issue, ListObject, PayloadError, structure, unstructure
from stripe_schemas.webhooks import parse_event

#: The API version of the 2023 fixtures and of the --all models generated from the 2023 spec.
API = "2023-08-16"

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

#: Stripe's fixture lacks a field its own spec marks required (see the converter tests).
KNOWN_BAD = {"treasury.outbound_payment"}


def _target(package: Any, resource: str) -> Any:
    try:
        return package.model_for(resource)
    except KeyError:
        return None


def test_every_fixture_resource_types_inside_an_event(
    all_models: Any, fixtures_2023: dict[str, Any]
) -> None:
    """Each fixture, wrapped in an event, becomes the class structuring it alone gives."""
    Event = all_models.model_for("event")
    typed: list[str] = []
    for resource, fixture in sorted(fixtures_2023.items()):
        payload = event(f"{resource}.updated", fixture, api_version=API)
        notices: list[Issue] = []
        if resource in KNOWN_BAD:
            with pytest.raises(PayloadError) as caught:
                parse_event(body(payload), event_class=Event)
            assert all(i.path.startswith("/data/object/") for i in caught.value.issues)
            continue
        result = parse_event(body(payload), event_class=Event, notices=notices)
        assert unstructure(result) == payload, resource
        subject = result.data.object
        if resource == "event":  # an event is never the object of an event
            assert type(subject) is dict
            assert [(n.path, n.code) for n in notices] == [("/data/object", "unknown_model")]
            continue
        alone = structure(fixture, _target(all_models, resource), mode="lenient")
        assert type(subject) is type(alone), resource
        assert subject == alone
        assert not [n for n in notices if n.code == "unknown_model"], resource
        typed.append(resource)
    assert len(typed) == len(fixtures_2023) - 2  # all but the event itself and KNOWN_BAD


def _deleted(fixtures: dict[str, Any]) -> list[str]:
    return sorted(k for k in fixtures if k.startswith("deleted_"))


def test_deleted_fixtures_are_the_deleted_models(
    all_models: Any, fixtures_2023: dict[str, Any]
) -> None:
    """All 21 deleted fixtures become their deleted_* class: alone, beside the live class, in an event."""
    deleted = _deleted(fixtures_2023)
    assert len(deleted) == 21
    Event = all_models.model_for("event")
    for key in deleted:
        fixture = fixtures_2023[key]
        assert fixture["deleted"] is True
        for mode in ("strict", "lenient"):
            alone = structure(fixture, _target(all_models, key), mode=mode)
            assert type(alone).__schema_key__.startswith("deleted_"), key
            assert unstructure(alone) == fixture
            live = _target(all_models, fixture["object"])
            live_classes = typing.get_args(live) or (live,)
            either = structure(fixture, typing.Union[(*live_classes, type(alone))], mode=mode)
            assert type(either) is type(alone), key
            inside = parse_event(
                body(event(f"{fixture['object']}.deleted", fixture, api_version=API)),
                event_class=Event,
                mode=mode,
            )
            assert type(inside.data.object) is type(alone), key


def test_an_undeleted_stub_is_neither_model(all_models: Any, fixtures_2023: dict[str, Any]) -> None:
    """Without ``deleted: true`` a stub is not a deleted object, nor a live one: an error."""
    fixture = copy.deepcopy(fixtures_2023["deleted_customer"])
    del fixture["deleted"]
    Event = all_models.model_for("event")
    with pytest.raises(PayloadError) as caught:
        structure(event("customer.deleted", fixture, api_version=API), Event)
    assert all(i.path.startswith("/data/object") for i in caught.value.issues)


def test_previous_attributes_with_the_all_models(
    all_models: Any, fixtures_2023: dict[str, Any]
) -> None:
    """A customer.updated event's previous values are checked against Customer."""
    Event = all_models.model_for("event")
    customer = fixtures_2023["customer"]
    ok = {"email": None, "metadata": {"new_key": None}, "balance": 5, "address": {"city": "X"}}
    payload = event("customer.updated", customer, api_version=API, previous=ok)
    assert (
        parse_event(body(payload), event_class=Event, mode="strict").data.previous_attributes == ok
    )
    bad = event(
        "customer.updated",
        customer,
        api_version=API,
        previous={"balance": "5", "address": {"city": 1}},
    )
    with pytest.raises(PayloadError) as caught:
        parse_event(body(bad), event_class=Event)
    assert sorted(i.path for i in caught.value.issues) == [
        "/data/previous_attributes/address/city",
        "/data/previous_attributes/balance",
    ]


def test_list_objects_of_all_models(all_models: Any, fixtures_2023: dict[str, Any]) -> None:
    """A page of customers types each item; a deleted customer in it is a DeletedCustomer."""
    Customer = all_models.model_for("customer")
    DeletedCustomer = all_models.model_for("deleted_customer")
    items = [fixtures_2023["customer"], fixtures_2023["deleted_customer"]]
    payload = {"object": "list", "data": items, "has_more": False, "url": "/v1/customers"}
    result = structure(payload, ListObject[Customer | DeletedCustomer])
    assert [type(x) for x in result.data] == [Customer, DeletedCustomer]
    assert unstructure(result) == payload


def test_validate_agrees_with_the_converters_on_deleted_objects(
    all_models: Any, fixtures_2023: dict[str, Any]
) -> None:
    """validate() picks the deleted schema by the same rule the converters use: every deleted
    fixture is valid alone and inside an event (deleted bank accounts and payment sources,
    tagged ``bank_account`` with no resource id of their own, were once refused)."""
    from stripe_schemas.validation import Validator

    document = all_models.__out_dir__ / "stripe_models_all" / "schemas.json"
    validator = Validator(json.loads(document.read_text()))
    Event = all_models.model_for("event")
    for key in _deleted(fixtures_2023):
        fixture = fixtures_2023[key]
        for mode in ("strict", "lenient"):
            alone = validator.validate(fixture, mode=mode)
            chosen = type(structure(fixture, _target(all_models, key), mode=mode))
            assert alone.issues == () and alone.model == chosen.__schema_key__, (key, alone)
            wrapped = event(f"{fixture['object']}.deleted", fixture, api_version=API)
            inside = validator.validate(wrapped, mode=mode)
            assert inside.issues == (), (key, inside.issues)
            assert type(parse_event(body(wrapped), event_class=Event).data.object) is chosen
    live = copy.deepcopy(fixtures_2023["bank_account"])
    assert validator.validate(live).model == "bank_account"
