"""Stable, readable names: derived only from schema keys, `x-resourceId` and field names.

No name depends on which other schemas are in the spec, so adding an
unrelated schema never renames anything, and nothing is ever numbered.
Modules follow Stripe's resource namespaces (`identity`, `issuing`, …),
like stripe-python's `stripe.identity.VerificationSession`; resources
without a namespace live in `core`; schemas that no single namespace owns
live in `common`.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

CORE_MODULE = "core"
COMMON_MODULE = "common"

#: Product code names Stripe uses as schema-key prefixes for a namespace's sub-schemas
#: (`gelato_document_report` is Identity's). In a spec of Stripe's, a class name drops
#: the code name: a name says what a thing is for the user, not what Stripe calls it inside.
PRODUCT_ALIASES: Mapping[str, str] = {"gelato": "identity"}

_NON_IDENT = re.compile(r"[^0-9A-Za-z_]")


def pascal(text: str) -> str:
    """`verification_session` → `VerificationSession` (dots and dashes split words too)."""
    words = re.split(r"[._\-\s]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


#: Attribute names a generated class cannot have, besides keywords: `self` (the first
#: argument of `__init__`), what the generated modules import or use in their annotations
#: and class bodies (a field of that name would shadow it for the fields after it, and for
#: mypy), the builtins the annotations name, and `NOTHING` (attrs' `__init__` reads it).
RESERVED_ATTRIBUTES = frozenset(
    {
        "self",
        "attrs",
        "Any",
        "ClassVar",
        "Literal",
        "Mapping",
        "TypeAlias",
        "Clear",
        "Expandable",
        "UNSET",
        "UnknownEnumValue",
        "UnsetType",
        "meta",
        "safe_repr",
        "bool",
        "dict",
        "float",
        "int",
        "list",
        "str",
        "NOTHING",
    }
)


def attr_name(wire_name: str) -> str:
    """A safe Python attribute name for a wire name (keywords, and names that would break the
    class (`RESERVED_ATTRIBUTES`), get a trailing underscore; the wire name is kept).

    `object` and `type` are builtins the generated code does not use, so they stay.
    """
    signed = wire_name.replace("+", "plus_", 1) if wire_name.startswith("+") else wire_name
    signed = signed.replace("-", "minus_", 1) if signed.startswith("-") else signed
    name = _NON_IDENT.sub("_", signed).lstrip("_")  # ``+1`` → ``plus_1``, ``-1`` → ``minus_1``
    if not name or name[0].isdigit():
        name = "field_" + name
    if keyword.iskeyword(name) or name in RESERVED_ATTRIBUTES:  # soft keywords are valid names
        name += "_"
    return name


# -- names that must work: packages, modules, classes ---------------------------------------

_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").fullmatch
_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*").fullmatch

#: Modules a generated package imports, or that its users need beside it: a package of that
#: name (or of a standard library module) would shadow them.
_NEEDED_MODULES = frozenset(
    {"attrs", "cattrs", "typing_extensions", "stripe_schemas", "stripe_codegen", "jinja2"}
)
#: Names a module of the package cannot have: its `__init__` and what that binds (a
#: submodule of the same name would replace it), and the `params` subpackage.
RESERVED_MODULES = frozenset(
    {
        "__init__",
        "__main__",
        "params",
        "annotations",
        "functools",
        "importlib",
        "operator",
        "types",
        "Any",
        "Final",
        "cast",
        "API_VERSION",
        "MODULES",
        "RESOURCES",
        "SCHEMAS",
        "SPEC_SHA256",
        "UNIONS",
        "model_for",
    }
)
#: The same for the modules of `<package>.params`.
RESERVED_PARAMS_MODULES = frozenset(
    {"__init__", "__main__", "annotations", "importlib", "Any", "Final", "MODULES", "OPERATIONS"}
    | {"model_for"}
)
#: Names a class, alias or enum alias of a module cannot have: what the module imports.
RESERVED_CLASS_NAMES = frozenset(
    {"Any", "ClassVar", "Literal", "Mapping", "TypeAlias", "Clear", "Expandable", "UNSET"}
    | {"UnknownEnumValue", "UnsetType", "attrs", "meta", "safe_repr", "annotations"}
)


def is_name(text: str) -> bool:
    """An ASCII Python identifier that is not a keyword."""
    return bool(_ASCII_NAME(text)) and not keyword.iskeyword(text)


def package_problem(package: str) -> str | None:
    """Why `package` cannot be the generated package's name, or None."""
    if not is_name(package):
        what = "a Python keyword" if keyword.iskeyword(package) else "not a Python name"
        return f"{package!r} is {what}; the package could not be imported"
    if package in sys.stdlib_module_names or package in _NEEDED_MODULES:
        return f"{package!r} would shadow the module of that name the models need"
    if package.startswith("__"):
        return f"{package!r}: a name starting with '__' is not a package name"
    return None


def resource_id_problem(resource_id: object) -> str | None:
    """Why an `x-resourceId` cannot name a module and a class, or None."""
    if not isinstance(resource_id, str) or not _DOTTED_NAME(resource_id):
        return (
            f"x-resourceId {resource_id!r} is not dotted names (letters, digits and '_', "
            "joined by '.'): it names a module and a class"
        )
    bad = [part for part in resource_id.split(".") if keyword.iskeyword(part)]
    if bad:
        return f"x-resourceId {resource_id!r} holds the Python keyword {bad[0]!r}"
    return None


def module_problem(module: str, reserved: frozenset[str], where: str) -> str | None:
    """Why `module` cannot be a module of the package (`where`: its package), or None."""
    if not is_name(module):
        return f"module name {module!r} (from the spec's namespaces) is not a Python name"
    if module in reserved or module.startswith("__"):
        return f"module name {module!r} collides with a name {where} needs"
    return None


def class_problem(name: str) -> str | None:
    """Why `name` cannot name a class or alias in a generated module, or None."""
    if not is_name(name):
        return f"class name {name!r} is not a Python name"
    if name in RESERVED_CLASS_NAMES:
        return f"class name {name!r} would shadow a name its module imports"
    return None


def split_resource(resource_id: str) -> tuple[str, str]:
    """`identity.verification_session` → (`identity`, `verification_session`).

    `deleted_terminal.location` → (`terminal`, `deleted_location`); no namespace → core.
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


def class_name(key: str, schema: Mapping[str, Any], *, stripe: bool = False) -> str:
    """The class name of a component schema: from `x-resourceId` when present, else the key
    (in a spec of Stripe's, without a product code name: see `PRODUCT_ALIASES`)."""
    rid = schema.get("x-resourceId")
    if isinstance(rid, str):
        return pascal(split_resource(rid)[1])
    if "." in key:
        return pascal(split_resource(key)[1])
    if stripe:
        for alias in PRODUCT_ALIASES:
            if key.startswith(alias + "_"):
                return pascal(key.removeprefix(alias + "_"))
    return pascal(key)


class Overrides:
    """Names the user chose (`generate --names FILE`), to settle a clash the naming rule
    cannot: a schema key → its class name, and `key.field[.field…]` → the name of the
    enum alias or inline object defined at that field; or a schema's JSON pointer (for two
    branches of one union, say) → the name of what is defined there (for a property's
    pointer, its attribute name: `_group` beside `group`)."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self.names: dict[str, str] = dict(names or {})
        self.used: set[str] = set()

    def get(self, where: str, default: str, pointer: str | None = None) -> str:
        """The user's name for `where` (`key.field`), or for the schema's own JSON pointer
        (`/components/schemas/k/…`, which tells apart what `where` cannot)."""
        if pointer is not None and pointer in self.names:
            where = pointer
        found = self.names.get(where)
        if found is None:
            return default
        self.used.add(where)
        return found

    def unused(self) -> list[str]:
        """Entries that named nothing (a typo, or a schema the models do not hold)."""
        return sorted(set(self.names) - self.used)


def member_name(owner: str, path: Iterable[str]) -> str:
    """Name of something defined inside a class (an inline object or an enum alias)."""
    return owner + "".join(pascal(part) for part in path)
