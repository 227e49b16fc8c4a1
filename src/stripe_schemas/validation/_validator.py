"""The validator: pick the model, run the fast path, fall back to the detailed path."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .._package import check_document, validator_for
from ..io import _records as _input
from ..issues import (
    INPUT_LIMIT,
    TYPE_MISMATCH,
    UNKNOWN_MODEL,
    WRONG_OBJECT_TAG,
    Issue,
)
from ._classify import classify, describe
from ._clean import RESIDUAL_FIELD, RESIDUALS, clean_schema
from ._invariants import Checker, checker_for, to_issues
from ._report import MODES, Mode, Report
from ._schema import SchemaChecker, lenient_defs, load_default_document, strict_defs


class _Compiled:
    """Everything needed to validate one schema key, built once."""

    __slots__ = ("checker", "invariants", "is_clean", "key", "ok_report", "residual")

    def __init__(self, key: str, checker: SchemaChecker, invariants: Checker | None) -> None:
        self.key = key
        self.checker = checker
        self.invariants = invariants
        self.is_clean = checker.is_clean
        self.residual = RESIDUALS.get(key)
        self.ok_report = Report((), key)

    def fast_entry(self) -> _FastEntry:
        """(is_clean, field that needs the residual check, residual, ok report)."""
        if self.residual is None:
            return (self.is_clean, None, _never, self.ok_report)
        return (self.is_clean, RESIDUAL_FIELD, self.residual, self.ok_report)


def _never(payload: Any) -> bool:
    return False


#: The fast path's view of one model: see :meth:`_Compiled.fast_entry`.
_FastEntry = tuple[Callable[[Any], bool], str | None, Callable[[Any], bool], Report]


class SchemaDocumentError(ValueError):
    """The JSON Schema document is unusable: not a document, or a schema that does not compile."""


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message (jsonschema's messages span many lines)."""
    text = str(getattr(exc, "message", "") or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


class Validator:
    """Validates payloads against one JSON Schema document (by default the committed one).

    Compiled schemas are cached per key; a ``Validator`` is safe to share between threads.
    """

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        loaded: object = document if document is not None else load_default_document()
        if not isinstance(loaded, dict):
            kind = type(loaded).__name__
            raise SchemaDocumentError(f"not a JSON Schema document (a {kind}, not an object)")
        self.document: dict[str, Any] = loaded
        defs = self.document.get("$defs")
        if not isinstance(defs, dict):
            raise SchemaDocumentError("not a stripe_schemas JSON Schema document (no $defs)")
        self._defs: dict[str, Any] = defs
        self._dialect = str(
            self.document.get("$schema", "https://json-schema.org/draft/2020-12/schema")
        )
        resources = self.document.get("x-resources")
        self.resources: dict[str, str] = dict(resources) if isinstance(resources, dict) else {}
        self._strict: dict[str, Any] | None = None
        self._lenient: dict[str, Any] | None = None
        self._compiled: dict[str, _Compiled] = {}
        #: ``object`` tag → fast-path entry, filled as models are first used.
        self._fast: dict[Any, _FastEntry] = {}
        self._lock = threading.Lock()

    # --- model resolution ---------------------------------------------------------------

    def resolve(self, model: object) -> str | None:
        """The schema key for a model given as a key, a resource id or a generated class."""
        if isinstance(model, str):
            if model in self._defs:
                return model
            return self.resources.get(model)
        check_document(model, self.document)  # a model of another spec's package is an error
        key = getattr(model, "__stripe_schema__", None)
        if isinstance(key, str) and key in self._defs:
            return key
        resource = getattr(model, "__stripe_resource__", None)
        return self.resources.get(resource) if isinstance(resource, str) else None

    def check(self) -> None:
        """Check the whole document up front (else schemas compile on first use).

        The document must be valid JSON Schema (its own dialect's metaschema), and
        the schema of every resource in ``x-resources`` must compile. Raises
        :class:`SchemaDocumentError` saying what is wrong and where.
        """
        try:
            import jsonschema

            cls = jsonschema.validators.validator_for(
                self.document, default=jsonschema.Draft202012Validator
            )
            cls.check_schema(self.document)
        except ImportError:
            raise
        except Exception as exc:
            at = getattr(exc, "json_path", None)
            where = f" at {at}" if isinstance(at, str) and at != "$" else ""
            raise SchemaDocumentError(f"not a valid JSON Schema{where}: {_reason(exc)}") from exc
        for key in sorted(set(self.resources.values()), key=str):
            if not isinstance(key, str) or key not in self._defs:
                raise SchemaDocumentError(f"x-resources names {key!r}, which is not in $defs")
            self.compiled(key)

    def compiled(self, key: str) -> _Compiled:
        """The compiled validators of a schema key (compiled on first use).

        Raises :class:`SchemaDocumentError` when the key's schema does not compile.
        """
        found = self._compiled.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                try:
                    if self._strict is None:
                        self._strict = strict_defs(self._defs)
                    checker = SchemaChecker(
                        key,
                        self._dialect,
                        self._strict,
                        self._lenient_variant,
                        clean_schema(self._dialect, key, self._strict),
                    )
                except Exception as exc:
                    message = f"the schema of {key!r} does not compile: {_reason(exc)}"
                    raise SchemaDocumentError(message) from exc
                found = _Compiled(key, checker, checker_for(key))
                self._compiled[key] = found
                for tag, resource_key in self.resources.items():
                    if resource_key == key:
                        self._fast[tag] = found.fast_entry()
        return found

    def _lenient_variant(self) -> dict[str, Any]:
        if self._lenient is None:
            self._lenient = lenient_defs(self._defs)
        return self._lenient

    # --- validation ---------------------------------------------------------------------

    def validate(self, payload: Any, model: object = None, *, mode: Mode = "strict") -> Report:
        """Validate one payload (a decoded object, or JSON text/bytes); never raises on bad input."""
        if model is None and type(payload) is dict and (mode == "strict" or mode == "lenient"):
            try:
                fast = self._fast.get(payload.get("object"))
                if fast is not None and fast[0](payload):
                    field = fast[1]
                    if (
                        field is None
                        or type(payload.get(field)) is not dict
                        or not fast[2](payload)
                    ):
                        return fast[3]
            except Exception:
                pass
        return self._validate_slow(payload, model, mode)

    def _validate_slow(self, payload: Any, model: object, mode: Mode) -> Report:
        if mode != "strict" and mode != "lenient":
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if isinstance(payload, dict):
            compiled = self._fast_compiled(payload, model)
            if compiled is not None:
                try:
                    if model is not None and compiled.is_clean(payload):
                        residual = compiled.residual
                        if residual is None or not residual(payload):
                            return compiled.ok_report
                    schema_ok = compiled.checker.is_valid(payload)
                except Exception:  # non-JSON values (keys that are not strings, …)
                    schema_ok = False
                if schema_ok:
                    invariants = compiled.invariants
                    findings = invariants(payload) if invariants is not None else None
                    if not findings:
                        return compiled.ok_report
                    return Report(tuple(to_issues(findings, mode)), compiled.key)
                return self._validate_detailed(payload, model, mode, known_invalid=True)
        return self._validate_detailed(payload, model, mode)

    def _fast_compiled(self, payload: dict[str, Any], model: object) -> _Compiled | None:
        if model is None:
            tag = payload.get("object")
            key = self.resources.get(tag) if isinstance(tag, str) else None
        else:
            key = self.resolve(model)
        return self.compiled(key) if key is not None else None

    def _validate_detailed(
        self, payload: Any, model: object, mode: Mode, *, known_invalid: bool = False
    ) -> Report:
        issues: list[Issue] = []
        if isinstance(payload, (str, bytes, bytearray, memoryview)):
            parsed = _input.parse_one(bytes(payload) if not isinstance(payload, str) else payload)
            issues.extend(parsed.issues)
            if parsed.value is _input.NOTHING:
                return Report(tuple(issues), None)
            payload = parsed.value
        if not isinstance(payload, dict):
            kind = describe("", payload)
            issues.append(Issue("", TYPE_MISMATCH, "error", f"expected a JSON object, got {kind}"))
            return Report(tuple(issues), self.resolve(model) if model is not None else None)
        key = self._pick_model(payload, model, issues)
        if key is None:
            return Report(tuple(issues), None)
        compiled = self.compiled(key)
        vetted = _input.check_value(payload)
        schema_issues: list[Issue]
        if vetted:
            issues.extend(vetted.issues)
            payload = vetted.pruned
            schema_issues = [
                issue
                for issue in self._schema_issues(compiled, payload, mode, True)
                if not any(_under(issue.path, masked) for masked in vetted.masked)
            ]
        else:
            schema_issues = self._schema_issues(compiled, payload, mode, False, known_invalid)
        issues.extend(schema_issues)
        wrong_tag = any(i.code == WRONG_OBJECT_TAG and i.path == "/object" for i in schema_issues)
        if compiled.invariants is not None and not wrong_tag:
            try:
                issues.extend(to_issues(compiled.invariants(payload), mode))
            except Exception as exc:  # defensive: an invariant must never crash validation
                issues.append(
                    Issue(
                        "", INPUT_LIMIT, "error", f"invariants could not run ({type(exc).__name__})"
                    )
                )
        return Report(tuple(_dedupe(issues)), key)

    def _pick_model(
        self, payload: dict[str, Any], model: object, issues: list[Issue]
    ) -> str | None:
        tag = payload.get("object")
        if model is not None:
            key = self.resolve(model)
            if key is None:
                name = (
                    model
                    if isinstance(model, str)
                    else getattr(model, "__name__", type(model).__name__)
                )
                issues.append(
                    Issue("", UNKNOWN_MODEL, "error", f"no schema for model {str(name)[:60]!r}")
                )
            return key
        if tag is None:
            message = "no 'object' tag and no model given; cannot tell what this payload is"
            issues.append(Issue("/object", UNKNOWN_MODEL, "error", message))
            return None
        key = self.resources.get(tag) if isinstance(tag, str) else None
        if key is None:
            got = describe("/object", tag)
            message = f"object tag {got} names no resource in this schema document"
            code = UNKNOWN_MODEL if isinstance(tag, str) else WRONG_OBJECT_TAG
            issues.append(Issue("/object", code, "error", message))
        return key

    def _schema_issues(
        self,
        compiled: _Compiled,
        payload: dict[str, Any],
        mode: Mode,
        pruned: bool,
        known_invalid: bool = False,
    ) -> list[Issue]:
        checker = compiled.checker
        if not pruned:
            try:
                if not known_invalid and checker.is_valid(payload):
                    return []
                if mode == "lenient" and checker.lenient_is_valid(payload):
                    return classify(checker.fast_faults(payload), mode)
            except Exception:  # jsonschema-rs refuses some inputs; the reference engine decides
                pass
        try:
            return classify(checker.reference_faults(payload), mode)
        except RecursionError:
            return [Issue("", INPUT_LIMIT, "error", "payload is nested too deeply to check")]


def _under(path: str, base: str) -> bool:
    return path == base or path.startswith(base + "/")


def _dedupe(issues: list[Issue]) -> list[Issue]:
    return _input.merge(issues)


_default: Validator | None = None
_default_lock = threading.Lock()
#: The default validator's fast-path table (the same dict, read without attribute lookups).
_DEFAULT_FAST: dict[Any, _FastEntry] = {}


def default_validator() -> Validator:
    """The shared validator of the committed schema document."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                validator = Validator()
                validator._fast = _DEFAULT_FAST
                _default = validator
    return _default


def validate(payload: Any, model: object = None, *, mode: Mode = "strict") -> Report:
    """Validate one Stripe payload: schema conformance plus the Stripe Identity invariants.

    ``payload`` is a decoded JSON object (or JSON text/bytes, decoded safely).
    ``model`` is a schema key, a resource id (``identity.verification_session``) or a
    generated class; by default the payload's ``object`` tag picks it. In ``strict``
    mode unknown fields and unknown enum values are errors; in ``lenient`` mode they
    are notices. Bad input of any kind yields a report, never an exception.
    """
    if model is None and type(payload) is dict and (mode == "strict" or mode == "lenient"):
        try:
            fast = _DEFAULT_FAST.get(payload.get("object"))
            if fast is not None and fast[0](payload):
                field = fast[1]
                if field is None or type(payload.get(field)) is not dict or not fast[2](payload):
                    return fast[3]
        except Exception:
            pass
    validator = _default if _default is not None else default_validator()
    if model is not None and not isinstance(model, str):  # a class: its own package's schema
        validator = validator_for(model, validator)
    return validator._validate_slow(payload, model, mode)
