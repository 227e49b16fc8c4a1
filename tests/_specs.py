"""Small synthetic OpenAPI specs for generator tests (our own, not Stripe's)."""

from __future__ import annotations

import copy
from typing import Any

WIDGET: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "widgets", "version": "2099-01-01"},
    "paths": {},
    "components": {
        "schemas": {
            "shop.widget": {
                "type": "object",
                "x-resourceId": "shop.widget",
                "required": ["id", "object", "from"],
                "properties": {
                    "id": {"type": "string", "maxLength": 64},
                    "object": {"type": "string", "enum": ["shop.widget"]},
                    "from": {"type": "string"},
                    "class": {"type": "integer", "nullable": True},
                    "type": {"type": "string", "enum": ["a", "b"], "nullable": True},
                    "made": {"type": "integer", "format": "unix-time"},
                    "owner": {
                        "anyOf": [
                            {"type": "string", "maxLength": 5000},
                            {"$ref": "#/components/schemas/shop.owner"},
                        ],
                        "nullable": True,
                        "x-expansionResources": {
                            "oneOf": [{"$ref": "#/components/schemas/shop.owner"}]
                        },
                    },
                    "colour": {
                        "type": "string",
                        "enum": ["red", "blue"],
                        "x-stripeBypassValidation": True,
                    },
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
                    "notes": {"type": "object", "additionalProperties": {"type": "string"}},
                    "deleted": {"type": "boolean", "enum": [True]},
                },
            },
            "shop.owner": {
                "type": "object",
                "x-resourceId": "shop.owner",
                "required": ["id", "object"],
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string", "enum": ["shop.owner"]},
                    "address": {
                        "anyOf": [{"$ref": "#/components/schemas/address"}],
                        "nullable": True,
                    },
                },
            },
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string", "nullable": True}},
            },
        }
    },
}


def widget_spec() -> dict[str, Any]:
    return copy.deepcopy(WIDGET)
