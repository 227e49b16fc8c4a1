"""Optional dependencies: a missing one is one line naming the extra that brings it."""

from __future__ import annotations

import importlib
from types import ModuleType


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
