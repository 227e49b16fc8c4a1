"""Imports that wait: optional dependencies (a missing one is one line naming the extra that
brings it), and names a package imports on first use (PEP 562)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import `module`, or raise `MissingExtra` saying which extra installs it.

    `feature` names what needs it (`"validation"`, `"stripe_schemas.client"`, …).
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if error.name is not None and error.name.split(".")[0] != module.split(".")[0]:
            raise  # the module is there, but something it imports is broken: not ours to hide
        message = f"{feature} needs {module}: pip install 'stripe-schemas[{extra}]'"
        raise MissingExtra(message, name=module) from None


def lazy_names(
    package: str, table: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: a name of `table` is imported from the submodule
    it maps to on first use and kept in `namespace` (the package's globals), so the next
    lookup is an ordinary one; any other name is an `AttributeError`."""

    def __getattr__(name: str) -> object:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
