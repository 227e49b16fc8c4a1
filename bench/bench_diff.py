"""Spec diff speed: two full 4 MB Stripe specs (2023-04-17 → 2023-09-12), from the files on disk.

Every row reads both spec files and compares them; warm rows read the parsed-spec cache
(parsed documents and the parser's model inventories), measured round-robin in the same
rounds. The baseline is the structural pointer diff ``spec check`` runs (every differing
JSON pointer of the two documents): no intermediate model, no classification, prose and
key order counted as differences.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench._timing import fmt_ratio, fmt_time, interleaved, once
from bench.bench_generate import uncached
from stripe_codegen.diff import diff_specs
from stripe_codegen.loader import load_spec
from stripe_schemas.cli._generate import DEFAULT_ROOTS
from stripe_schemas.cli._spec import diff_pointers

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT.parent / "shared" / "stripe-openapi" / "specs"
OLD = SPECS / "2023-04-17_api-2022-11-15.yaml"
NEW = SPECS / "2023-09-12_api-2023-08-16.yaml"


def semantic(roots: list[str] | None) -> Callable[[], int]:
    def call() -> int:
        return len(diff_specs(load_spec(OLD), load_spec(NEW), roots).changes)

    return call


def structural() -> int:
    old, new = load_spec(OLD).document, load_spec(NEW).document
    return sum(1 for _ in diff_pointers(old, new))


def run(rounds: int = 5) -> str:
    if not (OLD.exists() and NEW.exists()):
        return f"bench diff: {SPECS} is missing (needs ../shared beside the repo)"
    cache = tempfile.mkdtemp(prefix="bench-diff-cache-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    os.environ["STRIPE_SCHEMAS_CACHE"] = cache
    roots = list(DEFAULT_ROOTS)
    rows = {
        "stripe-schemas diff (identity roots), cache warm": semantic(roots),
        "stripe-schemas diff --all, cache warm": semantic(None),
        "structural pointer diff (spec check's engine), cache warm": structural,
    }
    counts = {name: fn() for name, fn in rows.items()}  # also fills the cache
    medians = interleaved(rows, rounds=rounds, min_time=0.0)
    cold = once(uncached(semantic(roots)), rounds=3)
    baseline = "structural pointer diff (spec check's engine), cache warm"
    lines = [
        f"### Diff, {OLD.name} → {NEW.name}",
        "",
        f"| implementation | median | ratio vs {baseline} | changes reported |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds in medians.items():
        ratio = fmt_ratio(medians.ratio(name, baseline))
        lines.append(f"| {name} | {fmt_time(seconds)} | {ratio} | {counts[name]} |")
    lines.append(
        f"| stripe-schemas diff (identity roots), cold (no cache) | {fmt_time(cold)} | "
        f"{cold / medians[baseline]:.2f}× | {counts['stripe-schemas diff (identity roots), cache warm']} |"  # noqa: RUF001
    )
    target = max(medians[k] for k in list(rows)[:2])
    lines += [
        "",
        f"Target: under 3 s with a warm cache: {fmt_time(target)} at most ({'met' if target < 3 else 'NOT met'})",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
