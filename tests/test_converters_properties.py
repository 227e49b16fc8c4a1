"""Property tests: round trips on generated payloads, and the fast path agreeing with the detailed one."""

from __future__ import annotations

import copy
import importlib
import json
from typing import Any

import pytest
from _converter_models import Gadget, Holder, Widget
from hypothesis import given, settings
from hypothesis import strategies as st

from stripe_models.common import Address
from stripe_models.identity import VerificationReport, VerificationSession, VerifiedOutputs
from stripe_schemas import PayloadError, extras, structure, unstructure
from stripe_schemas.converters import Mode, _entry_for
from stripe_schemas.converters._fast import FAST_ERRORS
from stripe_schemas.model import class_plan
from stripe_schemas.strategies._models import JSON, payloads, unknown_fields, with_unknown_fields

CLASSES = [
    VerificationSession,
    VerificationReport,
    VerifiedOutputs,
    Address,
    Gadget,
    Widget,
    Holder,
]
MODES: list[Mode] = ["strict", "lenient"]


def assert_only_json(value: Any) -> None:
    """The value is made of JSON types only (dict with str keys, list, str, int, float, bool, None)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            assert_only_json(item)
    elif isinstance(value, list):
        for item in value:
            assert_only_json(item)
    else:
        assert value is None or type(value) in (str, int, float, bool)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_round_trip_on_generated_payloads(cls: type, mode: Mode, data: st.DataObject) -> None:
    """structure → unstructure gives the payload back, and structure(unstructure(x)) == x."""
    payload = data.draw(payloads(cls))
    instance: Any = structure(payload, cls, mode=mode)
    out = unstructure(instance)
    assert out == payload
    assert_only_json(out)
    assert structure(out, cls, mode=mode) == instance


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_lenient_keeps_unknown_fields_in_order(cls: type, data: st.DataObject) -> None:
    """Unknown fields anywhere in the key order come back in that order, byte for byte."""
    payload = data.draw(with_unknown_fields(cls))
    instance: Any = structure(payload, cls, mode="lenient")
    assert set(extras(instance)) == set(payload) - class_plan(cls).known
    out = unstructure(instance)
    assert out == payload and list(out) == list(payload)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_strict_names_every_unknown_field(cls: type, data: st.DataObject) -> None:
    """Strict mode reports exactly the unknown top-level keys, each at its own pointer."""
    payload = data.draw(payloads(cls))
    unknown = data.draw(unknown_fields(cls))
    with pytest.raises(PayloadError) as caught:
        structure({**payload, **unknown}, cls)
    assert {(i.path, i.code) for i in caught.value.issues} == {
        (f"/{key}", "unknown_field") for key in unknown
    }


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location inside a JSON value (not the root)."""
    found: list[tuple[Any, ...]] = []
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        found.append((*prefix, key))
        found += _paths(item, (*prefix, key))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    copied = copy.deepcopy(value)
    target = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copied


def _outcome(fn: Any, payload: Any, errors: tuple[type[BaseException], ...]) -> tuple[bool, Any]:
    try:
        return True, fn(payload)
    except errors:
        return False, None


def _integral_floats(value: Any) -> bool:
    """Whether a payload holds a float with no fractional part (the detailed path reads it as
    an integer where one is expected; the fast path leaves it to the detailed one)."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_integral_floats(v) for v in value.values())
    if isinstance(value, list):
        return any(_integral_floats(v) for v in value)
    return False


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_fast_path_agrees_with_the_detailed_path(
    cls: type, mode: Mode, data: st.DataObject
) -> None:
    """On valid and damaged payloads, the fast path never accepts what the detailed one rejects."""
    payload = data.draw(payloads(cls))
    paths = _paths(payload)
    damage: bool = data.draw(st.booleans())
    if paths and damage:
        payload = _replace(payload, data.draw(st.sampled_from(paths)), data.draw(JSON))
    entry = _entry_for(cls, mode)
    assert entry is not None
    fast, detailed = entry
    fast_ok, fast_result = _outcome(fast, payload, FAST_ERRORS)
    slow_ok, slow_result = _outcome(detailed, payload, (PayloadError,))
    if fast_ok:
        assert slow_ok and fast_result == slow_result
    if slow_ok and not fast_ok:  # only lenient notices, or an integer written as a float
        assert mode == "lenient" or _integral_floats(payload)
    if not slow_ok:
        with pytest.raises(PayloadError) as caught:
            structure(payload, cls, mode=mode)
        assert any(i.severity == "error" for i in caught.value.issues)
    else:  # (the standard library's json: an integer-valued 2.0**64 is an int beyond orjson)
        assert json.loads(json.dumps(unstructure(slow_result))) == payload


@pytest.mark.realdata
@pytest.mark.slow
@settings(max_examples=10)
@given(data=st.data())
def test_round_trip_on_all_generated_models(all_models: Any, data: st.DataObject) -> None:
    """Any class of ``generate --all`` round-trips generated payloads in both modes."""
    names = sorted(all_models.RESOURCES)
    resource = data.draw(st.sampled_from(names))
    module, name = all_models.RESOURCES[resource]
    cls = getattr(importlib.import_module(f"{all_models.__name__}.{module}"), name)
    payload = data.draw(payloads(cls, max_depth=2))
    for mode in ("strict", "lenient"):
        assert unstructure(structure(payload, cls, mode=mode)) == payload


@pytest.mark.parametrize("mode", MODES)
def test_an_integer_written_as_a_float_picks_the_same_union_branch_on_both_paths(
    mode: Mode,
) -> None:
    """``{"limit": 6.0}`` is ``OptionsB(limit=6)`` on the fast path too: it used to reject the
    float there and, in lenient mode, take ``OptionsA`` with ``limit`` as an unknown field."""
    from _converter_models import Holder

    payload = {"choice": {"limit": 1559467104736847.0}, "whos": []}
    entry = _entry_for(Holder, mode)
    assert entry is not None
    fast_ok, fast_result = _outcome(entry[0], payload, FAST_ERRORS)
    slow_ok, slow_result = _outcome(entry[1], payload, (PayloadError,))
    assert fast_ok and slow_ok and fast_result == slow_result
    assert type(fast_result.choice).__name__ == "OptionsB"
    assert fast_result.choice.limit == 1559467104736847
    assert type(fast_result.choice.limit) is int
