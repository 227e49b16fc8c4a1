"""Shared fixtures: the real Stripe data in ../shared, hypothesis profiles, the --all models."""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "stripe-openapi"
PINNED_SPEC = SHARED / "specs" / "2023-09-12_api-2023-08-16.yaml"
FIXTURES_2023 = SHARED / "fixtures" / "2023-09-12_fixtures3.json"
FIXTURES_2026 = SHARED / "fixtures" / "2026-latest_fixtures3.json"
ON_CI = os.environ.get("CI", "").lower() == "true"

# Parsed-spec cache: private to this test session (parsed once, reused by every test).
_CACHE = tempfile.mkdtemp(prefix="stripe-schemas-test-cache-")
os.environ["STRIPE_SCHEMAS_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

# Fast locally, thorough in CI; never a deadline (a shared 2-core machine is not a benchmark),
# and every failure prints the @reproduce_failure blob that replays it.
settings.register_profile("dev", max_examples=50, deadline=None, print_blob=True)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# A quick look at what fails: few examples, no shrinking (HYPOTHESIS_PROFILE=triage).
settings.register_profile(
    "triage",
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if ON_CI else "dev"))


def require_shared(path: Path) -> Path:
    """Return a path under ../shared; missing data fails under CI=true and skips elsewhere."""
    if not path.exists():
        message = f"real Stripe data missing: {path} (expected ../shared beside the repo)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def pinned_spec_path() -> Path:
    return require_shared(PINNED_SPEC)


@pytest.fixture(scope="session")
def fixtures_2023() -> dict[str, Any]:
    resources: dict[str, Any] = json.loads(require_shared(FIXTURES_2023).read_text())["resources"]
    return resources


@pytest.fixture(scope="session")
def fixtures_2026() -> dict[str, Any]:
    resources: dict[str, Any] = json.loads(require_shared(FIXTURES_2026).read_text())["resources"]
    return resources


@pytest.fixture(scope="session")
def all_models(tmp_path_factory: pytest.TempPathFactory, pinned_spec_path: Path) -> Any:
    """``generate --all`` on the pinned spec, as the importable package ``stripe_models_all``."""
    from stripe_codegen.generate import generate, write

    out = tmp_path_factory.mktemp("all-models")
    result = generate(pinned_spec_path, None, package="stripe_models_all")
    write(result, out)
    sys.path.insert(0, str(out))
    try:
        package = importlib.import_module("stripe_models_all")
    finally:
        sys.path.remove(str(out))
    package.__generated__ = result  # the Generated object, for tests that inspect the output
    package.__out_dir__ = out
    return package
