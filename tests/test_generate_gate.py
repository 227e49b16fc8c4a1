"""The regeneration gate: ``generate --fail-on`` refuses to write, and ``--check`` stays short,
on a real version change (the bundled 2023-08-16 spec → the bundled newest)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from stripe_codegen.diff import diff_specs
from stripe_codegen.generate import generate, write
from stripe_codegen.loader import load_spec
from stripe_schemas.cli import main

from conftest import ROOT

OLD_SPEC = ROOT / "spec" / "stripe-identity-2023-08-16.yaml"
NEW_SPEC = ROOT / "spec" / "stripe-identity.yaml"
PACKAGE = "gate_models"
HASH = re.compile(r"\b[0-9a-f]{40,}\b")
BYPASS_FIELD = "/components/schemas/gelato_selfie_report_error/properties/code"


@pytest.fixture(scope="module")
def generated_old(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2023-08-16 spec generated once (default roots) into a directory of its own."""
    out = tmp_path_factory.mktemp("old")
    assert main(["generate", "--spec", str(OLD_SPEC), "--out", str(out), "--package", PACKAGE]) == 0
    return out


@pytest.fixture()
def out(generated_old: Path, tmp_path: Path) -> Path:
    """A private copy of that output (mtimes kept), for a test to regenerate over."""
    target = tmp_path / "out"
    shutil.copytree(generated_old, target)
    return target


def state(directory: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under ``directory``: its bytes (None for a directory) and its mtime."""
    found: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted([directory, *directory.rglob("*")]):
        info = path.stat()
        found[path.relative_to(directory).as_posix()] = (
            path.read_bytes() if path.is_file() else None,
            info.st_mtime_ns,
        )
    return found


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def base(out: Path) -> list[str]:
    return ["generate", "--spec", str(NEW_SPEC), "--out", str(out), "--package", PACKAGE]


def changed_by_writing(out: Path, tmp_path: Path) -> tuple[list[str], list[str], list[str]]:
    """Oracle: write the new spec's package elsewhere and compare the two trees byte by byte."""
    fresh = tmp_path / "fresh"
    write(generate(str(NEW_SPEC), None, package=PACKAGE), fresh)
    before = {
        p.relative_to(out / PACKAGE).as_posix(): p.read_bytes()
        for p in (out / PACKAGE).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    after = {
        p.relative_to(fresh / PACKAGE).as_posix(): p.read_bytes()
        for p in (fresh / PACKAGE).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(rel for rel in set(before) & set(after) if before[rel] != after[rel])
    return added, changed, removed


def _bypass(path: Path) -> Any:
    document = yaml.safe_load(path.read_text())
    return document["components"]["schemas"]["gelato_selfie_report_error"]["properties"]["code"]


def test_the_real_change_adds_a_bypass_marker() -> None:
    """The premise of the gate tests, read from the raw specs: the newer spec marks one enum
    field x-stripeBypassValidation that the older one did not."""
    assert _bypass(OLD_SPEC).get("x-stripeBypassValidation") is None
    assert _bypass(NEW_SPEC).get("x-stripeBypassValidation") is True


def test_check_is_short_and_names_files(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check on a real version change: exit 1, the semantic changes one line each and the files
    that would change by name, with no hash and no file contents; nothing is written."""
    before = state(out)
    code, text, err = run(capsys, *base(out), "--check")
    assert code == 1
    assert state(out) == before
    lines = text.splitlines()
    assert len(lines) <= 50, text
    assert all(len(line) <= 400 for line in lines), max(lines, key=len)
    assert not HASH.search(text + err)
    assert "(the spec change is breaking)" in err
    added, changed, removed = changed_by_writing(out, tmp_path)
    assert changed and not added and not removed  # this version change rewrites files only
    summary = [line for line in lines if " file" in line and ": " in line and line[0].isdigit()]
    assert summary == [f"{len(changed)} files changed: {', '.join(changed)}"]
    assert f"breaking    {BYPASS_FIELD}  bypass_added" in text
    assert "--- committed/" not in text and "+++ generated/" not in text


def test_check_verbose_adds_the_line_diff(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--check --verbose lists every change and the line diff of each file."""
    code, text, _ = run(capsys, *base(out), "--check", "--verbose")
    assert code == 1
    assert "--- committed/gate_models/identity.py" in text
    assert "… and" not in text  # every change listed
    short = run(capsys, *base(out), "--check")[1]
    assert len(text.splitlines()) > len(short.splitlines())


@pytest.mark.parametrize(
    ("level", "reached"),
    [("breaking", {"bypass_added"}), ("warning", {"bypass_added", "enum_values_added"})],
)
def test_fail_on_refuses_and_touches_nothing(
    out: Path, level: str, reached: set[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--fail-on LEVEL with a change at or above it: exit 1, no file or mtime touched, and the
    error lists exactly the changes that reached the level (with a way to write anyway)."""
    before = state(out)
    code, _, err = run(capsys, *base(out), "--fail-on", level)
    assert code == 1
    assert state(out) == before
    listed = [line.split() for line in err.splitlines() if line.startswith("  ")]
    kinds = {words[2].rstrip(":") for words in listed}
    assert kinds == reached
    levels = {words[0] for words in listed}
    assert levels <= ({"breaking"} if level == "breaking" else {"breaking", "warning"})
    assert f"--fail-on {level}: {len(reached)} change" in err
    assert "nothing was written" in err and "Traceback" not in err
    hint = err.split("to write anyway: `", 1)[1].split("`", 1)[0]
    assert "--fail-on" not in hint and "--package gate_models" in hint


def test_fail_on_none_writes_and_a_clean_spec_passes(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default (--fail-on none) writes the breaking change as before; afterwards the spec is
    unchanged, so --fail-on warning lets an identical regeneration through."""
    code, text, _ = run(capsys, *base(out))
    assert code == 0 and "identity.py" in text
    code, text, _ = run(capsys, *base(out), "--fail-on", "warning")
    assert code == 0 and "spec unchanged since" in text and "(0 changed)" in text


def test_fail_on_without_a_record(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --fail-on, a new package is written (nothing to break), but a package without a record
    of its spec is refused: the change cannot be classified."""
    fresh = tmp_path / "new"
    args = ["generate", "--spec", str(NEW_SPEC), "--out", str(fresh), "--package", PACKAGE]
    assert run(capsys, *args, "--fail-on", "breaking")[0] == 0
    (out / PACKAGE / "source-spec.json").unlink()
    before = state(out)
    code, _, err = run(capsys, *base(out), "--fail-on", "breaking")
    assert code == 1 and state(out) == before
    assert "cannot be classified; nothing was written" in err


def test_failed_gate_leaves_no_staging_directory(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refusal happens before any temporary directory is made beside the package."""
    assert run(capsys, *base(out), "--fail-on", "breaking")[0] == 1
    assert sorted(os.listdir(out)) == [PACKAGE]


@pytest.fixture(autouse=True)
def _no_pycache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Imports of the generated package must not write bytecode beside it (mtimes count here)."""
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    yield


# --- x-stripeBypassValidation added: breaking for typed code ---------------------------------------

USER_CODE = """
from typing_extensions import assert_never

from {package}.identity import VerificationSession, VerificationSessionStatus


def status(session: VerificationSession) -> VerificationSessionStatus:
    return session.status


def label(session: VerificationSession) -> str:
    match session.status:
        case {values}:
            return "known"
        case _:
            assert_never(session.status)
"""


@pytest.mark.slow
def test_bypass_added_breaks_typed_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Marking an enum field x-stripeBypassValidation is classified breaking, and mypy --strict
    (the oracle) agrees: code that type-checks against the models generated before the marker
    (an annotation naming the enum's alias, an exhaustive match) fails against those after it."""
    document = yaml.safe_load(NEW_SPEC.read_text())
    field = document["components"]["schemas"]["identity.verification_session"]["properties"]
    assert "x-stripeBypassValidation" not in field["status"]
    values = field["status"]["enum"]
    field["status"]["x-stripeBypassValidation"] = True
    marked = tmp_path / "marked.yaml"
    marked.write_text(yaml.safe_dump(document, sort_keys=False))

    changes = diff_specs(load_spec(str(NEW_SPEC)), load_spec(str(marked)), None).changes
    assert [(c.kind, c.level) for c in changes] == [("bypass_added", "breaking")]

    pattern = " | ".join(repr(v) for v in values)
    for spec, package in ((NEW_SPEC, "before_marker"), (marked, "after_marker")):
        args = ["generate", "--spec", str(spec), "--out", str(tmp_path), "--package", package]
        assert run(capsys, *args)[0] == 0
        code = USER_CODE.format(package=package, values=pattern)
        (tmp_path / f"use_{package}.py").write_text(code)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "use_before_marker.py",
            "use_after_marker.py",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(tmp_path)},
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if e.startswith("use_before_marker.py")], done.stdout
    after = [e for e in errors if e.startswith("use_after_marker.py")]
    assert len(after) == 2, done.stdout
    assert any("Incompatible return value" in e for e in after), done.stdout
    assert any("assert_never" in e for e in after), done.stdout
