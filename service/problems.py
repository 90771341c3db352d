"""Errors of the Portal Test API as problem details (RFC 9457, ``application/problem+json``).

Every problem has a ``type`` URI from :data:`TYPES`, a ``title``, the HTTP ``status`` and a
``detail`` for people. A portal's rejection (``rejected``, 422) adds ``rules``: the rule ids
the portal's messages stand for (``skc rules`` lists them; ``sim.*`` ids for generic
preconditions), so a client gets the same :class:`~skc.model.sim.outcome.Outcome` as in
process. A detail never holds an argument's value (a password could be one).
"""

from __future__ import annotations

from typing import Final

import orjson
from starlette.responses import Response

MEDIA_TYPE: Final = "application/problem+json"
_BASE: Final = "https://servicekonto-conformance.invalid/problems/"
# type name -> (status, title)
TYPES: Final[dict[str, tuple[int, str]]] = {
    "rejected": (422, "The portal rejected the operation"),
    "invalid-arguments": (400, "The arguments do not match the operation's declaration"),
    "unknown-operation": (404, "No such operation"),
    "unknown-portal": (404, "No such portal instance"),
    "unauthorised": (401, "A test hook needs the server's test token"),
    "no-test-hooks": (404, "The server runs without test hooks"),
    "server-error": (500, "The portal failed"),
}


def type_uri(name: str) -> str:
    """The ``type`` URI of a problem name."""
    return _BASE + name


def problem(name: str, detail: str, *, rules: tuple[str, ...] = ()) -> Response:
    """A problem-details response of a known type."""
    status, title = TYPES[name]
    body: dict[str, object] = {
        "type": type_uri(name),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if name == "rejected":
        body["rules"] = list(rules)
    headers = {"WWW-Authenticate": 'Bearer realm="skc-test-hooks"'} if status == 401 else None
    return Response(orjson.dumps(body), status, headers=headers, media_type=MEDIA_TYPE)


def problem_schema() -> dict[str, object]:
    """The JSON Schema of a problem-details body (for the OpenAPI document)."""
    return {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "rules": {
                "type": "array",
                "items": {"type": "string"},
                "description": "the rule ids of the portal's messages (rejections only)",
            },
        },
    }


__all__ = ["MEDIA_TYPE", "TYPES", "problem", "problem_schema", "type_uri"]
