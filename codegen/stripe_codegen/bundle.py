"""References to other files: their component schemas are brought into the spec's own.

A `$ref` such as `common.yaml#/components/schemas/Address` (a path relative to the
spec's file), or a discriminator `mapping` value written that way, becomes
`#/components/schemas/Address`, and `Address` joins the spec's
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


#: Where a reference is written: (the object holding it, its key there, its JSON pointer).
#: A `$ref`, or a value of a discriminator's `mapping` (a reference too, or a bare name).
Site = tuple[dict[Any, Any], Any, str]


def _sites(node: dict[str, Any], pointer: str) -> list[Site]:
    """The references written in `node` itself."""
    found: list[Site] = []
    if isinstance(node.get("$ref"), str):
        found.append((node, "$ref", pointer + "/$ref"))
    discriminator = node.get("discriminator")
    mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
    if isinstance(mapping, dict):
        at = pointer + "/discriminator/mapping/"
        found += [
            (mapping, tag, at + escape_token(str(tag)))
            for tag, value in mapping.items()
            if isinstance(value, str) and "#" in value  # a bare name is a local schema
        ]
    return found


def _walk(node: Any, pointer: str, found: list[Site]) -> None:
    """Every reference to another file under `node`."""
    if isinstance(node, dict):
        found += [site for site in _sites(node, pointer) if not site[0][site[1]].startswith("#")]
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                _walk(value, f"{pointer}/{escape_token(str(key))}", found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, f"{pointer}/{index}", found)


def _local_refs(node: Any, found: list[Site]) -> None:
    """Every local (`#/…`) reference under `node`."""
    if isinstance(node, dict):
        found += [site for site in _sites(node, "") if site[0][site[1]].startswith("#")]
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
    found: list[Site] = []
    _walk(document, "", found)
    if not found:
        return document, []
    document = copy.deepcopy(document)
    found = []
    _walk(document, "", found)
    base = Path(source).parent
    main = Path(source).resolve()
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {}) if isinstance(components, dict) else {}
    problems: list[SpecProblem] = []
    files: dict[Path, Any] = {}
    origin: dict[str, Path] = {}  # key → the file it was brought in from
    # (object holding the reference, its key there, where it was written, the file it is
    # relative to)
    todo = [(holder, field, where, base) for holder, field, where in found]
    while todo:
        holder, field, where, folder = todo.pop()
        ref = holder[field]
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
        key = unescape_token(fragment[len(_COMPONENT) :])
        if path == main and key in schemas:  # back into the spec itself: a local reference
            holder[field] = _COMPONENT + escape_token(key)
            continue
        if path not in files:
            try:
                files[path] = load(str(path))
            except SpecError as exc:  # the loader's own refusal, said at the $ref; a bug raises
                problems.append(SpecProblem(source, where, f"$ref {ref!r}: {exc}"))
                files[path] = None
        other = files[path]
        others = (other.get("components") or {}).get("schemas") if isinstance(other, dict) else None
        target = others.get(key) if isinstance(others, dict) else None
        if other is None:
            continue
        if target is None:
            problems.append(SpecProblem(source, where, f"$ref to nothing: {ref!r}"))
            continue
        holder[field] = _COMPONENT + escape_token(key)
        if key in schemas:
            if origin.get(key) != path and schemas[key] != target:
                message = f"$ref {ref!r}: the spec already has a different schema {key!r}"
                problems.append(SpecProblem(source, where, message))
            continue
        schemas[key] = copied = copy.deepcopy(target)
        origin[key] = path
        # Inside the other file, '#/…' means that file: make those references explicit.
        local: list[Site] = []
        _local_refs(copied, local)
        for inner, name, _ in local:
            inner[name] = f"{path.name}{inner[name]}"
        nested: list[Site] = []
        _walk(copied, "/components/schemas/" + escape_token(key), nested)
        todo += [(h, f, w, path.parent) for h, f, w in nested]
    return document, problems
