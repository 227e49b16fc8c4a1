"""`stripe-schemas validate`: files, directories, arrays, JSON Lines, lines, formats, exit codes."""

from __future__ import annotations

import copy
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.payloads import REPORT, VERIFIED
from stripe_schemas.cli import main

from conftest import ROOT


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def broken(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(VERIFIED)
    payload.update(changes)
    return payload


def test_bundled_examples_pass(capsys: Any) -> None:
    """`validate spec/examples/` exits 0 and says every object is valid."""
    code, out, err = run(capsys, str(ROOT / "spec" / "examples"))
    count = len(list((ROOT / "spec" / "examples").glob("*.json")))
    assert code == 0, out + err
    assert out.strip() == f"{count} objects, {count} valid, 0 errors, 0 warnings, 0 notices"


def test_issue_lines_name_file_line_and_pointer(tmp_path: Path, capsys: Any) -> None:
    """Each issue line is file:line: pointer: severity[code] message, the line of the value."""
    path = tmp_path / "one.json"
    path.write_text(json.dumps(broken(livemode="no"), indent=2))
    code, out, _ = run(capsys, str(path))
    lines = path.read_text().splitlines()
    expected = 1 + next(n for n, text in enumerate(lines) if '"livemode"' in text)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{path}:{expected}: /livemode: error[type_mismatch] expected boolean, got a string of 2 characters"
    )
    assert out.splitlines()[-1] == "1 objects, 0 valid, 1 errors, 0 warnings, 0 notices"


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
    assert "2 objects, 1 valid, 1 errors" in out


def test_json_lines_keep_going_after_a_bad_line(tmp_path: Path, capsys: Any) -> None:
    """In JSON Lines each record has its own line; a bad line is reported and the rest checked."""
    path = tmp_path / "many.jsonl"
    records = [json.dumps(VERIFIED), "{oops", "", json.dumps(broken(status="done")), "[1]"]
    path.write_text("\n".join(records) + "\n")
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert f"{path}:2: /: error[invalid_json]" in out
    assert f"{path}:4: /status: error[unknown_enum_value]" in out
    assert f"{path}:5: /: error[type_mismatch]" in out
    assert out.splitlines()[-1].startswith("4 objects, 1 valid, 3 errors")


def test_directories_are_searched_for_json_files_only(tmp_path: Path, capsys: Any) -> None:
    """Directories recurse into *.json, *.jsonl and *.ndjson, ignoring other files."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.json").write_text(json.dumps(VERIFIED))
    (tmp_path / "sub" / "b.ndjson").write_text(json.dumps(REPORT) + "\n" + json.dumps(REPORT))
    (tmp_path / "notes.txt").write_text("not json")
    code, out, _ = run(capsys, str(tmp_path))
    assert code == 0
    assert out.strip() == "3 objects, 3 valid, 0 errors, 0 warnings, 0 notices"


def test_mode_and_model_options(tmp_path: Path, capsys: Any) -> None:
    """--mode lenient turns unknown fields into notices; --model forces the schema."""
    path = tmp_path / "new.json"
    path.write_text(json.dumps(broken(related_customer=None)))
    assert run(capsys, str(path))[0] == 1
    code, out, _ = run(capsys, "--mode", "lenient", str(path))
    assert code == 0 and "notice[unknown_field]" in out
    code, out, _ = run(capsys, "--model", "identity.verification_report", str(path))
    assert code == 1 and "error[wrong_object_tag]" in out


def test_json_format_is_one_document(tmp_path: Path, capsys: Any) -> None:
    """--format json prints one JSON document: results with issues and lines, then a summary."""
    path = tmp_path / "x.json"
    path.write_text(json.dumps([VERIFIED, broken(created="soon")], indent=1))
    code, out, _ = run(capsys, "--format", "json", str(path))
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {
        "objects": 2,
        "valid": 1,
        "errors": 1,
        "warnings": 0,
        "notices": 0,
        "unreadable": 0,
    }
    [result] = data["results"]
    assert result["ok"] is False and result["model"] == "identity.verification_session"
    assert result["issues"][0]["path"] == "/created"
    assert result["issues"][0]["line"] > result["line"]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(capsys, "--format", "json", str(empty))
    assert code == 2 and json.loads(out)["results"] == []
    assert err.strip() == f"stripe-schemas validate: no payload files found under {empty}"


def test_bad_usage_and_unreadable_paths_exit_2(tmp_path: Path, capsys: Any) -> None:
    """A missing path or an unknown model exits 2 with a one-line message, never a traceback."""
    good = tmp_path / "ok.json"
    good.write_text(json.dumps(VERIFIED))
    code, out, err = run(capsys, str(tmp_path / "missing.json"), str(good))
    assert code == 2
    assert "missing.json: no such file or directory" in err
    assert "1 objects, 1 valid" in out
    code, _, err = run(capsys, "--model", "nope", str(good))
    assert code == 2 and err.strip() == "stripe-schemas validate: unknown model 'nope'"
    code, _, err = run(capsys, "--schema", str(tmp_path / "none.json"), str(good))
    assert code == 2 and "cannot load the schema" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--mode", "sloppy", str(good)])
    assert exc.value.code == 2


def test_stdin_is_read_with_a_dash(capsys: Any, monkeypatch: Any) -> None:
    """`-` reads JSON or JSON Lines from standard input."""
    data = (json.dumps(VERIFIED) + "\n" + json.dumps(broken(livemode=0)) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "-")
    assert code == 1
    assert "<stdin>:2: /livemode: error[type_mismatch]" in out


def test_bad_input_kinds_in_files(tmp_path: Path, capsys: Any) -> None:
    """Invalid UTF-8, NaN, duplicate keys and deep junk in files are reported, not raised."""
    (tmp_path / "a.json").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "b.json").write_text('{"object": "identity.verification_session", "x": NaN}')
    (tmp_path / "c.json").write_text('{"id": "vs_1", "id": "vs_2"}')
    (tmp_path / "d.json").write_text('{"metadata": ' + "[" * 50_000 + "]" * 50_000 + "}")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 1, err
    assert f"{tmp_path / 'a.json'}:1: /: error[invalid_json] not UTF-8 text" in out
    assert f"{tmp_path / 'b.json'}:1: /x: error[invalid_json]" in out
    assert f"{tmp_path / 'c.json'}:1: /id: error[duplicate_key]" in out
    assert f"{tmp_path / 'd.json'}:1: /: error[input_limit]" in out
    assert "4 objects, 0 valid" in out


def test_cli_output_never_shows_secret_values(tmp_path: Path, capsys: Any) -> None:
    """Secrets and personal data in invalid forms do not reach the CLI output (text or json)."""
    payload = copy.deepcopy(VERIFIED)
    payload["client_secret"] = ["SECRET-VALUE-1"]
    payload["url"] = "SECRET-VALUE-2"
    payload["verified_outputs"]["id_number_type"] = "PERSONAL-VALUE-3"
    payload["verified_outputs"]["first_name"] = {"n": "PERSONAL-VALUE-4"}
    path = tmp_path / "leak.json"
    path.write_text(json.dumps(payload, indent=2))
    for fmt in ("text", "json"):
        code, out, err = run(capsys, "--format", fmt, str(path))
        assert code == 1
        for marker in ("SECRET-VALUE-1", "SECRET-VALUE-2", "PERSONAL-VALUE-3", "PERSONAL-VALUE-4"):
            assert marker not in out + err


def test_json_file_holding_json_lines_and_a_broken_array(tmp_path: Path, capsys: Any) -> None:
    """A .json file of JSON Lines is read line by line; a broken array reports where it broke."""
    lines = tmp_path / "lines.json"
    lines.write_text(json.dumps(VERIFIED) + "\n" + json.dumps(broken(livemode=2)) + "\n")
    array = tmp_path / "array.json"
    array.write_text("[\n" + json.dumps(VERIFIED) + ',\n{"id": ]\n')
    code, out, _ = run(capsys, str(lines), str(array))
    assert code == 1
    assert f"{lines}:2: /livemode: error[type_mismatch]" in out
    assert f"{array}:3: /: error[invalid_json]" in out
    assert out.splitlines()[-1].startswith("4 objects, 2 valid, 2 errors")
