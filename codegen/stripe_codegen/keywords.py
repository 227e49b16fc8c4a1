"""Facts about OpenAPI schema keywords that several stages of the generator read."""

from __future__ import annotations

#: Keywords of a schema that only describe it: an `allOf` part made only of these adds
#: nothing to the value's shape (the classes and `schemas.json` both skip such a part).
ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly"}
    | {"externalDocs", "default", "nullable"}
)
