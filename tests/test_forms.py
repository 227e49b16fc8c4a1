"""Form encoding: byte-identical to the official stripe package, and what we refuse instead."""

from __future__ import annotations

import datetime
import decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stripe._encode import _api_encode

from stripe_models.params import identity as params
from stripe_schemas import CLEAR, structure, unstructure
from stripe_schemas.forms import encode
from stripe_schemas.strategies._models import payloads


def official(data: Any) -> str:
    """The official encoder, exactly as stripe-python builds a request body."""
    return urlencode(list(_api_encode(data)))


# -- the strategy: what a request's parameters can hold ------------------------------------

#: Characters that matter to the bracket form and to percent-encoding, plus unicode.
SPECIAL = st.sampled_from([*list(".[]&= é~%+/_-#?ß😀\t"), "ab", "order.id", "x[y]"])
TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
KEYS = st.lists(SPECIAL | TEXT, min_size=1, max_size=3).map("".join)
SCALARS = st.one_of(
    TEXT,
    st.just(""),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _values(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One level more: objects of values, lists of scalars, objects and lists (nested lists
    are encoded like objects, so they may hold nulls)."""
    list_items = SCALARS | st.dictionaries(KEYS, inner, max_size=3) | st.lists(inner, max_size=3)
    return st.dictionaries(KEYS, inner, max_size=3) | st.lists(list_items, max_size=3)


VALUES = st.recursive(SCALARS | st.none(), _values, max_leaves=12)
PARAMS = st.dictionaries(KEYS, VALUES, max_size=4)
METADATA = st.fixed_dictionaries(
    {"metadata": st.dictionaries(KEYS, TEXT | st.just(""), max_size=4)},
    optional={"expand": st.lists(TEXT, max_size=3)},
)


@given(PARAMS)
def test_byte_identical_to_the_official_encoder(data: dict[str, Any]) -> None:
    """Any parameters made of JSON types encode to exactly the official bytes."""
    assert encode(data) == official(data)


@given(METADATA)
def test_metadata_keys_byte_identical(data: dict[str, Any]) -> None:
    """Metadata maps (keys with dots, brackets, &, =, spaces, unicode; empty values) too."""
    assert encode(data) == official(data)


def _walk(value: Any, found: set[str], in_list: bool = False) -> None:
    if isinstance(value, dict):
        if in_list:
            found.add("list of objects")
        if value:
            found.add("object")
        for key, item in value.items():
            found.update(name for name, char in _KEY_FEATURES.items() if char in key)
            if not key.isascii():
                found.add("unicode key")
            _walk(item, found)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, list):
                found.add("nested list")
            elif not isinstance(item, dict):
                found.add("list of scalars")
            _walk(item, found, in_list=True)
    elif value == "" and isinstance(value, str):
        found.add("empty string")
    elif isinstance(value, bool):
        found.add("boolean in list" if in_list else "boolean")
    elif isinstance(value, int):
        found.add("integer")
    elif isinstance(value, str) and not value.isascii():
        found.add("unicode value")


_KEY_FEATURES = {"key with .": ".", "key with [": "[", "key with &": "&", "key with =": "=",
                 "key with space": " "}  # fmt: skip
FEATURES = [
    "object", "list of scalars", "list of objects", "nested list", "empty string", "boolean",
    "boolean in list", "integer", "unicode key", "unicode value", *_KEY_FEATURES,
]  # fmt: skip


@pytest.mark.parametrize("feature", FEATURES)
def test_the_strategy_draws(feature: str) -> None:
    """The differential's strategy really draws each case it claims to cover."""
    from hypothesis import Phase, find, settings

    def has(data: dict[str, Any]) -> bool:
        found: set[str] = set()
        _walk(data, found)
        return feature in found

    quick = settings(max_examples=5000, database=None, phases=[Phase.generate])
    example = find(PARAMS, has, settings=quick)
    assert encode(example) == official(example)


PARAM_CLASSES = [
    params.VerificationSessionCreateParams,
    params.VerificationSessionUpdateParams,
    params.VerificationSessionListParams,
    params.VerificationSessionRetrieveParams,
    params.VerificationSessionCancelParams,
]


@pytest.mark.parametrize("cls", PARAM_CLASSES, ids=lambda c: c.__name__)
def test_parameter_instances_byte_identical(cls: type) -> None:
    """A parameter instance encodes like the official encoder given its JSON (Clear included)."""

    @given(payloads(cls))
    def check(payload: dict[str, Any]) -> None:
        instance = structure(payload, cls)
        assert encode(instance) == official(unstructure(instance))
        assert encode(payload) == official(payload)

    check()


def test_clear_and_nested_instances() -> None:
    """``Clear`` sends an empty value; instances nested in a mapping are encoded as objects."""
    options = params.VerificationSessionUpdateParamsOptions(document=CLEAR)
    assert (
        encode(params.VerificationSessionUpdateParams(options=options)) == "options%5Bdocument%5D="
    )
    mixed = {"options": options, "metadata": {"order.id": "", "a b": "é"}}
    assert encode(mixed) == official(
        {"options": {"document": ""}, "metadata": {"order.id": "", "a b": "é"}}
    )
    assert encode(None) == "" == official({})


# -- what the official encoder does that is surprising (the README's list) -----------------

SURPRISES: list[tuple[str, Any, str]] = [
    ("booleans are lower-case in objects", {"a": {"b": True}}, "a%5Bb%5D=true"),
    ("but Python-cased directly in a list", {"a": [True, False]}, "a%5B0%5D=True&a%5B1%5D=False"),
    ("and lower-case again in a nested list", {"a": [[True]]}, "a%5B0%5D%5B0%5D=true"),
    ("None is left out of objects", {"a": None, "b": {"c": None}}, ""),
    ("but sent as the text None in a list", {"a": [None]}, "a%5B0%5D=None"),
    ("and left out of a nested list, leaving a hole", {"a": [[1, None, 2]]},
     "a%5B0%5D%5B0%5D=1&a%5B0%5D%5B2%5D=2"),
    ("empty lists and objects send nothing", {"a": [], "b": {}}, ""),
    ("lists of objects are indexed", {"a": [{"b": 1}]}, "a%5B0%5D%5Bb%5D=1"),
    ("floats use Python's str", {"a": 1e20, "b": 0.1}, "a=1e%2B20&b=0.1"),
    ("keys are not escaped inside brackets", {"m": {"a[b]": "c"}}, "m%5Ba%5Bb%5D%5D=c"),
    ("spaces become +", {"a b": "c d"}, "a+b=c+d"),
]  # fmt: skip


@pytest.mark.parametrize("data,expected", [(d, e) for _, d, e in SURPRISES],
                         ids=[n for n, _, _ in SURPRISES])  # fmt: skip
def test_official_surprises(data: Any, expected: str) -> None:
    """Each documented behaviour is what the official encoder does, and what we do."""
    assert official(data) == expected
    if "None" not in expected:
        assert encode(data) == expected


def test_official_datetimes_and_objects() -> None:
    """Datetimes: a unix time in an object (a naive one in local time), str() in a list;
    an object with an ``id`` is sent as that id, but as its repr inside a list."""
    aware = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    assert official({"t": aware}) == "t=1577836800"
    assert official({"t": [aware]}) == "t%5B0%5D=2020-01-01+00%3A00%3A00%2B00%3A00"

    class WithId:
        id = "obj_1"

    assert official({"o": WithId()}) == "o=obj_1"
    assert "WithId+object+at" in official({"o": [WithId()]})


REFUSED: list[tuple[Any, type[Exception], str]] = [
    ({"a": [None]}, ValueError, "/a/0"),
    ({"a": {"b": [1, None]}}, ValueError, "/a/b/1"),
    ({"a": float("nan")}, ValueError, "/a"),
    ({"a": [float("inf")]}, ValueError, "/a/0"),
    ({"when": datetime.datetime(2020, 1, 1)}, TypeError, "/when"),
    ({"d": decimal.Decimal("1.10")}, TypeError, "/d"),
    ({"b": b"bytes"}, TypeError, "/b"),
    ({"o": {"x/y": object()}}, TypeError, "/o/x~1y"),
    ({1: "a"}, TypeError, "/"),
    ({"m": {1: "x"}}, TypeError, "/m"),
    ({"a": [{"b": {2: "x"}}]}, TypeError, "/a/0/b"),
    ({"a": {"b": "\ud800"}}, ValueError, "/a/b"),
    ({"a": ["ok", "\udfff"]}, ValueError, "/a/1"),
    ({"m": {"k\ud800": "x"}}, ValueError, "/m/k\\ud800"),
]


@pytest.mark.parametrize("data,error,where", REFUSED)
def test_refused_values_name_their_place(data: Any, error: type[Exception], where: str) -> None:
    """Values with no meaningful form encoding are refused, by pointer, never shown."""
    with pytest.raises(error) as caught:
        encode(data)
    message = str(caught.value)
    assert f"at {where} " in message or f"at {where}:" in message
    assert "1.10" not in message and "2020" not in message  # types only, never values


@pytest.mark.parametrize("bad", [["a"], "a=b", 3, object()])
def test_top_level_must_be_a_mapping(bad: Any) -> None:
    """Only a mapping, a parameter instance or None can be encoded."""
    with pytest.raises(TypeError):
        encode(bad)


def test_lone_surrogates_fail_like_the_official_encoder() -> None:
    """Text that is not encodable as UTF-8 is an error in both encoders; ours names the place."""
    with pytest.raises(ValueError, match=r"lone surrogate\) at /a:"):
        encode({"a": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        official({"a": "\ud800"})


def test_lists_in_lists_keep_their_indexes() -> None:
    """Only a list's own items are keyed by integers; that exception does not leak to objects."""
    assert encode({"a": [["x", "y"]]}) == official({"a": [["x", "y"]]})
    with pytest.raises(TypeError, match="a key of type int at /a/0:"):
        encode({"a": [{0: "x"}]})


def test_nesting_is_bounded() -> None:
    """Nesting deeper than MAX_DEPTH is a ValueError with a pointer, not a RecursionError."""
    from stripe_schemas.forms import MAX_DEPTH

    deep: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = {"a": deep}
    with pytest.raises(ValueError, match=r"nested deeper than .* at /a/a/"):
        encode(deep)
    deep = "x"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="nested deeper"):
        encode({"l": deep})


@given(st.text(st.characters(codec="utf-8")))
def test_quoting_is_quote_plus(text: str) -> None:
    """The fast percent-encoding is exactly ``quote_plus(text, safe="")``."""
    from urllib.parse import quote_plus

    from stripe_schemas.forms import _quote

    assert _quote(text) == quote_plus(text, "")
