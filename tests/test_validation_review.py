"""Review fixes: huge numbers, unprintable keys, bad --schema, redaction events, lifecycle gaps,
history input, linear arrays, array resync, clearer messages."""

from __future__ import annotations

import copy
from typing import Any

from bench.payloads import REQUIRES_INPUT
from stripe_schemas import Issue
from stripe_schemas._issues import describe_value, digit_count, printable
from stripe_schemas.cli import main
from stripe_schemas.validation import validate_history

SESSION_ID = "vs_review00000000000000001"
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


def snapshot(status: str, **changes: Any) -> dict[str, Any]:
    session = copy.deepcopy(REQUIRES_INPUT)
    session.update(id=SESSION_ID, status=status)
    if status in ("verified", "canceled"):
        session.update(client_secret=None, url=None)
    session.update(changes)
    return session


def event(kind: str, session: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "evt_1",
        "object": "event",
        "type": f"identity.verification_session.{kind}",
        "data": {"object": session},
    }


def history_codes(items: Any, **options: Any) -> list[tuple[str, str, str]]:
    return where(validate_history(items, **options))


# --- 1. numbers beyond Python's digit limit, values whose repr fails --------------------


def test_describe_value_never_raises() -> None:
    """Huge integers are described by their size and a failing repr by the type alone."""
    assert describe_value("", 10**5000) == "an integer with 5001 digits"
    assert describe_value("", None) == "null"
    assert describe_value("", Boom()) == "a Boom"
    for power in (1, 9, 77, 300, 4299):
        assert digit_count(10**power) == power + 1
        assert digit_count(10**power - 1) == power
    assert describe_value("/client_secret", 10**5000) == "an integer"


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
