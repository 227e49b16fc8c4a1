"""Generator speed: ours vs datamodel-code-generator's own dataclass output, same spec, one run.

Each side does the whole job from the spec file on disk to formatted files
on disk. Reported: medians of repeated runs and the ratio to
datamodel-code-generator.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from bench._timing import rounds_of, table
from stripe_codegen.generate import generate, write

ROOT = Path(__file__).resolve().parents[1]
PINNED = ROOT.parent / "shared" / "stripe-openapi" / "specs" / "2023-09-12_api-2023-08-16.yaml"
BUNDLED = ROOT / "spec" / "stripe-identity.yaml"


def ours(spec: Path, roots: list[str] | None) -> None:
    with tempfile.TemporaryDirectory() as out:
        write(generate(spec, roots), Path(out))


def dcg_dataclasses(spec: Path) -> None:
    from datamodel_code_generator import DataModelType, InputFileType
    from datamodel_code_generator import generate as dcg_generate

    with tempfile.TemporaryDirectory() as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dcg_generate(
            spec,
            input_file_type=InputFileType.OpenAPI,
            output=Path(out) / "models",
            output_model_type=DataModelType.DataclassesDataclass,
        )


def uncached(fn: Callable[[], None]) -> Callable[[], None]:
    """Run ``fn`` with the parsed-spec cache off (every run parses the YAML)."""

    def call() -> None:
        before = os.environ.get("STRIPE_SCHEMAS_CACHE")
        os.environ["STRIPE_SCHEMAS_CACHE"] = "off"
        try:
            fn()
        finally:
            if before is None:
                del os.environ["STRIPE_SCHEMAS_CACHE"]
            else:
                os.environ["STRIPE_SCHEMAS_CACHE"] = before

    return call


def github(rounds: int = 1) -> str:
    """GitHub's REST API spec (969 schemas): ours ``--all`` (the parser's inventory not
    cached) next to datamodel-code-generator alone on the same spec."""
    from bench.corpus import GITHUB, fetch, names_file
    from stripe_codegen.generate import load_names

    try:
        spec = fetch(GITHUB)
    except (OSError, RuntimeError) as exc:
        return f"bench generate: GitHub's spec cannot be fetched ({exc})"
    names_path = names_file(GITHUB)
    names = load_names(names_path) if names_path else None

    def ours_github() -> None:
        with tempfile.TemporaryDirectory() as out:
            write(generate(spec, None, package="github_models", names=names), Path(out))

    rows = rounds_of(
        {
            "datamodel-code-generator (dataclasses), GitHub's spec": lambda: dcg_dataclasses(spec),
            "stripe-schemas generate --all, GitHub's spec, cold": uncached(ours_github),
        },
        rounds=rounds,
    )
    return table(
        "Generation, GitHub's REST API spec (@octokit/openapi 23.0.2, 969 schemas)",
        rows,
        baseline="datamodel-code-generator (dataclasses), GitHub's spec",
    )


def run(rounds: int = 3) -> str:
    cache = tempfile.mkdtemp(prefix="bench-spec-cache-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    os.environ["STRIPE_SCHEMAS_CACHE"] = cache
    if not PINNED.exists():
        return f"bench generate: {PINNED} is missing (needs ../shared beside the repo)"
    ours(PINNED, None)  # the warm rows read the parsed-spec cache this fills
    full = rounds_of(
        {
            "datamodel-code-generator (dataclasses), full spec": lambda: dcg_dataclasses(PINNED),
            "stripe-schemas generate --all, full spec, cold": uncached(lambda: ours(PINNED, None)),
            "stripe-schemas generate --all, full spec, parsed-spec cache warm": lambda: ours(
                PINNED, None
            ),
        },
        rounds=rounds,
    )
    roots = ["identity.verification_session"]
    closure = rounds_of(
        {
            "stripe-schemas identity closure, bundled spec/": lambda: ours(BUNDLED, roots),
            "stripe-schemas identity closure, full pinned spec, cold": uncached(
                lambda: ours(PINNED, roots)
            ),
            "stripe-schemas identity closure, full pinned spec, cache warm": lambda: ours(
                PINNED, roots
            ),
        },
        rounds=max(rounds, 5),
    )
    return "\n\n".join(
        [
            table(
                "Generation, pinned 4 MB spec (819 schemas)",
                full,
                baseline="datamodel-code-generator (dataclasses), full spec",
            ),
            table(
                "Identity closure (23 schemas)",
                closure,
                baseline="stripe-schemas identity closure, bundled spec/",
            ),
            github(),
        ]
    )


if __name__ == "__main__":
    print(run())
