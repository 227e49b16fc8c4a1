"""The bridge to datamodel-code-generator: its parser and reference resolution, our model type.

We let datamodel-code-generator parse the selected component schemas with
`AttrsModel` as the data model type, and take from its results:

* the inventory of object models (components, and the inline objects it lifts out of
  properties), their own field order and `required` sets, with `$ref` resolved;
* what an `allOf` is composed of (the base classes it makes of the referenced parts;
  `parse` gives a class its bases' fields first);
* the type of every field: its resolved `DataType`, kept as a plain tree (`Tree`):
  references (to components, and to the models it lifts out of properties, arrays,
  maps, unions and compositions, found again at their JSON pointer by `dcg_pointer`),
  lists, maps, unions (`oneOf`/`anyOf` with or without a discriminator, 3.1 type
  lists), `Literal`s of enums and consts, and scalars. `parse` builds each field's
  type from it.

It reads scalars by their JSON `type` alone (its plain type map, and every format
mapped to its type): its format table makes `string`+`decimal` a `Decimal` and
`integer`+`date-time` a string, and our classes keep the JSON type with the `format`
as a field fact.

What wins where the two differ:

* names are ours: it numbers clashing names (`Status1`, `Code3`), and the number
  depends on which other schemas are present; we name by place and never number;
* nullability is ours, read from each schema where it is used and through the
  references it makes (`schema_reading.admits_null`, as JSON Schema reads them): the
  three field states (absent, `null`, value), which it does not have, and an item's
  `| None`;
* the raw schema wins for a named list of cases its tree is lossy for
  (`schema_reading.fallback_rule` and the comments in `parse._Builder.from_tree`): Stripe's
  `x-expansionResources` (its tree is a plain union of `str` and refs; ours an
  expandable field); an enum of `null` alone (its `NoneType_None` member); a
  property two inline `allOf` parts define (it merges them: enum values twice, an
  object model where no schema is); a 3.1 `type: [object, "null"]` map (it drops the
  value type);
* where its tree holds something we cannot map (its own model with no JSON pointer, a
  tuple, a set) or does not line up with the schema (a union with another number of
  members than the schema's branches, `Literal` values other than the schema's, a
  reference to another schema than the `$ref` names, a model of its own where the schema
  is a union, a scalar, list or map of another JSON type than the schema says, a
  component where the schema has no `$ref`: what it keeps of a base's definition of a
  property that a later `allOf` part redefines), that field is read from the raw schema:
  the whole field, never half of it. The schema wins because `schemas.json`, which
  `validate` checks, is read from it too;
* `format`, `maxLength` and the other limits (`minimum`, `pattern`, …),
  `x-stripeBypassValidation` and the enum values a field checks are read from the raw
  schema: it keeps none of them in its tree.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import datamodel_code_generator
from datamodel_code_generator import LiteralType
from datamodel_code_generator.model.dataclass import DataClass
from datamodel_code_generator.model.types import DataTypeManager
from datamodel_code_generator.parser.openapi import OpenAPIParser

from stripe_schemas.model import escape_token, unescape_token
from stripe_schemas.model import pointer as json_pointer

from .errors import SpecError, SpecProblem
from .ir import PRIMITIVE_NAMES
from .loader import cache_read, cache_write


class AttrsModel(DataClass):
    """datamodel-code-generator's data model type for our attrs classes.

    Rendering happens in [`stripe_codegen.render`][stripe_codegen.render], from the intermediate
    model; this template is only what datamodel-code-generator requires a
    model type to name.
    """

    TEMPLATE_FILE_PATH: ClassVar[str] = str(
        Path(__file__).parent / "templates" / "module.py.jinja2"
    )


#: A field's type as datamodel-code-generator resolved it, in plain tuples (kept in the
#: cache): `("ref", pointer)`, `("list", t)`, `("dict", t)`, `("union", (t, …))`,
#: `("literal", (value, …))`, `("prim", "str" | "int" | "float" | "bool" | "Any" | "None")`,
#: `("null", t)` (its `is_optional`: `t` or `null`) and `("unknown", why)` where its tree
#: says something we cannot map (a model of its own with no JSON pointer, a tuple, a set).
Tree = tuple[Any, ...]


@attrs.frozen
class ParsedModel:
    """What we keep of one datamodel-code-generator model."""

    pointer: str
    is_object: bool
    #: (wire name, required) in the parser's field order: the model's own fields.
    fields: tuple[tuple[str, bool], ...]
    #: Pointers of the models this one is composed of (`allOf` parts that are references,
    #: which the parser makes base classes): their fields are this model's fields too.
    bases: tuple[str, ...] = ()
    #: (wire name, type tree) of the own fields: the type the parser resolved for each.
    types: tuple[tuple[str, Tree], ...] = ()
    #: A model the parser lifted out of an array, a union or a composition (its own name is
    #: `…#-datamodel-code-generator-#-array-#-special-#`), found again at its JSON pointer:
    #: not part of the inventory (our walk finds it), only the source of its fields' types.
    lifted: bool = False

    def type_of(self, wire: str) -> Tree | None:
        """The parser's type tree of an own field (None: the parser has no such field)."""
        for name, tree in self.types:
            if name == wire:
                return tree
        return None


_SPECIAL = "#-datamodel-code-generator-#-"
_SPECIAL_END = "-#-special-#"
_COMPONENTS = "/components/schemas/"


def _special_parts(element: str) -> tuple[str, list[str]]:
    """`name#-…-#-array-#-special-#` → (`name`, [`array`]): a path element of the parser's
    names, and the kinds of models it made there."""
    name, *rest = element.split(_SPECIAL)
    kinds = [r.removesuffix(_SPECIAL_END) for r in rest]
    if any(not r.endswith(_SPECIAL_END) for r in rest):
        return name, ["?"]
    return name, kinds


def _list_of(node: Any, keyword: str) -> list[Any]:
    found = node.get(keyword) if isinstance(node, dict) else None
    return found if isinstance(found, list) else []


def _property(
    node: Any, pointer: str, wire: str, schemas: dict[str, Any], depth: int = 0
) -> tuple[Any, str] | None:
    """Where an object's property `wire` is defined, as `parse` reads an object's fields:
    its own `properties` first, then its inline `allOf` parts (the last one first), then
    the components its `allOf` refers to (its base classes)."""
    if not isinstance(node, dict) or depth > 50:
        return None
    props = node.get("properties")
    if isinstance(props, dict) and isinstance(props.get(wire), dict):
        return props[wire], f"{pointer}/properties/{escape_token(wire)}"
    parts = list(enumerate(_list_of(node, "allOf")))
    for index, part in reversed(parts):
        if isinstance(part, dict) and "$ref" not in part:
            found = _property(part, f"{pointer}/allOf/{index}", wire, schemas, depth + 1)
            if found is not None:
                return found
    for _, part in reversed(parts):
        ref = part.get("$ref") if isinstance(part, dict) else None
        if isinstance(ref, str) and ref.startswith("#" + _COMPONENTS):
            key = unescape_token(ref.removeprefix("#" + _COMPONENTS))
            target = f"{_COMPONENTS}{escape_token(key)}"
            found = _property(schemas.get(key), target, wire, schemas, depth + 1)
            if found is not None:
                return found
    return None


def _is_kind(node: Any, kind: str) -> bool:
    """Whether the schema the parser made a model of `kind` for is such a schema."""
    if not isinstance(node, dict):
        return False
    if kind == "object":
        return "properties" in node or "allOf" in node or node.get("type") == "object"
    if kind == "array":
        return isinstance(node.get("items"), dict)
    return kind in ("allOf", "anyOf", "oneOf") and bool(_list_of(node, kind))


def dcg_pointer(
    reference_path: str,
    schemas: dict[str, Any],
    renamed: Mapping[str, Sequence[str]] | None = None,
) -> str | None:
    """Turn a datamodel-code-generator reference path into a JSON pointer into the spec, or
    None where it names no schema of `schemas`.

    `#/components/schemas/account/external_accounts#-…-object-#-special-#`
    → `/components/schemas/account/properties/external_accounts`;
    `…/p#-…-array-#-special-#/0#-…-object-#-special-#` → `…/properties/p/items`;
    `…#-…-oneOf-#-special-#/1#-…-object-#-special-#` → `…/oneOf/1`. Each step is checked
    against the schema (the property exists, the items are an object, …). `renamed`: the
    wire names of the parser's Python field names, where they differ.
    """
    renamed = renamed or {}
    path = reference_path.removeprefix("#")
    if not path.startswith(_COMPONENTS):
        return None
    first, *elements = path.removeprefix(_COMPONENTS).split("/")
    key, kinds = _special_parts(first)
    node: Any = schemas.get(key)
    pointer = _COMPONENTS + escape_token(key)
    context = "object"
    for element in [None, *elements]:
        if element is not None:
            name, kinds = _special_parts(element)
            if context in ("object", "allOf"):
                found = _property(node, pointer, name, schemas)
                for wire in renamed.get(name, ()) if found is None else ():
                    # its path names a property by its Python name (`_links` is
                    # `field_links`, `from` is `from_`): its fields' original names
                    found = _property(node, pointer, wire, schemas)
                    if found is not None:
                        break
                if found is None and not kinds and _is_kind(node, "array"):
                    context = "array"  # an array model's items: `…/k/k/0#-…-object-#-…`
                    continue
                if found is None:
                    return None
                node, pointer = found
            elif context == "array" and name == "0":
                node, pointer = node.get("items"), f"{pointer}/items"
            elif context in ("anyOf", "oneOf") and name.isdigit():
                branches = _list_of(node, context)
                if int(name) >= len(branches):
                    return None
                node, pointer = branches[int(name)], f"{pointer}/{context}/{name}"
            else:
                return None
        for kind in kinds:
            if kind == "additionalProperties" and isinstance(node, dict):
                node, pointer = node.get("additionalProperties"), f"{pointer}/{kind}"
                continue
            if not _is_kind(node, kind):
                return None
            context = kind
    return pointer if isinstance(node, dict) else None


def type_tree(
    data_type: Any,
    schemas: dict[str, Any],
    renamed: Mapping[str, Sequence[str]] | None = None,
    depth: int = 0,
) -> Tree:
    """Our plain tuple tree of one of the parser's `DataType`s (see `Tree`)."""
    if depth > 100:
        return ("unknown", "nested too deep")
    tree = _core_tree(data_type, schemas, renamed or {}, depth)
    return ("null", tree) if data_type.is_optional else tree


def _core_tree(
    data_type: Any, schemas: dict[str, Any], renamed: Mapping[str, Sequence[str]], depth: int
) -> Tree:
    members = list(data_type.data_types)
    if data_type.reference is not None:
        pointer = dcg_pointer(data_type.reference.path, schemas, renamed)
        if pointer is None:
            return ("unknown", f"its model {data_type.reference.path}")
        return ("ref", pointer)
    if data_type.is_set or data_type.is_tuple or data_type.is_frozen_set:
        return ("unknown", "a set or tuple")
    if data_type.is_list:
        if len(members) != 1:
            return ("unknown", "a list of several types")
        return ("list", type_tree(members[0], schemas, renamed, depth + 1))
    if data_type.is_dict:
        key = data_type.dict_key
        if key is not None and key.type != "str":
            return ("unknown", "a map with other keys than strings")
        if not members:
            return ("dict", ("prim", "Any"))
        if len(members) != 1:
            return ("unknown", "a map of several types")
        return ("dict", type_tree(members[0], schemas, renamed, depth + 1))
    if data_type.literals or data_type.enum_member_literals:
        if members or data_type.enum_member_literals:
            return ("unknown", "literals with other types")
        return ("literal", tuple(data_type.literals))
    if members:
        return ("union", tuple(type_tree(m, schemas, renamed, depth + 1) for m in members))
    if data_type.type in PRIMITIVE_NAMES:  # the parser's type map names ours alike
        return ("prim", data_type.type)
    return ("unknown", f"type {data_type.type}")


def _format_mappings(schemas: dict[str, Any]) -> list[str]:
    """`type+format=type` for every (type, format) of the schemas: the parser is to read a
    scalar by its JSON `type` alone. Its format table makes `string`+`decimal` a
    `Decimal`, `string`+`integer` an `int` and `integer`+`date-time` a string; our classes
    keep the JSON type and carry the `format` as a field fact."""
    pairs: set[tuple[str, str]] = set()
    todo: list[Any] = [schemas]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            kind, fmt = node.get("type"), node.get("format")
            if isinstance(fmt, str) and "=" not in fmt and "+" not in fmt:
                for one in kind if isinstance(kind, list) else [kind]:
                    if one in ("string", "integer", "number", "boolean"):
                        pairs.add((one, fmt))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return [f"{kind}+{fmt}={kind}" for kind, fmt in sorted(pairs)]


@functools.cache
def _code_fingerprint() -> bytes:
    """This module's source and the parser's version: what else the inventory depends on."""
    version = importlib.metadata.version("datamodel-code-generator")
    return Path(__file__).read_bytes() + version.encode()


def _inventory_key(schemas: dict[str, Any]) -> str:
    """A cache key for the models of these schemas: their content, this module, the parser."""
    digest = hashlib.sha256(json.dumps(schemas, separators=(",", ":"), default=repr).encode())
    digest.update(_code_fingerprint())
    return digest.hexdigest() + ".models"


def parse_models(schemas: dict[str, Any], source: str) -> dict[str, ParsedModel]:
    """Run datamodel-code-generator's parser on component schemas; models by JSON pointer.

    The parser takes about 2 s on the 819 schemas of a full Stripe spec, so its result is
    kept in the parsed-spec cache ([`stripe_codegen.loader.cache_dir()`][stripe_codegen.loader.cache_dir]), keyed by the
    schemas' content, this module's source and the parser's version.
    """
    key = _inventory_key(schemas)
    cached = cache_read(key)
    if isinstance(cached, list):
        try:
            return {
                p: ParsedModel(
                    str(p),
                    bool(o),
                    tuple((str(w), bool(r)) for w, r in f),
                    tuple(str(x) for x in b),
                    tuple((str(w), _checked(t)) for w, t in t_),
                    bool(lifted),
                )
                for p, o, f, b, t_, lifted in cached
            }
        except (TypeError, ValueError):  # an entry of another shape: parse again
            pass
    models = _parse_models(schemas, source)
    cache_write(
        key,
        [(m.pointer, m.is_object, m.fields, m.bases, m.types, m.lifted) for m in models.values()],
    )
    return models


def _checked(tree: Any) -> Tree:
    """A type tree read back from the cache, or ValueError (an entry of another shape)."""
    if not (isinstance(tree, tuple) and tree and isinstance(tree[0], str)):
        raise ValueError(tree)
    return tree


def _parse_models(schemas: dict[str, Any], source: str) -> dict[str, ParsedModel]:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "stripe-schemas input", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = OpenAPIParser(
                document,  # type: ignore[arg-type]  # the base parser accepts a parsed dict
                data_model_type=AttrsModel,
                strict_nullable=True,
                enum_field_as_literal=LiteralType.All,
                use_annotated=False,
                # its plain type map (str, int, float, bool, Any, None; no constr or
                # datetime) and no format mappings: a scalar is its JSON type
                data_type_manager_type=DataTypeManager,
                type_mappings=_format_mappings(schemas),
            )
            parser.parse_raw()
    except datamodel_code_generator.Error as exc:  # its declared error type; a bug raises
        # The specs reaching here passed our own checks (parse.py); what the parser still
        # refuses is named at its schema path, in one line.
        # SchemaParseError.path: the document's pointer to a section, then raw tokens
        path = [str(part) for part in getattr(exc, "path", None) or []]
        if path and path[0].startswith("#/"):
            where = path[0][1:] + json_pointer(path[1:])
        else:
            where = "/components/schemas" + json_pointer(path)
        first = exc.message.strip().splitlines()[:1] or [type(exc).__name__]
        raise SpecError(
            SpecProblem(source, where, f"datamodel-code-generator: {first[0]}")
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        # Its own failure on a schema our checks let through: one line, not a traceback
        # (the message is the parser's, about the schema's shape; no payload is involved).
        first = str(exc).strip().splitlines()[:1] or [""]
        message = f"datamodel-code-generator failed ({type(exc).__name__}: {first[0][:200]})"
        raise SpecError(SpecProblem(source, "/components/schemas", message)) from None
    renamed: dict[str, list[str]] = {}
    for model in parser.results:
        for field in model.fields:
            wire, name = field.original_name, field.name
            if wire and name and wire != name and wire not in renamed.setdefault(name, []):
                renamed[name].append(wire)
    models: dict[str, ParsedModel] = {}
    for model in parser.results:
        ref_path = model.reference.path
        pointer = dcg_pointer(ref_path, schemas, renamed)
        if pointer is None:
            continue  # a model of the parser's own with no schema of ours (an enum class, …)
        # The inventory: components and the objects it lifts out of properties (named by
        # their place); what it lifts out of arrays, unions and compositions our walk finds.
        head, *rest = ref_path.removeprefix("#" + _COMPONENTS).split("/")
        lifted = _SPECIAL in head or any(
            kind != "object" for element in rest for kind in _special_parts(element)[1]
        )
        if pointer in models and (lifted or not models[pointer].lifted):
            continue
        is_object = isinstance(model, AttrsModel)
        own = list(model.fields) if is_object else []
        fields = tuple((f.original_name or f.name or "", bool(f.required)) for f in own)
        types = tuple(
            (f.original_name or f.name or "", type_tree(f.data_type, schemas, renamed)) for f in own
        )
        bases = tuple(
            dcg_pointer(base.reference.path, schemas, renamed) or base.reference.path
            for base in model.base_classes
            if base.reference is not None and is_object
        )
        models[pointer] = ParsedModel(pointer, is_object, fields, bases, types, lifted)
    return models
