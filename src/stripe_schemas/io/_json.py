"""The one JSON front end: bytes or text → a decoded value and the problems found decoding it.

Every entry point decodes through `decode()`: `loads`/`structure` (the
converters), `validate` on bytes or text, `validate_history`, the streaming
reader of the `validate` command and the Dask workers. The policy is written
here once:

- **Valid input** is decoded by orjson (the `json` extra) with no Python hook;
  the standard library's decoder runs only to explain input orjson refused.
- **Encoding**: UTF-8 only. A leading UTF-8 byte order mark is ignored (RFC 8259
  allows a parser to); UTF-16 and UTF-32 input is refused with a message saying so;
  invalid UTF-8, raw or escaped lone surrogates are `invalid_json`.
- **Numbers**: `NaN`/`Infinity` are `invalid_json`; a number too large for a
  double and an integer longer than Python's digit limit are `input_limit`. These
  keep the rest of the document readable: the value is replaced and reported at its
  JSON pointer, so validation goes on with everything else.
- **Duplicate keys**: the last value wins, as in orjson, the standard library, jq and
  Stripe's own libraries; they are not reported (finding them would double the
  cost of decoding every valid record).
- **Limits**: a document over `max_bytes` (64 MiB by default) or nested deeper
  than the decoders allow is `input_limit`.

Messages say where (line and column) and why, never what the input holds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, Final, NamedTuple

from ..issues import INPUT_LIMIT, INVALID_JSON, Issue, PayloadError
from ..model import join_pointer
from ._locate import LongNumber, int_limit, locate, long_message

_orjson: Any
try:  # orjson is the optional `json` extra
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised where orjson is not installed
    _orjson = None

BACKEND = "orjson" if _orjson is not None else "json"
#: The default size limit of one JSON document (one record of a file).
MAX_BYTES: Final = 64 * 1024 * 1024
_INPUT_TYPES = (bytes, bytearray, memoryview, str)
_BOM = b"\xef\xbb\xbf"
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Nothing:
    """The value of input that could not be decoded at all."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"

    def __reduce__(self) -> str:
        return "NOTHING"


#: The value of a document that could not be decoded at all.
NOTHING: Final[Any] = _Nothing()


class Decoded(NamedTuple):
    """A decoded document: its value (or `NOTHING`) and the problems found decoding it.

    A document with `issues` but a value was readable: each problem value was
    replaced (`None`) and is reported at its pointer; the rest is as written.
    """

    value: Any
    issues: tuple[Issue, ...] = ()

    @property
    def readable(self) -> bool:
        return self.value is not NOTHING


#: The decoder of the valid path (no Python hook runs): orjson's `loads`, or None. Its
#: `JSONDecodeError` is `FAST_ERROR`. Whatever it refuses goes to `decode()`.
fast_loads: Any = _orjson.loads if _orjson is not None else None
FAST_ERROR: type[Exception] = _orjson.JSONDecodeError if _orjson is not None else ValueError
#: What `fast_decode()` returns for input the valid path refuses.
REFUSED: Final[Any] = object()


#: A number of nineteen digits or more (after `:`, `,`, `[`, a space or a `-`, as a
#: value starts) may be an integer beyond 64 bits, which orjson reads as a float (losing
#: digits without a word): such input takes the standard library's decoder, which reads
#: integers of any size exactly. Found in C: every digit becomes `0` and every character
#: a number may follow becomes `#`, then one search. Digits inside a string (an ID) follow
#: a letter; a false alarm (`"a:0000…"` in a string) only costs the slower decoder.
_MARKS = bytes.maketrans(b"123456789:,[ \t\r\n-", b"000000000########")
_MARKS_TEXT = str.maketrans("123456789:,[ \t\r\n-", "000000000########")
_NUMBER = b"#" + b"0" * 19
_NUMBER_TEXT = _NUMBER.decode()
#: A document that is itself such a number (after any leading marks).
_STARTS = re.compile(rb"#*0{19}")
_STARTS_TEXT = re.compile(r"#*0{19}")


def _exact(data: bytes | bytearray | memoryview | str) -> bool:
    """Whether orjson reads every number of `data` exactly (no integer beyond 64 bits)."""
    if isinstance(data, str):
        text = data.translate(_MARKS_TEXT)
        return _NUMBER_TEXT not in text and _STARTS_TEXT.match(text) is None
    marked = (data if type(data) is bytes else bytes(data)).translate(_MARKS)
    return _NUMBER not in marked and _STARTS.match(marked) is None


def fast_decode(
    data: bytes | bytearray | memoryview | str, max_bytes: int = MAX_BYTES, *, exact: bool = True
) -> Any:
    """The valid path of the front end: the decoded value, or `REFUSED`, in which case
    `decode()` says why (or reads it, where orjson is not installed).

    `exact=False`: for a verdict only (validation), where an integer beyond 64 bits may be
    read as the float orjson makes of it: JSON Schema's `integer` takes both alike, and
    the look for such a number costs about a fifth of a small payload's validation. Values
    that are kept (`loads`, the converters, webhooks, the client) are always exact.
    """
    if fast_loads is not None and len(data) <= max_bytes and (not exact or _exact(data)):
        try:
            return fast_loads(data)
        except FAST_ERROR:
            pass
    return REFUSED


def _invalid(reason: str, code: str = INVALID_JSON, path: str = "") -> Issue:
    what = "JSON beyond a limit" if code == INPUT_LIMIT else "not valid JSON"
    return Issue(path, code, "error", f"{what}: {reason}")


def unreadable(reason: str, code: str = INVALID_JSON) -> Decoded:
    """A `Decoded` for input that holds no readable value."""
    return Decoded(NOTHING, (_invalid(reason, code),))


def check_input_type(data: object, what: str = "loads()") -> None:
    if not isinstance(data, _INPUT_TYPES):
        raise TypeError(
            f"{what} takes JSON as bytes, bytearray, memoryview or str, not {type(data).__name__}"
        )


def utf16_reason(head: bytes) -> str | None:
    """Why bytes that start with `head` are UTF-16/32 rather than UTF-8 (None: they are not)."""
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32 is not supported; convert to UTF-8"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 is not supported; convert to UTF-8"
    if len(head) >= 4 and _ascii_as_utf16(head[:4]):
        return "UTF-16 is not supported; convert to UTF-8"  # ASCII text as UTF-16 without a BOM
    return None


def _ascii_as_utf16(head: bytes) -> bool:
    """Whether four bytes read as two ASCII characters in UTF-16 (every other byte NUL)."""
    first, second, third, fourth = head
    little = first and not second and third and not fourth
    big = not first and second and not third and fourth
    return bool(little or big) and max(head) < 0x80


def binary_reason(raw: bytes) -> str | None:
    """Why bytes are binary data rather than text (a NUL byte), or None."""
    at = raw.find(b"\x00")
    if at < 0:
        return None
    return f"binary data, not JSON text: a NUL byte at offset {at}"


def decode(
    data: bytes | bytearray | memoryview | str,
    *,
    max_bytes: int = MAX_BYTES,
    line: int = 1,
    column: int = 1,
) -> Decoded:
    """Decode one JSON document (the whole input, bar surrounding whitespace).

    Never raises for bad input (only for a `data` that is not bytes or str):
    the problems are in `Decoded.issues`. `line` and `column` are where the
    input starts in its file (messages count from there).
    """
    check_input_type(data, "decode()")
    value = fast_decode(data, max_bytes)
    if value is not REFUSED:
        return Decoded(value)
    return _explain(data, max_bytes, line, column)


def _explain(
    data: bytes | bytearray | memoryview | str, max_bytes: int, line: int, column: int = 1
) -> Decoded:
    """The slow path: say why (and where) orjson refused the input, keeping what is readable."""
    if len(data) > max_bytes:
        size = f"{len(data) / 1024 / 1024:.1f} MiB"
        return unreadable(f"a document of {size} exceeds the {_mib(max_bytes)} limit", INPUT_LIMIT)
    if isinstance(data, str):
        text = data[1:] if data.startswith("\ufeff") else data
        found = _SURROGATE.search(text)
        if found is not None:
            at = _position(text, found.start(), line, column)
            return unreadable(f"a lone surrogate {at}, which UTF-8 cannot encode")
        if len(text) < len(data) and fast_loads is not None and _exact(text):  # the BOM was all
            try:
                return Decoded(fast_loads(text))
            except FAST_ERROR:
                pass
    else:
        raw = bytes(data)
        reason = utf16_reason(raw[:4])
        if reason is not None:
            return unreadable(reason)
        if raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
            if fast_loads is not None and _exact(raw):  # the byte order mark was all it refused?
                try:
                    return Decoded(fast_loads(raw))
                except FAST_ERROR:
                    pass
        reason = binary_reason(raw)
        if reason is not None:  # JSON text never holds a NUL byte (inside strings it is \u0000)
            return unreadable(reason)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            where = line + raw.count(b"\n", 0, error.start)
            return unreadable(
                f"not UTF-8 text: an invalid byte at offset {error.start} (line {where})"
            )
    return _Detailed(line, column).decode(text)


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


def _position(text: str, pos: int, line: int, column: int = 1) -> str:
    """`(line L column C)` of `text[pos]`, for text that starts at `line`/`column`."""
    newlines = text.count("\n", 0, pos)
    at = pos - (text.rfind("\n", 0, pos) + 1) + (column if newlines == 0 else 1)
    return f"(line {line + newlines} column {at})"


def _int_or_long(digits: str) -> int | LongNumber:
    try:
        return int(digits)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        return LongNumber(len(digits.lstrip("-")))


_INFINITIES = (math.inf, -math.inf)


class _Detailed:
    """The standard library's decoder with hooks that note what orjson refuses, and where.

    NaN/Infinity, numbers that overflow a double and over-long integers are kept
    as markers while decoding; `locate()` then finds their pointers and lines,
    and the markers become `None` in the value handed on.
    """

    def __init__(self, line: int, column: int = 1) -> None:
        self.line = line
        self.column = column
        self.suspect = False
        self.decoder = json.JSONDecoder(
            parse_constant=self._constant, parse_float=self._float, parse_int=_int_or_long
        )

    def _constant(self, name: str) -> None:
        self.suspect = True
        return None

    def _float(self, digits: str) -> float | None:
        value = float(digits)
        if value in _INFINITIES:
            self.suspect = True
            return None
        return value

    def decode(self, text: str) -> Decoded:
        start = _skip_ws(text, 0)
        if start >= len(text):
            return unreadable(f"no JSON value (empty input, line {self.line})")
        try:
            value, end = self.decoder.raw_decode(text, start)
        except json.JSONDecodeError as error:
            return unreadable(f"{error.msg} {_position(text, error.pos, self.line, self.column)}")
        except RecursionError:
            reason = f"nested too deeply to decode (Python's recursion limit, line {self.line})"
            return unreadable(reason, INPUT_LIMIT)
        rest = _skip_ws(text, end)
        if rest != len(text):
            return unreadable(
                f"extra data after the value {_position(text, rest, self.line, self.column)}"
            )
        issues: list[Issue] = []
        if self.suspect or _has_long(value):
            issues.extend(self._located(text, start))
            value = _without_markers(value)
        if _SURROGATE_ESCAPE.search(text):
            for ptr in _lone_surrogates(value):
                message = "a lone surrogate escape, which UTF-8 cannot encode"
                issues.append(_invalid(message, path=ptr))
        if not issues and _orjson is None:
            return Decoded(value)
        if not issues:  # orjson refused something the standard library reads: say so, never accept
            depth = _depth(value)
            if depth > 1000:
                reason = f"nested {depth} levels deep; the limit is 1024 (line {self.line})"
                return unreadable(reason, INPUT_LIMIT)
            if not _exact(text):  # integers beyond 64 bits, read here exactly (not by orjson)
                return Decoded(value)
            return unreadable(f"refused by the JSON decoder (line {self.line})")
        return Decoded(value, tuple(issues))

    def _located(self, text: str, start: int) -> Iterator[Issue]:
        found = locate(text, start, self.line)
        for ptr, at in found.constants:
            yield _invalid(f"NaN and Infinity are not JSON numbers (line {at})", path=ptr)
        for ptr, at in found.overflows:
            reason = f"a number too large for a 64-bit float (line {at})"
            yield _invalid(reason, INPUT_LIMIT, ptr)
        for ptr, at, digits in found.long_numbers:
            yield _invalid(f"{long_message(digits)} (line {at})", INPUT_LIMIT, ptr)


_WS = re.compile(r"[ \t\n\r]*")


def _skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match is not None else pos


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) of a decoded document, iteratively (no recursion limit)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        ptr, item = stack.pop()
        yield ptr, item
        if type(item) is dict:
            stack.extend((join_pointer(ptr, key), sub) for key, sub in item.items())
        elif type(item) is list:
            stack.extend((join_pointer(ptr, index), sub) for index, sub in enumerate(item))


def _has_long(value: Any) -> bool:
    return int_limit() != 0 and any(isinstance(item, LongNumber) for _, item in _walk(value))


def _without_markers(value: Any) -> Any:
    """`value` with every `LongNumber` replaced by `None` (in place; decoded values only)."""
    for _, item in _walk(value):
        if type(item) is dict:
            for key, sub in item.items():
                if isinstance(sub, LongNumber):
                    item[key] = None
        elif type(item) is list:
            for index, sub in enumerate(item):
                if isinstance(sub, LongNumber):
                    item[index] = None
    return None if isinstance(value, LongNumber) else value


def _lone_surrogates(value: Any) -> list[str]:
    """Pointers of strings holding a lone surrogate (a key: the pointer of its member)."""
    found = []
    for ptr, item in _walk(value):
        if type(item) is str and _SURROGATE.search(item):
            found.append(ptr)
        elif type(item) is dict:
            found.extend(join_pointer(ptr, key) for key in item if _SURROGATE.search(key))
    return sorted(set(found))


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if type(item) is dict or type(item) is list:
            deepest = max(deepest, level)
            items = item.values() if type(item) is dict else item
            stack.extend((sub, level + 1) for sub in items)
    return deepest


def loads(data: bytes | bytearray | memoryview | str, model: str = "") -> Any:
    """Decode JSON or raise `PayloadError` listing every decoding problem.

    `model` names the target in the error's message.
    """
    check_input_type(data)
    decoded = decode(data)
    if decoded.issues:
        raise PayloadError(decoded.issues, model=model)
    return decoded.value


def _stdlib_dumps(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def dumps(value: Any) -> bytes:
    """Serialise JSON values to compact UTF-8 bytes.

    When orjson cannot (nesting deeper than its 255 levels, an integer beyond 64
    bits) the standard library writes the value; one too deep even for that, or
    holding a lone surrogate, is a ValueError. The value is not vetted: orjson writes NaN
    and infinities as `null` (`stripe_schemas.dumps()` refuses them before this).
    """
    if _orjson is not None:
        try:
            result: bytes = _orjson.dumps(value)
            return result
        except _orjson.JSONEncodeError:
            pass  # deeper than orjson's 255 levels, an integer beyond 64 bits, …: try the stdlib
    try:
        return _stdlib_dumps(value)
    except RecursionError:
        message = "the value is nested too deeply to write as JSON (Python's recursion limit)"
    except UnicodeEncodeError:
        message = "a string holds a lone surrogate, which UTF-8 JSON cannot encode"
    raise ValueError(message)
