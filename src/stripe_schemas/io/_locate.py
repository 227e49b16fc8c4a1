"""Where values are in JSON text: pointer → line, and the numbers text should not hold.

`locate()` scans one JSON value iteratively (no recursion limit), maps the
JSON pointer of each value to its line, and notes duplicate keys, `NaN` /
`Infinity`, numbers that overflow a double and integers longer than Python's
digit limit. It is only run for records that have issues.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any, Final

import attrs

from ..model import join_pointer

MAX_DEPTH: Final = 64


@attrs.frozen
class LongNumber:
    """Stands in for a JSON integer longer than Python's digit limit (never converted)."""

    digits: int


def int_limit() -> int:
    """Python's limit on the digits of an integer converted from or to text (0: none)."""
    getter = getattr(sys, "get_int_max_str_digits", None)
    return int(getter()) if getter is not None else 0


def long_message(digits: int) -> str:
    return f"an integer with {digits} digits exceeds the {int_limit()}-digit limit"


WS = re.compile(r"[ \t\n\r]*")


def skip_ws(text: str, pos: int) -> int:
    match = WS.match(text, pos)
    return match.end() if match is not None else pos


# --- where values are -------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(
    r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null|NaN|-?Infinity"
)
_CONSTANTS = frozenset({"NaN", "Infinity", "-Infinity"})


@attrs.define
class Located:
    """What `locate()` found: the line of each value, duplicate keys, unusable numbers."""

    lines: dict[str, int] = attrs.Factory(dict)
    duplicates: list[tuple[str, int]] = attrs.Factory(list)
    #: `NaN` / `Infinity` / `-Infinity`.
    constants: list[tuple[str, int]] = attrs.Factory(list)
    #: Numbers too large for a double (`1e400`).
    overflows: list[tuple[str, int]] = attrs.Factory(list)
    #: Integers longer than Python's digit limit: pointer, line, digits.
    long_numbers: list[tuple[str, int, int]] = attrs.Factory(list)


def _check_number(token: str, ptr: str, pos: int, found: Located, lines: LineCounter) -> None:
    """Record `token` (a scalar) in `found` if it is a number JSON text should not hold."""
    if token in _CONSTANTS:
        found.constants.append((ptr, lines.at(pos)))
    elif token[-1:].isdigit():  # a number (true, false and null end in letters)
        if "e" in token or "E" in token or "." in token:
            if math.isinf(float(token)):
                found.overflows.append((ptr, lines.at(pos)))
        elif len(token) > 640:  # Python's digit limit is never below 640
            limit = int_limit()
            digits = len(token) - token.startswith("-")
            if limit and digits > limit:
                found.long_numbers.append((ptr, lines.at(pos), digits))


class LineCounter:
    """Line numbers of offsets, counted incrementally (cheap when offsets mostly increase)."""

    def __init__(self, text: str, pos: int, line: int) -> None:
        self.text, self.pos, self.line = text, pos, line

    def at(self, pos: int) -> int:
        if pos >= self.pos:
            self.line += self.text.count("\n", self.pos, pos)
        else:
            self.line -= self.text.count("\n", pos, self.pos)
        self.pos = pos
        return self.line


def locate(text: str, pos: int = 0, line: int = 1, max_depth: int = MAX_DEPTH) -> Located:
    """Scan one JSON value starting at `text[pos]` (on `line`) and map pointers to lines.

    The scan is iterative (no recursion limit) and stops quietly at malformed text.
    Values nested deeper than `max_depth` share the pointer of their ancestor at
    that depth (so the cost stays linear in the text).
    """
    found = Located()
    lines = LineCounter(text, pos, line)
    # A frame is [pointer, keys seen (object) or next index (array)].
    stack: list[list[Any]] = []
    ptr = ""
    expect_value = True
    size = len(text)
    while True:
        pos = skip_ws(text, pos)
        if pos >= size:
            return found
        char = text[pos]
        if expect_value:
            if len(stack) <= max_depth:
                found.lines[ptr] = lines.at(pos)
            if char == "{":
                stack.append([ptr, set()])
                pos = skip_ws(text, pos + 1)
                if pos < size and text[pos] == "}":
                    stack.pop()
                    pos += 1
                    expect_value = False
                    continue
                pos, ptr = _key(text, pos, stack[-1], found, lines, len(stack) <= max_depth)
                if pos < 0:
                    return found
                continue
            if char == "[":
                stack.append([ptr, 0])
                pos = skip_ws(text, pos + 1)
                if pos < size and text[pos] == "]":
                    stack.pop()
                    pos += 1
                    expect_value = False
                    continue
                if len(stack) <= max_depth:
                    ptr = join_pointer(ptr, 0)
                stack[-1][1] = 1
                continue
            match = (_STRING if char == '"' else _SCALAR).match(text, pos)
            if match is None:
                return found
            if char != '"':
                _check_number(match.group(), ptr, pos, found, lines)
            pos = match.end()
            expect_value = False
            continue
        if not stack:
            return found
        frame = stack[-1]
        if char == ",":
            pos = skip_ws(text, pos + 1)
            if isinstance(frame[1], set):
                pos, ptr = _key(text, pos, frame, found, lines, len(stack) <= max_depth)
                if pos < 0:
                    return found
            else:
                ptr = join_pointer(frame[0], frame[1]) if len(stack) <= max_depth else frame[0]
                frame[1] += 1
            expect_value = True
        elif char in "}]":
            stack.pop()
            pos += 1
        else:
            return found


def _key(
    text: str, pos: int, frame: list[Any], found: Located, lines: LineCounter, extend: bool = True
) -> tuple[int, str]:
    """Read `"key":` at `pos`; return the position of the value and its pointer."""
    match = _STRING.match(text, pos)
    if match is None:
        return -1, ""
    try:
        key = json.loads(match.group())
    except ValueError:
        return -1, ""
    ptr = join_pointer(frame[0], key) if extend else frame[0]
    if key in frame[1]:
        found.duplicates.append((ptr, lines.at(pos)))
    frame[1].add(key)
    pos = skip_ws(text, match.end())
    if pos >= len(text) or text[pos] != ":":
        return -1, ""
    return pos + 1, ptr
