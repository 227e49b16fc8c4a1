"""Converter review fixes: strict non-model targets, copies, pickling, union choice, limits, JSON edges."""

from __future__ import annotations

import copy
import datetime
import importlib
import json
import pickle
import pkgutil
import sys
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

import attrs
import orjson
import pytest
from _converter_models import Gadget, Holder, OptionsA, OptionsB, Widget
from hypothesis import given
from hypothesis import strategies as st

from bench.payloads import EXPANDED, REQUIRES_INPUT, VERIFIED
from stripe_models.identity import VerificationSession
from stripe_schemas import (
    UNSET,
    Issue,
    PayloadError,
    dumps,
    extras,
    loads,
    make_converter,
    structure,
    unstructure,
)
from stripe_schemas.converters import Mode, _entry_for
from stripe_schemas.converters._fast import FAST_ERRORS
from stripe_schemas.converters._shared import NO_EXTRA
from stripe_schemas.io import _json as json_backend

MODES: list[Mode] = ["strict", "lenient"]


def problems(payload: Any, cl: Any, mode: Mode = "strict") -> list[tuple[str, str]]:
    """The (path, code) pairs of a failed structure, in order."""
    with pytest.raises(PayloadError) as caught:
        structure(payload, cl, mode=mode)
    return [(issue.path, issue.code) for issue in caught.value.issues]


def both_paths(cl: Any, payload: Any, mode: Mode) -> tuple[Any, Any]:
    """The fast and the detailed path's results (None where a path rejects the payload)."""
    fast, detailed = _entry_for(cl, mode)
    try:
        fast_result = fast(payload)
    except FAST_ERRORS:
        fast_result = None
    try:
        slow_result = detailed(payload)
    except PayloadError:
        slow_result = None
    return fast_result, slow_result


# -- 1. non-model targets: strict, with pointers from the root -------------------------------


@pytest.mark.parametrize(
    ("value", "target", "path"),
    [
        ("1", int, ""),
        (1, str, ""),
        (True, int, ""),
        (1.5, int, ""),
        ("1.5", float, ""),
        (1, bool, ""),
        (["1"], list[int], "/0"),
        ([1, True], list[int], "/1"),
        ("ab", list[str], ""),
        ({"a": 1}, dict[str, str], "/a"),
        ("c", Literal["a", "b"], ""),
        (None, str, ""),
    ],
)
def test_scalar_and_container_targets_are_not_coerced(value: Any, target: Any, path: str) -> None:
    """structure() on plain types checks like a field does: nothing is coerced."""
    assert [p for p, _ in problems(value, target)] == [path]


def test_scalar_and_container_targets_accept_valid_values() -> None:
    """Valid values come back equal (containers as new lists and dicts)."""
    assert structure("a", str) == "a" and structure(2, float) == 2 and structure(True, bool)
    items = ["x", "y"]
    assert structure(items, list[str]) == items and structure(items, list[str]) is not items
    assert structure({"k": [1]}, dict[str, list[int]]) == {"k": [1]}
    assert structure("c", Literal["a", "b"], mode="lenient") == "c"  # lenient keeps it
    assert structure(None, list[int] | None) is None
    free = {"x": [1, {"y": None}]}
    assert structure(free, Any) == free


def test_model_containers_report_pointers_from_the_root() -> None:
    """list[Model] / dict[str, Model]: one PayloadError, pointers include the index or key."""
    bad = {**VERIFIED, "status": 3}
    assert problems([VERIFIED, bad], list[VerificationSession]) == [("/1/status", "type_mismatch")]
    assert problems({"a": VERIFIED, "b/c": bad}, dict[str, VerificationSession]) == [
        ("/b~1c/status", "type_mismatch")
    ]
    assert problems([bad], list[VerificationSession] | None) == [("/0/status", "type_mismatch")]
    with pytest.raises(PayloadError) as caught:
        structure([bad], list[VerificationSession])
    assert caught.value.model == "list[VerificationSession]"
    sessions = structure([REQUIRES_INPUT, VERIFIED], list[VerificationSession])
    assert unstructure(sessions) == [REQUIRES_INPUT, VERIFIED]
    assert (
        loads(orjson.dumps({"k": VERIFIED}), dict[str, VerificationSession])["k"].id
        == (VERIFIED["id"])
    )


def test_lenient_notices_of_list_items_carry_their_index() -> None:
    """Notices for items of a top-level list say which item (not all ``/status``)."""
    notices: list[Issue] = []
    payload = [{**VERIFIED, "status": "archived"}, VERIFIED, {**VERIFIED, "status": "new"}]
    structure(payload, list[VerificationSession], mode="lenient", notices=notices)
    assert [n.path for n in notices] == ["/0/status", "/2/status"]


@attrs.define
class PlainAttrs:
    """An attrs class the generator did not write."""

    a: int


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (PlainAttrs, "not one the generator wrote"),
        (5, "is not a type"),
        ([VerificationSession], "is not a type"),
        ({"a": 1}, "is not a type"),
        (list, "needs its item type"),
        (dict[int, VerificationSession], "keys are strings"),
        (datetime.date, "do not support"),
        (tuple[int, int], "do not support"),
        ("VerificationSession", "string"),
    ],
)
def test_unsupported_targets_are_a_clear_type_error(target: Any, words: str) -> None:
    """Targets the converters cannot check strictly are a TypeError saying why, in both calls."""
    for mode in MODES:
        with pytest.raises(TypeError, match=words):
            structure({"a": "1"}, target, mode=mode)
        with pytest.raises(TypeError, match=words):
            loads(b"{", target, mode=mode)  # before parsing: not an invalid_json error


def test_make_converter_structures_model_containers_with_full_pointers() -> None:
    """A StripeConverter structures list/dict of models as a whole: PayloadError, full pointers."""
    converter = make_converter()
    bad = {**VERIFIED, "status": 3}
    for target, payload, path in [
        (list[VerificationSession], [VERIFIED, bad], "/1/status"),
        (dict[str, VerificationSession], {"k": bad}, "/k/status"),
        (list[list[VerificationSession]], [[], [bad]], "/1/0/status"),
        (list[VerificationSession] | None, [bad], "/0/status"),
    ]:
        with pytest.raises(PayloadError) as caught:
            converter.structure(payload, target)
        assert [i.path for i in caught.value.issues] == [path]
    notices: list[Issue] = []
    lenient = make_converter("lenient")
    lenient.structure_noting(
        [VERIFIED, {**VERIFIED, "status": "x"}], list[VerificationSession], notices
    )
    assert [n.path for n in notices] == ["/1/status"]
    converter.register_structure_hook(complex, lambda v, _: complex(*v))
    assert converter.structure([[1, 2]], list[complex]) == [1 + 2j]  # cattrs' own grouping stays


# -- 2. pickling and copying structured instances -------------------------------------------


def _instances() -> Iterator[tuple[Any, Any]]:
    """(structured instance, payload) pairs: fast and detailed paths, with and without extras."""
    yield structure(VERIFIED, VerificationSession), VERIFIED
    yield structure(EXPANDED, VerificationSession, mode="lenient"), EXPANDED
    with_extras = {"zz": {"a": [1]}, **VERIFIED, "new": 1}
    with_extras["verified_outputs"] = {"x": 1, **VERIFIED["verified_outputs"]}
    yield structure(with_extras, VerificationSession, mode="lenient"), with_extras
    noticed = {**with_extras, "status": "archived"}  # a notice: built by the detailed path
    yield structure(noticed, VerificationSession, mode="lenient"), noticed


@pytest.mark.parametrize("copier", ["pickle", "deepcopy", "copy"])
def test_structured_instances_pickle_and_copy(copier: str) -> None:
    """Structured instances survive pickle, deepcopy and copy: equal, same output, same order."""
    for instance, payload in _instances():
        if copier == "pickle":
            clone = pickle.loads(pickle.dumps(instance))
        elif copier == "deepcopy":
            clone = copy.deepcopy(instance)
        else:
            clone = copy.copy(instance)
        assert clone == instance
        assert unstructure(clone) == payload
        assert list(unstructure(clone)) == list(unstructure(instance))  # key order too
        assert dict(extras(clone)) == dict(extras(instance))


def test_no_extra_is_one_immutable_picklable_singleton() -> None:
    """The shared empty ``_extra`` comes back as itself from pickle and copies, and is read-only."""
    in_class_order = dict(sorted(REQUIRES_INPUT.items()))  # nothing to remember per instance
    instance = structure(in_class_order, VerificationSession)
    assert instance._extra is NO_EXTRA
    assert pickle.loads(pickle.dumps(instance))._extra is NO_EXTRA
    assert copy.deepcopy(instance)._extra is NO_EXTRA
    assert pickle.loads(pickle.dumps(NO_EXTRA)) is NO_EXTRA
    assert NO_EXTRA == {} and len(NO_EXTRA) == 0 and dict(NO_EXTRA) == {}
    assert not hasattr(NO_EXTRA, "__setitem__")


def test_structured_instances_equal_init_built_ones() -> None:
    """An instance built by the converters equals one built with ``__init__`` (and hashes alike)."""
    payload = {"id": "w", "object": "widget", "sizes": [1]}
    built = Widget(id="w", object="widget", sizes=[1])
    for mode in MODES:
        assert structure(payload, Widget, mode=mode) == built
        assert pickle.loads(pickle.dumps(structure(payload, Widget, mode=mode))) == built
    address = {"city": "x", "country": None, "line1": None, "line2": None}
    address |= {"postal_code": None, "state": None}
    common = importlib.import_module("stripe_models.common")
    structured = structure(address, common.Address)
    assert structured == common.Address(**address) and hash(structured) == hash(
        common.Address(**address)
    )


# -- 3. unknown fields and free-form values are not shared ----------------------------------


@pytest.mark.parametrize("notice", [False, True], ids=["fast", "detailed"])
def test_unknown_fields_are_copied_in_and_out(notice: bool) -> None:
    """Mutating the input or the unstructured output never changes a (frozen) instance."""
    payload = {**copy.deepcopy(VERIFIED), "new": {"list": [1, {"deep": True}]}}
    if notice:
        payload["status"] = "archived"
    instance = structure(payload, VerificationSession, mode="lenient")
    expected = copy.deepcopy(payload)
    payload["new"]["list"].append(2)
    payload["new"]["list"][1]["deep"] = False
    assert unstructure(instance) == expected
    out = unstructure(instance)
    out["new"]["list"].clear()
    out["new"]["added"] = 1
    assert unstructure(instance) == expected
    assert extras(instance)["new"] == expected["new"]


def test_free_form_values_are_copied_in_and_out() -> None:
    """``Any`` fields (free-form JSON) are copied the same way."""
    payload: dict[str, Any] = {"id": "g", "object": "gadget", "payload": {"x": [1]}}
    gadget = structure(payload, Gadget)
    payload["payload"]["x"].append(2)
    assert gadget.payload == {"x": [1]}
    out = unstructure(gadget)
    out["payload"]["x"].append(3)
    assert unstructure(gadget)["payload"] == {"x": [1]}


def test_deeply_nested_unknown_values_are_copied() -> None:
    """An unknown field nested deeper than the recursion limit is still kept (and copied)."""
    deep: Any = 1
    for _ in range(3 * sys.getrecursionlimit()):
        deep = [deep]
    instance = structure({"id": "g", "object": "gadget", "deep": deep}, Gadget, mode="lenient")
    kept, levels = extras(instance)["deep"], 0
    while isinstance(kept, list):  # same shape, no list shared with the input
        assert kept is not deep and len(kept) == 1
        kept, deep, levels = kept[0], deep[0], levels + 1
    assert kept == deep == 1 and levels == 3 * sys.getrecursionlimit()


# -- 4. lenient untagged unions: the branch that knows most of the keys -----------------------


def test_lenient_untagged_union_picks_the_branch_with_fewest_unknown_keys() -> None:
    """When every branch has unknown fields, the one knowing the most keys wins; ties: spec order."""
    cases = [
        ({"limit": 2, "extra": 1}, OptionsB(limit=2, _extra={"extra": 1})),
        ({"mode": "fast", "extra": 1}, OptionsA(mode="fast", _extra={"extra": 1})),
        ({"mode": "fast", "limit": 2, "x": 1}, OptionsA(mode="fast", _extra={"limit": 2, "x": 1})),
        ({"x": 1}, OptionsA(_extra={"x": 1})),
    ]
    for choice, expected in cases:
        fast, slow = both_paths(Holder, {"choice": choice}, "lenient")
        assert fast is not None and slow is not None
        assert fast.choice == slow.choice == expected
        assert type(fast.choice) is type(slow.choice) is type(expected)
        assert unstructure(fast) == {"choice": choice}


@given(
    choice=st.dictionaries(
        st.sampled_from(["mode", "limit", "x", "y"]),
        st.sampled_from(["fast", "slow", "medium", 1, 2]),
        max_size=4,
    )
)
def test_fast_and_detailed_paths_choose_the_same_untagged_branch(choice: dict[str, Any]) -> None:
    """Whatever keys an untagged object has, both paths choose the same branch (or both fail)."""
    for mode in MODES:
        fast, slow = both_paths(Holder, {"choice": choice}, mode)
        if fast is not None:
            assert slow is not None and type(fast.choice) is type(slow.choice)
            assert fast == slow


def _find_class(package: Any, name: str) -> Any:
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(name)


@pytest.mark.realdata
@pytest.mark.slow
def test_a_new_field_does_not_change_the_acss_debit_branch(all_models: Any) -> None:
    """``PaymentIntentPaymentMethodOptions.acss_debit`` with a new field keeps its branch."""
    cls = _find_class(all_models, "PaymentIntentPaymentMethodOptions")
    payload = {"acss_debit": {"capture_method": "manual", "new_field": 1}}
    fast, slow = both_paths(cls, payload, "lenient")
    for result in (fast, slow, structure(payload, cls, mode="lenient")):
        branch = result.acss_debit
        assert type(branch).__name__ == "PaymentIntentTypeSpecificPaymentMethodOptionsClient"
        assert branch.capture_method == "manual" and dict(extras(branch)) == {"new_field": 1}
    assert unstructure(fast) == payload


# -- 5. deep nesting ----------------------------------------------------------------------


def nested_gadget(levels: int, *, bad: bool = False) -> dict[str, Any]:
    """gadget → widget → gadget … ``levels`` times; the innermost weight wrong if ``bad``."""
    inner: dict[str, Any] = {"id": "g", "object": "gadget", "weight": "heavy" if bad else 1}
    for i in range(levels):
        inner = {"id": f"w{i}", "object": "widget", "parent": inner}
        inner = {"id": f"g{i}", "object": "gadget", "owner": inner}
    return inner


@pytest.mark.parametrize(("levels", "bad"), [(400, True), (1000, False), (1000, True)])
def test_too_deep_to_walk_is_an_input_limit_issue(levels: int, bad: bool) -> None:
    """Past the recursion limit: one input_limit issue at the deepest pointer reached."""
    for mode in MODES:
        with pytest.raises(PayloadError) as caught:
            structure(nested_gadget(levels, bad=bad), Gadget, mode=mode)
        (issue,) = caught.value.issues
        assert issue.code == "input_limit" and issue.severity == "error"
        assert issue.path.startswith("/owner/parent/owner") and len(issue.message) < 300


def test_an_error_within_reach_is_still_reported_exactly() -> None:
    """An error at moderate depth is reported as itself, not as a limit."""
    assert problems(nested_gadget(20, bad=True), Gadget) == [
        ("/owner/parent" * 20 + "/weight", "type_mismatch")
    ]


def test_dumps_writes_values_deeper_than_orjson_allows() -> None:
    """orjson stops at 255 levels; dumps then writes with the standard library (same bytes)."""
    payload = nested_gadget(200)
    instance = structure(payload, Gadget)
    expected = json.dumps(payload, separators=(",", ":")).encode()
    assert dumps(instance) == expected
    with pytest.raises(TypeError):
        orjson.dumps(payload)  # the reason for the fallback


def test_too_deep_to_write_is_a_value_error() -> None:
    """A value too deep for every encoder, or for unstructure, is a ValueError saying so."""
    deep: Any = []
    for _ in range(3 * sys.getrecursionlimit()):
        deep = [deep]
    with pytest.raises(ValueError, match="nested too deeply"):
        json_backend.dumps(deep)
    gadget = Gadget(id="g", object="gadget")
    for i in range(2 * sys.getrecursionlimit()):
        gadget = Gadget(
            id=f"g{i}", object="gadget", owner=Widget(id="w", object="widget", parent=gadget)
        )
    with pytest.raises(ValueError, match="nested too deeply"):
        dumps(gadget)


# -- 6. JSON input edge cases, both backends -----------------------------------------------


@pytest.fixture(params=["orjson", "stdlib"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "stdlib":
        monkeypatch.setattr(json_backend, "fast_loads", None)
        monkeypatch.setattr(json_backend, "_orjson", None)
    return str(request.param)


@pytest.mark.parametrize(
    ("body", "path", "code", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "", "input_limit", "nested"),
        (b"1" * 5000, "", "input_limit", "integer with 5000 digits"),
        (b"[1e400]", "/0", "input_limit", "too large"),
        (b"NaN", "", "invalid_json", "NaN"),
        (b"[Infinity]", "/0", "invalid_json", "Infinity"),
        (b"[-Infinity]", "/0", "invalid_json", "Infinity"),
        (b'{"a": "\xff"}', "", "invalid_json", "not UTF-8"),
        (b"\xff\xfe{\x00}\x00", "", "invalid_json", "UTF-16 is not supported"),
        (b'{"a": "\xed\xa0\x80"}', "", "invalid_json", "not UTF-8"),  # an encoded surrogate
        (b'["\\ud800"]', "/0", "invalid_json", "surrogate"),
        ('["\ud800"]', "", "invalid_json", "surrogate"),
        (b'{"a": 1', "", "invalid_json", "line 1 column"),
        (b"{}x", "", "invalid_json", "line 1 column 3"),
        (b"", "", "invalid_json", "no JSON value"),
    ],
)
def test_json_edge_cases_are_payload_errors(
    backend: str, body: Any, path: str, code: str, words: str
) -> None:
    """Input that is not (representable) JSON is one PayloadError issue, at the value's pointer."""
    with pytest.raises(PayloadError) as caught:
        json_backend.loads(body)
    (issue,) = caught.value.issues
    assert (issue.path, issue.code) == (path, code)
    assert issue.message.startswith(("not valid JSON: ", "JSON beyond a limit: "))
    assert words in issue.message, issue.message


@pytest.mark.parametrize("body", [b"\xef\xbb\xbf{}", "\ufeff{}"])
def test_a_byte_order_mark_is_ignored(backend: str, body: Any) -> None:
    """A leading UTF-8 byte order mark is ignored, as RFC 8259 lets a parser do."""
    assert json_backend.loads(body) == {}


@pytest.mark.parametrize("data", [123, None, 1.5, ["{}"], {"a": 1}])
def test_loads_of_something_not_text_is_a_type_error(backend: str, data: Any) -> None:
    """Only bytes, bytearray, memoryview and str are JSON input."""
    with pytest.raises(TypeError, match="bytes"):
        loads(data, VerificationSession)


def test_both_backends_read_the_same_valid_json(backend: str) -> None:
    """Surrogate pairs, bytearray and memoryview input, big doubles: the same values."""
    assert json_backend.loads(b'["\\ud83d\\ude00", 1e300, -0.0]') == ["😀", 1e300, -0.0]
    assert json_backend.loads(bytearray(b"{}")) == json_backend.loads(memoryview(b"{}")) == {}
    assert loads(orjson.dumps(VERIFIED), VerificationSession) == structure(
        VERIFIED, VerificationSession
    )


def test_json_errors_never_show_the_input(backend: str) -> None:
    """Messages say where and why, never the text around the problem."""
    for body in [b'{"client_secret": "s3cr3t" x}', b'{"url": "s3cr3t\xff"}', b"[s3cr3t]"]:
        with pytest.raises(PayloadError) as caught:
            loads(body, VerificationSession)
        assert "s3cr3t" not in str(caught.value) and "s3cr3t" not in repr(caught.value)
        assert caught.value.__context__ is None and caught.value.__cause__ is None


# -- 7. a failed compile leaves the caches clean --------------------------------------------


@attrs.frozen(kw_only=True)
class Dated:
    """A hand-written model with a field type the converters do not support."""

    __schema_key__: ClassVar[str] = "dated"
    when: datetime.date
    _extra: Any = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class HoldsDated:
    """A supported model whose field refers to the unsupported one."""

    __schema_key__: ClassVar[str] = "holds_dated"
    id: str
    dated: Dated | None
    _extra: Any = attrs.field(factory=dict, alias="_extra", repr=False)


@pytest.mark.parametrize("target", [Dated, HoldsDated, list[HoldsDated]])
def test_a_failed_compile_fails_the_same_way_every_time(target: Any) -> None:
    """An unsupported field type is a TypeError naming the field, on every call, not a KeyError."""
    for _ in range(3):
        for mode in MODES:
            with pytest.raises(TypeError, match=r"Dated\.when.*datetime\.date"):
                structure({"id": "x", "dated": None, "when": "2020-01-01"}, target, mode=mode)
    for _ in range(3):
        with pytest.raises(TypeError, match=r"Dated\.when"):
            unstructure(Dated(when=datetime.date(2020, 1, 1)))
        with pytest.raises(TypeError, match=r"Dated\.when"):
            unstructure(HoldsDated(id="x", dated=None))
    assert structure({"id": "w", "object": "widget"}, Widget) == Widget(id="w", object="widget")


# -- 8. a present key holding UNSET -----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_key_holding_unset_is_rejected_by_both_paths(mode: Mode) -> None:
    """``{"url": UNSET}`` is not an absent ``url``: both paths reject it, with a plain message."""
    cases = [
        (VerificationSession, {**VERIFIED, "url": UNSET}, "/url"),
        (VerificationSession, {**VERIFIED, "url": UNSET, "new": 1}, "/url"),
        (Gadget, {"id": "g", "object": "gadget", "payload": UNSET}, "/payload"),
        (Gadget, {"id": "g", "object": "gadget", "payload": UNSET, "new": 1}, "/payload"),
    ]
    for cls, payload, path in cases:
        assert both_paths(cls, payload, mode) == (None, None)
        found = [(p, c) for p, c in problems(payload, cls, mode) if c != "unknown_field"]
        assert found == [(path, "invalid_json")]  # not a JSON value: what validate() says too
        with pytest.raises(
            PayloadError, match=r"UNSET, the absent-field marker, .*leave the key out"
        ):
            structure(payload, cls, mode=mode)


# -- 9. message wording -----------------------------------------------------------------------


def test_a_null_object_tag_is_described_plainly() -> None:
    """A null tag reads "the 'object' tag is null", not "null None"."""
    payload = {"id": "g", "object": "gadget", "owner": {"id": "w", "object": None}}
    with pytest.raises(PayloadError) as caught:
        structure(payload, Gadget)
    (issue,) = caught.value.issues
    assert (issue.path, issue.code) == ("/owner/object", "null_not_allowed")
    assert "None" not in issue.message


def test_deep_branch_labels_are_shortened() -> None:
    """Union-branch labels in a message name at most the innermost few branches."""
    with pytest.raises(PayloadError) as caught:
        structure(nested_gadget(30, bad=True), Gadget)
    (issue,) = caught.value.issues
    assert issue.message.startswith("[… > ") and issue.message.count(" > ") == 3


# -- 10. the benchmark compares full dumps --------------------------------------------------


def test_benchmark_agreement_compares_full_dumps() -> None:
    """The benchmark's check passes for plain cattrs and fails for a dump that loses a field."""
    bench = importlib.import_module("bench.bench_convert")
    bench._agree(bench.CATTRS, *bench.cattrs_pair())
    structure_fn, unstructure_fn = bench.cattrs_pair()

    def lossy(instance: Any) -> Any:
        out = unstructure_fn(instance)
        out["metadata"] = {}
        return out

    with pytest.raises(AssertionError, match="disagrees"):
        bench._agree("lossy", structure_fn, lossy)
    assert bench._without_added_nulls(
        {"a": None, "b": None, "c": [{"d": None}]}, {"b": 1, "c": [{}]}
    ) == {
        "b": None,
        "c": [{}],
    }
