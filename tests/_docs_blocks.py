"""The fenced code blocks of the README and the docs pages, with the marker comment above each.

A marker is the HTML comment on the line before a block's fence; it says who checks a block
that the docs-examples test does not run itself (`tests/test_docs_examples.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from conftest import ROOT

DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[\w-]*)[^\n]*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<text>.*?)\s*-->\s*$")


@attrs.frozen
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    info: str  # the fence's language: python, console, …
    marker: str  # the comment on the line above ("" without one)
    code: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """The README and every page of the docs site."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def page(name: str) -> Path:
    """A page by its path relative to the repository (`docs/client.md`, `README.md`)."""
    path = ROOT / name
    assert path.is_file(), f"{name} is gone: point the test at the page the text moved to"
    return path


def blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        found = FENCE.match(lines[index])
        if not found:
            index += 1
            continue
        indent = len(found["indent"])
        end = index + 1
        while not lines[end].strip().startswith("```"):
            end += 1
        marker = MARKER.match(lines[index - 1]) if index else None
        code = "\n".join(line[indent:] for line in lines[index + 1 : end]) + "\n"
        yield Block(path, index + 1, found["info"], marker["text"] if marker else "", code)
        index = end + 1
