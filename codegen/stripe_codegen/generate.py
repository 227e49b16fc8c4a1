"""The generator's pipeline: load → select → parse (intermediate model) → render → format.

`generate` returns every output file as text; `write` puts them on disk (see
`output`: a manifest of what was written, an all-or-nothing swap) and
`stale_files` compares them with what is there (for `--check`).

Besides the modules, a package holds `schemas.json` (the JSON Schema document for
validation), `py.typed`, the manifest and `source-spec.json`: the spec it was
generated from, cut to what the models and their operations use and without prose.
The next regeneration diffs against that copy (`previous_spec()`) to say what
changed and whether it breaks code written against the committed models.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from stripe_schemas.issues import counted

from . import naming
from .errors import SpecError, SpecProblem
from .ir import AliasDef, ClassDef, EnumDef, ModelSet, ParamSet
from .jsonschema_out import SelfComposition, to_json_schema
from .loader import LoadedSpec, load_spec
from .output import (
    MANIFEST,
    FileChanges,
    file_changes,
    manifest_text,
    read_manifest,
    stale,
    write_package,
)
from .params_render import params_files
from .parse import build_model_set
from .render import GENERATOR, format_sources, render_sources
from .select import schema_pointer
from .slicing import SLICED_FROM_KEY, slice_spec, strip_prose_keys

DEFAULT_PACKAGE = "stripe_models"
#: The copy of the spec the models were generated from (what the next diff compares with).
SOURCE_SPEC = "source-spec.json"


@attrs.frozen
class Generated:
    """The generator's output: relative path → file text, and what it was built from."""

    files: dict[str, str]
    model_set: ModelSet
    package: str
    spec: LoadedSpec = attrs.field(repr=False)
    #: The roots asked for (None: every schema).
    roots: tuple[str, ...] | None = None
    #: The request parameter classes (`<package>/params/`).
    param_set: ParamSet | None = None
    #: What the output leaves out of the spec, one line per schema (the CLI prints them).
    warnings: tuple[SpecProblem, ...] = ()

    @property
    def class_count(self) -> int:
        return len(self.model_set.classes)

    def summary(self) -> str:
        ms = self.model_set
        return (
            f"{counted(self.class_count, 'class', 'classes')}, "
            f"{counted(len(ms.aliases), 'union alias', 'union aliases')}, "
            f"{counted(len(ms.enums), 'enum alias', 'enum aliases')} "
            f"from {counted(len(ms.schema_keys), 'schema')} in {counted(len(ms.modules()), 'module')} "
            f"({', '.join(ms.modules())}); API version {ms.api_version}"
            + (
                f"; parameters of {counted(len(self.param_set.operations), 'operation')}"
                if self.param_set
                else ""
            )
        )


def schema_document(spec: LoadedSpec, model_set: ModelSet) -> str:
    """The JSON Schema 2020-12 document for validation, as committed."""
    try:
        document = to_json_schema(
            spec.schemas,
            model_set.schema_keys,
            api_version=model_set.api_version,
            source_sha256=model_set.spec_sha256,
            tags=model_set.tags,
            classes=frozenset(c.schema_key for c in model_set.classes),
        )
    except SelfComposition as exc:  # a construct we refuse, said at its schema; a bug raises
        message = f"{exc} (not supported: its parts cannot be merged into one object)"
        raise SpecError(SpecProblem(spec.source, schema_pointer(exc.key), message)) from None
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def _recorded_prefixes(spec: LoadedSpec) -> list[str] | None:
    """The path prefixes a sliced spec was cut with (its operations stay within them)."""
    info = spec.document.get("info")
    record = info.get(SLICED_FROM_KEY) if isinstance(info, dict) else None
    prefixes = record.get("path_prefixes") if isinstance(record, dict) else None
    return [str(p) for p in prefixes] if isinstance(prefixes, list) else None


def source_spec_text(spec: LoadedSpec, roots: Sequence[str] | None) -> str:
    """The prose-free copy of `spec` kept with the models: the roots' closure and
    operations (the whole spec for `None`), recording the digest of the spec's bytes."""
    prefixes = _recorded_prefixes(spec)
    if roots is not None:
        document = slice_spec(
            spec.document,
            list(roots),
            path_prefixes=prefixes,
            source=spec.source,
            upstream_sha256=spec.sha256,
        )
    else:
        document = strip_prose_keys(spec.document)
        info = document.get("info")
        document["info"] = {
            "version": spec.api_version,
            **({} if not isinstance(info, dict) else {k: v for k, v in info.items()}),
            SLICED_FROM_KEY: {
                "roots": None,
                "path_prefixes": prefixes,
                "upstream_sha256": spec.sha256,
            },
        }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


def name_problems(
    spec: LoadedSpec, model_set: ModelSet, param_set: ParamSet | None, package: str
) -> list[SpecProblem]:
    """Every name that would give a package that cannot be imported: the package's own, an
    `x-resourceId` that is not dotted names, a module that collides with what the package
    needs (`params`, `model_for`, …), a class name that is not a name or shadows an
    import, two fields of a class with one attribute name."""
    problems: list[SpecProblem] = []
    why = naming.package_problem(package)
    if why is not None:
        problems.append(SpecProblem("--package", None, why))
    bad_schemas: set[str] = set()
    for key in model_set.schema_keys:
        schema = spec.schemas.get(key)
        if isinstance(schema, dict) and "x-resourceId" in schema:
            why = naming.resource_id_problem(schema["x-resourceId"])
            if why is not None:
                bad_schemas.add(schema_pointer(key))
                problems.append(
                    SpecProblem(spec.source, schema_pointer(key) + "/x-resourceId", why)
                )
    items: list[ClassDef | AliasDef | EnumDef] = [
        *model_set.classes,
        *model_set.aliases,
        *model_set.enums,
    ]
    sets: list[tuple[list[ClassDef | AliasDef | EnumDef], frozenset[str], str]] = [
        (items, naming.RESERVED_MODULES, f"the package {package!r}")
    ]
    if param_set is not None:
        params: list[ClassDef | AliasDef | EnumDef] = [*param_set.classes, *param_set.enums]
        sets.append((params, naming.RESERVED_PARAMS_MODULES, f"{package}.params"))
    for members, reserved, where in sets:
        members = [m for m in members if not any(m.pointer.startswith(b) for b in bad_schemas)]
        modules: dict[str, str] = {}
        for item in members:
            modules.setdefault(item.module, item.pointer)
            why = naming.class_problem(item.name)
            if why is not None:
                problems.append(SpecProblem(spec.source, item.pointer, why))
            if isinstance(item, ClassDef):
                problems += _field_clashes(spec.source, item)
        for module, pointer in sorted(modules.items()):
            why = naming.module_problem(module, reserved, where)
            if why is not None:
                problems.append(SpecProblem(spec.source, pointer, why))
    return problems


def _field_clashes(source: str, cls: ClassDef) -> list[SpecProblem]:
    seen: dict[str, str] = {}
    problems = []
    for field in cls.fields:
        if not naming.is_name(field.attr_name) or field.attr_name in naming.RESERVED_ATTRIBUTES:
            message = f"attribute name {field.attr_name!r} (from --names) is not usable"
            problems.append(SpecProblem(source, cls.pointer, message))
        first = seen.setdefault(field.attr_name, field.wire_name)
        if first != field.wire_name:
            message = (
                f"fields {first!r} and {field.wire_name!r} of {cls.name} would both be the "
                f"attribute {field.attr_name!r} (--names can name one: its property's JSON "
                "pointer → an attribute name)"
            )
            problems.append(SpecProblem(source, cls.pointer, message))
    return problems


def generate(
    source: str | Path,
    roots: Sequence[str] | None,
    *,
    package: str = DEFAULT_PACKAGE,
    names: Mapping[str, str] | None = None,
    stripe_roots: Sequence[str] = (),
) -> Generated:
    """Run the whole pipeline on a spec; `roots=None` generates every component schema.

    `roots=[]`: `stripe_roots` for a spec with Stripe's conventions, an error for others.
    `names`: the user's names for what the naming rule would name alike (see
    `load_names`). A name that would give a package that cannot be imported
    (`name_problems`) is a `SpecError` before anything is formatted or written.
    """
    why = naming.package_problem(package)
    if why is not None:
        raise SpecError(SpecProblem("--package", None, why))
    spec = load_spec(source)
    if roots is not None and not roots:  # none named: Stripe's defaults, for Stripe's specs
        if not (spec.stripe_conventions and stripe_roots):
            message = (
                "no root schemas: name them with --root SCHEMA (repeatable), "
                "or generate every component schema with --all"
            )
            raise SpecError(SpecProblem(spec.source, None, message))
        roots = list(stripe_roots)
    model_set = build_model_set(spec, roots, names=names)
    keys = None if roots is None else model_set.schema_keys
    param_set: ParamSet | None = None
    param_sources: dict[str, str] = {}
    param_other: dict[str, str] = {}
    if spec.stripe_conventions:  # request parameters in Stripe's form encoding
        param_set, param_sources, param_other = params_files(spec, keys, package)
    problems = name_problems(spec, model_set, param_set if param_sources else None, package)
    if problems:
        raise SpecError(problems)
    files = format_sources({**render_sources(model_set, package), **param_sources})
    files[f"{package}/py.typed"] = ""
    files[f"{package}/schemas.json"] = schema_document(spec, model_set)
    files.update(param_other)
    files[f"{package}/{SOURCE_SPEC}"] = source_spec_text(spec, roots)
    inside = {rel.removeprefix(f"{package}/"): text for rel, text in files.items()}
    files[f"{package}/{MANIFEST}"] = manifest_text(inside, GENERATOR)
    return Generated(
        files=dict(sorted(files.items())),
        model_set=model_set,
        package=package,
        spec=spec,
        roots=None if roots is None else tuple(roots),
        param_set=param_set,
        warnings=model_set.warnings,
    )


def load_names(path: str | Path) -> dict[str, str]:
    """A `--names` file: a JSON or YAML mapping from a schema key (its class) or
    `key.field[.field…]` (the enum alias or inline object there) to the name to use."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(SpecProblem(source, None, f"cannot read: {exc.strerror or exc}")) from None
    try:
        import yaml

        found = yaml.safe_load(text)
    except Exception as exc:
        raise SpecError(SpecProblem(source, None, f"not JSON or YAML: {exc}")) from None
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in found.items()
    ):
        message = "expected a mapping of schema keys (or key.field) to names"
        raise SpecError(SpecProblem(source, None, message))
    return found


def _inside(result: Generated) -> dict[str, str]:
    prefix = f"{result.package}/"
    return {rel.removeprefix(prefix): text for rel, text in result.files.items()}


def write(result: Generated, out_dir: Path, *, force: bool = False) -> list[str]:
    """Write the package into `out_dir`; return the paths (`package/…`) that changed.

    A file the generator did not write is never overwritten or deleted; one it wrote and
    someone edited since is refused too, unless `force` (see `output`).
    """
    changed = write_package(out_dir / result.package, _inside(result), force=force)
    return [f"{result.package}/{rel}" for rel in changed]


def stale_files(result: Generated, out_dir: Path) -> list[str]:
    """A unified diff between the committed files and a fresh generation (empty if up to date)."""
    return stale(out_dir / result.package, _inside(result), result.package)


def changed_files(result: Generated, out_dir: Path) -> FileChanges:
    """Which files of the package writing would add, change and remove (paths inside it)."""
    return file_changes(out_dir / result.package, _inside(result))


def previous_spec(package_dir: Path) -> tuple[LoadedSpec | None, str]:
    """The spec the models in `package_dir` were generated from, or None and why not.

    Read from the package's own copy (`SOURCE_SPEC`), which must be listed in its
    manifest and agree with the digest its `schemas.json` records.
    """
    if not package_dir.is_dir():
        return None, f"no models in {package_dir} yet"
    recorded = read_manifest(package_dir)
    if SOURCE_SPEC not in recorded:
        return None, f"{package_dir} has no record of the spec its models came from"
    path = package_dir / SOURCE_SPEC
    try:
        document: Any = json.loads(path.read_bytes())
        schema_doc: Any = json.loads((package_dir / "schemas.json").read_bytes())
    except (OSError, ValueError) as exc:
        return None, f"cannot read the record of the previous spec ({exc})"
    info = document.get("info") if isinstance(document, dict) else None
    record = info.get(SLICED_FROM_KEY) if isinstance(info, dict) else None
    sha = record.get("upstream_sha256") if isinstance(record, dict) else None
    if not isinstance(sha, str) or not isinstance(schema_doc, dict):
        return None, f"{path} is not a stripe-schemas spec record"
    if schema_doc.get("x-spec-sha256") != sha:
        return None, f"{path} and {package_dir}/schemas.json name different specs"
    return LoadedSpec(document=document, source=str(path), sha256=sha), ""
