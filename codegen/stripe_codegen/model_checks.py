"""Checks of a finished model set that refuse it, one problem per place: a name two
things in one module share (names are never numbered apart; `--names` settles a clash),
and a type alias that contains itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .errors import SpecProblem
from .ir import AliasDef, ClassDef, EnumDef, ListOf, MapOf, ModelRef, ModelSet, TypeExpr, UnionOf


def name_clashes(
    source: str, items: Iterable[ClassDef | AliasDef | EnumDef], *, settle: str = ""
) -> list[SpecProblem]:
    """Two things in one module with one name is an error: we never number names apart.
    `settle` is added to each message, to say how the user can name them apart."""
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items:
        seen[(item.module, item.name)].append(item.pointer)
    return [
        SpecProblem(
            source,
            pointers[1],
            f"name {name!r} in module {module!r} also used by {pointers[0]}"
            + settle.format(pointer=pointers[1]),
        )
        for (module, name), pointers in sorted(seen.items())
        if len(pointers) > 1
    ]


def _alias_refs(type_: TypeExpr) -> list[str]:
    """The pointers of the models a type refers to (a type alias is spelled out in place)."""
    match type_:
        case ModelRef(pointer=pointer):
            return [pointer]
        case ListOf(item=inner) | MapOf(value=inner):
            return _alias_refs(inner)
        case UnionOf(members=members):
            return [p for m in members for p in _alias_refs(m)]
    return []


def alias_loops(model_set: ModelSet) -> list[SpecProblem]:
    """A type alias that contains itself (`A: {additionalProperties: {$ref: A}}` with no
    properties) cannot be spelled out: one problem each, not a recursion error."""
    aliases = {a.pointer: a.type for a in model_set.aliases}
    problems: list[SpecProblem] = []
    for start, type_ in aliases.items():
        seen: set[str] = set()
        todo = [p for p in _alias_refs(type_) if p in aliases]
        while todo:
            pointer = todo.pop()
            if pointer == start:
                message = "a type alias that contains itself: the models cannot spell it"
                problems.append(SpecProblem(model_set.spec_name, start, message))
                break
            if pointer not in seen:
                seen.add(pointer)
                todo += [p for p in _alias_refs(aliases[pointer]) if p in aliases]
    return problems
