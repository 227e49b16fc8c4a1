"""Cut a self-contained slice out of a full OpenAPI document.

A slice holds the closure of some component schemas (the *roots*) over `$ref`,
the operations that serve them, and whatever those operations reference. By
default every prose `description`/`summary` string is removed, so the slice
can be bundled without carrying upstream documentation text: what remains is
structure only (types, required, nullable, enums, formats, `x-` extensions …).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import yaml

from stripe_schemas.model import escape_token, unescape_token

from .errors import SpecError, SpecProblem

__all__ = ["dump_yaml", "slice_spec", "strip_prose_keys"]

SCHEMA_REF_PREFIX = "#/components/schemas/"
COMPONENTS_REF_PREFIX = "#/components/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PROSE_KEYS = frozenset({"description", "summary"})
# Keys whose value is a mapping from *names* (property names, media types, status
# codes …) to objects: a property may be called "description", so the keys of these
# mappings are never treated as keywords.
NAME_MAP_KEYS = frozenset(
    {
        "properties",
        "patternProperties",
        "encoding",
        "headers",
        "content",
        "responses",
        "schemas",
        "securitySchemes",
        "paths",
        "examples",
        "links",
        "callbacks",
        "mapping",
    }
)
# Keys whose value is data (an instance, not schema): copied as they are.
DATA_KEYS = frozenset({"enum", "example", "default", "const", "value"})
SLICE_TITLE = "Stripe API ({label} slice)"
SLICED_FROM_KEY = "x-sliced-from"


def slice_spec(
    document: dict[str, Any],
    roots: list[str],
    *,
    path_prefixes: list[str] | None = None,
    strip_prose: bool = True,
    source: str = "<document>",
    upstream_sha256: str | None = None,
) -> dict[str, Any]:
    """Return the slice of `document` for `roots` (component schema keys).

    Operations: with `path_prefixes`, every operation of every path starting with
    one of them; without, every operation whose 200 response returns a root (directly,
    in an `anyOf`/`oneOf`, or as `data.items` of a list wrapper). `source` and
    `upstream_sha256` only label errors and the `x-sliced-from` record.
    """
    roots = list(dict.fromkeys(roots))
    schemas = _schemas(document, source)
    _check_roots(roots, schemas, source)
    paths = _select_paths(document, roots, path_prefixes, source)
    seeds = [(f"/components/schemas/{escape_token(r)}", schemas[r]) for r in roots]
    seeds.append(("/paths", paths))
    components = _components_closure(document, seeds, source)
    if "securitySchemes" in (document.get("components") or {}):
        components["securitySchemes"] = copy.deepcopy(document["components"]["securitySchemes"])
    out: dict[str, Any] = {
        "openapi": document.get("openapi", "3.0.0"),
        "info": _info(document, roots, path_prefixes, upstream_sha256),
        "paths": copy.deepcopy(paths),
        "components": components,
    }
    if "security" in document:
        out["security"] = copy.deepcopy(document["security"])
    return strip_prose_keys(out) if strip_prose else out


def _schemas(document: Mapping[str, Any], source: str) -> dict[str, Any]:
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        raise SpecError(SpecProblem(source, "/components/schemas", "no component schemas"))
    return schemas


def _check_roots(roots: list[str], schemas: Mapping[str, Any], source: str) -> None:
    if not roots:
        raise SpecError(SpecProblem(source, "/components/schemas", "no root schema given"))
    for root in roots:
        if root not in schemas:
            pointer = f"/components/schemas/{escape_token(root)}"
            raise SpecError(SpecProblem(source, pointer, f"unknown root schema {root!r}"))


# --- operations -------------------------------------------------------------------------


def _select_paths(
    document: Mapping[str, Any],
    roots: list[str],
    path_prefixes: list[str] | None,
    source: str,
) -> dict[str, Any]:
    """The kept path items, each with only its kept operations (in upstream order)."""
    all_paths = document.get("paths") or {}
    root_refs = {SCHEMA_REF_PREFIX + root for root in roots}
    selected: dict[str, Any] = {}
    for path, item in all_paths.items():
        if not isinstance(item, dict):
            continue
        if path_prefixes is not None:
            keep = any(path.startswith(prefix) for prefix in path_prefixes)
            methods = [m for m in HTTP_METHODS if m in item] if keep else []
        else:
            methods = [m for m in HTTP_METHODS if _returns_root(item.get(m), root_refs)]
        if methods:
            selected[path] = _slice_path_item(item, methods)
    for prefix in path_prefixes or []:
        if not any(path.startswith(prefix) for path in selected):
            raise SpecError(SpecProblem(source, "/paths", f"no path starts with {prefix!r}"))
    return selected


def _slice_path_item(item: Mapping[str, Any], methods: list[str]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in item.items():
        if key in HTTP_METHODS:
            if key in methods:
                kept[key] = _slice_operation(value)
        else:  # path-level parameters, servers, x- extensions
            kept[key] = value
    return kept


def _slice_operation(operation: Mapping[str, Any]) -> dict[str, Any]:
    kept = {key: value for key, value in operation.items() if key != "responses"}
    responses = operation.get("responses")
    if isinstance(responses, dict):
        # The `default` response of every Stripe operation is `$ref: #/components/schemas/error`,
        # and the closure of `error` is practically the whole API (it embeds the failed
        # PaymentIntent, SetupIntent, source …: 500+ schemas). Keeping it would defeat the slice.
        kept["responses"] = {code: r for code, r in responses.items() if code != "default"}
    return kept


def _returns_root(operation: Any, root_refs: set[str]) -> bool:
    """Whether an operation's 200 response is a root, or a list wrapper of one."""
    if not isinstance(operation, dict):
        return False
    response = (operation.get("responses") or {}).get("200")
    content = response.get("content") if isinstance(response, dict) else None
    for media in (content or {}).values():
        schema = media.get("schema") if isinstance(media, dict) else None
        if not isinstance(schema, dict):
            continue
        data = (schema.get("properties") or {}).get("data")
        items = data.get("items") if isinstance(data, dict) else None
        if (_direct_refs(schema) | _direct_refs(items)) & root_refs:
            return True
    return False


def _direct_refs(schema: Any) -> set[str]:
    """The `$ref` of a schema and of the members of its anyOf/oneOf/allOf."""
    if not isinstance(schema, dict):
        return set()
    members = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        members.extend(m for m in schema.get(key) or [] if isinstance(m, dict))
    return {m["$ref"] for m in members if isinstance(m.get("$ref"), str)}


# --- closure over $ref ------------------------------------------------------------------


def _components_closure(
    document: Mapping[str, Any], seeds: list[tuple[str, Any]], source: str
) -> dict[str, Any]:
    """Every component reachable from the seeds, as `{section: {name: object}}`, sorted."""
    found: dict[tuple[str, str], Any] = {}
    for pointer, node in seeds:  # a root is kept even when no kept operation refers to it
        tokens = [unescape_token(t) for t in pointer.split("/")[1:]]
        if len(tokens) == 3 and tokens[0] == "components":
            found[(tokens[1], tokens[2])] = node
    todo = list(seeds)
    while todo:
        pointer, node = todo.pop()
        for ref, ref_pointer in _iter_refs(node, pointer):
            key = _component_key(document, ref, ref_pointer, source)
            if key not in found:
                found[key] = document["components"][key[0]][key[1]]
                todo.append((f"/components/{key[0]}/{escape_token(key[1])}", found[key]))
    sections: dict[str, Any] = {}
    for section in sorted({section for section, _ in found}, key=lambda s: (s != "schemas", s)):
        names = sorted(name for s, name in found if s == section)
        sections[section] = {name: copy.deepcopy(found[(section, name)]) for name in names}
    sections.setdefault("schemas", {})
    return sections


def _iter_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Yield `(ref, pointer of the $ref)` for every `$ref` string below `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{pointer}/{escape_token(str(key))}"
            if key == "$ref" and isinstance(value, str):
                yield value, child
            else:
                yield from _iter_refs(value, child)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _iter_refs(value, f"{pointer}/{index}")


def _component_key(
    document: Mapping[str, Any], ref: str, ref_pointer: str, source: str
) -> tuple[str, str]:
    """The (section, name) a local `$ref` lands in; SpecError if it points to nothing."""
    if not ref.startswith(COMPONENTS_REF_PREFIX):
        message = f"unsupported $ref {ref!r} (only '#/components/...' references are sliced)"
        raise SpecError(SpecProblem(source, ref_pointer, message))
    tokens = [unescape_token(t) for t in ref[len("#/") :].split("/")]
    if len(tokens) < 3 or not _resolves(document, tokens):
        raise SpecError(SpecProblem(source, ref_pointer, f"$ref {ref!r} points to nothing"))
    return tokens[1], tokens[2]


def _resolves(document: Mapping[str, Any], tokens: Iterable[str]) -> bool:
    node: Any = document
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


# --- info and prose ---------------------------------------------------------------------


def _info(
    document: Mapping[str, Any],
    roots: list[str],
    path_prefixes: list[str] | None,
    upstream_sha256: str | None,
) -> dict[str, Any]:
    found = document.get("info")
    upstream: dict[str, Any] = found if isinstance(found, dict) else {}
    namespaces = dict.fromkeys(root.split(".")[0].replace("_", " ").title() for root in roots)
    info: dict[str, Any] = {
        "title": SLICE_TITLE.format(label=", ".join(namespaces)),
        "version": str(upstream.get("version", "unknown")),
    }
    if "x-stripeSpecFilename" in upstream:
        info["x-stripeSpecFilename"] = upstream["x-stripeSpecFilename"]
    info[SLICED_FROM_KEY] = {
        "roots": list(roots),
        "path_prefixes": list(path_prefixes) if path_prefixes is not None else None,
        "upstream_sha256": upstream_sha256,
    }
    return info


def strip_prose_keys(node: Any, *, names: bool = False) -> Any:
    """A copy of `node` without prose: `description`/`summary` keys with string values.

    `names` says the mapping's keys are names (property names …), not keywords, so a
    property called `description` is kept. `x-` extensions and instance data
    (`enum`, `example`, `default` …) are copied verbatim.
    """
    if isinstance(node, list):
        return [strip_prose_keys(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if names:
            out[key] = strip_prose_keys(value)
        elif key in PROSE_KEYS and isinstance(value, str):
            continue
        elif (isinstance(key, str) and key.startswith("x-")) or key in DATA_KEYS:
            out[key] = copy.deepcopy(value)
        else:
            out[key] = strip_prose_keys(value, names=key in NAME_MAP_KEYS)
    return out


# --- YAML output ------------------------------------------------------------------------


def _never_alias(self: Any, data: Any) -> bool:
    return True


# A safe dumper that writes repeated objects out in full (no &anchors / *aliases).
_NoAliasDumper = type("_NoAliasDumper", (yaml.SafeDumper,), {"ignore_aliases": _never_alias})


def dump_yaml(document: Mapping[str, Any]) -> str:
    """Stable YAML text for a slice, with a header naming the command and the upstream digest."""
    info = document.get("info")
    sliced_from = info.get(SLICED_FROM_KEY) if isinstance(info, dict) else None
    sha = sliced_from.get("upstream_sha256") if isinstance(sliced_from, dict) else None
    header = (
        "# Sliced by `stripe-schemas spec slice` from an upstream spec with "
        f"sha256 {sha or 'unknown'}; do not edit by hand.\n"
    )
    body: str = yaml.dump(
        dict(document),
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
    )
    return header + body
