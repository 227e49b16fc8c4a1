"""UNSET, Expandable helpers, and the value semantics of generated instances."""

from __future__ import annotations

import pytest

from stripe_models.identity import DataVerifiedOutputsDate, VerificationReport
from stripe_schemas import UNSET, expandable_id, is_expanded

REPORT = VerificationReport(
    created=1, id="vr_1", livemode=False, object="identity.verification_report", type="document"
)


def test_is_expanded_only_for_objects() -> None:
    """is_expanded is True for an expanded object, False for an ID, null and absent."""
    assert is_expanded(REPORT)
    assert not is_expanded("vr_1")
    assert not is_expanded(None)
    assert not is_expanded(UNSET)


def test_expandable_id_both_forms() -> None:
    """expandable_id gives the ID of an ID string and of an expanded object; None is refused."""
    assert expandable_id("vr_1") == "vr_1"
    assert expandable_id(REPORT) == "vr_1"
    with pytest.raises(TypeError):
        expandable_id(None)


def test_unset_is_falsy_singleton() -> None:
    """UNSET is falsy and prints as UNSET."""
    assert not UNSET
    assert repr(UNSET) == "UNSET"


def test_leaf_instances_are_hashable_and_equal() -> None:
    """Frozen instances without containers hash by value (unknown fields are left out of the hash)."""
    one = DataVerifiedOutputsDate(day=1, month=2, year=2000)
    two = DataVerifiedOutputsDate(day=1, month=2, year=2000)
    assert one == two and hash(one) == hash(two)
    assert {one, two} == {one}
    with_extra = DataVerifiedOutputsDate(day=1, month=2, year=2000, _extra={"x": 1})
    assert with_extra != one
