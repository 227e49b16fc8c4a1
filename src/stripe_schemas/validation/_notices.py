"""Lenient notices without a failed strict check: a walk of the payload against the schema.

A payload from a newer API version than the models passes the lenient variant of its
schema (see `_schema`) and fails the strict one only where it has fields the
schema does not declare, or enum values it does not list. In lenient mode those are
notices, and nothing else is wrong with it. Asking an engine for the strict variant's
error list to find them costs ten to a hundred times a clean check; this module finds
them by walking the payload against what the strict variant declares:

* an object with declared `properties` and no `additionalProperties` is closed
  (every other key is an `unknown_field`); an `additionalProperties` schema walks
  the values of the undeclared keys;
* an `enum` lists the values it accepts (`unknown_enum_value` otherwise);
* `items` walks every item; `anyOf`/`oneOf` walks the one branch that accepts the
  value's JSON type.

The walk only runs on a payload the lenient check (with the rules) accepted, so the
types are right. Where it cannot tell what the strict check would say (several branches
of an `anyOf` take the value's type, a keyword it does not model, a key that is not a
string, a value in an unknown field that is not plain JSON), it gives up and the
validator takes the detailed path, which is always right. A property test holds the two
together: on every payload the walk answers for, its issues are the detailed path's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from ..io import check_value
from ..issues import Issue, is_sensitive, resource_root
from ..model import def_key, pointer
from ._classify import enum_issue, tidy, unknown_field_issue
from ._report import Mode, Report, merge_issues
from ._schema import Tokens

#: Where a value sits, as a linked list `(parent, token)` (None: the root); flattened to
#: tokens only for a notice, so walking costs one pair per level.
Path = tuple[Any, str | int] | None

#: A notice before the mode and the message are given: (path, kind, what), where kind is
#: `"field"` (what: the key) or `"enum"` (what: (the value's type, the value, the allowed
#: values); the type keeps `1`, `1.0` and `true` apart where raws are compared).
Raw = tuple[Path, str, Any]

#: Walks a value at a path, appending what it finds; raises `GiveUp`.
Walk = Callable[[Any, Path, list[Raw]], None]


class GiveUp(Exception):
    """The walk cannot tell what the strict check would say here (the detailed path decides)."""


class Unsupported(Exception):
    """A schema uses a keyword the walk does not model (the key never takes this path)."""


#: Keywords whose meaning the walk models, or which cannot make the strict variant refuse
#: what the lenient one accepts (they are the same in both).
_MODELLED: Final = frozenset(
    {
        "$ref",
        "anyOf",
        "oneOf",
        "enum",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "format",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "const",
        "nullable",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)

#: JSON type → the Python types of its decoded values ("other": what JSON cannot hold).
_PYTHON_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (float,),
    "boolean": (bool,),
    "null": (type(None),),
    "other": (),
}
_EVERY_TYPE: Final = frozenset(_PYTHON_TYPES)
_ABSENT: Any = object()
#: Values `check_value()` never objects to.
_PLAIN: Final = frozenset({str, bool, type(None)})


def _odd(value: Any) -> bool:
    """Whether a value is a subclass of dict or list: jsonschema-rs reads it as one, the walk's
    dispatch by exact type would not (so the walk gives up on it)."""
    return isinstance(value, (dict, list)) and type(value) is not dict and type(value) is not list


def _type_of(value: Any) -> str:
    for name, types in _PYTHON_TYPES.items():
        if type(value) in types:
            return name
    return "other"


def tokens_of(path: Path) -> Tokens:
    """The tokens of a linked path, root first."""
    out: list[str | int] = []
    while path is not None:
        path, token = path
        out.append(token)
    return tuple(reversed(out))


class _Enum:
    """The walk of an `enum`: a value it does not list is a notice."""

    __slots__ = ("allowed", "only_strings", "strings")

    def __init__(self, values: Any) -> None:
        self.allowed: tuple[Any, ...] = tuple(values) if isinstance(values, list) else ()
        self.strings = frozenset(v for v in self.allowed if type(v) is str)
        #: Whether it lists only strings (and null): a value of another type is one the
        #: lenient check has refused already.
        self.only_strings = all(type(v) is str or v is None for v in self.allowed)

    def __call__(self, value: Any, path: Path, out: list[Raw]) -> None:
        if type(value) is str:
            if value in self.strings:
                return
        elif value is None or any(_same_json(v, value) for v in self.allowed):
            return
        out.append((path, "enum", (type(value), value, self.allowed)))


def _same_json(listed: Any, value: Any) -> bool:
    """JSON Schema's equality: `1` and `1.0` are equal, `true` and `1` are not."""
    if type(listed) is bool or type(value) is bool:
        return type(listed) is type(value) and listed == value
    if type(listed) in (int, float) and type(value) in (int, float):
        return bool(listed == value)
    return type(listed) is type(value) and bool(listed == value)


class _AnyOf:
    """The walk of an `anyOf`/`oneOf`: the one branch that takes the value's type."""

    __slots__ = ("table",)

    def __init__(self, table: dict[type, Walk]) -> None:
        self.table = table

    def __call__(self, value: Any, path: Path, out: list[Raw]) -> None:
        walk = self.table.get(type(value))
        if walk is not None:
            walk(value, path, out)


def _give_up(value: Any, path: Path, out: list[Raw]) -> None:
    raise GiveUp


def _enum_items(walk: _Enum) -> Walk:
    strings = walk.strings

    def walk_enum_items(value: Any, path: Path, out: list[Raw]) -> None:
        if _odd(value):
            raise GiveUp
        if type(value) is list:
            try:
                if strings.issuperset(value):
                    return
            except TypeError:  # an item that cannot be hashed: each is looked at
                pass
            for index, item in enumerate(value):
                walk(item, (path, index), out)

    return walk_enum_items


class _Closed:
    """The walk of a closed object with nothing below it that can be a notice: only its
    keys are looked at (by the object that holds it, without a call, when they are all known)."""

    __slots__ = ("known",)

    def __init__(self, known: frozenset[str]) -> None:
        self.known = known

    def __call__(self, value: Any, path: Path, out: list[Raw]) -> None:
        if type(value) is dict:
            if not self.known.issuperset(value):
                _unknown_keys(value, self.known, path, out)
        elif _odd(value):
            raise GiveUp


def _unknown_keys(value: dict[Any, Any], known: frozenset[str], path: Path, out: list[Raw]) -> None:
    """The undeclared keys of a closed object, as notices."""
    for key, sub in value.items():
        if key in known:
            continue
        if type(key) is not str:
            raise GiveUp
        if type(sub) not in _PLAIN and check_value(sub) is not None:
            raise GiveUp  # not plain JSON: the detailed path says what
        out.append(((path, key), "field", key))


def _items(walk: Walk) -> Walk:
    def walk_items(value: Any, path: Path, out: list[Raw]) -> None:
        if type(value) is list:
            for index, item in enumerate(value):
                walk(item, (path, index), out)
        elif _odd(value):
            raise GiveUp

    return walk_items


class Walker:
    """The walks of one schema document's strict `$defs`, compiled on first use."""

    def __init__(self, defs: Mapping[str, Any]) -> None:
        self._defs = defs
        self._walks: dict[str, Walk | None] = {}
        self._compiling: set[str] = set()

    def for_key(self, key: str) -> Walk | None:
        """The walk of a schema key (None: nothing in it can be a notice).

        Raises `Unsupported` when the key's schema uses a keyword the walk does
        not model.
        """
        if key in self._walks:
            return self._walks[key]
        if key not in self._defs:
            raise Unsupported(f"a reference to {key!r}, which is not in $defs")
        if key in self._compiling:  # a cycle: the walk is looked up by name when it runs
            walks = self._walks

            def by_name(value: Any, path: Path, out: list[Raw]) -> None:
                walk = walks.get(key, _give_up)
                if walk is not None:
                    walk(value, path, out)

            return by_name
        outermost = not self._compiling
        before = set(self._walks)
        self._compiling.add(key)
        try:
            walk = self._compile(self._defs[key])
        except Unsupported:
            if outermost:  # walks compiled meanwhile may refer to this key by name: none is kept
                for compiled in set(self._walks) - before:
                    del self._walks[compiled]
            raise
        finally:
            self._compiling.discard(key)
        self._walks[key] = walk
        return walk

    def _compile(self, schema: Any) -> Walk | None:
        if schema is True or schema == {}:
            return None
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object")
        for keyword in schema:
            if keyword not in _MODELLED and not keyword.startswith("x-"):
                raise Unsupported(f"the keyword {keyword!r}")
        parts: list[Walk] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = def_key(ref)
            if target is None:
                raise Unsupported(f"the reference {ref!r}")
            walk = self.for_key(target)
            if walk is not None:
                parts.append(walk)
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list):
                walk = self._any_of(branches)
                if walk is not None:
                    parts.append(walk)
        if "enum" in schema:
            parts.append(_Enum(schema["enum"]))
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        if isinstance(properties, dict) or extra not in (None, True, False):
            walk = self._object(properties or {}, extra)
            if walk is not None:
                parts.append(walk)
        items = schema.get("items")
        if items is not None:
            walk = self._compile(items)
            if walk is not None:
                parts.append(_items(walk))
                if isinstance(walk, _Enum) and walk.only_strings:
                    parts[-1] = _enum_items(walk)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        every = tuple(parts)

        def all_of(value: Any, path: Path, out: list[Raw]) -> None:
            for walk in every:
                walk(value, path, out)

        return all_of

    def _object(self, properties: dict[str, Any], extra: Any) -> Walk | None:
        closed = extra is None or extra is False
        known = frozenset(properties)
        #: Declared fields whose value is a string enum: checked inline (no call per field),
        #: with whether the enum lists null.
        enums: list[tuple[str, frozenset[str], tuple[Any, ...], bool]] = []
        #: Declared fields behind an `anyOf`: the branch picked inline by the value's type.
        tables: list[tuple[str, dict[type, Walk]]] = []
        #: Declared fields whose object (when it is one) is closed with nothing below.
        leaves: list[tuple[str, frozenset[str]]] = []
        #: Declared fields with anything else below them that can be a notice.
        nested: list[tuple[str, Walk]] = []
        for name, sub in properties.items():
            walk = self._compile(sub)
            if walk is None or (name == "object" and isinstance(walk, _Enum)):
                continue  # the lenient check asserts the ``object`` tag itself
            if isinstance(walk, _AnyOf) and set(walk.table) == {dict}:
                walk = walk.table[dict]
            if isinstance(walk, _Enum) and walk.only_strings:
                enums.append((name, walk.strings, walk.allowed, None in walk.allowed))
            elif isinstance(walk, _Closed):
                leaves.append((name, walk.known))
            elif isinstance(walk, _AnyOf):
                tables.append((name, walk.table))
            else:
                nested.append((name, walk))
        rest = None if closed or extra is True else self._compile(extra)
        if not (enums or tables or nested or leaves or rest):
            return _Closed(known) if closed else None
        absent = _ABSENT
        inline, dispatch, inner, closed_below = (
            tuple(enums),
            tuple(tables),
            tuple(nested),
            tuple(leaves),
        )

        def walk_object(value: Any, path: Path, out: list[Raw]) -> None:
            if type(value) is not dict:
                if _odd(value):
                    raise GiveUp
                return  # another type: its own branch or check decides
            if not known.issuperset(value):
                if closed:
                    _unknown_keys(value, known, path, out)
                elif rest is not None:
                    for key, sub in value.items():
                        if key in known or sub is None:
                            continue
                        if type(key) is not str:
                            raise GiveUp
                        rest(sub, (path, key), out)
            for name, strings, allowed, null_listed in inline:
                sub = value.get(name, absent)
                if type(sub) is str:
                    if sub not in strings:
                        out.append(((path, name), "enum", (str, sub, allowed)))
                elif sub is None and not null_listed:  # the type takes null, the enum does not
                    out.append(((path, name), "enum", (type(None), sub, allowed)))
            for name, table in dispatch:
                sub = value.get(name, absent)
                walk = table.get(type(sub))
                if walk is not None:
                    walk(sub, (path, name), out)
                elif _odd(sub):
                    raise GiveUp
            for name, walk in inner:
                sub = value.get(name)
                if sub is not None:  # null never holds a notice: the lenient check took its type
                    walk(sub, (path, name), out)
            for name, known_below in closed_below:
                sub = value.get(name)
                if type(sub) is dict:
                    if not known_below.issuperset(sub):
                        _unknown_keys(sub, known_below, (path, name), out)
                elif _odd(sub):
                    raise GiveUp

        return walk_object

    def _any_of(self, branches: list[Any]) -> Walk | None:
        by_type: dict[str, list[Walk | None]] = {kind: [] for kind in _PYTHON_TYPES}
        for branch in branches:
            walk = self._compile(branch)
            for kind in self._accepts(branch):
                by_type[kind].append(walk)
        table: dict[type, Walk] = {}
        for kind, walks in by_type.items():
            chosen: Walk | None = None
            if len(walks) == 1:
                chosen = walks[0]
            elif any(w is not None for w in walks):
                chosen = _give_up  # several branches take this type: the detailed path picks
            if chosen is not None:
                table.update(dict.fromkeys(_PYTHON_TYPES[kind], chosen))
        if not table:
            return None
        only = table.get(str)
        taken = {kind for kind, walks in by_type.items() if walks}
        if taken <= {"string", "null"} and isinstance(only, _Enum) and only.only_strings:
            return only  # a nullable enum: only its strings can be notices
        return _AnyOf(table)

    def _accepts(self, schema: Any, depth: int = 0) -> frozenset[str]:
        """The JSON types a schema can accept (every type when it does not say)."""
        if not isinstance(schema, dict) or depth > 32:
            return _EVERY_TYPE
        kinds: set[str] | None = None
        declared = schema.get("type")
        if isinstance(declared, str):
            kinds = {declared}
        elif isinstance(declared, list):
            kinds = {str(t) for t in declared}
        if kinds is not None and "number" in kinds:
            kinds.add("integer")
        if isinstance(schema.get("enum"), list):
            enum_kinds = {_type_of(v) for v in schema["enum"]}
            kinds = enum_kinds if kinds is None else kinds & enum_kinds
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = def_key(ref)
            if target is not None and target in self._defs:
                found = self._accepts(self._defs[target], depth + 1)
                kinds = set(found) if kinds is None else kinds & found
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list):
                union: set[str] = set()
                for branch in branches:
                    union |= self._accepts(branch, depth + 1)
                kinds = union if kinds is None else kinds & union
        if kinds is None and ("properties" in schema or "additionalProperties" in schema):
            kinds = {"object"}
        return _EVERY_TYPE if kinds is None else frozenset(kinds)


def notices(raw: list[Raw], mode: Mode) -> list[Issue]:
    """The issues of what a walk found, worded and ordered as the detailed path words them."""
    located: list[tuple[Tokens, Issue]] = []
    for path, kind, what in raw:
        tokens = tokens_of(path)
        if kind == "field":
            located.append((tokens, unknown_field_issue(pointer(tokens[:-1]), what, mode)))
        else:
            _, value, allowed = what
            located.append((tokens, enum_issue(tokens, pointer(tokens), value, allowed, mode)))
    return [issue for _, issue in tidy(located)]


def refuse(payload: dict[str, Any]) -> Report | None:
    return None


def notices_path(
    key: str,
    is_resource: bool,
    lenient_clean: Callable[[Any], bool],
    residual: Callable[[dict[str, Any]], bool] | None,
    residual_field: str | None,
    walk: Walk,
) -> Callable[[dict[str, Any]], Report | None]:
    """The lenient path of one model for a payload its fast path refused: the notices of a
    walk when the payload passes the lenient check with the rules, else None."""

    def notices_only(payload: dict[str, Any]) -> Report | None:
        try:
            if not lenient_clean(payload):
                return None
        except ValueError:
            return None
        if (
            residual is not None
            and (residual_field is None or type(payload.get(residual_field)) is dict)
            and residual(payload)
        ):
            return None
        raw: list[Raw] = []
        try:
            walk(payload, None, raw)
        except GiveUp:
            return None
        if not raw:  # the strict check refused something the walk does not see
            return None
        found: tuple[Raw, ...] | None = tuple(raw)
        try:
            report = reports.get(found) if found is not None else None
        except TypeError:  # an unknown enum value that cannot be hashed
            report = found = None
        if report is None:
            with resource_root(is_resource):
                report = Report(tuple(merge_issues(notices(raw, "lenient"))), key)
            if found is not None and len(reports) < _REPORTS_KEPT and _rememberable(found):
                reports[found] = report
        return report

    #: What the walk found → the report: payloads of one newer version repeat their unknown
    #: fields and enum values. Never kept: a value where a secret or personal data may sit.
    reports: dict[tuple[Raw, ...], Report] = {}
    return notices_only


#: The most notice reports each model remembers (beyond, each is built anew).
_REPORTS_KEPT = 256


def _rememberable(found: tuple[Raw, ...]) -> bool:
    """Whether what a walk found may be remembered: a few notices, no long key at any depth
    (a hostile payload's), and an unknown enum value only when it is a short string at a
    place that holds no secret or personal data."""
    if len(found) > 16:
        return False
    for path, kind, what in found:
        tokens = tokens_of(path)
        if any(type(token) is str and len(token) > 100 for token in tokens):
            return False
        if kind == "enum":
            value = what[1]
            if type(value) is not str or len(value) > 100 or is_sensitive(pointer(tokens)):
                return False
    return True
