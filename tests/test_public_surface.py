"""The public surface tells the truth: narrowing types, open enums, model_for, debuggable
generated code, hashing, and missing extras named."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
import traceback
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest

import stripe_models
from bench.payloads import EXPANDED, VERIFIED
from stripe_models.common import Address
from stripe_models.identity import VerificationReport, VerificationSession
from stripe_schemas import UnknownEnumValue, structure, unstructure
from stripe_schemas.converters import _entry_for

from conftest import ROOT


def test_generated_functions_have_their_source_in_tracebacks() -> None:
    """The exec'd structure and unstructure functions are in linecache: inspect and tracebacks
    show their lines."""
    fast, _ = _entry_for(VerificationSession, "strict")
    source = inspect.getsource(fast)
    assert source.startswith("    def s") and "raise F" in source
    unstructure(structure(VERIFIED, VerificationSession))
    from stripe_schemas.converters._unstructure import UNSTRUCTURE

    writer = UNSTRUCTURE.function(VerificationSession)
    assert "return d" in inspect.getsource(writer)

    class Boom:
        """Breaks the unstructure function when it reads an attribute."""

        def __getattr__(self, name: str) -> Any:
            raise RuntimeError("boom")

    try:
        writer(Boom())
    except RuntimeError:
        text = traceback.format_exc()
    assert "<stripe_schemas unstructure" in text and "v = o." in text  # the line, not just a name


def test_bugs_inside_a_fast_function_are_not_hidden() -> None:
    """Only FastFail leaves the fast path for the detailed one: any other exception goes through."""
    from stripe_schemas.converters._fast import FAST_ERRORS

    assert set(FAST_ERRORS) == {
        __import__("stripe_schemas.converters._shared", fromlist=["FastFail"]).FastFail,
        RecursionError,
    }


def test_bypass_enums_are_open_and_others_closed() -> None:
    """x-stripeBypassValidation fields admit an UnknownEnumValue; other enums stay Literals."""
    hints = typing.get_type_hints(VerificationSession)
    assert UnknownEnumValue in typing.get_args(hints["type"])
    assert UnknownEnumValue not in typing.get_args(hints["status"])
    session = structure({**VERIFIED, "type": "verification_flow"}, VerificationSession)
    assert session.type == "verification_flow"


def test_model_for_and_the_registries() -> None:
    """RESOURCES maps tags to (module, name); model_for gives classes, unions for union keys."""
    assert stripe_models.RESOURCES["identity.verification_session"] == (
        "identity",
        "VerificationSession",
    )
    assert stripe_models.model_for("identity.verification_session") is VerificationSession
    assert stripe_models.model_for("address") is Address
    with pytest.raises(KeyError):
        stripe_models.model_for("nope")
    assert "eval(" not in Path(stripe_models.__file__).read_text()


def test_hashing_is_documented_and_holds_for_leaves() -> None:
    """Instances are frozen; those without lists or maps hash, the others cannot (their JSON
    arrays and maps are lists and dicts), as docs/models.md says."""
    address = structure({"city": "Paris", "country": "FR"}, Address)
    assert hash(address) == hash(structure({"city": "Paris", "country": "FR"}, Address))
    with pytest.raises(TypeError, match="unhashable"):
        hash(structure(VERIFIED, VerificationSession))  # metadata is a dict
    assert "hash(session)" in (ROOT / "docs" / "models.md").read_text()


MYPY_SNIPPET = """
    from typing_extensions import assert_never, assert_type
    from stripe_models.identity import VerificationReport, VerificationSession
    from stripe_schemas import UNSET, UnknownEnumValue, UnsetType, expandable_id, is_expanded

    def use(session: VerificationSession) -> str:
        report = session.last_verification_report
        if is_expanded(report):
            assert_type(report, VerificationReport)
            return report.id
        assert_type(report, str | None | UnsetType)
        return expandable_id(report) if isinstance(report, str) else ""

    def kind(session: VerificationSession) -> str:
        match session.type:
            case "document" | "id_number":
                return "documented"
            case None | UnsetType():
                return "none"
            case _:
                assert_never(session.type)  # an UnknownEnumValue is still possible: an error
"""


@pytest.mark.slow
def test_types_under_mypy_strict(tmp_path: Path) -> None:
    """is_expanded narrows both ways; an exhaustive match over a bypass enum's documented values
    alone fails type checking (the one error mypy reports is the assert_never)."""
    source = tmp_path / "user_code.py"
    source.write_text(textwrap.dedent(MYPY_SNIPPET))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, done.stdout
    assert "assert_never" in errors[0] and "UnknownEnumValue" in errors[0]


@pytest.mark.parametrize(
    ("module", "code", "extra"),
    [
        (
            "jsonschema_rs",
            "from stripe_schemas.validation import validate; "
            "validate({'object': 'identity.verification_session'})",
            "validation",
        ),
        ("httpx", "import stripe_schemas.client", "client"),
        ("hypothesis", "import stripe_schemas.strategies", "strategies"),
    ],
)
def test_a_missing_extra_is_named(module: str, code: str, extra: str) -> None:
    """Without an optional dependency, one line names the extra to install."""
    program = f"import sys; sys.modules[{module!r}] = None; {code}"
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith(f"needs {module}: pip install 'stripe-schemas[{extra}]'"), last


@pytest.mark.parametrize(
    ("module", "args", "extra"),
    [
        ("jsonschema_rs", ["validate"], "validation"),
        ("distributed", ["validate", "--engine", "dask"], "dask"),
    ],
)
def test_a_missing_extra_ends_the_command_with_one_line(
    module: str, args: list[str], extra: str, tmp_path: Path
) -> None:
    """The console script: exit 2 and one line naming the extra, no traceback."""
    path = tmp_path / "one.json"
    path.write_text('{"object": "identity.verification_session"}')
    program = (
        f"import sys; sys.modules[{module!r}] = None; from stripe_schemas.cli import main; "
        f"sys.exit(main({[*args, str(path)]!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.endswith(f"pip install 'stripe-schemas[{extra}]'\n"), done.stderr


def test_attrs_fields_have_no_redundant_metadata() -> None:
    """A generated field carries meta() only for what its annotation cannot say."""
    fields = attrs.fields_dict(VerificationSession)
    assert "stripe" not in fields["livemode"].metadata  # bool, required: all in the annotation
    assert fields["created"].metadata["stripe"].format == "unix-time"
    assert fields["id"].metadata["stripe"].max_length == 5000
    assert VerificationReport is stripe_models.model_for("identity.verification_report")
    assert EXPANDED["object"] == "identity.verification_session"
