"""The house: imports point down, never in a circle, and never at another package's private names.

Every import in ``src/`` and ``codegen/`` counts, those inside functions and under
``TYPE_CHECKING`` included (a cycle hidden in a function is still a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGES = {
    "stripe_schemas": ROOT / "src" / "stripe_schemas",
    "stripe_codegen": ROOT / "codegen" / "stripe_codegen",
}

#: Each part of the package and its layer: a part imports only parts of lower layers.
LAYERS = {
    "model": 0,  # UNSET, Expandable, field facts, class plans, pointers, package registry
    "rules": 0,  # the language rules are written in
    "requires": 0,  # optional dependencies
    "identity": 1,  # Stripe Identity as data, the rule table
    "issues": 2,
    "io": 3,
    "sampling": 3,
    "_repr": 3,
    "forms": 3,
    "converters": 4,
    "validation": 4,
    "strategies": 5,
    "webhooks": 5,
    "params": 5,
    "dask": 5,
    "client": 6,
    "codegen": 6,
    "cli": 7,
    "__main__": 8,
    "__init__": 8,
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found: dict[str, tuple[Path, bool]] = {}
    for path in PACKAGES.values():
        for file in path.rglob("*.py"):
            parts = list(file.relative_to(path.parent).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join(parts)] = (file, is_package)
    return found


MODULES = _modules()


def _package(module: str) -> str:
    return module if MODULES[module][1] else module.rpartition(".")[0]


def _imports(module: str) -> list[tuple[str, str]]:
    """(imported name, the module it lands in) for every import of ``module`` of ours."""
    file, _ = MODULES[module]
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(module).split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                if full in MODULES:
                    found.append((full, full))
                elif target in MODULES:
                    found.append((full, target))
        elif isinstance(node, ast.Import):
            found.extend((a.name, a.name) for a in node.names if a.name in MODULES)
    return found


def _private(parts: list[str]) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in parts)


def reaches_private(package: str, name: str) -> bool:
    """Whether importing ``name`` from ``package`` touches another package's private name: a
    package's own private modules and names are its business, a subpackage's are not."""
    parts, mine = name.split("."), package.split(".")
    if parts[: len(mine)] != mine:
        return _private(parts)
    rest = parts[len(mine) :]
    first = ".".join(mine + rest[:1])
    if rest and first in MODULES and MODULES[first][1]:
        return _private(rest[1:])
    return False


def _part(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "stripe_codegen":
        return "codegen"
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_checker_sees_what_it_should() -> None:
    """The rule itself: own private modules are fine; a sibling package's are not."""
    assert not reaches_private("stripe_schemas.validation", "stripe_schemas.validation._schema.X")
    assert reaches_private("stripe_schemas.validation", "stripe_schemas.io._json")
    assert reaches_private("stripe_schemas", "stripe_schemas.io._reader.Reader")
    assert not reaches_private("stripe_schemas", "stripe_schemas._repr.safe_repr")
    assert reaches_private("stripe_schemas.cli", "stripe_schemas._repr.safe_repr")
    assert not reaches_private("stripe_schemas.cli", "stripe_schemas.io.Reader")


def test_no_package_imports_another_packages_private_names() -> None:
    """In src/ and codegen/, only a package itself reaches into its ``_private`` modules."""
    found = [
        f"{module} imports {name}"
        for module in sorted(MODULES)
        for name, _ in _imports(module)
        if reaches_private(_package(module), name)
    ]
    assert found == []


def test_no_import_cycle() -> None:
    """No module imports, directly or through others, a module that imports it."""
    graph = {module: {target for _, target in _imports(module)} - {module} for module in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    """A part of the package imports only parts below it (see ``LAYERS``)."""
    mine = _part(module)
    assert mine in LAYERS, f"{module}: add its part to LAYERS"
    upward = [
        target
        for _, target in _imports(module)
        if _part(target) != mine and LAYERS[_part(target)] >= LAYERS[mine]
    ]
    assert upward == []


def test_modules_stay_small() -> None:
    """No module of src/ or codegen/ grows past 750 lines (split it along its seams)."""
    long = {
        module: n
        for module, (file, _) in MODULES.items()
        if (n := len(file.read_text(encoding="utf-8").splitlines())) > 750
    }
    assert long == {}


def test_the_webhooks_do_not_import_the_validator_or_the_stream_reader() -> None:
    """`import stripe_schemas.webhooks` (a webhook endpoint's start-up) leaves the rule
    compiler, the validator and the stream reader for their first use; asking for one of
    their names then imports it."""
    import subprocess
    import sys

    code = (
        "import sys, stripe_schemas.webhooks\n"
        "deferred = ['stripe_schemas.validation._validator', 'stripe_schemas.validation._compile',"
        " 'stripe_schemas.validation._lifecycle', 'stripe_schemas.io._reader',"
        " 'stripe_schemas.io._sources']\n"
        "print(sorted(m for m in deferred if m in sys.modules))\n"
        "from stripe_schemas.validation import validate\n"
        "from stripe_schemas.io import Reader\n"
        "print(sorted(m for m in deferred if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    before, after = done.stdout.splitlines()
    assert before == "[]"
    assert "stripe_schemas.validation._validator" in after
    assert "stripe_schemas.io._reader" in after
