"""The generator: golden record, determinism, stable names, field typing, bad input."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from stripe_codegen import SpecError
from stripe_codegen.generate import Generated, generate, stale_files, write
from stripe_schemas import UNSET, PayloadError, field_info, loads, spec_fields
from stripe_schemas.cli import main
from stripe_schemas.cli._generate import DEFAULT_ROOTS

from _specs import widget_spec
from conftest import ROOT, SHARED, require_shared

BUNDLED = ROOT / "spec" / "stripe-identity.yaml"
#: The previous bundled version: its slice and its package.
OLDER = ROOT / "spec" / "stripe-identity-2023-08-16.yaml"
OLDER_PACKAGE = "stripe_models_2023_08_16"


def write_spec(tmp_path: Path, document: dict[str, Any], name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(document))
    else:
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def import_generated(out: Path, package: str) -> Any:
    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(package)
        for name in module.MODULES:
            importlib.import_module(f"{package}.{name}")
        return module
    finally:
        sys.path.remove(str(out))


def loads_accepts(body: Any, cls: Any, mode: str) -> bool:
    """Whether `loads` (strict or lenient) takes `body` into a generated class."""
    try:
        loads(json.dumps(body), cls, mode=mode)  # type: ignore[call-overload]
    except PayloadError:
        return False
    return True


@pytest.fixture(scope="module")
def bundled() -> Generated:
    return generate(BUNDLED, list(DEFAULT_ROOTS))


@pytest.fixture(scope="module")
def older() -> Generated:
    return generate(OLDER, list(DEFAULT_ROOTS), package=OLDER_PACKAGE)


def test_golden_record(bundled: Generated, older: Generated) -> None:
    """Regenerating from spec/ reproduces the committed generated/ byte for byte, for both
    bundled versions."""
    assert stale_files(bundled, ROOT / "generated") == []
    assert stale_files(older, ROOT / "generated") == []


def test_deterministic(bundled: Generated) -> None:
    """Generating twice gives identical bytes."""
    again = generate(BUNDLED, list(DEFAULT_ROOTS))
    assert again.files == bundled.files


def test_identity_closure_contents(bundled: Generated, older: Generated) -> None:
    """Today's closure: the session, report and event schemas (35, with the flows, email and
    phone checks and provided details); 2023-08-16's: 26. Both named readably, alike."""
    ms = bundled.model_set
    assert len(ms.schema_keys) == 35 and len(older.model_set.schema_keys) == 26
    assert {"event", "notification_event_data", "notification_event_request"} <= set(ms.schema_keys)
    names = {(c.module, c.name) for c in ms.classes}
    assert {
        ("identity", "VerificationSession"),
        ("identity", "VerificationReport"),
        ("common", "Address"),
        ("identity", "SessionLastError"),
        ("identity", "VerifiedOutputs"),
        ("identity", "DocumentReport"),
        ("identity", "EmailReport"),
        ("identity", "ProvidedDetails"),
        ("identity", "VerificationSessionOptions"),
        ("core", "Event"),
    } <= names
    old_names = {(c.module, c.name) for c in older.model_set.classes}
    assert old_names - names == set()  # the same names for the same schemas in both versions
    enum_names = {e.name for e in ms.enums}
    assert {"VerificationSessionStatus", "VerificationSessionType"} <= enum_names
    for name in {n for _, n in names} | enum_names:
        assert not re.search(r"(Model|\d)$", name), name
        assert not name.startswith("Gelato"), name


def test_file_headers(bundled: Generated, older: Generated) -> None:
    """Each module is headed 'do not edit' with the API version and the spec's sha256."""
    for result, spec, version in (
        (bundled, BUNDLED, "2026-09-30.endive"),
        (older, OLDER, "2023-08-16"),
    ):
        digest = hashlib.sha256(spec.read_bytes()).hexdigest()
        for rel, text in result.files.items():
            if rel.endswith(".py"):
                head = text.splitlines()[:3]
                assert "do not edit" in head[0]
                assert head[1] == f"# Stripe API version: {version}"
                assert head[2] == f"# Spec sha256: {digest}"


def test_committed_package_api() -> None:
    """stripe_models (today's API) and stripe_models_2023_08_16 expose API_VERSION, the
    registries and model_for."""
    import stripe_models_2023_08_16 as older

    import stripe_models
    from stripe_models.identity import VerificationReport, VerificationSession

    assert stripe_models.API_VERSION == "2026-09-30.endive"
    assert older.API_VERSION == "2023-08-16"
    assert stripe_models.model_for("identity.verification_session") is VerificationSession
    assert stripe_models.model_for("identity.verification_report") is VerificationReport
    assert older.model_for("identity.verification_session").__name__ == "VerificationSession"
    assert older.model_for("identity.verification_session") is not VerificationSession
    assert stripe_models.SCHEMAS["address"] == ("common", "Address")
    with pytest.raises(KeyError):
        stripe_models.model_for("no.such_thing")


def test_identity_field_states() -> None:
    """Required, optional-and-absent (UNSET) and nullable are kept apart in types and defaults."""
    from stripe_models_2023_08_16 import identity as older

    from stripe_models import common, identity

    hints = typing.get_type_hints(identity.VerificationSession)
    assert hints["created"] is int
    assert set(typing.get_args(hints["client_secret"])) == {str, type(None), type(UNSET)}
    report = typing.get_args(hints["last_verification_report"])
    assert set(report) == {str, identity.VerificationReport, type(None), type(UNSET)}
    assert typing.get_args(hints["status"]) == (
        "canceled",
        "processing",
        "requires_input",
        "verified",
    )
    # today: type is always there and never null (an open enum); in 2023-08-16 it could be both
    vtype = typing.get_args(hints["type"])
    assert "verification_flow" in typing.get_args(vtype[0])
    assert type(None) not in vtype and type(UNSET) not in vtype
    old = typing.get_args(typing.get_type_hints(older.VerificationSession)["type"])
    assert type(None) in old and type(UNSET) in old
    # options is in x-expandableFields but has no x-expansionResources: always an object
    assert set(typing.get_args(hints["options"])) == {
        identity.VerificationSessionOptions,
        type(None),
        type(UNSET),
    }
    outputs = typing.get_type_hints(identity.VerifiedOutputs)
    assert common.Address in typing.get_args(outputs["address"])

    fields = {a.name: a for a in attrs.fields(identity.VerificationSession)}
    assert fields["client_secret"].default is UNSET
    assert fields["created"].default is attrs.NOTHING
    session = identity.VerificationSession
    info = field_info(session, "last_verification_report")
    assert info.expansion == ("identity.verification_report",) and info.max_length == 5000
    created = field_info(session, "created")
    assert created.format == "unix-time" and created.required
    vtype_info = field_info(session, "type")
    assert vtype_info.bypass_validation and not vtype_info.nullable and vtype_info.required
    assert vtype_info.enum == ("document", "id_number", "verification_flow")
    old_type = field_info(older.VerificationSession, "type")
    assert (
        old_type.nullable and not old_type.required and old_type.enum == ("document", "id_number")
    )
    assert field_info(session, "id").max_length == 5000
    assert field_info(session, "metadata").max_length == 500  # the map's values'
    assert not field_info(session, "status").bypass_validation
    assert attrs.has(identity.VerificationSession)
    assert "__slots__" in vars(identity.VerificationSession)
    assert identity.VerificationSession.__resource_id__ == "identity.verification_session"


def test_no_nonetype_enum_member(bundled: Generated, older: Generated) -> None:
    """Nullable enums are Literal aliases with None outside them (no broken NoneType member)."""
    text = bundled.files["stripe_models/identity.py"]
    assert "NoneType" not in text
    assert "type: DocumentReportType | None | UnsetType" in text
    old = older.files[f"{OLDER_PACKAGE}/identity.py"]
    assert "type: VerificationSessionType | UnknownEnumValue | None | UnsetType" in old


def test_keywords_and_builtins(tmp_path: Path) -> None:
    """Keyword wire names get a safe attribute and keep the wire name; object/type stay."""
    spec = write_spec(tmp_path, widget_spec())
    result = generate(spec, ["shop.widget"], package="widgets_kw")
    write(result, tmp_path / "out")
    package = import_generated(tmp_path / "out", "widgets_kw")
    widget = package.model_for("shop.widget")
    fields = {a.name: info for a, info in spec_fields(widget)}
    assert fields["from_"].wire_name == "from"
    assert fields["class_"].wire_name == "class"
    assert {"object", "type"} <= set(fields)
    text = result.files["widgets_kw/shop.py"]
    assert "owner: Expandable[Owner] | None | UnsetType" in text
    assert "colour: WidgetColour | UnknownEnumValue | UnsetType" in text  # bypass: open
    assert "tags: list[WidgetTags] | UnsetType" in text
    assert "notes: dict[str, str] | UnsetType" in text
    assert "WidgetDeleted: TypeAlias = Literal[True]" in text  # a boolean, not the string "True"
    assert typing.get_args(typing.get_type_hints(widget)["deleted"])[0] == typing.Literal[True]
    assert fields["deleted"].enum == (True,)
    assert result.files["widgets_kw/common.py"].count("class Address") == 1


def test_adding_unrelated_schema_renames_nothing(tmp_path: Path) -> None:
    """Adding unrelated schemas (even ones that would clash in a numbering scheme) renames nothing."""
    base = widget_spec()
    grown = widget_spec()
    schemas = grown["components"]["schemas"]
    schemas["other.widget"] = {
        "type": "object",
        "x-resourceId": "other.widget",
        "properties": {"colour": {"type": "string", "enum": ["green"]}},
    }
    schemas["widget"] = {"type": "object", "x-resourceId": "widget", "properties": {}}
    schemas["address_extra"] = {
        "type": "object",
        "properties": {"status": {"type": "string", "enum": ["a"]}},
    }
    one = generate(write_spec(tmp_path, base, "a.yaml"), ["shop.widget"], package="p")
    two = generate(write_spec(tmp_path, grown, "b.yaml"), ["shop.widget"], package="p")
    body = lambda text: "\n".join(text.splitlines()[3:])
    assert body(one.files["p/shop.py"]) == body(two.files["p/shop.py"])
    assert body(one.files["p/common.py"]) == body(two.files["p/common.py"])
    everything = generate(write_spec(tmp_path, grown, "c.yaml"), None, package="p")
    names = {(c.module, c.name) for c in everything.model_set.classes}
    assert {("shop", "Widget"), ("other", "Widget"), ("core", "Widget")} <= names


def test_json_and_yaml_give_same_models(tmp_path: Path) -> None:
    """A JSON spec and the same spec in YAML generate the same code (headers aside)."""
    from_yaml = generate(write_spec(tmp_path, widget_spec(), "w.yaml"), None, package="p")
    from_json = generate(write_spec(tmp_path, widget_spec(), "w.json"), None, package="p")
    strip = lambda text: re.sub(r"SPEC_SHA256: Final = .*", "", "\n".join(text.splitlines()[3:]))
    for rel, text in from_yaml.files.items():
        if rel.endswith(".py"):
            assert strip(text) == strip(from_json.files[rel])


def test_generate_check_reports_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """generate --check exits 0 when fresh, 1 naming the stale file; --verbose adds its diff."""
    out = tmp_path / "gen"
    spec = str(write_spec(tmp_path, widget_spec()))
    args = ["generate", "--spec", spec, "--root", "shop.widget", "--out", str(out)]
    args += ["--package", "widgets_check"]
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    module = out / "widgets_check" / "shop.py"
    module.write_text(module.read_text().replace("class Widget:", "class Gadget:"))
    capsys.readouterr()
    code = main([*args, "--check"])
    captured = capsys.readouterr()
    assert code == 1
    assert "1 file changed: shop.py\n" in captured.out and "class" not in captured.out
    assert "stale" in captured.err
    code = main([*args, "--check", "--verbose"])
    captured = capsys.readouterr()
    assert code == 1
    assert "-class Gadget:" in captured.out and "+class Widget:" in captured.out


BAD_INPUTS = {
    "missing file": (None, "no such file"),
    "invalid yaml": ("openapi: 3.0.0\ncomponents: [unclosed\n", "invalid YAML"),
    "invalid json": ('{"openapi": "3.0.0", "components": }', "invalid JSON"),
    "dangling ref": (
        {
            "openapi": "3.0.0",
            "components": {
                "schemas": {
                    "a": {
                        "type": "object",
                        "properties": {"b": {"$ref": "#/components/schemas/nope"}},
                    }
                }
            },
        },
        "/components/schemas/a/properties/b/$ref",
    ),
    "schema not an object": (
        {"openapi": "3.0.0", "components": {"schemas": {"a": ["not", "a", "schema"]}}},
        "/components/schemas/a",
    ),
    "malformed $ref": (
        {"openapi": "3.0.0", "components": {"schemas": {"a": {"properties": {"b": {"$ref": 7}}}}}},
        "/components/schemas/a/properties/b/$ref: $ref is not a string",
    ),
    "malformed anyOf": (
        {
            "openapi": "3.0.0",
            "components": {"schemas": {"a": {"properties": {"b": {"anyOf": "x"}}}}},
        },
        "/components/schemas/a/properties/b/anyOf: anyOf is not an array",
    ),
    "malformed items": (
        {
            "openapi": "3.0.0",
            "components": {"schemas": {"a": {"properties": {"b": {"type": "array", "items": 5}}}}},
        },
        "/components/schemas/a/properties/b/items: schema is not an object (int)",
    ),
    "binary file": (b"\x00\xff\xfe binary \x01\n\x02", "invalid YAML"),
    "unknown root": (
        {"openapi": "3.0.0", "components": {"schemas": {"a": {"type": "object"}}}},
        "unknown root schema 'identity.verification_session'",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_one_line_exit_2(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each kind of bad spec gets a one-line error naming file and pointer, exit code 2."""
    content, expected = BAD_INPUTS[kind]
    path = tmp_path / ("spec.json" if isinstance(content, dict) else "spec.yaml")
    if isinstance(content, dict):
        path.write_text(json.dumps(content))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    scope = ["--root", "identity.verification_session"] if kind == "unknown root" else ["--all"]
    out = ["--out", str(tmp_path / "out"), "--package", "bad_input"]
    code = main(["generate", "--spec", str(path), *out, *scope])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


PKG = ["--package", "broken_models"]


def test_bad_input_in_a_real_process(tmp_path: Path) -> None:
    """The installed command prints no traceback for a broken spec (checked in a subprocess)."""
    path = tmp_path / "broken.yaml"
    path.write_text(
        "components: {schemas: {a: {$ref: '#/components/schemas/b'}}}\nopenapi: 3.0.0\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "stripe_schemas", "generate", "--spec", str(path), "--all", *PKG],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "broken.yaml at /components/schemas/a/$ref: $ref to nothing" in done.stderr


def test_spec_from_url(tmp_path: Path) -> None:
    """--spec accepts an http URL (served here from localhost)."""
    import http.server
    import threading

    (tmp_path / "w.yaml").write_text(yaml.safe_dump(widget_spec()))
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/w.yaml"
        result = generate(url, ["shop.widget"])
    finally:
        server.shutdown()
        server.server_close()
    assert "class Widget:" in result.files["stripe_models/shop.py"]


REAL_SPECS = [
    "2021-05-17_api-2020-08-27.json",
    "2021-11-01_api-2020-08-27.json",
    "2023-01-12_api-2022-11-15.yaml",
    "2023-04-17_api-2022-11-15.yaml",
    "2023-09-12_api-2023-08-16.yaml",
]


@pytest.mark.realdata
@pytest.mark.parametrize("name", REAL_SPECS)
def test_identity_closure_from_each_real_spec(name: str, tmp_path: Path) -> None:
    """The identity closure generates from each of the five real specs and imports."""
    spec = require_shared(SHARED / "specs" / name)
    package = "ident_" + re.sub(r"\W", "_", name.split("_api")[0])
    result = generate(spec, ["identity.verification_session"], package=package)
    write(result, tmp_path)
    module = import_generated(tmp_path, package)
    session = module.model_for("identity.verification_session")
    assert session.__name__ == "VerificationSession"
    assert attrs.has(module.model_for("identity.verification_report"))


@pytest.mark.realdata
@pytest.mark.slow
def test_all_schemas_of_pinned_spec(all_models: Any) -> None:
    """--all writes every one of the 819 component schemas, importable, with unique names per module."""
    result: Generated = all_models.__generated__
    ms = result.model_set
    assert len(ms.schema_keys) == 819
    assert set(all_models.SCHEMAS) == set(ms.schema_keys)
    qualified = [(c.module, c.name) for c in ms.classes] + [(a.module, a.name) for a in ms.aliases]
    assert len(qualified) == len(set(qualified))
    for key, (_module, name) in all_models.SCHEMAS.items():
        model = all_models.model_for(key)
        assert getattr(model, "__name__", name) == name, key
        assert not re.search(r"Model$|[A-Za-z]\d+$", name) or re.search(r"\d$", key), (key, name)
    for module_name in all_models.MODULES:
        module = importlib.import_module(f"stripe_models_all.{module_name}")
        assert sorted(module.__all__) == module.__all__
    print(f"\n--all: {result.summary()}")


@pytest.mark.realdata
@pytest.mark.slow
def test_all_output_passes_mypy_strict(all_models: Any) -> None:
    """The --all output of the pinned spec type-checks under mypy --strict."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "stripe_models_all"],
        capture_output=True,
        text=True,
        check=False,
        cwd=all_models.__out_dir__,
    )
    assert done.returncode == 0, done.stdout[-3000:]


def test_write_never_touches_hand_written_files(tmp_path: Path) -> None:
    """generate keeps hand-written files in the package and refuses to overwrite one."""
    spec = write_spec(tmp_path, widget_spec())
    package = tmp_path / "out" / "stripe_models"
    package.mkdir(parents=True)
    (package / "handwritten.py").write_text("VALUE = 1\n")
    (package / "config.json").write_text("{}\n")
    args = ["generate", "--spec", str(spec), "--all", "--out", str(tmp_path / "out")]
    args += ["--package", "stripe_models"]
    assert main(args) == 0
    assert (package / "handwritten.py").read_text() == "VALUE = 1\n"
    assert (package / "config.json").exists()
    (package / "shop.py").write_text("# my own module\n")
    assert main(args) == 2
    assert (package / "shop.py").read_text() == "# my own module\n"


def test_regeneration_removes_only_stale_generated_modules(tmp_path: Path) -> None:
    """A module the spec no longer produces is removed when it was generated by us."""
    out = tmp_path / "out"
    grown = widget_spec()
    grown["components"]["schemas"]["extra.thing"] = {
        "type": "object",
        "x-resourceId": "extra.thing",
        "properties": {},
    }
    write(generate(write_spec(tmp_path, grown, "g.yaml"), None), out)
    assert (out / "stripe_models" / "extra.py").exists()
    changed = write(generate(write_spec(tmp_path, widget_spec(), "w.yaml"), None), out)
    assert "stripe_models/extra.py" in changed
    assert not (out / "stripe_models" / "extra.py").exists()


def test_unrelated_schemas_rename_nothing_with_all(tmp_path: Path) -> None:
    """With --all, every class and enum of the smaller spec keeps its module and name."""
    base = widget_spec()
    grown = widget_spec()
    schemas = grown["components"]["schemas"]
    schemas["shop.gadget"] = {
        "type": "object",
        "x-resourceId": "shop.gadget",
        "properties": {"colour": {"type": "string", "enum": ["red"]}},
    }
    schemas["widget_part"] = {"type": "object", "properties": {"x": {"type": "string"}}}
    schemas["owner"] = {"type": "object", "x-resourceId": "owner", "properties": {}}
    one = generate(write_spec(tmp_path, base, "a.yaml"), None).model_set
    two = generate(write_spec(tmp_path, grown, "b.yaml"), None).model_set

    def names(ms: Any) -> dict[str, tuple[str, str]]:
        return {x.pointer: (x.module, x.name) for x in (*ms.classes, *ms.aliases, *ms.enums)}

    before, after = names(one), names(two)
    assert {p: after[p] for p in before} == before
    assert len(after) > len(before)


def test_a_name_clash_is_an_error_not_a_number(tmp_path: Path) -> None:
    """A schema whose class name equals an enum alias in the same module stops generation
    with one line naming both, instead of numbering one of them."""
    grown = widget_spec()
    grown["components"]["schemas"]["widget_colour"] = {"type": "object", "properties": {}}
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, grown), None)
    (problem,) = caught.value.problems
    assert "'WidgetColour' in module 'shop'" in problem.message
    assert "/components/schemas/widget_colour" in str(problem)
    assert "/components/schemas/shop.widget/properties/colour" in str(problem)


_COLOUR = "/components/schemas/shop.widget/properties/colour"


def test_the_clash_message_shows_the_names_entry_that_settles_it(tmp_path: Path) -> None:
    """The clash message names a `--names` entry for the second schema's JSON pointer, and
    that very entry (a component's pointer works like its key) settles the clash."""
    grown = widget_spec()
    grown["components"]["schemas"]["widget_colour"] = {"type": "object", "properties": {}}
    spec = write_spec(tmp_path, grown)
    with pytest.raises(SpecError) as caught:
        generate(spec, None)
    (problem,) = caught.value.problems
    entry = re.search(r"an entry such as '([^']+): NewName'", problem.message)
    assert entry is not None and entry.group(1) == problem.pointer
    settled = generate(spec, None, names={entry.group(1): "WidgetColourOther"}).model_set
    named = {x.pointer: x.name for x in (*settled.classes, *settled.enums)}
    assert named[problem.pointer] == "WidgetColourOther"
    others = {p for p in ("/components/schemas/widget_colour", _COLOUR) if p != problem.pointer}
    assert [named[p] for p in others] == ["WidgetColour"]
    # a component class answers to its pointer as to its key
    by_pointer = {"/components/schemas/widget_colour": "WidgetColourObject"}
    classes = generate(spec, None, names=by_pointer).model_set.classes
    assert {c.name for c in classes} >= {"WidgetColourObject", "Widget"}
