"""Review fixes: huge numbers, unprintable keys, bad --schema, redaction events, lifecycle gaps,
history input, linear arrays, array resync, clearer messages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from test_lifecycle import event, snapshot

from bench.payloads import VERIFIED
from stripe_models.identity import VerificationSession
from stripe_schemas import Issue, PayloadError, loads
from stripe_schemas.cli import main
from stripe_schemas.io import NOTHING, Decoded, Reader, Record, read_text
from stripe_schemas.issues import describe_value, digit_count, printable
from stripe_schemas.validation import SchemaDocumentError, Validator, validate, validate_history

ERROR = {"code": "document_unverified_other", "reason": None}


class Boom:
    """A Python value whose repr raises."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def where(report: Any) -> list[tuple[str, str, str]]:
    return [(i.path, i.code, i.severity) for i in report.issues]


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def iter_records(text: str) -> list[Decoded]:
    """What the reader decodes from each record of ``text``."""
    return [item.decoded for item in read_text(text) if isinstance(item, Record)]


def history_codes(items: Any, **options: Any) -> list[tuple[str, str, str]]:
    return where(validate_history(items, **options))


# --- 1. numbers beyond Python's digit limit, values whose repr fails --------------------


def test_huge_integer_in_text_is_an_input_limit_at_its_line() -> None:
    """A 5000-digit integer in JSON text is input_limit at its pointer and line, not a ValueError."""
    text = json.dumps(VERIFIED, indent=2).replace('"livemode": false', '"livemode": ' + "7" * 5000)
    line = 1 + next(n for n, row in enumerate(text.splitlines()) if '"livemode"' in row)
    report = validate(text)
    assert where(report) == [("/livemode", "input_limit", "error")]
    assert report.issues[0].message == (
        f"JSON beyond a limit: an integer with 5000 digits exceeds the 4300-digit limit (line {line})"
    )


def test_huge_integer_in_a_decoded_payload_is_an_integer() -> None:
    """A decoded 10**5000 validates like any integer and is described by its size, not rendered."""
    report = validate({**VERIFIED, "livemode": 10**5000})
    assert where(report) == [("/livemode", "type_mismatch", "error")]
    assert report.issues[0].message == "expected boolean, got an integer with 5001 digits"
    assert validate({**VERIFIED, "created": 10**5000}).ok
    report = validate({**VERIFIED, "livemode": -(10**100), "metadata": {"n": [10**5000, True]}})
    assert where(report) == [
        ("/livemode", "type_mismatch", "error"),
        ("/metadata/n", "type_mismatch", "error"),
    ]
    assert report.issues[0].message == "expected boolean, got an integer with 101 digits"


def test_describe_value_never_raises() -> None:
    """Huge integers are described by their size and a failing repr by the type alone."""
    assert describe_value("", 10**5000) == "an integer with 5001 digits"
    assert describe_value("", None) == "null"
    assert describe_value("", Boom()) == "a Boom"
    for power in (1, 9, 77, 300, 4299):
        assert digit_count(10**power) == power + 1
        assert digit_count(10**power - 1) == power
    assert describe_value("/client_secret", 10**5000) == "an integer"


def test_values_whose_repr_raises_do_not_escape() -> None:
    """A Python object whose __repr__ raises, at the root or nested, gives a report."""
    assert where(validate(Boom())) == [("", "invalid_json", "error")]  # not a JSON value
    assert "a Python Boom is not a JSON value" in validate(Boom()).issues[0].message
    report = validate({**VERIFIED, "metadata": {"a": Boom()}, "livemode": Boom()})
    assert ("/metadata/a", "invalid_json", "error") in where(report)
    assert ("/livemode", "invalid_json", "error") in where(report)
    assert history_codes([Boom()]) == [("/0", "invalid_event", "error")]


def test_cli_reports_a_huge_integer_and_goes_on(tmp_path: Path, capsys: Any) -> None:
    """`validate bigint.json good.json` reports the integer's line and still checks good.json."""
    big = tmp_path / "bigint.json"
    big.write_text(
        json.dumps(VERIFIED, indent=2).replace('"created": 1700000000', '"created": 1' + "0" * 5000)
    )
    good = tmp_path / "good.json"
    good.write_text(json.dumps(VERIFIED))
    code, out, err = run(capsys, str(big), str(good))
    line = 1 + next(n for n, row in enumerate(big.read_text().splitlines()) if '"created"' in row)
    assert code == 1 and "Traceback" not in err
    assert out.splitlines()[0].startswith(f"{big}:{line}: /created: error[input_limit]")
    assert out.splitlines()[-1] == (
        "total: 2 records: 1 valid, 1 invalid, 0 unreadable (1 error, 0 warnings, 0 notices)"
    )


# --- 2. every printed issue is one printable line ---------------------------------------


def test_printable_escapes_controls_and_surrogates() -> None:
    """Newlines, escape sequences, line separators and lone surrogates are escaped."""
    assert printable("plain é ✓ text") == "plain é ✓ text"
    assert printable("a\nb\r\tc\x1b[31m\x7f\u2028\ud800\U000e0001") == (
        "a\\nb\\r\\tc\\x1b[31m\\x7f\\u2028\\ud800\\U000e0001"
    )
    issue = Issue("/bad\ud800key/x\ny", "unknown_field", "error", "odd\x1b[2J key")
    text = str(issue)
    assert text == "/bad\\ud800key/x\\ny: error[unknown_field] odd\\x1b[2J key"
    text.encode("utf-8")
    assert issue.path == "/bad\ud800key/x\ny"


def test_cli_escapes_unprintable_keys_and_goes_on(tmp_path: Path, capsys: Any) -> None:
    """Keys with a lone surrogate, a newline or ANSI escapes give one escaped line each."""
    odd = tmp_path / "a.json"
    odd.write_text(json.dumps({**VERIFIED, "bad\ud800key": 1, "a\nb": 2, "c\x1b[31md": 3}))
    good = tmp_path / "b.json"
    good.write_text(json.dumps(VERIFIED))
    code, out, err = run(capsys, str(odd), str(good))
    lines = out.splitlines()
    assert code == 1 and err == ""
    assert len(lines) == 6 and "\x1b" not in out
    # the lone surrogate escape is not JSON a UTF-8 reader can keep: invalid_json at its key
    assert f"{odd}:1: /bad\\ud800key: error[invalid_json]" in out
    assert f"{odd}:1: /a\\nb: error[unknown_field]" in out
    assert lines[-1] == (
        "total: 2 records: 1 valid, 1 invalid, 0 unreadable (3 errors, 0 warnings, 0 notices)"
    )
    code, out, _ = run(capsys, "--format", "json", str(odd))
    paths = {issue["path"] for issue in json.loads(out)["results"][0]["issues"]}
    assert paths == {"/bad\\ud800key", "/a\nb", "/c\x1b[31md"}  # valid UTF-8 JSON


# --- 3. an unusable --schema ------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "extra"),
    [
        ("[1]", ()),
        ('{"$defs": {"x": {"type": 5}}}', ()),
        ('{"$defs": {"x": {"type": 5}}}', ("--model", "x")),
        ('{"$defs": {"x": {"$ref": "#/nowhere"}}, "x-resources": {"a": "x"}}', ()),
        ('{"$defs": {}, "x-resources": {"a": "missing"}}', ()),
        ('{"$defs": ', ()),
    ],
    ids=["array", "bad-type", "bad-type-model", "bad-ref", "bad-resource", "not-json"],
)
def test_bad_schema_document_is_one_line_and_exit_2(
    tmp_path: Path, capsys: Any, document: str, extra: tuple[str, ...]
) -> None:
    """A --schema that is not a usable document exits 2 with `stripe-schemas: error: FILE: …`."""
    schema = tmp_path / "schema.json"
    schema.write_text(document)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(VERIFIED))
    code, _, err = run(capsys, "--schema", str(schema), *extra, str(good))
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"stripe-schemas: error: {schema}: cannot load the schema: ")


def test_validator_rejects_documents_with_a_schema_error() -> None:
    """Validator([1]) and an uncompilable schema raise SchemaDocumentError (a ValueError)."""
    with pytest.raises(SchemaDocumentError):
        Validator([1])  # type: ignore[arg-type]
    validator = Validator({"$defs": {"x": {"type": 5}}})
    with pytest.raises(SchemaDocumentError, match="'x' does not compile"):
        validator.validate({}, "x")
    with pytest.raises(SchemaDocumentError, match="not a valid JSON Schema"):
        validator.check()


# --- 4. canceled and redacted events on redaction ---------------------------------------


@pytest.mark.parametrize("status", ["verified", "requires_input"])
@pytest.mark.parametrize("kind", ["canceled", "redacted"])
def test_redaction_events_accept_a_redacted_session_in_any_status(kind: str, status: str) -> None:
    """canceled (also sent on redaction) and redacted events accept a redacted session."""
    redacted = snapshot(status, redaction={"status": "processing"})
    assert history_codes([event(kind, redacted)]) == []
    assert history_codes([snapshot(status), event(kind, redacted)]) == []


def test_canceled_event_without_redaction_still_needs_canceled() -> None:
    """A canceled event whose session is verified and not redacted is still a mismatch."""
    assert history_codes([event("canceled", snapshot("verified"))]) == [
        ("/0/data/object/status", "event_status_mismatch", "error")
    ]


# --- 5. moves are checked across bad items ----------------------------------------------


def test_terminal_exit_across_a_bad_item_is_reported() -> None:
    """[verified, 7, requires_input] reports both the bad item and leaving verified."""
    history = [snapshot("verified"), 7, snapshot("requires_input", last_error=ERROR)]
    assert history_codes(history) == [
        ("/1", "invalid_event", "error"),
        ("/2/status", "left_terminal_status", "error"),
    ]


def test_terminal_exit_across_an_unknown_status_is_reported() -> None:
    """[verified, status weird, processing]: the move from verified is still checked."""
    history = [snapshot("verified"), snapshot("weird"), snapshot("processing")]
    codes = history_codes(history)
    assert ("/1/status", "unknown_enum_value", "error") in codes
    assert ("/2/status", "left_terminal_status", "error") in codes
    skipped = [snapshot("requires_input"), {"object": "event"}, snapshot("verified")]
    assert ("/2/status", "invalid_transition", "error") in history_codes(skipped)


# --- 6. what a history may be -----------------------------------------------------------


@pytest.mark.parametrize("items", [None, 5, 2.5, {"status": "verified"}, True], ids=repr)
def test_history_that_is_not_a_list_is_a_report(items: Any) -> None:
    """None, numbers and objects are one type_mismatch at the root, never a TypeError."""
    report = validate_history(items)
    assert where(report) == [("", "type_mismatch", "error")]
    assert report.issues[0].message.startswith("expected a list of sessions or events")


def test_history_may_be_json_text_of_an_array() -> None:
    """JSON text or bytes of an array are histories; other text is one issue, not per character."""
    text = json.dumps([snapshot("verified"), snapshot("processing")])
    for data in (text, text.encode()):
        assert history_codes(data) == [("/1/status", "left_terminal_status", "error")]
    assert history_codes("abc") == [("", "invalid_json", "error")]
    assert history_codes(b'{"status": "verified"}') == [("", "type_mismatch", "error")]
    assert history_codes('"abc"') == [("", "type_mismatch", "error")]
    assert history_codes(iter([snapshot("requires_input"), snapshot("processing")])) == []


# --- 7. arrays are read in linear time --------------------------------------------------


class CountingReader(Reader):
    """A reader that adds up how many bytes its line counting scans."""

    scanned = 0

    def _line_at(self, pos: int) -> int:
        CountingReader.scanned += abs(pos - self._line_pos)
        return super()._line_at(pos)


def test_array_lines_are_counted_in_one_pass() -> None:
    """A 20k-element array scans each byte about once for line numbers (not quadratic)."""
    rows = (json.dumps({"n": i, "pad": "x" * 20}) for i in range(20_000))
    data = ("[\n" + ",\n".join(rows) + "\n]\n").encode()
    CountingReader.scanned = 0
    records = [r for r in CountingReader(io.BytesIO(data)) if isinstance(r, Record)]
    assert len(records) == 20_000 and records[-1].line == 20_001
    assert CountingReader.scanned <= 2 * len(data)


# --- 8. the rest of an array after a broken element -------------------------------------


def test_array_resynchronises_after_a_broken_element(tmp_path: Path, capsys: Any) -> None:
    """A broken middle element is one invalid_json; the elements after it are still checked."""
    path = tmp_path / "three.json"
    third = json.dumps({**VERIFIED, "livemode": 3})
    path.write_text(
        "[\n" + json.dumps(VERIFIED) + ',\n{"id": "x" "y", "a": [1},\n' + third + "\n]\n"
    )
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert f"{path}:3: /: error[invalid_json] not valid JSON: Expecting ',' delimiter" in out
    assert f"{path}:4: /livemode: error[type_mismatch]" in out
    assert out.splitlines()[-1] == (
        "3 records: 1 valid, 1 invalid, 1 unreadable (2 errors, 0 warnings, 0 notices)"
    )


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ('[{"a": 1}, {"b": ], {"c": 3}]', [{"a": 1}, NOTHING, {"c": 3}]),
        ('[{"a": 1}, {"b": "x}, {"c": 3}, \n{"d": 4}]', [{"a": 1}, NOTHING, {"c": 3}, {"d": 4}]),
        ('[{"a": 1}, {"b": [1, 2}, {"c": 3}]', [{"a": 1}, NOTHING, {"c": 3}]),
        ('[{"a": 1} x, {"c": 3}]', [NOTHING, {"c": 3}]),
        ('[{"a": 1}, nope, {"c": 3}]', [{"a": 1}, NOTHING, {"c": 3}]),
        ('[{"a": 1}, {"b": "]"  "x"}, {"c": 3}]', [{"a": 1}, NOTHING, {"c": 3}]),
        (
            '[{"a": 1}, 5, "x,y", {"b": [1, {"c": 2}]}, null]',
            [{"a": 1}, 5, "x,y", {"b": [1, {"c": 2}]}, None],
        ),
    ],
    ids=[
        "bad-value",
        "open-string",
        "wrong-closer",
        "junk",
        "bare-word",
        "bracket-in-string",
        "mixed",
    ],
)
def test_resync_finds_the_next_element(text: str, values: list[Any]) -> None:
    """Each kind of broken element is one unreadable record; the next element is decoded."""
    assert [record.value for record in iter_records(text)] == values


def test_a_missing_comma_keeps_both_elements() -> None:
    """Two elements without a comma between them: both are read, the first says what is wrong."""
    first, second = iter_records('[{"a": 1} {"c": 3}]')
    assert (first.value, second) == ({"a": 1}, Decoded({"c": 3}))
    assert [(i.path, i.code) for i in first.issues] == [("", "invalid_json")]


def test_a_pretty_array_resumes_at_the_next_element_line() -> None:
    """In a pretty-printed array, a broken element ends where the next element's line begins."""
    text = '[\n{"a": 1},\n{"x": [\n{"c": 3}\n]\n'
    assert [r.value for r in iter_records(text)] == [{"a": 1}, NOTHING, {"c": 3}]
    records = [
        r for r in read_text('[\n{"a": 1},\n{"b":\n [1, 2},\n{"c": 3}\n]') if isinstance(r, Record)
    ]
    assert [(r.line, r.decoded.value) for r in records] == [
        (2, {"a": 1}),
        (3, NOTHING),
        (5, {"c": 3}),
    ]
    assert records[1].decoded.issues[0].message.endswith("(line 4 column 7)")


# --- 9. clearer messages ----------------------------------------------------------------


def test_null_and_overflowing_numbers_have_clear_messages() -> None:
    """null is not allowed (the code `structure` gives it too); 1e400 overflows a double,
    reported with its line."""
    (issue,) = validate(None).issues
    assert (issue.code, issue.message) == (
        "null_not_allowed",
        "null is not allowed; expected a JSON object",
    )
    with pytest.raises(PayloadError) as caught:
        loads(b"null", VerificationSession)
    assert [i.code for i in caught.value.issues] == [issue.code]
    text = json.dumps(VERIFIED, indent=2).replace('"created": 1700000000', '"created": -1e400')
    line = 1 + next(n for n, row in enumerate(text.splitlines()) if '"created"' in row)
    report = validate(text)
    assert where(report) == [("/created", "input_limit", "error")]
    assert report.issues[0].message == (
        f"JSON beyond a limit: a number too large for a 64-bit float (line {line})"
    )


def test_empty_directory_is_an_error(tmp_path: Path, capsys: Any) -> None:
    """A directory without payload files exits 2 with one line; other paths are still checked."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("{}")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(VERIFIED))
    code, out, err = run(capsys, str(empty), str(good))
    assert code == 2
    assert err.splitlines() == [
        f"stripe-schemas validate: {empty}: skipped 1 file whose names are not .json, "
        ".jsonl or .ndjson (or those compressed)",
        f"stripe-schemas validate: {empty}: no .json, .jsonl or .ndjson files (or compressed "
        "ones) found",
    ]
    assert out.startswith("1 record: 1 valid")


# --- bad input of every kind, as elements of one array ----------------------------------


def test_every_bad_input_kind_in_one_array_is_reported_and_the_rest_checked(
    tmp_path: Path, capsys: Any
) -> None:
    """Not JSON, non-objects, wrong tag, deep junk, 10 MB, NaN, duplicates, huge numbers: all
    reported in one array, the valid element after them still counted."""
    session = json.dumps(VERIFIED)
    elements = [
        "{not json}",
        "[1, 2]",
        json.dumps({**VERIFIED, "object": "identity.verification_report"}),
        '{"metadata": ' + "[" * 20_000 + "]" * 20_000 + "}",
        json.dumps({**VERIFIED, "metadata": {"blob": "Q" * 10_000_000}}),
        session.replace('"created": 1700000000', '"created": NaN'),
        session[:-1] + ', "livemode": true}',
        session.replace('"created": 1700000000', '"created": 1e999'),
        session.replace('"created": 1700000000', '"created": ' + "9" * 9000),
        session,
    ]
    path = tmp_path / "all.json"
    path.write_text("[\n" + ",\n".join(elements) + "\n]\n")
    code, out, err = run(capsys, str(path))
    assert code == 1 and err == ""
    for line, code_ in [
        (2, "invalid_json"),
        (3, "type_mismatch"),
        (4, "unknown_field"),
        (5, "input_limit"),
        (6, "max_length"),
        (7, "invalid_json"),
        (9, "input_limit"),
        (10, "input_limit"),
    ]:
        rows = [row for row in out.splitlines() if row.startswith(f"{path}:{line}: ")]
        assert any(f"error[{code_}]" in row for row in rows), (line, code_, rows)
    assert not any(row.startswith(f"{path}:8: ") for row in out.splitlines())  # last key wins
    # not JSON, and nested deeper than any decoder goes: unreadable; the others are read
    assert out.splitlines()[-1].startswith("10 records: 2 valid, 6 invalid, 2 unreadable")
    assert len(out) < 10_000


class _Text(str):
    """A `str` subclass, as an ORM or an enum library hands out."""


@pytest.mark.parametrize("mode", ["strict", "lenient"])
@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("object",), "identity.verification_session"),  # the tag that picks the model
        (("status",), "verified"),
        (("status",), "done"),  # an unknown enum value: an issue either way
        (("id",), "vs_other"),
        (("verified_outputs", "first_name"), "Jenny"),
        (("options", "document", "allowed_types"), "passport"),  # a string where a list goes
    ],
)
def test_a_str_subclass_is_validated_as_the_string_it_is(
    path: tuple[str, ...], text: str, mode: str
) -> None:
    """A value of a `str` subclass gets the report its plain string gets (never an exception
    from the engine, which reads only plain `str`)."""
    from stripe_schemas.validation import validate

    def with_value(value: str) -> dict[str, Any]:
        holder: Any = json.loads(json.dumps(VERIFIED))
        node = holder
        for token in path[:-1]:
            node = node[token]
        node[path[-1]] = value
        return holder  # type: ignore[no-any-return]

    expected = validate(with_value(text), mode=mode)  # type: ignore[arg-type]
    got = validate(with_value(_Text(text)), mode=mode)  # type: ignore[arg-type]
    assert got.issues == expected.issues
    assert got.ok == expected.ok


def test_a_str_enum_object_tag_picks_its_model() -> None:
    """An `object` tag that is a `(str, Enum)` member (whose `str()` is `Class.NAME`, not its
    value) picks the model its value names, as the plain string does."""
    import enum

    from stripe_schemas.validation import validate

    class Tag(str, enum.Enum):
        SESSION = "identity.verification_session"

    plain = json.loads(json.dumps(VERIFIED))
    tagged = {**plain, "object": Tag.SESSION}
    assert validate(tagged).issues == validate(plain).issues
    broken = {"object": Tag.SESSION, "id": "vs_1"}
    assert validate(broken).issues == validate({"object": Tag.SESSION.value, "id": "vs_1"}).issues
