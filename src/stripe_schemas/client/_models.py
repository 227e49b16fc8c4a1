"""Which generated package a client speaks for, and the operations it calls.

A client is bound to one generated package: the bundled one of an API version (looked up in
the registry, `stripe_schemas.model`), or one the user generated. That package gives
the `Stripe-Version` sent (its `API_VERSION`), the class each response is read into
(its `model_for(resource id)`) and the parameters class each call is checked against (its
`params.model_for(operationId)`). Nothing here names a class of `stripe_models`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import attrs

from ..model import LATEST, models_for

__all__ = [
    "REPORT_LIST",
    "REPORT_RETRIEVE",
    "SESSION_CANCEL",
    "SESSION_CREATE",
    "SESSION_LIST",
    "SESSION_REDACT",
    "SESSION_RETRIEVE",
    "SESSION_UPDATE",
    "MissingOperationError",
    "Models",
    "Operation",
]


class MissingOperationError(LookupError):
    """The client's models package has no class for an operation or its response (it was
    generated from a spec, or with options, that leave it out)."""


@attrs.frozen
class Operation:
    """One operation the client calls: its `operationId` in the spec (which names its
    parameters class, and through it the method and path) and the resource id of the
    object it answers with (of each item, for a list)."""

    operation_id: str
    resource: str


SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
SESSION_CREATE = Operation("PostIdentityVerificationSessions", SESSION)
SESSION_RETRIEVE = Operation("GetIdentityVerificationSessionsSession", SESSION)
SESSION_UPDATE = Operation("PostIdentityVerificationSessionsSession", SESSION)
SESSION_CANCEL = Operation("PostIdentityVerificationSessionsSessionCancel", SESSION)
SESSION_REDACT = Operation("PostIdentityVerificationSessionsSessionRedact", SESSION)
SESSION_LIST = Operation("GetIdentityVerificationSessions", SESSION)
REPORT_RETRIEVE = Operation("GetIdentityVerificationReportsReport", REPORT)
REPORT_LIST = Operation("GetIdentityVerificationReports", REPORT)


@attrs.frozen
class Models:
    """A generated package, bound: its name, API version and the classes of each operation."""

    package: ModuleType
    _found: dict[Operation, tuple[type, Any]] = attrs.field(
        factory=dict, eq=False, repr=False, alias="_found"
    )
    _lock: threading.Lock = attrs.field(factory=threading.Lock, eq=False, repr=False, alias="_lock")

    @property
    def name(self) -> str:
        return self.package.__name__

    @property
    def api_version(self) -> str:
        version: str = self.package.API_VERSION
        return version

    @classmethod
    def bind(cls, models: ModuleType | str | None, api_version: str | None) -> Models:
        """The package `models` (a module or its import name), else the bundled package of
        `api_version` (`stripe_schemas.model.UnknownApiVersion` for a version not
        bundled, listing those that are), else the newest bundled one."""
        if models is not None and api_version is not None:
            raise TypeError("give models= or api_version=, not both")
        if models is None:
            return cls(models_for(LATEST if api_version is None else api_version))
        if isinstance(models, str):
            try:
                package = importlib.import_module(models)
            except ImportError as exc:
                raise ValueError(f"cannot import the models package {models!r}: {exc}") from None
        elif isinstance(models, ModuleType):
            package = models
        else:
            raise TypeError(
                f"models is a generated package (a module or its name), "
                f"not a {type(models).__name__}"
            )
        version = getattr(package, "API_VERSION", None)
        resources = getattr(package, "RESOURCES", None)
        if not isinstance(version, str) or not isinstance(resources, Mapping):
            raise ValueError(
                f"{package.__name__} is not a package written by stripe-schemas generate "
                "(it has no API_VERSION and RESOURCES)"
            )
        return cls(package)

    def classes(self, operation: Operation) -> tuple[type, Any]:
        """(the parameters class, the response class) of `operation` in this package."""
        found = self._found.get(operation)
        if found is None:
            found = self._look_up(operation)
            with self._lock:
                self._found[operation] = found
        return found

    def _look_up(self, operation: Operation) -> tuple[type, Any]:
        what = f"{self.name} (API {self.api_version})"
        try:
            params = importlib.import_module(f"{self.name}.params")
        except ImportError:
            raise MissingOperationError(
                f"{what} has no request parameter classes (no {self.name}.params); "
                "regenerate it with stripe-schemas generate"
            ) from None
        try:
            params_class: type = params.model_for(operation.operation_id)
        except KeyError:
            raise MissingOperationError(
                f"{what} has no parameters class for operation {operation.operation_id}: "
                "its spec, or the generate options, leave that operation out"
            ) from None
        try:
            response = self.package.model_for(operation.resource)
        except KeyError:
            raise MissingOperationError(
                f"{what} has no model for {operation.resource}, which "
                f"{operation.operation_id} answers with"
            ) from None
        return params_class, response
