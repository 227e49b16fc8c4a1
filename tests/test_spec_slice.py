"""Slicing the Stripe spec to the Identity closure, and the bundled slices: today's API
(spec/stripe-identity.yaml) and 2023-08-16 (spec/stripe-identity-2023-08-16.yaml)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from stripe_codegen.errors import SpecError
from stripe_codegen.loader import LoadedSpec, load_spec
from stripe_codegen.slicing import dump_yaml, slice_spec

from conftest import require_shared

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "stripe-openapi"
SPECS = SHARED / "specs"
PINNED_NAME = "2023-09-12_api-2023-08-16.yaml"
ALL_SPEC_NAMES = [
    "2021-05-17_api-2020-08-27.json",
    "2021-11-01_api-2020-08-27.json",
    "2023-01-12_api-2022-11-15.yaml",
    "2023-04-17_api-2022-11-15.yaml",
    PINNED_NAME,
]
#: The 2023-08-16 slice, cut from the pinned 2023 spec.
BUNDLED = REPO / "spec" / "stripe-identity-2023-08-16.yaml"
#: Today's slice, cut from Stripe's current Identity slice in ../shared.
TODAY = REPO / "spec" / "stripe-identity.yaml"
TODAY_UPSTREAM = SPECS / "2026-identity-slice_api-2026-09-30.endive.json"
TODAY_ROOTS = ["identity.verification_session", "identity.verification_report", "event"]
TODAY_PREFIXES = ["/v1/identity/verification_sessions", "/v1/identity/verification_reports"]
ROOT = "identity.verification_session"
#: The roots the bundled slice was cut with: the session and the event envelope.
ROOTS = [ROOT, "event"]
PREFIX = "/v1/identity/verification_sessions"
PROSE_KEYS = ("description", "summary")
CLOSURE = frozenset(
    {
        "address",
        "gelato_data_document_report_date_of_birth",
        "gelato_data_document_report_expiration_date",
        "gelato_data_document_report_issued_date",
        "gelato_data_id_number_report_date",
        "gelato_data_verified_outputs_date",
        "gelato_document_report",
        "gelato_document_report_error",
        "gelato_id_number_report",
        "gelato_id_number_report_error",
        "gelato_report_document_options",
        "gelato_report_id_number_options",
        "gelato_selfie_report",
        "gelato_selfie_report_error",
        "gelato_session_document_options",
        "gelato_session_id_number_options",
        "gelato_session_last_error",
        "gelato_verification_report_options",
        "gelato_verification_session_options",
        "gelato_verified_outputs",
        "identity.verification_report",
        "identity.verification_session",
        "verification_session_redaction",
    }
)
EVENT_CLOSURE = frozenset({"event", "notification_event_data", "notification_event_request"})
OPERATION_IDS = {
    "GetIdentityVerificationSessions",
    "PostIdentityVerificationSessions",
    "GetIdentityVerificationSessionsSession",
    "PostIdentityVerificationSessionsSession",
    "PostIdentityVerificationSessionsSessionCancel",
    "PostIdentityVerificationSessionsSessionRedact",
}


# --- helpers ----------------------------------------------------------------------------


_require = require_shared  # skip, or fail under CI=true, when ../shared is missing


def _naive_strip(node: Any) -> Any:
    """Independent reference: drop every description/summary whose value is a string."""
    if isinstance(node, dict):
        return {
            key: _naive_strip(value)
            for key, value in node.items()
            if not (key in PROSE_KEYS and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_naive_strip(item) for item in node]
    return node


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Yield (pointer, key, value) for every mapping entry below node."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{pointer}/{key}"
            yield child, key, value
            yield from _walk(value, child)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{pointer}/{index}")


def _refs(node: Any) -> set[str]:
    return {value for _, key, value in _walk(node) if key == "$ref" and isinstance(value, str)}


def _ref_closure(schemas: dict[str, Any], seeds: set[str]) -> set[str]:
    """Independent closure over #/components/schemas refs."""
    found: set[str] = set()
    todo = [ref.rsplit("/", 1)[-1] for ref in seeds]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(ref.rsplit("/", 1)[-1] for ref in _refs(schemas[name]))
    return found


def _operations(paths: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in paths.items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _slice_identity(spec: LoadedSpec, roots: list[str] = ROOTS) -> dict[str, Any]:
    return slice_spec(
        spec.document,
        roots,
        path_prefixes=[PREFIX],
        source=spec.source,
        upstream_sha256=spec.sha256,
    )


def _tiny_document() -> dict[str, Any]:
    """A small synthetic spec: a resource, its list endpoint, and an error schema."""
    return {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "v1", "description": "prose"},
        "paths": {
            "/v1/things": {
                "get": {
                    "operationId": "GetThings",
                    "summary": "prose",
                    "responses": {
                        "200": {
                            "description": "prose",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "properties": {
                                            "data": {
                                                "items": {"$ref": "#/components/schemas/thing"},
                                                "type": "array",
                                            }
                                        },
                                        "type": "object",
                                    }
                                }
                            },
                        },
                        "default": {
                            "description": "prose",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/error"}
                                }
                            },
                        },
                    },
                }
            },
            "/v1/other": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/error"}
                                }
                            }
                        }
                    }
                }
            },
        },
        "components": {
            "schemas": {
                "thing": {
                    "description": "prose",
                    "properties": {
                        "description": {"type": "string", "nullable": True, "maxLength": 5000},
                        "part": {
                            "anyOf": [{"$ref": "#/components/schemas/part"}],
                            "x-expansionResources": {
                                "oneOf": [{"$ref": "#/components/schemas/expanded"}]
                            },
                        },
                    },
                    "required": ["description"],
                    "title": "Thing",
                    "type": "object",
                    "x-note": {"description": "kept: x- extensions are verbatim"},
                },
                "part": {"type": "string", "enum": ["a", "b"], "summary": "prose"},
                "expanded": {"type": "object"},
                "error": {"type": "object", "properties": {"thing": {"type": "string"}}},
            }
        },
    }


PYTHONPATH = os.pathsep.join(str(REPO / part) for part in ("codegen", "src", "generated"))
# Runs the CLI's main() with stripe_codegen made unimportable (None in sys.modules).
WITHOUT_CODEGEN = (
    "import sys; sys.modules['stripe_codegen'] = None; "
    "from stripe_schemas.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _run_cli(*args: str, without_codegen: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``python -m stripe_schemas.cli ARGS`` (or main() without the generator)."""
    entry = ["-c", WITHOUT_CODEGEN] if without_codegen else ["-m", "stripe_schemas.cli"]
    return subprocess.run(
        [sys.executable, *entry, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        cwd=REPO,
        timeout=120,
        check=False,
    )


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pinned() -> LoadedSpec:
    """The pinned 4 MB upstream spec, parsed once for the module (C YAML loader)."""
    return load_spec(_require(SPECS / PINNED_NAME))


@pytest.fixture(scope="module")
def bundled_text() -> str:
    return BUNDLED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bundled(bundled_text: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(bundled_text, Loader=yaml.CSafeLoader)
    return document


# --- the bundled spec -------------------------------------------------------------------


@pytest.mark.realdata
def test_bundled_schemas_equal_upstream_minus_prose(
    pinned: LoadedSpec, bundled: dict[str, Any]
) -> None:
    """Every bundled component schema is the pinned upstream schema with only prose removed."""
    upstream = pinned.schemas
    differing = [
        name
        for name, schema in bundled["components"]["schemas"].items()
        if schema != _naive_strip(upstream[name])
    ]
    assert differing == []


@pytest.mark.realdata
def test_bundled_operations_equal_upstream_minus_prose(
    pinned: LoadedSpec, bundled: dict[str, Any]
) -> None:
    """Each kept operation's parameters, requestBody and 200 response equal upstream minus prose."""
    upstream_paths = pinned.document["paths"]
    for path, method, operation in _operations(bundled["paths"]):
        original = upstream_paths[path][method]
        for key in ("parameters", "requestBody"):
            assert operation.get(key) == _naive_strip(original.get(key)), (path, method, key)
        expected = {c: r for c, r in original["responses"].items() if c != "default"}
        assert operation["responses"] == _naive_strip(expected), (path, method)


@pytest.mark.realdata
def test_bundled_schema_set_is_the_closure_of_root_and_operations(
    pinned: LoadedSpec, bundled: dict[str, Any]
) -> None:
    """The bundled schemas are exactly the ref closure of the roots plus the kept operations."""
    seeds = {f"#/components/schemas/{root}" for root in ROOTS} | _refs(bundled["paths"])
    assert set(bundled["components"]["schemas"]) == _ref_closure(pinned.schemas, seeds)


@pytest.mark.realdata
def test_bundled_file_is_what_slice_produces(pinned: LoadedSpec, bundled_text: str) -> None:
    """The 2023-08-16 slice is byte-for-byte the output of slicing the pinned spec."""
    assert dump_yaml(_slice_identity(pinned)) == bundled_text


@pytest.mark.realdata
def test_no_upstream_prose_text_in_bundled_file(pinned: LoadedSpec, bundled_text: str) -> None:
    """No description/summary string of the sliced upstream parts appears in the bundled file."""
    parts = [pinned.schemas[name] for name in CLOSURE | EVENT_CLOSURE]
    parts += [pinned.document["paths"][p] for p in pinned.document["paths"] if p.startswith(PREFIX)]
    parts.append(pinned.document["components"].get("securitySchemes"))
    prose = {
        value
        for part in parts
        for _, key, value in _walk(part)
        if key in PROSE_KEYS and isinstance(value, str) and len(value) >= 12
    }
    assert prose, "expected the upstream to carry prose"
    assert [text for text in prose if text in bundled_text] == []


def test_bundled_contains_the_closure_schemas(bundled: dict[str, Any]) -> None:
    """The bundled spec has exactly the 23 identity closure schemas and the 3 of the event envelope."""
    assert set(bundled["components"]["schemas"]) == CLOSURE | EVENT_CLOSURE


def test_bundled_keeps_the_session_operations(bundled: dict[str, Any]) -> None:
    """The create, list, retrieve, update, cancel and redact operations are kept, without default."""
    operations = list(_operations(bundled["paths"]))
    assert {op["operationId"] for _, _, op in operations} == OPERATION_IDS
    assert all(set(op["responses"]) == {"200"} for _, _, op in operations)


def test_bundled_has_no_prose_keys(bundled: dict[str, Any]) -> None:
    """No description/summary key with a string value anywhere in the bundled file."""
    found = [p for p, key, value in _walk(bundled) if key in PROSE_KEYS and isinstance(value, str)]
    assert found == []


def test_bundled_records_its_origin(bundled: dict[str, Any], bundled_text: str) -> None:
    """The bundled info names the slice, the API version, the roots and the upstream digest."""
    info = bundled["info"]
    record = info["x-sliced-from"]
    assert info["title"] == "Stripe API (Identity, Event slice)"
    assert info["version"] == "2023-08-16"
    assert record["roots"] == ROOTS
    assert record["path_prefixes"] == [PREFIX]
    assert len(record["upstream_sha256"]) == 64
    assert bundled_text.startswith("# Sliced by `stripe-schemas spec slice`")
    assert record["upstream_sha256"] in bundled_text.splitlines()[0]


# --- slice_spec on real data ------------------------------------------------------------


@pytest.mark.realdata
def test_slicing_is_deterministic(pinned: LoadedSpec) -> None:
    """Slicing twice, or from a reordered components map, gives the same text."""
    first = dump_yaml(_slice_identity(pinned))
    assert dump_yaml(_slice_identity(pinned)) == first
    shuffled = dict(pinned.document)
    shuffled["components"] = {
        **pinned.document["components"],
        "schemas": dict(reversed(list(pinned.schemas.items()))),
    }
    reordered = slice_spec(
        shuffled, ROOTS, path_prefixes=[PREFIX], source="x", upstream_sha256=pinned.sha256
    )
    assert dump_yaml(reordered) == first


@pytest.mark.realdata
def test_derived_paths_match_the_prefix(pinned: LoadedSpec) -> None:
    """Without --path-prefix the operations returning the root are exactly the prefix ones."""
    derived = slice_spec(pinned.document, [ROOT], upstream_sha256=pinned.sha256)
    explicit = _slice_identity(pinned, [ROOT])
    assert derived["paths"] == explicit["paths"]
    assert derived["components"] == explicit["components"]


@pytest.mark.realdata
@pytest.mark.parametrize("name", ALL_SPEC_NAMES)
def test_every_real_spec_slices(name: str, request: pytest.FixtureRequest) -> None:
    """identity.verification_session slices from each of the five upstream specs."""
    spec = (
        request.getfixturevalue("pinned")
        if name == PINNED_NAME
        else load_spec(_require(SPECS / name))
    )
    sliced = _slice_identity(spec)
    schemas = sliced["components"]["schemas"]
    assert {ROOT, "identity.verification_report", "address"} <= set(schemas)
    assert "error" not in schemas
    assert {op["operationId"] for _, _, op in _operations(sliced["paths"])} == OPERATION_IDS


# --- slice_spec on synthetic documents --------------------------------------------------


def test_unknown_root_is_a_spec_error() -> None:
    """An unknown root raises SpecError naming the root and its would-be pointer."""
    with pytest.raises(SpecError) as caught:
        slice_spec(_tiny_document(), ["nope"], source="tiny.yaml")
    assert "'nope'" in str(caught.value)
    assert caught.value.problems[0].pointer == "/components/schemas/nope"


def test_dangling_ref_is_a_spec_error_with_pointer() -> None:
    """A $ref that points to nothing raises SpecError with the JSON pointer of that $ref."""
    document = _tiny_document()
    document["components"]["schemas"]["part"] = {"$ref": "#/components/schemas/missing"}
    with pytest.raises(SpecError) as caught:
        slice_spec(document, ["thing"], source="tiny.yaml")
    problem = caught.value.problems[0]
    assert problem.pointer == "/components/schemas/part/$ref"
    assert "#/components/schemas/missing" in problem.message


def test_dangling_ref_inside_expansion_resources_is_found() -> None:
    """Refs inside x-expansionResources are followed, so a dangling one there is reported."""
    document = _tiny_document()
    thing = document["components"]["schemas"]["thing"]
    thing["properties"]["part"]["x-expansionResources"]["oneOf"][0]["$ref"] = "#/components/x/y"
    with pytest.raises(SpecError) as caught:
        slice_spec(document, ["thing"])
    pointer = "/components/schemas/thing/properties/part/x-expansionResources/oneOf/0/$ref"
    assert caught.value.problems[0].pointer == pointer


def test_closure_follows_expansion_resources_and_skips_default_error() -> None:
    """The closure includes x-expansionResources targets; the default error response is dropped."""
    sliced = slice_spec(_tiny_document(), ["thing"])
    assert list(sliced["components"]["schemas"]) == ["expanded", "part", "thing"]
    assert list(sliced["paths"]) == ["/v1/things"]
    assert list(sliced["paths"]["/v1/things"]["get"]["responses"]) == ["200"]


def test_strip_prose_keeps_a_property_named_description() -> None:
    """Prose strings go; a property called 'description', required entries and x- keys stay."""
    thing = slice_spec(_tiny_document(), ["thing"])["components"]["schemas"]["thing"]
    assert "description" not in thing
    assert thing["properties"]["description"] == {
        "type": "string",
        "nullable": True,
        "maxLength": 5000,
    }
    assert thing["required"] == ["description"]
    assert thing["x-note"] == {"description": "kept: x- extensions are verbatim"}


def test_strip_prose_false_keeps_prose() -> None:
    """With strip_prose=False the upstream description and summary strings are kept."""
    sliced = slice_spec(_tiny_document(), ["thing"], strip_prose=False)
    assert sliced["components"]["schemas"]["thing"]["description"] == "prose"
    assert sliced["components"]["schemas"]["part"]["summary"] == "prose"


def test_unmatched_path_prefix_is_a_spec_error() -> None:
    """A --path-prefix that matches no path is reported instead of giving an empty slice."""
    with pytest.raises(SpecError, match="/v2/nothing"):
        slice_spec(_tiny_document(), ["thing"], path_prefixes=["/v2/nothing"])


def test_slice_does_not_modify_its_input() -> None:
    """slice_spec leaves the upstream document untouched."""
    document = _tiny_document()
    before = copy.deepcopy(document)
    slice_spec(document, ["thing"])
    assert document == before


# --- command line -----------------------------------------------------------------------


def _assert_one_line_error(result: subprocess.CompletedProcess[str], file_name: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("stripe-schemas: error: ")
    assert file_name in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_missing_file(tmp_path: Path) -> None:
    """spec slice on a missing file exits 2 with one line naming the file, no traceback."""
    missing = tmp_path / "no-such-spec.yaml"
    _assert_one_line_error(_run_cli("spec", "slice", str(missing), "--root", ROOT), missing.name)


def test_cli_invalid_yaml(tmp_path: Path) -> None:
    """spec slice on invalid YAML exits 2 with one line naming the file and line."""
    bad = tmp_path / "broken.yaml"
    bad.write_text("openapi: 3.0.0\ncomponents: [\n", encoding="utf-8")
    result = _run_cli("spec", "slice", str(bad), "--root", ROOT)
    _assert_one_line_error(result, f"{bad.name}:")


def test_cli_unknown_root(tmp_path: Path) -> None:
    """spec slice with an unknown root exits 2 with one line naming the file and the root."""
    spec = tmp_path / "tiny.yaml"
    spec.write_text(yaml.safe_dump(_tiny_document()), encoding="utf-8")
    result = _run_cli("spec", "slice", str(spec), "--root", "no_such_schema")
    _assert_one_line_error(result, spec.name)
    assert "/components/schemas/no_such_schema" in result.stderr


def test_cli_without_codegen_gives_install_hint(tmp_path: Path) -> None:
    """Without the generator importable, spec slice exits 2 with a one-line install hint."""
    result = _run_cli(
        "spec", "slice", str(tmp_path / "x.yaml"), "--root", ROOT, without_codegen=True
    )
    _assert_one_line_error(result, "stripe-schemas[codegen]")


def test_cli_slice_then_check(tmp_path: Path) -> None:
    """spec slice writes --out (same as stdout); spec check exits 0 on it, 1 after an edit."""
    upstream = tmp_path / "tiny.yaml"
    upstream.write_text(yaml.safe_dump(_tiny_document()), encoding="utf-8")
    out = tmp_path / "slice.yaml"
    assert (
        _run_cli("spec", "slice", str(upstream), "--root", "thing", "--out", str(out)).returncode
        == 0
    )
    stdout = _run_cli("spec", "slice", str(upstream), "--root", "thing").stdout
    assert stdout == out.read_text(encoding="utf-8")
    check = _run_cli("spec", "check", str(out), "--against", str(upstream))
    assert (check.returncode, check.stderr) == (0, "")

    edited = yaml.safe_load(out.read_text(encoding="utf-8"))
    edited["components"]["schemas"]["part"]["enum"].append("c")
    out.write_text(yaml.safe_dump(edited), encoding="utf-8")
    check = _run_cli("spec", "check", str(out), "--against", str(upstream))
    assert check.returncode == 1
    assert "/components/schemas/part/enum" in check.stdout


def test_a_root_no_operation_returns_is_kept() -> None:
    """A root that no kept operation refers to is still in the slice, with its closure."""
    document = _tiny_document()
    schemas = document["components"]["schemas"]
    schemas["standalone"] = {
        "type": "object",
        "properties": {"w": {"$ref": "#/components/schemas/leaf"}},
    }
    schemas["leaf"] = {"type": "object", "properties": {"x": {"type": "string"}}}
    sliced = slice_spec(document, ["thing", "standalone"], source="x")
    assert {"standalone", "leaf"} <= set(sliced["components"]["schemas"])


# --- today's slice ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def today_upstream() -> LoadedSpec:
    return load_spec(_require(TODAY_UPSTREAM))


@pytest.mark.realdata
def test_todays_slice_is_what_slice_produces(today_upstream: LoadedSpec) -> None:
    """spec/stripe-identity.yaml is byte-for-byte the slice of Stripe's current Identity slice:
    the session, report and event closures, with the session and report operations."""
    document = slice_spec(
        today_upstream.document,
        TODAY_ROOTS,
        path_prefixes=TODAY_PREFIXES,
        source=str(TODAY_UPSTREAM),
        upstream_sha256=today_upstream.sha256,
    )
    assert dump_yaml(document) == TODAY.read_text(encoding="utf-8")


@pytest.mark.realdata
def test_todays_slice_keeps_every_schema_and_operation_minus_prose(
    today_upstream: LoadedSpec,
) -> None:
    """Each schema of today's slice is upstream's without prose; both report operations and the
    six session operations are there."""
    today = yaml.load(TODAY.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    upstream = today_upstream.schemas
    assert [
        n for n, s in today["components"]["schemas"].items() if s != _naive_strip(upstream[n])
    ] == []
    assert today["info"]["version"] == "2026-09-30.endive"
    ids = {op["operationId"] for _, _, op in _operations(today["paths"])}
    assert {"GetIdentityVerificationReports", "GetIdentityVerificationReportsReport"} <= ids
    assert ids >= OPERATION_IDS and len(ids) == 8
    found = [p for p, key, value in _walk(today) if key in PROSE_KEYS and isinstance(value, str)]
    assert found == []
