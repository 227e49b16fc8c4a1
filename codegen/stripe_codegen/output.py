"""Put generated files into a package directory without losing anything that is not ours.

The generator records what it wrote in a manifest inside the package
(`MANIFEST`: relative path → sha256 of the bytes written). Only files listed there
are ever replaced or removed, and only while they still hold what was written: a listed
file edited since is refused unless `force`. Everything else in the directory (a
hand-written module, a copy of a generated one with its header, `__pycache__`) is
carried over untouched, and an existing `py.typed` is always kept as it is (it may say
`partial`). A header in a file proves nothing: anyone can copy it. An unlisted file that
already holds exactly what would be written there is adopted (nothing of it can be lost).

Writing is all or nothing: the new package is built in a temporary directory beside the
target (files carried over by hard link, or copied where links fail), imported there in a
separate Python process (every module the generator wrote, and every class's annotations
resolved), and only then swapped in with two renames. A failure before the swap (an import
that fails included) leaves the previous package exactly as it was; a failure of the
second rename puts the previous package back.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from stripe_schemas.issues import counted

from .errors import SpecError, SpecProblem

MANIFEST = ".stripe-schemas-manifest.json"
PY_TYPED = "py.typed"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(files: Mapping[str, str], generator: str) -> str:
    """The manifest of `files` (paths relative to the package directory)."""
    entries = {rel: digest(text.encode()) for rel, text in sorted(files.items()) if rel != MANIFEST}
    return json.dumps({"generator": generator, "files": entries}, indent=1) + "\n"


def read_manifest(package_dir: Path) -> dict[str, str]:
    """What the generator wrote into `package_dir` last time (empty: nothing, or no manifest)."""
    path = package_dir / MANIFEST
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise SpecError(SpecProblem(str(path), None, f"unreadable manifest: {exc}")) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and _is_relative(k) for k, v in files.items()
    ):
        raise SpecError(SpecProblem(str(path), None, "not a stripe-schemas manifest"))
    return dict(files)


def _is_relative(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _problems(
    target: Path, files: Mapping[str, str], recorded: Mapping[str, str], force: bool
) -> list[SpecProblem]:
    problems = []
    for rel, text in files.items():
        path = target / rel
        if rel in (PY_TYPED, MANIFEST) or not (path.exists() or path.is_symlink()):
            continue
        if _current(path) == text.encode():
            continue  # already exactly what would be written: nothing of it can be lost
        if rel not in recorded:
            message = "not written by stripe-schemas (not in its manifest); not replaced"
            if not recorded:
                message += (
                    f" ({target} has no {MANIFEST}: move the old package away, or delete it, "
                    "and generate again)"
                )
            problems.append(SpecProblem(str(path), None, message))
        elif not force and digest(_current(path) or b"") != recorded[rel]:
            message = "changed since stripe-schemas wrote it; not replaced (--force replaces it)"
            problems.append(SpecProblem(str(path), None, message))
    for rel in sorted(set(recorded) - set(files)):
        found = _current(target / rel)
        if found is not None and not force and digest(found) != recorded[rel]:
            message = "changed since stripe-schemas wrote it; not removed (--force removes it)"
            problems.append(SpecProblem(str(target / rel), None, message))
    return problems


def write_package(target: Path, files: Mapping[str, str], *, force: bool = False) -> list[str]:
    """Make `target` hold `files` (relative paths → text); return what changed.

    Raises `SpecError` (and writes nothing) when that would replace or remove a
    file the generator did not write, or one edited since (unless `force`).
    """
    if target.exists() and not target.is_dir():
        raise SpecError(SpecProblem(str(target), None, "exists and is not a directory"))
    recorded = read_manifest(target)
    problems = _problems(target, files, recorded, force)
    if problems:
        raise SpecError(problems)
    keep_marker = (target / PY_TYPED).exists()
    wanted = {rel: text for rel, text in files.items() if not (rel == PY_TYPED and keep_marker)}
    changed = [rel for rel, text in wanted.items() if _current(target / rel) != text.encode()]
    removed = [rel for rel in sorted(set(recorded) - set(files)) if (target / rel).exists()]
    if changed or removed:
        replaced = set(recorded) | {MANIFEST} | set(wanted)
        if keep_marker:
            replaced.discard(PY_TYPED)
        _swap_in(target, wanted, replaced)
    return sorted(changed + removed)


@attrs.frozen
class FileChanges:
    """What writing would do to a package directory: paths (relative to it), sorted."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """One line per kind of change that happened: its count and the paths."""
        parts = (("added", self.added), ("changed", self.changed), ("removed", self.removed))
        return [
            f"{counted(len(paths), 'file')} {verb}: {', '.join(paths)}"
            for verb, paths in parts
            if paths
        ]


def _differing(target: Path, files: Mapping[str, str]) -> Iterator[tuple[str, str | None, str]]:
    """Each path whose bytes would change: (path, what it holds now or None, what it would
    hold; empty for a file that goes)."""
    for rel in sorted(set(files) | set(read_manifest(target))):
        path = target / rel
        if rel == PY_TYPED and path.exists():
            continue  # kept as it is, whatever it says
        found = _current(path)
        old = found.decode("utf-8", "replace") if found is not None else None
        new = files.get(rel, "")
        if old is None and rel not in files:
            continue  # listed in the manifest, already gone
        if old != new:
            yield rel, old, new


def file_changes(target: Path, files: Mapping[str, str]) -> FileChanges:
    """Which files writing `files` into `target` would add, change and remove."""
    added, changed, removed = [], [], []
    for rel, old, _ in _differing(target, files):
        if old is None:
            added.append(rel)
        elif rel in files:
            changed.append(rel)
        else:
            removed.append(rel)
    return FileChanges(tuple(added), tuple(changed), tuple(removed))


def stale(target: Path, files: Mapping[str, str], label: str) -> list[str]:
    """A unified diff between what `target` holds and `files` (empty when up to date)."""
    lines: list[str] = []
    for rel, old, new in _differing(target, files):
        lines += difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"committed/{label}/{rel}",
            tofile=f"generated/{label}/{rel}",
        )
    return lines


# --- the swap ------------------------------------------------------------------------------


def _carried(target: Path, replaced: set[str]) -> Iterator[tuple[str, Path]]:
    """Every entry of the old package that is not replaced: (relative path, path)."""
    if not target.is_dir():
        return
    for root, dirnames, filenames in os.walk(target):
        base = Path(root)
        for name in sorted(dirnames):
            path = base / name
            if path.is_symlink():
                dirnames.remove(name)
                yield path.relative_to(target).as_posix(), path
        for name in sorted(filenames):
            path = base / name
            rel = path.relative_to(target).as_posix()
            if rel not in replaced:
                yield rel, path


def _carry(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), destination)
        return
    if not stat.S_ISREG(source.lstat().st_mode):
        raise SpecError(SpecProblem(str(source), None, "not a regular file; cannot carry it over"))
    try:
        os.link(source, destination)
    except OSError:  # another filesystem, or links not allowed: copy instead
        shutil.copy2(source, destination)


def _swap_in(target: Path, files: Mapping[str, str], replaced: set[str]) -> None:
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    # The package is built as `<root>/<name>` so that it can be imported by its name.
    root = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=parent))
    staging = root / target.name
    try:
        staging.mkdir()
        mode = (target.stat() if target.is_dir() else staging.stat()).st_mode
        os.chmod(staging, stat.S_IMODE(mode))
        for rel, path in _carried(target, replaced):
            _carry(path, staging / rel)
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        import_check(root, target.name, [rel for rel in files if rel.endswith(".py")])
        if not target.is_dir():
            os.rename(staging, target)
            return
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
        retired.rmdir()
        os.rename(target, retired)
        try:
            os.rename(staging, target)
        except OSError:
            os.rename(retired, target)
            raise
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: What the import check runs: import each module, resolve each class's annotations (as the
#: converters do), and report the first failure as one line.
_IMPORT_CHECK = """
import importlib, os, sys, typing
root, package, modules = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, root)
name = package
try:
    found = importlib.import_module(package)
    where = os.path.realpath(os.path.dirname(found.__file__ or ""))
    if where != os.path.realpath(os.path.join(root, package)):
        print(f"{package}: another package of that name is imported first ({where})")
        sys.exit(1)
    for name in modules:
        module = importlib.import_module(name)
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__ == name:
                typing.get_type_hints(value)
except BaseException as exc:
    kind = type(exc).__name__
    detail = " ".join(str(exc).split())[:300]
    print(f"{name}: {kind}: {detail}" if detail else f"{name}: {kind}")
    sys.exit(1)
"""


def _module_name(package: str, rel: str) -> str:
    parts = [package, *Path(rel).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_check(root: Path, package: str, sources: list[str]) -> None:
    """Import the package built in `root/package` (its modules `sources`) in a new Python
    process; a `SpecError` naming the module that fails (nothing has been swapped in)."""
    modules = sorted(_module_name(package, rel) for rel in sources)
    command = [sys.executable, "-B", "-c", _IMPORT_CHECK, str(root), package, *modules]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = (done.stdout or done.stderr).strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise SpecError(
            SpecProblem(
                package,
                None,
                f"the generated package cannot be imported ({reason}); nothing was replaced",
            )
        )
