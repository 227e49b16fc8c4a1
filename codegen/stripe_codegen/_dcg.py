"""The bridge to datamodel-code-generator: its parser and reference resolution, our model type.

We let datamodel-code-generator parse the selected component schemas with
`AttrsModel` as the data model type and keep what it is good at: the
inventory of object models (including inline objects it lifts out of
properties), their own field order and `required` sets, with `$ref`
resolved, and what an `allOf` is composed of (the base classes it makes of
the referenced parts; `parse` gives a class its bases' fields first).
Models it lifts out of arrays, unions and compositions carry its internal names
(`…#-datamodel-code-generator-#-array-#-special-#`), which are no JSON
pointer: those are skipped, and `parse` finds the same objects in its own
walk of the schema. We do not use its naming or its type rendering, and read
field types from the raw schema, because its parser cannot deliver these
requirements:

* names: it numbers clashing names (`Status1`, `Code3`, `LineItems2`),
  and the number depends on which other schemas are present;
* nullable enums: it emits a broken `NoneType_None = None` enum member;
* Stripe's extensions: it keeps no `format: unix-time`, and an `anyOf`
  branch with `maxLength` loses its primitive type in the data-type tree;
* three field states: it has no notion of "absent" distinct from `null`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import warnings
from pathlib import Path
from typing import Any, ClassVar

import attrs
import datamodel_code_generator
from datamodel_code_generator import LiteralType
from datamodel_code_generator.model.dataclass import DataClass
from datamodel_code_generator.parser.openapi import OpenAPIParser

from stripe_schemas.model import pointer as json_pointer

from .errors import SpecError, SpecProblem
from .loader import cache_read, cache_write

_INLINE_OBJECT = "#-datamodel-code-generator-#-object-#-special-#"


class AttrsModel(DataClass):
    """datamodel-code-generator's data model type for our attrs classes.

    Rendering happens in [`stripe_codegen.render`][stripe_codegen.render], from the intermediate
    model; this template is only what datamodel-code-generator requires a
    model type to name.
    """

    TEMPLATE_FILE_PATH: ClassVar[str] = str(
        Path(__file__).parent / "templates" / "module.py.jinja2"
    )


@attrs.frozen
class ParsedModel:
    """What we keep of one datamodel-code-generator model."""

    pointer: str
    is_object: bool
    #: (wire name, required) in the parser's field order: the model's own fields.
    fields: tuple[tuple[str, bool], ...]
    #: Pointers of the models this one is composed of (`allOf` parts that are references,
    #: which the parser makes base classes): their fields are this model's fields too.
    bases: tuple[str, ...] = ()


def dcg_pointer(reference_path: str) -> str:
    """Turn a datamodel-code-generator reference path into a JSON pointer into the spec.

    `#/components/schemas/account/external_accounts#-…-object-#-special-#`
    → `/components/schemas/account/properties/external_accounts`.
    """
    path = reference_path.removeprefix("#")
    parts = path.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        if part.endswith(_INLINE_OBJECT) and index > 3:
            out += ["properties", part.removesuffix(_INLINE_OBJECT)]
        else:
            out.append(part)
    return "/".join(out)


def _resolves(schemas: dict[str, Any], pointer: str) -> bool:
    """Whether a pointer (`/components/schemas/k/properties/p…`) names a schema in
    `schemas`. The parser's names for what it lifts out of arrays, unions and
    compositions (`…#-datamodel-code-generator-#-array-#-special-#`) do not: those models
    are the parser's own, and our walk of the schema finds the same objects itself."""
    node: Any = {"components": {"schemas": schemas}}
    for token in pointer.split("/")[1:]:
        if not isinstance(node, dict):
            return False
        token = token.replace("~1", "/").replace("~0", "~")
        if token not in node:
            return False
        node = node[token]
    return isinstance(node, dict)


@functools.cache
def _code_fingerprint() -> bytes:
    """This module's source and the parser's version: what else the inventory depends on."""
    version = importlib.metadata.version("datamodel-code-generator")
    return Path(__file__).read_bytes() + version.encode()


def _inventory_key(schemas: dict[str, Any]) -> str:
    """A cache key for the models of these schemas: their content, this module, the parser."""
    digest = hashlib.sha256(json.dumps(schemas, separators=(",", ":"), default=repr).encode())
    digest.update(_code_fingerprint())
    return digest.hexdigest() + ".models"


def parse_models(schemas: dict[str, Any], source: str) -> dict[str, ParsedModel]:
    """Run datamodel-code-generator's parser on component schemas; models by JSON pointer.

    The parser takes about 2 s on the 819 schemas of a full Stripe spec, so its result is
    kept in the parsed-spec cache ([`stripe_codegen.loader.cache_dir()`][stripe_codegen.loader.cache_dir]), keyed by the
    schemas' content, this module's source and the parser's version.
    """
    key = _inventory_key(schemas)
    cached = cache_read(key)
    if isinstance(cached, list):
        try:
            return {
                p: ParsedModel(p, o, tuple((str(w), bool(r)) for w, r in f), tuple(b))
                for p, o, f, b in cached
            }
        except (TypeError, ValueError):  # an entry of another shape: parse again
            pass
    models = _parse_models(schemas, source)
    cache_write(key, [(m.pointer, m.is_object, m.fields, m.bases) for m in models.values()])
    return models


def _parse_models(schemas: dict[str, Any], source: str) -> dict[str, ParsedModel]:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "stripe-schemas input", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = OpenAPIParser(
                document,  # type: ignore[arg-type]  # the base parser accepts a parsed dict
                data_model_type=AttrsModel,
                strict_nullable=True,
                enum_field_as_literal=LiteralType.All,
                use_annotated=False,
            )
            parser.parse_raw()
    except datamodel_code_generator.Error as exc:  # its declared error type; a bug raises
        # The specs reaching here passed our own checks (parse.py); what the parser still
        # refuses is named at its schema path, in one line.
        # SchemaParseError.path: the document's pointer to a section, then raw tokens
        path = [str(part) for part in getattr(exc, "path", None) or []]
        if path and path[0].startswith("#/"):
            where = path[0][1:] + json_pointer(path[1:])
        else:
            where = "/components/schemas" + json_pointer(path)
        first = exc.message.strip().splitlines()[:1] or [type(exc).__name__]
        raise SpecError(
            SpecProblem(source, where, f"datamodel-code-generator: {first[0]}")
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        # Its own failure on a schema our checks let through: one line, not a traceback
        # (the message is the parser's, about the schema's shape; no payload is involved).
        first = str(exc).strip().splitlines()[:1] or [""]
        message = f"datamodel-code-generator failed ({type(exc).__name__}: {first[0][:200]})"
        raise SpecError(SpecProblem(source, "/components/schemas", message)) from None
    models: dict[str, ParsedModel] = {}
    for model in parser.results:
        pointer = dcg_pointer(model.reference.path)
        if not pointer.startswith("/components/schemas/") or "-#-special-#" in pointer:
            continue  # its own enum and array models: we render Literal aliases and lists
        if not _resolves(schemas, pointer):
            continue
        is_object = isinstance(model, AttrsModel)
        fields = tuple(
            (field.original_name or field.name or "", bool(field.required))
            for field in model.fields
            if is_object
        )
        bases = tuple(
            dcg_pointer(base.reference.path)
            for base in model.base_classes
            if base.reference is not None and is_object
        )
        models[pointer] = ParsedModel(
            pointer=pointer, is_object=is_object, fields=fields, bases=bases
        )
    return models
