"""What the converters share beyond the class plans (`stripe_schemas.model`): the fast
path's failure, checks run once an instance is built, how an object picks its class in a
union, and the unknown fields an instance keeps."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import attrs

from ..model import ClassPlan, MapNode, Mode, UnionNode, class_plan, schema_key_of


class FastFail(Exception):
    """The fast path gave up; the detailed path decides and explains."""


class PostCheck(Protocol):
    """A check that runs on a class's instance once it is built (see `POST_CHECKS`)."""

    def fast(self, mode: Mode) -> Callable[[Any], None]:
        """`instance -> None` for the fast path: raises the fast path's failure on any issue."""

    def detailed(self, walk: Any, instance: Any, path: tuple[str | int, ...]) -> None:
        """Record the instance's issues on the detailed walk (`path` is the instance's)."""


#: Checks that run after a class is built, by `__schema_key__` (filled by `_envelopes`:
#: an event's `previous_attributes` against the model of its `object`).
POST_CHECKS: dict[str, PostCheck] = {}


@attrs.frozen(eq=False)
class DictDispatch:
    """How a JSON object inside a union picks its branch: by `object` tag, else by trying."""

    #: tag → candidate classes, most required keys first (`customer` vs `deleted_customer`).
    tagged: Mapping[str, tuple[type, ...]]
    #: Classes without an `object` tag, tried in order.
    untagged: tuple[type, ...]
    map: MapNode | None

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.tagged)


_DISPATCH: dict[UnionNode, DictDispatch] = {}


def dict_dispatch(node: UnionNode) -> DictDispatch:
    """The (cached) dispatch table of a union's object-accepting branches."""
    found = _DISPATCH.get(node)
    if found is not None:
        return found
    tagged: dict[str, list[type]] = {}
    untagged: list[type] = []
    for cls in node.models:
        plan = class_plan(cls)
        if not plan.tags:
            untagged.append(cls)
        for tag in plan.tags:
            tagged.setdefault(tag, []).append(cls)
    maps = [m for m in node.members if isinstance(m, MapNode)]
    dispatch = DictDispatch(
        tagged={
            tag: tuple(sorted(classes, key=lambda c: -len(class_plan(c).required_keys)))
            for tag, classes in tagged.items()
        },
        untagged=tuple(untagged),
        map=maps[0] if maps else None,
    )
    _DISPATCH[node] = dispatch
    return dispatch


class Extras(dict[str, Any]):
    """Unknown fields kept in lenient mode, with the payload's original key order."""

    __slots__ = ("order",)

    order: tuple[str, ...]


class _NoExtra(Mapping[str, Any]):
    """The empty, immutable `_extra` shared by every instance without unknown fields.

    Unlike `MappingProxyType({})` it pickles (by name: it is the module's
    `NO_EXTRA` again after loading) and copies to itself, so structured
    instances can be pickled and deep-copied.
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "NO_EXTRA"

    def __reduce__(self) -> str:
        return "NO_EXTRA"

    def __copy__(self) -> _NoExtra:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _NoExtra:
        return self


#: The `_extra` of an instance without unknown fields (shared and immutable).
NO_EXTRA: Mapping[str, Any] = _NoExtra()


def copy_json(value: Any) -> Any:
    """A copy of a JSON value whose objects and arrays are new (other values are shared).

    Unknown fields and free-form (`Any`) values go through it on the way in and
    out, so neither the input payload nor an unstructured result shares mutable
    state with a (frozen) instance. A tuple becomes a list; a value JSON cannot hold
    (a set, `NaN`, a key that is not a string) raises `FastFail`, for the
    detailed path to report.
    """
    kind = type(value)
    if kind is dict:
        try:
            out = {}
            for key, item in value.items():
                if type(key) is not str:
                    raise FastFail
                out[key] = copy_json(item)
            return out
        except RecursionError:
            return _copy_deep(value)
    if kind is list or kind is tuple:
        try:
            return [copy_json(item) for item in value]
        except RecursionError:
            return _copy_deep(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if value - value != 0.0:  # NaN or an infinity
            raise FastFail
        return value
    if isinstance(value, (dict, list, tuple, str, int, float)):
        return _copy_deep(value)  # subclasses: the careful copy
    raise FastFail


#: Values nested deeper than this are not copied (a cycle in a Python-built value ends here).
COPY_DEPTH_LIMIT = 100_000


def _copy_deep(value: Any) -> Any:
    """`copy_json()` without recursion (values nested deeper than the stack allows, and
    subclasses of the JSON types); raises `FastFail` where `copy_json()` would."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while stack:
        item, parent, slot, depth = stack.pop()
        if depth > COPY_DEPTH_LIMIT:
            raise RecursionError(f"a value nested more than {COPY_DEPTH_LIMIT} levels deep")
        copied: Any
        if isinstance(item, dict):
            parent[slot] = copied = dict(item)
            for key, sub in item.items():
                if not isinstance(key, str):
                    raise FastFail
                stack.append((sub, copied, key, depth + 1))
        elif isinstance(item, (list, tuple)):
            parent[slot] = copied = list(item)
            stack.extend((v, copied, i, depth + 1) for i, v in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise FastFail
        elif item is None or isinstance(item, (str, int, float)):
            parent[slot] = item
        else:
            raise FastFail
    return root[0]


def collect_extras(payload: dict[str, Any], known: frozenset[str], count: int) -> Extras:
    """The unknown fields of a payload (copied), remembering where every key came in it.

    `count` is how many unknown keys the caller expects: fewer means a known key
    held something the fast path read as absent (the `UNSET` sentinel), which
    only the detailed path may judge.
    """
    extra = Extras({key: copy_json(value) for key, value in payload.items() if key not in known})
    if len(extra) != count:
        raise FastFail  # a known key holds UNSET (absent for the fast path): details decide
    extra.order = tuple(payload)
    return extra


#: How many key orders a class remembers (each a tuple of the keys as a payload held them).
KEY_ORDERS_KEPT = 64


class KeyOrders:
    """Which key orders of a class's payloads differ from the order the class writes.

    An instance remembers a payload's key order only when it differs (a shared,
    empty `Extras` whose `order` is the payload's keys), so that writing
    it back gives the same bytes; in the usual case `_extra` stays `NO_EXTRA`.
    Judged orders are remembered, up to `KEY_ORDERS_KEPT` per class, so the
    fast path pays one tuple and one lookup per object.
    """

    __slots__ = ("index", "seen")

    def __init__(self, plan: ClassPlan) -> None:
        self.index = {field.wire: i for i, field in enumerate(plan.fields)}
        #: keys (in payload order) → `NO_EXTRA` or the order-keeping `Extras`.
        self.seen: dict[tuple[str, ...], Mapping[str, Any]] = {}

    def judge(self, payload: dict[str, Any]) -> Mapping[str, Any]:
        """`NO_EXTRA` when `payload`'s (known) keys come in the class's order, else an
        empty `Extras` that keeps the payload's order."""
        keys = tuple(payload)
        found = self.seen.get(keys)
        if found is not None:
            return found
        index = self.index
        last = -1
        found = NO_EXTRA
        for key in keys:
            position = index.get(key, last)  # an unknown key (kept apart) has no place
            if position < last:
                found = Extras()
                found.order = keys
                break
            last = position
        if len(self.seen) < KEY_ORDERS_KEPT:
            self.seen[keys] = found
        return found


_KEY_ORDERS: dict[type, KeyOrders] = {}


def key_orders(plan: ClassPlan) -> KeyOrders:
    """The `KeyOrders` of a class (one per class, shared by every path)."""
    found = _KEY_ORDERS.get(plan.cls)
    if found is None:
        found = _KEY_ORDERS.setdefault(plan.cls, KeyOrders(plan))
    return found


def post_check(plan: ClassPlan) -> PostCheck | None:
    """The check that runs once an instance of the plan's class is built (see `POST_CHECKS`)."""
    return POST_CHECKS.get(schema_key_of(plan.cls) or "")
