"""Facts about OpenAPI schema keywords that several stages of the generator read."""

from __future__ import annotations

#: Keywords of a schema that only describe it: an `allOf` part made only of these adds
#: nothing to the value's shape (the classes and `schemas.json` both skip such a part).
ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly"}
    | {"externalDocs", "default", "nullable"}
)


def only_describes(schema: object) -> bool:
    """A schema made of annotations alone (`{}` included): it adds nothing to the value's
    shape, so as an `allOf` part, or as a later part's definition of a property an earlier
    part defines, it changes nothing (the classes and `schemas.json` both read it so)."""
    return isinstance(schema, dict) and set(schema) <= ANNOTATIONS
