"""Which schemas an `object` tag can stand for: the one rule the generator and the
validator share.

A payload's `object` tag names a resource (a schema with `x-resourceId`). A few
schemas without a resource id of their own carry a resource's tag too: the deleted
form of a resource (`deleted_bank_account` is tagged `bank_account`). The
generator types an event's `data.object` with them, and the validator picks a
payload's schema among them (the one whose required fields the payload has).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K")

#: The schema of an event's `data`: the generator types its `object` by tag
#: (`stripe_codegen.events`) and the converters check its `previous_attributes`.
EVENT_DATA_SCHEMA = "notification_event_data"


def tagged_objects(resources: Iterable[K], tags: Mapping[K, Sequence[str]]) -> list[K]:
    """The `resources`, then every other key of `tags` whose tags are all resources'
    tags (in the order of `tags`). `tags` maps each schema to its `object` enum."""
    members = list(dict.fromkeys(resources))
    resource_tags = {tag for key in members for tag in tags.get(key, ())}
    chosen = set(members)
    for key, own in tags.items():
        if key not in chosen and own and set(own) <= resource_tags:
            members.append(key)
            chosen.add(key)
    return members
