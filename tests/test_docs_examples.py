"""Every code example of the README and the docs site is checked, so none can rot.

- A `python` block runs here, in page order, all blocks of a page sharing one namespace
  that starts from the page's setup below (the values a reader would have: a payload, a
  signed delivery, a client pointed at the local stand-in of Stripe). A block of `>>>`
  lines is compared with what the expression shows (`…` stands for any text). A block that
  defines `test_*` functions has them called.
- A block marked `<!-- example: excerpt of PATH -->` is an excerpt: its lines are in PATH, in
  order. A block marked `<!-- example: run by tests/X.py -->` (or with a transcript or
  example-file marker) is run by that test, which reads it from the page named here.
- A `console` block without `$ ` prompts is a list of commands: each `stripe-schemas`
  command parses with the real argument parser, each `make` target exists. A block with
  prompts is a transcript: it is run and its output compared.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shlex
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from _docs_blocks import Block, blocks, page, pages

from bench.events import TEST_SECRET, body, session_event
from bench.payloads import EXPANDED, REQUIRES_INPUT, VERIFIED
from stripe_schemas.cli import build_parser, main
from stripe_schemas.model import BUNDLED
from stripe_schemas.webhooks import signature_header

from conftest import ROOT

KEY = "sk_test_DOCS0123456789abcdef"
RUN_BY = re.compile(r"^example: run by (tests/\w+\.py)$")
EXCERPT = re.compile(r"^example: excerpt of (\S+)$")
#: Markers of blocks another test runs: (marker pattern, the test that reads the block).
ELSEWHERE = {
    "<!-- transcript: tests/test_readme_versions.py": "tests/test_readme_versions.py",
    "examples/webhook_endpoint.py": "tests/test_webhook_example.py",
}


def _all_blocks() -> list[Block]:
    return [block for path in pages() for block in blocks(path)]


def _runs_here(block: Block) -> bool:
    return block.info == "python" and not block.marker


def _elsewhere(block: Block) -> str | None:
    """The test that runs a marked block, or None."""
    found = RUN_BY.match(block.marker)
    if found:
        return found.group(1)
    if block.marker.startswith("transcript: tests/test_readme_versions.py"):
        return "tests/test_readme_versions.py"
    if block.marker == "examples/webhook_endpoint.py":
        return "tests/test_webhook_example.py"
    return None


# -- what each page's examples start from ---------------------------------------------------


def _session_body() -> bytes:
    return json.dumps(REQUIRES_INPUT).encode()


def _setup(name: str, tmp_path: Path, stand_in: str) -> dict[str, Any]:
    """The names a page's examples use without defining them, bound to real values."""
    from stripe_models.common import NotificationEventDataObject  # noqa: F401  (import check)
    from stripe_models.core import Event
    from stripe_models.identity import VerificationSession, VerifiedOutputs
    from stripe_schemas import UnsetType
    from stripe_schemas.validation import Validator, default_validator

    delivery = body(session_event("verified"))
    signed = {"Stripe-Signature": signature_header(delivery, TEST_SECRET)}
    common: dict[str, Any] = {"VerificationSession": VerificationSession}
    if name == "README.md":
        (tmp_path / "sessions.ndjson").write_bytes(
            b"".join(json.dumps(p).encode() + b"\n" for p in (REQUIRES_INPUT, VERIFIED, EXPANDED))
        )
        return {
            **common,
            "body": _session_body(),
            "body_bytes": delivery,
            "headers": signed,
            "secret": TEST_SECRET,
        }
    if name == "docs/models.md":
        return {
            **common,
            "body": _session_body(),
            "UnsetType": UnsetType,
            "log": logging.getLogger("docs-example"),
        }
    if name == "docs/converters.md":
        return {
            **common,
            "body": _session_body(),
            "payload": dict(VERIFIED),
            "found": [],
            "rows": [REQUIRES_INPUT, VERIFIED],
        }
    if name == "docs/validation.md":
        history = [REQUIRES_INPUT, {**REQUIRES_INPUT, "status": "processing"}]
        page_ = {
            "object": "list",
            "data": [REQUIRES_INPUT, VERIFIED],
            "has_more": False,
            "url": "/v1/identity/verification_sessions",
        }
        return {
            **common,
            "payload": VERIFIED,
            "body_bytes": _session_body(),
            "list_page": page_,
            "event": session_event("verified"),
            "snapshot1": history[0],
            "snapshot2": history[1],
            "event3": session_event("verified", id=REQUIRES_INPUT["id"]),
            "ndjson_bytes": b"".join(json.dumps(p).encode() + b"\n" for p in history),
            "Validator": Validator,
            "my_schema_document": default_validator().document,
        }
    if name == "docs/stored-payloads.md":
        distributed = pytest.importorskip("distributed")
        dumps = tmp_path / "s3-mounted" / "dumps"
        dumps.mkdir(parents=True)
        (dumps / "a.ndjson").write_bytes(
            b"".join(json.dumps(p).encode() + b"\n" for p in (REQUIRES_INPUT, VERIFIED))
        )
        client = distributed.Client(
            processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
        )
        return {"my_client": client, "_close": client.close}
    if name == "docs/webhooks.md":
        handled: list[Any] = []

        def handle(event: Any) -> None:  # the endpoint's own work, in the example
            handled.append(event)

        def keep_for_review(raw: bytes, issues: Any) -> None:  # pragma: no cover - a valid event
            raise AssertionError(f"the example's authentic, valid event was set aside: {issues}")

        def _close() -> None:
            assert len(handled) == 1 and handled[0].type == "identity.verification_session.verified"

        return {
            **common,
            "body": delivery,
            "headers": signed,
            "secret": TEST_SECRET,
            "handle": handle,
            "keep_for_review": keep_for_review,
            "_close": _close,
        }
    if name == "docs/strategies.md":
        return {
            **common,
            "VerifiedOutputs": VerifiedOutputs,
            "Event": Event,
            "MyVerificationSession": VerificationSession,
        }
    return common


def _with_stand_in(code: str, url: str) -> str:
    """`Client()` in an example talks to the local stand-in of Stripe instead of the network."""
    return code.replace("Client()", f"Client(base_url={url!r})")


def _check_doctest(block: Block, namespace: dict[str, Any]) -> None:
    """`>>> expr` followed by what it shows; `…` matches any text, whitespace is free."""
    source, _, shown = block.code.partition("\n")
    assert source.startswith(">>> "), block.where
    value = eval(source[4:], namespace)
    pattern = r"\s*".join(
        ".*?".join(re.escape(part) for part in word.split("…")) for word in shown.split()
    )
    assert re.fullmatch(r"\s*" + pattern + r"\s*", repr(value), re.DOTALL), (
        f"{block.where}: {value!r}"
    )


PAGES_TO_RUN = sorted(
    str(path.relative_to(ROOT))
    for path in pages()
    if any(_runs_here(block) for block in blocks(path))
)


@pytest.fixture
def stand_in() -> Any:
    from _stripe_server import FakeStripe

    fake = FakeStripe(KEY, [REQUIRES_INPUT])
    url = fake.start()
    try:
        yield url
    finally:
        fake.stop()
    assert fake.errors == []


@pytest.mark.parametrize("name", PAGES_TO_RUN)
def test_the_python_examples_of_a_page_run(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stand_in: str
) -> None:
    """Each unmarked python block of the page runs without error, in order, on real values."""
    (tmp_path / "spec").symlink_to(ROOT / "spec", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    namespace = _setup(name, tmp_path, stand_in)
    close = namespace.pop("_close", None)
    ran = 0
    try:
        for block in blocks(page(name)):
            if not _runs_here(block):
                continue
            if block.code.startswith(">>> "):
                _check_doctest(block, namespace)
            else:
                before = set(namespace)
                with redirect_stdout(io.StringIO()):
                    exec(
                        compile(_with_stand_in(block.code, stand_in), block.where, "exec"),
                        namespace,
                    )
                for test in sorted(set(namespace) - before):
                    if test.startswith("test_") and callable(namespace[test]):
                        namespace[test]()
            ran += 1
    finally:
        if close is not None:
            close()
    assert ran > 0


def test_the_tour_does_what_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stand_in: str
) -> None:
    """The README's tour loads the session, finds the invalid record of the dump, types the
    event and gets a session from the (stand-in) API."""
    (tmp_path / "spec").symlink_to(ROOT / "spec", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    namespace = _setup("README.md", tmp_path, stand_in)
    with (tmp_path / "sessions.ndjson").open("ab") as dump:
        dump.write(json.dumps({**VERIFIED, "status": "finished"}).encode() + b"\n")
    (tour,) = [block for block in blocks(page("README.md")) if _runs_here(block)]
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(_with_stand_in(tour.code, stand_in), tour.where, "exec"), namespace)
    printed = out.getvalue().splitlines()
    assert printed[0].startswith("requires_input VerificationSession(")
    assert "client_secret=<hidden>" in printed[0] and "url=<hidden>" in printed[0]
    assert str(REQUIRES_INPUT["client_secret"]) not in printed[0]
    issues = printed[1:]  # the three valid records print nothing; the fourth its issues
    assert issues and all(line.startswith("sessions.ndjson:4: /") for line in issues)
    assert any(": /status: error[unknown_enum_value] " in line for line in issues)
    assert namespace["created"].object == "identity.verification_session"
    assert namespace["delivery"].event.type == "identity.verification_session.verified"
    assert namespace["theirs"].data[0].object == "identity.verification_session"


# -- blocks checked in other ways -----------------------------------------------------------


def test_every_python_block_is_run_or_checked() -> None:
    """No python block is left out: each runs here, is an excerpt checked below, or is read
    by the test its marker names (which reads this very page)."""
    seen = 0
    for block in _all_blocks():
        if block.info != "python":
            continue
        seen += 1
        if (
            _runs_here(block)
            or EXCERPT.match(block.marker)
            or block.marker == "example: a BUNDLED entry"
        ):
            continue
        test = _elsewhere(block)
        assert test is not None, f"{block.where}: unknown marker {block.marker!r}"
        source = (ROOT / test).read_text(encoding="utf-8")
        assert str(block.page.relative_to(ROOT)) in source, (
            f"{block.where}: {test} does not read {block.page.relative_to(ROOT)}"
        )
    assert seen >= 12


def test_excerpts_are_in_their_files() -> None:
    """An excerpt's lines (but `...`) appear in the file it names, in the same order."""
    checked = 0
    for block in _all_blocks():
        found = EXCERPT.match(block.marker)
        if not found:
            continue
        lines = [line.strip() for line in (ROOT / found.group(1)).read_text().splitlines()]
        position = 0
        for line in block.code.splitlines():
            if line.strip() in ("", "..."):
                continue
            assert line.strip() in lines[position:], f"{block.where}: {line.strip()!r}"
            position = lines.index(line.strip(), position) + 1
        checked += 1
    assert checked >= 1


def test_the_bundled_entry_follows_the_registry() -> None:
    """The recipe's line for a new API version is a registry entry named like the others."""
    (block,) = [b for b in _all_blocks() if b.marker == "example: a BUNDLED entry"]
    entry: dict[str, str] = eval("{" + block.code + "}")
    rule = lambda version: "stripe_models_" + re.sub(r"[-.]", "_", version)
    assert entry and all(package == rule(version) for version, package in entry.items())
    assert all(package == rule(v) for v, package in BUNDLED.items() if package != "stripe_models")


def _commands(block: Block) -> list[list[str]]:
    """The commands of a console block: prompts and comments stripped, continuations joined,
    shell redirections and pipes cut off."""
    text = block.code.replace("\\\n", " ")
    has_prompts = any(line.startswith("$ ") for line in text.splitlines())
    commands = []
    for line in text.splitlines():
        if has_prompts and not line.startswith("$ "):
            continue  # output
        words = shlex.split(line.removeprefix("$ "), comments=True)
        for index, word in enumerate(words):
            if word in ("<", ">", "|") or word.startswith((">", "<")):
                words = words[:index]
                break
        if words:
            commands.append(words)
    return commands


def test_console_commands_are_real() -> None:
    """Every `stripe-schemas` command shown parses with the CLI's own parser (so options that
    no longer exist are caught), and every `make` target exists."""
    makefile = (ROOT / "Makefile").read_text()
    parser = build_parser()
    checked = 0
    for block in _all_blocks():
        if block.info != "console":
            continue
        for words in _commands(block):
            if words[0] == "stripe-schemas":
                try:
                    parser.parse_args(words[1:])
                except SystemExit as exc:
                    pytest.fail(f"{block.where}: {shlex.join(words)} does not parse ({exc})")
            elif words[0] == "make":
                assert re.search(rf"^{re.escape(words[1])}:", makefile, re.MULTILINE), (
                    f"{block.where}: no make target {words[1]}"
                )
            else:
                pytest.fail(f"{block.where}: a command no test knows: {shlex.join(words)}")
            checked += 1
    assert checked >= 20


def test_every_transcript_is_run() -> None:
    """A console block with output (`$ ` prompts) is run: by the test its marker names, or
    (the webhook command's) below."""
    for block in _all_blocks():
        if block.info == "console" and block.code.startswith("$ "):
            assert (
                _elsewhere(block) or block.marker == "example: transcript run by test_docs_examples"
            ), block.where


def test_the_webhook_verify_transcript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook page's transcript: a delivery signed 12 s ago verifies and validates, and
    the command prints the lines shown (`…` stands for the event ID's tail)."""
    (block,) = [
        b
        for b in blocks(page("docs/webhooks.md"))
        if b.marker == "example: transcript run by test_docs_examples"
    ]
    command, *shown = block.code.splitlines()
    words = shlex.split(command.removeprefix("$ "))
    delivery = body(session_event("verified") | {"id": "evt_1NdocsExample"})
    (tmp_path / "delivery.json").write_bytes(delivery)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", TEST_SECRET)
    header = signature_header(delivery, TEST_SECRET, timestamp=int(time.time()) - 12)
    argv = [header if word == "$HEADER" else word for word in words[1:]]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(argv) == 0
    printed = out.getvalue().splitlines()
    assert len(printed) == len(shown)
    for got, want in zip(printed, shown, strict=True):
        pattern = ".*?".join(re.escape(part) for part in want.split("…"))
        pattern = pattern.replace(r"signed\ 12\ s\ ago", r"signed 1[23] s ago").replace(
            "signed 12 s ago", "signed 1[23] s ago"
        )
        assert re.fullmatch(pattern, got), (got, want)
