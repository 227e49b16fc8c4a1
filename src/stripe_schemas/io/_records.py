"""Safe input: decode JSON text without surprises, and vet decoded values before validation.

- Duplicate keys, ``NaN`` / ``Infinity``, numbers that overflow a double, integers
  longer than Python's digit limit and invalid UTF-8 become issues, with the JSON
  pointer (and line) of the offending value; the standard library would silently
  keep the last duplicate, accept ``NaN`` and raise on a 5000-digit integer.
- Nesting deeper than :data:`MAX_DEPTH` and documents over :data:`MAX_BYTES` are
  reported, never a ``RecursionError`` or an unbounded allocation.
- A file may hold one JSON value, a JSON array of objects or JSON Lines; each
  record keeps the line it starts on, and :func:`locate` maps the JSON pointers
  of one record to their lines (only computed for records that have issues).
  Lines are counted incrementally (linear in the file). After a broken element
  of an array the reader resynchronises on the next element, so the rest of the
  array is still checked (or an issue says from which line it was not).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs

from ..issues import DUPLICATE_KEY, INPUT_LIMIT, INVALID_JSON, Issue
from ._locate import (
    MAX_DEPTH,
    WS,
    LineCounter,
    Located,
    LongNumber,
    int_limit,
    locate,
    long_message,
    skip_ws,
)
from ._vet import Vetted, check_value

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "NOTHING",
    "Located",
    "LongNumber",
    "Parsed",
    "Vetted",
    "check_value",
    "int_limit",
    "iter_records",
    "locate",
    "merge",
    "parse_one",
]

MAX_BYTES: Final = 64 * 1024 * 1024


class _Nothing:
    def __repr__(self) -> str:
        return "NOTHING"


#: The value of a record that could not be decoded.
NOTHING: Final = _Nothing()


def _int_or_long(digits: str) -> int | LongNumber:
    try:
        return int(digits)
    except ValueError:
        return LongNumber(len(digits.lstrip("-")))


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
    """A ``json.JSONDecoder`` that notices duplicate keys and numbers JSON text should not hold.

    Integers longer than Python's digit limit make the standard decoder raise; the
    value is then decoded again with each such integer replaced by a :class:`LongNumber`.
    """

    def __init__(self) -> None:
        self.suspect = False
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._object, parse_constant=self._constant, parse_float=self._float
        )
        self._long: json.JSONDecoder | None = None

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.suspect = True
        return result

    def _constant(self, name: str) -> float:
        self.suspect = True
        return float(name)

    def _float(self, digits: str) -> float:
        value = float(digits)
        if value in _INFINITIES:
            self.suspect = True
        return value

    def _raw_decode(self, text: str, pos: int) -> tuple[Any, int]:
        try:
            return self.decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise
        except ValueError:  # an integer longer than the digit limit: decode it again
            if self._long is None:
                self._long = json.JSONDecoder(
                    object_pairs_hook=self._object,
                    parse_constant=self._constant,
                    parse_float=self._float,
                    parse_int=_int_or_long,
                )
            self.suspect = True
            return self._long.raw_decode(text, pos)

    def decode_at(self, text: str, pos: int, line: int) -> tuple[Parsed, int]:
        """Decode the value at ``text[pos]`` (on ``line``); the value and where it ends.

        A value that cannot be decoded is :data:`NOTHING` with one issue, ending at ``pos``.
        """
        self.suspect = False
        try:
            value, end = self._raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            where = line + text.count("\n", pos, exc.pos)
            issue = Issue("", INVALID_JSON, "error", f"not valid JSON: {exc.msg} (line {where})")
            return Parsed(NOTHING, (issue,), text, pos, where), pos
        except RecursionError:
            issue = Issue(
                "", INPUT_LIMIT, "error", f"JSON nested too deeply to decode (line {line})"
            )
            return Parsed(NOTHING, (issue,), text, pos, line), pos
        except ValueError as exc:  # defensive: any other limit of the standard decoder
            message = f"JSON value beyond a decoder limit: {_first_line(exc)} (line {line})"
            return Parsed(NOTHING, (Issue("", INPUT_LIMIT, "error", message),), line=line), pos
        issues = tuple(_suspect_issues(text, pos, line)) if self.suspect else ()
        return Parsed(value, issues, text, pos, line), end

    def decode(self, text: str, start: int, line: int) -> Parsed:
        """Decode the value at ``text[start:]`` (which must be all of it, bar whitespace)."""
        parsed, end = self.decode_at(text, start, line)
        if parsed.value is NOTHING:
            return parsed
        rest = WS.match(text, end)
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
        return parsed


_INFINITIES = (math.inf, -math.inf)


def _first_line(exc: BaseException) -> str:
    text = str(exc).split(":", 1)[0].strip()
    return text.splitlines()[0][:120] if text else type(exc).__name__


def _suspect_issues(text: str, start: int, line: int) -> Iterator[Issue]:
    found = locate(text, start, line)
    for ptr, at in found.duplicates:
        message = f"duplicate key (line {at}); the last value was kept"
        yield Issue(ptr, DUPLICATE_KEY, "error", message)
    for ptr, at in found.constants:
        message = f"NaN and Infinity are not JSON numbers (line {at})"
        yield Issue(ptr, INVALID_JSON, "error", message)
    for ptr, at in found.overflows:
        message = f"number too large for a double (it would become Infinity) (line {at})"
        yield Issue(ptr, INPUT_LIMIT, "error", message)
    for ptr, at, digits in found.long_numbers:
        yield Issue(ptr, INPUT_LIMIT, "error", f"{long_message(digits)} (line {at})")


#: Codes of problems with the input itself (not with what it says).
_INPUT_CODES = frozenset({INVALID_JSON, INPUT_LIMIT})


def merge(issues: Iterable[Issue]) -> list[Issue]:
    """The issues in order without repeats: one per (path, code), one input problem per path.

    A value that is an input problem (``invalid_json`` / ``input_limit``) when decoded
    from text is usually flagged again when the decoded value is vetted; the first
    (decoder's, with its line) is kept.
    """
    seen: set[tuple[str, str]] = set()
    input_paths: set[str] = set()
    out: list[Issue] = []
    for issue in issues:
        key = (issue.path, issue.code)
        if key in seen:
            continue
        if issue.code in _INPUT_CODES:
            if issue.path in input_paths:
                continue
            input_paths.add(issue.path)
        seen.add(key)
        out.append(issue)
    return out


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
    ws = WS.match(text)
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
    ws = WS.match(text)
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
            ws = WS.match(raw)
            yield decoder.decode(raw, ws.end() if ws is not None else 0, number)


def _array(decoder: _Decoder, text: str, start: int, line: int) -> Iterator[Parsed]:
    """Decode a top-level array element by element so each keeps its own line.

    A broken element is reported and skipped up to the next ``,`` or ``]`` at the
    array's depth (see :func:`_next_boundary`), so the elements after it are still
    checked. Lines are counted incrementally: the whole array costs one pass.
    """
    lines = LineCounter(text, start, line)
    size = len(text)
    pos = skip_ws(text, start + 1)
    if pos < size and text[pos] == "]":
        pos += 1
    else:
        while True:
            if pos >= size:
                yield _bad("unterminated array", lines.at(pos))
                return
            first = lines.at(pos)
            element, end = decoder.decode_at(text, pos, first)
            if element.value is NOTHING:
                end = _next_boundary(text, pos)
                yield _skipped(element, first, lines, end, size)
                if end >= size:
                    return
            else:
                yield element
            pos = skip_ws(text, end)
            if pos < size and text[pos] == ",":
                pos = skip_ws(text, pos + 1)
                continue
            if pos < size and text[pos] == "]":
                pos += 1
                break
            if pos >= size:
                yield _bad("unterminated array", lines.at(pos))
                return
            if text[pos] in '{["':  # a value without the comma before it: still check it
                yield _bad("expected ',' or ']' before this value", lines.at(pos))
                continue
            first = lines.at(pos)
            end = _next_boundary(text, pos)
            yield _skipped(_bad("expected ',' or ']'", first), first, lines, end, size)
            if end >= size:
                return
            pos = end
            if text[pos] == ",":
                pos = skip_ws(text, pos + 1)
                continue
            pos += 1
            break
    if skip_ws(text, pos) != size:
        yield _bad("extra data after the array", lines.at(pos))


def _bad(what: str, line: int) -> Parsed:
    return Parsed(
        NOTHING,
        (Issue("", INVALID_JSON, "error", f"not valid JSON: {what} (line {line})"),),
        line=line,
    )


def _skipped(broken: Parsed, first: int, lines: LineCounter, end: int, size: int) -> Parsed:
    """``broken`` (undecodable text from line ``first``) saying which lines were skipped."""
    issue = broken.issues[0]
    if end >= size:
        note = f"; the rest of the array from line {first} was not checked"
    else:
        last = lines.at(end)
        note = f"; lines {first}-{last} skipped" if last > first else ""
    if not note:
        return broken
    issue = Issue(issue.path, issue.code, issue.severity, issue.message + note)
    return Parsed(NOTHING, (issue, *broken.issues[1:]), line=broken.line)


#: The next character that matters when resynchronising: a bracket, a comma or a quote.
_STRUCTURE = re.compile(r'[\[\]{},"]')
#: A string on one line (a JSON string cannot hold a raw newline).
_LINE_STRING = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"')
_CLOSERS = {"}": "{", "]": "["}


def _next_boundary(text: str, pos: int) -> int:
    """Where the array element that starts (broken) at ``pos`` ends: its ``,`` or the ``]``.

    Strings on one line are skipped (a JSON string cannot hold a newline); at an
    unterminated one the element is taken to have broken, so everything open is
    closed and the text after the quote is scanned again. Brackets are matched
    by kind: a closer pops up to its opener; a closer with no opener of its kind
    closes everything open, except a ``]`` with nothing open (or at the end of
    the text), which ends the array.
    Returns ``len(text)`` when no boundary follows.
    """
    size = len(text)
    stack: list[str] = []
    opened = {"{": 0, "[": 0}
    while True:
        match = _STRUCTURE.search(text, pos)
        if match is None:
            return size
        pos = match.start()
        char = text[pos]
        if char == '"':
            string = _LINE_STRING.match(text, pos)
            if string is not None:
                pos = string.end()
                continue
            # An unterminated string: the element broke here; what follows the quote
            # is read as structure again, with nothing open.
            stack.clear()
            opened = {"{": 0, "[": 0}
            pos += 1
            continue
        if char in "{[":
            stack.append(char)
            opened[char] += 1
        elif char == ",":
            if not stack:
                return pos
        else:
            opener = _CLOSERS[char]
            if opened[opener]:
                while True:
                    top = stack.pop()
                    opened[top] -= 1
                    if top == opener:
                        break
            elif char == "]" and (not stack or skip_ws(text, pos + 1) >= size):
                return pos
            else:  # a closer of the wrong kind: take everything open as closed by it
                stack.clear()
                opened = {"{": 0, "[": 0}
        pos += 1
