"""The spec loader: C YAML loader, parsed-spec cache, errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stripe_codegen import SpecError, load_spec, loader


def test_uses_the_c_yaml_loader() -> None:
    """YAML specs go through PyYAML's C loader (PyYAML's wheels ship libyaml)."""
    assert loader._YamlLoader is yaml.CSafeLoader


def _big_yaml(tmp_path: Path) -> Path:
    schemas = {
        f"s{i}": {"type": "object", "properties": {"a": {"type": "string", "maxLength": i}}}
        for i in range(4000)
    }
    doc = {
        "openapi": "3.0.0",
        "info": {"version": "1"},
        "paths": {"/x": {"get": {"responses": {200: {}}}}},
    }
    doc["components"] = {"schemas": schemas}
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert path.stat().st_size > loader.CACHE_MIN_BYTES
    return path


def test_cache_gives_the_same_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached parse equals a fresh parse exactly (int keys included), and a corrupt entry is re-parsed."""
    path = _big_yaml(tmp_path)
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", "off")
    fresh = load_spec(path)
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", str(tmp_path / "cache"))
    first = load_spec(path)
    entries = list((tmp_path / "cache").iterdir())
    assert [e.name for e in entries] == [f"{fresh.sha256}.{loader.CACHE_FORMAT}.marshal"]
    second = load_spec(path)
    assert fresh.document == first.document == second.document
    assert 200 in second.document["paths"]["/x"]["get"]["responses"]
    entries[0].write_bytes(b"\x00garbage")
    assert load_spec(path).document == fresh.document


def test_cache_never_serves_a_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by content: editing the spec gives the edited document."""
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", str(tmp_path / "cache"))
    path = _big_yaml(tmp_path)
    load_spec(path)
    path.write_text(path.read_text().replace("maxLength: 7\n", "maxLength: 70000\n"))
    assert load_spec(path).schemas["s7"]["properties"]["a"]["maxLength"] == 70000


def test_yaml_error_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax error names the file and the line."""
    path = tmp_path / "bad.yaml"
    path.write_text("openapi: 3.0.0\ncomponents:\n  schemas: [a, b\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(f"{path}:")
    assert caught.value.problems[0].line is not None


def test_not_a_spec(tmp_path: Path) -> None:
    """A document that is not a mapping, or has no openapi/components, is refused."""
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    with pytest.raises(SpecError, match="top level is not a mapping"):
        load_spec(path)
    path.write_text('{"hello": 1}')
    with pytest.raises(SpecError, match="not an OpenAPI document"):
        load_spec(path)


def test_model_inventory_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser's model inventory is cached by schema content: a hit equals a fresh parse,
    a changed schema misses, and a damaged entry is parsed again."""
    from stripe_codegen import _dcg

    from _specs import widget_spec

    schemas = widget_spec()["components"]["schemas"]
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", "off")
    fresh = _dcg.parse_models(schemas, "w.yaml")
    monkeypatch.setenv("STRIPE_SCHEMAS_CACHE", str(tmp_path / "cache"))
    assert _dcg.parse_models(schemas, "w.yaml") == fresh
    entries = list((tmp_path / "cache").iterdir())
    assert len(entries) == 1 and entries[0].name.endswith(".models.v2.marshal")
    assert _dcg.parse_models(schemas, "w.yaml") == fresh
    schemas["shop.owner"]["required"] = ["id"]
    changed = _dcg.parse_models(schemas, "w.yaml")
    assert len(list((tmp_path / "cache").iterdir())) == 2
    owner = changed["/components/schemas/shop.owner"]
    assert dict(owner.fields) == {"id": True, "object": False, "address": False}
    entries[0].write_bytes(b"\x00garbage")
    schemas["shop.owner"]["required"] = ["id", "object"]
    assert _dcg.parse_models(schemas, "w.yaml") == fresh


def test_ordinary_yaml_anchors_still_load(tmp_path: Path) -> None:
    """Anchors reused a few times (a shared schema) are fine; only explosive or recursive
    ones are refused."""
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "openapi: 3.0.0\ncomponents:\n  schemas:\n"
        "    a: &shared {type: object, properties: {x: {type: string}}}\n"
        "    b: *shared\n    c: *shared\n"
    )
    spec = load_spec(path)
    assert spec.schemas["b"] == spec.schemas["a"] == spec.schemas["c"]
    assert loader.tree_problem(spec.document) is None
    shared: list[object] = []
    shared.append(shared)
    assert loader.tree_problem({"x": shared}) == (
        "a YAML anchor contains itself (the document is not a tree)"
    )


def test_a_schema_the_parser_refuses_is_one_problem_at_its_pointer() -> None:
    """datamodel-code-generator's own error type becomes a SpecProblem at the schema's
    pointer (escaped)."""
    from stripe_codegen import _dcg

    with pytest.raises(SpecError) as caught:
        _dcg._parse_models({"a/b": {"type": "object", "properties": {"x": {"type": 5}}}}, "s.yaml")
    (problem,) = caught.value.problems
    assert problem.source == "s.yaml"
    assert problem.pointer == "/components/schemas/a~1b"
    assert problem.message.startswith("datamodel-code-generator: ")


def test_a_crash_inside_the_parser_is_one_line_naming_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A schema that makes datamodel-code-generator itself fail (not with its own error type)
    is one problem that says the parser failed and how, not a traceback, and does not claim
    the spec is wrong (issue 22: no traceback on any input)."""
    from stripe_codegen import _dcg

    def broken(self: object) -> None:
        raise AttributeError("a bug")

    monkeypatch.setattr(_dcg.OpenAPIParser, "parse_raw", broken)
    with pytest.raises(SpecError) as caught:
        _dcg._parse_models({"ok": {"type": "object"}}, "s.yaml")
    (problem,) = caught.value.problems
    assert problem.source == "s.yaml"
    assert problem.message == "datamodel-code-generator failed (AttributeError: a bug)"

    def ours(self: object) -> None:  # an error type it is not guarded for still propagates
        raise RuntimeError("not the parser's shape")

    monkeypatch.setattr(_dcg.OpenAPIParser, "parse_raw", ours)
    with pytest.raises(RuntimeError, match="not the parser's shape"):
        _dcg._parse_models({"ok": {"type": "object"}}, "s.yaml")
