"""Which generated package a model class comes from, and that package's own schema document.

Every generated package (`stripe_models`, or one written by `stripe-schemas generate
--package NAME`) records the spec it came from (`SPEC_SHA256`, `API_VERSION`) and
ships the JSON Schema document of that spec (`schemas.json`). A model must be
validated, and payloads for it drawn, against its own package's document: the bundled
2023-08-16 document does not describe a model generated from another spec. Using a
model with a document of another spec is a `MixedVersionsError`.

Identity is the spec digest: two packages generated from the same spec bytes agree.
A document without `x-spec-sha256` (one built by hand) is not checked.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import sys
import threading
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from ._documents import load_default_document
from ._plans import schema_key_of


class MixedVersionsError(ValueError):
    """A model from one generated package used with the schema document of another spec,
    or a package whose `schemas.json` is not from the spec its models came from."""


@attrs.frozen
class ModelPackage:
    """A generated package, as its `__init__` records it."""

    name: str
    api_version: str
    spec_sha256: str

    def describe(self) -> str:
        return f"{self.name} (API {self.api_version}, spec sha256 {self.spec_sha256[:12]}…)"


def package_of(model: object) -> ModelPackage | None:
    """The generated package `model` (a generated class) belongs to; None for anything else."""
    if not isinstance(model, type) or schema_key_of(model) is None:
        return None
    return _package_of_class(model)


@functools.cache
def _package_of_class(model: type) -> ModelPackage | None:
    # Generated modules sit directly in the package: `<package>.<namespace>`.
    name = model.__module__.rpartition(".")[0]
    package = sys.modules.get(name)
    sha = getattr(package, "SPEC_SHA256", None)
    api = getattr(package, "API_VERSION", None)
    if not isinstance(sha, str) or not isinstance(api, str):
        return None
    return ModelPackage(name, api, sha)


_documents: dict[ModelPackage, dict[str, Any]] = {}
_lock = threading.Lock()


def document_of(package: ModelPackage) -> dict[str, Any]:
    """The package's own `schemas.json` (read once), checked to be from the same spec."""
    found = _documents.get(package)
    if found is not None:
        return found
    try:
        text = importlib.resources.files(package.name).joinpath("schemas.json").read_text("utf-8")
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        raise MixedVersionsError(
            f"{package.name} has no readable schemas.json ({exc}); regenerate the package"
        ) from None
    recorded = document.get("x-spec-sha256") if isinstance(document, dict) else None
    if recorded != package.spec_sha256:
        raise MixedVersionsError(
            f"{package.name}/schemas.json is from another spec (sha256 {str(recorded)[:12]}…) "
            f"than the models of {package.describe()}; regenerate the package"
        )
    with _lock:
        return _documents.setdefault(package, document)


def union_alias_of(model: object) -> tuple[type, str] | None:
    """For a union of generated classes that is one of their package's union aliases (what
    the package's `model_for` gives for the alias's schema key): one member class (to find
    the package by) and the alias's schema key; None for anything else."""
    if not isinstance(model, types.UnionType) and typing.get_origin(model) is not typing.Union:
        return None
    members = typing.get_args(model)
    packages = {package_of(member) for member in members}
    if len(packages) != 1 or None in packages:
        return None
    (package,) = packages
    assert package is not None
    unions = getattr(sys.modules.get(package.name), "UNIONS", None)
    if not isinstance(unions, Mapping):
        return None
    wanted = {(m.__module__.rpartition(".")[2], m.__name__) for m in members}
    for key in sorted(unions):
        if set(map(tuple, unions[key])) == wanted:
            return members[0], key
    return None


def check_document(model: object, document: Mapping[str, Any]) -> None:
    """Raise `MixedVersionsError` when `model` is a generated class from another
    spec than `document` (a document that records no spec digest is not checked)."""
    package = package_of(model)
    recorded = document.get("x-spec-sha256")
    if package is None or not isinstance(recorded, str) or recorded == package.spec_sha256:
        return
    name = getattr(model, "__qualname__", repr(model))
    raise MixedVersionsError(
        f"{name} comes from {package.describe()}, but this schema document is from API "
        f"{document.get('x-api-version')} (spec sha256 {recorded[:12]}…); use the document "
        f"of {package.name} (validate(payload, {name}) and from_schema({name}) pick it)"
    )


def schema_for(
    model: str | type[Any], document: Mapping[str, Any] | None
) -> tuple[str, Mapping[str, Any]]:
    """(schema key or resource id, document) for `model`: a generated class brings its own
    package's document (and may not be given another spec's); a name uses `document` or,
    without one, the bundled `stripe_models` document."""
    if isinstance(model, str):
        if document is None:
            document = load_default_document()
        return model, document
    package = package_of(model)
    if package is None:
        raise TypeError(f"{model!r} is not a generated model class (no __schema_key__)")
    if document is None:
        document = document_of(package)
    else:
        check_document(model, document)
    return str(schema_key_of(model)), document
