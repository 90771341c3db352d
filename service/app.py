"""The Portal Test API as a Starlette application (``skc serve``).

Endpoints (the OpenAPI document, :mod:`skc.service.openapi`, lists each operation's own):

* ``GET /profile``: the Land, the capabilities (``clock_control`` and ``mail_capture`` only
  with test hooks), the operations and the test hooks the server offers;
* ``POST /portals/{portal}/operations/{operation}``: one declared operation, arguments as a
  JSON object; ``200 {"value": ...}`` when accepted, a problem (RFC 9457) otherwise: 422
  ``rejected`` with the rule ids, 400 for arguments that do not match the declaration. An
  operation that returns a session sets it as an HttpOnly, SameSite=Strict cookie too; an
  operation that takes a session reads the cookie when the body names none. Back-office
  operations are test hooks;
* ``GET /portals/{portal}/eid-request/{operation}``: the portal's eID request for an operation
  that presents a card (required and optional attributes, sector, date, whether the CAN is
  allowed); the harness's eID client runs the card and posts the eID result as ``card``;
* test hooks, only when the server starts with ``--test-hooks`` and a token (``Authorization:
  Bearer TOKEN``): ``POST /test/portals`` (a fresh, isolated portal instance; its id),
  ``DELETE /test/portals/{portal}``, ``POST /portals/{portal}/test/clock``
  (``{"seconds": n}``), ``GET /portals/{portal}/test/mail?address=&kind=`` (the newest link
  token of that kind).

Requests run one at a time on the event loop (the simulation is quick and not thread-safe);
after every request that may have changed an instance, its snapshot is saved before the answer
goes out, so an answered request survives a restart. New mails go to the mail transport (SMTP,
:mod:`skc.service.mail`) before the snapshot is saved.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skc import __version__
from skc.conformance.adapters.eid import CARD_OPERATIONS
from skc.conformance.adapters.operations import HOOKS, OPERATIONS, Operation
from skc.conformance.profile import Capability
from skc.model.errors import AdapterError, UnknownNameError
from skc.model.sim.outbox import Mail
from skc.service.instances import Instance, Portals
from skc.service.problems import problem
from skc.service.web import web_routes
from skc.service.wire import SESSION_PARAM, ArgumentError, check_arguments, encode_value

SESSION_COOKIE: Final = "skc_session"
TOKEN_HASH_KEY: Final = "test_token_argon2"
_log = logging.getLogger("skc.service")
MailSender = Callable[[str, Mail], None]


@dataclass
class ServiceConfig:
    """What one server serves: its portals, whether test hooks are on, where mail goes."""

    portals: Portals
    test_token: str | None = None  # test hooks on when set (kept in the store as argon2 hash)
    send_mail: MailSender | None = None
    _verified: set[bytes] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.test_token is not None:
            if not self.test_token:
                raise ValueError("the test token must not be empty")
            hashed = PasswordHasher().hash(self.test_token)
            self.portals.store.set_meta(TOKEN_HASH_KEY, hashed)
            self.test_token = None  # only the hash is kept from here on

    @property
    def test_hooks(self) -> bool:
        """Whether the test hooks are served."""
        return self.portals.store.meta(TOKEN_HASH_KEY) is not None

    def authorised(self, request: Request) -> bool:
        """Whether the request carries the test token (argon2 checked once per token)."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        key = hashlib.sha256(token.encode()).digest()
        if any(hmac.compare_digest(key, known) for known in self._verified):
            return True
        hashed = self.portals.store.meta(TOKEN_HASH_KEY)
        if hashed is None:
            return False
        try:
            PasswordHasher().verify(hashed, token)
        except VerificationError:
            return False
        self._verified.add(key)
        return True


def _json(value: object, status: int = 200) -> Response:
    return Response(orjson.dumps(value), status, media_type="application/json")


def capabilities(config: ServiceConfig) -> dict[str, bool]:
    """The capabilities the server declares (test-hook ones only with test hooks)."""
    hooks = config.test_hooks
    timing = (Capability.CLOCK_CONTROL, Capability.MAIL_CAPTURE)
    return {c.value: hooks or c not in timing for c in Capability}


def create_app(config: ServiceConfig) -> Starlette:
    """The ASGI application serving one server's portals."""
    portals = config.portals

    def hook(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            if not config.test_hooks:
                return problem("no-test-hooks", "start skc serve with --test-hooks --test-token")
            if not config.authorised(request):
                return problem("unauthorised", "send Authorization: Bearer <the test token>")
            return await handler(request)

        return guarded

    def instance_of(request: Request) -> Instance | Response:
        portal_id = request.path_params["portal"]
        found = portals.get(portal_id)
        if found is None:
            return problem("unknown-portal", f"no portal instance {portal_id!r} on this server")
        return found

    def deliver(instance: Instance) -> None:
        mails = list(instance.portal.outbox)
        if config.send_mail is not None:
            for mail in mails[instance.delivered :]:
                config.send_mail(instance.id, mail)
        instance.delivered = len(mails)

    async def profile(request: Request) -> Response:
        hooks = ["portals", "clock", "mail", "back_office"] if config.test_hooks else []
        return _json({
            "land": portals.land,
            "version": __version__,
            "capabilities": capabilities(config),
            "operations": sorted(OPERATIONS),
            "test_hooks": hooks,
        })  # fmt: skip

    async def create_portal(request: Request) -> Response:
        instance = portals.create()
        return _json({"portal": instance.id}, 201)

    async def delete_portal(request: Request) -> Response:
        if not portals.delete(request.path_params["portal"]):
            return problem("unknown-portal", "no such portal instance on this server")
        return Response(status_code=204)

    async def call(request: Request) -> Response:
        name = request.path_params["operation"]
        op = OPERATIONS.get(name)
        if op is None:
            return problem("unknown-operation", f"no operation {name!r}; GET /profile lists them")
        if op.authority:
            return await hook(lambda r: _perform(r, op))(request)
        return await _perform(request, op)

    async def _perform(request: Request, op: Operation) -> Response:
        found = instance_of(request)
        if isinstance(found, Response):
            return found
        try:
            body = orjson.loads(await request.body() or b"{}")
        except orjson.JSONDecodeError:
            return problem("invalid-arguments", f"{op.name}: the body is not JSON")
        cookie = request.cookies.get(SESSION_COOKIE)
        has_session = any(p.name == SESSION_PARAM for p in op.params)
        if isinstance(body, dict) and has_session and SESSION_PARAM not in body and cookie:
            body[SESSION_PARAM] = cookie
        try:
            arguments = check_arguments(op, body)
        except ArgumentError as exc:
            return problem("invalid-arguments", str(exc))
        with found.lock:
            try:
                outcome = found.connection.call(op.name, arguments)  # type: ignore[arg-type]
            except (AdapterError, UnknownNameError) as exc:  # e.g. a card no profile names
                return problem("invalid-arguments", str(exc))
            except (AttributeError, TypeError) as exc:
                nulls = [name for name, value in arguments.items() if value is None]
                if not nulls:
                    _log.exception("operation %s failed", op.name)
                    return problem("server-error", f"{op.name}: {type(exc).__name__}")
                # null is passed on as the in-process portal gets it (an unknown link, a
                # missing session); where the portal cannot work without the value, a 400
                return problem(
                    "invalid-arguments", f"{op.name}: {', '.join(map(repr, nulls))} needs a value"
                )
            except Exception as exc:
                _log.exception("operation %s failed", op.name)  # arguments stay out of logs
                return problem("server-error", f"{op.name}: {type(exc).__name__}")
            finally:
                if not op.query:
                    deliver(found)
                    portals.save(found)
        if not outcome.accepted:
            detail = outcome.detail or ", ".join(outcome.rules) or "rejected"
            return problem("rejected", detail, rules=outcome.rules)
        answer: dict[str, object] = {"value": encode_value(outcome.value)}
        if outcome.detail:
            answer["detail"] = outcome.detail
        response = _json(answer)
        if op.returns == "session" and isinstance(outcome.value, str):
            response.set_cookie(
                SESSION_COOKIE, outcome.value, path=f"/portals/{found.id}",
                httponly=True, samesite="strict",
            )  # fmt: skip
        return response

    async def clock(request: Request) -> Response:
        found = instance_of(request)
        if isinstance(found, Response):
            return found
        try:
            body = orjson.loads(await request.body() or b"{}")
            seconds = check_arguments(HOOKS["advance_clock"], body)["seconds"]
        except (orjson.JSONDecodeError, ArgumentError) as exc:
            return problem("invalid-arguments", f"advance_clock: {exc}")
        with found.lock:
            try:
                found.portal.clock.advance(timedelta(seconds=int(seconds)))  # type: ignore[call-overload]
            except (OverflowError, ValueError) as exc:
                return problem("invalid-arguments", f"advance_clock: {exc}")
            portals.save(found)
        return _json({"now": found.portal.clock.now().isoformat()})

    async def mail(request: Request) -> Response:
        found = instance_of(request)
        if isinstance(found, Response):
            return found
        address = request.query_params.get("address", "")
        kind = request.query_params.get("kind", "")
        if not address or not kind:
            return problem("invalid-arguments", "captured_token: give address and kind")
        return _json({"token": found.connection.captured_token(address, kind)})

    async def eid_request(request: Request) -> Response:
        found = instance_of(request)
        if isinstance(found, Response):
            return found
        name = request.path_params["operation"]
        if name not in CARD_OPERATIONS:
            return problem("unknown-operation", f"no eID step for {name!r}: {CARD_OPERATIONS}")
        return _json(found.connection.eid_request(name).to_json())

    routes = [
        Route("/profile", profile, methods=["GET"]),
        Route("/portals/{portal}/eid-request/{operation}", eid_request, methods=["GET"]),
        Route("/test/portals", hook(create_portal), methods=["POST"]),
        Route("/test/portals/{portal}", hook(delete_portal), methods=["DELETE"]),
        Route("/portals/{portal}/operations/{operation}", call, methods=["POST"]),
        Route("/portals/{portal}/test/clock", hook(clock), methods=["POST"]),
        Route("/portals/{portal}/test/mail", hook(mail), methods=["GET"]),
        *web_routes(portals, deliver),  # the German web pages (skc.service.web)
    ]
    app = Starlette(routes=routes)
    app.state.config = config
    return app


__all__ = ["SESSION_COOKIE", "ServiceConfig", "capabilities", "create_app"]
