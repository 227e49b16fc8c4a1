"""JSON pointers (RFC 6901): how every issue, `$ref` and spec location is written."""

from __future__ import annotations

from collections.abc import Iterable


def escape_token(token: str | int) -> str:
    """Escape one reference token for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """The reference token an escaped JSON pointer token stands for (`~1` first, then `~0`)."""
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(base: str, token: str | int) -> str:
    """Append one token to a JSON pointer."""
    return f"{base}/{escape_token(token)}"


def pointer(tokens: Iterable[str | int]) -> str:
    """Build a JSON pointer from tokens (the root is `""`)."""
    parts = [t if type(t) is str else str(t) for t in tokens]
    if not parts:
        return ""
    text = "/".join(parts)
    if "~" in text or text.count("/") != len(parts) - 1:  # a token to escape
        return "".join(["/" + escape_token(t) for t in parts])
    return "/" + text


def split_pointer(ptr: str) -> list[str]:
    """Split a JSON pointer into unescaped tokens."""
    if not ptr:
        return []
    return [unescape_token(t) for t in ptr.split("/")[1:]]


def is_under(path: str, base: str) -> bool:
    """Whether the pointer `path` is `base` or below it."""
    return path == base or path.startswith(base + "/")
