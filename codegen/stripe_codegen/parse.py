"""Spec → intermediate model ([`ModelSet`][stripe_codegen.ir.ModelSet]).

datamodel-code-generator parses the selected schemas and resolves their
references (see [`stripe_codegen._dcg`][stripe_codegen._dcg]); we then read Stripe's facts from
the raw schema at each field's JSON pointer and give everything a stable name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from stripe_schemas.model import escape_token, unescape_token

from . import naming
from ._dcg import ParsedModel, Tree, parse_models
from .access import write_only
from .discriminators import Tags, discriminator_tags, unchecked_tags
from .errors import SpecError, SpecProblem
from .events import type_event_data
from .ir import (
    PRIMITIVE_NAMES,
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
from .keywords import _schemas_of, _shape_parts, only_describes
from .loader import LoadedSpec
from .model_checks import alias_loops, name_clashes
from .schema_reading import (
    _defined_twice,
    _definitions,
    _enum_branches,
    _enum_values,
    _field_tokens,
    _is_null,
    _plain,
    _ref_pointer,
    _typed,
    _where,
    _wrapped,
    admits_null,
    declared_extra,
    extra_limits,
    fallback_rule,
    field_limits,
    is_enum_schema,
    non_object_parts,
    redefinitions,
    resolve,
    scalar_part,
    string_max_length,
    tree_fits,
    undeclared_required,
)
from .select import schema_pointer, select_schemas

_PRIMITIVES: dict[str, Primitive] = {
    "string": Primitive("str"),
    "integer": Primitive("int"),
    "number": Primitive("float"),
    "boolean": Primitive("bool"),
}


class _Builder:
    """Walks raw schemas of the selected models and collects classes, aliases and enums."""

    def __init__(
        self,
        spec: LoadedSpec,
        models: dict[str, ParsedModel],
        names: naming.Overrides,
        lifted: dict[str, ParsedModel] | None = None,
    ) -> None:
        self.spec = spec
        self.models = models
        #: The parser's models of objects it lifted out of arrays, unions and compositions,
        #: by the pointer they were found at again: the types of their fields.
        self.lifted = lifted or {}
        self.names = names
        self.placer = naming.ModulePlacer(spec.schemas)
        self.enums: dict[str, EnumDef] = {}
        self.problems: list[SpecProblem] = []
        #: What the models leave out of the spec (`ModelSet.warnings`), each once (`warn`).
        self.warnings: list[SpecProblem] = []
        self.uncarried: set[tuple[str, str]] = set()
        #: Whether each component admits `null` (`admits_null`), found once.
        self.null_memo: dict[str, bool] = {}
        self.owner_names: dict[str, tuple[str, str]] = {}  # pointer → (name, module)
        self.found: dict[str, ParsedModel] = {}  # inline objects the parser made no model for
        self.tags: Tags = {}  # the tags of discriminated unions' branches (`discriminators`)

    # -- names -----------------------------------------------------------------------------
    def name_of(self, pointer: str) -> tuple[str, str]:
        """(class name, module) of a model pointer (components and inline objects)."""
        known = self.owner_names.get(pointer)
        if known is not None:
            return known
        parts = pointer.split("/")
        key = unescape_token(parts[3])
        schema = self.spec.schemas[key]
        component = "/".join(parts[:4])
        default = naming.class_name(key, schema, stripe=self.spec.is_stripe)
        name = self.names.get(key, default, component)
        module = self.placer.module_for(key, schema)
        if len(parts) > 4:  # an inline object: /components/schemas/k/properties/p[/items…]
            props = _field_tokens(parts[4:], schema)
            name = self.names.get(_where(pointer), naming.member_name(name, props), pointer)
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
        if (
            admits_null(schema, self.spec.schemas, self.null_memo)
            and path
            and path[-1] in ("item", "value")
        ):
            return UnionOf((result, Primitive("None")))
        return result

    def _type_of(
        self, schema: dict[str, Any], pointer: str, owner: str, module: str, path: list[str]
    ) -> TypeExpr:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.ref_type(_ref_pointer(ref))
        if "anyOf" in schema or "oneOf" in schema:
            keyword = "anyOf" if "anyOf" in schema else "oneOf"
            expansion = schema.get("x-expansionResources")
            if isinstance(expansion, dict):
                targets = [b["$ref"] for b in expansion.get("oneOf", []) if "$ref" in b]
                return ExpandableOf(tuple(ModelRef(_ref_pointer(t)) for t in targets))
            branches = schema[keyword]
            listed = [b for b in branches if not _is_null(b)]
            if len(listed) > 1 and all(is_enum_schema(b) for b in listed):
                values = tuple(dict.fromkeys(v for b in listed for v in _enum_values(b)))
                merged = {"enum": list(values)}
                return self._type_of(merged, pointer, owner, module, path)
            members = [
                self.type_of(b, f"{pointer}/{keyword}/{i}", owner, module, path)
                for i, b in enumerate(branches)
                if not _is_null(b)  # null: the field (or item) is nullable
            ]
            if not members:
                return Primitive("None")
            return members[0] if len(members) == 1 else UnionOf(tuple(members))
        if "allOf" in schema and "properties" not in schema:
            parts = _shape_parts(schema)
            if len(parts) == 1:  # one part, maybe wrapped to say 'nullable': the part itself
                index, part = parts[0]
                return self.type_of(part, f"{pointer}/allOf/{index}", owner, module, path)
            typed = scalar_part(parts, self.spec.schemas)
            if typed is not None:  # a scalar, limited by the other parts (`maxLength`, …)
                index, part = typed
                return self.type_of(part, f"{pointer}/allOf/{index}", owner, module, path)
            if pointer != self._top_pointer(pointer):
                return self.inline_model(pointer)
        if is_enum_schema(schema):
            values = _enum_values(schema)
            if not values:  # only null, or nothing at all
                listed = [schema["const"]] if "const" in schema else schema["enum"]
                if None not in listed:
                    self.problems.append(
                        SpecProblem(self.spec.source, pointer, "enum lists no value")
                    )
                return Primitive("None")
            return self.enum_ref(schema, pointer, owner, module, path, values)
        kind = schema.get("type")
        kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
        if len(kinds) > 1:  # OpenAPI 3.1: type: [string, integer]
            members = [
                self._type_of({**schema, "type": k}, pointer, owner, module, path) for k in kinds
            ]
            return UnionOf(tuple(members))
        kind = kinds[0] if kinds else "null"
        if kind == "null":
            return Primitive("None")
        if kind == "array":
            items = schema.get("items", {})
            return ListOf(self.type_of(items, pointer + "/items", owner, module, [*path, "item"]))
        if kind == "object" or (kind is None and "properties" in schema):
            closed = schema.get("properties") or schema.get("additionalProperties") is False
            if closed and pointer != self._top_pointer(pointer):  # (an empty class, if False)
                return self.inline_model(pointer)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                sub = pointer + "/additionalProperties"
                return MapOf(self.type_of(extra, sub, owner, module, [*path, "value"]))
            return MapOf(Primitive("Any"))
        if isinstance(kind, str) and kind in _PRIMITIVES:
            return _PRIMITIVES[kind]
        return Primitive("Any")

    # -- a field's type from the parser's resolved type ----------------------------------------
    def field_type(
        self,
        prop: dict[str, Any],
        tree: Tree | None,
        pointer: str,
        owner: str,
        module: str,
        wire: str,
    ) -> TypeExpr:
        """A field's type: the structure datamodel-code-generator resolved (`tree`), with
        our names; our own reading of the schema only where a `fallback_rule` says its
        tree is lossy for this field, or it has none (a field it did not see)."""
        if tree is not None:
            # what a half-read tree named comes after these counts (dicts keep their order)
            enums, found = len(self.enums), len(self.found)
            built = self.from_tree(tree, prop, pointer, owner, module, [wire])
            if built is not None:
                return built
            for table, count in ((self.enums, enums), (self.found, found)):
                for added in list(table)[count:]:  # undo what a half-read tree named
                    del table[added]
        return self.type_of(prop, pointer, owner, module, [wire])

    def from_tree(
        self, tree: Tree, schema: Any, pointer: str, owner: str, module: str, path: list[str]
    ) -> TypeExpr | None:
        """The `TypeExpr` of a type tree; None where the tree cannot be read (`("unknown",
        …)`) or does not line up with the schema. The raw schema beside it locates each
        part (the JSON pointer that names an inline object or enum) and says where `null`
        is a value: an item's or a map value's `| None` is its own schema's, as a field's
        `nullable` is (the parser also carries the `null` of a referenced schema to where
        it is used, and the three field states are ours)."""
        if not isinstance(schema, dict):
            return None
        inner = self._from_tree(tree, schema, pointer, owner, module, path)
        nullable = admits_null(schema, self.spec.schemas, self.null_memo)
        if inner is not None and nullable and path and path[-1] in ("item", "value"):
            return UnionOf((inner, Primitive("None")))
        return inner

    def _from_tree(
        self,
        tree: Tree,
        schema: dict[str, Any],
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
    ) -> TypeExpr | None:
        tree = _plain(tree)
        if tree[0] == "null":
            tree = tree[1]
        rule = fallback_rule(schema)
        if rule is not None:  # its tree is lossy here: our reading of this part
            return self._type_of(schema, pointer, owner, module, path)
        wrapped = _wrapped(schema, pointer)
        if wrapped is not None:  # a wrapper that says `nullable`: the schema inside
            return self.from_tree(tree, wrapped[0], wrapped[1], owner, module, path)
        kind = tree[0]
        if not tree_fits(tree, schema, self.spec.schemas):
            return None  # a base's definition the parser kept where this part redefines it
        if kind == "ref":
            target = str(tree[1])
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and ref[1:] != target:
                return None  # it went past the reference (to a base schema's subtypes)
            if ref is None and target != pointer and target == self._top_pointer(target):
                return None  # a base's `$ref` where this schema redefines the property
            if target == self._top_pointer(target):
                return self.ref_type(target)
            parsed = self.models.get(target) or self.lifted.get(target)
            if target != pointer or (parsed is not None and not parsed.is_object):
                # not lined up: a model the parser made of a union (a discriminated `oneOf`
                # in `items`), or of a wrapper around one (`allOf: [{oneOf: …}]`)
                return None
            return self.inline_model(target)
        if kind == "list":
            items = schema.get("items")
            return self._part(
                ListOf, tree[1], items, f"{pointer}/items", owner, module, path, "item"
            )
        if kind == "dict":
            extra = schema.get("additionalProperties")
            if not isinstance(extra, dict):  # `true` or absent: any value
                return MapOf(Primitive("Any")) if tree[1] == ("prim", "Any") else None
            if tree[1] == ("prim", "Any") and extra:
                # lossy rule `3.1 map`: under a type list (`type: [object, "null"]`) its
                # tree drops the `additionalProperties` schema (`dict[str, Any]`)
                return None
            where = f"{pointer}/additionalProperties"
            return self._part(MapOf, tree[1], extra, where, owner, module, path, "value")
        if kind == "literal":
            return self.literal(tuple(tree[1]), schema, pointer, owner, module, path)
        if kind == "union":
            return self.union(tree[1], schema, pointer, owner, module, path)
        if kind == "prim" and tree[1] in PRIMITIVE_NAMES:
            return Primitive(tree[1])
        return None  # ("unknown", why)

    def _part(
        self,
        wrap: type[ListOf] | type[MapOf],
        tree: Tree,
        schema: Any,
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
        word: str,
    ) -> TypeExpr | None:
        if not isinstance(schema, dict):
            return None
        inner = self.from_tree(tree, schema, pointer, owner, module, [*path, word])
        return None if inner is None else wrap(inner)

    def literal(
        self,
        values: tuple[EnumValue, ...],
        schema: dict[str, Any],
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
    ) -> TypeExpr | None:
        """A `Literal` of the parser's values, named by us (an `EnumDef` at the pointer of
        the enum schema, or of the union whose branches are all enums)."""
        branches = _enum_branches(schema)
        listed = (
            tuple(dict.fromkeys(v for b in branches for v in _enum_values(b)))
            if branches
            else _enum_values(schema)
            if is_enum_schema(schema)
            else None
        )
        if listed is None or not values or _typed(listed) != _typed(values):
            # lossy rule `merged enum`: the parser merges the enums of `allOf` parts (values
            # twice); its values must be the schema's, in order, or we read the schema
            return None
        return self.enum_ref(schema, pointer, owner, module, path, values)

    def union(
        self,
        trees: Sequence[Tree],
        schema: dict[str, Any],
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
    ) -> TypeExpr | None:
        """A union of the parser's members, each named at the branch it comes from."""
        if _enum_branches(schema) and all(t[0] == "literal" for t in trees):
            values = tuple(v for t in trees for v in t[1])
            return self.literal(tuple(dict.fromkeys(values)), schema, pointer, owner, module, path)
        kind = schema.get("type")
        if isinstance(kind, list):  # OpenAPI 3.1 `type: [string, integer]`: one place
            kinds = [k for k in kind if k != "null"]
            if len(kinds) != len(trees):
                return None
            narrowed: list[TypeExpr] = []
            for member, one in zip(trees, kinds, strict=True):
                built = self._from_tree(
                    member, {**schema, "type": one}, pointer, owner, module, path
                )
                if built is None:
                    return None
                narrowed.append(built)
            return UnionOf(tuple(narrowed))
        keyword = "anyOf" if "anyOf" in schema else "oneOf"
        places = [
            (b, f"{pointer}/{keyword}/{i}")
            for i, b in enumerate(_schemas_of(schema, keyword))
            if not _is_null(b)
        ]
        if len(places) != len(trees):
            return None  # its members do not line up with the branches
        members: list[TypeExpr] = []
        for member, (branch, where) in zip(trees, places, strict=True):
            built = self.from_tree(member, branch, where, owner, module, path)
            if built is None:
                return None
            members.append(built)
        return members[0] if len(members) == 1 else UnionOf(tuple(members))

    def enum_ref(
        self,
        schema: dict[str, Any],
        pointer: str,
        owner: str,
        module: str,
        path: list[str],
        values: tuple[EnumValue, ...],
    ) -> EnumRef:
        """The `Literal` alias of the enum at `pointer`, named by its place (never numbered)."""
        if pointer not in self.enums:
            self.enums[pointer] = EnumDef(
                pointer=pointer,
                name=self.names.get(
                    _where(pointer),
                    naming.member_name(owner, [p for p in path if p not in ("item",)]),
                    pointer,
                ),
                module=module,
                values=values,
                bypass_validation=bool(schema.get("x-stripeBypassValidation")),
            )
        return EnumRef(pointer)

    def inline_model(self, pointer: str) -> ModelRef:
        """A class for the object schema at `pointer` inside a component; the parser's
        model when it made one there, else one composed here from the schema."""
        if pointer not in self.models:
            self.found[pointer] = ParsedModel(pointer, True, ())
        return ModelRef(pointer)

    def ref_type(self, target: str) -> TypeExpr:
        """A reference to a component: its class or alias, or (an enum) its `Literal` alias."""
        key = unescape_token(target.split("/")[3])
        schema = self.spec.schemas.get(key)
        if is_enum_schema(schema):
            if target not in self.enums:
                name, module = self.name_of(target)
                found = self.type_of(schema, target, name, module, [])
                if not isinstance(found, EnumRef):
                    return found  # an enum of null alone
            return EnumRef(target)
        return ModelRef(target)

    @staticmethod
    def _top_pointer(pointer: str) -> str:
        return "/".join(pointer.split("/")[:4])

    # -- fields and classes ----------------------------------------------------------------
    def field_of(
        self,
        wire: str,
        required: bool,
        prop: Any,
        pointer: str,
        owner: str,
        module: str,
        tree: Tree | None = None,
    ) -> FieldDef:
        prop = prop if isinstance(prop, dict) else {}
        type_ = self.field_type(prop, tree, pointer, owner, module, wire)
        enum_values: tuple[EnumValue, ...] | None = None
        enum_schema = prop if is_enum_schema(prop) else prop.get("items", {})
        if is_enum_schema(enum_schema):
            enum_values = _enum_values(enum_schema)
        expansion: tuple[str, ...] = ()
        if isinstance(type_, ExpandableOf):
            expansion = tuple(self.resource_id_of(t.pointer) for t in type_.targets)
        max_length = string_max_length(prop, self.spec.schemas)
        limits, left = field_limits(prop, self.spec.schemas, pointer)
        self.warn(left)
        return FieldDef(
            wire_name=wire,
            attr_name=self.names.get(pointer, naming.attr_name(wire), pointer),
            type=type_,
            required=required,
            nullable=admits_null(prop, self.spec.schemas, self.null_memo),
            max_length=max_length,
            format=prop.get("format") if isinstance(prop.get("format"), str) else None,
            limits=tuple(sorted(limits.items())),
            enum=enum_values,
            bypass_validation=bool(prop.get("x-stripeBypassValidation")),
            expansion=expansion,
        )

    def warn(self, found: list[tuple[str, str]]) -> None:
        """Warn of each (pointer, message) once (an alias's limits come through each field)."""
        for where, message in found:
            if (where, message) not in self.uncarried:
                self.uncarried.add((where, message))
                self.warnings.append(SpecProblem(self.spec.source, where, message))

    def resource_id_of(self, pointer: str) -> str:
        key = pointer.split("/")[3]
        rid = self.spec.schemas.get(key, {}).get("x-resourceId")
        return rid if isinstance(rid, str) else key

    def own_properties(self, raw: dict[str, Any], pointer: str) -> dict[str, tuple[Any, str]]:
        """Wire name → (property schema, its pointer): the schema's `properties` and those
        of its inline `allOf` parts (referenced parts are base models: their own fields)."""
        return {wire: (prop, where) for wire, prop, where in _definitions(raw, pointer)}

    def composed(self, model: ParsedModel) -> ParsedModel:
        """The fields and bases of a model's schema, read from the schema where the parser
        gave none (an object in an array, a union or a composition) or flattened its bases."""
        raw = resolve(self.spec.document, model.pointer)
        flat = not model.bases and any("$ref" in p for _, p in _shape_parts(raw) if type(p) is dict)
        if (model.fields or model.bases or not model.is_object) and not flat:
            return model
        required: set[str] = set()
        bases: list[str] = []
        todo = [raw]
        while todo:
            node = todo.pop()
            if not isinstance(node, dict):
                continue
            required.update(r for r in node.get("required") or () if isinstance(r, str))
            for _, part in _shape_parts(node):
                if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                    bases.append(_ref_pointer(part["$ref"]))
                else:
                    todo.append(part)
        own = self.own_properties(raw, model.pointer)
        fields = tuple((wire, wire in required) for wire in own)
        lifted = self.lifted.get(model.pointer)
        types = lifted.types if lifted is not None else ()
        return ParsedModel(model.pointer, True, fields, tuple(bases), types)

    def fields_of(self, model: ParsedModel, seen: tuple[str, ...] = ()) -> list[FieldDef]:
        """Every field of a model: its bases' (`allOf` references, composed first), then its
        own, in the spec's property order; a field defined again replaces the earlier one."""
        model = self.composed(model)
        raw = resolve(self.spec.document, model.pointer)
        name, module = self.name_of(model.pointer)
        fields: dict[str, FieldDef] = {}
        for base in model.bases:
            if base in seen:
                continue  # an allOf cycle: select.py reports it
            base_model = self.models.get(base) or ParsedModel(base, True, ())
            for field in self.fields_of(base_model, (*seen, model.pointer)):
                fields[field.wire_name] = field
        props = self.own_properties(raw, model.pointer)
        merged = _defined_twice(raw, model.pointer)
        # keyword-only classes: the spec's property order (the parser puts required first)
        order = {wire: index for index, wire in enumerate(props)}
        ordered = sorted(model.fields, key=lambda item: order.get(item[0], len(order)))
        for wire, required in ordered:
            before = fields.get(wire)
            if wire not in props and before is None:  # the parser merged in a base's
                continue  # definition of an object this one replaces: ours alone, as schemas.json
            prop, where = props.get(wire, ({}, f"{model.pointer}/properties/{wire}"))
            if before is not None and (wire not in props or only_describes(prop)):
                # only `required` here (`allOf: [$ref Base, {required: [x]}]`), or a `{}`
                # that adds nothing: the base's field, now required unless it is `writeOnly`
                required = required and not write_only(self._base_property(model, wire))
                fields[wire] = attrs.evolve(before, required=before.required or required)
                continue
            required = required or (before is not None and before.required)
            required = required and not write_only(prop)  # a response leaves it out
            # fallback rule `merged`: two inline `allOf` parts define it (one merged schema
            # to the parser): our field is the last definition, as JSON pointers name it
            tree = None if wire in merged else model.type_of(wire)
            fields[wire] = self.field_of(wire, required, prop, where, name, module, tree)
        return list(fields.values())

    def _base_property(self, model: ParsedModel, wire: str, seen: tuple[str, ...] = ()) -> Any:
        """The schema of property `wire` as `model`'s bases define it (the last one wins,
        as in `fields_of`; `{}` when none does)."""
        found: Any = {}
        for base in model.bases:
            if base in seen:
                continue  # an allOf cycle: select.py reports it
            own = self.own_properties(resolve(self.spec.document, base), base)
            parent = self.models.get(base) or ParsedModel(base, True, ())
            inherited = self._base_property(parent, wire, (*seen, model.pointer))
            found = own[wire][0] if wire in own else (inherited or found)
        return found

    def class_of(self, model: ParsedModel) -> ClassDef:
        raw = resolve(self.spec.document, model.pointer)
        at, schemas = model.pointer, self.spec.schemas
        for where, message in non_object_parts(raw, at, schemas):
            self.problems.append(SpecProblem(self.spec.source, where, message))
        self.warn(redefinitions(raw, at, schemas) + undeclared_required(raw, at, schemas))
        name, module = self.name_of(model.pointer)
        fields = tuple(self.fields_of(model))
        key = unescape_token(model.pointer.split("/")[3])
        if model.pointer == self._top_pointer(model.pointer) and key in self.tags:
            fields = tuple(
                self.tagged(f, self.tags[key], model.pointer, name, module) for f in fields
            )
        is_component = model.pointer == self._top_pointer(model.pointer)
        rid = raw.get("x-resourceId") if is_component else None
        return ClassDef(
            additional=self.additional_of(raw, model.pointer, name, module),
            pointer=model.pointer,
            schema_key=unescape_token(model.pointer.split("/")[3])
            if is_component
            else model.pointer,
            name=name,
            module=module,
            resource_id=rid if isinstance(rid, str) else None,
            fields=fields,
        )

    def additional_of(
        self, raw: dict[str, Any], pointer: str, owner: str, module: str
    ) -> TypeExpr | None:
        """The type of an object's other keys: `additionalProperties` beside `properties`
        (`true` or `{}`: any value; a schema: its type), its own or, composed by `allOf`,
        its parts' (`declared_extra`); None when it declares none."""
        declared = declared_extra(raw, pointer, self.spec.schemas)
        extra, at = declared if declared is not None else (None, "")
        if extra is True or extra == {}:
            return Primitive("Any")
        if isinstance(extra, dict):
            self.warn(extra_limits(extra, self.spec.schemas, at))
            return self.type_of(extra, at, owner, module, ["value"])
        return None

    def tagged(
        self,
        field: FieldDef,
        tags: dict[str, tuple[str, ...]],
        pointer: str,
        owner: str,
        module: str,
    ) -> FieldDef:
        """A branch's tag field narrowed to its tags (a `Literal` of them)."""
        values = tags.get(field.wire_name)
        if values is None:
            return field
        where = f"{pointer}/properties/{escape_token(field.wire_name)}"
        allowed = field.enum
        if allowed is None and isinstance(field.type, EnumRef):  # a component enum
            found = self.enums.get(field.type.pointer)
            allowed = found.values if found is not None else None
        not_text = isinstance(field.type, (ListOf, MapOf)) or (
            isinstance(field.type, Primitive) and field.type.name in ("int", "float", "bool")
        )
        if not_text:  # (a string alias, `Any`: the tag narrows it)
            message = "the discriminator's property is not a string here: its tag is not checked"
            self.warnings.append(SpecProblem(self.spec.source, where, message))
            del tags[field.wire_name]
            return field
        if allowed is not None and not field.bypass_validation:
            # a tag the property refuses is never sent: the table keeps those it allows
            kept = tuple(v for v in values if v in allowed)
            if kept != values:
                lost = ", ".join(repr(v) for v in values if v not in kept)
                message = f"the discriminator's tag {lost} is not a value this property allows"
                self.warnings.append(SpecProblem(self.spec.source, where, message))
                if not kept:
                    del tags[field.wire_name]
                    return field
                tags[field.wire_name] = values = kept
        words = [field.wire_name]
        if isinstance(field.type, EnumRef) and field.type.pointer != where:
            found = self.enums.get(field.type.pointer)
            if found is not None and found.values == values:  # its own enum is the tag
                return attrs.evolve(field, enum=values, nullable=False)
            words.append("tag")  # beside its own enum (an `allOf` part's), named apart
        name = self.names.get(_where(where), naming.member_name(owner, words), where)
        self.enums[where] = EnumDef(pointer=where, name=name, module=module, values=values)
        # a tag is never null (schemas.json's tag enum refuses it, whatever the property says)
        return attrs.evolve(field, type=EnumRef(where), enum=values, nullable=False)

    def alias_of(self, model: ParsedModel) -> AliasDef:
        raw = resolve(self.spec.document, model.pointer)
        name, module = self.name_of(model.pointer)
        type_ = self.type_of(raw, model.pointer, name, module, [])
        return AliasDef(
            pointer=model.pointer,
            schema_key=unescape_token(model.pointer.split("/")[3]),
            name=name,
            module=module,
            type=type_,
        )


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
    parsed = parse_models({k: spec.schemas[k] for k in keys}, spec.source)
    models = {p: m for p, m in parsed.items() if not m.lifted}
    lifted = {p: m for p, m in parsed.items() if m.lifted}
    overrides = naming.Overrides(names)
    builder = _Builder(spec, models, overrides, lifted)
    builder.tags = discriminator_tags(spec.schemas, keys)
    enums = {schema_pointer(k) for k in keys if is_enum_schema(spec.schemas[k])}
    for pointer in sorted(enums):  # a component that is an enum: a Literal alias of its name
        builder.ref_type(pointer)
    objects = [m for _, m in sorted(models.items()) if m.is_object and m.pointer not in enums]
    classes = [builder.class_of(m) for m in objects]
    aliases = [
        builder.alias_of(m)
        for _, m in sorted(models.items())
        if not m.is_object and m.pointer not in enums
    ]
    pointers = {c.pointer for c in classes} | {a.pointer for a in aliases} | enums
    for key in keys:  # a component datamodel-code-generator made no model for: a plain alias
        if schema_pointer(key) not in pointers:
            aliases.append(builder.alias_of(ParsedModel(schema_pointer(key), False, ())))
    while builder.found:  # inline objects only our walk found (inside arrays, unions, allOf)
        pointer = min(builder.found)
        model = builder.found.pop(pointer)
        if pointer not in pointers:
            pointers.add(pointer)
            classes.append(builder.class_of(model))
    builder.warnings += unchecked_tags(builder.tags, classes, spec.source)
    model_set = ModelSet(
        api_version=spec.api_version,
        spec_sha256=spec.sha256,
        spec_name=spec.source.replace("\\", "/").rsplit("/", 1)[-1],
        classes=tuple(sorted(classes, key=lambda c: (c.module, c.name))),
        aliases=tuple(sorted(aliases, key=lambda a: (a.module, a.name))),
        enums=tuple(sorted(builder.enums.values(), key=lambda e: (e.module, e.name))),
        schema_keys=keys,
        api_title=None if spec.stripe_conventions else spec.title,
        tags=builder.tags,
        warnings=tuple(builder.warnings),
    )
    if typed_events:  # events: data.object typed by its object tag (not a fact of the spec)
        model_set = type_event_data(model_set)
    everything: list[ClassDef | AliasDef | EnumDef] = [*model_set.classes, *model_set.aliases]
    everything += model_set.enums
    settle = "; name one of them apart with --names FILE (an entry such as '{pointer}: NewName')"
    problems = builder.problems + name_clashes(model_set.spec_name, everything, settle=settle)
    problems += alias_loops(model_set)
    problems += [
        SpecProblem(spec.source, "", f"--names: {where!r} names no schema or field of the models")
        for where in overrides.unused()
    ]
    if problems:
        raise SpecError(problems)
    return model_set
