"""The bottom layer: what every other layer and the generated code need about models.

Nothing here imports the rest of the package. It holds the field states (`UNSET`),
the types generated code annotates with (`Expandable`, `UnknownEnumValue`,
`Clear`), the facts written beside a field (`meta()`, `FieldInfo`), the
plan of a generated class that the converters, the validator and the strategies all read
(`class_plan()`), the generic `ListObject`, JSON pointers, and which generated
package a class comes from with its own schema document.
"""

from __future__ import annotations

from ._clear import CLEAR, Clear
from ._documents import DEFAULT_PACKAGE, def_key, def_pointer, load_default_document
from ._list import ListObject
from ._meta import FieldInfo, StripeMeta, meta, stripe_meta
from ._objects import EVENT_DATA_SCHEMA, tagged_objects
from ._package import (
    MixedVersionsError,
    ModelPackage,
    check_document,
    document_of,
    package_of,
    schema_for,
)
from ._plans import (
    EXTRA_ATTR,
    MODES,
    AnyNode,
    ClassPlan,
    EnumNode,
    FieldPlan,
    ListNode,
    MapNode,
    Mode,
    ModelNode,
    Node,
    NullableNode,
    ScalarNode,
    UnionNode,
    class_plan,
    describe_node,
    field_info,
    is_generic_model,
    is_model,
    is_model_target,
    is_model_union,
    spec_fields,
    type_node,
    unsupported,
    with_max_length,
)
from ._pointers import escape_token, is_under, join_pointer, pointer, split_pointer, unescape_token
from ._types import Expandable, HasId, UnknownEnumValue, expandable_id, is_expanded
from ._unset import UNSET, UnsetType
from ._versions import (
    BUNDLED,
    LATEST,
    UnknownApiVersion,
    is_bundled,
    models_for,
    package_for,
    retarget,
)

__all__ = [
    "BUNDLED",
    "CLEAR",
    "DEFAULT_PACKAGE",
    "EVENT_DATA_SCHEMA",
    "EXTRA_ATTR",
    "LATEST",
    "MODES",
    "UNSET",
    "AnyNode",
    "ClassPlan",
    "Clear",
    "EnumNode",
    "Expandable",
    "FieldInfo",
    "FieldPlan",
    "HasId",
    "ListNode",
    "ListObject",
    "MapNode",
    "MixedVersionsError",
    "Mode",
    "ModelNode",
    "ModelPackage",
    "Node",
    "NullableNode",
    "ScalarNode",
    "StripeMeta",
    "UnionNode",
    "UnknownApiVersion",
    "UnknownEnumValue",
    "UnsetType",
    "check_document",
    "class_plan",
    "def_key",
    "def_pointer",
    "describe_node",
    "document_of",
    "escape_token",
    "expandable_id",
    "field_info",
    "is_bundled",
    "is_expanded",
    "is_generic_model",
    "is_model",
    "is_model_target",
    "is_model_union",
    "is_under",
    "join_pointer",
    "load_default_document",
    "meta",
    "models_for",
    "package_for",
    "package_of",
    "pointer",
    "retarget",
    "schema_for",
    "spec_fields",
    "split_pointer",
    "stripe_meta",
    "tagged_objects",
    "type_node",
    "unescape_token",
    "unsupported",
    "with_max_length",
]
