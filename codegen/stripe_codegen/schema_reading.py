"""What a raw schema says, read the same way wherever the generator needs it: its enum
values, whether it admits `null`, the parts of an `allOf` that shape it, the words that
name an inline object, and the cases where datamodel-code-generator's type tree is lossy
(`fallback_rule`). `parse` builds the intermediate model from these."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from stripe_schemas.model import ecma_regex, escape_token, unescape_token

from ._dcg import Tree
from .compositions import composed_definitions, joins, redefines
from .ir import EnumValue
from .keywords import (
    REF_PREFIX,
    _ref_key,
    _schemas_of,
    _shape_parts,
    _widen,
    only_describes,
    value_kinds,
)
from .select import schema_pointer


def string_max_length(schema: Any, schemas: Mapping[str, Any] | None = None) -> int | None:
    """The `maxLength` of a property's strings, wherever they are: the property itself, its
    array items, its map values, its `anyOf` branches, its `allOf` parts (the tightest
    limit holds) and, with the component `schemas`, the aliases it refers to (not a class:
    its fields have their own limits). `None` when there is none, or when two places
    disagree, a string without a limit among them: the converters hold a field's strings
    to one limit."""
    found = _string_limits(schema, schemas, frozenset())
    return found.pop() if len(found) == 1 else None


def _string_limits(
    node: Any, schemas: Mapping[str, Any] | None, seen: frozenset[str]
) -> set[int | None]:
    """The `maxLength`s of the strings a schema holds (None: a string with no limit)."""
    if not isinstance(node, dict):
        return set()
    ref = node.get("$ref")
    if isinstance(ref, str):
        key = unescape_token(ref.removeprefix(REF_PREFIX))
        target = schemas.get(key) if schemas is not None and key not in seen else None
        if not isinstance(target, dict) or is_class_schema(target, schemas or {}):
            return set()
        return _string_limits(target, schemas, seen | {key})
    found: set[int | None] = set()
    limit = node.get("maxLength")
    kind = node.get("type")
    if type(limit) is int:
        found.add(limit)
    elif (kind == "string" or (isinstance(kind, list) and "string" in kind)) and not (
        "enum" in node or "const" in node  # its values are listed: no free string
    ):
        found.add(None)  # a string with no limit
    for key in ("items", "additionalProperties"):
        found |= _string_limits(node.get(key), schemas, seen)
    for keyword in ("anyOf", "oneOf"):
        for branch in _schemas_of(node, keyword):
            found |= _string_limits(branch, schemas, seen)
    parts = [_string_limits(part, schemas, seen) for _, part in _shape_parts(node)]
    if parts and "properties" not in node:  # a scalar's parts: every limit holds
        limits = {x for part in parts for x in part if x is not None} | {
            x for x in found if x is not None
        }
        if limits:
            found = {min(limits)}
        elif any(parts):
            found.add(None)
    return found


#: The limits the classes carry: keyword → (the JSON kind it limits, `Limits` attribute).
CARRIED_LIMITS = {
    "minLength": ("string", "min_length"),
    "pattern": ("string", "pattern"),
    "minimum": ("number", "minimum"),
    "maximum": ("number", "maximum"),
    "exclusiveMinimum": ("number", "exclusive_minimum"),
    "exclusiveMaximum": ("number", "exclusive_maximum"),
    "minItems": ("array", "min_items"),
    "maxItems": ("array", "max_items"),
}
#: Limits `schemas.json` asserts that the classes do not carry (`validate` checks them).
UNCARRIED_LIMITS = ("multipleOf", "uniqueItems", "minProperties", "maxProperties")


def field_limits(
    schema: Any, schemas: Mapping[str, Any], pointer: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The limits of a field's values besides `maxLength` (`Limits` attribute → value), read
    as `string_max_length` reads that one: a limit holds for every value of its kind in the
    field (its list items, map values, union branches and the aliases it refers to), so it
    is carried only where every such place says the same. Also (pointer, warning) for each
    limit `schemas.json` asserts that the classes do not carry."""
    places = list(_limit_places(schema, schemas, pointer, frozenset()))
    carried: dict[str, Any] = {}
    left: list[tuple[str, str]] = []
    enums = [(p, w) for p, _, w in places if "enum" in p or "const" in p]
    for keyword, (kind, name) in CARRIED_LIMITS.items():
        values = []
        at = next((w for p, w in enums if keyword in p), None)  # an enum's: not checked
        for place, kinds, where in places:
            if (kinds is None or "enum" in place or "const" in place) and keyword not in place:
                continue  # any value, or listed values: no free value of its kind
            if kinds is not None and not (
                kind in kinds or (kind == "number" and "integer" in kinds)
            ):
                continue
            value = normal_limits(place).get(keyword)
            values.append(value)
            at = at or (where if value is not None else None)
        if not values or at is None:
            continue
        same = all(v == values[0] for v in values) and not any(keyword in p for p, _ in enums)
        if same and _valid_limit(keyword, values[0]):
            carried[name] = values[0]
        else:
            left.append((at, keyword))
    for place, _, where in places:
        left += [(where, keyword) for keyword in UNCARRIED_LIMITS if keyword in place]
    lengths = _string_limits(schema, schemas, frozenset())
    if len(lengths) > 1:  # `string_max_length` carries none: validate checks each alone
        left.append((pointer, "maxLength"))
    return carried, [(where, _uncarried(keyword)) for where, keyword in left]


def extra_limits(schema: Any, schemas: Mapping[str, Any], pointer: str) -> list[tuple[str, str]]:
    """(pointer, warning) for each limit on the values of an object's declared other keys
    (`additionalProperties` beside `properties`): `_extra` carries none of them."""
    keywords = ("maxLength", *CARRIED_LIMITS, *UNCARRIED_LIMITS)
    return [
        (
            where,
            f"{keyword!r} is checked by validate only, not by loads: other keys' values "
            "carry no limits",
        )
        for place, _, where in _limit_places(schema, schemas, pointer, frozenset())
        for keyword in keywords
        if keyword in place
    ]


def _uncarried(keyword: str) -> str:
    why = (
        "the classes do not carry it"
        if keyword in UNCARRIED_LIMITS
        else "the classes carry it only where every value of its kind in the field has it"
        " (not on an enum), and in a pattern Python's re can read"
    )
    return f"{keyword!r} is checked by validate only, not by loads: {why}"


def _tighter(keyword: str, before: Any, value: Any) -> Any:
    """The limit two `allOf` parts set together (both hold): the tighter one."""
    if before is None or before == value:
        return value
    numbers = (int, float)
    if type(before) in numbers and type(value) in numbers and keyword != "multipleOf":
        lower = keyword.startswith(("min", "exclusiveMin"))
        return max(before, value) if lower else min(before, value)
    return ()  # two patterns (or flags) at once: not one limit the classes can carry


def _valid_limit(keyword: str, value: Any) -> bool:
    if keyword == "pattern":
        try:
            ecma_regex(value)
        except (re.error, TypeError):  # ECMA's `\\p{L}`, `(?<name>…)`: validate's alone
            return False
        return True
    if keyword in ("minLength", "minItems", "maxItems"):
        return type(value) is int and value >= 0
    return type(value) in (int, float)


def normal_limits(place: dict[str, Any]) -> dict[str, Any]:
    """A place's limits with OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum`
    read as 3.1's bounds (`minimum: 0, exclusiveMinimum: true` → `exclusiveMinimum: 0`)."""
    out = dict(place)
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if flag is True and bound in out:
            out[exclusive] = out.pop(bound)
        elif isinstance(flag, bool):
            del out[exclusive]
    return out


def _limit_places(
    node: Any, schemas: Mapping[str, Any], pointer: str, seen: frozenset[str]
) -> Iterator[tuple[dict[str, Any], frozenset[str] | None, str]]:
    """(schema, the JSON kinds of its values, its pointer) of each place of a field that
    can carry limits: the field, its items, map values, branches and scalar `allOf` parts,
    through the aliases it refers to (a class's fields are places of their own)."""
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        key = unescape_token(ref.removeprefix(REF_PREFIX))
        target = schemas.get(key) if ref.startswith(REF_PREFIX) and key not in seen else None
        if isinstance(target, dict) and not is_class_schema(target, schemas):
            yield from _limit_places(target, schemas, schema_pointer(key), seen | {key})
        return
    limits = set(CARRIED_LIMITS) | set(UNCARRIED_LIMITS)
    kinds = value_kinds(node, schemas)
    parts = _shape_parts(node) if "allOf" in node and "properties" not in node else []
    if parts and kinds and not kinds & {"object", "array"}:  # a scalar: its parts' limits
        merged = normal_limits({k: v for k, v in node.items() if k != "allOf"})
        for index, part in parts:
            for place, _, _ in _limit_places(part, schemas, f"{pointer}/allOf/{index}", seen):
                for keyword, value in normal_limits(place).items():
                    if keyword in limits:
                        merged[keyword] = _tighter(keyword, merged.get(keyword), value)
        yield merged, kinds, pointer
        return
    if "type" in node or "enum" in node or "const" in node or limits & set(node):
        kinds = value_kinds({k: v for k, v in node.items() if k not in ("allOf",)}, schemas)
        yield node, kinds, pointer
    if node.get("properties"):  # a class: its fields are places of their own
        return
    for key in ("items", "additionalProperties"):
        yield from _limit_places(node.get(key), schemas, f"{pointer}/{key}", seen)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for index, branch in enumerate(_schemas_of(node, keyword)):
            yield from _limit_places(branch, schemas, f"{pointer}/{keyword}/{index}", seen)


def declared_extra(
    schema: Any, pointer: str, schemas: Mapping[str, Any], seen: frozenset[str] = frozenset()
) -> tuple[Any, str] | None:
    """(`additionalProperties`, its pointer) of an object composed by `allOf`: the last
    declaration among its parts (references followed, in order) and then its own, as a
    field defined again replaces the earlier one; None when none declares its other keys."""
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        key = _ref_key(schema, seen)
        found = None if key is None else schemas.get(key)
        return (
            None
            if key is None
            else declared_extra(found, schema_pointer(key), schemas, seen | {key})
        )
    found = None
    for index, part in _shape_parts(schema) if "allOf" in schema else []:
        inner = declared_extra(part, f"{pointer}/allOf/{index}", schemas, seen)
        found = inner if inner is not None else found
    if "additionalProperties" in schema:
        found = (schema["additionalProperties"], pointer + "/additionalProperties")
    return found


def is_class_schema(schema: Any, schemas: Mapping[str, Any]) -> bool:
    """Whether a component schema is generated as a class: an object that declares
    properties, itself or through its `allOf` parts."""
    if not isinstance(schema, dict):
        return False
    if "properties" in schema:
        return True
    parts = _shape_parts(schema) if "allOf" in schema else []
    kinds = value_kinds(schema, schemas) if parts else None
    return bool(parts) and kinds is not None and "object" in kinds


#: Tokens of a schema pointer that say how a schema is built, not which field it is.
_STRUCTURE = frozenset({"properties", "items", "additionalProperties", "anyOf", "oneOf"})


def _where(pointer: str) -> str:
    """How `--names` names what is defined at a schema pointer: the schema key, then the
    fields on the way (`/components/schemas/k/properties/p/anyOf/0` → `k.p`)."""
    tokens = [unescape_token(t) for t in pointer.split("/")[3:]]
    fields = [t for t in tokens[1:] if t not in _STRUCTURE and not t.isdigit()]
    return ".".join([tokens[0], *fields])


def _ref_pointer(ref: str) -> str:
    return schema_pointer(unescape_token(ref.removeprefix(REF_PREFIX)))


def _field_tokens(tokens: Sequence[str], schema: Any) -> list[str]:
    """The words that name an inline object below a component, from its schema path:
    property names, `item` for an array's items, `value` for a map's values and, for a
    branch of a union of several inline objects, the branch's own word (`_branch_word`).
    `properties/p/items/properties/q` → `[p, item, q]`."""
    names: list[str] = []
    node: Any = schema
    index = 0
    while index < len(tokens):
        token = unescape_token(tokens[index])
        if token == "properties" and index + 1 < len(tokens):
            names.append(unescape_token(tokens[index + 1]))
            node = _child(_child(node, token), unescape_token(tokens[index + 1]))
            index += 2
        elif token in ("anyOf", "oneOf", "allOf") and index + 1 < len(tokens):
            branches = _child(node, token)
            position = int(tokens[index + 1]) if tokens[index + 1].isdigit() else -1
            if token != "allOf" and isinstance(branches, list):
                word = _branch_word(branches, position)
                if word is not None:
                    names.append(word)
            node = branches[position] if isinstance(branches, list) and position >= 0 else None
            index += 2
        else:  # an object in an array is named as an item, in a map as a value
            if token in ("items", "additionalProperties"):
                names.append("item" if token == "items" else "value")
            node = _child(node, token)
            index += 1
    return names


def _child(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def _branch_word(branches: list[Any], index: int) -> str | None:
    """What tells one inline object of a union from the others, as a name: its `title`;
    else the first schema its `allOf` refers to; else the first property it requires that
    no other branch requires; else the value of a property fixed to one value (`const`).
    None when the union has fewer than two inline branches (nothing to tell apart) or the
    branch has none of these (the name clash is then reported, for `--names` to settle)."""
    inline = [b for b in branches if isinstance(b, dict) and "$ref" not in b and not _is_null(b)]
    if len(inline) < 2 or not 0 <= index < len(branches):
        return None
    branch = branches[index]
    if not isinstance(branch, dict) or branch not in inline:
        return None
    title = branch.get("title")
    if isinstance(title, str) and title.strip():
        return title
    for part in _schemas_of(branch, "allOf"):
        if isinstance(part, dict) and isinstance(part.get("$ref"), str):
            return unescape_token(part["$ref"].rsplit("/", 1)[-1])
    others: set[str] = set()
    for other in inline:
        if other is not branch:
            others.update(str(r) for r in other.get("required") or ())
    for wire in branch.get("required") or ():
        if isinstance(wire, str) and wire not in others:
            return wire
    props = branch.get("properties")
    for prop in (props if isinstance(props, dict) else {}).values():
        if isinstance(prop, dict):
            values = [prop["const"]] if "const" in prop else prop.get("enum")
            if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
                return values[0]
    return None


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or (schema.get("enum") == [None])
    )


def admits_null(
    schema: Any, schemas: Mapping[str, Any] | None = None, memo: dict[str, bool] | None = None
) -> bool:
    """Whether `null` is a value of a schema, as `schemas.json` reads it (the one rule for
    the classes' `| None` and for `jsonschema_out`'s merged `allOf`s).

    OpenAPI 3.0's `nullable: true` admits it whatever else the schema says (`schemas.json`
    lets `null` past every assertion of such a schema); beside a `$ref` nothing else counts.
    Otherwise every keyword must let `null` through and one must name it: a `type` that is
    or lists `"null"`, an `enum` with `null`, a `const` of `null`, an `anyOf`/`oneOf` branch
    that admits it, an `allOf` whose every part does. A schema that names none (such as an
    object's `properties` alone) is read as not admitting it, as its class reads it.

    With the component `schemas`, references are followed (GitHub's
    `nullable-simple-user`); `memo` keeps each component's answer (and ends a cycle).
    """
    if not isinstance(schema, dict):
        return False
    if schema.get("nullable") is True:
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if schemas is None or not ref.startswith(REF_PREFIX):
            return False
        key = unescape_token(ref[len(REF_PREFIX) :])
        memo = {} if memo is None else memo
        if key not in memo:
            memo[key] = False  # while it is being read: a cycle admits nothing more
            memo[key] = admits_null(schemas.get(key), schemas, memo)
        return memo[key]
    named = False
    kind = schema.get("type")
    if kind is not None:
        if not (kind == "null" or (isinstance(kind, list) and "null" in kind)):
            return False
        named = True
    if "enum" in schema:
        if not (isinstance(schema["enum"], list) and None in schema["enum"]):
            return False
        named = True
    if "const" in schema:
        if schema["const"] is not None:
            return False
        named = True
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            branches = _schemas_of(schema, keyword)
            if not any(_is_null(b) or admits_null(b, schemas, memo) for b in branches):
                return False
            named = True
    if "allOf" in schema:
        parts = [part for _, part in _shape_parts(schema)]
        if not parts or not all(admits_null(p, schemas, memo) for p in parts):
            return False
        named = True
    return named


def is_enum_schema(schema: Any) -> bool:
    """A schema whose values are listed (`enum`) or fixed (`const`): a `Literal` alias."""
    return (
        isinstance(schema, dict)
        and ("enum" in schema or "const" in schema)
        and not ("properties" in schema or "$ref" in schema)
    )


def _enum_values(schema: dict[str, Any]) -> tuple[EnumValue, ...]:
    if "const" in schema:
        return (schema["const"],) if schema["const"] is not None else ()
    return tuple(v for v in schema["enum"] if v is not None)


def fallback_rule(schema: dict[str, Any]) -> str | None:
    """Why a part of a field's type is read from the raw schema and not from
    datamodel-code-generator's tree (None: its tree is used). Each rule names a case its
    tree is lossy for, and holds wherever in a field the schema is (the field itself, its
    items, its map values, a branch):

    * `expandable`: Stripe's `x-expansionResources` (an `anyOf` of an ID string and the
      expanded objects) is an `ExpandableOf`; its tree is a plain union of `str` and refs;
    * `null enum`: an enum that lists `null` and no other value (or no value at all): its
      tree holds a broken `None` member, and `enum: []` is a problem we report;
    * `empty object`: an object with no properties and `additionalProperties: false` holds
      no key: a class with no fields (its tree: a map of any value).
    """
    if isinstance(schema.get("x-expansionResources"), dict):
        return "expandable"
    if schema.get("additionalProperties") is False and not schema.get("properties"):
        return "empty object"
    if is_enum_schema(schema) and not _enum_values(schema):
        return "null enum"
    return None


def _typed(values: Sequence[EnumValue]) -> list[tuple[str, EnumValue]]:
    """Values to compare with their types (`True == 1` in Python, not in JSON)."""
    return [(type(v).__name__, v) for v in values]


def _plain(tree: Tree) -> Tree:
    """A tree in the shape our types have: a union of one member is that member, and the
    `null` members of a union (its `null` branches) are its `("null", …)` (as `is_optional`
    says it): a field's `nullable`, an item's `| None`."""
    if tree[0] == "null":
        inner = _plain(tree[1])
        return inner if inner[0] == "null" else ("null", inner)
    if tree[0] != "union":
        return tree
    members = [m for m in tree[1] if m != ("prim", "None")]
    if not members:  # only `null`
        return ("prim", "None")
    inner = _plain(members[0]) if len(members) == 1 else ("union", tuple(members))
    if len(members) < len(tree[1]):
        return inner if inner[0] == "null" else ("null", inner)
    return inner


def _definitions(raw: dict[str, Any], pointer: str) -> list[tuple[str, Any, str]]:
    """(wire name, property schema, its pointer) of every definition of an own property of
    an object: those of its inline `allOf` parts, in order, then its `properties`."""
    found: list[tuple[str, Any, str]] = []
    for index, part in _shape_parts(raw):
        if isinstance(part, dict) and "$ref" not in part:
            found += _definitions(part, f"{pointer}/allOf/{index}")
    props = raw.get("properties")
    for wire, prop in (props if isinstance(props, dict) else {}).items():
        found.append((wire, prop, f"{pointer}/properties/{escape_token(wire)}"))
    return found


def redefinitions(raw: Any, pointer: str, schemas: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(pointer, warning): one for an `allOf` object whose parts give a property an earlier
    part (referenced or inline) defines another schema. The classes and `schemas.json`
    take the last definition (`merge_all_of`), where JSON Schema asks for every one. A
    `{}`, or the earlier schema in other words, changes nothing and is not counted."""
    if not isinstance(raw, dict) or not raw.get("allOf"):
        return []
    last: dict[str, Any] = {}
    found: dict[str, None] = {}
    for wire, prop, _ in composed_definitions(raw, pointer, schemas, frozenset()):
        earlier = last.get(wire)
        # (`compositions` joins those it can; an earlier one joined to a shared later holds it)
        if redefines(prop, earlier) and not joins(earlier, prop):
            found[wire] = None
        if wire not in last or not only_describes(prop):
            last[wire] = prop
    if not found:
        return []
    names = ", ".join(repr(w) for w in list(found)[:4]) + (", …" if len(found) > 4 else "")
    return [
        (
            pointer,
            f"allOf parts define {len(found)} {_plural(len(found))} again with "
            f"{'another schema' if len(found) == 1 else 'other schemas'} ({names}): "
            "the classes and validate take the last definition, where JSON Schema asks for "
            "every one",
        )
    ]


def undeclared_required(
    raw: Any, pointer: str, schemas: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(pointer, warning) for an object whose `required` lists a key that none of its parts
    defines (GitHub's `required: [tags]` beside `properties: {tag: …}`): `schemas.json`
    keeps the entry, the class has no field for it."""
    defined = {wire for wire, _, _ in composed_definitions(raw, pointer, schemas, frozenset())}
    missing = [r for r in _composed_required(raw, schemas, frozenset()) if r not in defined]
    if not missing:
        return []
    names = ", ".join(repr(r) for r in dict.fromkeys(missing))
    return [
        (
            pointer,
            f"'required' is checked by validate only, not by loads, for {names}: no "
            "property defines it, so the class has no field for it",
        )
    ]


def _composed_required(node: Any, schemas: Mapping[str, Any], seen: frozenset[str]) -> list[str]:
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        key = _ref_key(node, seen)
        target = schemas.get(key) if key is not None else None
        return _composed_required(target, schemas, seen | {str(key)})
    found = [r for r in node.get("required") or () if isinstance(r, str)]
    for _, part in _shape_parts(node):
        found += _composed_required(part, schemas, seen)
    return found


def _plural(count: int) -> str:
    return "property" if count == 1 else "properties"


def _defined_twice(raw: dict[str, Any], pointer: str) -> set[str]:
    """The own properties of an object that more than one of its parts defines."""
    counts = Counter(wire for wire, _, _ in _definitions(raw, pointer))
    return {wire for wire, count in counts.items() if count > 1}


def _wrapped(schema: dict[str, Any], pointer: str) -> tuple[Any, str] | None:
    """The schema (and its pointer) inside a wrapper that only says `nullable`: an
    `anyOf`/`oneOf` with one branch that is not `null`, an `allOf` with one part that
    gives a shape (None: `schema` is no such wrapper). The parser resolves through them."""
    if "$ref" in schema:
        return None
    if "anyOf" in schema or "oneOf" in schema:
        keyword = "anyOf" if "anyOf" in schema else "oneOf"
        listed = [(i, b) for i, b in enumerate(_schemas_of(schema, keyword)) if not _is_null(b)]
        if len(listed) == 1:
            return listed[0][1], f"{pointer}/{keyword}/{listed[0][0]}"
    elif "allOf" in schema and "properties" not in schema and len(_shape_parts(schema)) == 1:
        index, part = _shape_parts(schema)[0]
        return part, f"{pointer}/allOf/{index}"
    return None


def _enum_branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The branches of an `anyOf`/`oneOf` that are all enums (two or more; else none):
    one `Literal` of all their values."""
    keyword = "anyOf" if "anyOf" in schema else "oneOf"
    listed = [b for b in _schemas_of(schema, keyword) if not _is_null(b)]
    if len(listed) > 1 and all(is_enum_schema(b) for b in listed):
        return listed
    return []


def resolve(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The schema at a JSON pointer of the spec (`{}` where there is none)."""
    node: Any = document
    for token in pointer.split("/")[1:]:
        if isinstance(node, list):
            node = node[int(token)] if token.isdigit() and int(token) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(unescape_token(token))
        else:
            return {}
    return node if isinstance(node, dict) else {}


def scalar_part(parts: list[tuple[int, Any]], schemas: Mapping[str, Any]) -> tuple[int, Any] | None:
    """The part of an `allOf` that says what its values are, when they are not objects
    (`allOf: [{$ref: Name}, {maxLength: 5}]`); None for a composed object. Of several, the
    narrowest: one whose JSON types every other part allows (`string` beside `integer or
    string`, `integer` beside `number`), listed values (`enum`, `const`) first, else the
    first."""
    kinds = [(part, value_kinds(part[1], schemas)) for part in parts]
    typed = [(part, k) for part, k in kinds if k is not None]
    if not typed or any("object" in k for _, k in typed):
        return None
    narrowest = [p for p, k in typed if all(k <= _widen(other) for _, other in typed)]
    listed = [p for p in narrowest if _listed(p[1], schemas)]
    return (listed or narrowest or [typed[0][0]])[0]


def _listed(schema: Any, schemas: Mapping[str, Any], depth: int = 0) -> bool:
    """Whether a schema (or the component it refers to) lists its values."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and depth < 20:
        key = _ref_key(schema, frozenset())
        return key is not None and _listed(schemas.get(key), schemas, depth + 1)
    return is_enum_schema(schema)


def non_object_parts(
    raw: dict[str, Any], pointer: str, schemas: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(pointer, problem) of each `allOf` part of a class whose values are never objects:
    no value is both."""
    problems = []
    for index, part in _shape_parts(raw):
        kinds = value_kinds(part, schemas)
        if kinds is not None and "object" not in kinds:
            said = " or ".join(sorted(kinds)) or "null"
            message = f"allOf part is {said}, never an object: no value is both"
            problems.append((f"{pointer}/allOf/{index}", message))
    return problems


#: A primitive's JSON type (`Any` has none in particular).
_JSON_TYPE_OF = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "list": "array",
    "dict": "object",
}


def tree_fits(tree: Tree, schema: Any, schemas: Mapping[str, Any]) -> bool:
    """Whether the type of datamodel-code-generator's tree (a primitive, `Any`, a list, a
    dict) is one the schema says its values have (`int` for `integer`, `float` for
    `number`; a schema that says nothing fits any); other trees are checked where they
    are read."""
    if tree[0] not in ("prim", "list", "dict"):
        return True
    kinds = value_kinds(schema, schemas)
    json_type = _JSON_TYPE_OF.get(str(tree[1]) if tree[0] == "prim" else tree[0])
    return kinds is None or json_type in kinds
