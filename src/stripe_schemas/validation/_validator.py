"""The validator: pick the model, run the fast path, fall back to the detailed path.

`Validator.validate()` is the one entry: the module function
`validate()`, `validate_history`, the `validate` command and the Dask
workers all go through it, so the fast path exists once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .. import identity as facts
from .. import io as jsonio
from ..io import check_value, shallow
from ..issues import (
    API_VERSION_MISMATCH,
    NULL_NOT_ALLOWED,
    TYPE_MISMATCH,
    UNKNOWN_MODEL,
    WRONG_OBJECT_TAG,
    Issue,
    printable,
    resource_root,
)
from ..model import (
    BUNDLED,
    ModelPackage,
    check_document,
    document_of,
    is_under,
    load_default_document,
    models_for,
    package_of,
    resource_id_of,
    schema_key_of,
    tagged_objects,
    union_alias_of,
)
from ..requires import require
from ..rules import Rule
from ._classify import classify, describe
from ._compile import KeyRules, RuleSet, to_issues
from ._envelopes import ENVELOPE_DEFS, EVENT, LIST, PARTIAL_PREFIX, check_envelope, partial_defs
from ._notices import Unsupported, Walker, notices_path, refuse
from ._report import INPUT_CODES, MODES, Mode, Report, merge_issues
from ._schema import SchemaChecker, lenient_defs, strict_defs


class _Compiled:
    """Everything needed to validate one schema key, built once."""

    __slots__ = (
        "checker",
        "fast",
        "is_clean",
        "key",
        "notices_only",
        "ok_report",
        "residual",
        "rules",
    )

    def __init__(self, key: str, checker: SchemaChecker, rules: KeyRules | None) -> None:
        self.key = key
        self.checker = checker
        #: The key's Identity rules, compiled from the rule table (None: it has none).
        self.rules = rules
        #: The fast verdict: strict conformance *and* the rules compiled into the schema.
        self.is_clean: Callable[[Any], bool] = checker.is_clean
        #: The checks JSON Schema cannot say (see `_compile`), when the key has any.
        self.residual: Callable[[dict[str, Any]], bool] | None = rules.residual if rules else None
        self.ok_report = Report((), key)
        #: The fast path (see `_fast_path()`).
        self.fast: Callable[[dict[str, Any]], Report | None] = _fast_path(
            self.is_clean, self.residual, rules.residual_field if rules else None, self.ok_report
        )
        #: The lenient path of a payload the fast path refused (see
        #: `Validator.notices_only()`); built on first use.
        self.notices_only: Callable[[dict[str, Any]], Report | None] | None = None

    def findings(self, payload: dict[str, Any], mode: Mode) -> list[Issue]:
        """The issues of the key's rules in `payload` (none when it has no rules)."""
        return to_issues(self.rules.findings(payload), mode) if self.rules else []


def _fast_path(
    is_clean: Callable[[Any], bool],
    residual: Callable[[dict[str, Any]], bool] | None,
    residual_field: str | None,
    ok_report: Report,
) -> Callable[[dict[str, Any]], Report | None]:
    """The fast path of one model: the shared `ok` report when a payload passes the compiled
    check (and the residual checks, when the model has any), else None.

    jsonschema-rs raises ValueError for Python values JSON cannot hold (a key that is
    not a string); the detailed path reports those.
    """
    if residual is not None and residual_field is not None:

        def fast_with_residual(payload: dict[str, Any]) -> Report | None:
            try:
                if not is_clean(payload):
                    return None
            except ValueError:
                return None
            if type(payload.get(residual_field)) is dict and residual(payload):
                return None
            return ok_report

        return fast_with_residual

    def fast(payload: dict[str, Any]) -> Report | None:
        try:
            if not is_clean(payload):
                return None
        except ValueError:
            return None
        if residual is not None and residual(payload):
            return None
        return ok_report

    return fast


class SchemaDocumentError(ValueError):
    """The JSON Schema document is unusable: not a document, or a schema that does not compile."""


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message (jsonschema's messages span many lines)."""
    text = str(getattr(exc, "message", "") or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _object_tags(schema: Any) -> tuple[str, ...]:
    """The `object` tag values a schema accepts (its `object` property's enum)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    tag = properties.get("object") if isinstance(properties, dict) else None
    values = tag.get("enum") if isinstance(tag, dict) else None
    return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()


class Validator:
    """Validates payloads against one JSON Schema document (by default the committed one).

    `rules`: the Identity rule table (by default `stripe_schemas.identity.RULES`, read
    when the validator is built). Each schema key is compiled once, on first use, under a
    lock, into the same checkers whenever that happens: what was validated before never
    changes a verdict. A `Validator` is safe to share between threads.
    """

    def __init__(
        self, document: dict[str, Any] | None = None, *, rules: Iterable[Rule] | None = None
    ) -> None:
        loaded: object = document if document is not None else load_default_document()
        if not isinstance(loaded, dict):
            kind = type(loaded).__name__
            raise SchemaDocumentError(f"not a JSON Schema document (a {kind}, not an object)")
        self.document: dict[str, Any] = loaded
        defs = self.document.get("$defs")
        if not isinstance(defs, dict):
            raise SchemaDocumentError("not a stripe_schemas JSON Schema document (no $defs)")
        self._dialect = str(
            self.document.get("$schema", "https://json-schema.org/draft/2020-12/schema")
        )
        resources = self.document.get("x-resources")
        #: Resource id → schema key, as the document lists them.
        self.resources: dict[str, str] = dict(resources) if isinstance(resources, dict) else {}
        self._defs: dict[str, Any] = {**ENVELOPE_DEFS, **defs}
        self._resource_keys = frozenset(k for k in self.resources.values() if isinstance(k, str))
        #: `object` tag → the schema keys that carry it, the most required fields first
        #: (`customer` before `deleted_customer`: a deleted object lacks the live one's).
        self.tags: dict[str, tuple[str, ...]] = self._tag_table()
        self._strict: dict[str, Any] | None = None
        self._lenient: dict[str, Any] | None = None
        version = self.document.get("x-api-version")
        #: The API version of the document's spec (None: the document does not say).
        self.api_version: str | None = version if isinstance(version, str) else None
        #: The rule table this validator applies (fixed when it is built).
        self.rules: tuple[Rule, ...] = tuple(facts.RULES if rules is None else rules)
        self._rule_set: RuleSet | None = None
        self._lenient_rules: RuleSet | None = None
        self._walker: Walker | None = None
        self._compiled: dict[str, _Compiled] = {}
        #: `object` tag → the one model it names (lists and events are envelopes).
        self._single: dict[str, str] = {
            tag: keys[0]
            for tag, keys in self.tags.items()
            if len(keys) == 1 and tag not in (LIST, EVENT)
        }
        #: `object` tag → the fast path of its model, once compiled (see `_fast_path()`).
        self._fast: dict[str, Callable[[dict[str, Any]], Report | None]] = {}
        self._lock = threading.Lock()
        #: generated package name → the validator of its document with this one's rules,
        #: shared by every validator of the family (see `_shared()`).
        self._family: dict[str, Validator] = {}

    def _tag_table(self) -> dict[str, tuple[str, ...]]:
        """`object` tag → schema keys: the resources', and the schemas that carry a
        resource's tag without being one (a deleted object; see [`stripe_schemas._objects`][stripe_schemas._objects])."""
        table: dict[str, list[str]] = {LIST: [LIST]}
        resources = sorted(k for k in set(self.resources.values()) if isinstance(k, str))
        tags = {key: _object_tags(schema) for key, schema in self._defs.items()}
        for key in tagged_objects([k for k in resources if k in self._defs], tags):
            for tag in tags[key]:
                table.setdefault(tag, []).append(key)
        for rid, key in self.resources.items():  # a resource without an ``object`` enum
            if isinstance(key, str) and key in self._defs and not tags[key]:
                table.setdefault(rid, []).append(key)
        return {
            tag: tuple(sorted(keys, key=lambda k: -len(self._defs[k].get("required", ()))))
            for tag, keys in table.items()
        }

    def for_event(self, event: Mapping[str, Any]) -> tuple[Validator, Issue | None]:
        """The validator of an event's own API version, and a notice when it cannot be.

        A validator of bundled models hands an event of another bundled version to that
        version's validator. An event of a version with no models here is checked by this
        one, with an `api_version_mismatch` notice: never silently as if it were this one.
        """
        version = event.get("api_version")
        if not isinstance(version, str) or version == self.api_version:
            return self, None
        if self._is_bundled() and version in BUNDLED:
            return _shared(_version_package(version), self), None
        mine = self.api_version or "an unnamed version"
        message = (
            f"the event is of API version {printable(version[:40])!r}, which has no models "
            f"here; it was checked against {mine}"
        )
        return self, Issue("/api_version", API_VERSION_MISMATCH, "notice", message)

    def _is_bundled(self) -> bool:
        """Whether this validator's document is the one of a bundled version's models."""
        return self._package_name() is not None

    def _package_name(self) -> str | None:
        """The bundled models package whose document this validator's is (None: no such)."""
        if self.api_version is None or self.api_version not in BUNDLED:
            return None
        models = models_for(self.api_version)
        same = self.document.get("x-spec-sha256") == models.SPEC_SHA256
        return models.__name__ if same else None

    # --- model resolution ---------------------------------------------------------------

    def resolve(self, model: object) -> str | None:
        """The schema key for a model given as a key, a resource id, a generated class or a
        union alias of generated classes (`Car | Bike`, as `model_for` gives it)."""
        if isinstance(model, str):
            if model in self._defs and not model.startswith(PARTIAL_PREFIX):
                return model
            return self.resources.get(model)
        alias = union_alias_of(model)
        if alias is not None:
            check_document(alias[0], self.document)
            return alias[1] if alias[1] in self._defs else None
        check_document(model, self.document)  # a model of another spec's package is an error
        key = schema_key_of(model)
        if key is not None and key in self._defs:
            return key
        resource = resource_id_of(model)
        return self.resources.get(resource) if resource is not None else None

    def key_for(self, payload: Mapping[str, Any]) -> str | None:
        """The schema key a payload's `object` tag names (None: no model for it)."""
        tag = payload.get("object")
        keys = (
            self.tags.get(str.__str__(tag)) if isinstance(tag, str) else None
        )  # a str enum's value
        if not keys:
            return None
        if len(keys) > 1:
            for key in keys:
                if set(self._defs[key].get("required", ())) <= payload.keys():
                    return key
        return keys[0]

    def check(self) -> None:
        """Check the whole document up front (else schemas compile on first use).

        The document must be valid JSON Schema (its own dialect's metaschema), and
        the schema of every resource in `x-resources` must compile. Raises
        `SchemaDocumentError` saying what is wrong and where.
        """
        jsonschema = require("jsonschema", "validation", "validation")
        from jsonschema.exceptions import SchemaError

        cls = jsonschema.validators.validator_for(
            self.document, default=jsonschema.Draft202012Validator
        )
        try:
            cls.check_schema(self.document)
        except SchemaError as exc:
            at = exc.json_path
            where = f" at {at}" if at != "$" else ""
            raise SchemaDocumentError(f"not a valid JSON Schema{where}: {_reason(exc)}") from exc
        for key in sorted(set(self.resources.values()), key=str):
            if not isinstance(key, str) or key not in self._defs:
                raise SchemaDocumentError(f"x-resources names {key!r}, which is not in $defs")
            self.compiled(key)

    def compiled(self, key: str) -> _Compiled:
        """The compiled validators of a schema key (compiled on first use).

        Raises `SchemaDocumentError` when the key's schema does not compile.
        """
        found = self._compiled.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                found = self._compile(key)
                for tag, single in self._single.items():
                    if single == key:
                        self._fast[tag] = found.fast
                self._compiled[key] = found
        return found

    def _compile(self, key: str) -> _Compiled:
        if key.startswith(PARTIAL_PREFIX) and key not in self._defs:
            self._add_defs(partial_defs(self._defs, key.removeprefix(PARTIAL_PREFIX)))
        if self._strict is None:
            self._strict = strict_defs(self._defs)
        if self._rule_set is None:
            version = self.document.get("x-api-version")
            self._rule_set = RuleSet(
                self._strict,
                self._dialect,
                version if isinstance(version, str) else None,
                self.rules,
            )
        try:
            rules = self._rule_set.for_key(key)
            checker = SchemaChecker(
                key,
                self._dialect,
                self._strict,
                self._lenient_variant,
                rules.clean if rules is not None else None,
            )
        except ValueError as exc:  # jsonschema-rs refuses a schema it cannot compile
            raise SchemaDocumentError(
                f"the schema of {key!r} does not compile: {_reason(exc)}"
            ) from exc
        return _Compiled(key, checker, rules)

    def notices_only(self, key: str) -> Callable[[dict[str, Any]], Report | None]:
        """The lenient path of a payload of `key` that the fast path refused.

        When the payload passes the lenient variant with the rules folded in, only notices
        remain (unknown fields and enum values): a walk of the payload against the strict
        variant finds them (`_notices`), instead of an engine's error list. None when
        the payload does not pass, or the walk cannot tell (the detailed path decides).
        """
        compiled = self.compiled(key)
        found = compiled.notices_only
        if found is None:
            with self._lock:
                found = compiled.notices_only
                if found is None:
                    found = compiled.notices_only = self._notices_only(compiled)
        return found

    def _notices_only(self, compiled: _Compiled) -> Callable[[dict[str, Any]], Report | None]:
        key = compiled.key
        if self._strict is None:
            self._strict = strict_defs(self._defs)
        if self._walker is None:
            self._walker = Walker(self._strict)
        try:
            walk = self._walker.for_key(key)
        except Unsupported:
            walk = None
        if walk is None:  # nothing to walk, or a schema the walk does not model
            return refuse
        lenient_clean = compiled.checker.lenient_is_valid
        if compiled.rules is not None:
            if self._lenient_rules is None:
                self._lenient_rules = RuleSet(
                    self._lenient_variant(), self._dialect, self.api_version, self.rules
                )
            schema = self._lenient_rules.clean_schema(key)
            if schema is not None:
                jsonschema_rs = require("jsonschema_rs", "validation", "validation")
                lenient_clean = jsonschema_rs.validator_for(schema).is_valid
        return notices_path(
            key,
            self.is_resource(key),
            lenient_clean,
            compiled.residual,
            compiled.rules.residual_field if compiled.rules else None,
            walk,
        )

    def _add_defs(self, new: dict[str, Any]) -> None:
        """More definitions (partial schemas), in the document and in its variants."""
        self._defs.update(new)
        if self._strict is not None:
            self._strict.update(strict_defs(new))
        if self._lenient is not None:
            self._lenient.update(lenient_defs(new))

    def _lenient_variant(self) -> dict[str, Any]:
        if self._lenient is None:
            self._lenient = lenient_defs(self._defs)
        return self._lenient

    # --- validation ---------------------------------------------------------------------

    def validate(self, payload: Any, model: object = None, *, mode: Mode = "strict") -> Report:
        """Validate one payload (a decoded object, or JSON text/bytes); never raises on bad input.

        The fast path: a `dict` whose `object` tag names one model and which passes
        that model's compiled check (schema and invariants) gets the shared `ok` report.
        """
        kind = type(payload)
        if kind is bytes or kind is str:  # the front end's valid path, then the same fast path
            value = jsonio.fast_decode(payload, exact=False)  # a verdict (see fast_decode)
            if value is jsonio.REFUSED or type(value) is not dict:
                return self._validate(payload, model, mode)
            return self._validate_json(value, model, mode)
        if kind is dict and model is None and (mode == "strict" or mode == "lenient"):
            report = self._fast_report(payload, mode)
            if report is not None:
                return report
        return self._validate(payload, model, mode)

    def _fast_report(self, payload: dict[str, Any], mode: Mode) -> Report | None:
        """The report of the fast path (the notices path too, in lenient mode) of the model a
        payload's `object` tag names; None when it has no answer (the detailed path has)."""
        tag = payload.get("object")
        if type(tag) is not str:
            return None
        fast = self._fast.get(tag)
        if fast is None:
            if tag not in self._single:
                return None
            fast = self.compiled(self._single[tag]).fast  # first use: compile (same verdict)
        report = fast(payload)
        if report is None and mode == "lenient":
            report = self.notices_only(self._single[tag])(payload)
        return report

    def _validate_json(self, payload: dict[str, Any], model: object, mode: Mode) -> Report:
        """`validate()` of an object the front end decoded without an issue: it holds only
        what JSON text can (string keys, finite numbers, no over-long integers), so the
        detailed path does not vet it again."""
        if model is None and (mode == "strict" or mode == "lenient"):
            report = self._fast_report(payload, mode)
            if report is not None:
                return report
        if mode != "strict" and mode != "lenient":
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        return self._validate_value(payload, model, mode, (), vetted=True)

    def validate_decoded(
        self, decoded: jsonio.Decoded, model: object = None, *, mode: Mode = "strict"
    ) -> Report:
        """The report of a document decoded by the front end: its decoding problems first,
        then everything else about the readable rest."""
        if not decoded.readable:
            return Report(decoded.issues, None)
        if not decoded.issues:
            if type(decoded.value) is dict:
                return self._validate_json(decoded.value, model, mode)
            return self.validate(decoded.value, model, mode=mode)
        return self._validate_value(decoded.value, model, mode, decoded.issues)

    def _validate(self, payload: Any, model: object, mode: Mode) -> Report:
        if mode != "strict" and mode != "lenient":
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if isinstance(payload, (str, bytes, bytearray, memoryview)):
            decoded = jsonio.decode(payload)
            if not decoded.readable:
                return Report(decoded.issues, None)
            if not decoded.issues:
                return (
                    self.validate(decoded.value, model, mode=mode)
                    if type(decoded.value) is dict
                    else self._validate_value(decoded.value, model, mode, ())
                )
            return self._validate_value(decoded.value, model, mode, decoded.issues)
        return self._validate_value(payload, model, mode, ())

    def _validate_value(
        self,
        payload: Any,
        model: object,
        mode: Mode,
        prior: tuple[Issue, ...],
        *,
        vetted: bool = False,
    ) -> Report:
        """The report of a decoded value; `prior`: what decoding it found (values replaced);
        `vetted`: the front end decoded it from JSON text without an issue."""
        if not isinstance(payload, dict):
            key = self.resolve(model) if model is not None else None
            problems = check_value(payload)
            if problems is not None and any(i.path == "" for i in problems.issues):
                return Report((*prior, *problems.issues), key)  # not a JSON value at all
            if payload is None:  # the code `structure` gives it
                issue = Issue(
                    "", NULL_NOT_ALLOWED, "error", "null is not allowed; expected a JSON object"
                )
            else:
                kind = describe("", payload)
                issue = Issue("", TYPE_MISMATCH, "error", f"expected a JSON object, got {kind}")
            return Report((*prior, issue), key)
        issues = list(prior)
        key = self._pick_model(payload, model, issues)
        if key is None:
            return Report(tuple(issues), None)
        if key in (LIST, EVENT):
            return check_envelope(self, key, payload, mode, tuple(issues))
        compiled = self.compiled(key)
        if not prior:
            if model is not None:
                report = compiled.fast(payload)
                if report is None and mode == "lenient":
                    report = self.notices_only(key)(payload)
                if report is not None:
                    return report
            if self._schema_valid(compiled, payload):
                found = compiled.findings(payload, mode)
                if not found:
                    return compiled.ok_report
                return Report(tuple(found), key)
        return self.detailed(compiled, payload, mode, issues, vetted=vetted)

    def _schema_valid(self, compiled: _Compiled, payload: dict[str, Any]) -> bool:
        try:
            return compiled.checker.is_valid(payload)
        except ValueError:  # a Python value JSON cannot hold: the detailed path reports it
            return False

    def detailed(
        self,
        compiled: _Compiled,
        payload: dict[str, Any],
        mode: Mode,
        issues: list[Issue],
        *,
        vetted: bool = False,
    ) -> Report:
        """Every issue: the input's own problems, the schema's, then the invariants'.

        A value that was itself an input problem (NaN, a number too large, …) was
        replaced while decoding or vetting; schema issues at or below it would only
        echo that problem, so they are left out. `vetted`: the payload came from JSON
        text without an issue, so it holds no such value and is not vetted again.
        """
        masked = [i.path for i in issues if i.code in INPUT_CODES]
        problems = None if vetted else check_value(payload)
        if problems:
            issues.extend(problems.issues)
            payload = problems.pruned
            masked.extend(problems.masked)
        with resource_root(self.is_resource(compiled.key)):
            found = self.schema_issues(compiled, payload, mode, pruned=bool(problems or masked))
            issues.extend(i for i in found if not any(is_under(i.path, m) for m in masked))
            wrong_tag = any(i.code == WRONG_OBJECT_TAG and i.path == "/object" for i in issues)
            if not wrong_tag:
                issues.extend(compiled.findings(payload, mode))
        return Report(tuple(merge_issues(issues)), compiled.key)

    def is_resource(self, key: str) -> bool:
        """Whether a schema key is a resource's (or a partial one of a resource)."""
        key = key.removeprefix(PARTIAL_PREFIX)
        return key == LIST or key in self._resource_keys

    def _pick_model(
        self, payload: dict[str, Any], model: object, issues: list[Issue]
    ) -> str | None:
        if model is not None:
            key = self.resolve(model)
            if key is None and model in (LIST, EVENT):
                key = str(model)
            if key is None:
                name = model if isinstance(model, str) else getattr(model, "__name__", "")
                name = name or type(model).__name__
                message = f"no schema for model {str(name)[:60]!r}"
                issues.append(Issue("", UNKNOWN_MODEL, "error", message))
            return key
        tag = payload.get("object")
        if tag is None:
            message = "no 'object' tag and no model given; cannot tell what this payload is"
            issues.append(Issue("/object", UNKNOWN_MODEL, "error", message))
            return None
        key = self.key_for(payload)
        if key is None:
            got = describe("/object", tag)
            message = f"object tag {got} names no resource in this schema document"
            code = UNKNOWN_MODEL if isinstance(tag, str) else WRONG_OBJECT_TAG
            issues.append(Issue("/object", code, "error", message))
        return key

    def schema_issues(
        self, compiled: _Compiled, payload: dict[str, Any], mode: Mode, *, pruned: bool = False
    ) -> list[Issue]:
        """The schema issues of a payload (empty when it conforms to the strict variant)."""
        checker = compiled.checker
        try:
            if not pruned and checker.is_valid(payload):
                return []
            return classify(checker.fast_faults(payload), mode)
        except ValueError:  # a Python value jsonschema-rs refuses: the reference engine decides
            return classify(checker.reference_faults(shallow(payload)), mode)


def _shared(package: ModelPackage, default: Validator) -> Validator:
    """The one validator of a generated package's document in `default`'s family (the
    validators built from it for other packages, with its rule table): `default` itself
    when the document is its own, else one built on first use and kept in the family."""
    if default.document.get("x-spec-sha256") == package.spec_sha256:
        return default
    family = default._family
    own = default._package_name()
    if own is not None:
        family.setdefault(own, default)  # this one, for its siblings to hand events back to
    found = family.get(package.name)
    if found is None:  # document_of refuses a package whose schemas.json is another spec's
        built = Validator(document_of(package), rules=default.rules)
        built._family = family
        with _default_lock:
            found = family.setdefault(package.name, built)
    return found


def _version_package(api_version: str) -> ModelPackage:
    models = models_for(api_version)
    return ModelPackage(models.__name__, models.API_VERSION, models.SPEC_SHA256)


def validator_for(model: object, default: Validator) -> Validator:
    """The validator of `model`'s own package: `default` when that is its document (or
    `model` is not a generated class or union alias), else one built once from the
    package's document."""
    alias = union_alias_of(model)
    package = package_of(alias[0] if alias is not None else model)
    return default if package is None else _shared(package, default)


def validator_for_version(api_version: str) -> Validator:
    """The validator of a bundled API version's models (see `stripe_schemas.model`);
    [`UnknownApiVersion`][stripe_schemas.model.UnknownApiVersion] for a version not bundled."""
    return _shared(_version_package(api_version), _default or default_validator())


_default: Validator | None = None
_default_lock = threading.Lock()


def default_validator() -> Validator:
    """The shared validator of the newest bundled models' schema document."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Validator()
    return _default


def validate(
    payload: Any, model: object = None, *, mode: Mode = "strict", api_version: str | None = None
) -> Report:
    """Validate one Stripe payload: schema conformance plus the Stripe Identity invariants.

    `payload` is a decoded JSON object, or JSON text/bytes (decoded by the one
    front end, [`stripe_schemas.io`][stripe_schemas.io]). `model` is a schema key, a resource id
    (`identity.verification_session`), a generated class or a union alias of generated
    classes (what `model_for` gives for the alias's key); by default the
    payload's `object` tag picks it. List objects (`"object": "list"`) and
    events are checked as envelopes, and every object inside them as its own model.
    In `strict` mode unknown fields and unknown enum values are errors; in
    `lenient` mode they are notices. Bad input of any kind yields a report, never
    an exception.

    `api_version` (`"2023-08-16"`): check against the models of that bundled
    version (a class given as `model` stands for the same schema there); an unknown
    version is [`UnknownApiVersion`][stripe_schemas.model.UnknownApiVersion]. By default a payload
    is read as the newest bundled version, except an event, which says its own: it is
    checked against the models of its `api_version` when they are bundled, else
    against the newest with an `api_version_mismatch` notice.
    """
    validator = _default or default_validator()
    if api_version is not None:
        validator = validator_for_version(api_version)
        if model is not None and not isinstance(model, str):
            alias = union_alias_of(model)
            key = schema_key_of(model) if alias is None else alias[1]
            model = key if key is not None else model
    elif model is not None and not isinstance(model, str):  # a class: its own package's schema
        validator = validator_for(model, validator)
    return validator.validate(payload, model, mode=mode)
