"""Load an OpenAPI document (JSON or YAML, path or URL) into plain Python data.

YAML goes through PyYAML's C loader when it is available (a 4 MB spec loads in
about a second instead of twenty). Every failure becomes a `SpecError`
naming the file and, where the parser knows it, the line.

Input is bounded: a file or download over `MAX_SPEC_BYTES` is refused
after reading at most that much, a download that takes longer than
`DOWNLOAD_DEADLINE` seconds is stopped, and a parsed document must be a
tree no deeper than `MAX_DEPTH` levels whose YAML aliases do not expand it
beyond `ALIAS_EXPANSION_RATIO` times its size (a YAML anchor that contains
itself, or an alias-expansion bomb, is one error, not a hang).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from .bundle import bundle_external_refs
from .compositions import join_redefinitions
from .discriminators import follow_base_discriminators
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
    def title(self) -> str:
        """The spec's `info.title` on one line (`OpenAPI spec` when it has none)."""
        info = self.document.get("info")
        title = info.get("title") if isinstance(info, dict) else None
        if not isinstance(title, str) or not title.strip():
            return "OpenAPI spec"
        return " ".join(title.split())

    @property
    def is_stripe(self) -> bool:
        """Whether this is one of Stripe's specs (its `info` names Stripe's spec file): then
        Stripe's own conventions apply (see `naming`)."""
        info = self.document.get("info")
        return isinstance(info, dict) and "x-stripeSpecFilename" in info

    @property
    def stripe_conventions(self) -> bool:
        """Whether Stripe's conventions apply: one of Stripe's specs, or a spec whose schemas
        name resources the way Stripe's do (`x-resourceId`). Then its operations get
        request-parameter classes in Stripe's form encoding."""
        return self.is_stripe or any(
            isinstance(s, dict) and "x-resourceId" in s for s in self.schemas.values()
        )

    @property
    def schemas(self) -> dict[str, Any]:
        components = self.document.get("components") or {}
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return schemas if isinstance(schemas, dict) else {}


#: The largest spec read, from a file or a URL (Stripe's biggest spec is about 7 MB).
MAX_SPEC_BYTES = 64 * 1024 * 1024
#: A download taking longer than this many seconds in total is stopped.
DOWNLOAD_DEADLINE = 120.0
#: Seconds one network read may wait for data.
DOWNLOAD_TIMEOUT = 60.0
_CHUNK = 1024 * 1024


def _too_big(source: str) -> SpecError:
    limit = MAX_SPEC_BYTES / (1024 * 1024)
    return SpecError(SpecProblem(source, "", f"larger than {limit:g} MiB; not read"))


def _download(source: str) -> bytes:
    deadline = time.monotonic() + DOWNLOAD_DEADLINE
    chunks: list[bytes] = []
    size = 0
    try:
        with urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT) as response:
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > MAX_SPEC_BYTES:
                raise _too_big(source)
            while True:
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_SPEC_BYTES:
                    raise _too_big(source)
                if time.monotonic() > deadline:
                    message = f"download took longer than {DOWNLOAD_DEADLINE:g} s; stopped"
                    raise SpecError(SpecProblem(source, "", message))
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise SpecError(SpecProblem(source, "", f"cannot download: HTTP {exc.code}")) from None
    except OSError as exc:  # URLError, timeouts and resets are all OSErrors
        reason = getattr(exc, "reason", None) or exc.strerror or exc
        raise SpecError(SpecProblem(source, "", f"cannot download: {reason}")) from None
    return b"".join(chunks)


def _read_bytes(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        return _download(source)
    try:
        with Path(source).open("rb") as file:
            data = file.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(SpecProblem(source, "", "no such file")) from None
    except IsADirectoryError:
        raise SpecError(SpecProblem(source, "", "is a directory, not a spec file")) from None
    except OSError as exc:
        raise SpecError(SpecProblem(source, "", f"cannot read: {exc.strerror}")) from None
    if len(data) > MAX_SPEC_BYTES:
        raise _too_big(source)
    return data


#: Deepest nesting of mappings and lists accepted (Stripe's specs reach about 25).
MAX_DEPTH = 200
#: YAML aliases may make the document this many times larger than what the file spells out
#: (beyond `ALIAS_EXPANSION_FLOOR` nodes); more is an alias-expansion ("billion
#: laughs") bomb. PyYAML shares one object per anchor, so the bomb is cheap to load and
#: explodes only in code that walks the document as a tree: it is caught here instead.
ALIAS_EXPANSION_RATIO = 10
ALIAS_EXPANSION_FLOOR = 1_000_000
_CONTAINERS = (dict, list, tuple)


def _children(node: Any) -> Iterable[Any]:
    return node.values() if isinstance(node, dict) else node


def tree_problem(document: Any) -> str | None:
    """Why `document` is not a usable tree (a cycle, too deep, aliases that explode), or None.

    One pass over the distinct containers, without recursion: each container's expanded
    size (what a tree walk would visit) is computed once and reused where it is shared.
    """
    if not isinstance(document, _CONTAINERS):
        return None
    expanded: dict[int, int] = {}
    on_path: set[int] = {id(document)}
    distinct = 1 + len(document)
    # frames: [container, iterator over its children, expanded size so far]
    stack: list[list[Any]] = [[document, iter(_children(document)), 1]]
    while stack:
        frame = stack[-1]
        descended = False
        for child in frame[1]:
            if not isinstance(child, _CONTAINERS):
                frame[2] += 1
                continue
            key = id(child)
            if key in on_path:
                return "a YAML anchor contains itself (the document is not a tree)"
            known = expanded.get(key)
            if known is not None:
                frame[2] += known
                continue
            if len(stack) >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            on_path.add(key)
            distinct += 1 + len(child)
            stack.append([child, iter(_children(child)), 1])
            descended = True
            break
        if descended:
            continue
        stack.pop()
        on_path.discard(id(frame[0]))
        expanded[id(frame[0])] = frame[2]
        if stack:
            stack[-1][2] += frame[2]
    total = expanded[id(document)]
    if total > max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_RATIO * distinct):
        return f"YAML aliases expand {distinct} nodes to {total}; refusing an alias-expansion bomb"
    return None


def parse_document(data: bytes, source: str) -> Any:
    """Parse JSON or YAML bytes (the format is chosen by the first non-blank character) into a
    tree; `SpecError` for anything else (see `tree_problem()`)."""
    document = _parse(data, source)
    problem = tree_problem(document)
    if problem is not None:
        raise SpecError(SpecProblem(source, "", problem))
    return document


def _parse(data: bytes, source: str) -> Any:
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
        except RecursionError:
            raise SpecError(SpecProblem(source, "", "nested too deeply to parse")) from None
    import yaml

    try:
        return yaml.load(data, Loader=_YamlLoader)
    except RecursionError:
        raise SpecError(SpecProblem(source, "", "nested too deeply to parse")) from None
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
#: Part of every cache entry's name; bumped when what an entry promises changes (v2: checked
#: by `tree_problem()`).
CACHE_FORMAT = "v2"


def cache_dir() -> Path | None:
    """Where parsed specs (and the parser's model inventories) are cached;
    `STRIPE_SCHEMAS_CACHE=off` disables the cache."""
    configured = os.environ.get("STRIPE_SCHEMAS_CACHE")
    if configured is not None:
        return None if configured.lower() in ("", "0", "off", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "stripe-schemas" / "specs"


def cache_read(name: str) -> Any:
    """A value stored by `cache_write()`, or None (no cache, no entry, a bad entry)."""
    where = cache_dir()
    if where is None:
        return None
    try:
        return marshal.loads((where / f"{name}.{CACHE_FORMAT}.marshal").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def cache_write(name: str, value: Any) -> None:
    """Store plain data (what marshal holds) under `name`; a cache that cannot be written
    (read-only home, a value marshal cannot hold) is skipped silently."""
    where = cache_dir()
    if where is None:
        return
    entry = where / f"{name}.{CACHE_FORMAT}.marshal"
    try:
        where.mkdir(parents=True, exist_ok=True)
        scratch = entry.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_bytes(marshal.dumps(value))
        scratch.replace(entry)
    except (OSError, ValueError):
        pass


def _parse_cached(data: bytes, name: str, digest: str) -> Any:
    """Parse through the cache. marshal keeps YAML's exact types (int keys, no coercion to
    JSON) and, unlike pickle, cannot run code when read; a bad entry is just re-parsed.
    Only documents that passed `tree_problem()` are written, so a hit is not re-checked."""
    if len(data) < CACHE_MIN_BYTES or data.lstrip()[:1] in (b"{", b"["):
        return parse_document(data, name)
    document = cache_read(digest)
    if document is None:
        document = parse_document(data, name)
        cache_write(digest, document)
    return document


def load_spec(source: str | Path) -> LoadedSpec:
    """Read and parse a spec; raise `SpecError` if it is not an OpenAPI 3 document."""
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
    problems = shape_problems(document, name)
    others: dict[str, str] = {}  # another file the spec refers to → its bytes' sha256
    if not problems:

        def load_other(path: str) -> Any:
            """Another file, read and parsed with the same bounds, its digest recorded."""
            data = _read_bytes(path)
            others[path] = hashlib.sha256(data).hexdigest()
            return _parse_cached(data, path, others[path])

        document, problems = bundle_external_refs(document, name, load_other)
    if not problems:
        document, problems = follow_base_discriminators(document, name)
        document = join_redefinitions(document)
    if problems:
        raise SpecError(problems)
    return LoadedSpec(document=document, source=name, sha256=spec_digest(name, digest, others))


def spec_digest(source: str, main: str, others: dict[str, str]) -> str:
    """The digest a generated package records of its input: the spec file's sha256, or,
    when the spec refers to other files, the sha256 of a list of every file's path
    (relative to the spec's folder) and sha256, so that editing any of them changes it."""
    if not others:
        return main
    folder = Path(source).resolve().parent
    lines = [f"{Path(source).name} {main}"]
    for path, sha in sorted(others.items()):
        try:
            where = Path(path).relative_to(folder).as_posix()
        except ValueError:  # outside the spec's folder: the path as the reference gave it
            where = Path(path).as_posix()
        lines.append(f"{where} {sha}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def shape_problems(document: dict[str, Any], source: str) -> list[SpecProblem]:
    """`components`, `components/schemas` and `paths` that are there but not objects
    (read as empty, they would make every schema or operation look removed)."""
    problems = []
    components = document.get("components")
    places = [("/components", components), ("/paths", document.get("paths"))]
    if isinstance(components, dict):
        places.append(("/components/schemas", components.get("schemas")))
    for pointer, value in places:
        if value is not None and not isinstance(value, dict):
            kind = _JSON_KIND.get(type(value).__name__, f"a {type(value).__name__}")
            problems.append(SpecProblem(source, pointer, f"is {kind}, not an object"))
    return problems


_JSON_KIND = {"list": "an array", "str": "a string", "int": "a number", "float": "a number"}
_JSON_KIND |= {"bool": "a boolean"}
