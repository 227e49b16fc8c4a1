"""Safe input: decode JSON text without surprises, and vet decoded values before validation.

- Duplicate keys, ``NaN`` / ``Infinity`` and invalid UTF-8 become issues, with the
  JSON pointer (and line) of the offending value; the standard library would
  silently keep the last duplicate and accept ``NaN``.
- Nesting deeper than :data:`MAX_DEPTH` and documents over :data:`MAX_BYTES` are
  reported, never a ``RecursionError`` or an unbounded allocation.
- A file may hold one JSON value, a JSON array of objects or JSON Lines; each
  record keeps the line it starts on, and :func:`locate` maps the JSON pointers
  of one record to their lines (only computed for records that have issues).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from .._issues import DUPLICATE_KEY, INPUT_LIMIT, INVALID_JSON, Issue, join_pointer

MAX_DEPTH: Final = 64
MAX_BYTES: Final = 64 * 1024 * 1024


class _Nothing:
    def __repr__(self) -> str:
        return "NOTHING"


#: The value of a record that could not be decoded.
NOTHING: Final = _Nothing()


@attrs.frozen
class Parsed:
    """One decoded JSON value (or :data:`NOTHING`) with the problems found decoding it."""

    value: Any
    issues: tuple[Issue, ...] = ()
    #: The text the value was decoded from and where it starts (for :func:`locate`).
    text: str = ""
    start: int = 0
    #: 1-based line of the value's first character.
    line: int = 1

    def lines(self) -> dict[str, int]:
        """JSON pointer → line for every value of this record."""
        if not self.text:
            return {}
        return locate(self.text, self.start, self.line).lines


class _Decoder:
    """A ``json.JSONDecoder`` that notices duplicate keys and non-finite numbers."""

    def __init__(self) -> None:
        self.suspect = False
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._object, parse_constant=self._constant
        )

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.suspect = True
        return result

    def _constant(self, name: str) -> float:
        self.suspect = True
        return float(name)

    def decode(self, text: str, start: int, line: int) -> Parsed:
        """Decode the value at ``text[start:]`` (which must be all of it, bar whitespace)."""
        self.suspect = False
        try:
            value, end = self.decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            where = line + text.count("\n", start, exc.pos)
            issue = Issue("", INVALID_JSON, "error", f"not valid JSON: {exc.msg} (line {where})")
            return Parsed(NOTHING, (issue,), text, start, line)
        except RecursionError:
            issue = Issue("", INPUT_LIMIT, "error", "JSON nested too deeply to decode")
            return Parsed(NOTHING, (issue,), text, start, line)
        rest = _WS.match(text, end)
        if rest is not None and rest.end() != len(text):
            stop = rest.end()
            where = line + text.count("\n", start, stop)
            issue = Issue(
                "",
                INVALID_JSON,
                "error",
                f"not valid JSON: extra data after the value (line {where})",
            )
            return Parsed(NOTHING, (issue,), text, start, line)
        issues: tuple[Issue, ...] = ()
        if self.suspect:
            issues = tuple(_suspect_issues(text, start, line))
        return Parsed(value, issues, text, start, line)


def _suspect_issues(text: str, start: int, line: int) -> Iterator[Issue]:
    found = locate(text, start, line)
    for ptr, at in found.duplicates:
        message = f"duplicate key (line {at}); the last value was kept"
        yield Issue(ptr, DUPLICATE_KEY, "error", message)
    for ptr, at in found.constants:
        message = f"NaN and Infinity are not JSON numbers (line {at})"
        yield Issue(ptr, INVALID_JSON, "error", message)


def _text(data: str | bytes) -> tuple[str | None, Issue | None]:
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MiB"
        return None, Issue(
            "", INPUT_LIMIT, "error", f"input of {size} exceeds {MAX_BYTES // 1024 // 1024} MiB"
        )
    if isinstance(data, str):
        return data, None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, Issue(
            "", INVALID_JSON, "error", f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        )


def parse_one(data: str | bytes) -> Parsed:
    """Decode one JSON value from text or bytes; problems become issues."""
    text, problem = _text(data)
    if text is None:
        return Parsed(NOTHING, (problem,) if problem else ())
    ws = _WS.match(text)
    start = ws.end() if ws is not None else 0
    if start >= len(text):
        return Parsed(NOTHING, (Issue("", INVALID_JSON, "error", "not valid JSON: empty input"),))
    return _Decoder().decode(text, start, 1 + text.count("\n", 0, start))


def iter_records(data: str | bytes, *, lines: bool = False) -> Iterator[Parsed]:
    """Each record of a file: one value, the elements of a top-level array, or JSON Lines.

    With ``lines`` (``.jsonl`` / ``.ndjson``) every non-blank line is a record. A
    ``.json`` file that is not one JSON value but reads as JSON Lines is read so too.
    """
    text, problem = _text(data)
    if text is None:
        yield Parsed(NOTHING, (problem,) if problem else ())
        return
    if lines:
        yield from _json_lines(text)
        return
    decoder = _Decoder()
    ws = _WS.match(text)
    start = ws.end() if ws is not None else 0
    if start >= len(text):
        yield Parsed(NOTHING, (Issue("", INVALID_JSON, "error", "not valid JSON: empty file"),))
        return
    line = 1 + text.count("\n", 0, start)
    if text[start] == "[":
        yield from _array(decoder, text, start, line)
        return
    whole = decoder.decode(text, start, line)
    if whole.value is NOTHING and "\n" in text.strip() and "extra data" in whole.issues[0].message:
        yield from _json_lines(text)
        return
    yield whole


def _json_lines(text: str) -> Iterator[Parsed]:
    decoder = _Decoder()
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            ws = _WS.match(raw)
            yield decoder.decode(raw, ws.end() if ws is not None else 0, number)


def _array(decoder: _Decoder, text: str, start: int, line: int) -> Iterator[Parsed]:
    """Decode a top-level array element by element so each keeps its own line."""
    pos = _skip(text, start + 1)
    if pos < len(text) and text[pos] == "]":
        pos += 1
    else:
        while True:
            if pos >= len(text):
                yield _bad("unterminated array", line + text.count("\n", start, pos))
                return
            at = line + text.count("\n", start, pos)
            element, end = _element(decoder, text, pos, at)
            yield element
            if element.value is NOTHING:
                return  # the rest of the array cannot be found reliably
            pos = _skip(text, end)
            if pos < len(text) and text[pos] == ",":
                pos = _skip(text, pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                pos += 1
                break
            yield _bad("expected ',' or ']'", line + text.count("\n", start, pos))
            return
    if _skip(text, pos) != len(text):
        yield _bad("extra data after the array", line + text.count("\n", start, pos))


def _bad(what: str, line: int) -> Parsed:
    return Parsed(
        NOTHING,
        (Issue("", INVALID_JSON, "error", f"not valid JSON: {what} (line {line})"),),
        line=line,
    )


def _element(decoder: _Decoder, text: str, pos: int, line: int) -> tuple[Parsed, int]:
    decoder.suspect = False
    try:
        value, end = decoder.decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        return _bad(exc.msg, line + text.count("\n", pos, exc.pos)), pos
    except RecursionError:
        issue = Issue("", INPUT_LIMIT, "error", "JSON nested too deeply to decode")
        return Parsed(NOTHING, (issue,), line=line), pos
    piece = text[pos:end]
    issues = tuple(_suspect_issues(piece, 0, line)) if decoder.suspect else ()
    return Parsed(value, issues, piece, 0, line), end


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match is not None else pos


# --- where values are -------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(
    r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null|NaN|-?Infinity"
)
_CONSTANTS = frozenset({"NaN", "Infinity", "-Infinity"})


@attrs.define
class Located:
    """What :func:`locate` found: the line of each value, duplicate keys, non-finite numbers."""

    lines: dict[str, int] = attrs.Factory(dict)
    duplicates: list[tuple[str, int]] = attrs.Factory(list)
    constants: list[tuple[str, int]] = attrs.Factory(list)


class _Lines:
    """Line numbers of increasing offsets, counted incrementally."""

    def __init__(self, text: str, pos: int, line: int) -> None:
        self.text, self.pos, self.line = text, pos, line

    def at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def locate(text: str, pos: int = 0, line: int = 1, max_depth: int = MAX_DEPTH) -> Located:
    """Scan one JSON value starting at ``text[pos]`` (on ``line``) and map pointers to lines.

    The scan is iterative (no recursion limit) and stops quietly at malformed text.
    Values nested deeper than ``max_depth`` share the pointer of their ancestor at
    that depth (so the cost stays linear in the text).
    """
    found = Located()
    lines = _Lines(text, pos, line)
    # A frame is [pointer, keys seen (object) or next index (array)].
    stack: list[list[Any]] = []
    ptr = ""
    expect_value = True
    size = len(text)
    while True:
        pos = _skip(text, pos)
        if pos >= size:
            return found
        char = text[pos]
        if expect_value:
            if len(stack) <= max_depth:
                found.lines[ptr] = lines.at(pos)
            if char == "{":
                stack.append([ptr, set()])
                pos = _skip(text, pos + 1)
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
                pos = _skip(text, pos + 1)
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
            if match.group() in _CONSTANTS:
                found.constants.append((ptr, lines.at(pos)))
            pos = match.end()
            expect_value = False
            continue
        if not stack:
            return found
        frame = stack[-1]
        if char == ",":
            pos = _skip(text, pos + 1)
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
    text: str, pos: int, frame: list[Any], found: Located, lines: _Lines, extend: bool = True
) -> tuple[int, str]:
    """Read ``"key":`` at ``pos``; return the position of the value and its pointer."""
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
    pos = _skip(text, match.end())
    if pos >= len(text) or text[pos] != ":":
        return -1, ""
    return pos + 1, ptr


# --- vetting decoded values -------------------------------------------------------------

_SCALARS = (str, int, bool, type(None))


@attrs.frozen
class Vetted:
    """Problems in a decoded value, and a copy safe to validate (deep parts emptied, bad keys dropped)."""

    issues: tuple[Issue, ...]
    pruned: Any
    #: Pointers of replaced values: schema issues at or below them would only echo these.
    masked: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.issues)


def check_value(value: Any, max_depth: int = MAX_DEPTH) -> Vetted | None:
    """Vet a decoded value: depth, key types, non-JSON values, NaN/Infinity. ``None`` if clean."""
    if _clean(value, max_depth):
        return None
    issues: list[Issue] = []
    pruned = _vet(value, "", 0, max_depth, issues)
    if not issues:
        return None
    masked = tuple(i.path for i in issues if not i.message.startswith("object key"))
    return Vetted(tuple(issues), pruned, masked)


_LEAVES = frozenset({str, int, bool, type(None)})


def _clean(value: Any, budget: int) -> bool:
    """Quick check (no copy, no pointers): only JSON types, string keys, finite, not too deep."""
    stack = [(value, budget)]
    leaves = _LEAVES
    while stack:
        node, left = stack.pop()
        kind = type(node)
        if kind is dict or (kind not in leaves and isinstance(node, dict)):
            if left <= 0:
                return False
            for key, item in node.items():
                if type(key) is not str:
                    return False
                if type(item) not in leaves:
                    stack.append((item, left - 1))
        elif kind is list or (kind not in leaves and isinstance(node, list)):
            if left <= 0:
                return False
            stack.extend((item, left - 1) for item in node if type(item) not in leaves)
        elif kind is float:
            if not math.isfinite(node):
                return False
        elif kind not in leaves:
            return False
    return True


def _vet(value: Any, ptr: str, depth: int, max_depth: int, issues: list[Issue]) -> Any:
    kind = type(value)
    if kind is dict or isinstance(value, dict):
        if depth >= max_depth:
            issues.append(
                Issue(ptr, INPUT_LIMIT, "error", f"nested deeper than {max_depth} levels")
            )
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                message = f"object key of type {type(key).__name__} (JSON keys are strings)"
                issues.append(Issue(ptr, INVALID_JSON, "error", message))
                continue
            out[key] = _vet(item, join_pointer(ptr, key), depth + 1, max_depth, issues)
        return out
    if kind is list or isinstance(value, list):
        if depth >= max_depth:
            issues.append(
                Issue(ptr, INPUT_LIMIT, "error", f"nested deeper than {max_depth} levels")
            )
            return []
        return [
            _vet(item, join_pointer(ptr, i), depth + 1, max_depth, issues)
            for i, item in enumerate(value)
        ]
    if kind is float:
        if not math.isfinite(value):
            issues.append(
                Issue(ptr, INVALID_JSON, "error", "NaN and Infinity are not JSON numbers")
            )
        return value
    if isinstance(value, (_SCALARS, dict, list, float)):
        return value
    message = f"a Python {type(value).__name__} is not a JSON value"
    issues.append(Issue(ptr, INVALID_JSON, "error", message))
    return None
