"""The Dask engine on a real LocalCluster (127.0.0.1): the same issues and summary as local."""

from __future__ import annotations

import copy
import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.payloads import VERIFIED
from stripe_schemas.io import expand
from stripe_schemas.validation._stream import Finished, Found, Settings, run_local

distributed = pytest.importorskip("distributed")
dask_engine = pytest.importorskip("stripe_schemas.dask")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def rows(count: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        row = copy.deepcopy(VERIFIED)
        if i % 13 == 0:
            row["livemode"] = i
        out.append(row)
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dumps")
    data = rows(4000)
    lines = "".join(json.dumps(r) + "\n" for r in data)
    lines = lines.replace('"livemode": 26,', '"livemode" 26,')  # one unreadable line
    (root / "a.jsonl").write_text(lines)
    (root / "b.json").write_text(json.dumps(data[:1500], indent=2))  # a pretty array
    docs = [json.dumps(r, indent=2) for r in data[:800]]
    docs[400] = docs[400].replace('"created"', '"created" oops')
    (root / "c.json").write_text("\n".join(docs) + "\n")  # jq output, one damaged
    (root / "d.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (root / "e.json").write_text(json.dumps(data[:200]))  # one line: one partition
    return root


def events(items: Any) -> list[Any]:
    """Events as comparable values (Finished with its tally as a dict)."""
    out = []
    for event in items:
        if isinstance(event, Finished):
            out.append(("finished", event.source.path, event.tally.to_dict(), event.error))
        elif isinstance(event, Found):
            out.append(("found", event.source.path, event.item))
        else:
            out.append(event)
    return out


def test_partitions_cut_big_files_on_record_starts(inputs: Path) -> None:
    """A plain JSON Lines file, a pretty array and jq output are cut; gzip and one line are not."""
    from stripe_schemas.io import Source

    size = 64 * 1024
    names = {"a": "a.jsonl", "b": "b.json", "c": "c.json", "d": "d.jsonl.gz", "e": "e.json"}
    counts = {
        key: len(dask_engine.partitions(Source(str(inputs / name)), size))
        for key, name in names.items()
    }
    assert counts["a"] > 20 and counts["b"] > 5 and counts["c"] > 5
    assert counts["d"] == 1 and counts["e"] == 1


def test_same_issues_and_summary_as_the_local_engine(client: Any, inputs: Path) -> None:
    """Every issue, at the same line, and every count: identical to --engine local."""
    settings = Settings()
    local = events(run_local(expand([str(inputs)]), settings))
    remote = events(
        dask_engine.iter_events(
            expand([str(inputs)]), settings, client=client, partition_size=64 * 1024
        )
    )
    assert remote == local
    assert sum(1 for e in local if e[0] == "found") > 500  # the comparison covers real issues


def test_validate_files_in_python(client: Any, inputs: Path) -> None:
    """stripe_schemas.dask.validate_files: totals, per-file counts, every record with issues."""
    result = dask_engine.validate_files([inputs / "a.jsonl"], client=client, partition_size=50_000)
    assert not result.ok
    assert result.total.records == 4000
    assert result.total.unreadable == 1
    assert result.total.invalid == len([i for i in range(4000) if i % 13 == 0]) - 1
    assert [name for name, _, _ in result.files] == [str(inputs / "a.jsonl")]


def test_cli_against_a_running_scheduler(client: Any, inputs: Path) -> None:
    """`validate --engine dask --scheduler ADDRESS` prints exactly what `--engine local` prints."""

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "stripe_schemas", "validate", str(inputs), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    local = cli()
    remote = cli("--engine", "dask", "--scheduler", client.scheduler.address)
    assert remote.returncode == local.returncode == 1
    assert remote.stdout == local.stdout
    unreachable = cli("--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 2
    assert unreachable.stderr.startswith("stripe-schemas validate: cannot reach the Dask scheduler")
    assert "Traceback" not in unreachable.stderr


def test_cli_progress_follows_the_dask_engine(client: Any, inputs: Path) -> None:
    """With --progress the Dask engine's bar moves by each file's size as the file is done
    and ends at the inputs' total (it stood at 0% before); an engine error is one whole
    line, written above the bar."""
    total = sum(path.stat().st_size for path in inputs.iterdir())
    shown = f"{total / (1024 * 1024):.1f} MiB"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "stripe_schemas", "validate", str(inputs), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    done = cli("--engine", "dask", "--scheduler", client.scheduler.address, "--progress")
    assert done.returncode == 1
    assert "100%|" in done.stderr and f"{shown} / {shown}" in done.stderr
    unreachable = cli("--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "--progress")
    assert unreachable.returncode == 2
    # Text mode reads the bar's carriage returns as line ends: the message is a line of its own.
    line = next(x for x in unreachable.stderr.splitlines() if "cannot reach" in x)
    assert line.startswith("stripe-schemas validate: cannot reach the Dask scheduler")
