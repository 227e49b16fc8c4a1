"""Turn schema faults into issues: stable codes, mode-aware severities, safe messages.

`anyOf` failures are replaced by the real cause: branches whose type does not
match the value are set aside, and the issues of the remaining branch with the
fewest errors (then fewest issues, then the first) are reported. When no branch
has the value's type, one `type_mismatch` lists what would have been accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..issues import (
    MAX_LENGTH,
    MISSING_REQUIRED,
    NULL_NOT_ALLOWED,
    TYPE_MISMATCH,
    UNKNOWN_ENUM_VALUE,
    UNKNOWN_FIELD,
    WRONG_OBJECT_TAG,
    Issue,
    Severity,
    describe_value,
    limit_failure,
    too_long,
)
from ..model import join_pointer, pointer
from ._report import Mode
from ._schema import Fault, Tokens

_Located = tuple[Tokens, Issue]
_TYPE_CODES = frozenset({TYPE_MISMATCH, NULL_NOT_ALLOWED})
#: Codes of an enum's failure: only an echo where the value has the wrong type already.
_ENUM_CODES = frozenset({UNKNOWN_ENUM_VALUE, WRONG_OBJECT_TAG})
_MAX_CHOICES = 8


def classify(faults: Iterable[Fault], mode: Mode) -> list[Issue]:
    """Issues for `faults`, deduplicated and sorted by location (document order of tokens)."""
    located: list[_Located] = []
    try:
        for fault in faults:
            located.extend(_issues(fault, mode))
    finally:
        _POINTERS.clear()
    return [issue for _, issue in tidy(located)]


def tidy(located: list[_Located]) -> list[_Located]:
    """Issues with their tokens, without echoes and repeats, in document order."""
    typed = {issue.path for _, issue in located if issue.code in _TYPE_CODES}
    seen: set[tuple[str, str]] = set()
    out: list[_Located] = []
    for tokens, issue in located:
        key = (issue.path, issue.code)
        if key in seen or (issue.code in _ENUM_CODES and issue.path in typed):  # an echo
            continue
        seen.add(key)
        out.append((tokens, issue))
    out.sort(key=lambda item: tuple(_sort_token(t) for t in item[0]))
    return out


def _sort_token(token: str | int) -> tuple[int, int, str]:
    return (0, token, "") if isinstance(token, int) else (1, 0, token)


def _lenient_severity(mode: Mode) -> Severity:
    return "error" if mode == "strict" else "notice"


#: Pointers built during one `classify()` call (a cache only; cleared after each call
#: so no payload key outlives it).
_POINTERS: dict[Tokens, str] = {}


def _pointer(tokens: Tokens) -> str:
    found = _POINTERS.get(tokens)
    if found is None:
        found = _POINTERS[tokens] = pointer(tokens)
    return found


def _issues(fault: Fault, mode: Mode) -> list[_Located]:
    keyword = fault.keyword
    if keyword == "anyOf":
        return _any_of(fault, mode)
    tokens = fault.tokens
    ptr = _pointer(tokens)
    if keyword == "type":
        expected = _or_list(fault.detail or ())
        if fault.instance is None:
            return [
                (
                    tokens,
                    Issue(
                        ptr,
                        NULL_NOT_ALLOWED,
                        "error",
                        f"null is not allowed here; expected {expected}",
                    ),
                )
            ]
        got = _describe_at(tokens, fault.instance)
        return [(tokens, Issue(ptr, TYPE_MISMATCH, "error", f"expected {expected}, got {got}"))]
    if keyword == "enum":
        return [(tokens, enum_issue(tokens, ptr, fault.instance, fault.detail, mode))]
    if keyword == "required":
        out: list[_Located] = []
        for name in fault.detail or ():
            where = join_pointer(ptr, name)
            message = f"required field {name!r} is missing"
            out.append(((*tokens, name), Issue(where, MISSING_REQUIRED, "error", message)))
        return out
    if keyword == "additionalProperties":
        return [((*tokens, key), unknown_field_issue(ptr, key, mode)) for key in fault.detail or ()]
    if keyword == "maxLength":
        message = too_long(ptr, fault.instance, fault.detail)
        return [(tokens, Issue(ptr, MAX_LENGTH, "error", message))]
    # `minimum` (a list's `limit`, 1 to 100), `pattern`, `minItems`, …: as the converters say
    code, message = limit_failure(ptr, keyword, fault.instance, fault.detail)
    return [(tokens, Issue(ptr, code, "error", message))]


def unknown_field_issue(ptr: str, key: str, mode: Mode) -> Issue:
    """The issue of an undeclared `key` in the object at `ptr`."""
    message = f"unknown field {_short(key)}"
    return Issue(join_pointer(ptr, key), UNKNOWN_FIELD, _lenient_severity(mode), message)


def enum_issue(tokens: Tokens, ptr: str, value: Any, allowed: Any, mode: Mode) -> Issue:
    """The issue of a `value` at `ptr` that is not one of `allowed`."""
    options = [option for option in (allowed or ()) if option is not None]
    got = describe(ptr, value)
    if tokens and tokens[-1] == "object" and len(options) == 1:
        message = f"object tag {got} does not match the model (expected {options[0]!r})"
        return Issue(ptr, WRONG_OBJECT_TAG, "error", message)
    choices = ", ".join(repr(v) for v in options[:_MAX_CHOICES])
    if len(options) > _MAX_CHOICES:
        choices += f", … ({len(options)} values)"
    return Issue(ptr, UNKNOWN_ENUM_VALUE, _lenient_severity(mode), f"{got} is not one of {choices}")


def _any_of(fault: Fault, mode: Mode) -> list[_Located]:
    candidates: list[list[_Located]] = []
    expected: list[str] = []
    for branch in fault.branches:
        wrong = next((t for t in (_root_types(sub, fault.tokens) for sub in branch) if t), None)
        if wrong is not None:  # a branch for another JSON type: not an explanation
            expected.extend(wrong)
            continue
        found: list[_Located] = []
        for sub in branch:
            found.extend(_issues(sub, mode))
        candidates.append(found)
    if candidates:
        return min(
            candidates,
            key=lambda found: (sum(i.severity == "error" for _, i in found), len(found)),
        )
    tokens = fault.tokens
    ptr = _pointer(tokens)
    wanted = _or_list(dict.fromkeys(expected))
    if fault.instance is None:
        return [
            (
                tokens,
                Issue(
                    ptr, NULL_NOT_ALLOWED, "error", f"null is not allowed here; expected {wanted}"
                ),
            )
        ]
    got = _describe_at(tokens, fault.instance)
    return [(tokens, Issue(ptr, TYPE_MISMATCH, "error", f"expected {wanted}, got {got}"))]


def _root_types(fault: Fault, tokens: Tokens) -> list[str] | None:
    """The types a fault says the value should have had, when it is a type mismatch at the
    union's own place (a `type`, or a nested `anyOf` all of whose branches are such, as
    `anyOf: [{$ref: X}, {type: null}]` beside an array branch); else None."""
    if fault.tokens != tokens:
        return None
    if fault.keyword == "type":
        return [str(t) for t in fault.detail or ()]
    if fault.keyword != "anyOf" or not fault.branches:
        return None
    found: list[str] = []
    for branch in fault.branches:
        inner = next((t for t in (_root_types(sub, tokens) for sub in branch) if t), None)
        if inner is None:
            return None
        found += inner
    return found


def describe(ptr: str, value: object) -> str:
    """`describe_value()` with the article fixed ("an array", "an object")."""
    text = describe_value(ptr, value)
    return "an " + text[2:] if text in ("a array", "a object") else text


def _describe_at(tokens: Tokens, value: object) -> str:
    """`describe()` for a value given by its pointer tokens."""
    return describe(_pointer(tokens), value)


def _or_list(names: Iterable[Any]) -> str:
    items = [str(name) for name in names]
    if len(items) <= 1:
        return items[0] if items else "nothing"
    return ", ".join(items[:-1]) + " or " + items[-1]


def _short(text: object, limit: int = 40) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
