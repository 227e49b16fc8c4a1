"""Choose the component schemas to generate: the `$ref` closure of roots, or all of them.

Every dangling `$ref` and every schema that is not a mapping is reported,
together, with its JSON pointer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from stripe_schemas.model import escape_token

from .errors import SpecError, SpecProblem
from .keywords import REF_PREFIX
from .loader import LoadedSpec


def schema_pointer(key: str) -> str:
    return "/components/schemas/" + escape_token(key)


def iter_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Yield `(pointer of the $ref, target)` for every `$ref` below `node`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield pointer + "/$ref", ref
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from iter_refs(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_refs(value, f"{pointer}/{index}")


_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object"})
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf")
#: Keywords that change which values a schema accepts and that the models cannot express:
#: a schema using one is refused (one line naming it), never typed `Any` in silence.
UNSUPPORTED_KEYWORDS = (
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "prefixItems",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "$dynamicRef",
)


def type_names(kind: Any) -> tuple[str, ...] | None:
    """The JSON types a `type` keyword names (OpenAPI 3.1 allows a list, with `"null"`);
    None when it is not a type or list of types this generator knows."""
    names = kind if isinstance(kind, list) else [kind]
    known = _TYPES | {"null"}
    if not names or not all(isinstance(n, str) and n in known for n in names):
        return None
    return tuple(names)


def check_shape(schema: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Yield `(pointer, message)` for every keyword whose value has the wrong JSON type.

    Run before the parser sees the schema, so a malformed spec gets one line per problem
    with its pointer instead of the parser's multi-line validation dump.
    """
    if not isinstance(schema, dict):
        yield pointer, f"schema is not an object ({type(schema).__name__})"
        return
    ref = schema.get("$ref")
    if ref is not None and not isinstance(ref, str):
        yield pointer + "/$ref", "$ref is not a string"
    kind = schema.get("type")
    if kind is not None and type_names(kind) is None:
        yield pointer + "/type", f"unknown type {kind!r}"
    for keyword in UNSUPPORTED_KEYWORDS:
        if keyword in schema:
            yield pointer + "/" + keyword, f"unsupported keyword {keyword!r}"
    for keyword, expected in (("required", list), ("enum", list), ("nullable", bool)):
        if keyword in schema and not isinstance(schema[keyword], expected):
            yield (
                pointer + "/" + keyword,
                f"{keyword} is not a{'n array' if expected is list else ' boolean'}",
            )
    if "maxLength" in schema and (type(schema["maxLength"]) is not int):
        yield pointer + "/maxLength", "maxLength is not an integer"
    properties = schema.get("properties")
    if properties is not None:
        if not isinstance(properties, dict):
            yield pointer + "/properties", "properties is not an object"
        else:
            for name, sub in properties.items():
                yield from check_shape(sub, f"{pointer}/properties/{name}")
    for keyword in ("items", "additionalProperties"):
        sub = schema.get(keyword)
        if sub is not None and not (keyword == "additionalProperties" and isinstance(sub, bool)):
            yield from check_shape(sub, f"{pointer}/{keyword}")
    for keyword in _SUBSCHEMA_LISTS:
        branches = schema.get(keyword)
        if branches is None:
            continue
        if not isinstance(branches, list):
            yield pointer + "/" + keyword, f"{keyword} is not an array"
            continue
        for index, branch in enumerate(branches):
            yield from check_shape(branch, f"{pointer}/{keyword}/{index}")


def select_schemas(spec: LoadedSpec, roots: Sequence[str] | None) -> tuple[str, ...]:
    """The sorted component keys to generate; `roots=None` means all of them."""
    schemas = spec.schemas
    problems: list[SpecProblem] = []
    if not schemas:
        raise SpecError(SpecProblem(spec.source, "/components/schemas", "no component schemas"))
    if roots is None:
        todo = list(schemas)
    else:
        todo = []
        for root in roots:
            if root in schemas:
                todo.append(root)
            else:
                problems.append(
                    SpecProblem(spec.source, schema_pointer(root), f"unknown root schema {root!r}")
                )
    seen: set[str] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        schema = schemas[key]
        shape = [
            SpecProblem(spec.source, w, m) for w, m in check_shape(schema, schema_pointer(key))
        ]
        if shape:
            problems += shape
            continue
        for where, target in iter_refs(schema, schema_pointer(key)):
            name = target.removeprefix(REF_PREFIX)
            if not target.startswith(REF_PREFIX) or "/" in name:
                problems.append(SpecProblem(spec.source, where, f"unsupported $ref {target!r}"))
            elif name not in schemas:
                problems.append(SpecProblem(spec.source, where, f"$ref to nothing: {target!r}"))
            elif name not in seen:
                todo.append(name)
    if not problems:
        problems = [SpecProblem(spec.source, w, m) for w, m in alias_cycles(schemas, seen)]
    if problems:
        raise SpecError(sorted(problems, key=lambda p: p.pointer or ""))
    return tuple(sorted(seen))


def _alias_refs(schema: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """`(pointer of the $ref, target key)` for the references that *are* the schema: its own
    `$ref` and those of its `anyOf`/`oneOf`/`allOf` branches, not those under
    `properties`, `items` or `additionalProperties` (which give it a shape)."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(REF_PREFIX):
        yield pointer + "/$ref", ref.removeprefix(REF_PREFIX)
    for keyword in _SUBSCHEMA_LISTS:
        for index, branch in enumerate(schema.get(keyword) or ()):
            yield from _alias_refs(branch, f"{pointer}/{keyword}/{index}")


def alias_cycles(schemas: dict[str, Any], keys: set[str]) -> Iterator[tuple[str, str]]:
    """`(pointer, message)` for each cycle of schemas that are only references to each other
    (`a → b → a`): no schema on it ever says what the value looks like."""
    edges = {key: list(_alias_refs(schemas[key], schema_pointer(key))) for key in sorted(keys)}
    done: set[str] = set()
    for start in edges:
        if start in done:
            continue
        path: list[str] = []
        where: list[str] = []
        on_path: dict[str, int] = {}
        stack = [(start, iter(edges[start]))]
        on_path[start] = 0
        path.append(start)
        while stack:
            key, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                done.add(key)
                del on_path[path.pop()]
                if where:
                    where.pop()
                continue
            ref_pointer, target = step
            if target in on_path:
                cycle = [*path[on_path[target] :], target]
                first = [*where, ref_pointer][on_path[target]]
                yield (
                    first,
                    "$ref cycle " + " → ".join(cycle) + ": the schemas only refer to each other",
                )
            elif target in edges and target not in done:
                on_path[target] = len(path)
                path.append(target)
                where.append(ref_pointer)
                stack.append((target, iter(edges[target])))
