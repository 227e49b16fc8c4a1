"""`Clear`: Stripe's empty value, which unsets a stored field when sent as a parameter.

Posting `options[document]=` or `metadata[order_id]=` (the empty string)
removes that value from the object. The spec marks where this is allowed with
an `enum: [""]` branch; the generated parameter classes type those places
`... | Clear`, so `document=CLEAR` (or `document=""`) type-checks there and
nowhere else.
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

#: The type of Stripe's "unset this field" value in request parameters.
Clear: TypeAlias = Literal[""]
#: Stripe's "unset this field" value: the empty string.
CLEAR: Final[Clear] = ""
