"""Converters: Stripe JSON ↔ the generated attrs classes, exactly and without loss.

One obvious way in and out:

    session = loads(body, VerificationSession)            # strict (the default)
    session = structure(payload, VerificationSession, mode="lenient", notices=found)
    payload = unstructure(session)                        # == the original payload
    body = dumps(session)

`make_converter(mode=...)` returns a real `cattrs.Converter` with the
same hooks, for users who want to register their own (the cattrs preconf
style: `make_converter` + `configure_converter`).

Modes:

An object whose schema declares the values of its other keys (`additionalProperties`
beside `properties`) has no unknown fields: in either mode, its other keys are checked
and converted like fields and kept where `extras()` reads them.

* `strict` rejects unknown fields (each named by its JSON pointer) and
  enum values outside the spec (except on `x-stripeBypassValidation` fields,
  which accept any string).
* `lenient` keeps unknown fields (read them with `extras()`; they are
  written back by `unstructure()`) and unknown enum values, recording a
  `notice` issue for each unknown enum value in the `notices` list you pass.

A failed structure raises [`PayloadError`][stripe_schemas.PayloadError] whose
`issues` list every problem with its path (invalid JSON in `loads()`
too); messages never show the value of a secret or personal field.

Round trips: an absent field is `UNSET` and stays absent, `null` is
`None`, lists and map keys keep their order. Fields are written in the
class's (the spec's) order; an object that had unknown fields is written in
its original key order, so Stripe's fixtures come back byte for byte.

Expandable fields hold the ID string or the expanded object, chosen by the
payload's `object` tag ([`expandable_id()`][stripe_schemas.expandable_id],
[`is_expanded()`][stripe_schemas.is_expanded]).

Each class gets a generated straight-line structure function per mode (fast
path); only when it fails does a detailed walk run to collect every issue.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

import cattrs

from .. import io as jsonio
from ..io import check_value
from ..issues import Issue, PayloadError, resource_root
from ..model import (
    MODES,
    AnyNode,
    ListObject,
    Mode,
    Node,
    NullableNode,
    UnionNode,
    class_plan,
    is_model,
    is_model_target,
    is_model_union,
    is_under,
    models_in,
    resource_id_of,
    retarget,
    type_node,
    unsupported,
)
from . import _envelopes  # noqa: F401  (registers the check of an event's previous_attributes)
from ._detail import BAD, NOTICE_SINK, Walk
from ._fast import FAST_ERRORS, fast_compiler
from ._unstructure import UNSTRUCTURE, NotJSON

__all__ = [
    "ListObject",
    "Mode",
    "StripeConverter",
    "configure_converter",
    "dumps",
    "extras",
    "loads",
    "make_converter",
    "structure",
    "unstructure",
]

T = TypeVar("T")


# -- entry points: fast path first, detailed path when it fails ---------------------------


_Entry = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _target_node(target: Any) -> Node:
    """The node of a structure target that is not a generated class (TypeError if unsupported)."""
    if isinstance(target, str):
        raise TypeError(
            f"structure() got the string {target!r}: pass a class or a union of classes "
            "(evaluate a quoted alias in its module, e.g. with typing.get_type_hints)"
        )
    node, nullable = type_node(target)
    if nullable and not isinstance(node, AnyNode):
        node = NullableNode(node)
    return node


def target_name(target: Any) -> str:
    """How messages name a structure target: `VerificationSession`, `list[Widget]`, …"""
    if isinstance(target, type):
        return "None" if target is type(None) else target.__name__
    if target is Any:
        return "Any"
    origin, args = typing.get_origin(target), typing.get_args(target)
    if origin in (typing.Union, types.UnionType):
        names = " | ".join(target_name(a) for a in args)
        node = type_node(target)[0]
        return (
            f"Expandable[{names}]" if isinstance(node, UnionNode) and node.is_expandable else names
        )
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if isinstance(origin, type) and args:
        return f"{origin.__name__}[{', '.join(target_name(a) for a in args)}]"
    return str(getattr(target, "__name__", target))


def _entry(target: Any, mode: Mode) -> _Entry:
    """The (fast, detailed) structure functions of a generated class or any supported type."""
    if is_model_target(target):
        node: Node | None = None
        fast = fast_compiler(mode).function(target)
    else:
        node = _target_node(target)
        fast = fast_compiler(mode).function(node)
    name = target_name(target)
    is_resource = resource_id_of(target) is not None

    def detailed(obj: Any) -> Any:
        walk = Walk(mode)
        vetted = check_value(obj)  # what JSON cannot hold: the policy validation applies too
        if vetted:
            obj = vetted.pruned
        with resource_root(is_resource):
            try:
                if node is None:
                    result = walk.model(class_plan(target), obj, (), try_fast=False)
                else:
                    result = walk.value(node, obj, ())
            except RecursionError:
                result = walk.too_deep(())
        if vetted:
            masked = vetted.masked
            kept = [i for i in walk.issues if not any(is_under(i.path, m) for m in masked)]
            walk.issues = [*vetted.issues, *kept]
        if result is BAD or walk.has_errors:
            raise PayloadError(walk.issues, model=name)
        if walk.issues:
            sink = NOTICE_SINK.get()
            if sink is not None:
                sink.extend(walk.issues)
        return result

    return fast, detailed


_ENTRIES: dict[Mode, dict[Any, _Entry]] = {mode: {} for mode in MODES}


def _entry_for(target: Any, mode: Mode) -> _Entry:
    """The cached entry for a target (TypeError for a target the converters do not support)."""
    cache = _ENTRIES.get(mode)
    if cache is None:
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    try:
        entry = cache.get(target)
    except TypeError:  # unhashable: a list, a dict, … is not a type
        raise TypeError(unsupported(target)) from None
    if entry is None:
        entry = cache[target] = _entry(target, mode)
    return entry


def is_model_container(tp: object) -> bool:
    """Whether `tp` is a list, `dict[str, ...]` or union built of generated classes.

    Those structure through the Stripe hooks as a whole (pointers from the
    document's root, one PayloadError); other types keep cattrs' own handling.
    """
    if typing.get_origin(tp) not in (list, dict, typing.Union, types.UnionType):
        return False
    if is_model_union(tp):
        return False
    try:
        node, _ = type_node(tp)
    except (TypeError, ValueError):
        return False
    return bool(models_in(node))


def _run(entry: _Entry, obj: Any) -> Any:
    fast, detailed = entry
    try:
        return fast(obj)
    except FAST_ERRORS:
        pass
    return detailed(obj)


# -- the cattrs converter ------------------------------------------------------------------


class StripeConverter(cattrs.Converter):
    """A cattrs converter configured for the generated Stripe models."""

    def __init__(self, *args: Any, mode: Mode = "strict", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode: Mode = mode

    def loads(self, data: bytes | str, cl: type[T], *, notices: list[Issue] | None = None) -> T:
        """Parse JSON and structure it into `cl`."""
        return self.structure_noting(jsonio.loads(data, target_name(cl)), cl, notices)

    def dumps(self, obj: Any, unstructure_as: Any = None) -> bytes:
        """Unstructure `obj` and serialise it to compact JSON bytes."""
        return jsonio.dumps(self.unstructure(obj, unstructure_as=unstructure_as))

    def structure_noting(self, obj: Any, cl: type[T], notices: list[Issue] | None) -> T:
        """`structure()`, appending lenient-mode notices to `notices`."""
        if notices is None:
            return self.structure(obj, cl)
        token = NOTICE_SINK.set(notices)
        try:
            return self.structure(obj, cl)
        finally:
            NOTICE_SINK.reset(token)


def configure_converter(converter: cattrs.BaseConverter, *, mode: Mode = "strict") -> None:
    """Register the Stripe hooks on a cattrs converter.

    * generated classes structure through specialised functions (strict or
      lenient `mode`) and unstructure losslessly;
    * unions of generated classes (expandable fields, `PaymentSource`-style
      aliases) structure by the payload's `object` tag.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")

    def structure_factory(target: Any) -> Callable[[Any, Any], Any]:
        fast, detailed = _entry_for(target, mode)

        def hook(obj: Any, _: Any) -> Any:
            try:
                return fast(obj)
            except FAST_ERRORS:
                pass
            return detailed(obj)

        return hook

    converter.register_structure_hook_factory(is_model_target, structure_factory)
    converter.register_structure_hook_factory(is_model_union, structure_factory)
    converter.register_structure_hook_factory(is_model_container, structure_factory)
    converter.register_unstructure_hook_factory(is_model, UNSTRUCTURE.function)
    converter.register_unstructure_hook_factory(is_model_union, lambda _: UNSTRUCTURE.value)


def make_converter(mode: Mode = "strict", **kwargs: Any) -> StripeConverter:
    """A new `StripeConverter` (`kwargs` go to `cattrs.Converter`)."""
    converter = StripeConverter(mode=mode, **kwargs)
    configure_converter(converter, mode=mode)
    return converter


# -- module-level API ----------------------------------------------------------------------


@overload
def structure(
    obj: Any,
    cl: type[T],
    *,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    api_version: None = ...,
) -> T: ...
@overload
def structure(
    obj: Any,
    cl: Any,
    *,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    api_version: str | None = ...,
) -> Any: ...
def structure(
    obj: Any,
    cl: Any,
    *,
    mode: Mode = "strict",
    notices: list[Issue] | None = None,
    api_version: str | None = None,
) -> Any:
    """Structure a decoded JSON value into a generated class or a type built of them.

    `cl` is a generated class, a union of them (an expandable field, `X | None`),
    `list[...]` or `dict[str, ...]` of those, or a JSON scalar type (`str`,
    `int`, `float`, `bool`, `Literal[...]`, `Any`); anything else is a
    TypeError. Nothing is coerced. Raises `PayloadError` listing every
    problem, with pointers from the root of `obj`. In lenient mode, unknown enum
    values are kept and a `notice` issue for each is appended to `notices`.

    `api_version` (`"2023-08-16"`): structure into the models of that bundled
    version instead; each generated class in `cl` (or a resource id / schema key given
    as a string) stands for the class of the same schema there. An unknown version is
    [`UnknownApiVersion`][stripe_schemas.model.UnknownApiVersion].
    """
    if api_version is not None:
        cl = _for_version(cl, api_version)
    try:
        fast, detailed = _ENTRIES[mode][cl]
    except (KeyError, TypeError):
        fast, detailed = _entry_for(cl, mode)
    if notices is None:
        try:
            return fast(obj)
        except FAST_ERRORS:
            pass
        return detailed(obj)
    token = NOTICE_SINK.set(notices)
    try:
        return _run((fast, detailed), obj)
    finally:
        NOTICE_SINK.reset(token)


@overload
def loads(
    data: bytes | str,
    cl: type[T],
    *,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    api_version: None = ...,
) -> T: ...
@overload
def loads(
    data: bytes | str,
    cl: Any,
    *,
    mode: Mode = ...,
    notices: list[Issue] | None = ...,
    api_version: str | None = ...,
) -> Any: ...
def loads(
    data: bytes | str,
    cl: Any,
    *,
    mode: Mode = "strict",
    notices: list[Issue] | None = None,
    api_version: str | None = None,
) -> Any:
    """Parse JSON text or bytes and `structure()` it (invalid JSON is a PayloadError).

    An unsupported `cl` is a TypeError before anything is parsed, and so is a
    `data` that is neither bytes nor str. `api_version`: see `structure()`.
    """
    if api_version is not None:
        cl = _for_version(cl, api_version)
    try:
        _ENTRIES[mode][cl]
    except (KeyError, TypeError):
        _entry_for(cl, mode)
    return structure(jsonio.loads(data, target_name(cl)), cl, mode=mode, notices=notices)


_RETARGETED: dict[tuple[Any, str], Any] = {}


def _for_version(cl: Any, api_version: str) -> Any:
    """`cl` with its generated classes taken from the package of `api_version`."""
    try:
        return _RETARGETED[cl, api_version]
    except KeyError:
        found = _RETARGETED[cl, api_version] = retarget(cl, api_version)
        return found
    except TypeError:  # an unhashable target: looked up each time (it fails as a target anyway)
        return retarget(cl, api_version)


_UNSTRUCTURE_FNS: dict[type, Callable[[Any], Any]] = {}


def unstructure(instance: Any) -> Any:
    """The JSON value of an instance: exactly the payload it was structured from.

    A value nested deeper than Python's recursion limit allows is a ValueError, and so is
    a value JSON cannot hold (NaN or an infinity, a set, a key that is not a string); an
    instance holding a value of another type than its field declares (a dict where a
    class is expected, `None` in a field that is not nullable) is a TypeError.
    """
    try:
        fn = _UNSTRUCTURE_FNS.get(type(instance))
        if fn is None:
            if not is_model(type(instance)):
                return UNSTRUCTURE.value(instance)
            fn = _UNSTRUCTURE_FNS[type(instance)] = UNSTRUCTURE.function(type(instance))
        return fn(instance)
    except RecursionError:
        pass
    except NotJSON as exc:
        holder = f"the {type(instance).__name__}" if is_model(type(instance)) else "the value"
        raise NotJSON(exc.what, holder) from None
    except (AttributeError, TypeError, ValueError) as exc:
        raise TypeError(
            f"the {type(instance).__name__} holds a value of another type than its field "
            f"declares ({type(exc).__name__}: {exc})"
        ) from None
    raise ValueError(
        f"the {type(instance).__name__} is nested too deeply to unstructure "
        "(Python's recursion limit)"
    )


def dumps(instance: Any) -> bytes:
    """Compact JSON bytes of an instance (orjson when installed, else the standard library).

    A value nested deeper than orjson writes (255 levels) is written by the
    standard library; one too deep for that too is a ValueError.
    """
    return jsonio.dumps(unstructure(instance))


_NO_EXTRAS: Mapping[str, Any] = types.MappingProxyType({})


def extras(instance: Any) -> Mapping[str, Any]:
    """The keys beyond an instance's fields, as a read-only mapping: the unknown fields
    lenient mode kept, or (in either mode) the other keys of an object whose schema
    declares them (`additionalProperties` beside `properties`), with values of the type
    the schema gives them."""
    kept = getattr(instance, "_extra", None)
    if kept is None:
        raise TypeError(f"{type(instance).__name__} is not a generated Stripe model")
    if isinstance(kept, types.MappingProxyType):
        return kept
    if not kept:
        return _NO_EXTRAS
    return types.MappingProxyType(kept)
