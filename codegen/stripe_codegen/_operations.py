"""Operations and their request parameters, read from a spec's `paths`, and their diff.

The intermediate model has no operations yet. Until the generator models request
parameters, this module reads what `diff` needs straight from each operation: its
query parameters and its form body's properties, nested ones named as Stripe's form
encoding names them (`options[document][allowed_types]`), each with `required`, the
JSON types it accepts and its enum values; then compares two such readings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs

from stripe_schemas.model import join_pointer, pointer, split_pointer

from .ir import EnumValue
from .slicing import HTTP_METHODS

#: How changes are reported: `add(pointer, kind, message, level=None)`.
Add = Callable[..., None]


# --- reading ---------------------------------------------------------------------------------

#: A parameter's accepted values: JSON type → the enum values allowed (`None`: any value
#: of that type); `"array"` maps to what its items accept. `"any"` accepts everything.
Accepts = Mapping[str, Any]

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}
_MAX_PARAM_DEPTH = 16


@attrs.frozen
class Param:
    """One request parameter (nested ones too) of an operation."""

    location: Literal["query", "body"]
    #: As sent: `created[gt]`, `options[document][allowed_types]`, `items[][price]`.
    name: str
    pointer: str
    required: bool
    accepts: Accepts = attrs.field(eq=False)

    @property
    def title(self) -> str:
        return f"`{self.name}`" + (" (query)" if self.location == "query" else "")


@attrs.frozen
class Operation:
    """An operation with its parameters, keyed by (location, name)."""

    path: str
    method: str
    operation_id: str | None
    pointer: str
    params: Mapping[tuple[str, str], Param] = attrs.field(eq=False)

    @property
    def label(self) -> str:
        named = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method.upper()} {self.path}{named}"


OperationKey = tuple[str, str]
_PATH_PARAMETER = re.compile(r"\{[^}/]*\}")


def operation_key(path: str, method: str) -> OperationKey:
    """What identifies an operation across specs: its method and its path template, with
    path parameters unnamed (renaming `{id}` to `{intent}` changes no request)."""
    return _PATH_PARAMETER.sub("{}", path), method


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(path, str) and isinstance(item, dict):
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    yield path, method, item[method]


def covered_keys(
    document: Mapping[str, Any], covers: Callable[[str, Any], bool] | None
) -> set[OperationKey]:
    """The operations `covers(path, operation)` accepts (all of them when None)."""
    return {
        operation_key(path, method)
        for path, method, operation in _operations(document)
        if covers is None or covers(path, operation)
    }


def read_operations(
    document: Mapping[str, Any], keys: Collection[OperationKey] | None = None
) -> dict[OperationKey, Operation]:
    """The operations with these keys (every one when None) and their parameters."""
    found: dict[OperationKey, Operation] = {}
    paths: Mapping[str, Any] = document.get("paths") or {}
    for path, method, operation in _operations(document):
        key = operation_key(path, method)
        if keys is not None and key not in keys:
            continue
        reader = _ParamReader(document)
        base = pointer(["paths", path])
        shared = paths[path].get("parameters")
        for index, raw in enumerate(shared if isinstance(shared, list) else []):
            reader.query(raw, f"{base}/parameters/{index}")
        own = operation.get("parameters")
        for index, raw in enumerate(own if isinstance(own, list) else []):
            reader.query(raw, f"{base}/{method}/parameters/{index}")
        reader.body(operation.get("requestBody"), f"{base}/{method}/requestBody")
        op_id = operation.get("operationId")
        found[key] = Operation(
            path=path,
            method=method,
            operation_id=op_id if isinstance(op_id, str) else None,
            pointer=f"{base}/{method}",
            params=reader.params,
        )
    return found


class _ParamReader:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.params: dict[tuple[str, str], Param] = {}

    def resolve(self, node: Any, ptr: str, seen: frozenset[str]) -> tuple[Any, str, frozenset[str]]:
        """Follow local `$ref`s to the schema and its pointer (a cycle or a dangling or
        non-local reference ends as an empty schema)."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return {}, ptr, seen
            seen = seen | {ref}
            ptr = ref[1:]
            target: Any = self.document
            for token in split_pointer(ptr):
                target = target.get(token) if isinstance(target, dict) else None
            node = target
        return node, ptr, seen

    def query(self, raw: Any, ptr: str) -> None:
        param, ptr, seen = self.resolve(raw, ptr, frozenset())
        if not isinstance(param, dict) or param.get("in") != "query":
            return
        name = param.get("name")
        if isinstance(name, str):
            required = param.get("required") is True
            self.add("query", name, param.get("schema"), ptr, ptr + "/schema", required, seen, 0)

    def body(self, raw: Any, ptr: str) -> None:
        body, ptr, seen = self.resolve(raw, ptr, frozenset())
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return
        media = "application/x-www-form-urlencoded"
        if media not in content:
            media = next(iter(content))
        entry = content[media]
        schema = entry.get("schema") if isinstance(entry, dict) else None
        schema_ptr = pointer([*split_pointer(ptr), "content", media, "schema"])
        self.properties("body", "", schema, schema_ptr, seen, 0)

    def properties(
        self,
        location: Literal["query", "body"],
        prefix: str,
        schema: Any,
        ptr: str,
        seen: frozenset[str],
        depth: int,
    ) -> None:
        """The properties of an object schema (and of its object branches) as parameters."""
        for branch_ptr, branch, branch_seen in self.object_branches(schema, ptr, seen):
            listed = branch.get("required")
            required: list[Any] = listed if isinstance(listed, list) else []
            for prop, sub in branch["properties"].items():
                name = f"{prefix}[{prop}]" if prefix else str(prop)
                sub_ptr = join_pointer(join_pointer(branch_ptr, "properties"), prop)
                self.add(
                    location, name, sub, sub_ptr, sub_ptr, prop in required, branch_seen, depth
                )

    def object_branches(
        self, schema: Any, ptr: str, seen: frozenset[str]
    ) -> Iterator[tuple[str, dict[str, Any], frozenset[str]]]:
        schema, ptr, seen = self.resolve(schema, ptr, seen)
        if not isinstance(schema, dict):
            return
        if isinstance(schema.get("properties"), dict):
            yield ptr, schema, seen
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = schema.get(keyword)
            for index, branch in enumerate(branches if isinstance(branches, list) else []):
                yield from self.object_branches(branch, f"{ptr}/{keyword}/{index}", seen)

    def add(
        self,
        location: Literal["query", "body"],
        name: str,
        schema: Any,
        ptr: str,
        schema_ptr: str,
        required: bool,
        seen: frozenset[str],
        depth: int,
    ) -> None:
        """One parameter (at `ptr`), then the ones nested in its schema (at `schema_ptr`)."""
        if (location, name) in self.params or depth > _MAX_PARAM_DEPTH:
            return
        accepts = _accepts(self, schema, schema_ptr, seen)
        self.params[(location, name)] = Param(location, name, ptr, required, accepts)
        self.properties(location, name, schema, schema_ptr, seen, depth + 1)
        resolved, resolved_ptr, item_seen = self.resolve(schema, schema_ptr, seen)
        items = resolved.get("items") if isinstance(resolved, dict) else None
        if items is not None:
            items_ptr = resolved_ptr + "/items"
            self.properties(location, name + "[]", items, items_ptr, item_seen, depth + 1)


def _accepts(reader: _ParamReader, schema: Any, ptr: str, seen: frozenset[str]) -> dict[str, Any]:
    schema, ptr, seen = reader.resolve(schema, ptr, seen)
    if not isinstance(schema, dict):
        return {"any": None}
    found: dict[str, Any] = {}
    branches = [b for k in ("anyOf", "oneOf", "allOf") for b in schema.get(k) or ()]
    for branch in branches:
        _merge(found, _accepts(reader, branch, ptr, seen))
    if isinstance(schema.get("enum"), list):
        for value in schema["enum"]:
            kind = _JSON_TYPES.get(type(value), "any")
            _merge(found, {kind: frozenset([value])})
    elif isinstance(schema.get("type"), str):
        kind = schema["type"]
        if kind == "array":
            _merge(found, {"array": _accepts(reader, schema.get("items"), ptr, seen)})
        else:
            _merge(found, {kind: None})
    elif not branches:
        found["any"] = None
    if schema.get("nullable") is True:
        _merge(found, {"null": None})
    return found


def _merge(into: dict[str, Any], more: Mapping[str, Any]) -> None:
    for kind, detail in more.items():
        if kind not in into:
            into[kind] = detail
        elif kind == "array":
            merged = dict(into[kind])
            _merge(merged, detail)
            into[kind] = merged
        elif into[kind] is None or detail is None:
            into[kind] = None
        else:
            into[kind] = into[kind] | detail


# --- comparing --------------------------------------------------------------------------------


def quote(values: Iterable[EnumValue]) -> str:
    """Values as JSON literals, sorted, at most eight shown."""
    shown = [json.dumps(v) for v in sorted(values, key=lambda v: (type(v).__name__, str(v)))]
    if len(shown) > 8:
        return ", ".join(shown[:8]) + f", … ({len(shown)} values)"
    return ", ".join(shown)


def compare_operations(
    before: Mapping[OperationKey, Operation],
    after: Mapping[OperationKey, Operation],
    add: Add,
) -> None:
    """Report operations added and removed, and the parameter changes of the others."""
    for key, operation in before.items():
        if key not in after:
            message = f"{operation.label} was removed: calls to it fail"
            add(operation.pointer, "operation_removed", message)
    for key, operation in after.items():
        if key not in before:
            add(operation.pointer, "operation_added", f"{operation.label} is new")
        else:
            _compare_parameters(before[key], operation, add)


def _compare_parameters(old: Operation, new: Operation, add: Add) -> None:
    label = new.label
    removed = [p for k, p in old.params.items() if k not in new.params]
    added = [p for k, p in new.params.items() if k not in old.params]
    removed_names = {(p.location, p.name) for p in removed}
    added_names = {(p.location, p.name) for p in added}
    for param in removed:
        if _parent(param) not in removed_names:
            message = f"{label}: parameter {param.title} was removed: requests sending it fail"
            add(param.pointer, "parameter_removed", message)
    for param in added:
        if _parent(param) in added_names:
            continue
        if param.required:
            message = f"{label}: new required parameter {param.title}: requests without it fail"
            add(param.pointer, "parameter_added", message, "breaking")
        else:
            add(param.pointer, "parameter_added", f"{label}: new parameter {param.title}")
    for key, param in new.params.items():
        if key in old.params:
            _compare_parameter(old.params[key], param, label, add)


def _compare_parameter(old: Param, new: Param, label: str, add: Add) -> None:
    ptr, name = new.pointer, f"{label}: parameter {new.title}"
    if new.required and not old.required:
        message = f"{name} is now required: requests without it fail"
        add(ptr, "parameter_made_required", message)
    elif old.required and not new.required:
        add(ptr, "parameter_made_optional", f"{name} is now optional")
    delta = _Delta()
    delta.compare(old.accepts, new.accepts, "")
    if delta.lost:
        message = f"{name} no longer takes {', '.join(delta.lost)}: requests sending it fail"
        if delta.gained:
            message += f" (it now takes {', '.join(delta.gained)})"
        add(ptr, "parameter_type_changed", message, "breaking")
    elif delta.gained:
        message = f"{name} now also takes {', '.join(delta.gained)}"
        add(ptr, "parameter_type_changed", message, "compatible")
    if delta.enum_removed:
        message = f"{name} no longer takes {quote(delta.enum_removed)}: requests sending it fail"
        add(ptr, "parameter_enum_values_removed", message)
    if delta.enum_added:
        add(
            ptr,
            "parameter_enum_values_added",
            f"{name} takes new values {quote(delta.enum_added)}",
        )


def _parent(param: Param) -> tuple[str, str]:
    """The parameter this one is nested in (`options[document]` for
    `options[document][allowed_types]`, `items` for `items[][price]`); `""` at the top."""
    name = param.name
    if not name.endswith("]"):
        return param.location, ""
    return param.location, name[: name.rindex("[")].removesuffix("[]")


class _Delta:
    """How what a parameter accepts changed: types lost and gained, enum values removed/added."""

    def __init__(self) -> None:
        self.lost: list[str] = []
        self.gained: list[str] = []
        self.enum_removed: list[EnumValue] = []
        self.enum_added: list[EnumValue] = []

    @staticmethod
    def covered(kind: str, accepts: Accepts) -> bool:
        return kind in accepts or "any" in accepts or (kind == "integer" and "number" in accepts)

    def compare(self, old: Accepts, new: Accepts, within: str) -> None:
        for kind, detail in old.items():
            if kind in new and kind != "any":
                self.compare_kind(kind, detail, new[kind], within)
            elif not self.covered(kind, new):
                self.lost.append(_kind_words(kind, detail, within))
        for kind, detail in new.items():
            if kind not in old and not self.covered(kind, old):
                self.gained.append(_kind_words(kind, detail, within))

    def compare_kind(self, kind: str, old: Any, new: Any, within: str) -> None:
        if kind == "array":
            self.compare(old, new, within + "lists of ")
        elif kind == "object":
            return
        elif old is None and new is not None:
            self.lost.append(f"{within}any {kind} outside {quote(new)}")
        elif old is not None and new is None:
            self.gained.append(f"{within}any {kind}")
        elif old is not None and new is not None:
            self.enum_removed += sorted(old - new, key=str)
            self.enum_added += sorted(new - old, key=str)


def _kind_words(kind: str, detail: Any, within: str) -> str:
    """`a string`, `lists of integers`, `the string ""`, `any value`."""
    if kind == "any":
        return within + "any value"
    if isinstance(detail, frozenset):
        return f"{within}the {kind} {quote(detail)}"
    return within + (f"{kind}s" if within else f"a{'n' if kind[0] in 'aeiou' else ''} {kind}")
