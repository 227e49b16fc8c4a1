"""The stream benchmark's real-world mix: what it claims to hold, and verdicts counted twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from bench import bench_stream, mix
from bench.payloads import lenient_schema
from stripe_schemas.validation import validate

from conftest import FIXTURES_2023, FIXTURES_2026, require_shared

RECORDS = 600
SESSION = "identity.verification_session"
REPORT = "identity.verification_report"


@pytest.fixture(scope="module")
def small_mix() -> mix.Mix:
    require_shared(FIXTURES_2023)
    require_shared(FIXTURES_2026)
    return mix.build(RECORDS)


def test_the_mix_holds_every_kind_it_claims(small_mix: mix.Mix) -> None:
    kinds = small_mix.kinds()
    assert sum(kinds.values()) == len(small_mix.records) == RECORDS
    assert set(kinds) == set(mix.SHARES)
    for kind, share in mix.SHARES.items():
        assert abs(kinds[kind] - share * RECORDS) <= 1, kind
    varieties = {kind: set(small_mix.varieties(kind)) for kind in mix.SHARES}
    assert varieties[mix.CLEAN_2026] == {"Stripe 2026 fixtures", "spec/examples"}
    assert varieties[mix.DRAWN] == {"sessions", "reports"}
    assert varieties[mix.OLD] == {"bench/payloads.py", "Stripe 2023 fixtures"}
    assert varieties[mix.NEWER] == {
        "unknown fields top",
        "unknown fields nested",
        "unknown fields both",
    }
    assert varieties[mix.INVALID] == {
        "2023 session, type null",
        "created as a string",
        mix.RULE_BROKEN,
    }
    listed = small_mix.composition()
    for kind, count in kinds.items():
        assert f"- {kind}: {count:,} records" in listed
    objects = Counter(payload["object"] for payload in small_mix.payloads())
    assert set(objects) == {SESSION, REPORT}


def test_the_mix_is_the_same_for_the_same_seed(small_mix: mix.Mix, tmp_path: Path) -> None:
    again = mix.build(RECORDS)
    assert again.records == small_mix.records
    assert small_mix.write(tmp_path / "a.ndjson") == again.write(tmp_path / "b.ndjson")
    assert (tmp_path / "a.ndjson").read_bytes() == (tmp_path / "b.ndjson").read_bytes()


def test_each_kind_is_what_it_says(small_mix: mix.Mix) -> None:
    """Judged one payload at a time, by ``validate`` and by the 2023 models where it matters."""
    for kind, variety, payload in small_mix.pool:
        lenient = validate(payload, mode="lenient")
        where = (kind, variety, lenient.codes())
        if kind == mix.INVALID:
            assert not lenient.ok, where
            continue
        assert lenient.ok and not lenient.warnings, where
        assert set(lenient.codes()) <= {"unknown_field"}, where
        if kind == mix.NEWER:
            strict = validate(payload, mode="strict")
            assert 1 <= len(lenient.notices) <= 2, where
            assert set(strict.codes()) == {"unknown_field"}, where
        elif variety != "Stripe 2023 fixtures":  # Stripe's 2023 report has an address.zip
            assert not lenient.issues, where
    for _, variety, payload in small_mix.pool:
        if variety == "2023 session, type null":  # allowed in 2023, forbidden by the 2026 schema
            assert validate(payload, mode="lenient", api_version="2023-08-16").ok
            assert "null_not_allowed" in validate(payload, mode="lenient").codes()


def test_validate_counts_the_mix_as_validate_does_per_record(
    small_mix: mix.Mix, tmp_path: Path
) -> None:
    path = tmp_path / "mix.ndjson"
    small_mix.write(path)
    summary = bench_stream.verdicts(path, "--mode", "lenient")
    reports = [validate(payload, mode="lenient") for payload in small_mix.payloads()]
    assert summary["records"] == RECORDS
    assert summary["unreadable"] == 0
    assert summary["valid"] == sum(report.ok for report in reports)
    assert summary["invalid"] == sum(not report.ok for report in reports)
    assert summary["invalid"] == small_mix.kinds()[mix.INVALID]
    assert summary["notices"] == sum(len(report.notices) for report in reports)
    assert summary["warnings"] == sum(len(report.warnings) for report in reports)
    assert summary["errors"] == sum(len(report.errors) for report in reports)


def test_the_naive_loop_counts_what_the_reference_engine_accepts(
    small_mix: mix.Mix, tmp_path: Path
) -> None:
    path = tmp_path / "mix.ndjson"
    small_mix.write(path)
    reference = {
        key: jsonschema.Draft202012Validator(lenient_schema(key)) for key in (SESSION, REPORT)
    }
    passing = sum(reference[p["object"]].is_valid(p) for p in small_mix.payloads())
    assert bench_stream._naive_lenient(path)() == passing
    # What it cannot see: the invalid records that break a Stripe Identity rule only.
    assert (
        passing
        == RECORDS
        - small_mix.kinds()[mix.INVALID]
        + small_mix.varieties(mix.INVALID)[mix.RULE_BROKEN]
    )


def _tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_stream, "RECORDS", 50)
    monkeypatch.setattr(bench_stream, "MIX_RECORDS", 100)
    monkeypatch.setattr(bench_stream, "BROKEN_RECORDS", 20)
    monkeypatch.setattr(bench_stream, "ROUNDS", 1)
    monkeypatch.setattr(bench_stream, "SPIN", 1000)
    monkeypatch.setattr(bench_stream, "_peak_rss_mib", lambda path: 1.0)
    monkeypatch.setattr(bench_stream, "_bytes_table", lambda: [])


def test_the_broken_dump_has_one_error_in_every_record(tmp_path: Path) -> None:
    """The error-path dump: every record invalid, each with exactly one issue (an error)."""
    from stripe_schemas.validation import validate

    path = tmp_path / "broken.ndjson"
    bench_stream.write_dump(path, 12, broken=True)
    lines = path.read_bytes().splitlines()
    assert len(lines) == 12
    for line in lines:
        issues = validate(line).issues
        assert [(i.path, i.severity) for i in issues] == [("/livemode", "error")]
    assert bench_stream.verdicts(path)["invalid"] == 12


def test_the_benchmark_reports_the_mix(monkeypatch: pytest.MonkeyPatch, small_mix: mix.Mix) -> None:
    _tiny(monkeypatch)
    out = bench_stream.run()
    assert "### Real-world mix" in out
    assert f"| {bench_stream.NAIVE_MIX} |" in out
    assert f"| {bench_stream.OURS_MIX} |" in out
    assert f"| {bench_stream.OURS_BROKEN} |" in out
    for kind in mix.SHARES:
        assert f"- {kind}: " in out


def test_without_the_shared_fixtures_the_mix_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-fixtures.json"
    monkeypatch.setattr(mix, "FIXTURES_2026", missing)
    with pytest.raises(mix.MixUnavailable, match="no-such-fixtures"):
        mix.build(10)
    _tiny(monkeypatch)
    out = bench_stream.run()
    assert f"The real-world mix is unavailable: {missing}" in out
    assert f"| {bench_stream.OURS} |" in out
