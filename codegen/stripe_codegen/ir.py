"""The intermediate model: plain frozen attrs objects between parsing and rendering.

Parsing (`parse.py`) turns a spec into a `ModelSet`; rendering
(`render.py`) turns a `ModelSet` into Python source. Nothing here
knows about source text, and nothing in the renderer knows about the spec.
"""

from __future__ import annotations

from typing import Any, Literal, Union, get_args

import attrs

from .errors import SpecProblem

#: An enum member as the spec gives it (`enum: [true]` is a boolean, not `"True"`).
EnumValue = Union[str, int, float, bool]  # noqa: UP007 (runtime alias on 3.10)

PrimitiveName = Literal["str", "int", "float", "bool", "Any", "None"]
#: The same names as a set, for the parser's type names that are ours too (`_dcg`, `parse`).
PRIMITIVE_NAMES: frozenset[str] = frozenset(get_args(PrimitiveName))


@attrs.frozen
class Primitive:
    """A JSON scalar (or `Any` for a free-form value, `None` for a nested `null`)."""

    name: PrimitiveName


@attrs.frozen
class ModelRef:
    """A reference to a generated class, by the JSON pointer of its schema."""

    pointer: str


@attrs.frozen
class EnumRef:
    """A `Literal` alias, by the JSON pointer of the enum schema that defines it."""

    pointer: str


@attrs.frozen
class ListOf:
    item: TypeExpr


@attrs.frozen
class MapOf:
    """A JSON object used as a free-form mapping (`additionalProperties`)."""

    value: TypeExpr


@attrs.frozen
class UnionOf:
    """`anyOf` branches that are not an expandable field."""

    members: tuple[TypeExpr, ...]


@attrs.frozen
class ExpandableOf:
    """An expandable field: an ID string, or one of the expansion targets."""

    targets: tuple[ModelRef, ...]


@attrs.frozen
class EmptyString:
    """Stripe's empty string in a request parameter (`enum: [""]`): it unsets the stored value."""


TypeExpr = Union[Primitive, ModelRef, EnumRef, ListOf, MapOf, UnionOf, ExpandableOf, EmptyString]  # noqa: UP007 (runtime alias on 3.10)


@attrs.frozen
class EnumDef:
    """A named `Literal` alias for an enum."""

    pointer: str
    name: str
    module: str
    values: tuple[EnumValue, ...]
    #: `x-stripeBypassValidation` on the enum schema itself (Stripe may send other values).
    bypass_validation: bool = False


@attrs.frozen
class FieldDef:
    """One property of an object schema, with its three-state typing facts."""

    wire_name: str
    attr_name: str
    type: TypeExpr
    required: bool
    nullable: bool
    max_length: int | None = None
    format: str | None = None
    #: The other limits the field's values carry (`stripe_schemas.Limits` attribute, value).
    limits: tuple[tuple[str, Any], ...] = ()
    enum: tuple[EnumValue, ...] | None = None
    bypass_validation: bool = False
    #: Resource ids of expansion targets (from `x-expansionResources`).
    expansion: tuple[str, ...] = ()


@attrs.frozen
class ClassDef:
    """An object schema that becomes an attrs class."""

    pointer: str
    #: The component key (`identity.verification_session`), or the pointer for an inline object.
    schema_key: str
    name: str
    module: str
    resource_id: str | None
    fields: tuple[FieldDef, ...]
    #: The type of the values under keys the schema does not list, when it declares them
    #: (`additionalProperties`: a schema, or `true`/`{}` for any value); None: the object is
    #: closed and any other key is an unknown field.
    additional: TypeExpr | None = None


@attrs.frozen
class AliasDef:
    """A component schema that is a union of objects (`anyOf` at the top): a type alias."""

    pointer: str
    schema_key: str
    name: str
    module: str
    type: TypeExpr


@attrs.frozen
class ModelSet:
    """Everything the renderer needs, in a deterministic order."""

    api_version: str
    spec_sha256: str
    spec_name: str
    classes: tuple[ClassDef, ...]
    aliases: tuple[AliasDef, ...]
    enums: tuple[EnumDef, ...]
    #: Component keys included, sorted (the schema document is built from these).
    schema_keys: tuple[str, ...]
    #: The spec's own `info.title` when Stripe's conventions do not apply to it (None: a
    #: spec of Stripe's style, whose output speaks of Stripe API versions and namespaces).
    api_title: str | None = None
    #: Discriminated unions' branch tags (`discriminators`): component key → {tag
    #: property: values}; `schemas.json` asserts what the classes' `Literal` fields say.
    tags: dict[str, dict[str, tuple[str, ...]]] = attrs.field(factory=dict, eq=False)
    #: What the models leave out of the spec, one line per place (`generate` prints them).
    warnings: tuple[SpecProblem, ...] = attrs.field(default=(), eq=False)

    def modules(self) -> tuple[str, ...]:
        names = {c.module for c in self.classes} | {a.module for a in self.aliases}
        names |= {e.module for e in self.enums}
        return tuple(sorted(names))


# -- request parameters (`paths`; built by `params.py`) ------------------------------------


@attrs.frozen
class OperationDef:
    """One operation of `paths` whose parameters become a class."""

    operation_id: str
    #: Lower-case HTTP method (`get`, `post`, `delete`).
    method: str
    path: str
    #: The parameters class (a `ClassDef` in the same `ParamSet`).
    name: str
    module: str
    #: Names of the `{…}` parameters in `path`, in order (arguments of a call, not fields).
    path_params: tuple[str, ...]
    #: The response is a list object (`has_more` pagination with `limit` and cursors).
    paginated: bool


@attrs.frozen
class ParamSet:
    """The request-parameter classes of a spec's operations, in a deterministic order."""

    api_version: str
    spec_sha256: str
    spec_name: str
    operations: tuple[OperationDef, ...]
    classes: tuple[ClassDef, ...]
    enums: tuple[EnumDef, ...]
    #: operationId → the OpenAPI object schema of all its parameters (query and body) together.
    schemas: dict[str, Any] = attrs.field(eq=False)
    #: Pointer of a nested class → (its operation's class, its form key: `options[document]`).
    labels: dict[str, tuple[str, str]] = attrs.field(eq=False, factory=dict)

    def modules(self) -> tuple[str, ...]:
        names = {o.module for o in self.operations} | {c.module for c in self.classes}
        return tuple(sorted(names | {e.module for e in self.enums}))
