"""`ListObject[T]`: the one generic model of a Stripe list response.

Stripe answers a list request with `{"object": "list", "data": [...], "has_more": ...,
"url": ...}`. The spec writes that envelope inline for every list field but has no
schema for a list response; this class is it, for the converters, the validator (which
reads its envelope schema off this class) and the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, Literal, TypeVar

import attrs

from ._meta import meta

__all__ = ["ListObject"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class ListObject(Generic[T]):
    """A Stripe list response: one page of `data` and whether more follow.

    Use it parameterised, as a structure target: `ListObject[VerificationSession]`.
    """

    __schema_key__: ClassVar[str] = "list"
    __resource_id__: ClassVar[str | None] = None
    object: Literal["list"] = attrs.field()
    data: list[T] = attrs.field()
    has_more: bool = attrs.field()
    url: str = attrs.field(repr=False, metadata=meta(max_length=5000))
    _extra: Mapping[str, Any] = attrs.field(factory=dict, alias="_extra", repr=False, hash=False)
