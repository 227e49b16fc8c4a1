"""Load an OpenAPI document (JSON or YAML, path or URL) into plain Python data.

YAML goes through PyYAML's C loader when it is available (a 4 MB spec loads in
about a second instead of twenty). Every failure becomes a :class:`SpecError`
naming the file and, where the parser knows it, the line.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import urllib.request
from pathlib import Path
from typing import Any

import attrs

from .errors import SpecError, SpecProblem

try:  # the C loader is an order of magnitude faster on the 4 MB Stripe spec
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader


@attrs.frozen
class LoadedSpec:
    """A spec document with where it came from and the digest of its bytes."""

    document: dict[str, Any]
    source: str
    sha256: str

    @property
    def api_version(self) -> str:
        info = self.document.get("info")
        version = info.get("version") if isinstance(info, dict) else None
        return str(version) if version is not None else "unknown"

    @property
    def schemas(self) -> dict[str, Any]:
        components = self.document.get("components") or {}
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return schemas if isinstance(schemas, dict) else {}


def _read_bytes(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=60) as response:
                return bytes(response.read())
        except OSError as exc:
            raise SpecError(SpecProblem(source, "", f"cannot download: {exc}")) from None
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise SpecError(SpecProblem(source, "", "no such file")) from None
    except IsADirectoryError:
        raise SpecError(SpecProblem(source, "", "is a directory, not a spec file")) from None
    except OSError as exc:
        raise SpecError(SpecProblem(source, "", f"cannot read: {exc.strerror}")) from None


def parse_document(data: bytes, source: str) -> Any:
    """Parse JSON or YAML bytes; the format is chosen by the first non-blank character."""
    text_start = data.lstrip()[:1]
    if text_start in (b"{", b"["):
        try:
            return json.loads(data)
        except UnicodeDecodeError as exc:
            raise SpecError(SpecProblem(source, "", f"not UTF-8 text: {exc.reason}")) from None
        except json.JSONDecodeError as exc:
            raise SpecError(
                SpecProblem(source, "", f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
            ) from None
    import yaml

    try:
        return yaml.load(data, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join((exc.problem or exc.context or "syntax error").split())
        raise SpecError(SpecProblem(source, "", f"invalid YAML: {what}", line)) from None
    except yaml.YAMLError as exc:
        one_line = " ".join(str(exc).split())
        raise SpecError(SpecProblem(source, "", f"invalid YAML: {one_line}")) from None


#: YAML specs larger than this are cached, parsed, by content hash (a 4 MB spec takes
#: about 2 s to parse even with the C loader, and well under 0.1 s to read from the cache).
CACHE_MIN_BYTES = 256 * 1024


def cache_dir() -> Path | None:
    """Where parsed specs are cached; ``STRIPE_SCHEMAS_CACHE=off`` disables the cache."""
    configured = os.environ.get("STRIPE_SCHEMAS_CACHE")
    if configured is not None:
        return None if configured.lower() in ("", "0", "off", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "stripe-schemas" / "specs"


def _parse_cached(data: bytes, name: str, digest: str) -> Any:
    """Parse through the cache. marshal keeps YAML's exact types (int keys, no coercion to
    JSON) and, unlike pickle, cannot run code when read; a bad entry is just re-parsed."""
    where = cache_dir()
    if where is None or len(data) < CACHE_MIN_BYTES or data.lstrip()[:1] in (b"{", b"["):
        return parse_document(data, name)
    entry = where / f"{digest}.marshal"
    try:
        return marshal.loads(entry.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    document = parse_document(data, name)
    try:
        where.mkdir(parents=True, exist_ok=True)
        scratch = entry.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_bytes(marshal.dumps(document))
        scratch.replace(entry)
    except (OSError, ValueError):  # read-only home, or a value marshal cannot hold
        pass
    return document


def load_spec(source: str | Path) -> LoadedSpec:
    """Read and parse a spec; raise :class:`SpecError` if it is not an OpenAPI 3 document."""
    name = str(source)
    data = _read_bytes(name)
    digest = hashlib.sha256(data).hexdigest()
    document = _parse_cached(data, name, digest)
    if not isinstance(document, dict):
        raise SpecError(
            SpecProblem(name, "", "not an OpenAPI document (top level is not a mapping)")
        )
    if "openapi" not in document and "components" not in document:
        raise SpecError(
            SpecProblem(name, "", "not an OpenAPI document (no 'openapi' or 'components')")
        )
    return LoadedSpec(document=document, source=name, sha256=digest)
