"""Semantic diff of two specs: what changed for code that uses the models, and does it break it.

Response side: both specs are read into the intermediate model (`ir`) for the same
roots, so the diff sees exactly what the generator sees (field states, types, enums,
formats, `maxLength`, expansion targets, `x-stripeBypassValidation`) and nothing else:
descriptions, titles, key order and `info` are not changes. Request side: the query and
form-body parameters of the operations that return a root (every operation with
`--all`), read from `paths` by `_operations` (the intermediate model has no
operations yet).

Every change has a kind, a level (`breaking`, `warning`, `compatible`), a side
(`response` or `request`), a JSON pointer into the spec (into NEW, or into OLD for
something removed) and a one-line message for the consumer. `KINDS` is the
classification table the docs show (`docs/versions.md`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from stripe_schemas.issues import counted
from stripe_schemas.model import join_pointer, split_pointer

from ._operations import (
    Operation,
    OperationKey,
    compare_operations,
    covered_keys,
    quote,
    read_operations,
)
from .errors import SpecError, SpecProblem
from .ir import (
    AliasDef,
    ClassDef,
    EnumDef,
    EnumRef,
    ExpandableOf,
    FieldDef,
    ListOf,
    MapOf,
    ModelRef,
    ModelSet,
    Primitive,
    TypeExpr,
    UnionOf,
)
from .keywords import REF_PREFIX
from .loader import LoadedSpec, shape_problems
from .parse import build_model_set
from .select import schema_pointer
from .slicing import SLICED_FROM_KEY, _returns_root

Level = Literal["breaking", "warning", "compatible"]
Side = Literal["response", "request"]
#: Levels from the least to the most severe (`--fail-on` compares by this order).
LEVELS: tuple[Level, ...] = ("compatible", "warning", "breaking")

#: kind → (side, level rule). The level is fixed unless the rule names what decides it.
KINDS: Mapping[str, tuple[Side, str]] = {
    "schema_added": ("response", "compatible"),
    "schema_removed": ("response", "breaking"),
    "field_added": ("response", "compatible"),
    "field_removed": ("response", "breaking"),
    "type_changed": ("response", "breaking"),
    "format_added": ("response", "compatible"),
    "format_changed": ("response", "warning"),
    "format_removed": ("response", "warning"),
    "made_optional": ("response", "breaking"),
    "made_required": ("response", "compatible"),
    "nullable_added": ("response", "breaking"),
    "nullable_removed": ("response", "compatible"),
    "enum_values_added": ("response", "warning; compatible with x-stripeBypassValidation"),
    "enum_values_removed": ("response", "compatible"),
    "bypass_added": ("response", "breaking"),
    "bypass_removed": ("response", "compatible"),
    "max_length_changed": ("response", "compatible"),
    "expansion_changed": ("response", "breaking"),
    "branch_added": ("response", "breaking"),
    "branch_removed": ("response", "compatible"),
    "operation_added": ("request", "compatible"),
    "operation_removed": ("request", "breaking"),
    "parameter_added": ("request", "compatible; breaking when required"),
    "parameter_removed": ("request", "breaking"),
    "parameter_made_required": ("request", "breaking"),
    "parameter_made_optional": ("request", "compatible"),
    "parameter_type_changed": ("request", "breaking; compatible when only widened"),
    "parameter_enum_values_added": ("request", "compatible"),
    "parameter_enum_values_removed": ("request", "breaking"),
}


@attrs.frozen
class Change:
    """One change between two specs, classified for the consumer of the models."""

    pointer: str
    kind: str
    level: Level
    side: Side
    message: str

    def line(self) -> str:
        """The change on one line: level, pointer, kind and message."""
        return f"{self.level:<10}  {self.pointer}  {self.kind}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {
            "pointer": self.pointer,
            "kind": self.kind,
            "level": self.level,
            "side": self.side,
            "message": self.message,
        }


@attrs.frozen
class SpecDiff:
    """The changes from OLD to NEW (sorted by pointer), and which specs they are."""

    old: LoadedSpec
    new: LoadedSpec
    changes: tuple[Change, ...]
    #: Things the user should know about the comparison itself (scope narrowed by a slice).
    notes: tuple[str, ...] = ()

    def count(self, level: Level) -> int:
        return sum(1 for change in self.changes if change.level == level)

    def at_least(self, level: Level) -> tuple[Change, ...]:
        """The changes at `level` or above, in pointer order."""
        floor = LEVELS.index(level)
        return tuple(c for c in self.changes if LEVELS.index(c.level) >= floor)

    def reaches(self, level: Level) -> bool:
        """Whether any change is at `level` or above."""
        return bool(self.at_least(level))

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"api_version": self.old.api_version, "sha256": self.old.sha256},
            "new": {"api_version": self.new.api_version, "sha256": self.new.sha256},
            "changes": [change.to_json() for change in self.changes],
        }

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(level)} {level}" for level in reversed(LEVELS))
        total = len(self.changes)
        return f"{counted(total, 'change')}: {counts}"

    def lines(self, limit: int | None = None) -> list[str]:
        """One line per change (most severe first), then the summary line."""
        ranked = sorted(self.changes, key=lambda c: -LEVELS.index(c.level))
        shown = ranked if limit is None else ranked[:limit]
        out = [c.line() for c in shown]
        if len(shown) < len(ranked):
            out.append(f"… and {len(ranked) - len(shown)} more (stripe-schemas diff lists all)")
        out.append(self.summary())
        return out


# --- the comparison ----------------------------------------------------------------------


@attrs.frozen
class Prepared:
    """One side of a comparison: the spec, its intermediate model and its operations."""

    spec: LoadedSpec
    model_set: ModelSet
    operations: Mapping[OperationKey, Operation]


def diff_specs(
    old: LoadedSpec,
    new: LoadedSpec,
    roots: Sequence[str] | None,
) -> SpecDiff:
    """Compare the closure of `roots` (every schema and operation with `None`).

    Both sides are built here, the same way: what the specs say, without the generator's
    own additions (an event's `data.object` typed by its tag). A root in neither spec is
    a `SpecError`.
    """
    problems = [
        *shape_problems(old.document, old.source),
        *shape_problems(new.document, new.source),
    ]
    for spec in (old, new):
        if not spec.schemas and not any(p.source == spec.source for p in problems):
            problems.append(SpecProblem(spec.source, "/components/schemas", "no component schemas"))
    if problems:
        raise SpecError(list(dict.fromkeys(problems)))  # once each (OLD and NEW may be one file)
    scope = _Scope.of(old, new, roots)
    # An operation in scope on either side is compared on both (one whose response stops
    # returning a root is still there, not removed).
    operations = covered_keys(old.document, scope.covers) | covered_keys(new.document, scope.covers)
    old_side = _prepare(old, scope, operations)
    new_side = _prepare(new, scope, operations)
    differ = _Differ(old_side, new_side)
    differ.compare()
    changes = sorted(differ.changes.values(), key=lambda c: (c.pointer, c.kind))
    return SpecDiff(old=old, new=new, changes=tuple(changes), notes=scope.notes)


def _sliced_from(spec: LoadedSpec) -> dict[str, Any] | None:
    info = spec.document.get("info")
    record = info.get(SLICED_FROM_KEY) if isinstance(info, dict) else None
    return record if isinstance(record, dict) else None


@attrs.frozen
class _Scope:
    """What both sides are compared on: the roots, and which operations count."""

    roots: tuple[str, ...] | None
    #: Path prefixes every compared operation must have (from slices that record them).
    prefixes: tuple[tuple[str, ...], ...]
    #: Roots whose operations count (a slice without prefixes kept only its own roots').
    operation_roots: frozenset[str] | None
    notes: tuple[str, ...]

    @classmethod
    def of(cls, old: LoadedSpec, new: LoadedSpec, roots: Sequence[str] | None) -> _Scope:
        notes: list[str] = []
        kept = None if roots is None else list(dict.fromkeys(roots))
        if kept is not None:
            missing = [r for r in kept if r not in old.schemas and r not in new.schemas]
            if missing:
                raise SpecError(
                    [
                        SpecProblem(new.source, schema_pointer(r), f"unknown root schema {r!r}")
                        for r in missing
                    ]
                )
        prefixes: list[tuple[str, ...]] = []
        operation_roots: set[str] | None = None
        for label, spec in (("OLD", old), ("NEW", new)):
            record = _sliced_from(spec)
            if record is None:
                continue
            if kept is not None:
                absent = [r for r in kept if r not in spec.schemas]
                for root in absent:
                    notes.append(f"{label} is a slice without {root!r}; left out of the comparison")
                kept = [r for r in kept if r not in absent]
            elif isinstance(record.get("roots"), list):
                notes.append(f"{label} is a slice: --all compares it with everything in the other")
            recorded = record.get("path_prefixes")
            if isinstance(recorded, list):
                prefixes.append(tuple(str(p) for p in recorded))
            elif isinstance(record.get("roots"), list):
                own = {str(r) for r in record["roots"]}
                operation_roots = own if operation_roots is None else operation_roots & own
        return cls(
            roots=None if kept is None else tuple(kept),
            prefixes=tuple(prefixes),
            operation_roots=None if operation_roots is None else frozenset(operation_roots),
            notes=tuple(notes),
        )

    def covers(self, path: str, operation: Any) -> bool:
        if not all(path.startswith(group) for group in self.prefixes):
            return False
        if self.roots is None:
            return True
        roots = set(self.roots)
        if self.operation_roots is not None:
            roots &= self.operation_roots
        return _returns_root(operation, {REF_PREFIX + r for r in roots})


def _prepare(spec: LoadedSpec, scope: _Scope, operations: set[OperationKey]) -> Prepared:
    present = None if scope.roots is None else [r for r in scope.roots if r in spec.schemas]
    if present == []:
        model_set = ModelSet(spec.api_version, spec.sha256, spec.source, (), (), (), ())
    else:
        model_set = build_model_set(spec, present, typed_events=False)
    return Prepared(spec, model_set, read_operations(spec.document, operations))


def _subject(ptr: str) -> str:
    """A readable name for a pointer: `account.settings.branding`, `x.tags[]`."""
    tokens = split_pointer(ptr)
    if tokens[:2] == ["components", "schemas"] and len(tokens) > 2:
        name, rest = tokens[2], tokens[3:]
        index = 0
        while index < len(rest):
            token = rest[index]
            if token == "properties" and index + 1 < len(rest):
                name += "." + rest[index + 1]
                index += 2
                continue
            if token == "items":
                name += "[]"
            elif token in ("anyOf", "oneOf", "allOf"):
                index += 1
            index += 1
        return name
    return ptr


def _is_component(ptr: str) -> bool:
    return ptr.count("/") == 3


_PRIMITIVE_WORDS = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "Any": "any JSON value",
    "None": "null",
}


def _members(type_: TypeExpr) -> list[TypeExpr]:
    if isinstance(type_, UnionOf):
        return [m for member in type_.members for m in _members(member)]
    return [type_]


def _signature(type_: TypeExpr) -> str:
    """What an `anyOf` branch is, for matching branches across specs (order does not count)."""
    match type_:
        case Primitive(name=name):
            return "null" if name == "None" else name
        case ModelRef(pointer=ptr):
            return "object:" + ptr if _is_component(ptr) else "object:inline"
        case EnumRef():
            return "enum"
        case ListOf():
            return "list"
        case MapOf():
            return "map"
        case ExpandableOf():
            return "expandable"
    return "union"  # pragma: no cover - unions are flattened by _members


class _Differ:
    def __init__(self, old: Prepared, new: Prepared) -> None:
        self.old = old
        self.new = new
        self.old_items = _items(old.model_set)
        self.new_items = _items(new.model_set)
        self.old_enums = {e.pointer: e for e in old.model_set.enums}
        self.new_enums = {e.pointer: e for e in new.model_set.enums}
        self.changes: dict[tuple[str, str], Change] = {}
        self._compared: set[tuple[str, str]] = set()

    def add(self, ptr: str, kind: str, message: str, level: Level | None = None) -> None:
        side, rule = KINDS[kind]
        fixed = rule.split(";")[0]
        chosen: Level = level if level is not None else fixed  # type: ignore[assignment]
        self.changes.setdefault((ptr, kind), Change(ptr, kind, chosen, side, message))

    # -- types in words ----------------------------------------------------------------
    def describe(self, type_: TypeExpr, enums: Mapping[str, EnumDef]) -> str:
        match type_:
            case Primitive(name=name):
                return _PRIMITIVE_WORDS[name]
            case ModelRef(pointer=ptr):
                return f"a `{_subject(ptr)}` object"
            case EnumRef(pointer=ptr):
                found = enums.get(ptr)
                count = len(found.values) if found is not None else 0
                return f"one of {count} values"
            case ListOf(item=item):
                return f"a list of ({self.describe(item, enums)})"
            case MapOf(value=value):
                return f"a map of ({self.describe(value, enums)})"
            case UnionOf(members=members):
                return " or ".join(self.describe(m, enums) for m in members)
            case ExpandableOf(targets=targets):
                names = ", ".join(f"`{_subject(t.pointer)}`" for t in targets)
                return f"an expandable ID of {names}"
        raise AssertionError(type_)  # pragma: no cover

    # -- schemas -----------------------------------------------------------------------
    def compare(self) -> None:
        old_keys = set(self.old.model_set.schema_keys)
        new_keys = set(self.new.model_set.schema_keys)
        for key in sorted(old_keys - new_keys):
            self.add(
                schema_pointer(key),
                "schema_removed",
                f"`{key}` is gone: models and code that use it break",
            )
        for key in sorted(new_keys - old_keys):
            self.add(schema_pointer(key), "schema_added", f"`{key}` is new")
        for key in sorted(old_keys & new_keys):
            ptr = schema_pointer(key)
            self.compare_items(self.old_items.get(ptr), self.new_items.get(ptr), ptr)
        self.compare_operations()

    def compare_items(
        self, old: ClassDef | AliasDef | None, new: ClassDef | AliasDef | None, ptr: str
    ) -> None:
        if isinstance(old, ClassDef) and isinstance(new, ClassDef):
            self.compare_classes(old, new)
        elif isinstance(old, AliasDef) and isinstance(new, AliasDef):
            self.compare_types(old.type, new.type, ptr, _subject(ptr), bypass=False)
        elif old is not None and new is not None:
            before = "an object schema" if isinstance(old, ClassDef) else "a union or alias"
            after = "an object schema" if isinstance(new, ClassDef) else "a union or alias"
            message = f"`{_subject(ptr)}` changed from {before} to {after}: its model changes"
            self.add(ptr, "type_changed", message)

    def compare_classes(self, old: ClassDef, new: ClassDef) -> None:
        if (old.pointer, new.pointer) in self._compared:
            return
        self._compared.add((old.pointer, new.pointer))
        before = {f.wire_name: f for f in old.fields}
        after = {f.wire_name: f for f in new.fields}
        for wire in before:
            if wire not in after:
                ptr = join_pointer(join_pointer(old.pointer, "properties"), wire)
                message = f"`{_subject(ptr)}` was removed: code that reads it breaks"
                self.add(ptr, "field_removed", message)
        for wire, field in after.items():
            ptr = join_pointer(join_pointer(new.pointer, "properties"), wire)
            if wire not in before:
                message = (
                    f"`{_subject(ptr)}` is a new field: models generated before it see an "
                    "unknown field (kept in lenient mode, an error in strict mode)"
                )
                self.add(ptr, "field_added", message)
            else:
                self.compare_fields(before[wire], field, ptr)

    def compare_fields(self, old: FieldDef, new: FieldDef, ptr: str) -> None:
        name = f"`{_subject(ptr)}`"
        if old.required and not new.required:
            message = f"{name} may now be absent (was required): code that reads it breaks"
            self.add(ptr, "made_optional", message)
        elif new.required and not old.required:
            self.add(ptr, "made_required", f"{name} is now always present (was optional)")
        if new.nullable and not old.nullable:
            message = f"{name} may now be null: code that expects a value breaks"
            self.add(ptr, "nullable_added", message)
        elif old.nullable and not new.nullable:
            self.add(ptr, "nullable_removed", f"{name} is never null any more")
        self.compare_types(old.type, new.type, ptr, _subject(ptr), bypass=new.bypass_validation)
        if (ptr, "type_changed") in self.changes:
            return  # its format, maxLength and enum marker went with the old type
        self.compare_format(old.format, new.format, ptr, name)
        self.compare_max_length(old.max_length, new.max_length, ptr, name)
        self.compare_bypass(old.bypass_validation, new.bypass_validation, ptr, name)

    def compare_format(self, old: str | None, new: str | None, ptr: str, name: str) -> None:
        if old == new:
            return
        if old is None:
            message = f"{name} now has format `{new}` (its JSON type is unchanged)"
            self.add(ptr, "format_added", message)
        elif new is None:
            message = (
                f"{name} lost format `{old}`: same JSON type, but no longer promised to be one"
            )
            self.add(ptr, "format_removed", message)
        else:
            message = (
                f"{name} changed format from `{old}` to `{new}`: same JSON type, "
                "but the value means something else"
            )
            self.add(ptr, "format_changed", message)

    def compare_max_length(self, old: int | None, new: int | None, ptr: str, name: str) -> None:
        if old == new:
            return
        if old is None:
            what = f"now limited to {new} characters"
        elif new is None:
            what = f"no longer limited (was {old} characters)"
        else:
            what = f"maxLength {'raised' if new > old else 'lowered'} from {old} to {new}"
        self.add(ptr, "max_length_changed", f"{name}: {what}")

    def compare_bypass(self, old: bool, new: bool, ptr: str, name: str) -> None:
        if new and not old:
            message = (
                f"{name} may now carry values outside its enum (x-stripeBypassValidation): "
                "its type gains `| UnknownEnumValue`, so typed code that names the enum's "
                "alias or matches the old values exhaustively breaks"
            )
            self.add(ptr, "bypass_added", message)
        elif old and not new:
            message = f"{name} now takes only its listed values (x-stripeBypassValidation removed)"
            self.add(ptr, "bypass_removed", message)

    # -- types -------------------------------------------------------------------------
    def compare_types(
        self, old: TypeExpr, new: TypeExpr, ptr: str, subject: str, *, bypass: bool
    ) -> None:
        old_members, new_members = _members(old), _members(new)
        if len(old_members) == 1 and len(new_members) == 1:
            self.compare_single(old_members[0], new_members[0], ptr, subject, bypass=bypass)
            return
        before = {_signature(m): m for m in reversed(old_members)}
        after = {_signature(m): m for m in reversed(new_members)}
        if not set(before) & set(after):
            self.type_changed(old, new, ptr, subject)
            return
        name = f"`{subject}`"
        for sig, member in before.items():
            if sig in after:
                self.compare_single(member, after[sig], ptr, subject, bypass=bypass)
            elif sig == "null":
                self.add(ptr, "nullable_removed", f"{name} is never null any more")
            else:
                words = self.describe(member, self.old_enums)
                self.add(ptr, "branch_removed", f"{name} is no longer {words}")
        for sig, member in after.items():
            if sig in before:
                continue
            if sig == "null":
                message = f"{name} may now be null: code that expects a value breaks"
                self.add(ptr, "nullable_added", message)
            else:
                words = self.describe(member, self.new_enums)
                message = (
                    f"{name} may now also be {words}: code that handles only the old shapes breaks"
                )
                self.add(ptr, "branch_added", message)

    def type_changed(self, old: TypeExpr, new: TypeExpr, ptr: str, subject: str) -> None:
        message = (
            f"`{subject}` changed type from {self.describe(old, self.old_enums)} to "
            f"{self.describe(new, self.new_enums)}: code that reads it breaks"
        )
        self.add(ptr, "type_changed", message)

    def compare_single(
        self, old: TypeExpr, new: TypeExpr, ptr: str, subject: str, *, bypass: bool
    ) -> None:
        match old, new:
            case EnumRef(), EnumRef():
                self.compare_enums(self.old_enums[old.pointer], self.new_enums[new.pointer], bypass)
            case ModelRef(), ModelRef():
                if old.pointer == new.pointer and _is_component(old.pointer):
                    return  # the component itself is compared at its own pointer
                if not _is_component(old.pointer) and not _is_component(new.pointer):
                    self.compare_items(
                        self.old_items.get(old.pointer), self.new_items.get(new.pointer), ptr
                    )
                    return
                if self.same_shape(old.pointer, new.pointer, set()):
                    message = (
                        f"`{subject}` is now a `{_subject(new.pointer)}` object instead of a "
                        f"`{_subject(old.pointer)}` one: the same fields on the wire, but code "
                        "that names the old model class breaks"
                    )
                    self.add(ptr, "type_changed", message)
                    return
                self.type_changed(old, new, ptr, subject)
            case ListOf(), ListOf():
                self.compare_types(old.item, new.item, ptr, subject + "[]", bypass=bypass)
            case MapOf(), MapOf():
                self.compare_types(old.value, new.value, ptr, subject + "{}", bypass=bypass)
            case ExpandableOf(), ExpandableOf():
                before = {_subject(t.pointer) for t in old.targets}
                after = {_subject(t.pointer) for t in new.targets}
                if before != after:
                    parts = []
                    if after - before:
                        parts.append("now also to " + ", ".join(sorted(after - before)))
                    if before - after:
                        parts.append("no longer to " + ", ".join(sorted(before - after)))
                    message = (
                        f"`{subject}` expands {'; '.join(parts)}: code that reads the "
                        "expanded object breaks"
                    )
                    self.add(ptr, "expansion_changed", message)
            case Primitive(), Primitive():
                if old.name != new.name:
                    self.type_changed(old, new, ptr, subject)
            case _:
                self.type_changed(old, new, ptr, subject)

    def same_shape(self, old_ptr: str, new_ptr: str, assumed: set[tuple[str, str]]) -> bool:
        """Whether two schemas describe the same JSON (field by field, recursively)."""
        if (old_ptr, new_ptr) in assumed:
            return True
        assumed.add((old_ptr, new_ptr))
        old, new = self.old_items.get(old_ptr), self.new_items.get(new_ptr)
        if isinstance(old, ClassDef) and isinstance(new, ClassDef):
            if [f.wire_name for f in old.fields] != [f.wire_name for f in new.fields]:
                return False
            untyped = Primitive("Any")
            return all(
                attrs.evolve(a, type=untyped) == attrs.evolve(b, type=untyped)
                and self.same_type(a.type, b.type, assumed)
                for a, b in zip(old.fields, new.fields, strict=True)
            )
        if isinstance(old, AliasDef) and isinstance(new, AliasDef):
            return self.same_type(old.type, new.type, assumed)
        return False

    def same_type(self, old: TypeExpr, new: TypeExpr, assumed: set[tuple[str, str]]) -> bool:
        match old, new:
            case ModelRef(), ModelRef():
                return self.same_shape(old.pointer, new.pointer, assumed)
            case EnumRef(), EnumRef():
                before, after = self.old_enums[old.pointer], self.new_enums[new.pointer]
                return (before.values, before.bypass_validation) == (
                    after.values,
                    after.bypass_validation,
                )
            case ListOf(), ListOf():
                return self.same_type(old.item, new.item, assumed)
            case MapOf(), MapOf():
                return self.same_type(old.value, new.value, assumed)
            case UnionOf(), UnionOf():
                return len(old.members) == len(new.members) and all(
                    self.same_type(a, b, assumed)
                    for a, b in zip(old.members, new.members, strict=True)
                )
            case ExpandableOf(), ExpandableOf():
                return [_subject(t.pointer) for t in old.targets] == [
                    _subject(t.pointer) for t in new.targets
                ]
            case Primitive(), Primitive():
                return old == new
        return False

    def compare_enums(self, old: EnumDef, new: EnumDef, field_bypass: bool) -> None:
        ptr = new.pointer
        name = f"`{_subject(ptr)}`"
        self.compare_bypass(old.bypass_validation, new.bypass_validation, ptr, name)
        added = [v for v in new.values if v not in old.values]
        removed = [v for v in old.values if v not in new.values]
        if added:
            if new.bypass_validation or field_bypass:
                message = (
                    f"{name} has new values {quote(added)} (marked x-stripeBypassValidation: "
                    "models accept unknown values there already)"
                )
                self.add(ptr, "enum_values_added", message, "compatible")
            else:
                message = (
                    f"{name} has new values {quote(added)}: strict validation and exhaustive "
                    "matches on the old models fail on them, although Stripe calls it compatible"
                )
                self.add(ptr, "enum_values_added", message, "warning")
        if removed:
            self.add(ptr, "enum_values_removed", f"{name} no longer takes {quote(removed)}")

    # -- operations (request side) -----------------------------------------------------

    def compare_operations(self) -> None:
        compare_operations(self.old.operations, self.new.operations, self.add)


def _items(model_set: ModelSet) -> dict[str, ClassDef | AliasDef]:
    found: dict[str, ClassDef | AliasDef] = {c.pointer: c for c in model_set.classes}
    found.update((a.pointer, a) for a in model_set.aliases)
    return found
