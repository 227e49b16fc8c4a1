"""Converters: structure and unstructure, ours vs pydantic v2, msgspec and plain cattrs, one run.

Every competitor works from the same schemas (the closure of
``identity.verification_session``) and is built at bench time into a temporary
directory, never committed:

* pydantic v2 models and msgspec Structs from datamodel-code-generator
  (``spec/stripe-identity.yaml``; without it, the same closure cut from the
  pinned spec), measured with ``model_validate`` / ``model_dump(mode="json")``
  and ``msgspec.convert`` / ``msgspec.to_builtins``;
* a default ``cattrs.Converter`` on our own generated classes, with the two hooks it
  needs (see :func:`cattrs_pair`).

Before timing, each competitor must structure every payload without error and
write back exactly what it read, as we do (its full dump compared with ours,
absent-vs-null the only difference forgiven). Every implementation is timed
round-robin in the same rounds (``bench._timing.interleaved``). Reported: medians
and ratios.
"""

from __future__ import annotations

import contextlib
import importlib
import shutil
import sys
import tempfile
import types
import typing
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Union

import attrs

from bench._timing import Timings, fmt_ratio, interleaved, table
from bench.payloads import PAYLOADS, invalid_payload
from stripe_models.identity import VerificationSession
from stripe_schemas import PayloadError, structure, unstructure
from stripe_schemas.model import UnsetType

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "spec" / "stripe-identity.yaml"
PINNED = ROOT.parent / "shared" / "stripe-openapi" / "specs" / "2023-09-12_api-2023-08-16.yaml"
ROOT_SCHEMA = "identity.verification_session"
OURS = "stripe_schemas"
PYDANTIC = "pydantic v2"
MSGSPEC = "msgspec"
CATTRS = "plain cattrs"

Structure = Callable[[Any], Any]
Unstructure = Callable[[Any], Any]


# -- the competitors, generated at bench time --------------------------------------------


def _spec_file(scratch: Path) -> Path:
    """The identity schemas as an OpenAPI file: the bundled slice, else cut from the pinned spec."""
    if BUNDLED.exists():
        return BUNDLED
    import yaml

    from stripe_codegen.slicing import dump_yaml, slice_spec

    document = yaml.safe_load(PINNED.read_text(encoding="utf-8"))
    sliced = slice_spec(document, [ROOT_SCHEMA], path_prefixes=[])
    path = scratch / "identity-closure.yaml"
    path.write_text(dump_yaml(sliced), encoding="utf-8")
    return path


def _dcg_package(spec: Path, scratch: Path, package: str, kind: Any) -> Any:
    """Run datamodel-code-generator into ``scratch/package`` and import the identity module."""
    from datamodel_code_generator import (
        InputFileType,
        LiteralType,
        OpenAPIScope,
        PythonVersion,
        generate,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generate(
            spec,
            input_file_type=InputFileType.OpenAPI,
            output=scratch / package,
            output_model_type=kind,
            enum_field_as_literal=LiteralType.All,
            strict_nullable=True,
            use_standard_collections=True,
            use_union_operator=True,
            target_python_version=PythonVersion.PY_310,
            openapi_scopes=[OpenAPIScope.Schemas],
        )
    return importlib.import_module(f"{package}.identity")


def pydantic_pair(spec: Path, scratch: Path) -> tuple[Structure, Unstructure]:
    from datamodel_code_generator.enums import DataModelType

    module = _dcg_package(
        spec, scratch, "_bench_pydantic_models", DataModelType.PydanticV2BaseModel
    )
    model = module.VerificationSession
    model.model_rebuild()
    return model.model_validate, lambda m: m.model_dump(mode="json")


def msgspec_pair(spec: Path, scratch: Path) -> tuple[Structure, Unstructure]:
    import msgspec
    from datamodel_code_generator.enums import DataModelType

    module = _dcg_package(spec, scratch, "_bench_msgspec_models", DataModelType.MsgspecStruct)
    model = module.VerificationSession
    return (lambda p: msgspec.convert(p, model)), msgspec.to_builtins


def cattrs_pair() -> tuple[Structure, Unstructure]:
    """A default ``cattrs.Converter`` on our own generated classes, with the two hooks it needs.

    * a union hook (cattrs does not pick a union's branch on its own): ``null`` stays None,
      a JSON scalar passes (Literal and open enums, expandable IDs), an object is the
      union's class (absent keys take their ``UNSET`` default, so a payload never holds one);
    * unstructure without the fields that hold their default (UNSET, the empty ``_extra``).

    No strictness is added: cattrs' defaults decide what is accepted (it coerces where it
    can, and checks neither enums nor maxLength).
    """
    import cattrs
    from cattrs.gen import make_dict_unstructure_fn

    converter = cattrs.Converter()

    def is_union(tp: Any) -> bool:
        return typing.get_origin(tp) in (Union, types.UnionType)

    def union_hook(tp: Any) -> Callable[[Any, Any], Any]:
        members = [a for a in typing.get_args(tp) if a not in (UnsetType, type(None))]
        classes = [m for m in members if isinstance(m, type) and attrs.has(m)]
        inner = members[0] if len(members) == 1 else None

        def hook(value: Any, _: Any) -> Any:
            if value is None or type(value) in (str, int, float, bool):
                return value
            if classes:
                return converter.structure(value, classes[0])
            return converter.structure(value, inner)

        return hook

    converter.register_structure_hook_factory(is_union, union_hook)
    converter.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True),
    )
    return (lambda p: converter.structure(p, VerificationSession)), converter.unstructure


def ours_pair() -> tuple[Structure, Unstructure]:
    return (lambda p: structure(p, VerificationSession)), unstructure


# -- agreement, then timing ------------------------------------------------------------------


def _agree(name: str, structure_fn: Structure, unstructure_fn: Unstructure) -> None:
    """The competitor reads every payload without error and writes back what it read.

    Its full dump (the unstructure function that is timed) must equal the payload,
    and ours must equal it exactly. Only one normalisation: a key the payload
    leaves out may come back as ``null``, since the competitors' models cannot
    tell an absent field from a null one (they default absent fields to None).
    """
    for label, payload in PAYLOADS.items():
        ours = unstructure(structure(payload, VerificationSession))
        if ours != payload:
            raise AssertionError(f"{OURS} does not round-trip {label}")
        theirs = _without_added_nulls(unstructure_fn(structure_fn(payload)), payload)
        if theirs != ours:
            raise AssertionError(f"{name} disagrees with us on {label}: {theirs!r} != {ours!r}")


def _without_added_nulls(value: Any, reference: Any) -> Any:
    """``value`` without the ``null`` entries of keys ``reference`` does not have, recursively."""
    if isinstance(value, dict) and isinstance(reference, dict):
        return {
            key: _without_added_nulls(item, reference.get(key))
            for key, item in value.items()
            if key in reference or item is not None
        }
    if isinstance(value, list) and isinstance(reference, list) and len(value) == len(reference):
        return [_without_added_nulls(v, r) for v, r in zip(value, reference, strict=True)]
    return value


def _measure(
    pairs: dict[str, tuple[Structure, Unstructure]],
) -> tuple[dict[str, Timings], dict[str, Timings]]:
    """Per payload, every implementation timed round-robin in the same rounds."""
    structure_times: dict[str, Timings] = {}
    unstructure_times: dict[str, Timings] = {}
    for label, payload in PAYLOADS.items():
        structure_times[label] = interleaved(
            {name: partial(fns[0], payload) for name, fns in pairs.items()}
        )
        instances = {name: fns[0](payload) for name, fns in pairs.items()}
        unstructure_times[label] = interleaved(
            {name: partial(fns[1], instances[name]) for name, fns in pairs.items()}
        )
    return structure_times, unstructure_times


def _invalid_times(pairs: dict[str, tuple[Structure, Unstructure]]) -> Timings:
    """The error path: our full report vs pydantic's ValidationError on the same bad payload."""
    bad = invalid_payload()
    rows: list[tuple[str, Callable[[], None]]] = []
    for name in (OURS, PYDANTIC):
        if name not in pairs:
            continue
        structure_fn = pairs[name][0]

        def attempt(fn: Structure = structure_fn) -> None:
            with contextlib.suppress(PayloadError, ValueError):
                fn(bad)

        rows.append((name, attempt))
    return interleaved(dict(rows))


def _summary(times: dict[str, Timings], what: str) -> list[str]:
    """Per competitor, our time over theirs on each payload: the median of the per-round
    ratios, with their spread over the rounds."""
    lines = []
    for other in (PYDANTIC, MSGSPEC, CATTRS):
        ratios = [
            f"{label} {fmt_ratio(times[label].ratio(OURS, other))}"
            for label in PAYLOADS
            if other in times[label]
        ]
        if ratios:
            lines.append(f"- {what} vs {other}: {'; '.join(ratios)}")
    return lines


def run() -> str:
    """Time every implementation in this process; return Markdown tables with medians and ratios."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-convert-"))
    sys.path.insert(0, str(scratch))
    try:
        spec = _spec_file(scratch)
        pairs = {
            OURS: ours_pair(),
            PYDANTIC: pydantic_pair(spec, scratch),
            MSGSPEC: msgspec_pair(spec, scratch),
            CATTRS: cattrs_pair(),
        }
        for name, (structure_fn, unstructure_fn) in pairs.items():
            _agree(name, structure_fn, unstructure_fn)
        structure_times, unstructure_times = _measure(pairs)
        invalid = _invalid_times(pairs)
    finally:
        sys.path.remove(str(scratch))
        shutil.rmtree(scratch, ignore_errors=True)
    lines = [
        "## Converter benchmark",
        "",
        f"Schemas: {spec.name if spec == BUNDLED else 'closure of ' + ROOT_SCHEMA}",
        "",
    ]
    for label in PAYLOADS:
        lines += [table(f"structure: {label}", structure_times[label], PYDANTIC), ""]
    for label in PAYLOADS:
        lines += [table(f"unstructure: {label}", unstructure_times[label], PYDANTIC), ""]
    lines += [table("structure an invalid payload (every error collected)", invalid, PYDANTIC), ""]
    worst_structure = max(structure_times[p][OURS] / structure_times[p][PYDANTIC] for p in PAYLOADS)
    worst_unstructure = max(
        unstructure_times[p][OURS] / unstructure_times[p][PYDANTIC] for p in PAYLOADS
    )
    lines += [
        "Ratios (ours / theirs, per payload; below 1 is faster):",
        "",
        *_summary(structure_times, "structure"),
        *_summary(unstructure_times, "unstructure"),
        "",
        f"Targets: structure ≤ 1.0x pydantic: {worst_structure:.2f}x "
        f"{'met' if worst_structure <= 1 else 'NOT met'}; unstructure ≤ 1.0x pydantic "
        f"model_dump: {worst_unstructure:.2f}x {'met' if worst_unstructure <= 1 else 'NOT met'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
