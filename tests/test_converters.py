"""Converters: exact round trips, strict vs lenient, expansion, no coercion, errors with paths."""

from __future__ import annotations

import copy
import json
import traceback
import types
from typing import Any

import cattrs
import orjson
import pytest
from _converter_models import DeletedWidget, Gadget, Holder, OptionsA, OptionsB, Widget

import stripe_schemas
from bench.payloads import EXPANDED, PAYLOADS, REPORT, REQUIRES_INPUT, VERIFIED, invalid_payload
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import (
    UNSET,
    Expandable,
    Issue,
    PayloadError,
    dumps,
    expandable_id,
    extras,
    is_expanded,
    loads,
    make_converter,
    structure,
    unstructure,
)
from stripe_schemas.converters import Mode
from stripe_schemas.converters._shared import KEY_ORDERS_KEPT, NO_EXTRA
from stripe_schemas.io import _json as json_backend
from stripe_schemas.validation import validate


def problems(payload: Any, cls: Any, mode: Mode = "strict") -> set[tuple[str, str]]:
    """The (path, code) pairs of a failed structure."""
    with pytest.raises(PayloadError) as caught:
        structure(payload, cls, mode=mode)
    return {(issue.path, issue.code) for issue in caught.value.issues}


def session(**changes: Any) -> dict[str, Any]:
    """The verified bench session with top-level changes (a value of ... drops the key)."""
    payload = copy.deepcopy(VERIFIED)
    for key, value in changes.items():
        if value is ...:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


# -- lossless round trips -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAYLOADS))
@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_bench_payloads_round_trip(name: str, mode: Mode) -> None:
    """Each benchmark payload structures and unstructures back to an equal dict in both modes."""
    payload = PAYLOADS[name]
    instance = structure(payload, VerificationSession, mode=mode)
    assert unstructure(instance) == payload
    assert structure(unstructure(instance), VerificationSession) == instance


def test_absent_stays_absent_and_null_stays_null() -> None:
    """An absent field is UNSET and omitted again; null is None and written back as null."""
    absent = structure(session(url=...), VerificationSession)
    null = structure(session(url=None), VerificationSession)
    assert absent.url is UNSET and "url" not in unstructure(absent)
    assert null.url is None and unstructure(null)["url"] is None


def test_metadata_keys_and_list_order_are_kept() -> None:
    """Metadata keys with dots, slashes and tildes, and list order, survive unchanged."""
    metadata = {"order.id": "1", "a/b": "2", "x~y": "3", "": "4"}
    payload = session(metadata=metadata)
    payload["options"]["document"]["allowed_types"] = ["passport", "id_card", "driving_license"]
    out = unstructure(structure(payload, VerificationSession))
    assert list(out["metadata"].items()) == list(metadata.items())
    assert out["options"]["document"]["allowed_types"] == ["passport", "id_card", "driving_license"]


def test_unstructure_copies_containers() -> None:
    """Unstructured lists and maps are new objects, so editing them leaves the instance alone."""
    instance = structure(VERIFIED, VerificationSession)
    out = unstructure(instance)
    out["metadata"]["new"] = "x"
    out["options"]["document"]["allowed_types"].append("id_card")
    assert unstructure(instance) == VERIFIED


def test_only_json_types_come_out() -> None:
    """unstructure produces only dict/list/str/int/float/bool/None (orjson can encode it)."""
    out = unstructure(structure(EXPANDED, VerificationSession))
    assert orjson.loads(orjson.dumps(out)) == EXPANDED


# -- unknown fields ---------------------------------------------------------------------------


def test_strict_rejects_unknown_fields_naming_each_path() -> None:
    """Strict mode reports every unknown key, at any depth, by its JSON pointer."""
    payload = session(hosted_flow_theme=None)
    payload["verified_outputs"]["address"]["zip"] = "N1"
    payload["options"]["document"]["a/b"] = True
    assert problems(payload, VerificationSession) == {
        ("/hosted_flow_theme", "unknown_field"),
        ("/verified_outputs/address/zip", "unknown_field"),
        ("/options/document/a~1b", "unknown_field"),
    }


def test_lenient_keeps_unknown_fields_read_only_and_writes_them_back() -> None:
    """Lenient mode keeps unknown fields, shows them read-only, and writes them back in place."""
    payload = {"zzz_first": 1, **session(), "hosted_flow_theme": "dark"}
    payload["verified_outputs"]["address"] = {"zip": "N1", **payload["verified_outputs"]["address"]}
    instance = structure(payload, VerificationSession, mode="lenient")
    kept = extras(instance)
    assert dict(kept) == {"zzz_first": 1, "hosted_flow_theme": "dark"}
    assert isinstance(kept, types.MappingProxyType)
    with pytest.raises(TypeError):
        kept["x"] = 1  # type: ignore[index]
    assert dict(extras(instance.verified_outputs.address)) == {"zip": "N1"}  # type: ignore[union-attr]
    assert extras(structure(VERIFIED, VerificationSession, mode="lenient")) == {}
    out = unstructure(instance)
    assert out == payload
    assert list(out) == list(payload)  # objects with unknown fields keep their key order
    assert list(out["verified_outputs"]["address"]) == list(payload["verified_outputs"]["address"])


def _stripe_order(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with ``id`` and ``object`` first, as Stripe's API writes objects."""
    return {"id": payload["id"], "object": payload["object"], **payload}


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_a_payloads_key_order_is_written_back(mode: Mode) -> None:
    """Keys out of the class's order (Stripe's API puts ``id`` and ``object`` first) come
    back in the payload's order, byte for byte, on the fast and the detailed path alike;
    the order is not a field: instances compare equal and no unknown field is invented."""
    payload = _stripe_order(copy.deepcopy(EXPANDED))
    report = payload["last_verification_report"]
    payload["last_verification_report"] = _stripe_order(report)
    dob = report["document"]["dob"]
    report["document"]["dob"] = {"year": dob["year"], "month": dob["month"], "day": dob["day"]}
    expected = json.dumps(payload, separators=(",", ":")).encode()
    fast, detailed = stripe_schemas.converters._entry_for(VerificationSession, mode)
    built = (structure(payload, VerificationSession, mode=mode), fast(payload), detailed(payload))
    for instance in built:
        assert dumps(instance) == expected
        assert instance == structure(EXPANDED, VerificationSession, mode=mode)
        assert extras(instance) == {}
    in_order = structure({key: VERIFIED[key] for key in sorted(VERIFIED)}, VerificationSession)
    assert in_order._extra is NO_EXTRA  # the class's own order: nothing kept per instance


def test_key_orders_are_kept_beyond_what_is_remembered() -> None:
    """More distinct key orders than a class remembers are still each written back as read."""
    base = session(verified_outputs=..., last_verification_report=None)
    keys = list(base)
    for shift in range(KEY_ORDERS_KEPT + 5):
        turned = keys[shift % len(keys) :] + keys[: shift % len(keys)]
        turned = turned[::-1] if shift >= len(keys) else turned
        payload = {key: base[key] for key in turned}
        assert list(unstructure(structure(payload, VerificationSession))) == turned


def test_an_evolved_instance_keeps_the_order_and_writes_new_fields() -> None:
    """A field set after structuring is written too; the others keep the payload's order."""
    import attrs

    payload = _stripe_order(session(client_reference_id=...))
    changed = attrs.evolve(structure(payload, VerificationSession), client_reference_id="ref-1")
    out = unstructure(changed)
    assert list(out)[:2] == ["id", "object"]
    assert out == {**payload, "client_reference_id": "ref-1"}


def test_extras_of_a_user_built_instance_are_written_after_the_fields() -> None:
    """Extras given to the constructor are written back too, after the known fields."""
    gadget = Gadget(id="g", object="gadget", _extra={"new_field": [1]})
    assert unstructure(gadget) == {"id": "g", "object": "gadget", "new_field": [1]}


# -- enums ---------------------------------------------------------------------------------------


def test_strict_rejects_unknown_enum_values() -> None:
    """Strict mode rejects a value outside the enum, at its path."""
    assert problems(session(status="archived"), VerificationSession) == {
        ("/status", "unknown_enum_value")
    }


def test_lenient_keeps_unknown_enum_values_with_a_notice() -> None:
    """Lenient mode keeps the unknown string and records one notice per value, with its path."""
    payload = session(status="archived")
    payload["options"]["document"]["allowed_types"] = ["passport", "residence_permit"]
    notices: list[Issue] = []
    instance = structure(payload, VerificationSession, mode="lenient", notices=notices)
    assert str(instance.status) == "archived"
    assert unstructure(instance) == payload
    assert [(n.path, n.code, n.severity) for n in notices] == [
        ("/options/document/allowed_types/1", "unknown_enum_value", "notice"),
        ("/status", "unknown_enum_value", "notice"),
    ]


def test_lenient_notices_without_a_list_are_dropped_quietly() -> None:
    """Without a notices list, lenient structuring of unknown enum values just succeeds."""
    instance = structure(session(status="archived"), VerificationSession, mode="lenient")
    assert str(instance.status) == "archived"


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_bypass_validation_fields_accept_any_string(mode: Mode) -> None:
    """x-stripeBypassValidation fields (session ``type``) take any string, with no notice."""
    notices: list[Issue] = []
    instance = structure(
        session(type="biometric"),
        VerificationSession,
        mode=mode,
        notices=notices,
    )
    assert str(instance.type) == "biometric" and notices == []
    assert problems(session(type=7), VerificationSession, mode) == {("/type", "type_mismatch")}


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_wrong_object_tag_is_an_error_in_both_modes(mode: Mode) -> None:
    """The ``object`` tag identifies the type: a wrong one is an error even in lenient mode."""
    payload = session(object="identity.verification_report")
    assert problems(payload, VerificationSession, mode) == {("/object", "wrong_object_tag")}


# -- no silent coercion ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 1),  # 1 does not become "1"
        ("created", "1700000000"),  # nor "1" an integer
        ("created", True),  # True is not an integer
        ("created", 1.5),  # 1.5 is not a unix time
        ("livemode", 1),
        ("livemode", "true"),
        ("metadata", [["k", "v"]]),
        ("metadata", {"k": 1}),
        ("url", 5),
        ("options", "document"),
        ("client_secret", False),
        ("last_error", []),
    ],
)
def test_no_silent_coercion(field: str, value: Any) -> None:
    """A value of the wrong JSON type is an error at its path, never converted."""
    paths = {path for path, _ in problems(session(**{field: value}), VerificationSession)}
    assert paths <= {f"/{field}", f"/{field}/k"} and paths


def test_no_coercion_inside_lists_numbers_and_free_form_values() -> None:
    """A string is not a list, bool is not int/float, ints pass as floats, Any passes through."""
    base = {"id": "g", "object": "gadget"}
    assert problems({**base, "grid": "ab"}, Gadget) == {("/grid", "type_mismatch")}
    assert problems({**base, "grid": [["a"], "b"]}, Gadget) == {("/grid/1", "type_mismatch")}
    assert problems({**base, "weight": True}, Gadget) == {("/weight", "type_mismatch")}
    assert problems({**base, "weight": "1.5"}, Gadget) == {("/weight", "type_mismatch")}
    assert problems({**base, "counts": {"a": 1.5}}, Gadget) == {("/counts/a", "type_mismatch")}
    assert structure({**base, "weight": 2}, Gadget).weight == 2
    odd = {"x": [1, {"y": None}], "z": 1.5}
    assert structure({**base, "payload": odd}, Gadget).payload == odd
    assert structure({**base, "payload": None}, Gadget).payload is None


def test_an_integer_valued_float_is_an_integer() -> None:
    """1700000000.0 is the integer 1700000000, as JSON Schema (and validate()) reads it; the
    instance holds an int and writes it back as one."""
    session_ = structure(session(created=1700000000.0), VerificationSession)
    assert type(session_.created) is int and session_.created == 1700000000
    assert validate(session(created=1700000000.0)).ok
    assert unstructure(session_)["created"] == 1700000000


def test_null_is_rejected_where_not_nullable() -> None:
    """null in a non-nullable field is its own error code."""
    assert problems(session(livemode=None), VerificationSession) == {
        ("/livemode", "null_not_allowed")
    }


def test_missing_required_fields_are_named() -> None:
    """Every missing required field is reported at the pointer where it should be."""
    assert problems(session(created=..., status=...), VerificationSession) == {
        ("/created", "missing_required"),
        ("/status", "missing_required"),
    }


def test_a_payload_that_is_not_an_object() -> None:
    """A top-level list or string is a type mismatch at the root."""
    assert problems([VERIFIED], VerificationSession) == {("", "type_mismatch")}


# -- expandable fields -------------------------------------------------------------------------


def test_expandable_field_as_id_or_expanded_object() -> None:
    """A string structures to the ID, a dict to the tagged target; both helpers agree."""
    as_id = structure(VERIFIED, VerificationSession).last_verification_report
    expanded = structure(EXPANDED, VerificationSession).last_verification_report
    assert as_id == "vr_bench0000000000000000001" and not is_expanded(as_id)
    assert isinstance(expanded, VerificationReport) and is_expanded(expanded)
    assert expandable_id(as_id) == expandable_id(expanded) == REPORT["id"]
    assert unstructure(structure(EXPANDED, VerificationSession)) == EXPANDED


@pytest.mark.parametrize(
    ("report", "where", "code"),
    [
        ({**REPORT, "object": "identity.verification_session"}, "/object", "wrong_object_tag"),
        ({k: v for k, v in REPORT.items() if k != "object"}, "/object", "missing_required"),
        (7, "", "type_mismatch"),  # no branch takes an integer: validation's code too
        (["vr_1"], "", "type_mismatch"),
    ],
)
def test_expandable_field_errors_are_at_the_field(report: Any, where: str, code: str) -> None:
    """A wrong or missing tag is one error at the tag; a value neither ID nor object, at the
    field (the pointers and codes validate() gives)."""
    payload = session(last_verification_report=report)
    assert problems(payload, VerificationSession) == {(f"/last_verification_report{where}", code)}
    assert {(i.path, i.code) for i in validate(payload).errors} == problems(
        payload, VerificationSession
    )


def test_errors_inside_an_expansion_name_the_branch() -> None:
    """A problem inside an expanded object is at its own path and names the expansion branch."""
    payload = session(last_verification_report={**REPORT, "created": "soon"})
    with pytest.raises(PayloadError) as caught:
        structure(payload, VerificationSession)
    (issue,) = caught.value.issues
    assert issue.path == "/last_verification_report/created"
    assert "expandable field as identity.verification_report" in issue.message
    assert "expected integer" in issue.message


def test_nested_expansion() -> None:
    """Expanded objects can hold expanded objects (gadget → widget → gadget)."""
    inner = {"id": "g0", "object": "gadget", "weight": 0.5}
    widget = {"id": "w1", "object": "widget", "parent": inner, "sizes": [3, 1]}
    payload = {"id": "g1", "object": "gadget", "owner": widget}
    gadget = structure(payload, Gadget)
    assert isinstance(gadget.owner, Widget) and isinstance(gadget.owner.parent, Gadget)
    assert expandable_id(gadget.owner.parent) == "g0"
    assert unstructure(gadget) == payload
    bad: Any = copy.deepcopy(payload)
    bad["owner"]["parent"]["weight"] = "heavy"
    bad["owner"]["parent"]["object"] = "gizmo"
    # no class has that tag: the closest branch (the only one) is explained in full
    assert problems(bad, Gadget) == {
        ("/owner/parent/object", "wrong_object_tag"),
        ("/owner/parent/weight", "type_mismatch"),
    }


def test_same_tag_targets_are_told_apart_by_their_required_fields() -> None:
    """``widget`` and a deleted widget share a tag; the required ``deleted`` picks the class."""
    live = {"id": "w", "object": "widget"}
    gone = {"id": "w", "object": "widget", "deleted": True}
    holder = structure({"who": gone, "whos": ["w0", live, gone]}, Holder)
    assert isinstance(holder.who, DeletedWidget)
    assert [type(x) for x in holder.whos] == [str, Widget, DeletedWidget]  # type: ignore[union-attr]
    assert unstructure(holder) == {"who": gone, "whos": ["w0", live, gone]}
    assert problems({"who": {**gone, "deleted": "yes"}}, Holder) == {
        ("/who/deleted", "type_mismatch")
    }


def test_untagged_union_tries_each_branch() -> None:
    """An untagged anyOf takes the first branch that fits, and names branches when none does."""
    assert structure({"choice": {"mode": "fast"}}, Holder).choice == OptionsA(mode="fast")
    assert structure({"choice": {"limit": 2}}, Holder).choice == OptionsB(limit=2)
    with pytest.raises(PayloadError) as caught:
        structure({"choice": {"limit": "x"}}, Holder)
    # no branch fits: the closest one is explained, the first on a tie (one error each), as
    # validation's anyOf does
    assert [(i.path, i.code) for i in caught.value.issues] == [("/choice/limit", "unknown_field")]
    assert "as OptionsA" in caught.value.issues[0].message
    with pytest.raises(PayloadError) as caught:
        structure({"choice": {"limit": "x", "mode": "fast"}}, Holder)
    assert [(i.path, i.code) for i in caught.value.issues] == [("/choice/limit", "unknown_field")]
    lenient = structure({"choice": {"limit": 2, "extra": 1}}, Holder, mode="lenient")
    # Every branch has unknown fields: the one that knows most of the keys wins.
    assert lenient.choice == OptionsB(limit=2, _extra={"extra": 1})
    assert type(lenient.choice) is OptionsB and dict(extras(lenient.choice)) == {"extra": 1}


def test_top_level_union_structures_by_tag() -> None:
    """A union of classes (like ``PaymentSource``) structures by the payload's ``object`` tag."""
    live = {"id": "w", "object": "widget"}
    union = Widget | DeletedWidget | Gadget
    assert structure(live, union) == Widget(id="w", object="widget")
    assert structure({"id": "g", "object": "gadget"}, union).id == "g"
    assert unstructure(structure(live, union)) == live
    assert problems({"id": "x", "object": "gizmo"}, union) == {("/object", "wrong_object_tag")}
    expandable: Any = Expandable[Widget]  # type: ignore[misc]
    assert structure("w_1", expandable) == "w_1"
    assert structure(None, Widget | None) is None
    assert structure(live, Widget | None) == Widget(id="w", object="widget")
    with pytest.raises(TypeError, match="string"):
        structure(live, "Widget | DeletedWidget")


# -- all errors at once, safely ------------------------------------------------------------


def test_all_errors_are_reported_at_once() -> None:
    """One call reports every problem, each with a pointer, code, severity and message."""
    with pytest.raises(PayloadError) as caught:
        structure(invalid_payload(), VerificationSession)
    error = caught.value
    assert {(i.path, i.code) for i in error.issues} == {
        ("/created", "type_mismatch"),
        ("/status", "unknown_enum_value"),
        ("/livemode", "type_mismatch"),
        ("/verified_outputs/dob/day", "type_mismatch"),
        ("/options/document/allowed_types/1", "type_mismatch"),
    }
    assert all(i.severity == "error" and i.message for i in error.issues)
    assert error.model == "VerificationSession"


def test_payload_error_issues_have_the_validation_report_shape() -> None:
    """Converter issues and validation-report issues are the same type with the same keys."""
    validation = pytest.importorskip("stripe_schemas.validation")
    report = validation.validate(invalid_payload())
    with pytest.raises(PayloadError) as caught:
        structure(invalid_payload(), VerificationSession)
    assert report.issues and all(isinstance(i, Issue) for i in report.issues)
    assert (
        set(caught.value.issues[0].to_dict())
        == set(report.issues[0].to_dict())
        == {
            "path",
            "code",
            "severity",
            "message",
        }
    )


SECRETS = ["s3cr3t-client", "s3cr3t-url", "s3cr3t-name", "s3cr3t-idnum", "s3cr3t-doc", "1234567"]


def leaky_session() -> dict[str, Any]:
    """A session whose secret and personal fields hold wrong values containing secrets."""
    payload = session(client_secret=1234567, url=["s3cr3t-url"])
    payload["verified_outputs"]["first_name"] = ["s3cr3t-name"]
    payload["verified_outputs"]["id_number_type"] = "s3cr3t-idnum"
    payload["verified_outputs"]["dob"]["day"] = "s3cr3t-name"
    report = copy.deepcopy(REPORT)
    report["document"]["type"] = "s3cr3t-doc"
    report["document"]["first_name"] = 1234567
    report["selfie"] = {"status": "verified", "selfie": 1234567, "document": ["s3cr3t-doc"]}
    report["id_number"] = {"status": "verified", "id_number_type": "s3cr3t-idnum"}
    payload["last_verification_report"] = report
    return payload


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_secret_and_personal_values_never_appear_in_errors(mode: Mode) -> None:
    """Wrong values in client_secret, url, verified_outputs and report checks never leak."""
    payload = leaky_session()
    payload["client_secret"] = "s3cr3t-client"  # valid, but must not show up anywhere either
    notices: list[Issue] = []
    with pytest.raises(PayloadError) as caught:
        structure(payload, VerificationSession, mode=mode, notices=notices)
    error = caught.value
    texts = [
        str(error),
        repr(error),
        repr(error.issues),
        json.dumps([i.to_dict() for i in error.issues]),
        "".join(traceback.format_exception(error)),
        repr(notices),
    ]
    assert len(error.issues) >= 8
    for secret in SECRETS:
        for text in texts:
            assert secret not in text


def test_secret_values_do_not_leak_from_lenient_notices() -> None:
    """A lenient notice for an unknown enum value under verified_outputs hides the value."""
    payload = session()
    payload["verified_outputs"]["id_number_type"] = "s3cr3t-idnum"
    notices: list[Issue] = []
    structure(payload, VerificationSession, mode="lenient", notices=notices)
    assert [n.path for n in notices] == ["/verified_outputs/id_number_type"]
    assert "s3cr3t-idnum" not in repr(notices)


# -- JSON in and out, the cattrs converter --------------------------------------------------


def test_loads_and_dumps() -> None:
    """loads takes bytes or str; dumps returns compact UTF-8 bytes of the round trip."""
    body = json.dumps(REQUIRES_INPUT)
    instance = loads(body, VerificationSession)
    assert instance == loads(body.encode(), VerificationSession)
    assert orjson.loads(dumps(instance)) == REQUIRES_INPUT


@pytest.mark.parametrize("body", [b"{", b'{"id": }', b"\xff\xfe", ""])
def test_invalid_json_is_a_payload_error(body: bytes | str) -> None:
    """Text that is not JSON raises PayloadError with one invalid_json issue."""
    with pytest.raises(PayloadError) as caught:
        loads(body, VerificationSession)
    assert [i.code for i in caught.value.issues] == ["invalid_json"]


def test_stdlib_json_fallback_gives_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without orjson the standard library writes the same compact bytes."""
    instance = structure(EXPANDED, VerificationSession)
    expected = dumps(instance)
    monkeypatch.setattr(json_backend, "_orjson", None)
    assert dumps(instance) == expected
    assert loads(expected, VerificationSession) == instance
    with pytest.raises(PayloadError):
        loads(b"{", VerificationSession)


def test_make_converter_is_a_cattrs_converter_users_can_extend() -> None:
    """make_converter returns a real cattrs Converter: containers, own hooks, loads/dumps."""
    converter = make_converter(mode="lenient")
    assert isinstance(converter, cattrs.Converter) and converter.mode == "lenient"
    sessions = converter.structure([REQUIRES_INPUT, VERIFIED], list[VerificationSession])
    assert converter.unstructure(sessions) == [REQUIRES_INPUT, VERIFIED]
    converter.register_structure_hook(complex, lambda v, _: complex(*v))
    assert converter.structure([1, 2], complex) == 1 + 2j
    assert converter.loads(converter.dumps(sessions[1]), VerificationSession) == sessions[1]
    notices: list[Issue] = []
    converter.structure_noting(session(status="archived"), VerificationSession, notices)
    assert [n.path for n in notices] == ["/status"]


def test_configure_converter_on_a_plain_cattrs_converter() -> None:
    """configure_converter adds the Stripe hooks to any cattrs converter (strict by default)."""
    converter = cattrs.Converter()
    stripe_schemas.configure_converter(converter)
    instance = converter.structure(EXPANDED, VerificationSession)
    assert converter.unstructure(instance) == EXPANDED
    with pytest.raises(PayloadError):
        converter.structure(session(hosted_flow_theme=None), VerificationSession)


def test_unknown_mode_is_rejected() -> None:
    """Only 'strict' and 'lenient' are modes."""
    with pytest.raises(ValueError, match="mode"):
        structure(VERIFIED, VerificationSession, mode="loose")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="mode"):
        make_converter(mode="loose")  # type: ignore[arg-type]


def test_non_model_types_are_structured_strictly_too() -> None:
    """structure/unstructure on plain types and containers work (strictly: see the review tests)."""
    assert structure(["a"], list[str]) == ["a"]
    assert unstructure([structure(VERIFIED, VerificationSession)]) == [VERIFIED]
