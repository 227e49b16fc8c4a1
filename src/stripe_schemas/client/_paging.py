"""Auto-paging: the parameters of the page after this one (`starting_after`/`ending_before`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..converters import unstructure
from ..model import is_model
from ._core import Page


def next_page_params(params: object, page: Page[Any]) -> dict[str, Any] | None:
    """The parameters of the next page, or `None` after the last one.

    Pages go forward from the last item (`starting_after`); a listing that started
    with `ending_before` (and no `starting_after`) goes backward from the first item.
    """
    if not page.has_more or not page.data:
        return None
    if params is None:
        base: dict[str, Any] = {}
    elif is_model(type(params)) or isinstance(params, Mapping):
        base = dict(unstructure(params))
    else:
        raise TypeError(
            f"list parameters are a mapping or a parameter class, not {type(params).__name__}"
        )
    if "ending_before" in base and "starting_after" not in base:
        base["ending_before"] = page.data[0].id
    else:
        base["starting_after"] = page.data[-1].id
    return base
