"""Envelopes in the converters: ListObject[T], events (open unions) and previous_attributes."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.events import event, session_event
from bench.payloads import REQUIRES_INPUT, VERIFIED
from stripe_models.common import NotificationEventData
from stripe_models.core import Event
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import (
    Issue,
    ListObject,
    PayloadError,
    dumps,
    extras,
    make_converter,
    structure,
    unstructure,
)
from stripe_schemas.converters import Mode, _entry_for
from stripe_schemas.converters._fast import FAST_ERRORS
from stripe_schemas.model import class_plan
from stripe_schemas.strategies._models import payloads

MODES: list[Mode] = ["strict", "lenient"]
URL = "/v1/identity/verification_sessions"


def page(*items: dict[str, Any], has_more: bool = False) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [copy.deepcopy(i) for i in items],
        "has_more": has_more,
        "url": URL,
    }


def paths(error: PayloadError) -> list[tuple[str, str]]:
    return [(i.path, i.code) for i in error.issues]


def both_paths(target: Any, payload: Any, mode: Mode) -> tuple[Any, Any]:
    """The fast path's result (or None if it gave up) and the detailed path's."""
    fast, detailed = _entry_for(target, mode)
    try:
        quick = fast(payload)
    except FAST_ERRORS:
        quick = None
    return quick, detailed(payload)


# -- ListObject[T] -----------------------------------------------------------------------


def test_list_of_sessions_structures_and_round_trips_byte_for_byte() -> None:
    """A list response types every item and writes back the same bytes."""
    in_order = [unstructure(structure(s, VerificationSession)) for s in (REQUIRES_INPUT, VERIFIED)]
    payload = page(*in_order, has_more=True)  # items in the spec's key order, as Stripe writes
    result = structure(payload, ListObject[VerificationSession])
    assert type(result) is ListObject
    assert all(isinstance(s, VerificationSession) for s in result.data)
    assert result.has_more is True and result.url == URL
    assert unstructure(result) == payload
    assert dumps(result) == orjson.dumps(payload)
    assert structure(unstructure(result), ListObject[VerificationSession]) == result


def test_list_item_issues_point_from_the_root() -> None:
    """Every bad item and envelope field is reported, with pointers like /data/3/status."""
    items = [copy.deepcopy(REQUIRES_INPUT) for _ in range(4)]
    items[3]["status"] = "paused"
    items[1]["created"] = "x"
    payload = page(*items)
    payload["has_more"] = "no"
    del payload["url"]
    with pytest.raises(PayloadError) as caught:
        structure(payload, ListObject[VerificationSession])
    assert sorted(paths(caught.value)) == [
        ("/data/1/created", "type_mismatch"),
        ("/data/3/status", "unknown_enum_value"),
        ("/has_more", "type_mismatch"),
        ("/url", "missing_required"),
    ]
    assert caught.value.model == "ListObject[VerificationSession]"


@pytest.mark.parametrize("mode", MODES)
def test_envelope_tag_and_unknown_fields(mode: Mode) -> None:
    """The tag must be "list"; an unknown envelope field is an error (strict) or kept (lenient)."""
    wrong = page(REQUIRES_INPUT)
    wrong["object"] = "search_result"
    with pytest.raises(PayloadError) as caught:
        structure(wrong, ListObject[VerificationSession], mode=mode)
    assert paths(caught.value) == [("/object", "wrong_object_tag")]
    counted = {**page(REQUIRES_INPUT), "total_count": 1}
    if mode == "strict":
        with pytest.raises(PayloadError) as caught:
            structure(counted, ListObject[VerificationSession], mode=mode)
        assert paths(caught.value) == [("/total_count", "unknown_field")]
    else:
        kept = structure(counted, ListObject[VerificationSession], mode=mode)
        assert extras(kept) == {"total_count": 1}
        assert unstructure(kept) == counted


def test_bare_list_object_keeps_plain_items() -> None:
    """ListObject without a parameter checks the envelope and keeps items as JSON values."""
    payload = page(REQUIRES_INPUT, {"anything": [1, None]})
    result = structure(payload, ListObject)
    assert result.data == payload["data"] and type(result.data[0]) is dict
    assert unstructure(result) == payload


def test_list_objects_nest_in_other_targets() -> None:
    """list[ListObject[T]], dict[str, ListObject[T]] and ListObject[T] | None work as targets."""
    one = page(REQUIRES_INPUT)
    assert structure([one, one], list[ListObject[VerificationSession]])[1].data[0].status == (
        "requires_input"
    )
    assert structure(None, ListObject[VerificationSession] | None) is None
    assert unstructure(structure({"a": one}, dict[str, ListObject[VerificationSession]])) == {
        "a": one
    }
    nested = page(page(REQUIRES_INPUT))
    result = structure(nested, ListObject[ListObject[VerificationSession]])
    assert isinstance(result.data[0].data[0], VerificationSession)
    assert unstructure(result) == nested
    bad = page(page({**REQUIRES_INPUT, "status": 1}))
    with pytest.raises(PayloadError) as caught:
        structure(bad, ListObject[ListObject[VerificationSession]])
    assert paths(caught.value) == [("/data/0/data/0/status", "type_mismatch")]


def test_list_of_a_union_dispatches_items_by_tag() -> None:
    """ListObject[A | B] types each item by its object tag."""
    from bench.payloads import REPORT

    result = structure(
        page(REQUIRES_INPUT, REPORT), ListObject[VerificationSession | VerificationReport]
    )
    assert [type(x) for x in result.data] == [VerificationSession, VerificationReport]


def test_list_objects_are_ordinary_values() -> None:
    """Equality with a hand-built list, pickle, and a cattrs converter all work."""
    payload = page(REQUIRES_INPUT)
    result = structure(payload, ListObject[VerificationSession])
    by_hand = ListObject(
        object="list",
        data=[structure(REQUIRES_INPUT, VerificationSession)],
        has_more=False,
        url=URL,
    )
    assert result == by_hand
    assert pickle.loads(pickle.dumps(result)) == result
    converter = make_converter()
    assert converter.structure(payload, ListObject[VerificationSession]) == result
    assert converter.unstructure(result) == payload
    assert URL not in repr(result)  # the url is left out of the repr, as for other URLs


@pytest.mark.parametrize("mode", MODES)
@given(data=st.data())
def test_list_round_trip_and_paths_agree(mode: Mode, data: st.DataObject) -> None:
    """Drawn pages round-trip, and the fast and detailed paths build the same value."""
    payload = data.draw(payloads(ListObject[VerificationSession]))
    quick, detailed = both_paths(ListObject[VerificationSession], payload, mode)
    assert quick == detailed
    assert unstructure(detailed) == payload


@given(data=st.data())
def test_a_bad_item_is_reported_at_its_index(data: st.DataObject) -> None:
    """A wrong type at one drawn item is reported at /data/<that index>/created, alone."""
    items = data.draw(st.lists(payloads(VerificationSession), min_size=1, max_size=5))
    index = data.draw(st.integers(0, len(items) - 1))
    items[index]["created"] = data.draw(st.sampled_from(["x", 1.5, None, [], True]))
    with pytest.raises(PayloadError) as caught:
        structure(page(*items), ListObject[VerificationSession])
    assert [i.path for i in caught.value.issues] == [f"/data/{index}/created"]


# -- events: data.object by tag ----------------------------------------------------------


def test_event_object_is_typed_and_both_paths_agree() -> None:
    """structure(payload, Event) types data.object; fast and detailed paths give the same."""
    for payload in (session_event("verified"), session_event("requires_input")):
        for mode in MODES:
            quick, detailed = both_paths(Event, payload, mode)
            assert quick == detailed
            assert isinstance(detailed.data.object, VerificationSession)


def test_unknown_tags_go_to_the_detailed_path_for_their_notice() -> None:
    """The fast path never silently turns an object into a map: it leaves that to the notice."""
    payload = event("customer.created", {"object": "customer", "id": "cus_1"})
    quick, detailed = both_paths(Event, payload, "strict")
    assert quick is None
    assert detailed.data.object == {"object": "customer", "id": "cus_1"}
    untagged = event("x.created", {"id": "x_1"})
    notices: list[Issue] = []
    structure(untagged, Event, notices=notices)
    assert [(n.path, n.code) for n in notices] == [("/data/object", "unknown_model")]
    assert "no 'object' tag" in notices[0].message


def test_known_tag_never_falls_back_to_a_map_on_either_path() -> None:
    """A session missing a required field fails on both paths (no silent mapping)."""
    broken = copy.deepcopy(REQUIRES_INPUT)
    del broken["created"]
    payload = event("identity.verification_session.created", broken)
    fast, detailed = _entry_for(Event, "lenient")
    with pytest.raises(FAST_ERRORS):
        fast(payload)
    with pytest.raises(PayloadError) as caught:
        detailed(payload)
    assert paths(caught.value) == [("/data/object/created", "missing_required")]


# -- previous_attributes: drawn partial sessions ------------------------------------------


@st.composite
def session_events_with_previous(draw: st.DrawFn) -> dict[str, Any]:
    """A session event whose previous_attributes are some fields of another valid session."""
    now, before = draw(payloads(VerificationSession)), draw(payloads(VerificationSession))
    keys = draw(st.lists(st.sampled_from(sorted(before)), unique=True, max_size=6))
    return event(
        "identity.verification_session.updated", now, previous={k: before[k] for k in keys}
    )


@pytest.mark.parametrize("mode", MODES)
@given(payload=session_events_with_previous())
def test_previous_values_of_real_fields_always_pass(mode: Mode, payload: dict[str, Any]) -> None:
    """Fields of a valid session are a valid partial; the event round-trips on both paths."""
    quick, detailed = both_paths(Event, payload, mode)
    assert quick == detailed
    assert unstructure(detailed) == payload


@given(payload=session_events_with_previous(), data=st.data())
def test_a_wrong_previous_value_is_reported_at_its_pointer(
    payload: dict[str, Any], data: st.DataObject
) -> None:
    """A previous value of the wrong JSON type is an error at exactly its pointer."""
    previous = payload["data"]["previous_attributes"]
    fields = class_plan(VerificationSession).by_wire
    key = data.draw(st.sampled_from(sorted(fields)))
    wrong = {"str": 5, "int": "5", "bool": 1}
    kind = {"created": "int", "livemode": "bool", "id": "str", "type": "str", "status": "str"}
    if key not in kind:
        key = "created"
    previous[key] = wrong[kind[key]]
    with pytest.raises(PayloadError) as caught:
        structure(payload, Event, mode="lenient")
    assert [i.path for i in caught.value.issues] == [f"/data/previous_attributes/{key}"]


def test_previous_attributes_check_is_registered_for_the_event_data_schema() -> None:
    """The check hangs on notification_event_data's plan, in every generated package."""
    from stripe_schemas.converters._shared import post_check

    assert post_check(class_plan(NotificationEventData)) is not None
    assert post_check(class_plan(VerificationSession)) is None
