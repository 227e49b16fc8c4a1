"""A real-world mix of stored Identity objects, built at bench time from a fixed seed.

What users hold in a dump is not five clean objects of one version: it is objects rendered
under the API version of the day they were stored, objects from a version newer than the
models, and now and then a broken one. The mix draws its records from five kinds:

- ``2026 Stripe + examples``: Stripe's own 2026 example objects (the session and the report
  of ``../shared/stripe-openapi/fixtures/2026-latest_fixtures3.json``) and the repository's
  ``spec/examples/*.json`` (its sessions and reports; events are the webhook benchmark's);
- ``2026 drawn``: sessions and reports drawn once from the generators behind the hypothesis
  strategies (``stripe_schemas.sampling.sample``, the seeded twin of
  ``stripe_schemas.strategies.verification_sessions``/``verification_reports``);
- ``2023-shaped``: the benchmark's 2023-08-16 payloads (``bench/payloads.py``) and the
  session and report of the 2023 fixture file (Stripe's 2023 report carries an ``address.zip``
  that no version of the schema declares: one notice in lenient mode);
- ``newer fields``: 2026 objects of the first two kinds with one or two fields added that the
  models do not know, at the top level and/or inside a nested object (lenient: notices only);
- ``invalid``: a 2023 session with ``type: null`` (allowed then, forbidden by the 2026
  schema), a field of the wrong JSON type, an expanded report that belongs to another session
  (a Stripe Identity rule; no JSON Schema sees it).

Every record is one of a pool of distinct payloads; the records of a kind are drawn from its
pool with a seeded ``random.Random`` and the whole list is shuffled. Same seed, same file.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "stripe-openapi"
FIXTURES_2023 = SHARED / "fixtures" / "2023-09-12_fixtures3.json"
FIXTURES_2026 = SHARED / "fixtures" / "2026-latest_fixtures3.json"
EXAMPLES = ROOT / "spec" / "examples"

SESSION = "identity.verification_session"
REPORT = "identity.verification_report"
SEED = 20260930
#: ``created`` of drawn payloads falls before this instant (2026-09-21), so draws replay.
NOW = 1_790_000_000
DRAWN_SESSIONS = 300
DRAWN_REPORTS = 100

CLEAN_2026 = "2026 Stripe + examples"
DRAWN = "2026 drawn"
OLD = "2023-shaped"
NEWER = "newer fields"
INVALID = "invalid"
#: The variety of invalid records that break a Stripe Identity rule and no schema.
RULE_BROKEN = "expanded report of another session"
#: kind → share of the records, in the order the output lists them.
SHARES: dict[str, float] = {
    CLEAN_2026: 0.15,
    DRAWN: 0.35,
    OLD: 0.20,
    NEWER: 0.25,
    INVALID: 0.05,
}

#: Names a later API version could plausibly add (none is in either bundled version).
NEW_NAMES = (
    "risk_insights",
    "verification_channel",
    "submitted_at",
    "document_metadata",
    "attempt_count",
    "locale_hint",
)


class MixUnavailable(Exception):
    """The shared Stripe fixtures the mix is built from are missing."""


class Mix:
    """The distinct payloads (``pool``: kind, variety, payload) and the records, as pool indexes."""

    def __init__(self, pool: list[tuple[str, str, dict[str, Any]]], records: list[int]) -> None:
        self.pool = pool
        self.records = records

    def kinds(self) -> Counter[str]:
        """Records per kind."""
        return Counter(self.pool[i][0] for i in self.records)

    def varieties(self, kind: str) -> Counter[str]:
        """Records per variety within one kind (where each came from, or what is broken)."""
        return Counter(self.pool[i][1] for i in self.records if self.pool[i][0] == kind)

    def distinct(self) -> Counter[str]:
        """Distinct payloads per kind."""
        return Counter(kind for kind, _, _ in self.pool)

    def payloads(self) -> list[dict[str, Any]]:
        """The records' payloads, in file order (shared objects: do not mutate)."""
        return [self.pool[i][2] for i in self.records]

    def write(self, path: Path) -> int:
        """Write the records as JSON Lines; return the size in bytes."""
        import orjson

        lines = [orjson.dumps(payload) + b"\n" for _, _, payload in self.pool]
        size = 0
        with open(path, "wb") as out:  # a thousand records at a time: the bench stays small
            for start in range(0, len(self.records), 1000):
                chunk = b"".join(lines[i] for i in self.records[start : start + 1000])
                out.write(chunk)
                size += len(chunk)
        return size

    def composition(self) -> str:
        """One Markdown list of the kinds, their counts and what each holds."""
        total = len(self.records)
        distinct = self.distinct()
        out = []
        counts = self.kinds()
        for kind in sorted(counts, key=list(SHARES).index):
            count = counts[kind]
            parts = ", ".join(f"{name} {n:,}" for name, n in sorted(self.varieties(kind).items()))
            out.append(
                f"- {kind}: {count:,} records ({count / total:.0%}; "
                f"{distinct[kind]} distinct payloads): {parts}"
            )
        return "\n".join(out)


def _resources(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise MixUnavailable(f"{path} is missing (expected ../shared beside the repository)")
    resources: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["resources"]
    return resources


def _unknown_value(rng: random.Random) -> Any:
    return rng.choice(
        [
            None,
            True,
            rng.randint(0, 1_000_000),
            "v" + str(rng.randint(1, 99)),
            {"source": "newer_api", "level": rng.randint(1, 3)},
            ["a", "b"],
        ]
    )


def _nested_objects(value: Any, path: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every object below the top level that is a model (``metadata`` is a free-form map)."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "metadata" or not isinstance(child, dict):
                continue
            found.append(child)
            found.extend(_nested_objects(child, (*path, key)))
    return found


def with_unknown_fields(payload: dict[str, Any], rng: random.Random) -> tuple[str, dict[str, Any]]:
    """``payload`` as a newer API version sends it: one or two fields the models do not know."""
    out = copy.deepcopy(payload)
    nested = _nested_objects(out)
    where = rng.choice(["top", "nested", "both"] if nested else ["top"])
    names = iter(rng.sample(NEW_NAMES, 2))
    if where in ("top", "both"):
        out[next(names)] = _unknown_value(rng)
    if where in ("nested", "both"):
        rng.choice(nested)[next(names)] = _unknown_value(rng)
    if where == "top" and rng.random() < 0.5:
        out[next(names)] = _unknown_value(rng)
    return where, out


def _type_null(session: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(session)
    out["type"] = None
    out["options"] = {}  # options.document goes with type == "document" (a warning otherwise)
    if isinstance(out.get("last_verification_report"), dict):
        out["last_verification_report"] = out["last_verification_report"]["id"]
    return out


def _wrong_type(payload: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    out["created"] = str(out["created"])
    return out


def _other_session(session: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(session)
    out["last_verification_report"]["verification_session"] = "vs_" + "0" * 24
    return out


def build(records: int, seed: int = SEED) -> Mix:
    """The mix of ``records`` records (raises :class:`MixUnavailable` without ../shared)."""
    from bench.payloads import PAYLOADS
    from stripe_schemas.sampling import sample

    rng = random.Random(seed)
    new_fixtures, old_fixtures = _resources(FIXTURES_2026), _resources(FIXTURES_2023)
    pools: dict[str, list[tuple[str, dict[str, Any]]]] = {kind: [] for kind in SHARES}

    pools[CLEAN_2026] += [("Stripe 2026 fixtures", new_fixtures[key]) for key in (SESSION, REPORT)]
    examples = [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(EXAMPLES.glob("*.json"))
    ]
    pools[CLEAN_2026] += [
        ("spec/examples", example)
        for example in examples
        if example.get("object") in (SESSION, REPORT)
    ]
    pools[DRAWN] += [
        ("sessions", payload) for payload in sample(SESSION, DRAWN_SESSIONS, seed, now=NOW)
    ]
    pools[DRAWN] += [
        ("reports", payload) for payload in sample(REPORT, DRAWN_REPORTS, seed + 1, now=NOW)
    ]
    pools[OLD] += [("bench/payloads.py", payload) for payload in PAYLOADS.values()]
    pools[OLD] += [("Stripe 2023 fixtures", old_fixtures[key]) for key in (SESSION, REPORT)]

    bases = [payload for _, payload in pools[CLEAN_2026] + pools[DRAWN]]
    for base in bases:
        where, payload = with_unknown_fields(base, rng)
        pools[NEWER].append((f"unknown fields {where}", payload))

    old_sessions = [p for _, p in pools[OLD] if p["object"] == SESSION]
    expanded = [
        p
        for p in bases
        if p["object"] == SESSION and isinstance(p.get("last_verification_report"), dict)
    ]
    breakers: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], list[dict[str, Any]]]] = [
        ("2023 session, type null", _type_null, old_sessions),
        ("created as a string", _wrong_type, [p for _, p in pools[OLD]] + bases[:20]),
        (RULE_BROKEN, _other_session, expanded[:20]),
    ]
    for variety, breaker, sources in breakers:
        pools[INVALID] += [(variety, breaker(payload)) for payload in sources]

    pool: list[tuple[str, str, dict[str, Any]]] = []
    picks: list[int] = []
    kinds = list(SHARES)
    for n, kind in enumerate(kinds):
        last = n == len(kinds) - 1
        count = records - len(picks) if last else round(records * SHARES[kind])
        # Each way of breaking a record gets its share alike, whatever the size of its pool.
        first = len(pool)
        by_variety: dict[str, list[int]] = {}
        for variety, payload in pools[kind]:
            by_variety.setdefault(variety, []).append(len(pool))
            pool.append((kind, variety, payload))
        groups = list(by_variety.values()) if kind == INVALID else [list(range(first, len(pool)))]
        picks += [rng.choice(groups[i % len(groups)]) for i in range(count)]
    rng.shuffle(picks)
    return Mix(pool, picks)
