"""Errors the generator reports to the user: one line, naming the file and the JSON pointer."""

from __future__ import annotations

import attrs


@attrs.frozen
class SpecProblem:
    """One problem with a spec: where it is and what is wrong."""

    source: str
    #: JSON pointer into the spec (None when the problem is not in the spec).
    pointer: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        ptr = f" at {self.pointer or '/'}" if self.pointer is not None else ""
        return f"{where}{ptr}: {self.message}"


class SpecError(Exception):
    """The spec cannot be used; carries every problem found (reported together)."""

    def __init__(self, problems: list[SpecProblem] | SpecProblem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))
