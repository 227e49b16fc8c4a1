"""Request parameter classes: generated from the operations, named stably, checked by the spec."""

from __future__ import annotations

import copy
import importlib
import json
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import stripe_models.params
from stripe_codegen.generate import generate
from stripe_codegen.loader import LoadedSpec
from stripe_codegen.params import PAGE_LIMIT, build_param_set, operation_name, singular
from stripe_models.params import identity as params
from stripe_schemas import (
    CLEAR,
    UNSET,
    Clear,
    PayloadError,
    UnknownEnumValue,
    field_info,
    spec_fields,
)
from stripe_schemas.params import check, validator_for

from _specs import widget_spec
from conftest import ROOT

SESSIONS = "/v1/identity/verification_sessions"
REPORTS = "/v1/identity/verification_reports"
IDENTITY = {
    "GetIdentityVerificationSessions": ("GET", SESSIONS, "VerificationSessionListParams"),
    "PostIdentityVerificationSessions": ("POST", SESSIONS, "VerificationSessionCreateParams"),
    "GetIdentityVerificationSessionsSession": (
        "GET",
        SESSIONS + "/{session}",
        "VerificationSessionRetrieveParams",
    ),
    "PostIdentityVerificationSessionsSession": (
        "POST",
        SESSIONS + "/{session}",
        "VerificationSessionUpdateParams",
    ),
    "PostIdentityVerificationSessionsSessionCancel": (
        "POST",
        SESSIONS + "/{session}/cancel",
        "VerificationSessionCancelParams",
    ),
    "PostIdentityVerificationSessionsSessionRedact": (
        "POST",
        SESSIONS + "/{session}/redact",
        "VerificationSessionRedactParams",
    ),
    "GetIdentityVerificationReports": ("GET", REPORTS, "VerificationReportListParams"),
    "GetIdentityVerificationReportsReport": (
        "GET",
        REPORTS + "/{report}",
        "VerificationReportRetrieveParams",
    ),
}


def test_one_class_per_identity_operation() -> None:
    """The eight operations of the bundled spec (six on sessions, two on reports), each with a
    readable class in params.identity."""
    expected = {
        op: (method, path, "identity", name) for op, (method, path, name) in IDENTITY.items()
    }
    assert expected == stripe_models.params.OPERATIONS
    for op, (method, path, _, name) in expected.items():
        cls = stripe_models.params.model_for(op)
        assert cls is getattr(params, name)
        assert cls.__operation__ == (method, path)
        assert cls.__schema_key__ == op


def test_field_states_enums_and_clear() -> None:
    """Required/absent states, enums, maxLength and Stripe's empty value are typed honestly."""
    create = typing.get_type_hints(params.VerificationSessionCreateParams)
    # optional today (a verification flow is the other way to say what to verify), and open:
    # Stripe marks it x-stripeBypassValidation
    assert set(typing.get_args(create["type"])) == {
        params.VerificationSessionCreateParamsType,
        UnknownEnumValue,
        type(UNSET),
    }
    assert typing.get_args(params.VerificationSessionCreateParamsType) == ("document", "id_number")
    assert set(typing.get_args(create["metadata"])) == {dict[str, str], type(UNSET)}
    options = typing.get_type_hints(params.VerificationSessionCreateParamsOptions)
    assert set(typing.get_args(options["document"])) == {
        params.VerificationSessionCreateParamsOptionsDocument,
        Clear,
        type(UNSET),
    }
    assert typing.get_args(Clear) == ("",) and CLEAR == ""
    listing = typing.get_type_hints(params.VerificationSessionListParams)
    assert set(typing.get_args(listing["created"])) == {
        params.VerificationSessionListParamsCreated,
        int,
        type(UNSET),
    }
    assert typing.get_args(params.VerificationSessionListParamsStatus) == (
        "canceled",
        "processing",
        "requires_input",
        "verified",
    )
    fields = {a.name: info for a, info in spec_fields(params.VerificationSessionListParams)}
    assert fields["starting_after"].max_length == 5000
    info = field_info(params.VerificationSessionCreateParams, "type")
    assert not info.required and info.bypass_validation
    for name in IDENTITY.values():
        assert "expand" in attrs.fields_dict(getattr(params, name[2]))


def _schema_of(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = defs[cls.__schema_key__]
    return found


def _class_agrees_with_schema(package: Any) -> int:
    """Every operation class has exactly the properties and required names of its schema."""
    document = json.loads(
        importlib.resources.files(package.__name__).joinpath("schemas.json").read_text()
    )
    defs = document["$defs"]
    assert set(defs) == set(package.OPERATIONS)
    for op in package.OPERATIONS:
        cls = package.model_for(op)
        schema = _schema_of(cls, defs)
        wire = {info.wire_name: info for _, info in _infos(cls)}
        assert list(wire) == list(schema["properties"]), op
        assert {w for w, i in wire.items() if i.required} == set(schema.get("required", ())), op
        assert schema["additionalProperties"] is False
    return len(package.OPERATIONS)


def _infos(cls: type) -> list[tuple[str, Any]]:
    return [(attribute.name, info) for attribute, info in spec_fields(cls)]


def test_classes_and_schemas_agree() -> None:
    """The classes and the JSON Schema the runtime checks come from one walk of the spec."""
    assert _class_agrees_with_schema(stripe_models.params) == 8


def test_limit_bounds_only_on_paged_operations() -> None:
    """The 1 to 100 ``limit`` (a fact in Stripe's prose) is added to list operations only."""
    defs = validator_for(params.VerificationSessionListParams).document["$defs"]
    limit = defs["GetIdentityVerificationSessions"]["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == PAGE_LIMIT == (1, 100)
    assert not any("limit" in d["properties"] for k, d in defs.items() if k.startswith("Post"))


# -- checking before sending ---------------------------------------------------------------

BAD: list[tuple[type, dict[str, Any], list[tuple[str, str]]]] = [
    (
        params.VerificationSessionCreateParams,
        {"type": "document", "colour": "red"},
        [("/colour", "unknown_field")],
    ),
    (
        params.VerificationSessionCreateParams,
        {"related_person": {"account": "acct_1"}},
        [("/related_person/person", "missing_required")],
    ),
    (
        params.VerificationSessionCreateParams,
        {"type": "document", "metadata": {"a.b": 1}},
        [("/metadata/a.b", "type_mismatch")],
    ),
    (
        params.VerificationSessionCreateParams,
        {"type": "document", "options": {"document": {"allowed_types": ["passport", "visa"]}}},
        [("/options/document/allowed_types/1", "unknown_enum_value")],
    ),
    (
        params.VerificationSessionCreateParams,
        {"type": "document", "options": {"document": "x"}},
        [("/options/document", "unknown_enum_value")],
    ),
    (params.VerificationSessionListParams, {"limit": 0}, [("/limit", "schema_violation")]),
    (params.VerificationSessionListParams, {"limit": 101}, [("/limit", "schema_violation")]),
    (params.VerificationSessionListParams, {"limit": True}, [("/limit", "type_mismatch")]),
    (
        params.VerificationSessionListParams,
        {"status": "done", "starting_after": "v" * 5001},
        [("/starting_after", "max_length"), ("/status", "unknown_enum_value")],
    ),
    (
        params.VerificationSessionListParams,
        {"created": {"gt": 1, "after": 2}},
        [("/created/after", "unknown_field")],
    ),
    (
        params.VerificationSessionRetrieveParams,
        {"expand": "last_verification_report"},
        [("/expand", "type_mismatch")],
    ),
]


@pytest.mark.parametrize("cls,data,expected", BAD)
def test_bad_parameters_raise_with_pointers(
    cls: type, data: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    """Unknown parameters, bad values and ``limit`` outside 1 to 100: every one, by pointer."""
    with pytest.raises(PayloadError) as caught:
        check(data, cls)
    assert sorted((i.path, i.code) for i in caught.value.issues) == expected
    assert caught.value.model == cls.__name__


def _as_instance(cls: type, data: dict[str, Any]) -> Any:
    """``data`` as an instance of ``cls`` holding the same values (None: it cannot hold them)."""
    names = {a.name for a in attrs.fields(cls)}
    required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    if not set(data) <= names or not required <= set(data):
        return None
    return cls(**data)


INSTANCE_CASES = [(cls, data, expected) for cls, data, expected in BAD if _as_instance(cls, data)]


@pytest.mark.parametrize("cls,data,expected", INSTANCE_CASES)
def test_instances_are_checked_as_the_mapping_they_hold(
    cls: type, data: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    """An instance holding the same values as a bad mapping gets the same issues."""
    with pytest.raises(PayloadError) as caught:
        check(_as_instance(cls, data), cls)
    assert sorted((i.path, i.code) for i in caught.value.issues) == expected


Create = params.VerificationSessionCreateParams
WRONG_TYPES_IN_INSTANCES: list[tuple[type, Any, list[tuple[str, str]]]] = [
    (
        Create,
        Create(type="document", expand="last_verification_report"),  # type: ignore[arg-type]
        [("/expand", "type_mismatch")],
    ),
    (Create, Create(type="document", metadata=[("a", "b")]), [("/metadata", "type_mismatch")]),  # type: ignore[arg-type]
    (
        params.VerificationSessionUpdateParams,
        params.VerificationSessionUpdateParams(options=None),  # type: ignore[arg-type]
        [("/options", "null_not_allowed")],
    ),
    (
        Create,
        Create(
            type="document",
            options=params.VerificationSessionCreateParamsOptions(
                document=params.VerificationSessionCreateParamsOptionsDocument(
                    allowed_types="passport"  # type: ignore[arg-type]
                )
            ),
        ),
        [("/options/document/allowed_types", "type_mismatch")],
    ),
    (Create, Create(type="document", metadata={"k": "\ud800"}), [("/metadata/k", "invalid_json")]),
    (Create, Create(type=b"document"), [("/type", "invalid_json")]),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("cls,instance,expected", WRONG_TYPES_IN_INSTANCES)
def test_wrong_types_in_instances_are_not_coerced(
    cls: type, instance: Any, expected: list[tuple[str, str]]
) -> None:
    """A string where a list belongs, pairs where a map belongs, None in a field that is not
    nullable: a PayloadError by pointer, never coerced (no expand[i] per character) and never
    an AttributeError."""
    with pytest.raises(PayloadError) as caught:
        check(instance, cls)
    assert sorted((i.path, i.code) for i in caught.value.issues) == expected


def test_a_mapping_in_an_instance_is_checked_like_a_mapping() -> None:
    """A mapping where a parameter class is expected is taken as that class's mapping."""
    good = Create(type="document", options={"document": {}})  # type: ignore[arg-type]
    assert check(good, Create) == {"type": "document", "options": {"document": {}}}
    bad = Create(type="document", options={"document": {"colour": 1}})  # type: ignore[arg-type]
    with pytest.raises(PayloadError) as caught:
        check(bad, Create)
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("/options/document/colour", "unknown_field")
    ]


def test_instances_are_encoded_as_they_are() -> None:
    """forms.encode reads an instance's values as they are, like the mapping form: a string is
    one value, not one item per character."""
    from stripe_schemas.forms import encode

    instance = Create(type="document", expand="abc")  # type: ignore[arg-type]
    assert (
        encode(instance)
        == encode({"expand": "abc", "type": "document"})
        == ("expand=abc&type=document")
    )


def test_unstructuring_a_badly_typed_instance_is_a_type_error() -> None:
    """unstructure() of an instance holding a value its field cannot hold: a TypeError naming
    the class, not an AttributeError."""
    from stripe_schemas import dumps, unstructure

    for instance in (
        params.VerificationSessionUpdateParams(options=None),  # type: ignore[arg-type]
        Create(type="document", options={"document": {}}),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError, match=type(instance).__name__):
            unstructure(instance)
        with pytest.raises(TypeError, match=type(instance).__name__):
            dumps(instance)


@pytest.mark.parametrize("limit", [1, 10, 100])
def test_good_parameters_pass(limit: int) -> None:
    """Valid instances and mappings come back as the JSON object to send (UNSET left out)."""
    listing = params.VerificationSessionListParams(
        limit=limit, created=params.VerificationSessionListParamsCreated(gte=5), status="verified"
    )
    expected = {"created": {"gte": 5}, "limit": limit, "status": "verified"}
    assert check(listing, params.VerificationSessionListParams) == expected
    assert check(expected, params.VerificationSessionListParams) == expected
    update = {"metadata": {"order.id": ""}, "options": {"document": CLEAR}, "type": "selfie"}
    assert check(update, params.VerificationSessionUpdateParams) == update  # bypass enum
    assert check(None, params.VerificationSessionCancelParams) == {}


def test_check_refuses_other_classes() -> None:
    """An instance of another parameter class, or a class that is not one, is a TypeError."""
    cancel = params.VerificationSessionCancelParams()
    with pytest.raises(TypeError):
        check(cancel, params.VerificationSessionRedactParams)
    from stripe_models.identity import VerificationSession

    with pytest.raises(TypeError):
        check({}, VerificationSession)


# -- names ---------------------------------------------------------------------------------


def _item(*methods: str, listing: bool = False) -> dict[str, Any]:
    response = {"properties": {"object": {"enum": ["list"]}}} if listing else {"type": "object"}
    op = {"responses": {"200": {"content": {"application/json": {"schema": response}}}}}
    return {m: copy.deepcopy(op) for m in methods}


@pytest.mark.parametrize(
    "path,method,item,expected",
    [
        (
            "/v1/identity/verification_sessions",
            "get",
            _item("get", "post", listing=True),
            ("identity", "VerificationSessionListParams"),
        ),
        (
            "/v1/identity/verification_sessions",
            "post",
            _item("get", "post", listing=True),
            ("identity", "VerificationSessionCreateParams"),
        ),
        (
            "/v1/identity/verification_sessions/{session}",
            "delete",
            _item("delete"),
            ("identity", "VerificationSessionDeleteParams"),
        ),
        ("/v1/customers/search", "get", _item("get"), ("core", "CustomerSearchParams")),
        ("/v1/tax/settings", "post", _item("get", "post"), ("tax", "SettingsUpdateParams")),
        ("/v1/tax/settings", "get", _item("get", "post"), ("tax", "SettingsRetrieveParams")),
        ("/v1/account_links", "post", _item("post"), ("core", "AccountLinkCreateParams")),
        (
            "/v1/payment_intents/{intent}/capture",
            "post",
            _item("post"),
            ("core", "PaymentIntentCaptureParams"),
        ),
        (
            "/v1/accounts/{account}/capabilities",
            "get",
            _item("get", listing=True),
            ("core", "AccountCapabilityListParams"),
        ),
    ],
)
def test_operation_names(
    path: str, method: str, item: dict[str, Any], expected: tuple[str, str]
) -> None:
    """Names come from the path's words, made singular where they name a collection."""
    spaces = frozenset({"identity", "tax"})
    assert operation_name(path, method, item, spaces) == expected


@pytest.mark.parametrize(
    "word,expected",
    [
        ("sessions", "session"),
        ("capabilities", "capability"),
        ("addresses", "address"),
        ("boxes", "box"),
        ("status", "status"),
        ("balance", "balance"),
        ("people", "people"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    """English plural endings only; anything else is left alone."""
    assert singular(word) == expected


def _spec_with_paths(paths: dict[str, Any]) -> LoadedSpec:
    document = widget_spec()
    document["paths"] = paths
    return LoadedSpec(document=document, source="widgets.yaml", sha256="0" * 64)


def _widget_paths() -> dict[str, Any]:
    body = {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"colour": {"type": "string", "enum": ["red", ""]}},
                }
            }
        }
    }
    ok = {
        "200": {
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/shop.widget"}}
            }
        }
    }
    return {
        "/v1/shop/widgets": {
            "post": {"operationId": "PostShopWidgets", "requestBody": body, "responses": ok}
        },
        "/v1/shop/widget": {"get": {"operationId": "GetShopWidget", "responses": ok}},
        "/v1/shop/widgets/{widget}": {
            "get": {
                "operationId": "GetShopWidgetsWidget",
                "responses": ok,
                "parameters": [{"in": "path", "name": "widget", "schema": {"type": "string"}}],
            },
        },
    }


def test_clashing_names_fall_back_to_operation_ids_and_nothing_else_moves() -> None:
    """Two operations that would share a name take their operationIds; adding an unrelated
    operation renames nothing."""
    paths = _widget_paths()
    names = {
        o.operation_id: o.name for o in build_param_set(_spec_with_paths(paths), None).operations
    }
    assert names == {
        "PostShopWidgets": "WidgetCreateParams",
        "GetShopWidget": "GetShopWidgetParams",
        "GetShopWidgetsWidget": "GetShopWidgetsWidgetParams",
    }
    paths["/v1/shop/gadgets"] = {"get": {"operationId": "GetShopGadgets", "responses": {}}}
    more = {
        o.operation_id: o.name for o in build_param_set(_spec_with_paths(paths), None).operations
    }
    assert {k: more[k] for k in names} == names
    colour = build_param_set(_spec_with_paths(paths), None)
    enum = next(e for e in colour.enums if e.name == "WidgetCreateParamsColour")
    assert enum.values == ("red",)  # the "" is Clear, not an enum member


def test_read_only_properties_are_left_out_of_parameter_classes() -> None:
    """A request does not send a `readOnly` property: a parameters class leaves it out, at
    the top and inside nested objects, with its `required` entry and its schema."""
    paths = _widget_paths()
    body = paths["/v1/shop/widgets"]["post"]["requestBody"]
    schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
    schema["required"] = ["colour", "id"]
    schema["properties"]["id"] = {"type": "string", "readOnly": True}
    schema["properties"]["box"] = {
        "type": "object",
        "required": ["made", "size"],
        "properties": {
            "made": {"type": "integer", "readOnly": True},
            "size": {"type": "integer"},
        },
    }
    params = build_param_set(_spec_with_paths(paths), None)
    fields = {c.name: [f.wire_name for f in c.fields] for c in params.classes}
    assert fields["WidgetCreateParams"] == ["colour", "box"]
    assert fields["WidgetCreateParamsBox"] == ["size"]
    combined = params.schemas["PostShopWidgets"]
    assert combined["required"] == ["colour"]
    assert combined["properties"]["box"]["required"] == ["size"]
    assert "made" not in combined["properties"]["box"]["properties"]


def test_widget_params_generate_and_import(tmp_path: Path) -> None:
    """A small spec with operations generates a params package that imports and checks."""
    spec = widget_spec()
    spec["paths"] = _widget_paths()
    path = tmp_path / "widgets.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    result = generate(path, ["shop.widget"], package="widgets_models")
    assert result.param_set is not None and len(result.param_set.operations) == 3
    source = result.files["widgets_models/params/shop.py"]
    assert "colour: WidgetCreateParamsColour | Clear | UnsetType" in source


# -- the whole pinned spec -----------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.slow
def test_every_operation_of_the_pinned_spec(all_models: Any) -> None:
    """``--all``: every one of the 468 operations gets a class; classes and schemas agree;
    names are unique, unnumbered, and the one clash (``/v1/account``) uses operationIds."""
    param_set = all_models.__generated__.param_set
    assert param_set is not None and len(param_set.operations) == 468
    package = importlib.import_module("stripe_models_all.params")
    assert _class_agrees_with_schema(package) == 468
    names = {(o.module, o.name) for o in param_set.operations}
    assert len(names) == 468
    assert not any(name[-7].isdigit() for _, name in names)
    by_id = {o.operation_id: o.name for o in param_set.operations}
    assert by_id["GetAccount"] == "GetAccountParams"
    assert by_id["GetAccountsAccount"] == "GetAccountsAccountParams"
    assert by_id["PostPaymentIntentsIntentCapture"] == "PaymentIntentCaptureParams"
    assert by_id["GetCustomersSearch"] == "CustomerSearchParams"
    limits = {
        (o.paginated, param_set.schemas[o.operation_id]["properties"]["limit"].get("maximum"))
        for o in param_set.operations
        if "limit" in param_set.schemas[o.operation_id]["properties"]
    }
    assert limits == {(True, 100)}  # a limit only on list and search operations, always 1-100


def test_default_closure_of_the_bundled_spec_is_the_eight() -> None:
    """From the bundled spec, the default roots select exactly the eight identity operations."""
    from stripe_codegen.loader import load_spec
    from stripe_codegen.parse import build_model_set
    from stripe_schemas.cli._generate import DEFAULT_ROOTS

    spec = load_spec(ROOT / "spec" / "stripe-identity.yaml")
    keys = build_model_set(spec, list(DEFAULT_ROOTS)).schema_keys
    assert {o.operation_id for o in build_param_set(spec, keys).operations} == set(IDENTITY)
