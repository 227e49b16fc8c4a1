"""Type aliases used by the generated models, and the helpers that read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NewType, Protocol, TypeAlias, TypeVar, Union

from ._unset import UNSET, UnsetType

if TYPE_CHECKING:
    from typing_extensions import TypeIs

T = TypeVar("T")

#: An expandable field: the object's ID (`str`) or, when the request asked for
#: it with `expand[]`, the expanded object itself.
Expandable: TypeAlias = Union[str, T]  # noqa: UP007 (a generic alias needs Union at runtime on 3.10)

#: A value of an `x-stripeBypassValidation` enum that the spec does not list: Stripe may
#: send new ones without a new API version. Such a field is typed `Documented |
#: UnknownEnumValue`, so a `match` over the documented values alone does not type-check
#: as exhaustive: handle `UnknownEnumValue` (a `str` at run time) too.
UnknownEnumValue = NewType("UnknownEnumValue", str)


class HasId(Protocol):
    """An object with a string `id` (every expandable resource)."""

    @property
    def id(self) -> str: ...


def expandable_id(value: str | HasId | Mapping[str, Any]) -> str:
    """The ID of an expandable field's value, whether or not it was expanded.

    Takes the ID (a `str`), an expanded model instance, or an expanded payload (a
    mapping with a string `id`); anything else is a TypeError.
    """
    if isinstance(value, str):
        return value
    ident = value.get("id") if isinstance(value, Mapping) else getattr(value, "id", None)
    if isinstance(ident, str):
        return ident
    raise TypeError(f"{type(value).__name__} is not an expandable value with an ID")


def is_expanded(value: Expandable[T] | UnsetType | None) -> TypeIs[T]:
    """Whether an expandable field's value is the expanded object (not just its ID).

    A `TypeIs`: after `if is_expanded(report):` a type checker knows `report` is the
    expanded model, and in the `else` branch that it is the ID (or `None`/`UNSET`).
    `None` (null) and `UNSET` (absent) are neither an ID nor an object: `False`.
    """
    return value is not None and value is not UNSET and not isinstance(value, str)
