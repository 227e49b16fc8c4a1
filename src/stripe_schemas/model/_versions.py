"""The bundled API versions: which generated package holds the models of each.

Stripe renders every object in the API version of the request (or of the account, for
webhook events), so payloads of several versions meet one integration. Each bundled
version has its own generated package, named by the same rules, so code reads the same
against each; this registry is the one place that says which is which. Every entry point
that takes `api_version=` (validation, the converters, the webhook parser, the command
line, the client) looks it up here.

Adding a version: generate its package (`stripe-schemas generate --spec SLICE --out
generated --package stripe_models_YYYY_MM_DD`) and add one line to `BUNDLED`.
"""

from __future__ import annotations

import importlib
import types
import typing
from collections.abc import Mapping
from types import MappingProxyType, ModuleType
from typing import Any, Final, Union

from ._plans import is_model

#: API version (as Stripe writes it) → the generated package of its models.
BUNDLED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "2026-09-30.endive": "stripe_models",
        "2023-08-16": "stripe_models_2023_08_16",
    }
)
#: The newest bundled version: payloads that do not say theirs are read as this one.
LATEST: Final = "2026-09-30.endive"


class UnknownApiVersion(ValueError):
    """An API version with no bundled models (the message lists the bundled ones)."""


def package_for(api_version: str) -> str:
    """The name of the generated package of `api_version` (matched exactly, as Stripe
    writes it: `2026-09-30.endive`); `UnknownApiVersion` for any other."""
    found = BUNDLED.get(api_version) if isinstance(api_version, str) else None
    if found is None:
        shown = repr(api_version)[:80]
        raise UnknownApiVersion(
            f"no bundled models for API version {shown}; bundled: {', '.join(BUNDLED)}"
        )
    return found


def models_for(api_version: str) -> ModuleType:
    """The generated package of `api_version`, imported."""
    return importlib.import_module(package_for(api_version))


def is_bundled(api_version: object) -> bool:
    return isinstance(api_version, str) and api_version in BUNDLED


def retarget(target: Any, api_version: str) -> Any:
    """`target` with each generated class replaced by the class of the same schema in the
    package of `api_version`: a class, a union, `list[...]`, `dict[str, ...]`,
    `ListObject[...]`, or a resource id / schema key given as a string."""
    package = models_for(api_version)
    return _retarget(target, package)


def _retarget(target: Any, package: ModuleType) -> Any:
    if isinstance(target, str):
        return package.model_for(target)
    if is_model(target) and not typing.get_args(target):
        key = target.__schema_key__
        if key in package.SCHEMAS or key in package.UNIONS:
            return package.model_for(key)
        return target  # not a schema of the package (ListObject): generic, kept
    origin = typing.get_origin(target)
    args = typing.get_args(target)
    if origin is None or not args:
        return target
    new = tuple(_retarget(arg, package) for arg in args)
    if origin in (Union, types.UnionType):
        return Union[new]  # noqa: UP007 - built at run time from a tuple
    return origin[new if len(new) > 1 else new[0]]
