"""The one compiler from the rule table (`stripe_schemas.identity.RULES`) to every checker.

A rule is data ([`Check`][stripe_schemas.identity.Check]: schema keys, a field, a predicate, a
condition, API versions). Nobody writes a rule's logic by hand; this module turns each
predicate and condition into JSON Schema, and builds from them, for one schema document:

* **the fast path** (`KeyRules.clean`): the strict schema of a resource with every
  check folded in, which jsonschema-rs runs in one call. A payload passes it exactly when
  it conforms to the strict schema and breaks no check that a schema can say;
* **the findings** (`KeyRules.findings()`): one small schema per check, holding only
  that check at every place its schema keys occur, so jsonschema-rs's errors say which
  check failed and where (the detailed path, when the fast path refuses);
* **the residual** (`KeyRules.residual`): for [`SameAs`][stripe_schemas.identity.SameAs],
  which JSON Schema cannot say, a Python check made from the same object: the condition is
  still compiled to JSON Schema, only the comparison is Python.

Both schemas come from the same fragments, so the fast verdict and the findings cannot
drift apart; a property test holds them together on realistic and on mutated payloads.

Redaction is context: a check whose condition names [`REDACTED`][stripe_schemas.identity.REDACTED]
is compiled twice, for an object in a redacted resource and for one that is not, and the
resource dispatches on its own test (`REDACTED_WHEN`) with one
cheap `if`. Every value is still visited once: a fragment that constrains a referenced
object only is merged into a specialised copy of that object's definition (`Builder`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .. import identity as facts
from ..io import shallow
from ..issues import Issue
from ..model import Mode, def_key, pointer
from ..requires import require
from ..rules import Check, Cond, Rule, SameAs
from ._classify import describe
from ._rule_schema import check_parts, combine, cond_schema, path_tokens
from ._specialise import Builder, single_ref

__all__ = ["Finding", "KeyRules", "RuleSet", "to_issues"]

#: A finding before the mode gives it a severity: (rule, JSON pointer, message).
Finding = tuple[Rule, str, str]


_MISSING: Any = object()


def _value_at(payload: Any, tokens: Sequence[str | int]) -> Any:
    """The value at `tokens` (`_MISSING` when absent, or when a holder on the way is not
    an object)."""
    value = payload
    for token in tokens:
        if type(value) is dict:
            value = value.get(token, _MISSING)
        elif type(value) is list and type(token) is int and 0 <= token < len(value):
            value = value[token]
        else:
            return _MISSING
    return value


def _error_pointer(error: Any) -> list[str | int]:
    tokens: list[str | int] = list(error.instance_path)
    kind = error.kind
    if type(kind).__name__ == "Required":
        tokens.append(kind.property)
    return tokens


@attrs.frozen
class _Probe:
    """One check compiled for one resource: a schema holding only that check."""

    rule: Rule
    check: Check
    is_valid: Callable[[Any], bool]
    iter_errors: Callable[[Any], Iterable[Any]]


@attrs.frozen
class _Residual:
    """A `SameAs` check: a comparison, then its condition (JSON Schema).

    The values are compared first: on a valid payload they are equal, so the condition (a
    call into jsonschema-rs) only runs when they differ.
    """

    rule: Rule
    check: Check
    field: tuple[str, ...]
    other: tuple[str, ...]
    when: Callable[[Any], bool] | None
    #: `(payload, readable copy) -> True` when the check fails (built from the paths above).
    #: The values are compared in `payload`; the condition runs on the copy, when given
    #: (one jsonschema-rs can read: see `_encodable()`).
    fails: Callable[..., bool] = attrs.field(init=False)

    @fails.default
    def _fails(self) -> Callable[..., bool]:
        field, other, when = self.field, self.other, self.when
        if len(field) == 2 and len(other) == 1:  # a field of a held object and one of the holder
            holder, name = field
            (mine,) = other

            def fails_shallow(payload: dict[str, Any], readable: Any = None) -> bool:
                inner = payload.get(holder)
                if type(inner) is not dict:
                    return False
                if inner.get(name, _MISSING) == payload.get(mine, _MISSING):
                    return False
                return when is None or when(payload if readable is None else readable)

            return fails_shallow

        def fails(payload: dict[str, Any], readable: Any = None) -> bool:
            if field[:-1] and type(_value_at(payload, field[:-1])) is not dict:
                return False  # the object holding the field is not there: nothing to compare
            if _value_at(payload, field) == _value_at(payload, other):
                return False
            return when is None or when(payload if readable is None else readable)

        return fails


def _message(check: Check, where: str, value: Any) -> str:
    field = where.rsplit("/", 1)[-1] if where else "the object"
    shown = "nothing" if value is _MISSING else describe(where, value)
    return check.message.format(field=field, value=shown)


class Screen:
    """Probes screened by one schema holding all their checks, split in halves on failure.

    A payload that passes the screen passes every probe behind it. One that fails it is
    screened by each half in turn, so one broken check among *n* costs about 2·log₂ *n*
    calls rather than *n*. The halves' schemas are compiled on first use (a clean payload
    never needs them); a race compiles one twice, with the same result.
    """

    __slots__ = ("_build", "_halves", "is_valid", "probes")

    def __init__(
        self,
        probes: tuple[_Probe, ...],
        build: Callable[[Sequence[Check]], Callable[[Any], bool]],
        is_valid: Callable[[Any], bool] | None = None,
    ) -> None:
        self.probes = probes
        self._build = build
        self._halves: tuple[Screen, Screen] | None = None
        #: `payload -> True` when every probe behind this screen passes.
        self.is_valid: Callable[[Any], bool] = (
            is_valid if is_valid is not None else self._compile_then_check
        )

    def _compile_then_check(self, payload: Any) -> bool:
        self.is_valid = self._build([probe.check for probe in self.probes])
        return self.is_valid(payload)

    def failing(self, payload: Any) -> list[_Probe]:
        """The probes that fail on `payload`, in table order."""
        if len(self.probes) == 1:
            probe = self.probes[0]
            return [] if probe.is_valid(payload) else [probe]
        if self.is_valid(payload):
            return []
        halves = self._halves
        if halves is None:
            middle = len(self.probes) // 2
            halves = self._halves = (
                Screen(self.probes[:middle], self._build),
                Screen(self.probes[middle:], self._build),
            )
        return halves[0].failing(payload) + halves[1].failing(payload)


@attrs.frozen(eq=False)
class KeyRules:
    """The rules of one resource, compiled (see the module docstring)."""

    key: str
    #: The fast-path schema: strict conformance and every check a schema can say.
    clean: dict[str, Any]
    probes: tuple[_Probe, ...]
    residuals: tuple[_Residual, ...]
    #: The probes behind a tree of screens (see `Screen`): all the probes' checks in
    #: one schema (and nothing of the strict schema), so a payload that only breaks the
    #: schema skips them, and one that breaks a check reaches its probe in a few calls.
    screens: Screen | None = None
    #: `payload -> True` when a residual check fails (None: the resource has none).
    residual: Callable[[dict[str, Any]], bool] | None = attrs.field(init=False)
    #: The field every residual check looks inside, when they share one: they can only fail
    #: when it holds an object (the fast path looks at it before calling `residual`).
    residual_field: str | None = attrs.field(init=False)

    @residual.default
    def _residual(self) -> Callable[[dict[str, Any]], bool] | None:
        checks = tuple(r.fails for r in self.residuals)
        if not checks:
            return None
        if len(checks) == 2:
            first, second = checks
            return lambda payload: first(payload) or second(payload)

        return lambda payload: any(fails(payload) for fails in checks)

    @residual_field.default
    def _residual_field(self) -> str | None:
        holders = {r.field[0] if len(r.field) > 1 else None for r in self.residuals}
        return holders.pop() if len(holders) == 1 else None

    def findings(self, payload: dict[str, Any]) -> list[Finding]:
        """Every check that fails, with the pointer of the value at fault, in table order."""
        try:
            return self._findings(payload, payload)
        except ValueError:  # a value jsonschema-rs cannot take (a lone surrogate, deep nesting)
            return self._findings(payload, _encodable(shallow(payload)))

    def _findings(self, payload: dict[str, Any], readable: dict[str, Any]) -> list[Finding]:
        out: list[Finding] = []
        failing = self.probes if self.screens is None else self.screens.failing(readable)
        for probe in failing:
            if self.screens is None and probe.is_valid(readable):
                continue
            seen: set[str] = set()
            for error in probe.iter_errors(readable):
                tokens = _error_pointer(error)
                where = pointer(tokens)
                if where in seen:
                    continue
                seen.add(where)
                value = _value_at(payload, tokens)
                out.append((probe.rule, where, _message(probe.check, where, value)))
        for residual in self.residuals:
            if residual.fails(payload, readable):
                where = pointer(residual.field)
                value = _value_at(payload, residual.field)
                out.append((residual.rule, where, _message(residual.check, where, value)))
        return out


def _encodable(value: Any) -> Any:
    """A copy of a JSON value that jsonschema-rs reads: text UTF-8 can encode (lone
    surrogates replaced), and plain `str` for a subclass of it (which it refuses)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(v) for v in value]
    return value


def to_issues(findings: Iterable[Finding], mode: Mode) -> list[Issue]:
    """Give each finding its rule's severity in `mode`."""
    return [Issue(where, rule.code, rule.severity(mode), text) for rule, where, text in findings]


class RuleSet:
    """The rule table compiled for one schema document (its strict `$defs` and API version).

    Only the resources that can be redacted (`REDACTED_WHEN`), and what
    they hold, carry rules: other resources, and objects validated on their own, have none.
    """

    def __init__(
        self,
        strict: Mapping[str, Any],
        dialect: str,
        api_version: str | None,
        rules: Iterable[Rule] | None = None,
    ) -> None:
        self.strict = strict
        self.dialect = dialect
        self.api_version = api_version
        chosen = tuple(facts.RULES if rules is None else rules)
        #: Every check that holds for this version, with its rule, in table order.
        self.checks: tuple[tuple[Rule, Check], ...] = tuple(
            (rule, check)
            for rule in chosen
            if rule.layer == "invariant"
            for check in rule.checks
            if check.versions.covers(api_version) and any(k in strict for k in check.on)
        )
        self.roots: dict[str, Cond] = {
            key: cond for key, cond in facts.REDACTED_WHEN.items() if key in strict
        }
        for rule, check in self.checks:
            if isinstance(check.must, SameAs) and not set(check.on) <= set(self.roots):
                raise ValueError(
                    f"{rule.code}: a SameAs check must be on a resource, not {check.on}"
                )
        self._reach: dict[tuple[str, frozenset[str]], bool] = {}
        every = frozenset(k for _, check in self.checks for k in check.on)
        #: The resources that have rules (each one's `for_key()` is not None).
        self.keys: frozenset[str] = frozenset(k for k in self.roots if self.reaches(k, every))

    def reaches(self, key: str, on: frozenset[str], path: tuple[str, ...] = ()) -> bool:
        """Whether an object of `key` is of, or holds (at any depth), a schema key in `on`."""
        found = self._reach.get((key, on))
        if found is not None:
            return found
        if key in on:
            result = True
        elif key in path:
            return False  # a cycle: the other branches decide
        else:
            schema = self.strict.get(key)
            declared = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
            result = False
            for node in declared.values():
                ref = single_ref(node)
                target = def_key(ref) if ref is not None else None
                if target in self.strict and self.reaches(str(target), on, (*path, key)):
                    result = True
                    break
        self._reach[(key, on)] = result
        return result

    def _builder(self, checks: Sequence[Check], *, full: bool) -> Builder:
        on = frozenset(k for check in checks for k in check.on)

        def fragment(key: str, redacted: bool) -> dict[str, Any] | None:
            parts = (
                check_parts(check, redacted, probe=not full) for check in checks if key in check.on
            )
            return combine(part for part in parts if part is not None)

        return Builder(
            self.strict, self.roots, fragment, lambda key: self.reaches(key, on), full=full
        )

    def clean_schema(self, key: str) -> dict[str, Any] | None:
        """The schema of `key` (in this set's `$defs`) with every check a schema can say
        folded in (None when no rule applies to it)."""
        if key not in self.keys:
            return None
        full = self._builder([check for _, check in self.checks], full=True)
        return full.document(self.dialect, full.entry(key))

    def for_key(self, key: str) -> KeyRules | None:
        """The compiled rules of `key` (None when no rule applies to it)."""
        clean = self.clean_schema(key)
        if clean is None:
            return None
        jsonschema_rs = require("jsonschema_rs", "validation", "validation")
        probes: list[_Probe] = []
        residuals: list[_Residual] = []
        for rule, check in self.checks:
            if not self.reaches(key, frozenset(check.on)):
                continue
            if isinstance(check.must, SameAs):
                if key in check.on:
                    residuals.append(self._residual(rule, check, key))
                continue
            only = self._builder([check], full=False)
            validator = jsonschema_rs.validator_for(only.document(self.dialect, only.entry(key)))
            probes.append(_Probe(rule, check, validator.is_valid, validator.iter_errors))
        screens = None
        if len(probes) > 1:

            def build(checks: Sequence[Check]) -> Callable[[Any], bool]:
                every = self._builder(checks, full=False)
                document = every.document(self.dialect, every.entry(key))
                return jsonschema_rs.validator_for(document).is_valid  # type: ignore[no-any-return]

            ordered = tuple(probes)
            screens = Screen(ordered, build, build([probe.check for probe in ordered]))
        return KeyRules(key, clean, tuple(probes), tuple(residuals), screens)

    def _residual(self, rule: Rule, check: Check, key: str) -> _Residual:
        assert isinstance(check.must, SameAs)
        field = tuple(path_tokens(check.field))
        when = cond_schema(check.when, cond_schema(self.roots[key], False))
        test: Callable[[Any], bool] | None = None
        if when is False:
            test = _never
        elif when is not True:
            jsonschema_rs = require("jsonschema_rs", "validation", "validation")
            test = jsonschema_rs.validator_for({"$schema": self.dialect, **when}).is_valid
        return _Residual(rule, check, field, tuple(path_tokens(check.must.path)), test)


def _never(payload: Any) -> bool:
    return False
