"""The generator's pipeline: load → select → parse (intermediate model) → render → format.

``generate`` returns every output file as text; ``write`` puts them on disk
and ``stale_files`` compares them with what is there (for ``--check``).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path

import attrs

from .ir import ModelSet
from .loader import LoadedSpec, load_spec
from .parse import build_model_set
from .render import format_sources, render_sources

DEFAULT_PACKAGE = "stripe_models"
#: Files the generator owns inside the package directory (others are left alone).
OWNED_SUFFIXES = (".py", ".json")


@attrs.frozen
class Generated:
    """The generator's output: relative path → file text, and what it was built from."""

    files: dict[str, str]
    model_set: ModelSet
    package: str

    @property
    def class_count(self) -> int:
        return len(self.model_set.classes)

    def summary(self) -> str:
        ms = self.model_set
        return (
            f"{self.class_count} classes, {len(ms.aliases)} union aliases, {len(ms.enums)} enum "
            f"aliases from {len(ms.schema_keys)} schemas in {len(ms.modules())} modules "
            f"({', '.join(ms.modules())}); API version {ms.api_version}"
        )


def schema_document(spec: LoadedSpec, model_set: ModelSet) -> str | None:
    """The JSON Schema 2020-12 document for validation (None until that module exists)."""
    try:
        from .jsonschema_out import to_json_schema
    except ImportError:  # pragma: no cover - only while the translator is being written
        return None
    document = to_json_schema(
        spec.schemas,
        model_set.schema_keys,
        api_version=model_set.api_version,
        source_sha256=model_set.spec_sha256,
    )
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def generate(
    source: str | Path, roots: Sequence[str] | None, *, package: str = DEFAULT_PACKAGE
) -> Generated:
    """Run the whole pipeline on a spec; ``roots=None`` generates every component schema."""
    spec = load_spec(source)
    model_set = build_model_set(spec, roots)
    files = format_sources(render_sources(model_set, package))
    files[f"{package}/py.typed"] = ""
    schemas = schema_document(spec, model_set)
    if schemas is not None:
        files[f"{package}/schemas.json"] = schemas
    return Generated(files=dict(sorted(files.items())), model_set=model_set, package=package)


def _owned(out_dir: Path, package: str) -> set[str]:
    root = out_dir / package
    if not root.is_dir():
        return set()
    return {
        path.relative_to(out_dir).as_posix()
        for path in root.iterdir()
        if path.is_file() and path.suffix in OWNED_SUFFIXES
    }


def write(result: Generated, out_dir: Path) -> list[str]:
    """Write the files (only those that changed) and delete owned files no longer generated."""
    changed = []
    for rel, text in result.files.items():
        path = out_dir / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(rel)
    for rel in sorted(_owned(out_dir, result.package) - set(result.files)):
        (out_dir / rel).unlink()
        changed.append(rel)
    return changed


def stale_files(result: Generated, out_dir: Path) -> list[str]:
    """A unified diff between the committed files and a fresh generation (empty if up to date)."""
    lines: list[str] = []
    for rel in sorted(set(result.files) | _owned(out_dir, result.package)):
        path = out_dir / rel
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        new = result.files.get(rel, "")
        if old != new:
            lines += difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"committed/{rel}",
                tofile=f"generated/{rel}",
            )
    return lines
