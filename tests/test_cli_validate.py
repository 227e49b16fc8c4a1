"""`stripe-schemas validate`: inputs of every shape, accounting, formats, exit codes, pipes."""

from __future__ import annotations

import bz2
import copy
import gzip
import io
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.payloads import REPORT, VERIFIED
from stripe_schemas.cli import main

from conftest import ROOT

SESSION = "identity.verification_session"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def broken(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(VERIFIED)
    payload.update(changes)
    return payload


def summary(
    records: int, valid: int, invalid: int, unreadable: int, errors: int, warnings: int = 0
) -> str:
    def n(count: int, noun: str) -> str:  # written out here, not the library's helper
        return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

    return (
        f"{n(records, 'record')}: {valid} valid, {invalid} invalid, {unreadable} unreadable "
        f"({n(errors, 'error')}, {n(warnings, 'warning')}, 0 notices)"
    )


def test_bundled_examples_pass(capsys: Any) -> None:
    """`validate spec/examples/` exits 0; one summary line per file and the total."""
    code, out, err = run(capsys, str(ROOT / "spec" / "examples"))
    files = sorted((ROOT / "spec" / "examples").glob("*.json"))
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[:-1] == [f"{path}: {summary(1, 1, 0, 0, 0)}" for path in files]
    assert lines[-1] == f"total: {summary(len(files), len(files), 0, 0, 0)}"


def test_issue_lines_name_file_line_and_pointer(tmp_path: Path, capsys: Any) -> None:
    """Each issue line is file:line: pointer: severity[code] message, the line of the value."""
    path = tmp_path / "one.json"
    path.write_text(json.dumps(broken(livemode="no"), indent=2))
    code, out, _ = run(capsys, str(path))
    lines = path.read_text().splitlines()
    expected = 1 + next(n for n, text in enumerate(lines) if '"livemode"' in text)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:{expected}: /livemode: error[type_mismatch] expected boolean, got a string of 2 characters",
        summary(1, 0, 1, 0, 1),
    ]


def test_missing_field_points_at_its_object(tmp_path: Path, capsys: Any) -> None:
    """A missing required field is reported on the line of the object that lacks it."""
    payload = copy.deepcopy(REPORT)
    del payload["document"]["status"]
    path = tmp_path / "arr.json"
    path.write_text(json.dumps([VERIFIED, payload], indent=2))
    code, out, _ = run(capsys, str(path))
    lines = path.read_text().splitlines()
    document_line = 1 + max(n for n, text in enumerate(lines) if '"document": {' in text)
    assert code == 1
    assert f"{path}:{document_line}: /document/status: error[missing_required]" in out
    assert out.splitlines()[-1] == summary(2, 1, 1, 0, 1)


def test_json_lines_keep_going_after_a_bad_line(tmp_path: Path, capsys: Any) -> None:
    """In JSON Lines each record has its own line; a bad line is one unreadable record."""
    path = tmp_path / "many.jsonl"
    records = [json.dumps(VERIFIED), "{oops", "", json.dumps(broken(status="done")), "[1]"]
    path.write_text("\n".join(records) + "\n")
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert f"{path}:2: /: error[invalid_json]" in out
    assert f"{path}:4: /status: error[unknown_enum_value] 'done' is not one of" in out
    assert f"{path}:5: /: error[type_mismatch]" in out
    # the 'done' session also holds verified outputs: an unverified_outputs warning
    assert out.splitlines()[-1] == summary(4, 1, 2, 1, 3, warnings=1)


def test_directories_are_searched_for_payload_files_and_say_what_they_skip(
    tmp_path: Path, capsys: Any
) -> None:
    """Directories recurse into *.json, *.jsonl, *.ndjson and compressed ones; other files are
    counted as skipped on standard error and in the summary, never silently."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.json").write_text(json.dumps(VERIFIED))
    (tmp_path / "sub" / "b.ndjson").write_text(json.dumps(REPORT) + "\n" + json.dumps(REPORT))
    (tmp_path / "sub" / "c.jsonl.gz").write_bytes(gzip.compress(json.dumps(REPORT).encode()))
    (tmp_path / "notes.txt").write_text("not json")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 0, out + err
    assert out.splitlines()[-1] == f"total: {summary(4, 4, 0, 0, 0)}; 1 file skipped by name"
    assert err.strip() == (
        f"stripe-schemas validate: {tmp_path}: skipped 1 file whose names are not "
        ".json, .jsonl or .ndjson (or those compressed)"
    )


def test_mode_and_model_options(tmp_path: Path, capsys: Any) -> None:
    """--mode lenient turns unknown fields into notices; --model forces the schema."""
    path = tmp_path / "new.json"
    path.write_text(json.dumps(broken(hosted_flow_theme=None)))
    assert run(capsys, str(path))[0] == 1
    code, out, _ = run(capsys, "--mode", "lenient", str(path))
    assert code == 0 and "notice[unknown_field]" in out
    code, out, _ = run(capsys, "--model", "identity.verification_report", str(path))
    assert code == 1 and "error[wrong_object_tag]" in out


def test_json_format_is_one_document(tmp_path: Path, capsys: Any) -> None:
    """--format json prints one JSON document: results with issues and lines, files, summary."""
    path = tmp_path / "x.json"
    path.write_text(json.dumps([VERIFIED, broken(created="soon")], indent=1))
    code, out, _ = run(capsys, "--format", "json", str(path))
    data = json.loads(out)
    assert code == 1
    counts = {"records": 2, "valid": 1, "invalid": 1, "unreadable": 0, "errors": 1}
    assert data["summary"] == {
        **counts,
        "warnings": 0,
        "notices": 0,
        "unchecked": 0,
        "stopped": 0,
        "files": 1,
        "unreadable_paths": 0,
        "skipped_files": 0,
    }
    assert [f["file"] for f in data["files"]] == [str(path)]
    [result] = data["results"]
    assert result["ok"] is False and result["model"] == SESSION
    assert result["status"] == "invalid"
    assert result["issues"][0]["path"] == "/created"
    assert result["issues"][0]["line"] > result["line"]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(capsys, "--format", "json", str(empty))
    assert code == 2 and json.loads(out)["results"] == []
    assert "no .json, .jsonl or .ndjson files" in err


def test_ndjson_format_streams_one_issue_per_line(tmp_path: Path, capsys: Any) -> None:
    """--format ndjson: one JSON object per issue, one per file, then the summary."""
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(broken(created="soon", livemode=1)) + "\n{x\n")
    code, out, _ = run(capsys, "--format", "ndjson", str(path))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [(r["kind"], r.get("path"), r.get("code")) for r in rows] == [
        ("issue", "/created", "type_mismatch"),
        ("issue", "/livemode", "type_mismatch"),
        ("issue", "", "invalid_json"),
        ("file", None, None),
        ("summary", None, None),
    ]
    assert rows[2]["status"] == "unreadable" and rows[2]["line"] == 2
    assert rows[-1]["records"] == 2 and rows[-1]["unreadable"] == 1


def test_every_json_output_is_strict_json_without_lone_surrogates(
    tmp_path: Path, capsys: Any
) -> None:
    """Keys that are lone surrogates or not UTF-8 never put a lone surrogate in JSON output:
    a strict parser (orjson, which refuses ``"\\ud800"`` as jq does) reads every line."""
    orjson = pytest.importorskip("orjson")
    path = tmp_path / "weird.jsonl"
    path.write_bytes(
        b'{"object": "identity.verification_session", "k\\ud800": 1}\n'
        b'{"object": "identity.verification_session", "k\xff\xfe": 1}\n'
    )
    for fmt in ("json", "ndjson"):
        _, out, _ = run(capsys, "--format", fmt, str(path))
        documents = (
            [orjson.loads(line) for line in out.splitlines()]
            if fmt == "ndjson"
            else [orjson.loads(out)]
        )
        text = json.dumps(documents, ensure_ascii=False)
        assert "/k" in text  # the keys did reach the output, in some escaped form
        assert "\ud800" not in text and "\udcff" not in text


def test_bad_usage_and_unreadable_paths_exit_2(tmp_path: Path, capsys: Any) -> None:
    """A missing path or an unknown model exits 2 with a one-line message, never a traceback."""
    good = tmp_path / "ok.json"
    good.write_text(json.dumps(VERIFIED))
    code, out, err = run(capsys, str(tmp_path / "missing.json"), str(good))
    assert code == 2
    assert "missing.json: no such file or directory" in err
    assert out.splitlines()[-1] == f"{summary(1, 1, 0, 0, 0)}; 1 path could not be read"
    code, _, err = run(capsys, "--model", "nope", str(good))
    assert code == 2 and "unknown model 'nope'" in err
    code, _, err = run(capsys, "--schema", str(tmp_path / "none.json"), str(good))
    assert code == 2 and "cannot load the schema" in err
    code, _, err = run(capsys, "--scheduler", "tcp://127.0.0.1:1", str(good))
    assert code == 2 and "--scheduler needs --engine dask" in err
    assert "Traceback" not in err
    for bad in (["--mode", "sloppy"], ["--jobs", "0"], ["--max-record-size", "lots"]):
        with pytest.raises(SystemExit) as exc:
            main(["validate", *bad, str(good)])
        assert exc.value.code == 2


def test_stdin_is_read_with_a_dash(capsys: Any, monkeypatch: Any) -> None:
    """`-` reads standard input, any shape (here JSON Lines, gzip-compressed)."""
    data = (json.dumps(VERIFIED) + "\n" + json.dumps(broken(livemode=0)) + "\n").encode()
    for raw in (data, gzip.compress(data)):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        code, out, _ = run(capsys, "-")
        assert code == 1
        assert "<stdin>:2: /livemode: error[type_mismatch]" in out
        assert out.splitlines()[-1] == summary(2, 1, 1, 0, 1)


@pytest.mark.parametrize(
    ("name", "compress"),
    [("d.json.gz", gzip.compress), ("d.json.bz2", bz2.compress), ("d.json.xz", lzma.compress)],
)
def test_compressed_files_by_magic_bytes(
    tmp_path: Path, capsys: Any, name: str, compress: Any
) -> None:
    """gzip, bzip2 and xz are read as streams, whatever the file is called."""
    text = "\n".join(json.dumps(p) for p in (VERIFIED, broken(livemode=1), REPORT)) + "\n"
    for path in (tmp_path / name, tmp_path / "no-suffix.json"):
        path.write_bytes(compress(text.encode()))
        code, out, _ = run(capsys, str(path))
        assert code == 1
        assert f"{path}:2: /livemode: error[type_mismatch]" in out
        assert out.splitlines()[-1] == summary(3, 2, 1, 0, 1)


def test_truncated_gzip_is_reported_and_counted(tmp_path: Path, capsys: Any) -> None:
    """A gzip file cut short: the records before the cut count, the cut one is unreadable, and
    one line says the data ended early."""
    text = "".join(json.dumps(VERIFIED) + "\n" for _ in range(200)).encode()
    packed = gzip.compress(text)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    code, out, err = run(capsys, str(path))
    assert code == 1 and "Traceback" not in err
    assert f"{path}: error: the gzip data ends early" in out
    last = out.splitlines()[-1]
    records = int(last.split(" ")[0])
    assert 0 < records < 200
    assert last.startswith(f"{records} records: {records - 1} valid, 0 invalid, 1 unreadable")
    assert "stopped early in 1 input" in last


def test_list_objects_and_events_are_checked_inside(tmp_path: Path, capsys: Any) -> None:
    """A list object's elements and an event's object are validated, pointers from the root."""
    page = {
        "object": "list",
        "data": [VERIFIED, broken(status="weird")],
        "has_more": False,
        "url": "/v1/identity/verification_sessions",
    }
    event = {
        "id": "evt_1",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1700000000,
        "livemode": False,
        "pending_webhooks": 0,
        "request": None,
        "type": "identity.verification_session.verified",
        "data": {"object": broken(livemode="no")},
    }
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(page) + "\n" + json.dumps(event) + "\n")
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert f"{path}:1: /data/1/status: error[unknown_enum_value]" in out
    assert f"{path}:2: /data/object/livemode: error[type_mismatch]" in out
    # the 'weird' session also holds verified outputs: an unverified_outputs warning
    assert out.splitlines()[-1] == summary(2, 0, 2, 0, 2, warnings=1)


def test_values_that_identify_may_show_secrets_never(tmp_path: Path, capsys: Any) -> None:
    """An unknown status or object tag is shown (truncated); secret and personal values never."""
    payload = copy.deepcopy(VERIFIED)
    payload["status"] = "verifiedd-" + "x" * 100
    payload["client_secret"] = ["SECRET-VALUE-1"]
    payload["url"] = "SECRET-VALUE-2"
    payload["verified_outputs"]["id_number_type"] = "PERSONAL-VALUE-3"
    payload["verified_outputs"]["first_name"] = {"n": "PERSONAL-VALUE-4"}
    path = tmp_path / "leak.json"
    path.write_text(json.dumps(payload, indent=2))
    for fmt in ("text", "json", "ndjson"):
        code, out, err = run(capsys, "--format", fmt, str(path))
        assert code == 1
        assert "verifiedd-xxx" in out and "x" * 100 not in out
        for marker in ("SECRET-VALUE-1", "SECRET-VALUE-2", "PERSONAL-VALUE-3", "PERSONAL-VALUE-4"):
            assert marker not in out + err


def test_max_record_size_is_per_record(tmp_path: Path, capsys: Any) -> None:
    """A record over --max-record-size is one unreadable record; the next ones are read."""
    big = broken(metadata={"blob": "Q" * 5000})
    path = tmp_path / "sizes.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in (VERIFIED, big, VERIFIED)) + "\n")
    code, out, _ = run(capsys, "--max-record-size", "2k", str(path))
    assert code == 1
    assert f"{path}:2: /: error[input_limit]" in out
    assert out.splitlines()[-1] == summary(3, 2, 0, 1, 1)
    assert run(capsys, "--max-record-size", "1MiB", str(path))[0] == 1  # 5000 > maxLength 500


def test_version_and_exit_codes_in_help(capsys: Any) -> None:
    """--version prints the installed version; --help lists the exit codes."""
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("stripe-schemas 0.")
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    for code in ("0 ", "1 ", "2 ", "130", "141"):
        assert f"\n  {code}" in out


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`validate ... | head -1`: no BrokenPipeError traceback, exit 141."""
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(broken(livemode=i)) + "\n" for i in range(20_000)))
    command = f"{sys.executable} -m stripe_schemas validate {path} | head -1"
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.count("\n") == 1 and "/livemode" in done.stdout
    assert done.stderr == ""
    assert done.returncode == 141


def test_jobs_gives_the_same_output_in_the_same_order(tmp_path: Path, capsys: Any) -> None:
    """--jobs 3 prints exactly what --jobs 1 prints, for every layout and kind of damage."""
    from stripe_schemas.io import _blocks

    rows = [broken(livemode=i % 3 == 0 or i) if i % 7 == 0 else VERIFIED for i in range(3000)]
    ndjson = "".join(json.dumps(r) + "\n" for r in rows)
    ndjson = ndjson.replace('"livemode": 14,', '"livemode" 14,')  # one broken line
    (tmp_path / "a.jsonl").write_text(ndjson)
    (tmp_path / "b.json").write_text(json.dumps(rows, indent=2))
    (tmp_path / "c.json").write_text("\n".join(json.dumps(r, indent=1) for r in rows[:500]))
    (tmp_path / "d.json").write_text(json.dumps(rows[:300]))  # one line: cannot be cut
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(ndjson.encode()))
    original = _blocks.BLOCK
    try:
        _blocks.BLOCK = 64 * 1024  # many blocks from small files
        outputs = [run(capsys, "--jobs", jobs, str(tmp_path)) for jobs in ("1", "3")]
    finally:
        _blocks.BLOCK = original
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and "unreadable" in outputs[0][1]


def test_output_is_printable_one_line_per_issue(tmp_path: Path, capsys: Any) -> None:
    """Control characters and escape sequences in keys are escaped: one line per issue."""
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(broken(**{"bad\nkey\x1b[31m": 1})))
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert f"{path}:1: /bad\\nkey\\x1b[31m: error[unknown_field]" in out.splitlines()[0]


def test_progress_is_silent_when_not_on_a_terminal(tmp_path: Path) -> None:
    """Piped output and --quiet show no progress display on standard error."""
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(VERIFIED) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "stripe_schemas", "validate", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("quiet", [False, True])
def test_progress_shows_on_a_terminal_stderr(tmp_path: Path, quiet: bool) -> None:
    """Standard error on a terminal, standard output piped: a tqdm display, unless --quiet."""
    import fcntl
    import pty
    import struct
    import termios

    path = tmp_path / "ok.jsonl"
    path.write_text((json.dumps(VERIFIED) + "\n") * 50)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    command = [sys.executable, "-m", "stripe_schemas", "validate", str(path)]
    try:
        done = subprocess.run(
            command + (["--quiet"] if quiet else []),
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "COLUMNS": "80"},
            timeout=60,
        )
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert done.stdout.decode().splitlines()[-1].startswith("50 records")
    if quiet:
        assert seen == b""
    else:  # bytes of the file's size in binary units, e.g. "49.5 KiB / 49.5 KiB, 1.2 MiB/s"
        size = path.stat().st_size
        assert f"{size / 1024:.1f} KiB / {size / 1024:.1f} KiB, ".encode() in seen, seen
        assert b"50 records, " in seen.rstrip().rsplit(b"\r", 1)[-1], seen  # the final count


def test_a_record_with_only_warnings_is_valid(tmp_path: Path, capsys: Any) -> None:
    """Warnings do not make a record invalid: it counts as valid, the exit status is 0."""
    path = tmp_path / "warned.ndjson"
    warned = broken(client_secret="vs_kept_secret")  # a verified session keeping its secret
    path.write_text(json.dumps(warned) + "\n" + json.dumps(VERIFIED) + "\n")
    code, out, _ = run(capsys, str(path))
    assert code == 0, out
    assert f"{path}:1: /client_secret: warning[stored_secret]" in out
    assert out.splitlines()[-1] == summary(2, 2, 0, 0, 0, warnings=1)


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["validate", "spec/examples/"],
        ["diff", "spec/stripe-identity.yaml", "spec/stripe-identity.yaml"],
        ["generate", "--check"],
        ["sample", "identity.verification_session", "--count", "3"],
        ["sample", "identity.verification_session", "-o", str(FULL)],
    ],
    ids=["validate", "diff", "generate", "sample", "sample -o"],
)
def test_a_full_disk_is_one_line_and_exit_2(args: list[str]) -> None:
    """Output that cannot be written (/dev/full: no space left) ends every command with one
    line on standard error and exit 2, never a traceback."""
    with FULL.open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "stripe_schemas", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_jobs_are_capped(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    """--jobs above MAX_JOBS runs with MAX_JOBS worker processes, and says so."""
    from stripe_schemas.cli._validate import MAX_JOBS
    from stripe_schemas.validation import engines

    asked: list[int] = []

    def run_jobs(inputs: Any, settings: Any, jobs: int, advance: Any = None) -> Any:
        asked.append(jobs)
        return engines.run_local(inputs, settings, advance=advance)

    monkeypatch.setattr(engines, "run_jobs", run_jobs)
    path = tmp_path / "one.json"
    path.write_text(json.dumps(VERIFIED))
    code, _, err = run(capsys, "--jobs", "100000", str(path))
    assert code == 0 and asked == [MAX_JOBS] == [64]
    assert err.strip().splitlines() == [
        "stripe-schemas validate: --jobs 100000 is more than 64; using 64"
    ]
    code, _, err = run(capsys, "--jobs", "64", str(path))
    assert code == 0 and asked == [64, 64] and "more than" not in err
