"""The corpus of real public OpenAPI specs (``tests/test_corpus.py``, ``bench_generate``),
pinned, fetched through npm into a cache outside the repository
(``~/.cache/stripe-schemas/corpus``, or ``$STRIPE_SCHEMAS_CORPUS``)."""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent  # the repository


@attrs.frozen
class CorpusSpec:
    name: str
    #: npm package and pinned version.
    package: str
    version: str
    #: The spec's path inside the package's tarball.
    member: str
    #: A ``--names`` file for what the naming rule cannot tell apart (in tests/corpus/).
    names: str | None = None
    #: How many documented examples the agreement check must find (it cannot pass empty).
    min_examples: int = 0


#: GitHub's REST API (OpenAPI 3.0.3, 969 schemas); runs in ``make test``.
GITHUB = CorpusSpec(
    "github",
    "@octokit/openapi",
    "23.0.2",
    "package/generated/api.github.com.json",
    "api.github.com.names.yaml",
    min_examples=60,
)
#: The rest run in ``make corpus``: 3.0 and 3.1, small and medium, different styles.
OTHERS = (
    # Directus (OpenAPI 3.0.1, 23 schemas; allOf-heavy, nullable).
    CorpusSpec("directus", "@directus/specs", "15.2.0", "package/dist/openapi.json"),
    # rclone's RC API (OpenAPI 3.1.0, 113 schemas; type lists, '_'-prefixed fields).
    CorpusSpec("rclone", "rclone-openapi", "1.75.0", "package/openapi.json", "rclone.names.yaml"),
    # ReadMe's discriminator examples (OpenAPI 3.0.3; oneOf/anyOf with discriminators).
    CorpusSpec(
        "discriminators",
        "@readme/oas-examples",
        "8.2.2",
        "package/3.0/json/discriminators.json",
    ),
    # The Swagger petstore in OpenAPI 3.1.0 (small).
    CorpusSpec("petstore31", "@readme/oas-examples", "8.2.2", "package/3.1/json/petstore.json"),
)


def cache_dir() -> Path:
    configured = os.environ.get("STRIPE_SCHEMAS_CORPUS")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "stripe-schemas" / "corpus"


def fetch(spec: CorpusSpec) -> Path:
    """The spec file, from the cache or fetched with ``npm pack`` at its pinned version."""
    folder = cache_dir() / f"{spec.package.replace('/', '+')}@{spec.version}"
    target = folder / spec.member
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "pack", f"{spec.package}@{spec.version}", "--pack-destination", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    tarballs = sorted(folder.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        raise RuntimeError(f"npm pack {spec.package}@{spec.version} failed: {done.stderr[-300:]}")
    with tarfile.open(tarballs[0]) as archive:
        archive.extract(archive.getmember(spec.member), folder, filter="data")
    return target


def names_file(spec: CorpusSpec) -> Path | None:
    return ROOT / "tests" / "corpus" / spec.names if spec.names else None
