"""Request parameters → Python source and their JSON Schema (`<package>/params/`).

The classes are laid out like the response models (the same field lines, from
[`stripe_codegen.render._field_view()`][stripe_codegen.render._field_view]), one module per namespace under the
`params` subpackage, plus `schemas.json`: one JSON Schema 2020-12 document
with a definition per operation (keyed by `operationId`), the only statement
of what a valid set of parameters is. The runtime checks against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from .ir import ClassDef, EmptyString, ModelSet, ParamSet, TypeExpr
from .jsonschema_out import dumps, to_json_schema
from .loader import LoadedSpec
from .params import build_param_set
from .render import _ENV, _field_view, _Names, header, literal, q, runtime_import

#: The subpackage of the generated package that holds the parameter classes.
SUBPACKAGE = "params"
#: What the `Clear` annotation means (imported from `stripe_schemas`).
CLEAR = "Clear"


@attrs.frozen
class _ParamNames(_Names):
    """Annotations for parameters: the models' rules plus Stripe's empty value (`Clear`)."""

    def annotation(
        self, type_: TypeExpr, module: str, imports: set[str], *, whole: bool = False
    ) -> str:
        if isinstance(type_, EmptyString):
            imports.add(CLEAR)
            return CLEAR
        return super().annotation(type_, module, imports, whole=whole)


def _header(param_set: ParamSet) -> str:
    return header(
        ModelSet(
            api_version=param_set.api_version,
            spec_sha256=param_set.spec_sha256,
            spec_name=param_set.spec_name,
            classes=(),
            aliases=(),
            enums=(),
            schema_keys=(),
        )
    )


def _class_view(
    cls: ClassDef,
    operations: dict[str, tuple[str, str]],
    labels: dict[str, tuple[str, str]],
    names: _ParamNames,
    used: set[str],
) -> dict[str, Any]:
    operation = operations.get(cls.schema_key)
    if operation is not None:
        method, path = operation
        doc = f"Parameters of `{method.upper()} {path}` (`{cls.schema_key}`)."
        shown = f"({q(method.upper())}, {q(path)})"
    else:
        owner, label = labels[cls.pointer]
        doc = f"`{label}` in `{owner}`."
        shown = ""
    used.add("safe_repr")
    return {
        "name": cls.name,
        "docstring": doc,
        "schema_key": q(cls.schema_key),
        "operation": shown,
        "fields": [_field_view(f, names, cls.module, used) for f in cls.fields],
    }


def _imports(used: set[str]) -> list[str]:
    typing_names = sorted({"Any", "Literal", "TypeAlias"} & used | {"ClassVar"})
    return [
        f"from typing import {', '.join(typing_names)}",
        "",
        "import attrs",
        *runtime_import(used),
    ]


def render_params_module(param_set: ParamSet, module: str, names: _ParamNames) -> str:
    used: set[str] = set()
    operations = {op.operation_id: (op.method, op.path) for op in param_set.operations}
    classes = [
        _class_view(c, operations, param_set.labels, names, used)
        for c in param_set.classes
        if c.module == module
    ]
    if "UNSET" in used:
        used.add("UnsetType")
    enums = []
    for enum in param_set.enums:
        if enum.module == module:
            used |= {"TypeAlias", "Literal"}
            enums.append({"name": enum.name, "literal": ", ".join(literal(v) for v in enum.values)})
    exports = sorted([c["name"] for c in classes] + [e["name"] for e in enums])
    return _ENV.get_template("params_module.py.jinja2").render(
        header=_header(param_set),
        docstring=f"Request parameters of Stripe's `{module}` operations.",
        imports=_imports(used),
        exports=exports,
        enums=enums,
        classes=classes,
    )


def render_params_init(param_set: ParamSet, package: str) -> str:
    operations = sorted(
        (q(op.operation_id), q(op.method.upper()), q(op.path), q(op.module), q(op.name))
        for op in param_set.operations
    )
    return _ENV.get_template("params_init.py.jinja2").render(
        header=_header(param_set),
        package=package,
        api_version=param_set.api_version,
        modules=[q(m) for m in param_set.modules()],
        operations=operations,
    )


def params_schema_document(param_set: ParamSet) -> str:
    """The JSON Schema of every operation's parameters, as committed (`params/schemas.json`)."""
    document = to_json_schema(
        param_set.schemas,
        param_set.schemas,
        api_version=param_set.api_version,
        source_sha256=param_set.spec_sha256,
    )
    return dumps(document)


def params_files(
    spec: LoadedSpec, keys: Iterable[str] | None, package: str
) -> tuple[ParamSet, dict[str, str], dict[str, str]]:
    """(the IR, Python sources before formatting, other files) of the parameter classes.

    `keys=None` covers every operation; else the operations answering those schemas.
    """
    param_set = build_param_set(spec, keys)
    if not param_set.operations:
        return param_set, {}, {}
    names = _ParamNames(
        models={c.pointer: (c.module, c.name) for c in param_set.classes},
        enums={e.pointer: e for e in param_set.enums},
    )
    base = f"{package}/{SUBPACKAGE}"
    sources = {
        f"{base}/{module}.py": render_params_module(param_set, module, names)
        for module in param_set.modules()
    }
    sources[f"{base}/__init__.py"] = render_params_init(param_set, package)
    return param_set, sources, {f"{base}/schemas.json": params_schema_document(param_set)}
