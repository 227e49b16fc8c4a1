"""Type aliases used by the generated models."""

from __future__ import annotations

from typing import TypeAlias, TypeVar, Union

from ._unset import UNSET

T = TypeVar("T")

#: An expandable field: the object's ID (``str``) or, when the request asked for
#: it with ``expand[]``, the expanded object itself.
Expandable: TypeAlias = Union[str, T]  # noqa: UP007 (a generic alias needs Union at runtime on 3.10)


def expandable_id(value: object) -> str:
    """Return the ID of an expandable field's value, whether or not it was expanded."""
    if isinstance(value, str):
        return value
    ident = getattr(value, "id", None)
    if isinstance(ident, str):
        return ident
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    raise TypeError(f"{type(value).__name__} is not an expandable value with an ID")


def is_expanded(value: object) -> bool:
    """Say whether an expandable field's value is the expanded object (not just its ID).

    ``None`` (null) and ``UNSET`` (absent) are neither an ID nor an object: ``False``.
    """
    return value is not None and value is not UNSET and not isinstance(value, str)
