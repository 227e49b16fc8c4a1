"""The docstrings the API reference renders are Markdown: no reST roles or double-backtick literals.

mkdocstrings renders docstrings as Markdown (Google style), so a reST role such as
`:class:` would show up raw on the site. Every docstring of the two documented packages
(module, class, function and attribute docstrings, private modules included, since public
names re-export them) and every `#:` attribute comment is checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

#: The two documented packages, and the generated ones: the generator's templates write
#: Markdown docstrings too, since users' editors and tools render them.
PACKAGES = (
    ROOT / "src" / "stripe_schemas",
    ROOT / "codegen" / "stripe_codegen",
    ROOT / "generated" / "stripe_models",
    ROOT / "generated" / "stripe_models_2023_08_16",
)
#: A reST role (`:class:`, `:py:func:`, …) or a reST inline literal in double backticks.
REST = re.compile(r":(?:py:)?[a-z]+:`|``[^`]+``")


def _docstrings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of each string statement (docstrings of modules, classes, functions and
    attributes) and each `#:` comment in one module."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield node.lineno, node.value.value
    for number, line in enumerate(source.splitlines(), 1):
        if line.lstrip().startswith("#:"):
            yield number, line


def _modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in package.rglob("*.py"))


def test_the_detector_finds_rest_markup() -> None:
    """The pattern catches the roles and literals it is meant to, and not Markdown code."""
    for text in (":class:`Foo`", ":func:`~a.b`", ":py:meth:`x.y`", "``code``", ":data:`X`"):
        assert REST.search(text), text
    for text in ("`code`", "[`Foo`][stripe_schemas.Foo]", "a: `b`", "key: value"):
        assert not REST.search(text), text


def test_the_packages_have_docstrings_to_check() -> None:
    """The walk reaches the modules (so the check below cannot pass on nothing)."""
    modules = _modules()
    assert len(modules) > 50
    assert sum(1 for path in modules for _ in _docstrings(path)) > 500


@pytest.mark.parametrize(
    "path", _modules(), ids=lambda path: str(path.relative_to(ROOT)).replace("/", ".")
)
def test_no_rest_markup_in_docstrings(path: Path) -> None:
    """Docstrings use Markdown code spans and mkdocstrings cross-references
    (a link written [`Name`][package.module.Name]), never reST roles."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {match.group(0)}"
        for line, text in _docstrings(path)
        for match in REST.finditer(text)
    ]
    assert found == []
