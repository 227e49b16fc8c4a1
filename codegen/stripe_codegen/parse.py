"""Spec → intermediate model ([`ModelSet`][stripe_codegen.ir.ModelSet]).

datamodel-code-generator parses the selected schemas and resolves their
references (see [`stripe_codegen._dcg`][stripe_codegen._dcg]); we then read Stripe's facts from
the raw schema at each field's JSON pointer and give everything a stable name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from stripe_schemas.model import unescape_token

from . import naming
from ._dcg import ParsedModel, parse_models
from .errors import SpecError, SpecProblem
from .events import type_event_data
from .ir import (
    AliasDef,
    ClassDef,
    EnumDef,
    EnumRef,
    EnumValue,
    ExpandableOf,
    FieldDef,
    ListOf,
    MapOf,
    ModelRef,
    ModelSet,
    Primitive,
    TypeExpr,
    UnionOf,
)
from .loader import LoadedSpec
from .select import REF_PREFIX, schema_pointer, select_schemas

_PRIMITIVES: dict[str, Primitive] = {
    "string": Primitive("str"),
    "integer": Primitive("int"),
    "number": Primitive("float"),
    "boolean": Primitive("bool"),
}


def string_max_length(schema: Any) -> int | None:
    """The `maxLength` of a property's strings, wherever they are: the property itself, its
    array items, its map values or its `anyOf` branches (`None` when there is none, or
    when two places disagree: the converters hold a field's strings to one limit)."""
    found: set[int] = set()
    todo = [schema]
    while todo:
        node = todo.pop()
        if not isinstance(node, dict):
            continue
        limit = node.get("maxLength")
        if type(limit) is int:
            found.add(limit)
        todo.extend(node.get(key) for key in ("items", "additionalProperties"))
        for keyword in ("anyOf", "oneOf"):
            branches = node.get(keyword)
            if isinstance(branches, list):
                todo.extend(branches)
    return found.pop() if len(found) == 1 else None


#: Tokens of a schema pointer that say how a schema is built, not which field it is.
_STRUCTURE = frozenset({"properties", "items", "additionalProperties", "anyOf", "oneOf"})


def _where(pointer: str) -> str:
    """How `--names` names what is defined at a schema pointer: the schema key, then the
    fields on the way (`/components/schemas/k/properties/p/anyOf/0` → `k.p`)."""
    tokens = [unescape_token(t) for t in pointer.split("/")[3:]]
    fields = [t for t in tokens[1:] if t not in _STRUCTURE and not t.isdigit()]
    return ".".join([tokens[0], *fields])


def _ref_pointer(ref: str) -> str:
    return schema_pointer(ref.removeprefix(REF_PREFIX))


class _Builder:
    """Walks raw schemas of the selected models and collects classes, aliases and enums."""

    def __init__(
        self, spec: LoadedSpec, models: dict[str, ParsedModel], names: naming.Overrides
    ) -> None:
        self.spec = spec
        self.models = models
        self.names = names
        self.placer = naming.ModulePlacer(spec.schemas)
        self.enums: dict[str, EnumDef] = {}
        self.problems: list[SpecProblem] = []
        self.owner_names: dict[str, tuple[str, str]] = {}  # pointer → (name, module)

    # -- names -----------------------------------------------------------------------------
    def name_of(self, pointer: str) -> tuple[str, str]:
        """(class name, module) of a model pointer (components and inline objects)."""
        known = self.owner_names.get(pointer)
        if known is not None:
            return known
        parts = pointer.split("/")
        key = unescape_token(parts[3])
        schema = self.spec.schemas[key]
        name = self.names.get(key, naming.class_name(key, schema, stripe=self.spec.is_stripe))
        module = self.placer.module_for(key, schema)
        if len(parts) > 4:  # an inline object: /components/schemas/k/properties/p[/properties/q…]
            props = [p for i, p in enumerate(parts[4:]) if i % 2 == 1]
            name = self.names.get(_where(pointer), naming.member_name(name, props))
        self.owner_names[pointer] = (name, module)
        return name, module

    # -- types -----------------------------------------------------------------------------
    def type_of(
        self, schema: Any, pointer: str, owner: str, module: str, path: list[str]
    ) -> TypeExpr:
        if not isinstance(schema, dict):
            self.problems.append(SpecProblem(self.spec.source, pointer, "schema is not an object"))
            return Primitive("Any")
        result = self._type_of(schema, pointer, owner, module, path)
        if schema.get("nullable") and path and path[-1] in ("item", "value"):
            return UnionOf((result, Primitive("None")))
        return result

    def _type_of(
        self, schema: dict[str, Any], pointer: str, owner: str, module: str, path: list[str]
    ) -> TypeExpr:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ModelRef(_ref_pointer(ref))
        if "anyOf" in schema or "oneOf" in schema:
            keyword = "anyOf" if "anyOf" in schema else "oneOf"
            expansion = schema.get("x-expansionResources")
            if isinstance(expansion, dict):
                targets = [b["$ref"] for b in expansion.get("oneOf", []) if "$ref" in b]
                return ExpandableOf(tuple(ModelRef(_ref_pointer(t)) for t in targets))
            branches = schema[keyword]
            members = [
                self.type_of(b, f"{pointer}/{keyword}/{i}", owner, module, path)
                for i, b in enumerate(branches)
            ]
            return members[0] if len(members) == 1 else UnionOf(tuple(members))
        if "enum" in schema:
            values = tuple(v for v in schema["enum"] if v is not None)
            if pointer not in self.enums:
                self.enums[pointer] = EnumDef(
                    pointer=pointer,
                    name=self.names.get(
                        _where(pointer),
                        naming.member_name(owner, [p for p in path if p not in ("item",)]),
                    ),
                    module=module,
                    values=values,
                    bypass_validation=bool(schema.get("x-stripeBypassValidation")),
                )
            return EnumRef(pointer)
        kind = schema.get("type")
        if kind == "array":
            items = schema.get("items", {})
            return ListOf(self.type_of(items, pointer + "/items", owner, module, [*path, "item"]))
        if kind == "object":
            if "properties" in schema and pointer != self._top_pointer(pointer):
                return ModelRef(pointer)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                sub = pointer + "/additionalProperties"
                return MapOf(self.type_of(extra, sub, owner, module, [*path, "value"]))
            return MapOf(Primitive("Any"))
        if isinstance(kind, str) and kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        return Primitive("Any")

    @staticmethod
    def _top_pointer(pointer: str) -> str:
        return "/".join(pointer.split("/")[:4])

    # -- fields and classes ----------------------------------------------------------------
    def field_of(
        self, wire: str, required: bool, prop: Any, pointer: str, owner: str, module: str
    ) -> FieldDef:
        prop = prop if isinstance(prop, dict) else {}
        type_ = self.type_of(prop, pointer, owner, module, [wire])
        enum_values: tuple[EnumValue, ...] | None = None
        enum_schema = prop if "enum" in prop else prop.get("items", {})
        if isinstance(enum_schema, dict) and "enum" in enum_schema:
            enum_values = tuple(v for v in enum_schema["enum"] if v is not None)
        expansion: tuple[str, ...] = ()
        if isinstance(type_, ExpandableOf):
            expansion = tuple(self.resource_id_of(t.pointer) for t in type_.targets)
        max_length = string_max_length(prop)
        return FieldDef(
            wire_name=wire,
            attr_name=naming.attr_name(wire),
            type=type_,
            required=required,
            nullable=bool(prop.get("nullable")),
            max_length=max_length,
            format=prop.get("format") if isinstance(prop.get("format"), str) else None,
            enum=enum_values,
            bypass_validation=bool(prop.get("x-stripeBypassValidation")),
            expansion=expansion,
        )

    def resource_id_of(self, pointer: str) -> str:
        key = pointer.split("/")[3]
        rid = self.spec.schemas.get(key, {}).get("x-resourceId")
        return rid if isinstance(rid, str) else key

    def class_of(self, model: ParsedModel) -> ClassDef:
        raw = resolve(self.spec.document, model.pointer)
        name, module = self.name_of(model.pointer)
        props = raw.get("properties") or {}
        # The parser puts required fields first (a dataclass needs that); our classes are
        # keyword-only, so we keep the spec's property order, which is also the wire order.
        order = {wire: index for index, wire in enumerate(props)}
        ordered = sorted(model.fields, key=lambda item: order.get(item[0], len(order)))
        fields = tuple(
            self.field_of(
                wire, required, props.get(wire), f"{model.pointer}/properties/{wire}", name, module
            )
            for wire, required in ordered
        )
        is_component = model.pointer == self._top_pointer(model.pointer)
        rid = raw.get("x-resourceId") if is_component else None
        return ClassDef(
            pointer=model.pointer,
            schema_key=model.pointer.split("/")[3] if is_component else model.pointer,
            name=name,
            module=module,
            resource_id=rid if isinstance(rid, str) else None,
            fields=fields,
        )

    def alias_of(self, model: ParsedModel) -> AliasDef:
        raw = resolve(self.spec.document, model.pointer)
        name, module = self.name_of(model.pointer)
        type_ = self.type_of(raw, model.pointer, name, module, [])
        return AliasDef(
            pointer=model.pointer,
            schema_key=model.pointer.split("/")[3],
            name=name,
            module=module,
            type=type_,
        )


def resolve(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = document
    for token in pointer.split("/")[1:]:
        node = node[unescape_token(token)]
    return node if isinstance(node, dict) else {}


def _check_names(model_set: ModelSet) -> list[SpecProblem]:
    """Two things in one module with one name is an error: we never number names apart."""
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    items: list[ClassDef | AliasDef | EnumDef] = [*model_set.classes, *model_set.aliases]
    items += model_set.enums
    for item in items:
        seen[(item.module, item.name)].append(item.pointer)
    return [
        SpecProblem(
            model_set.spec_name,
            pointers[1],
            f"name {name!r} in module {module!r} also used by {pointers[0]}",
        )
        for (module, name), pointers in sorted(seen.items())
        if len(pointers) > 1
    ]


def build_model_set(
    spec: LoadedSpec,
    roots: Sequence[str] | None,
    *,
    typed_events: bool = True,
    names: Mapping[str, str] | None = None,
) -> ModelSet:
    """Select, parse and name: the whole front half of the generator.

    `typed_events`: type an event's `data.object` by its tag (`events`); the
    diff compares what the spec says, so it leaves that out. `names`: the user's names
    for what the naming rule would name alike (`generate --names`; see
    `Overrides`); an entry that names nothing is an error.
    """
    keys = select_schemas(spec, roots)
    models = parse_models({k: spec.schemas[k] for k in keys}, spec.source)
    overrides = naming.Overrides(names)
    builder = _Builder(spec, models, overrides)
    classes = [builder.class_of(m) for _, m in sorted(models.items()) if m.is_object]
    aliases = [builder.alias_of(m) for _, m in sorted(models.items()) if not m.is_object]
    pointers = {c.pointer for c in classes} | {a.pointer for a in aliases}
    for key in keys:  # a component datamodel-code-generator made no model for: a plain alias
        if schema_pointer(key) not in pointers:
            aliases.append(builder.alias_of(ParsedModel(schema_pointer(key), False, ())))
    model_set = ModelSet(
        api_version=spec.api_version,
        spec_sha256=spec.sha256,
        spec_name=spec.source.replace("\\", "/").rsplit("/", 1)[-1],
        classes=tuple(sorted(classes, key=lambda c: (c.module, c.name))),
        aliases=tuple(sorted(aliases, key=lambda a: (a.module, a.name))),
        enums=tuple(sorted(builder.enums.values(), key=lambda e: (e.module, e.name))),
        schema_keys=keys,
    )
    if typed_events:  # events: data.object typed by its object tag (not a fact of the spec)
        model_set = type_event_data(model_set)
    problems = builder.problems + _check_names(model_set)
    problems += [
        SpecProblem(spec.source, "", f"--names: {where!r} names no schema or field of the models")
        for where in overrides.unused()
    ]
    if problems:
        raise SpecError(problems)
    return model_set
