"""The `UNSET` sentinel: a field that was absent from the payload.

Stripe distinguishes three states for a field: present with a value, present
with `null` and absent. `None` stands for `null`; `UNSET` stands for
absent, so a round trip writes back exactly what it read.
"""

from __future__ import annotations

import enum
from typing import Final, Literal


class UnsetType(enum.Enum):
    """The type of `UNSET`; a single-member enum so type checkers narrow on `is UNSET`."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = UnsetType.UNSET
