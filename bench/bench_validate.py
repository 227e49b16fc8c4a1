"""Validation benchmark: ``stripe_schemas.validation`` against five validators, in one run.

Valid payloads (the shared set in ``bench/payloads.py``): ours runs schema
conformance *and* the Stripe Identity invariants; the others check the schema
only. JSON Schema competitors get the same strict document our fast path uses;
openapi-schema-validator gets the raw OpenAPI schemas of ``spec/stripe-identity.yaml``;
pydantic gets the models datamodel-code-generator writes from that spec (generated
into a temporary directory at bench time, ``extra="forbid"``).

The invalid payload is timed to a *full* report (every error): ours builds the
report, jsonschema and jsonschema-rs list ``iter_errors``, pydantic lists
``errors()``; fastjsonschema stops at the first error by design.
"""

from __future__ import annotations

import copy
import importlib
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._timing import Timings, fmt_ratio, fmt_time, interleaved
from bench.payloads import PAYLOADS, invalid_payload, strict_schema

X = "\u00d7"  # the multiplication sign of ratios (kept out of literals for ruff's RUF001)
ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "stripe-identity.yaml"
SESSION = "identity.verification_session"

Check = Callable[[dict[str, Any]], Any]


def _ours_setup() -> tuple[Check, dict[str, Any]]:
    from stripe_schemas.validation import validate

    strict = strict_schema(SESSION)
    return validate, strict


def _jsonschema(schema: dict[str, Any]) -> tuple[Check, Check]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    return validator.is_valid, lambda p: list(validator.iter_errors(p))


def _jsonschema_rs(schema: dict[str, Any]) -> tuple[Check, Check]:
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(schema)
    return validator.is_valid, lambda p: list(validator.iter_errors(p))


def _fastjsonschema(schema: dict[str, Any]) -> tuple[Check, Check]:
    import fastjsonschema

    compiled = fastjsonschema.compile({k: v for k, v in schema.items() if k != "$schema"})

    def is_valid(payload: dict[str, Any]) -> bool:
        try:
            compiled(payload)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    def first_error(payload: dict[str, Any]) -> list[Any]:
        try:
            compiled(payload)
        except fastjsonschema.JsonSchemaValueException as exc:
            return [exc]
        return []

    return is_valid, first_error


def _openapi_schema_validator() -> tuple[Check, Check]:
    import yaml
    from openapi_schema_validator import OAS30Validator

    spec = yaml.load(SPEC.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    schema = {"$ref": f"#/components/schemas/{SESSION}", "components": spec["components"]}
    validator = OAS30Validator(schema)
    return validator.is_valid, lambda p: list(validator.iter_errors(p))


def _pydantic() -> tuple[Check, Check]:
    import pydantic
    from datamodel_code_generator import DataModelType, InputFileType, generate

    out = Path(tempfile.mkdtemp(prefix="bench-pydantic-")) / "bench_pydantic_models"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generate(
            SPEC,
            input_file_type=InputFileType.OpenAPI,
            output=out,
            output_model_type=DataModelType.PydanticV2BaseModel,
            extra_fields="forbid",
            disable_timestamp=True,
        )
    sys.path.insert(0, str(out.parent))
    try:
        module = importlib.import_module("bench_pydantic_models.identity")
    finally:
        sys.path.remove(str(out.parent))
    model = module.VerificationSession

    def is_valid(payload: dict[str, Any]) -> bool:
        try:
            model.model_validate(payload)
        except pydantic.ValidationError:
            return False
        return True

    def errors(payload: dict[str, Any]) -> list[Any]:
        try:
            model.model_validate(payload)
        except pydantic.ValidationError as exc:
            return list(exc.errors())
        return []

    return is_valid, errors


def _competitors(strict: dict[str, Any]) -> dict[str, tuple[Check, Check] | str]:
    builders: dict[str, Callable[[], tuple[Check, Check]]] = {
        "jsonschema": lambda: _jsonschema(strict),
        "fastjsonschema": lambda: _fastjsonschema(strict),
        "jsonschema-rs alone": lambda: _jsonschema_rs(strict),
        "openapi-schema-validator": _openapi_schema_validator,
        "pydantic v2 (datamodel-codegen)": _pydantic,
    }
    found: dict[str, tuple[Check, Check] | str] = {}
    for name, build in builders.items():
        try:
            found[name] = build()
        except ImportError as exc:  # a missing optional competitor is reported, not fatal
            found[name] = f"unavailable ({type(exc).__name__}: {str(exc)[:60]})"
    return found


def _valid_table(
    ours: Check, competitors: dict[str, tuple[Check, Check] | str]
) -> tuple[list[str], dict[str, dict[str, float]], dict[str, Timings]]:
    times: dict[str, dict[str, float]] = {}
    rounds: dict[str, Timings] = {}
    verdicts: dict[str, str] = {}
    rows: list[tuple[str, Check]] = [("stripe_schemas (schema + invariants)", lambda p: ours(p).ok)]
    rows += [(name, pair[0]) for name, pair in competitors.items() if not isinstance(pair, str)]
    for name, check in rows:
        times[name] = {}
        accepted = sum(bool(check(payload)) for payload in PAYLOADS.values())
        verdicts[name] = f"{accepted}/{len(PAYLOADS)} accepted"
    for label, payload in PAYLOADS.items():
        fns = {name: (lambda check=check, payload=payload: check(payload)) for name, check in rows}
        rounds[label] = interleaved(fns)
        for name, seconds in rounds[label].items():
            times[name][label] = seconds
    base = times.get("jsonschema", {})
    rs = times.get("jsonschema-rs alone", {})
    header = (
        "| implementation | "
        + " | ".join(PAYLOADS)
        + " | mean | vs jsonschema | vs jsonschema-rs | verdict |"
    )
    lines = [
        "### Valid payloads (median per payload)",
        "",
        header,
        "|---" + "|---:" * (len(PAYLOADS) + 3) + "|---|",
    ]
    for name, per in times.items():
        mean = sum(per.values()) / len(per)
        speedup = _ratio(_mean(base), mean) if base else "n/a"
        versus = _ratio(mean, _mean(rs)) if rs else "n/a"
        cells = " | ".join(fmt_time(per[label]) for label in PAYLOADS)
        lines.append(
            f"| {name} | {cells} | {fmt_time(mean)} | {speedup} faster | {versus} | {verdicts[name]} |"
        )
    for name, pair in competitors.items():
        if isinstance(pair, str):
            lines.append(f"| {name} | {pair} |")
    return lines, times, rounds


def _mean(per: dict[str, float]) -> float:
    return sum(per.values()) / len(per)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}{X}" if b else "n/a"


def _invalid_table(
    ours: Check, competitors: dict[str, tuple[Check, Check] | str]
) -> tuple[list[str], Timings]:
    bad = invalid_payload()
    rows: list[tuple[str, Check]] = [("stripe_schemas (full report)", lambda p: ours(p).issues)]
    rows += [(name, pair[1]) for name, pair in competitors.items() if not isinstance(pair, str)]
    times = interleaved({name: (lambda check=check: check(bad)) for name, check in rows})
    found = {name: len(check(bad)) for name, check in rows}
    base = times.get("jsonschema")
    lines = [
        "### Invalid payload: the full error report",
        "",
        "| implementation | median | spread over the rounds | ratio vs jsonschema iter_errors "
        "(spread) | issues reported |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, seconds in times.items():
        ratio = fmt_ratio(times.ratio(name, "jsonschema")) if base else "n/a"
        spread = f"{fmt_time(min(times.rounds[name]))} \u2013 {fmt_time(max(times.rounds[name]))}"
        lines.append(f"| {name} | {fmt_time(seconds)} | {spread} | {ratio} | {found[name]} |")
    return lines, times


def run() -> str:
    """Time every implementation in this process; return Markdown tables with medians and ratios."""
    ours, strict = _ours_setup()
    competitors = _competitors(strict)
    valid_lines, valid, rounds = _valid_table(ours, competitors)
    invalid_lines, invalid = _invalid_table(ours, competitors)
    ours_valid = valid[OURS_VALID]
    lines = ["## Validation benchmark", "", *valid_lines, "", *invalid_lines, ""]
    js, rs = valid.get("jsonschema"), valid.get("jsonschema-rs alone")
    if js and rs:
        speedups = [js[p] / ours_valid[p] for p in PAYLOADS]
        versus = [ours_valid[p] / rs[p] for p in PAYLOADS]
        slowest = invalid[OURS_REPORT] / invalid["jsonschema"]
        lines += [
            "Targets:",
            "",
            f"- valid payload, schema + invariants vs jsonschema: {min(speedups):.0f}{X} to "
            f"{max(speedups):.0f}{X} faster (target ≥ 100{X}) {_mark(min(speedups) >= 100)}",
            f"- valid payload vs jsonschema-rs alone: {min(versus):.2f}{X} to {max(versus):.2f}{X} "
            f"(target ≤ 2{X}) {_mark(max(versus) <= 2)}",
            f"- invalid payload, full report vs jsonschema iter_errors: {slowest:.2f}{X} "
            f"(target ≤ 1.5{X}) {_mark(slowest <= 1.5)}",
        ]
    if "jsonschema-rs alone" in valid and "jsonschema-rs alone" in invalid:
        lines += ["", *_rs_targets(rounds, invalid)]
    lines += ["", _notice_path(strict)]
    return "\n".join(lines)


OURS_VALID = "stripe_schemas (schema + invariants)"
OURS_REPORT = "stripe_schemas (full report)"


def _rs_targets(rounds: dict[str, Timings], invalid: Timings) -> list[str]:
    """Ours against jsonschema-rs alone on the plain strict schema, each ratio the median of
    the per-round ratios with their spread (every round times both side by side)."""
    lines = [
        "### Against jsonschema-rs alone (ratio of times, spread over the rounds)",
        "",
        "jsonschema-rs checks the plain strict schema only; ours checks it and the Identity",
        "rules, and builds our issues (codes, pointers, safe messages) on the invalid payload.",
        "",
        "| path | ours / jsonschema-rs | target |",
        "|---|---:|---|",
    ]
    for label, times in rounds.items():
        ratio = times.ratio(OURS_VALID, "jsonschema-rs alone")
        lines.append(
            f"| `validate(dict)`, {label} (is_valid) | {fmt_ratio(ratio)} | "
            f"≤ 1.5{X} {_mark(ratio[0] <= 1.5)} |"
        )
    ratio = invalid.ratio(OURS_REPORT, "jsonschema-rs alone")
    lines.append(
        f"| full report of the invalid payload (iter_errors) | {fmt_ratio(ratio)} | "
        f"≤ 2{X} {_mark(ratio[0] <= 2)} |"
    )
    return lines


def _newer(payload: dict[str, Any], *, personal: bool = False) -> dict[str, Any]:
    """``payload`` as a newer API version would send it: unknown fields at the top and
    nested, and an enum value the models do not list (``personal``: under a field whose
    values may be personal data, whose reports are never remembered)."""
    newer = copy.deepcopy(payload)
    newer["hosted_flow_theme"] = "dark"
    newer["verified_outputs"]["nickname"] = "Ada"
    if personal:
        newer["options"]["document"]["allowed_types"].append("residence_permit")
    else:
        newer["redaction"] = {"status": "archived"}
    report = newer.get("last_verification_report")
    if isinstance(report, dict):
        report["document"]["hologram"] = {"status": "verified"}
    return newer


def _notice_path(strict: dict[str, Any]) -> str:
    """Lenient mode on payloads from a newer API version (unknown fields and enum values
    become notices), beside the same payloads without them: the target is at most 2x."""
    from bench.payloads import EXPANDED, VERIFIED
    from stripe_schemas.validation import default_validator, validate

    validator = default_validator()
    compiled = validator.compiled(SESSION)
    lines = [
        "### Lenient mode on a newer-version payload (unknown fields and enum values)",
        "",
        "Notices from the walk of the payload (`validation/_notices.py`), beside the same",
        "payload without the new fields, and the detailed path (an engine's error list and",
        "the rules' probes) that lenient mode took before. A report is remembered by what the",
        "walk found, except where a value may be personal data (the last row: built each time).",
        "",
        f"| payload | without the new fields | with them | ratio, spread over the rounds "
        f"(target ≤ 2{X}) | detailed path |",
        "|---|---:|---:|---:|---:|",
    ]
    cases = (
        ("verified", VERIFIED, False),
        ("expanded_report", EXPANDED, False),
        ("verified, enum value under options.document", VERIFIED, True),
    )
    for label, base, personal in cases:
        newer = _newer(base, personal=personal)
        times = interleaved(
            {
                "clean": lambda base=base: validate(base, mode="lenient"),
                "newer": lambda newer=newer: validate(newer, mode="lenient"),
                "detailed": lambda newer=newer: validator.detailed(compiled, newer, "lenient", []),
            }
        )
        ratio = times.ratio("newer", "clean")
        lines.append(
            f"| {label} | {fmt_time(times['clean'])} | {fmt_time(times['newer'])} | "
            f"{fmt_ratio(ratio)} {_mark(ratio[0] <= 2)} | {fmt_time(times['detailed'])} |"
        )
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗ (missed)"


if __name__ == "__main__":  # pragma: no cover
    print(run())
