"""The semantic spec diff: one mutation of the pinned spec per kind of change, and the real pairs."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from stripe_codegen import SpecError
from stripe_codegen.diff import KINDS, LEVELS, diff_specs
from stripe_codegen.loader import LoadedSpec, load_spec
from stripe_schemas.cli import main
from stripe_schemas.cli._generate import DEFAULT_ROOTS

from conftest import PINNED_SPEC, ROOT, SHARED, require_shared

ROOTS = list(DEFAULT_ROOTS)
SESSION = "/components/schemas/identity.verification_session"
REPORT = "/components/schemas/identity.verification_report"
SESSIONS_PATH = "/v1/identity/verification_sessions"
CREATE = "/paths/~1v1~1identity~1verification_sessions/post"
CREATE_BODY = CREATE + "/requestBody/content/application~1x-www-form-urlencoded/schema/properties"
LIST = "/paths/~1v1~1identity~1verification_sessions/get"


@pytest.fixture(scope="session")
def pinned() -> LoadedSpec:
    return load_spec(require_shared(PINNED_SPEC))


class Edit:
    """A copy of a spec that shares everything but what an edit touches (the spec is 4 MB)."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.document = dict(spec.document)
        self.document["components"] = dict(spec.document["components"])
        self.document["components"]["schemas"] = dict(spec.schemas)
        self.document["paths"] = dict(spec.document["paths"])

    def schema(self, key: str) -> dict[str, Any]:
        schemas = self.document["components"]["schemas"]
        schemas[key] = copy.deepcopy(schemas[key])
        found: dict[str, Any] = schemas[key]
        return found

    def prop(self, key: str, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.schema(key)["properties"][name]
        return found

    def path(self, path: str) -> dict[str, Any]:
        paths = self.document["paths"]
        paths[path] = copy.deepcopy(paths[path])
        found: dict[str, Any] = paths[path]
        return found

    def create_body(self) -> dict[str, Any]:
        post = self.path(SESSIONS_PATH)["post"]
        body: dict[str, Any] = post["requestBody"]["content"]["application/x-www-form-urlencoded"]
        return body["schema"]  # type: ignore[no-any-return]

    def spec(self) -> LoadedSpec:
        return LoadedSpec(document=self.document, source="edited.yaml", sha256="0" * 64)


def edited(spec: LoadedSpec, change: Callable[[Edit], object]) -> LoadedSpec:
    edit = Edit(spec)
    change(edit)
    return edit.spec()


def found(old: LoadedSpec, new: LoadedSpec) -> set[tuple[str, str, str]]:
    return {(c.kind, c.level, c.pointer) for c in diff_specs(old, new, ROOTS).changes}


def _add_schema(e: Edit) -> None:
    e.schema("identity.verification_session")["properties"]["extra"] = {
        "$ref": "#/components/schemas/extra_thing"
    }
    e.document["components"]["schemas"]["extra_thing"] = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
    }


def _add_operation(e: Edit) -> None:
    e.document["paths"]["/v1/identity/verification_sessions/{session}/archive"] = {
        "post": {
            "operationId": "PostArchive",
            "responses": {
                "200": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/identity.verification_session"}
                        }
                    }
                }
            },
        }
    }


def _set(target: dict[str, Any], key: str, value: object) -> None:
    target[key] = value


#: kind → (edit of the pinned spec, the changes it must give: (kind, level, pointer)).
#: For a "removed"/"optional" twin the same edit is applied the other way round (old/new swapped).
CASES: dict[str, tuple[Callable[[Edit], object], bool, set[tuple[str, str, str]]]] = {
    "schema_added": (
        _add_schema,
        False,
        {
            ("field_added", "compatible", SESSION + "/properties/extra"),
            ("schema_added", "compatible", "/components/schemas/extra_thing"),
        },
    ),
    "schema_removed": (
        _add_schema,
        True,
        {
            ("field_removed", "breaking", SESSION + "/properties/extra"),
            ("schema_removed", "breaking", "/components/schemas/extra_thing"),
        },
    ),
    "field_added": (
        lambda e: _set(
            e.schema("identity.verification_session")["properties"], "note", {"type": "string"}
        ),
        False,
        {("field_added", "compatible", SESSION + "/properties/note")},
    ),
    "field_removed": (
        lambda e: e.schema("identity.verification_session")["properties"].pop("url"),
        False,
        {("field_removed", "breaking", SESSION + "/properties/url")},
    ),
    "type_changed": (
        lambda e: _set(e.prop("identity.verification_session", "livemode"), "type", "string"),
        False,
        {("type_changed", "breaking", SESSION + "/properties/livemode")},
    ),
    "format_added": (
        lambda e: _set(e.prop("identity.verification_session", "url"), "format", "uri"),
        False,
        {("format_added", "compatible", SESSION + "/properties/url")},
    ),
    "format_changed": (
        lambda e: _set(e.prop("identity.verification_session", "created"), "format", "date"),
        False,
        {("format_changed", "warning", SESSION + "/properties/created")},
    ),
    "format_removed": (
        lambda e: e.prop("identity.verification_session", "created").pop("format"),
        False,
        {("format_removed", "warning", SESSION + "/properties/created")},
    ),
    "made_optional": (
        lambda e: e.schema("identity.verification_session")["required"].remove("status"),
        False,
        {("made_optional", "breaking", SESSION + "/properties/status")},
    ),
    "made_required": (
        lambda e: e.schema("identity.verification_session")["required"].append("url"),
        False,
        {("made_required", "compatible", SESSION + "/properties/url")},
    ),
    "nullable_added": (
        lambda e: _set(e.prop("identity.verification_session", "livemode"), "nullable", True),
        False,
        {("nullable_added", "breaking", SESSION + "/properties/livemode")},
    ),
    "nullable_removed": (
        lambda e: e.prop("identity.verification_session", "client_secret").pop("nullable"),
        False,
        {("nullable_removed", "compatible", SESSION + "/properties/client_secret")},
    ),
    "enum_values_added": (
        lambda e: e.prop("identity.verification_session", "status")["enum"].append("archived"),
        False,
        {("enum_values_added", "warning", SESSION + "/properties/status")},
    ),
    "enum_values_added_bypass": (
        lambda e: e.prop("identity.verification_session", "type")["enum"].append("phone"),
        False,
        {("enum_values_added", "compatible", SESSION + "/properties/type")},
    ),
    "enum_values_removed": (
        lambda e: e.prop("identity.verification_session", "status")["enum"].remove("processing"),
        False,
        {("enum_values_removed", "compatible", SESSION + "/properties/status")},
    ),
    "bypass_added": (
        lambda e: _set(
            e.prop("identity.verification_session", "status"), "x-stripeBypassValidation", True
        ),
        False,
        {("bypass_added", "breaking", SESSION + "/properties/status")},
    ),
    "bypass_removed": (
        lambda e: e.prop("identity.verification_session", "type").pop("x-stripeBypassValidation"),
        False,
        {("bypass_removed", "compatible", SESSION + "/properties/type")},
    ),
    "max_length_changed": (
        lambda e: _set(e.prop("identity.verification_session", "id"), "maxLength", 6000),
        False,
        {("max_length_changed", "compatible", SESSION + "/properties/id")},
    ),
    "expansion_changed": (
        lambda e: _set(
            e.prop("identity.verification_session", "last_verification_report"),
            "x-expansionResources",
            {"oneOf": [{"$ref": "#/components/schemas/identity.verification_session"}]},
        ),
        False,
        {("expansion_changed", "breaking", SESSION + "/properties/last_verification_report")},
    ),
    "branch_added": (
        lambda e: e.prop("identity.verification_session", "last_error")["anyOf"].append(
            {"type": "string"}
        ),
        False,
        {("branch_added", "breaking", SESSION + "/properties/last_error")},
    ),
    "branch_removed": (
        lambda e: e.prop("identity.verification_session", "last_error")["anyOf"].append(
            {"type": "string"}
        ),
        True,
        {("branch_removed", "compatible", SESSION + "/properties/last_error")},
    ),
    "operation_added": (
        _add_operation,
        False,
        {
            (
                "operation_added",
                "compatible",
                "/paths/~1v1~1identity~1verification_sessions~1{session}~1archive/post",
            )
        },
    ),
    "operation_removed": (
        lambda e: e.document["paths"].pop("/v1/identity/verification_sessions/{session}/cancel"),
        False,
        {
            (
                "operation_removed",
                "breaking",
                "/paths/~1v1~1identity~1verification_sessions~1{session}~1cancel/post",
            )
        },
    ),
    "parameter_added": (
        lambda e: _set(e.create_body()["properties"], "provided_details", {"type": "string"}),
        False,
        {("parameter_added", "compatible", CREATE_BODY + "/provided_details")},
    ),
    "parameter_added_required": (
        lambda e: (
            _set(e.create_body()["properties"], "client_ref", {"type": "string"}),
            e.create_body()["required"].append("client_ref"),
        ),
        False,
        {("parameter_added", "breaking", CREATE_BODY + "/client_ref")},
    ),
    "parameter_removed": (
        lambda e: e.create_body()["properties"].pop("options"),
        False,
        {("parameter_removed", "breaking", CREATE_BODY + "/options")},
    ),
    "parameter_made_required": (
        lambda e: e.create_body()["required"].append("return_url"),
        False,
        {("parameter_made_required", "breaking", CREATE_BODY + "/return_url")},
    ),
    "parameter_made_optional": (
        lambda e: e.create_body()["required"].remove("type"),
        False,
        {("parameter_made_optional", "compatible", CREATE_BODY + "/type")},
    ),
    "parameter_type_narrowed": (
        lambda e: _set(e.path(SESSIONS_PATH)["get"]["parameters"][3]["schema"], "type", "string"),
        False,
        {("parameter_type_changed", "breaking", LIST + "/parameters/3")},
    ),
    "parameter_type_widened": (
        lambda e: _set(
            e.path(SESSIONS_PATH)["get"]["parameters"][3],
            "schema",
            {"anyOf": [{"type": "integer"}, {"type": "string", "enum": [""]}]},
        ),
        False,
        {("parameter_type_changed", "compatible", LIST + "/parameters/3")},
    ),
    "parameter_enum_values_added": (
        lambda e: e.create_body()["properties"]["type"]["enum"].append("phone"),
        False,
        {("parameter_enum_values_added", "compatible", CREATE_BODY + "/type")},
    ),
    "parameter_enum_values_removed": (
        lambda e: e.create_body()["properties"]["type"]["enum"].remove("id_number"),
        False,
        {("parameter_enum_values_removed", "breaking", CREATE_BODY + "/type")},
    ),
    "nested_parameter_enum_values_removed": (
        lambda e: e.create_body()["properties"]["options"]["properties"]["document"]["anyOf"][0][
            "properties"
        ]["allowed_types"]["items"]["enum"].remove("passport"),
        False,
        {
            (
                "parameter_enum_values_removed",
                "breaking",
                CREATE_BODY + "/options/properties/document/anyOf/0/properties/allowed_types",
            )
        },
    ),
}


@pytest.mark.realdata
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_change(case: str, pinned: LoadedSpec) -> None:
    """One edit of the pinned spec gives exactly the expected changes (kind, level, pointer)."""
    edit, reverse, expected = CASES[case]
    changed = edited(pinned, edit)
    old, new = (changed, pinned) if reverse else (pinned, changed)
    assert found(old, new) == expected


def test_every_kind_is_exercised() -> None:
    """The cases above cover every kind in the classification table, and only those."""
    kinds = {kind for _, _, expected in CASES.values() for kind, _, _ in expected}
    assert kinds == set(KINDS)


@pytest.mark.realdata
def test_prose_titles_order_and_info_are_not_changes(pinned: LoadedSpec) -> None:
    """Descriptions, titles, key order, enum and anyOf order and `info` change nothing."""

    def noise(e: Edit) -> None:
        e.document["info"] = {"title": "renamed", "version": "2099-01-01"}
        for key in ("identity.verification_session", "identity.verification_report"):
            schema = e.schema(key)
            schema["description"] = "reworded"
            schema["title"] = "A title"
            schema["properties"] = dict(reversed(list(schema["properties"].items())))
            schema["required"].reverse()
            for prop in schema["properties"].values():
                prop["description"] = "changed prose"
                if "enum" in prop:
                    prop["enum"].reverse()
                if "anyOf" in prop:
                    prop["anyOf"].reverse()
        body = e.create_body()
        body["properties"] = dict(reversed(list(body["properties"].items())))
        body["properties"]["type"]["description"] = "prose"

    assert found(pinned, edited(pinned, noise)) == set()
    assert found(pinned, pinned) == set()


@pytest.mark.realdata
def test_operation_identity(pinned: LoadedSpec) -> None:
    """Renaming a path parameter changes no request; an operation whose response stops
    returning a root is still there (not `operation_removed`)."""
    cancel = "/v1/identity/verification_sessions/{session}/cancel"

    def rename(e: Edit) -> None:
        paths = e.document["paths"]
        paths["/v1/identity/verification_sessions/{id}/cancel"] = paths.pop(cancel)

    assert found(pinned, edited(pinned, rename)) == set()

    def elsewhere(e: Edit) -> None:
        response = e.path(cancel)["post"]["responses"]["200"]
        response["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/account"}

    assert found(pinned, edited(pinned, elsewhere)) == set()


@pytest.mark.realdata
def test_unknown_root_is_bad_usage(pinned: LoadedSpec, capsys: pytest.CaptureFixture[str]) -> None:
    """A --root in neither spec is exit 2 with one line; a root new in NEW is a schema_added."""
    code = main(["diff", str(PINNED_SPEC), str(PINNED_SPEC), "--root", "no.such_schema"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown root schema 'no.such_schema'" in err[0]


# --- the real pairs ------------------------------------------------------------------------

REAL_SPECS = [
    "2021-05-17_api-2020-08-27.json",
    "2021-11-01_api-2020-08-27.json",
    "2023-01-12_api-2022-11-15.yaml",
    "2023-04-17_api-2022-11-15.yaml",
    "2023-09-12_api-2023-08-16.yaml",
]
S = "/components/schemas/"
#: Every change between neighbours, for the identity roots, reviewed against the specs: the
#: shared README's list, and nothing else (the request parameters of the eight operations
#: that return a session or an event did not change between these specs; 2023-04-17 →
#: 2023-09-12 changed only prose inside the closure).
REAL_PAIRS: dict[tuple[str, str], set[tuple[str, str, str]]] = {
    (REAL_SPECS[0], REAL_SPECS[1]): {
        (
            "nullable_added",
            "breaking",
            S + "identity.verification_session/properties/client_secret",
        ),
        ("format_added", "compatible", S + "identity.verification_report/properties/created"),
        ("bypass_added", "breaking", S + "gelato_session_last_error/properties/code"),
    },
    (REAL_SPECS[1], REAL_SPECS[2]): {
        ("bypass_added", "breaking", S + "gelato_document_report_error/properties/code"),
    },
    (REAL_SPECS[2], REAL_SPECS[3]): {
        ("made_optional", "breaking", S + "identity.verification_session/properties/options"),
        ("nullable_added", "breaking", S + "identity.verification_session/properties/options"),
        ("made_optional", "breaking", S + "identity.verification_session/properties/type"),
        ("nullable_added", "breaking", S + "identity.verification_session/properties/type"),
        ("made_optional", "breaking", S + "identity.verification_report/properties/options"),
        ("made_optional", "breaking", S + "identity.verification_report/properties/type"),
    },
    (REAL_SPECS[3], REAL_SPECS[4]): set(),
}


@pytest.fixture(scope="session")
def real_specs() -> dict[str, LoadedSpec]:
    return {name: load_spec(require_shared(SHARED / "specs" / name)) for name in REAL_SPECS}


@pytest.mark.realdata
@pytest.mark.parametrize("pair", list(REAL_PAIRS), ids=lambda p: f"{p[0][:10]}->{p[1][:10]}")
def test_real_neighbouring_specs(pair: tuple[str, str], real_specs: dict[str, LoadedSpec]) -> None:
    """Each neighbouring pair of the five real specs gives exactly the reviewed changes."""
    old, new = real_specs[pair[0]], real_specs[pair[1]]
    assert found(old, new) == REAL_PAIRS[pair]


def _raw_differences(old: Any, new: Any, ptr: str = "") -> set[str]:
    """Independent oracle: pointers where two documents differ, ignoring prose and order."""
    prose = ("description", "summary", "title")
    if isinstance(old, dict) and isinstance(new, dict):
        out = set()
        for key in set(old) | set(new):
            if key in prose and isinstance(old.get(key, ""), str):
                continue
            child = f"{ptr}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in old or key not in new:
                out.add(child)
            else:
                out |= _raw_differences(old[key], new[key], child)
        return out
    if isinstance(old, list) and isinstance(new, list):
        if all(not isinstance(v, (dict, list)) for v in old + new):
            return set() if sorted(map(repr, old)) == sorted(map(repr, new)) else {ptr}
        if len(old) != len(new):
            return {ptr}
        pairs = enumerate(zip(old, new, strict=True))
        return {p for i, (a, b) in pairs for p in _raw_differences(a, b, f"{ptr}/{i}")}
    return set() if old == new else {ptr}


@pytest.mark.realdata
@pytest.mark.slow
def test_full_spec_changes_are_all_real(real_specs: dict[str, LoadedSpec]) -> None:
    """With --all on the newest pair, every reported change sits on a raw structural difference
    (no change is invented), and the counts per kind are the reviewed ones."""
    old, new = real_specs[REAL_SPECS[3]], real_specs[REAL_SPECS[4]]
    result = diff_specs(old, new, None)
    raw: set[str] = set()
    for part in ("components", "paths"):
        raw |= _raw_differences(old.document[part], new.document[part], "/" + part)

    def backed(ptr: str, difference: str) -> bool:
        """A raw difference at, above or below the change; a `required` list backs the
        properties of its schema."""
        if ptr == difference or ptr.startswith(difference + "/"):
            return True
        if difference.startswith(ptr + "/"):
            return True
        owner = difference.removesuffix("/required")
        return owner != difference and ptr.startswith(owner + "/properties/")

    for change in result.changes:
        assert any(backed(change.pointer, difference) for difference in raw), change
    counts: dict[str, int] = {}
    for change in result.changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    assert counts == {
        "bypass_removed": 1,
        "enum_values_added": 32,
        "enum_values_removed": 1,
        "expansion_changed": 1,
        "field_added": 91,
        "field_removed": 6,
        "made_optional": 1,
        "max_length_changed": 1,
        "nullable_added": 1,
        "operation_added": 16,
        "parameter_added": 75,
        "parameter_enum_values_added": 60,
        "parameter_enum_values_removed": 2,
        "parameter_removed": 9,
        "parameter_type_changed": 4,
        "schema_added": 53,
        "schema_removed": 9,
        "type_changed": 9,
    }
    assert (result.count("breaking"), result.count("warning")) == (38, 20)


# --- the command ---------------------------------------------------------------------------


@pytest.mark.realdata
def test_cli_json_output_and_exit_codes(
    real_specs: dict[str, LoadedSpec], capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json is exactly {old, new, changes}; exit 1 only when --fail-on is reached."""
    old, new = (str(SHARED / "specs" / name) for name in REAL_SPECS[:2])
    assert main(["diff", old, new, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"old", "new", "changes"}
    assert document["old"] == {
        "api_version": "2020-08-27",
        "sha256": real_specs[REAL_SPECS[0]].sha256,
    }
    assert {tuple(sorted(c)) for c in document["changes"]} == {
        ("kind", "level", "message", "pointer", "side")
    }
    assert {c["side"] for c in document["changes"]} == {"response"}
    assert main(["diff", old, new, "--fail-on", "none"]) == 0
    middle = [str(SHARED / "specs" / name) for name in REAL_SPECS[1:3]]
    assert main(["diff", *middle]) == 1  # one x-stripeBypassValidation added: breaking
    assert main(["diff", *middle, "--fail-on", "none"]) == 0
    text = capsys.readouterr().out
    assert "breaking    /components/schemas/gelato_document_report_error/properties/code" in text
    assert "1 change: 1 breaking, 0 warning, 0 compatible" in text


@pytest.mark.realdata
def test_a_slice_against_its_upstream_is_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled slice (cut with a path prefix) against the full spec it came from: no change;
    the event operations the slice left out are not reported as added."""
    assert (
        main(["diff", str(ROOT / "spec" / "stripe-identity-2023-08-16.yaml"), str(PINNED_SPEC)])
        == 0
    )
    assert "0 changes" in capsys.readouterr().out


def test_bad_spec_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable spec is exit 2 with one line naming it; no traceback."""
    missing = tmp_path / "missing.yaml"
    assert main(["diff", str(missing), str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.yaml" in err and "no such file" in err


def test_levels_are_ordered() -> None:
    """--fail-on compares levels in this order."""
    assert LEVELS == ("compatible", "warning", "breaking")


def test_readme_table_is_the_classification() -> None:
    """The docs' classification table (docs/versions.md) has exactly the kinds, sides and
    levels of KINDS."""
    text = (ROOT / "docs" / "versions.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`") and cells[1] in ("response", "request"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    assert rows == dict(KINDS)


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (
            lambda d: d["components"].update(schemas=list(d["components"]["schemas"])),
            "/components/schemas",
            "is an array",
        ),
        (lambda d: d["components"].update(schemas="x"), "/components/schemas", "is a string"),
        (lambda d: d.update(components=[]), "/components", "is an array"),
        (lambda d: d.update(paths=[1]), "/paths", "is an array"),
        (lambda d: d["components"].pop("schemas"), "/components/schemas", "no component schemas"),
    ],
)
@pytest.mark.parametrize("side", ["old", "new"])
def test_a_spec_whose_schemas_are_not_an_object_is_exit_2(
    change: Callable[[dict[str, Any]], object],
    where: str,
    what: str,
    side: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """components.schemas (or components, or paths) that is not an object is one line and
    exit 2, on either side and with --all: never read as empty and reported as removals."""
    good = ROOT / "spec" / "stripe-identity.yaml"
    document = yaml.safe_load(good.read_text())
    change(document)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    pair = [str(good), str(bad)] if side == "new" else [str(bad), str(good)]
    assert main(["diff", *pair, "--all"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines == [f"stripe-schemas: error: {bad} at {where}: {lines[0].split(': ', 3)[-1]}"]
    assert what in lines[0] and "removed" not in captured.out + captured.err


def test_diff_specs_refuses_schemas_that_are_not_an_object() -> None:
    """The library function checks the shape too (a LoadedSpec built by hand)."""
    good = load_spec(ROOT / "spec" / "stripe-identity.yaml")
    document = {**good.document, "components": {"schemas": [1, 2]}}
    bad = LoadedSpec(document=document, source="bad", sha256="0")
    with pytest.raises(SpecError, match="bad at /components/schemas: is an array"):
        diff_specs(good, bad, None)
