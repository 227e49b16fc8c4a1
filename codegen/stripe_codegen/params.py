"""Request parameters: a spec's `paths` → [`ParamSet`][stripe_codegen.ir.ParamSet].

Each selected operation gets one class holding all of its parameters: the
query parameters (`GET`, `DELETE`) and the fields of its form-encoded
request body (`POST`). Path parameters are left out: they are the
arguments of a call (`retrieve(id)`), not fields. The class uses the same
intermediate model as the response models (fields with three states, enums as
`Literal` aliases, nested objects as classes named after their owner and
path) plus one node of its own: Stripe's `enum: [""]`, the empty value that
unsets a stored field (`options[document]=""`), is an `EmptyString`.

The parameters of an operation also become one JSON Schema (with every query
parameter and body field as a property, unknown ones refused), written beside
the classes; the runtime checks parameters against it before anything is sent.
One fact the spec only states in prose is added there: a list operation's
`limit` is between 1 and 100 (`PAGE_LIMIT`).

Names come only from the operation's own path and method (and whether the
`GET` on the same path answers a list), never from other operations:

========================================  ======  =====================================
path                                      method  class
========================================  ======  =====================================
`/v1/identity/verification_sessions`    GET     `VerificationSessionListParams`
`/v1/identity/verification_sessions`    POST    `VerificationSessionCreateParams`
`…/verification_sessions/{session}`     GET     `VerificationSessionRetrieveParams`
`…/verification_sessions/{session}`     POST    `VerificationSessionUpdateParams`
`…/{session}/cancel`                    POST    `VerificationSessionCancelParams`
`/v1/customers/search`                  GET     `CustomerSearchParams`
`/v1/tax/settings`                      POST    `SettingsUpdateParams` (module `tax`)
========================================  ======  =====================================

The module is the path's namespace (`identity`, `issuing`, …) or `core`.
The words are the path's literal segments after the version and namespace;
a segment followed by another one (`verification_sessions/{session}`) or
ending a list or create is a collection, and is made singular. If two
operations would still get one name (on the pinned spec: `/v1/account` and
`/v1/accounts/{account}`), each of them is named after its `operationId`
instead (`GetAccountParams`, `GetAccountsAccountParams`): never numbered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from stripe_schemas.model import escape_token
from stripe_schemas.model import pointer as json_pointer

from . import naming
from .access import read_only, request_schema
from .errors import SpecError, SpecProblem
from .ir import (
    ClassDef,
    EmptyString,
    EnumDef,
    EnumRef,
    EnumValue,
    FieldDef,
    ListOf,
    MapOf,
    ModelRef,
    OperationDef,
    ParamSet,
    Primitive,
    TypeExpr,
    UnionOf,
)
from .keywords import REF_PREFIX
from .loader import LoadedSpec
from .model_checks import name_clashes
from .schema_reading import string_max_length
from .select import iter_refs

#: Stripe's page size bounds for list and search operations (stated in the API reference's
#: prose, not in the spec's schema): added to the `limit` parameter's JSON Schema.
PAGE_LIMIT = (1, 100)
#: Operation keys under a path item (OpenAPI 3).
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: Request body media types whose schema holds the parameters.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: `object` tags of the responses that are paged with `limit`.
_PAGED_OBJECTS = (["list"], ["search_result"])

_PRIMITIVES: dict[str, Primitive] = {
    "string": Primitive("str"),
    "integer": Primitive("int"),
    "number": Primitive("float"),
    "boolean": Primitive("bool"),
}
_VERSION = re.compile(r"v\d+")
_ITEM_VERBS = {"get": "Retrieve", "post": "Update", "delete": "Delete"}


def singular(word: str) -> str:
    """`verification_sessions` → `verification_session` (English plural endings only)."""
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _response_schema(operation: Mapping[str, Any]) -> Any:
    responses = operation.get("responses")
    if not isinstance(responses, Mapping):
        return None
    for status in ("200", "201", "202"):
        response = responses.get(status)
        if isinstance(response, Mapping):
            content = response.get("content")
            if isinstance(content, Mapping) and isinstance(
                content.get("application/json"), Mapping
            ):
                return content["application/json"].get("schema")
    return None


def _object_tag(operation: Any) -> Any:
    schema = _response_schema(operation) if isinstance(operation, Mapping) else None
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties")
    tag = properties.get("object") if isinstance(properties, Mapping) else None
    return tag.get("enum") if isinstance(tag, Mapping) else None


def is_list(operation: Any) -> bool:
    """Whether an operation answers a list object (`object: list`)."""
    return bool(_object_tag(operation) == ["list"])


def is_paged(operation: Any) -> bool:
    """Whether an operation answers a page (a list or search result, sized by `limit`)."""
    return _object_tag(operation) in _PAGED_OBJECTS


def namespaces(spec: LoadedSpec) -> frozenset[str]:
    """The resource namespaces of a spec (`identity`, `issuing`, …), from `x-resourceId`."""
    found = set()
    for schema in spec.schemas.values():
        rid = schema.get("x-resourceId") if isinstance(schema, Mapping) else None
        if isinstance(rid, str):
            module, _ = naming.split_resource(rid)
            if module != naming.CORE_MODULE:
                found.add(module)
    return frozenset(found)


def operation_name(
    path: str, method: str, path_item: Mapping[str, Any], spaces: frozenset[str]
) -> tuple[str, str] | None:
    """(module, class name) of an operation, or `None` when its path has no literal word."""
    segments = [s for s in path.split("/") if s]
    if segments and _VERSION.fullmatch(segments[0]):
        segments = segments[1:]
    module = naming.CORE_MODULE
    if len(segments) > 1 and segments[0] in spaces:
        module, segments = segments[0], segments[1:]
    if not segments:
        return None
    param = [s.startswith("{") and s.endswith("}") for s in segments]
    last = len(segments) - 1
    operation = path_item.get(method)
    sibling = path_item.get("get")
    if param[last]:
        verb = _ITEM_VERBS.get(method, naming.pascal(method))
        action = False
    elif method == "get" and is_list(operation):
        verb, action = "List", False
    elif method == "get":
        action = last > 0 and not param[last - 1]  # /customers/search, /invoices/upcoming
        verb = naming.pascal(segments[last]) if action else "Retrieve"
    elif method == "post" and (is_list(sibling) or (last == 0 and sibling is None)):
        verb, action = "Create", False
    elif method == "post" and sibling is not None:
        verb, action = "Update", False  # a single object under its own path (/tax/settings)
    elif method == "post":
        verb, action = naming.pascal(segments[last]), True  # /…/{session}/cancel
    else:
        verb, action = _ITEM_VERBS.get(method, naming.pascal(method)), False
    words = []
    for index, segment in enumerate(segments):
        if param[index] or (action and index == last):
            continue
        collection = index < last or verb in ("List", "Create")
        words.append(singular(segment) if collection else segment)
    if not words and not action:
        return None
    return module, "".join(naming.pascal(w) for w in words) + verb + "Params"


def _operation_id_name(operation: Mapping[str, Any], path: str, method: str) -> str:
    ident = operation.get("operationId")
    base = ident if isinstance(ident, str) and ident else method + " " + path
    return naming.pascal(re.sub(r"[^0-9A-Za-z]+", "_", base)) + "Params"


# -- which operations ----------------------------------------------------------------------


def _response_keys(operation: Mapping[str, Any]) -> set[str]:
    schema = _response_schema(operation)
    return {target.removeprefix(REF_PREFIX) for _, target in iter_refs(schema, "")}


def select_operations(
    spec: LoadedSpec, keys: Iterable[str] | None
) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(path, method, operation) in spec order: all of them, or those answering `keys`.

    With schema keys (the generated closure), an operation is selected when its
    success response refers to at least one schema and only to schemas of the closure.
    """
    paths = spec.document.get("paths")
    if not isinstance(paths, Mapping):
        return []
    wanted = None if keys is None else set(keys)
    found = []
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            if wanted is not None:
                refs = _response_keys(operation)
                if not refs or not refs <= wanted:
                    continue
            found.append((str(path), method, operation))
    return found


# -- the parameters of one operation -------------------------------------------------------


def _pointer(*tokens: str) -> str:
    return json_pointer(tokens)


class _Builder:
    """Walks the parameter schemas of the selected operations into classes and enums."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.classes: dict[str, ClassDef] = {}
        self.enums: dict[str, EnumDef] = {}
        #: pointer of a nested class → (operation class, its form key: `options[document]`).
        self.labels: dict[str, tuple[str, str]] = {}
        self.problems: list[SpecProblem] = []

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(SpecProblem(self.spec.source, pointer, message))

    # -- one operation ---------------------------------------------------------------------

    def parameters(
        self, path: str, method: str, operation: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str], tuple[str, ...]]:
        """The combined object schema, the pointer of each property, the path parameters."""
        base = _pointer("paths", path, method)
        properties: dict[str, Any] = {}
        where: dict[str, str] = {}
        required: list[str] = []
        path_params: list[str] = []
        for index, parameter in enumerate(operation.get("parameters") or ()):
            at = f"{base}/parameters/{index}"
            if not isinstance(parameter, Mapping) or "$ref" in parameter:
                self.problem(at, "unsupported parameter (not an inline parameter object)")
                continue
            name, location = parameter.get("name"), parameter.get("in")
            if not isinstance(name, str):
                self.problem(at, "parameter without a name")
                continue
            if location == "path":
                path_params.append(name)
            elif location == "query":
                properties[name] = parameter.get("schema", {})
                where[name] = at + "/schema"
                if parameter.get("required") is True:
                    required.append(name)
        body = operation.get("requestBody")
        content = body.get("content") if isinstance(body, Mapping) else None
        for media in FORM_TYPES:
            entry = content.get(media) if isinstance(content, Mapping) else None
            schema = entry.get("schema") if isinstance(entry, Mapping) else None
            if not isinstance(schema, Mapping):
                continue
            at = f"{base}/requestBody/content/{escape_token(media)}/schema"
            for name, sub in (schema.get("properties") or {}).items():
                if read_only(sub):  # a request leaves it out (`access`)
                    continue
                sub = request_schema(sub)
                if name in properties:
                    self.problem(f"{at}/properties/{escape_token(name)}", "also a query parameter")
                    continue
                properties[name] = sub
                where[name] = f"{at}/properties/{escape_token(name)}"
            body_props = schema.get("properties") or {}
            required += [
                r
                for r in schema.get("required") or ()
                if isinstance(r, str) and not read_only(body_props.get(r))
            ]
            break
        combined: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            combined["required"] = sorted(set(required), key=list(properties).index)
        return combined, where, tuple(path_params)

    def operation_class(
        self, op: OperationDef, combined: dict[str, Any], where: Mapping[str, str]
    ) -> ClassDef:
        required = set(combined.get("required", ()))
        fields = tuple(
            self.field(wire, wire in required, prop, where[wire], op.name, op.module, [wire], wire)
            for wire, prop in combined["properties"].items()
        )
        cls = ClassDef(
            pointer=_pointer("paths", op.path, op.method),
            schema_key=op.operation_id,
            name=op.name,
            module=op.module,
            resource_id=None,
            fields=fields,
        )
        self.classes[cls.pointer] = cls
        return cls

    # -- fields and types ------------------------------------------------------------------

    def field(
        self,
        wire: str,
        required: bool,
        prop: Any,
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
        label: str,
    ) -> FieldDef:
        prop = prop if isinstance(prop, Mapping) else {}
        type_ = self.type_of(prop, pointer, owner, module, path, label)
        enum_schema = prop if "enum" in prop else prop.get("items", {})
        values: tuple[EnumValue, ...] | None = None
        if isinstance(enum_schema, Mapping) and isinstance(enum_schema.get("enum"), list):
            values = tuple(v for v in enum_schema["enum"] if v is not None and v != "")
        max_length = string_max_length(prop)
        fmt = prop.get("format")
        return FieldDef(
            wire_name=wire,
            attr_name=naming.attr_name(wire),
            type=type_,
            required=required,
            nullable=bool(prop.get("nullable")),
            max_length=max_length,
            format=fmt if isinstance(fmt, str) else None,
            enum=values or None,
            bypass_validation=bool(prop.get("x-stripeBypassValidation")),
        )

    def type_of(
        self, schema: Any, pointer: str, owner: str, module: str, path: list[str], label: str
    ) -> TypeExpr:
        """The type of a schema; `path` names what it defines, `label` is its form key."""
        if not isinstance(schema, Mapping):
            self.problem(pointer, "schema is not an object")
            return Primitive("Any")
        result = self._type_of(schema, pointer, owner, module, path, label)
        if schema.get("nullable") is True and len(path) > 1 and path[-1] == "value":
            return UnionOf((result, Primitive("None")))
        return result

    def _type_of(
        self,
        schema: Mapping[str, Any],
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
        label: str,
    ) -> TypeExpr:
        if "$ref" in schema:
            self.problem(pointer, "a $ref in request parameters is not supported")
            return Primitive("Any")
        keyword = "anyOf" if "anyOf" in schema else "oneOf" if "oneOf" in schema else None
        if keyword is not None:
            at = f"{pointer}/{keyword}"
            return self._union(schema[keyword], at, owner, module, path, label)
        if "enum" in schema:
            return self._enum(schema, pointer, owner, module, path)
        kind = schema.get("type")
        if kind == "array":
            items = schema.get("items", {})
            at = pointer + "/items"
            return ListOf(self.type_of(items, at, owner, module, path, label + "[]"))
        if kind == "object":
            if isinstance(schema.get("properties"), Mapping):
                return self._inline_class(schema, pointer, owner, module, path, label)
            extra = schema.get("additionalProperties")
            if isinstance(extra, Mapping):
                at = pointer + "/additionalProperties"
                value = self.type_of(extra, at, owner, module, [*path, "value"], label + "[…]")
                return MapOf(value)
            return MapOf(Primitive("Any"))
        if isinstance(kind, str) and kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        return Primitive("Any")

    def _union(
        self, branches: Any, pointer: str, owner: str, module: str, path: list[str], label: str
    ) -> TypeExpr:
        if not isinstance(branches, list) or not branches:
            self.problem(pointer, "anyOf is not a non-empty array")
            return Primitive("Any")
        objects = sum(
            1
            for b in branches
            if isinstance(b, Mapping) and isinstance(b.get("properties"), Mapping)
        )
        members: list[TypeExpr] = []
        for index, branch in enumerate(branches):
            at = f"{pointer}/{index}"
            sub_path = path
            if objects > 1 and isinstance(branch, Mapping) and "properties" in branch:
                title = branch.get("title")
                if not isinstance(title, str) or not title:
                    self.problem(at, "one of several object branches without a title to name it")
                    continue
                sub_path = [*path, title]
            member = self.type_of(branch, at, owner, module, sub_path, label)
            parts = member.members if isinstance(member, UnionOf) else (member,)
            members += [m for m in parts if m not in members]
        return members[0] if len(members) == 1 else UnionOf(tuple(members))

    def _enum(
        self, schema: Mapping[str, Any], pointer: str, owner: str, module: str, path: list[str]
    ) -> TypeExpr:
        raw = schema["enum"]
        if not isinstance(raw, list):
            self.problem(pointer + "/enum", "enum is not an array")
            return Primitive("Any")
        values = tuple(v for v in raw if v is not None and v != "")
        empty = "" in raw
        if not values:
            return EmptyString() if empty else Primitive("None")
        if pointer not in self.enums:
            name = naming.member_name(owner, [p for p in path if p != "value"])
            self.enums[pointer] = EnumDef(
                pointer=pointer,
                name=name,
                module=module,
                values=values,
                bypass_validation=bool(schema.get("x-stripeBypassValidation")),
            )
        ref = EnumRef(pointer)
        return UnionOf((ref, EmptyString())) if empty else ref

    def _inline_class(
        self,
        schema: Mapping[str, Any],
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
        label: str,
    ) -> ModelRef:
        if pointer not in self.classes:
            self.labels[pointer] = (owner, label)
            name = naming.member_name(owner, [p for p in path if p != "value"])
            required = schema.get("required")
            required_set = set(required) if isinstance(required, list) else set()
            fields = tuple(
                self.field(
                    wire,
                    wire in required_set,
                    prop,
                    f"{pointer}/properties/{escape_token(wire)}",
                    owner,
                    module,
                    [*path, wire],
                    f"{label}[{wire}]",
                )
                for wire, prop in schema["properties"].items()
            )
            self.classes[pointer] = ClassDef(
                pointer=pointer,
                schema_key=pointer,
                name=name,
                module=module,
                resource_id=None,
                fields=fields,
            )
        return ModelRef(pointer)


def _overlay(combined: dict[str, Any], op: OperationDef) -> None:
    """The facts Stripe states only in prose, added to an operation's JSON Schema."""
    limit = combined["properties"].get("limit")
    if op.paginated and isinstance(limit, Mapping) and limit.get("type") == "integer":
        low, high = PAGE_LIMIT
        combined["properties"]["limit"] = {**limit, "minimum": low, "maximum": high}


def _name_operations(
    spec: LoadedSpec, selected: list[tuple[str, str, Mapping[str, Any]]]
) -> list[tuple[str, str]]:
    """(module, name) of each selected operation; operationId names for the ones that clash."""
    paths = spec.document.get("paths") or {}
    spaces = namespaces(spec)
    names: list[tuple[str, str]] = []
    for path, method, operation in selected:
        found = operation_name(path, method, paths[path], spaces)
        if found is None:
            found = (naming.CORE_MODULE, _operation_id_name(operation, path, method))
        names.append(found)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        groups[name].append(index)
    for name, members in groups.items():
        if len(members) > 1:
            for index in members:
                path, method, operation = selected[index]
                names[index] = (name[0], _operation_id_name(operation, path, method))
    return names


def build_param_set(spec: LoadedSpec, keys: Iterable[str] | None) -> ParamSet:
    """The parameter classes of every operation (`keys=None`) or of those answering `keys`."""
    selected = select_operations(spec, keys)
    builder = _Builder(spec)
    operations: list[OperationDef] = []
    schemas: dict[str, Any] = {}
    for (path, method, operation), (module, name) in zip(
        selected, _name_operations(spec, selected), strict=True
    ):
        ident = operation.get("operationId")
        if not isinstance(ident, str) or not ident:
            builder.problem(_pointer("paths", path, method), "operation without an operationId")
            continue
        if ident in schemas:
            builder.problem(_pointer("paths", path, method), f"operationId {ident!r} repeats")
            continue
        combined, where, path_params = builder.parameters(path, method, operation)
        op = OperationDef(
            operation_id=ident,
            method=method,
            path=path,
            name=name,
            module=module,
            path_params=path_params,
            paginated=is_paged(operation),
        )
        _overlay(combined, op)
        builder.operation_class(op, combined, where)
        operations.append(op)
        schemas[ident] = combined
    classes = sorted(builder.classes.values(), key=lambda c: (c.module, c.name))
    enums = sorted(builder.enums.values(), key=lambda e: (e.module, e.name))
    problems = builder.problems + name_clashes(spec.source, [*classes, *enums])
    if problems:
        raise SpecError(problems)
    return ParamSet(
        api_version=spec.api_version,
        spec_sha256=spec.sha256,
        spec_name=spec.source.replace("\\", "/").rsplit("/", 1)[-1],
        operations=tuple(sorted(operations, key=lambda o: (o.module, o.name))),
        classes=tuple(classes),
        enums=tuple(enums),
        schemas=dict(sorted(schemas.items())),
        labels=dict(sorted(builder.labels.items())),
    )
