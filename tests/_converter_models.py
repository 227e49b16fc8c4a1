"""Hand-written models in the generator's shape for the converter tests (no tests here).

Floats, free-form values, nested lists, maps of integers, nested and
recursive expansion, two classes sharing an ``object`` tag (``widget`` and a
deleted widget) and an untagged ``anyOf``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import attrs

from stripe_schemas import UNSET, Expandable, UnsetType


@attrs.frozen(kw_only=True)
class Gadget:
    """A resource with one of everything."""

    __schema_key__: ClassVar[str] = "gadget"
    __resource_id__: ClassVar[str | None] = "gadget"
    counts: dict[str, int] | UnsetType = attrs.field(default=UNSET)
    grid: list[list[str]] | UnsetType = attrs.field(default=UNSET)
    id: str
    object: Literal["gadget"]
    owner: Expandable[Widget] | UnsetType | None = attrs.field(default=UNSET)
    payload: Any = attrs.field(default=UNSET)
    weight: float | UnsetType = attrs.field(default=UNSET)
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class Widget:
    """A resource whose ``parent`` expands to a gadget (so expansion nests)."""

    __schema_key__: ClassVar[str] = "widget"
    __resource_id__: ClassVar[str | None] = "widget"
    id: str
    object: Literal["widget"]
    parent: Expandable[Gadget] | UnsetType | None = attrs.field(default=UNSET)
    sizes: list[int] | UnsetType = attrs.field(default=UNSET)
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class DeletedWidget:
    """A deleted widget: same ``object`` tag, told apart by its required ``deleted``."""

    __schema_key__: ClassVar[str] = "deleted_widget"
    __resource_id__: ClassVar[str | None] = "deleted_widget"
    deleted: Literal[True]
    id: str
    object: Literal["widget"]
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class OptionsA:
    """An untagged ``anyOf`` branch."""

    __schema_key__: ClassVar[str] = "options_a"
    __resource_id__: ClassVar[str | None] = None
    mode: Literal["fast", "slow"] | UnsetType = attrs.field(default=UNSET)
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class OptionsB:
    """The other untagged branch."""

    __schema_key__: ClassVar[str] = "options_b"
    __resource_id__: ClassVar[str | None] = None
    limit: int | UnsetType = attrs.field(default=UNSET)
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False)


@attrs.frozen(kw_only=True)
class Holder:
    """Holds an untagged union and an expandable with two same-tag targets."""

    __schema_key__: ClassVar[str] = "holder"
    __resource_id__: ClassVar[str | None] = None
    choice: OptionsA | OptionsB | UnsetType = attrs.field(default=UNSET)
    who: Expandable[Widget | DeletedWidget] | UnsetType = attrs.field(default=UNSET)
    whos: list[Expandable[Widget | DeletedWidget]] | UnsetType = attrs.field(default=UNSET)
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False)
