"""References to other files: their component schemas are brought into the spec's own.

A `$ref` such as `common.yaml#/components/schemas/Address` (a path relative to the
spec's file) becomes `#/components/schemas/Address`, and `Address` joins the spec's
component schemas, with the references inside it rewritten the same way (a local
`#/…` in the other file means that file). Everything after that sees one document.

Only component schemas can be referenced in another file; a key that is already taken
by a different schema, a file that cannot be read and any other reference are reported,
together, each with the JSON pointer of its `$ref`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from stripe_schemas.model import escape_token, unescape_token

from .errors import SpecError, SpecProblem

_COMPONENT = "#/components/schemas/"


def _walk(node: Any, pointer: str, found: list[tuple[dict[str, Any], str]]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and not node["$ref"].startswith("#"):
            found.append((node, pointer + "/$ref"))
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                _walk(value, f"{pointer}/{escape_token(str(key))}", found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, f"{pointer}/{index}", found)


def _local_refs(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            found.append(node)
        for value in node.values():
            _local_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _local_refs(value, found)


def bundle_external_refs(
    document: dict[str, Any], source: str, load: Any
) -> tuple[dict[str, Any], list[SpecProblem]]:
    """`document` with every reference to another file's component schema made local.

    `load(path)` reads and parses another file (the loader's bounded reader). The input
    is not changed; a document without such references is returned as it is.
    """
    found: list[tuple[dict[str, Any], str]] = []
    _walk(document, "", found)
    if not found:
        return document, []
    document = copy.deepcopy(document)
    found = []
    _walk(document, "", found)
    base = Path(source).parent
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {}) if isinstance(components, dict) else {}
    problems: list[SpecProblem] = []
    files: dict[Path, Any] = {}
    origin: dict[str, Path] = {}  # key → the file it was brought in from
    # (node holding the $ref, where it was written, the file it is relative to)
    todo = [(node, where, base) for node, where in found]
    while todo:
        node, where, folder = todo.pop()
        ref = node["$ref"]
        file_part, _, fragment = ref.partition("#")
        fragment = "#" + fragment
        if source.startswith(("http://", "https://")) or "://" in file_part:
            problems.append(SpecProblem(source, where, f"unsupported $ref {ref!r} (not a file)"))
            continue
        if not fragment.startswith(_COMPONENT) or "/" in fragment[len(_COMPONENT) :]:
            message = f"unsupported $ref {ref!r}: only component schemas of another file"
            problems.append(SpecProblem(source, where, message))
            continue
        path = (folder / file_part).resolve()
        if path not in files:
            try:
                files[path] = load(str(path))
            except SpecError as exc:  # the loader's own refusal, said at the $ref; a bug raises
                problems.append(SpecProblem(source, where, f"$ref {ref!r}: {exc}"))
                files[path] = None
        other = files[path]
        key = unescape_token(fragment[len(_COMPONENT) :])
        others = (other.get("components") or {}).get("schemas") if isinstance(other, dict) else None
        target = others.get(key) if isinstance(others, dict) else None
        if other is None:
            continue
        if target is None:
            problems.append(SpecProblem(source, where, f"$ref to nothing: {ref!r}"))
            continue
        node["$ref"] = _COMPONENT + escape_token(key)
        if key in schemas:
            if origin.get(key) != path and schemas[key] != target:
                message = f"$ref {ref!r}: the spec already has a different schema {key!r}"
                problems.append(SpecProblem(source, where, message))
            continue
        schemas[key] = copied = copy.deepcopy(target)
        origin[key] = path
        # Inside the other file, '#/…' means that file: make those references explicit.
        local: list[dict[str, Any]] = []
        _local_refs(copied, local)
        for inner in local:
            inner["$ref"] = f"{path.name}{inner['$ref']}"
        nested: list[tuple[dict[str, Any], str]] = []
        _walk(copied, "/components/schemas/" + escape_token(key), nested)
        todo += [(n, w, path.parent) for n, w in nested]
    return document, problems
