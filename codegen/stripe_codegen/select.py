"""Choose the component schemas to generate: the ``$ref`` closure of roots, or all of them.

Every dangling ``$ref`` and every schema that is not a mapping is reported,
together, with its JSON pointer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .errors import SpecError, SpecProblem
from .loader import LoadedSpec

REF_PREFIX = "#/components/schemas/"


def schema_pointer(key: str) -> str:
    return "/components/schemas/" + key.replace("~", "~0").replace("/", "~1")


def iter_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Yield ``(pointer of the $ref, target)`` for every ``$ref`` below ``node``."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield pointer + "/$ref", ref
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from iter_refs(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_refs(value, f"{pointer}/{index}")


def select_schemas(spec: LoadedSpec, roots: Sequence[str] | None) -> tuple[str, ...]:
    """The sorted component keys to generate; ``roots=None`` means all of them."""
    schemas = spec.schemas
    problems: list[SpecProblem] = []
    if not schemas:
        raise SpecError(SpecProblem(spec.source, "/components/schemas", "no component schemas"))
    if roots is None:
        todo = list(schemas)
    else:
        todo = []
        for root in roots:
            if root in schemas:
                todo.append(root)
            else:
                problems.append(
                    SpecProblem(spec.source, schema_pointer(root), f"unknown root schema {root!r}")
                )
    seen: set[str] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        schema = schemas[key]
        if not isinstance(schema, dict):
            kind = type(schema).__name__
            problems.append(
                SpecProblem(spec.source, schema_pointer(key), f"schema is not an object ({kind})")
            )
            continue
        for where, target in iter_refs(schema, schema_pointer(key)):
            name = target.removeprefix(REF_PREFIX)
            if not target.startswith(REF_PREFIX) or "/" in name:
                problems.append(SpecProblem(spec.source, where, f"unsupported $ref {target!r}"))
            elif name not in schemas:
                problems.append(SpecProblem(spec.source, where, f"$ref to nothing: {target!r}"))
            elif name not in seen:
                todo.append(name)
    if problems:
        raise SpecError(sorted(problems, key=lambda p: p.pointer))
    return tuple(sorted(seen))
