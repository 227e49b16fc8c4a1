"""Realistic JSON values for any schema of a stripe_schemas JSON Schema document.

`Walker` draws a value for a schema node through a `Source`:
required fields always, optional fields sometimes, enums from the spec, strings
within `maxLength` (now and then exactly at it, non-ASCII included), unix times
between [`CREATED_FROM`][stripe_schemas.identity.CREATED_FROM] and `now`, IDs with their
resource's prefix, `metadata` within Stripe's limits. It knows no invariant:
the identity generators (`._identity`) decide the fields the rules constrain and
let the walker fill in the rest (`Walker.fill()`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from typing import Any

import attrs

from .. import identity as facts
from ..model import def_key
from ._source import Source

#: Recursion budget: beyond this many nested `$ref`s, optional fields are left out and
#: `anyOf` prefers branches without references (IDs instead of expanded objects).
MAX_REF_DEPTH = 6
#: How often an optional field is present, a nullable one null, a string at its maxLength.
P_OPTIONAL = 0.75
P_NULL = 0.2
P_LONG = 0.08
MAX_ITEMS = 3
#: Characters of the random part of an ID (`vs_` + 24, as in Stripe's examples).
ID_BODY = 24
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz_-./~0123456789éü"
ID_SPACE = len(ID_ALPHABET) ** ID_BODY


def id_body(number: int) -> str:
    """The `ID_BODY` characters of an ID, from one number (one draw, not one per character)."""
    chars = []
    for _ in range(ID_BODY):
        number, digit = divmod(number, len(ID_ALPHABET))
        chars.append(ID_ALPHABET[digit])
    return "".join(chars)


PropertyPath = tuple[str, ...]


@functools.cache
def default_now() -> int:
    """ "Now" for `created` values: read once per process, so draws replay identically."""
    return int(time.time())


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: A given field that must be left out.
ABSENT: Any = _Absent()


@attrs.frozen
class Maybe:
    """A given value whose presence is drawn like any optional field's."""

    value: Any


def decode_ref(ref: str) -> str:
    """`#/$defs/<escaped key>` → the key ([`def_key()`][stripe_schemas.validation._schema.def_key])."""
    key = def_key(ref)
    if key is None:
        raise ValueError(f"not a reference to a $defs entry: {ref!r}")
    return key


def has_ref(node: Any) -> bool:
    if isinstance(node, Mapping):
        return "$ref" in node or any(has_ref(value) for value in node.values())
    if isinstance(node, list):
        return any(has_ref(value) for value in node)
    return False


class Walker:
    """Draws values for the schemas of one JSON Schema document."""

    def __init__(
        self,
        document: Mapping[str, Any],
        *,
        now: int | None = None,
        overrides: Mapping[PropertyPath, Any] | None = None,
    ) -> None:
        defs = document.get("$defs")
        if not isinstance(defs, dict):
            raise ValueError("not a stripe_schemas JSON Schema document (no $defs)")
        self.document = document
        self.defs: dict[str, Any] = defs
        self.now = default_now() if now is None else now
        self.overrides = dict(overrides or {})
        self.api_version = str(document.get("x-api-version", ""))

    # --- what the document says ----------------------------------------------------------

    def properties(self, key: str) -> dict[str, Any]:
        props = self.defs[key].get("properties", {})
        return props if isinstance(props, dict) else {}

    def required(self, key: str) -> set[str]:
        return set(self.defs[key].get("required", ()))

    def field(self, key: str, name: str) -> dict[str, Any]:
        node = self.properties(key).get(name)
        if not isinstance(node, dict):
            raise KeyError(f"{key!r} has no field {name!r}")
        return node

    def target(self, key: str, name: str) -> str:
        """The schema key an object field refers to (`$ref`, or the `$ref` inside `anyOf`)."""
        node = self.field(key, name)
        for branch in (node, *node.get("anyOf", ())):
            if isinstance(branch, dict) and "$ref" in branch:
                return decode_ref(str(branch["$ref"]))
        raise KeyError(f"{key}.{name} refers to no schema")

    def enum(self, key: str, name: str) -> list[Any]:
        """The documented values of a field (asserted or `x-enum`), without null."""
        node = self.field(key, name)
        items = node.get("items") if node.get("type") == "array" else None
        where: dict[str, Any] = items if isinstance(items, dict) else node
        values = where.get("enum", where.get("x-enum")) or ()
        return [value for value in values if value is not None]

    def max_length(self, key: str, name: str) -> int | None:
        found = self.field(key, name).get("maxLength")
        if found is None:
            for branch in self.field(key, name).get("anyOf", ()):
                if isinstance(branch, dict) and "maxLength" in branch:
                    found = branch["maxLength"]
        return int(found) if found is not None else None

    # --- realistic leaves ----------------------------------------------------------------

    def new_id(self, src: Source, resource: str) -> str:
        return facts.ID_PREFIXES[resource] + id_body(src.integer(0, ID_SPACE - 1))

    def created(self, src: Source, after: int | None = None) -> int:
        low = facts.CREATED_FROM if after is None else max(after, facts.CREATED_FROM)
        return src.integer(low, max(low, self.now))

    def text(self, src: Source, limit: int | None, *, short: int = 24) -> str:
        """Free text: short, or (now and then, when there is a limit) exactly `limit` long."""
        if limit is not None and src.chance(P_LONG):
            seed = src.text(1, 6)
            return (seed * (limit // len(seed) + 1))[:limit]
        return src.text(1, min(short, limit) if limit is not None else short)

    def metadata(self, src: Source) -> dict[str, str]:
        """Key-value pairs within Stripe's metadata limits (often none)."""
        count = facts.METADATA_MAX_KEYS if src.chance(0.03) else src.choice([0, 0, 0, 1, 1, 2, 3])
        out: dict[str, str] = {}
        while len(out) < count:
            longest = src.chance(P_LONG)
            size = facts.METADATA_MAX_KEY_LENGTH if longest else src.integer(1, 12)
            key = src.text(size, size, KEY_ALPHABET)
            out[key] = self.text(src, facts.METADATA_MAX_VALUE_LENGTH, short=16)
        return out

    # --- generic values --------------------------------------------------------------------

    def value(self, node: Any, src: Source, path: PropertyPath = (), depth: int = 0) -> Any:
        """A value valid against `node` (a schema of the document)."""
        if path in self.overrides:
            return src.special(path)
        if not isinstance(node, Mapping):
            return None
        if "$ref" in node:
            if depth >= MAX_REF_DEPTH * 2:
                src.reject()
            key = decode_ref(str(node["$ref"]))
            return self.schema_value(key, src, path, depth + 1)
        if "anyOf" in node:
            branches = list(node["anyOf"])
            if depth >= MAX_REF_DEPTH:
                branches = [b for b in branches if not has_ref(b)] or branches
            nulls = [b for b in branches if isinstance(b, dict) and b.get("type") == "null"]
            others = [b for b in branches if b not in nulls]
            if nulls and (not others or src.chance(P_NULL)):
                return None
            return self.value(src.choice(others), src, path, depth)
        if "enum" in node:
            values = list(node["enum"])
            known = [v for v in values if v is not None]
            if None in values and (not known or src.chance(P_NULL)):
                return None
            return src.choice(known)
        kinds = node.get("type")
        if isinstance(kinds, list):
            if "null" in kinds and (len(kinds) == 1 or src.chance(P_NULL)):
                return None
            kinds = src.choice([kind for kind in kinds if kind != "null"])
        if kinds is None:
            return self.json(src)
        return self.typed(str(kinds), node, src, path, depth)

    def schema_value(self, key: str, src: Source, path: PropertyPath, depth: int) -> Any:
        node = self.defs[key]
        if isinstance(node, Mapping) and isinstance(node.get("properties"), Mapping):
            return self.fill(key, src, path=path, depth=depth)
        return self.value(node, src, path, depth)

    def typed(
        self, kind: str, node: Mapping[str, Any], src: Source, path: PropertyPath, depth: int
    ) -> Any:
        name = path[-1] if path else ""
        if kind == "null":
            return None
        if kind == "boolean":
            return src.chance(0.5)
        if kind == "integer":
            if node.get("format") == "unix-time":
                return self.created(src)
            if name in facts.DATE_RANGES:
                low, high = facts.DATE_RANGES[name]
                return src.integer(low, min(high, 28) if name == "day" else high)
            low = int(node.get("minimum", 0))
            return src.integer(low, int(node.get("maximum", low + 1000)))
        if kind == "number":
            return src.integer(0, 10_000) / 100
        if kind == "string":
            known = node.get("x-enum")
            if isinstance(known, list) and known:
                return src.choice([v for v in known if isinstance(v, str)])
            limit = node.get("maxLength")
            return self.text(src, int(limit) if limit is not None else None)
        if kind == "array":
            size = src.integer(0, MAX_ITEMS)
            return [self.value(node.get("items", {}), src, path, depth) for _ in range(size)]
        if kind == "object":
            return self.open_object(node, src, path, depth)
        src.reject()
        return None

    def open_object(
        self, node: Mapping[str, Any], src: Source, path: PropertyPath, depth: int
    ) -> dict[str, Any]:
        """An object schema without a key of its own (inline properties or a map)."""
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            required = set(node.get("required", ()))
            return self._fields(properties, required, {}, src, path, depth)
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):
            if path and path[-1] == "metadata" and (*path, "*") not in self.overrides:
                return self.metadata(src)
            size = src.integer(0, MAX_ITEMS)
            return {
                src.text(1, 12, KEY_ALPHABET): self.value(extra, src, (*path, "*"), depth)
                for _ in range(size)
            }
        if extra is False:
            return {}
        return {src.text(1, 8, KEY_ALPHABET): self.json(src) for _ in range(src.integer(0, 2))}

    def fill(
        self,
        key: str,
        src: Source,
        given: Mapping[str, Any] | None = None,
        *,
        path: PropertyPath = (),
        depth: int = 0,
    ) -> dict[str, Any]:
        """An object of schema `key`: `given` fields as given, the others drawn.

        A given value is always present (`ABSENT` leaves the field out, `Maybe(v)`
        draws its presence like any optional field); required fields are always present.
        """
        given = dict(given or {})
        resource = self.defs[key].get("x-resourceId")
        if (
            "id" not in given
            and resource in facts.ID_PREFIXES
            and (*path, "id") not in self.overrides
        ):
            given["id"] = self.new_id(src, str(resource))
        return self._fields(
            self.properties(key), self.required(key), given, src, path, depth, owner=key
        )

    def _fields(
        self,
        properties: Mapping[str, Any],
        required: set[str],
        given: Mapping[str, Any],
        src: Source,
        path: PropertyPath,
        depth: int,
        *,
        owner: str | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, sub in properties.items():
            where = (*path, name)
            if name in given:
                value = given[name]
                if value is ABSENT:
                    continue
                if isinstance(value, Maybe):
                    if name not in required and not src.chance(P_OPTIONAL):
                        continue
                    value = value.value
                out[name] = value
                continue
            optional = name not in required and where not in self.overrides
            if optional and (depth >= MAX_REF_DEPTH or not src.chance(P_OPTIONAL)):
                continue
            value = self.value(sub, src, where, depth)
            link = facts.LINKS.get((owner or "", name))
            if link is not None and isinstance(value, str) and where not in self.overrides:
                value = self.new_id(src, link)  # another resource's ID, with its prefix
            out[name] = value
        return out

    def json(self, src: Source, budget: int = 2) -> Any:
        """An arbitrary small JSON value."""
        pick = src.integer(0, 6 if budget > 0 else 4)
        if pick == 0:
            return None
        if pick == 1:
            return src.chance(0.5)
        if pick == 2:
            return src.integer(-(2**53), 2**53)
        if pick == 3:
            return src.integer(-(10**6), 10**6) / 8
        if pick == 4:
            return src.text(0, 8)
        if pick == 5:
            return [self.json(src, budget - 1) for _ in range(src.integer(0, 2))]
        return {
            src.text(1, 6, KEY_ALPHABET): self.json(src, budget - 1)
            for _ in range(src.integer(0, 2))
        }
