"""Stripe's form encoding: request parameters → `application/x-www-form-urlencoded` text.

`encode(params)` gives the same bytes as the official `stripe` package's
`urllib.parse.urlencode(list(stripe._encode._api_encode(params)))` (checked
by a differential test against stripe 16.1.0) for every value made of JSON
types: nested objects become `a[b][c]=…`, lists become `a[0]=…&a[1]=…`
(lists of objects `a[0][b]=…`), booleans `true`/`false`, `None` and
empty lists or objects send nothing, and keys and values are percent-encoded
with `+` for spaces.

Values the official encoder turns into something no Stripe parameter means are
refused here instead (a `TypeError` or `ValueError` naming the
place by JSON pointer, never the value): `None` inside a list (the official
encoder sends the text `None`), NaN and infinities (`nan`, `inf`),
datetimes (a naive one is read in the machine's local time zone; pass a unix
time), anything that is not a JSON type (`Decimal`, bytes, objects with an
`id`, non-string keys at any depth), text with lone surrogates (not Unicode)
and nesting deeper than `MAX_DEPTH`. The docs' client page lists what the official encoder does that
is surprising.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Union

import attrs

from .issues import printable
from .model import UNSET, is_model, pointer, stripe_meta

__all__ = ["encode"]

#: Text that `quote_plus` leaves as it is (RFC 3986 unreserved characters).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
_SAFE_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-")
#: What `quote_plus` writes for each byte of UTF-8: itself, `+` for a space, else `%XX`.
_BYTE_TEXT = [chr(b) if b in _SAFE_BYTES else "+" if b == 0x20 else f"%{b:02X}" for b in range(256)]
#: The same for ASCII text, as a `str.translate` table.
_ASCII_TABLE = {b: _BYTE_TEXT[b] for b in range(128)}
#: Percent-encoded keys, by key (they repeat from request to request); bounded.
_KEYS: dict[str, str] = {}
_KEY_CACHE_SIZE = 4096


def _quote(text: str) -> str:
    """Exactly `urllib.parse.quote_plus(text, safe="")` (what `urlencode` applies), with
    fast paths (text that needs nothing; ASCII text through one translation table)."""
    if _UNRESERVED(text):
        return text
    if text.isascii():
        return text.translate(_ASCII_TABLE)
    return "".join(map(_BYTE_TEXT.__getitem__, text.encode("utf-8")))


def _key(key: str) -> str:
    quoted = _KEYS.get(key)
    if quoted is None:
        if len(_KEYS) >= _KEY_CACHE_SIZE:
            _KEYS.clear()
        quoted = _KEYS[key] = _quote(key)
    return quoted


def encode(params: object) -> str:
    """The `application/x-www-form-urlencoded` text of request parameters.

    `params` is a generated parameter class instance (its fields that are not
    `UNSET`, in the class's order, each value as it is: nothing is converted to the
    field's type), a mapping (in its own order; parameter instances may be nested in
    it), or `None` (no parameters: `""`). Raises TypeError or ValueError naming
    the place by JSON pointer (never the value) for what has no form encoding.
    """
    if type(params) is dict:
        items: Iterable[tuple[Any, Any]] = params.items()
    elif params is None:
        return ""
    elif is_model(type(params)):
        items = instance_items(params)
    elif isinstance(params, Mapping):
        items = params.items()
    else:
        raise TypeError(
            "form parameters are a mapping or a parameter class instance, "
            f"not a {type(params).__name__}"
        )
    out: list[str] = []
    _mapping(items, None, None, out, 0)
    return "&".join(out)


#: Objects and lists nested deeper than this are refused (Stripe's parameters reach 4).
MAX_DEPTH = 64

#: By generated class: (attribute name, wire name) of each spec field, and whether instances
#: keep unknown fields (`_extra`).
_FIELDS: dict[type, tuple[tuple[tuple[str, str], ...], bool]] = {}


def instance_items(instance: Any) -> list[tuple[str, Any]]:
    """(wire name, value) of each field of a generated class instance that is not `UNSET`,
    in the class's order, the values as they are; then any unknown fields it keeps."""
    cls = type(instance)
    found = _FIELDS.get(cls)
    if found is None:
        attributes = attrs.fields(cls)
        found = _FIELDS[cls] = (
            tuple((a.name, stripe_meta(a).wire or a.name) for a in attributes if a.name[0] != "_"),
            any(a.name == "_extra" for a in attributes),
        )
    fields, keeps_extra = found
    items = [
        (wire, value) for name, wire in fields if (value := getattr(instance, name)) is not UNSET
    ]
    if keeps_extra:
        extra = instance._extra
        if extra and isinstance(extra, Mapping):
            known = {wire for _, wire in fields}
            items += [(key, value) for key, value in extra.items() if key not in known]
    return items


#: Where a value sits, as a chain `(parent, token)` (turned into a JSON pointer only for an
#: error message, so encoding builds no pointer strings).
_Where = Union[tuple["_Where", Union[str, int]], None]  # noqa: UP007 (a recursive alias)


def _pointer(where: _Where) -> str:
    tokens: list[str | int] = []
    while where is not None:
        where, token = where
        tokens.append(token)
    return printable(pointer(reversed(tokens))) or "/"


def _unencodable(where: _Where) -> ValueError:
    return ValueError(
        f"text that is not valid Unicode (a lone surrogate) at {_pointer(where)}: "
        "it has no UTF-8 form encoding"
    )


def _too_deep(where: _Where) -> ValueError:
    return ValueError(f"parameters nested deeper than {MAX_DEPTH} levels at {_pointer(where)}")


def _mapping(
    items: Iterable[tuple[Any, Any]],
    prefix: str | None,
    where: _Where,
    out: list[str],
    depth: int,
    indexed: bool = False,
) -> None:
    """The pairs of an object's items (what `_api_encode` does with a dict); `indexed`:
    the items of a list inside a list, keyed by their indexes."""
    if depth > MAX_DEPTH:
        raise _too_deep(where)
    depth += 1
    name: Any = None
    try:
        for name, value in items:
            if type(name) is str:
                key: str = name if prefix is None else f"{prefix}[{name}]"
            elif indexed:
                key = f"{prefix}[{name}]"
            else:
                raise TypeError(
                    f"a key of type {type(name).__name__} at {_pointer(where)}: "
                    "form keys are strings"
                )
            kind = type(value)
            if kind is str:
                out.append(f"{_key(key)}={_quote(value)}")
            elif value is None:
                continue
            elif kind is bool:
                out.append(f"{_key(key)}={'true' if value else 'false'}")
            elif kind is int:
                out.append(f"{_key(key)}={value}")
            elif kind is dict:
                _mapping(value.items(), key, (where, name), out, depth)
            elif kind is list or kind is tuple:
                _list(value, key, (where, name), out, depth)
            elif isinstance(value, Mapping):
                _mapping(value.items(), key, (where, name), out, depth)
            elif is_model(kind):  # a parameter class instance inside a mapping
                _mapping(instance_items(value), key, (where, name), out, depth)
            elif isinstance(value, (list, tuple)):
                _list(value, key, (where, name), out, depth)
            else:
                out.append(f"{_key(key)}={_scalar(value, (where, name))}")
    except UnicodeEncodeError:  # a lone surrogate in this key or value
        raise _unencodable((where, name)) from None


def _list(
    values: list[Any] | tuple[Any, ...], key: str, where: _Where, out: list[str], depth: int
) -> None:
    """The pairs of a list: `key[0]=…`; its objects and lists are encoded like objects."""
    if depth > MAX_DEPTH:
        raise _too_deep(where)
    depth += 1
    index = 0
    try:
        for index, item in enumerate(values):
            item_key = f"{key}[{index}]"
            kind = type(item)
            if kind is str:
                out.append(f"{_key(item_key)}={_quote(item)}")
            elif kind is dict or isinstance(item, Mapping):
                _mapping(item.items(), item_key, (where, index), out, depth)
            elif kind is list or kind is tuple or isinstance(item, (list, tuple)):
                _mapping(enumerate(item), item_key, (where, index), out, depth, indexed=True)
            elif is_model(kind):
                _mapping(instance_items(item), item_key, (where, index), out, depth)
            elif item is None:
                raise ValueError(
                    f"null at {_pointer((where, index))}: a list item has no form encoding for "
                    "null (the official encoder sends the text 'None')"
                )
            elif kind is bool:  # not lower-cased here by the official encoder: True, False
                out.append(f"{_key(item_key)}={item}")
            else:
                out.append(f"{_key(item_key)}={_scalar(item, (where, index))}")
    except UnicodeEncodeError:
        raise _unencodable((where, index)) from None


def _scalar(value: object, where: _Where) -> str:
    """The text of a string, integer or finite number (`str()`, as `urlencode` writes it)."""
    if isinstance(value, str):
        return _quote(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _quote(str(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a non-finite number at {_pointer(where)} has no form encoding")
        return _quote(str(value))
    hint = " (pass a unix time, an integer)" if hasattr(value, "timetuple") else ""
    raise TypeError(
        f"a {type(value).__name__} at {_pointer(where)} has no form encoding: parameters "
        f"are strings, integers, finite numbers, booleans, lists and objects{hint}"
    )
