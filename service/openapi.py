"""The OpenAPI 3.1 document of the Portal Test API, generated from ``operations.yaml``.

One path per declared operation (``POST /portals/{portal}/operations/<name>``) with its
arguments' JSON Schema (:func:`~skc.conformance.adapters.operations.arguments_schema`), its
value's schema and the problem details it may answer; the profile, the eID requests and the
test hooks beside them. An operation that presents a card takes the eID result as ``card``
(the released attributes and the pseudonym, or the failure), never the PIN or the holder's
choice, which stay with the harness's eID client. The committed ``openapi.json`` beside this
module is :func:`document` written by ``skc serve --openapi``; a test keeps the two equal, so
a vendor can implement the API in front of their own portal from the file alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, TypeAlias

from skc.conformance.adapters.eid import (
    CARD_OPERATIONS,
    FAILURE,
    FAILURES,
    PROFILE_ATTRIBUTES,
    PSEUDONYM,
)
from skc.conformance.adapters.operations import (
    HOOKS,
    OPERATIONS,
    Operation,
    ReturnKind,
    arguments_schema,
)
from skc.conformance.profile import Capability
from skc.service.app import SESSION_COOKIE
from skc.service.problems import MEDIA_TYPE, problem_schema
from skc.service.wire import SESSION_PARAM, holder_param

Json: TypeAlias = dict[str, Any]
DOCUMENT_FILE: Final = Path(__file__).with_name("openapi.json")
API_VERSION: Final = "1.0.0"
_PROBLEM: Final = {"$ref": "#/components/schemas/Problem"}
_NULLABLE_STRING: Final[Json] = {"type": ["string", "null"]}
_VALUES: Final[dict[ReturnKind, Json]] = {
    "none": {"description": "nothing the harness compares; may carry an id"},
    "id": _NULLABLE_STRING,
    "session": {"type": "string"},
    "count": {"type": "integer"},
    "flag": {"type": "boolean"},
    "status": {"type": "string"},
    "ids": {"type": "array", "items": {"type": "string"}},
    "text": _NULLABLE_STRING,
    "mapping": {"type": "object", "additionalProperties": {"type": "string"}},
    "token": _NULLABLE_STRING,
}
_PORTAL: Final = {
    "name": "portal",
    "in": "path",
    "required": True,
    "description": "a portal instance: 'default', or an id from POST /test/portals",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$"},
    "example": "default",
}


def _problems(*statuses: int) -> Json:
    return {str(status): {"$ref": "#/components/responses/Problem"} for status in statuses}


def _ok(schema: Json, description: str, status: int = 200) -> Json:
    return {str(status): {"description": description,
                          "content": {"application/json": {"schema": schema}}}}  # fmt: skip


_EID_RESULT: Final[Json] = {
    "description": (
        "the eID result the holder's eID client posts: the released attributes (TR-03110-4 "
        "appendix A encodings) and the pseudonym (hex) for the portal's sector, or the failure"
    ),
    "oneOf": [
        {
            "type": "object",
            "properties": {name: {"type": "string"} for name in (*PROFILE_ATTRIBUTES, PSEUDONYM)},
            "additionalProperties": False,
        },
        {
            "type": "object",
            "required": [FAILURE],
            "properties": {FAILURE: {"enum": list(FAILURES)}},
            "additionalProperties": False,
        },
    ],
}
_ATTRIBUTE_LIST: Final[Json] = {"type": "array", "items": {"type": "string"}}


def _wire_arguments(op: Operation) -> Json:
    schema: dict[str, Any] = arguments_schema(op)
    held = [name for name in schema["properties"] if holder_param(op, name)]
    for name in held:
        del schema["properties"][name]
    schema["required"] = [name for name in schema["required"] if name not in held]
    if "card" in schema["properties"]:
        schema["properties"]["card"] = _EID_RESULT
    return schema


def _operation(op: Operation) -> Json:
    schema = _wire_arguments(op)
    for name, prop in schema["properties"].items():
        if {"type": "null"} not in prop.get("anyOf", ()):
            schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
    if SESSION_PARAM in schema["required"]:
        schema["required"] = [p for p in schema["required"] if p != SESSION_PARAM]
        schema["properties"][SESSION_PARAM] = {
            "type": ["string", "null"],
            "description": f"a session id; the {SESSION_COOKIE} cookie when left out",
        }
    value: Json = {
        "type": "object",
        "required": ["value"],
        "properties": {"value": _VALUES[op.returns], "detail": {"type": "string"}},
    }
    spec: Json = {
        "operationId": op.name,
        "summary": op.doc,
        "tags": [op.role],
        "parameters": [_PORTAL],
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "responses": {
            **_ok(value, "accepted; value: " + op.returns),
            **_problems(400, 404, 422, 500),
        },
        "x-skc-kind": "query" if op.query else "action",
        "x-skc-capability": op.capability,
    }
    if op.authority:
        spec["security"] = [{"testToken": []}]
        spec["responses"] = {**spec["responses"], **_problems(401)}
    return spec


def _hooks() -> Json:
    secured: Json = {"security": [{"testToken": []}], "tags": ["test_hook"]}
    portal_id: Json = {
        "type": "object", "required": ["portal"], "properties": {"portal": {"type": "string"}}
    }  # fmt: skip
    return {
        "/test/portals": {"post": {
            **secured, "operationId": "create_portal",
            "summary": "A fresh portal instance: its own accounts, outbox and virtual clock.",
            "responses": {**_ok(portal_id, "the new instance's id", 201), **_problems(401, 404)},
        }},
        "/test/portals/{portal}": {"delete": {
            **secured, "operationId": "delete_portal", "parameters": [_PORTAL],
            "summary": "Forget a portal instance.",
            "responses": {"204": {"description": "deleted"}, **_problems(401, 404)},
        }},
        "/portals/{portal}/test/clock": {"post": {
            **secured, "operationId": "advance_clock", "parameters": [_PORTAL],
            "summary": HOOKS["advance_clock"].doc,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": arguments_schema(HOOKS["advance_clock"])}}},
            "responses": {
                **_ok({"type": "object", "required": ["now"],
                       "properties": {"now": {"type": "string"}}}, "the portal's new time"),
                **_problems(400, 401, 404),
            },
        }},
        "/portals/{portal}/test/mail": {"get": {
            **secured, "operationId": "captured_token",
            "summary": HOOKS["captured_token"].doc,
            "parameters": [
                _PORTAL,
                {"name": "address", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "kind", "in": "query", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                **_ok({"type": "object", "required": ["token"],
                       "properties": {"token": _NULLABLE_STRING}}, "the token, or null"),
                **_problems(400, 401, 404),
            },
        }},
    }  # fmt: skip


def _eid_requests() -> Json:
    schema: Json = {
        "type": "object",
        "required": ["required", "optional", "sector", "date", "can_allowed"],
        "properties": {
            "required": {**_ATTRIBUTE_LIST, "description": "attributes the holder cannot deselect"},
            "optional": {**_ATTRIBUTE_LIST, "description": "attributes the holder may deselect"},
            "sector": {"type": "string", "description": "the Restricted Identification sector"},
            "date": {"type": "string", "description": "the date the card's validity is checked"},
            "can_allowed": {"type": "boolean", "description": "the CHAT allows the CAN (no PIN)"},
        },
    }
    return {"/portals/{portal}/eid-request/{operation}": {"get": {
        "operationId": "eid_request", "tags": ["user"],
        "summary": (
            "The portal's eID request for an operation that presents a card; the harness's eID "
            "client runs the card with it and posts the eID result as that operation's 'card'."
        ),
        "parameters": [_PORTAL, {
            "name": "operation", "in": "path", "required": True,
            "schema": {"enum": list(CARD_OPERATIONS)},
        }],
        "responses": {**_ok(schema, "the eID request"), **_problems(404)},
    }}}  # fmt: skip


def _profile() -> Json:
    names = [c.value for c in Capability]
    schema: Json = {
        "type": "object",
        "required": ["land", "version", "capabilities", "operations", "test_hooks"],
        "properties": {
            "land": {"type": "string"},
            "version": {"type": "string"},
            "capabilities": {
                "type": "object",
                "propertyNames": {"enum": names},
                "additionalProperties": {"type": "boolean"},
            },
            "operations": {"type": "array", "items": {"type": "string"}},
            "test_hooks": {"type": "array", "items": {"type": "string"}},
        },
    }
    return {"/profile": {"get": {
        "operationId": "server_profile", "tags": ["profile"],
        "summary": "The Land, the capabilities, the operations and the test hooks served.",
        "responses": _ok(schema, "the server's profile"),
    }}}  # fmt: skip


def document() -> Json:
    """The whole OpenAPI 3.1 document."""
    paths: Json = {**_profile(), **_eid_requests(), **_hooks()}
    for name in sorted(OPERATIONS):
        paths[f"/portals/{{portal}}/operations/{name}"] = {"post": _operation(OPERATIONS[name])}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Servicekonto Portal Test API",
            "version": API_VERSION,
            "description": (
                "The operations of the Servicekonto conformance harness over HTTP (generated "
                "from operations.yaml). Rejections are problem details (RFC 9457) whose 'rules' "
                "name the rule ids of the portal's messages. Test hooks and back-office "
                "operations need the server's test token (skc serve --test-hooks)."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {"Problem": problem_schema()},
            "responses": {
                "Problem": {
                    "description": "a problem (RFC 9457)",
                    "content": {MEDIA_TYPE: {"schema": _PROBLEM}},
                }
            },
            "securitySchemes": {"testToken": {"type": "http", "scheme": "bearer"}},
        },
    }


def render() -> str:
    """The document as the committed file holds it (sorted keys, two-space indent)."""
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["DOCUMENT_FILE", "document", "render"]
