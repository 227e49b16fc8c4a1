"""Stable, readable names: derived only from schema keys, ``x-resourceId`` and field names.

No name depends on which other schemas are in the spec, so adding an
unrelated schema never renames anything, and nothing is ever numbered.
Modules follow Stripe's resource namespaces (``identity``, ``issuing``, …),
like stripe-python's ``stripe.identity.VerificationSession``; resources
without a namespace live in ``core``; schemas that no single namespace owns
live in ``common``.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from typing import Any

CORE_MODULE = "core"
COMMON_MODULE = "common"

#: Product code names Stripe uses as schema-key prefixes for a namespace's sub-schemas.
PRODUCT_ALIASES: Mapping[str, str] = {"gelato": "identity"}

_NON_IDENT = re.compile(r"[^0-9A-Za-z_]")


def pascal(text: str) -> str:
    """``verification_session`` → ``VerificationSession`` (dots and dashes split words too)."""
    words = re.split(r"[._\-\s]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def attr_name(wire_name: str) -> str:
    """A safe Python attribute name for a wire name (keywords get a trailing underscore).

    ``object`` and ``type`` are builtins, not keywords, so they stay as they are.
    """
    name = _NON_IDENT.sub("_", wire_name)
    if not name or name[0].isdigit():
        name = "field_" + name
    name = name.lstrip("_") or "field_"
    if keyword.iskeyword(name):  # soft keywords (match, case, type) are valid names
        name += "_"
    return name


def split_resource(resource_id: str) -> tuple[str, str]:
    """``identity.verification_session`` → (``identity``, ``verification_session``).

    ``deleted_terminal.location`` → (``terminal``, ``deleted_location``); no namespace → core.
    """
    if "." not in resource_id:
        return CORE_MODULE, resource_id
    namespace, _, short = resource_id.rpartition(".")
    namespace = namespace.replace(".", "_")
    if namespace.startswith("deleted_"):
        namespace = namespace.removeprefix("deleted_")
        short = "deleted_" + short
    return namespace, short


class ModulePlacer:
    """Decides the module of every component schema from the resource ids in a spec."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        namespaces: set[str] = set()
        core_prefixes: set[str] = set()
        namespaced_short: dict[str, set[str]] = {}
        for schema in schemas.values():
            rid = schema.get("x-resourceId") if isinstance(schema, dict) else None
            if not isinstance(rid, str):
                continue
            module, short = split_resource(rid)
            if module == CORE_MODULE:
                core_prefixes.add(short)
            else:
                namespaces.add(module)
                namespaced_short.setdefault(short, set()).add(module)
        self._namespaces = sorted(namespaces, key=len, reverse=True)
        self._core = sorted(core_prefixes, key=len, reverse=True)
        self._short = namespaced_short

    def module_for(self, key: str, schema: Mapping[str, Any]) -> str:
        rid = schema.get("x-resourceId")
        if isinstance(rid, str):
            return split_resource(rid)[0]
        if "." in key:
            return split_resource(key)[0]
        plain = key.removeprefix("deleted_")
        if plain in self._core:  # deleted_customer → core, beside customer
            return CORE_MODULE
        for namespace in self._namespaces:  # issuing_card_… → issuing
            if plain.startswith(namespace + "_"):
                return namespace
        for alias, namespace in PRODUCT_ALIASES.items():  # gelato_… → identity
            if plain.startswith(alias + "_"):
                return namespace
        for prefix in self._core:  # charge_outcome → core
            if plain.startswith(prefix + "_"):
                return CORE_MODULE
        owners = _longest_owner(plain, self._short)  # verification_session_redaction → identity
        if owners is not None and len(owners) == 1:
            return next(iter(owners))
        return COMMON_MODULE


def _longest_owner(key: str, short_names: Mapping[str, set[str]]) -> set[str] | None:
    best: str | None = None
    for short in short_names:
        if key.startswith(short + "_") and (best is None or len(short) > len(best)):
            best = short
    return short_names[best] if best is not None else None


def class_name(key: str, schema: Mapping[str, Any]) -> str:
    """The class name of a component schema: from ``x-resourceId`` when present, else the key."""
    rid = schema.get("x-resourceId")
    if isinstance(rid, str):
        return pascal(split_resource(rid)[1])
    if "." in key:
        return pascal(split_resource(key)[1])
    return pascal(key)


def member_name(owner: str, path: Iterable[str]) -> str:
    """Name of something defined inside a class (an inline object or an enum alias)."""
    return owner + "".join(pascal(part) for part in path)
