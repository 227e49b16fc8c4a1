"""The JSON Schema document each generated package ships (`schemas.json`): where it is, and
how its `$defs` are named in a `$ref`."""

from __future__ import annotations

import importlib.resources
import json
import urllib.parse
from typing import Any

from ._pointers import escape_token, split_pointer
from ._versions import BUNDLED, LATEST

#: The package of the newest bundled API version.
DEFAULT_PACKAGE = BUNDLED[LATEST]
DEFAULT_RESOURCE = "schemas.json"


def load_default_document() -> dict[str, Any]:
    """The JSON Schema document of the newest bundled models."""
    resource = importlib.resources.files(DEFAULT_PACKAGE).joinpath(DEFAULT_RESOURCE)
    document: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return document


_DEFS = "#/$defs/"
#: Characters a URI fragment may hold as they are (RFC 3986), besides letters and digits.
_FRAGMENT_SAFE = "!$&'()*+,;=:@-._~"


def def_pointer(key: str) -> str:
    """`#/$defs/<key>`: the key escaped as a JSON pointer token, then as a URI fragment."""
    return _DEFS + urllib.parse.quote(escape_token(key), safe=_FRAGMENT_SAFE)


def def_key(ref: str) -> str | None:
    """The `$defs` key a local `$ref` names (the inverse of `def_pointer()`)."""
    if not ref.startswith(_DEFS):
        return None
    tokens = split_pointer("/" + urllib.parse.unquote(ref[len(_DEFS) :]))
    return tokens[0] if len(tokens) == 1 else None
