"""The HTTP adapter: a portal that speaks the Portal Test API (``skc run --target http://...``).

``HttpAdapter(base_url, land=..., profile=...)`` reads the server's ``GET /profile`` once (the
Land must match the run's; capabilities the server does not declare are taken out of the
profile, so a timing check against a server without test hooks is ``inconclusive``, never
``pass``). Each :meth:`~HttpAdapter.connect` opens one httpx client with its own cookie jar (a
session per simulated user travels as the ``session`` argument and as the cookie the server
sets) and, when the server has test hooks, its own portal instance (``POST /test/portals``),
deleted again on ``close``.

Answers become outcomes: ``200 {"value": ...}`` accepted; a problem of type ``rejected`` (RFC
9457) a rejection on its ``rules``. Everything else is an :class:`~skc.model.errors.AdapterError`
naming the cause (verdict ``error``, never ``pass``): a refused or dropped connection, a 5xx
or another problem, a body that is not the JSON the API declares, an answer slower than the
profile's ``call_timeout_s`` (httpx's own deadline, set a little below the guard's). Only
queries are retried (twice, on a dropped connection or 502/503/504); actions never, since the
first attempt may have changed the portal. The profile's ``rate_limit_per_s`` is applied by
the harness's call guard. The test token comes from the environment variable the profile's
``test_token_env`` names (default ``SKC_TEST_TOKEN``), never from a file; with ``smtp_sink:
HOST:PORT`` mails are read from an SMTP sink on that address (:mod:`.mailsink`), with an
``imap:`` section from that mailbox (:mod:`.imap`; with either, ``mail_capture`` holds without
test hooks), else from the server's mail hook. A step that presents a test card runs the shared eID
step (:func:`~skc.conformance.adapters.eid.present_card`): the portal's eID request (``GET
/portals/{portal}/eid-request/{operation}``), the connection's own virtual card and eID client
here, and the eID result posted as ``card``; the PIN never leaves the harness.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Final
from urllib.parse import urlsplit

import httpx
import orjson

from skc.conformance.adapters.eid import EidRequest, EidTerminal, present_card, presents_card
from skc.conformance.adapters.guard import DEFAULT_TIMEOUT_S
from skc.conformance.adapters.imap import ImapReader
from skc.conformance.adapters.mailsink import MailSink, sink_at
from skc.conformance.adapters.operations import operation
from skc.conformance.adapters.protocol import Value
from skc.conformance.profile import Capability, PortalProfile, reference_profile
from skc.model.errors import AdapterError, AdapterTimeoutError, InputError
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.service.instances import DEFAULT
from skc.service.mail import parse_address
from skc.service.problems import MEDIA_TYPE, type_uri
from skc.service.wire import decode_value, encode_argument

TOKEN_ENV: Final = "SKC_TEST_TOKEN"
RETRIES: Final = 2
_RETRY_STATUS: Final = frozenset({502, 503, 504})
_REJECTED: Final = type_uri("rejected")


def is_loopback(url: str) -> bool:
    """Whether the URL's host is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(profile: PortalProfile, name: str, default: float) -> float:
    value = profile.parameters.get(name, default)
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def _problem_detail(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.text[:200]
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail)[:200] if detail is not None else response.text[:200]


def json_object(answered: str, response: httpx.Response) -> dict[str, object]:
    """The answer's body as a JSON object; AdapterError (``answered`` ...) for anything else."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise AdapterError(f"{answered} with malformed JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise AdapterError(f"{answered} with JSON that is not an object")
    return body


def outcome_of(name: str, response: httpx.Response) -> Outcome:
    """The outcome an answer stands for; AdapterError for anything the API does not declare."""
    status = response.status_code
    where = f"{name}: {response.request.method} {response.request.url.path}"
    if status >= 500:
        raise AdapterError(f"{where} answered {status} ({_problem_detail(response)})")
    body = json_object(f"{where} answered {status}", response)
    if status == 200 and "value" in body:
        detail = body.get("detail", "")
        return Outcome(True, value=decode_value(body["value"]), detail=str(detail))
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if status == 422 and media == MEDIA_TYPE and body.get("type") == _REJECTED:
        rules = body.get("rules")
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise AdapterError(f"{where}: a rejection whose 'rules' is not a list of rule ids")
        return Outcome(False, rules=tuple(rules), detail=str(body.get("detail", "")))
    raise AdapterError(f"{where} answered {status} ({_problem_detail(response)})")


class HttpConnection:
    """One example's client: its own cookies and, with test hooks, its own portal instance."""

    def __init__(self, adapter: HttpAdapter) -> None:
        self.adapter = adapter
        headers = {"Authorization": f"Bearer {adapter.token}"} if adapter.token else {}
        self.client = httpx.Client(
            base_url=adapter.base_url, timeout=adapter.timeout_s, headers=headers,
            transport=adapter.transport,
        )  # fmt: skip
        self.portal = DEFAULT
        self.owns_portal = False
        self.eid = EidTerminal()  # the holder's eID client and test cards, on the harness side
        if adapter.hooks:
            response = self._send("connect", "POST", "/test/portals", None)
            self.portal = str(self._json("connect", response, 201).get("portal", ""))
            self.owns_portal = True

    def __repr__(self) -> str:
        return f"HttpConnection({self.adapter.base_url}, portal={self.portal!r})"

    def _send(
        self, what: str, method: str, path: str, body: object, *, retry: bool = False
    ) -> httpx.Response:
        attempts = 1 + (RETRIES if retry else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                content = orjson.dumps(body) if body is not None else None
                headers = {"Content-Type": "application/json"} if content is not None else None
                response = self.client.request(method, path, content=content, headers=headers)
            except httpx.TimeoutException as exc:
                raise AdapterTimeoutError(
                    f"{what}: {method} {path} got no answer within {self.adapter.timeout_s:g} s "
                    f"({type(exc).__name__})"
                ) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if last:
                    raise AdapterError(
                        f"{what}: {method} {self.adapter.base_url}{path} failed: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                continue
            if response.status_code in _RETRY_STATUS and not last:
                continue
            return response
        raise AdapterError(f"{what}: no attempt was made")  # pragma: no cover - attempts >= 1

    def _json(self, what: str, response: httpx.Response, status: int) -> dict[str, object]:
        if response.status_code != status:
            raise AdapterError(
                f"{what} answered {response.status_code} ({_problem_detail(response)})"
            )
        return json_object(f"{what} answered", response)

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """POST the operation with its arguments (a test card through the eID step first)."""
        if presents_card(operation_name, arguments):
            return present_card(self, self.eid, operation(operation_name).name, arguments)
        return self.send(operation_name, arguments)

    def eid_request(self, operation_name: str) -> EidRequest:
        """The portal's eID request for an operation that presents a card."""
        path = f"/portals/{self.portal}/eid-request/{operation_name}"
        response = self._send(f"{operation_name} (eID request)", "GET", path, None, retry=True)
        body = self._json(f"{operation_name}: GET {path}", response, 200)
        return EidRequest.from_json(body, f"{operation_name}: the eID request")

    def send(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """POST the operation with its arguments as they are; the answer as an outcome."""
        op = operation(operation_name)
        body = {name: encode_argument(value) for name, value in arguments.items()}
        path = f"/portals/{self.portal}/operations/{op.name}"
        response = self._send(op.name, "POST", path, body, retry=op.query)
        return outcome_of(op.name, response)

    def advance_clock(self, delta: timedelta) -> None:
        """Move the instance's virtual clock (test hook)."""
        body = {"seconds": int(delta.total_seconds())}
        response = self._send("advance_clock", "POST", f"/portals/{self.portal}/test/clock", body)
        self._json("advance_clock", response, 200)

    def captured_token(self, address: str, kind: str) -> str | None:
        """The newest token of a kind to an address: from the mailbox over IMAP, the SMTP sink,
        else the mail hook."""
        if self.adapter.mailbox is not None:
            return self.adapter.mailbox.token(address, kind)
        if self.adapter.sink is not None:
            return self.adapter.sink.token(address, kind)
        query = httpx.QueryParams({"address": address, "kind": kind})
        path = f"/portals/{self.portal}/test/mail?{query}"
        response = self._send("captured_token", "GET", path, None, retry=True)
        token = self._json("captured_token", response, 200).get("token")
        return token if isinstance(token, str) else None

    def close(self) -> None:
        """Delete the instance this connection created (the client's pool is the adapter's,
        so it is left open for the next connection)."""
        if self.owns_portal:
            self.owns_portal = False
            self._send("close", "DELETE", f"/test/portals/{self.portal}", None)


class HttpAdapter:
    """A portal behind the Portal Test API at ``base_url`` (``skc serve`` or a vendor's)."""

    def __init__(
        self,
        base_url: str,
        *,
        land: LandId,
        profile: PortalProfile | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        given = profile if profile is not None else reference_profile(land)
        self.name = base_url
        self.base_url = base_url.rstrip("/")
        # one connection pool for every connection of the run: a client of its own per
        # example (cookies) without building an SSL context and a pool each time (~200 ms)
        self.transport = transport if transport is not None else httpx.HTTPTransport()
        self.timeout_s = 0.9 * _seconds(given, "call_timeout_s", DEFAULT_TIMEOUT_S)
        variable = str(given.parameters.get("test_token_env", TOKEN_ENV))
        self.token = os.environ.get(variable) or None
        served = self._served_profile(land)
        declared = served.get("capabilities")
        caps = declared if isinstance(declared, dict) else {}
        hooks = served.get("test_hooks")
        self.hooks = self.token is not None and isinstance(hooks, list) and "portals" in hooks
        capabilities = {
            c: given.has(c) and caps.get(c.value) is True
            and (self.hooks or c not in (Capability.CLOCK_CONTROL, Capability.MAIL_CAPTURE))
            for c in Capability
        }  # fmt: skip
        self.mailbox = ImapReader.from_profile(given)
        self.sink: MailSink | None = None
        sink = given.parameters.get("smtp_sink")
        if isinstance(sink, str):
            try:
                self.sink = sink_at(*parse_address(sink))
            except (ValueError, OSError) as exc:
                raise InputError(f"{given.where('parameters')}: smtp_sink: {exc}") from exc
        if self.mailbox is not None or self.sink is not None:  # the harness reads the mails
            capabilities[Capability.MAIL_CAPTURE] = given.has(Capability.MAIL_CAPTURE)
        update = {"capabilities": capabilities, "base_url": self.base_url}
        self.profile = given.model_copy(update=update)

    def __repr__(self) -> str:
        return f"HttpAdapter({self.base_url!r}, land={self.profile.land!r})"

    def _served_profile(self, land: LandId) -> dict[str, object]:
        try:
            client = httpx.Client(timeout=self.timeout_s, transport=self.transport)
            response = client.get(f"{self.base_url}/profile")  # not closed: the pool is shared
            body = orjson.loads(response.content)
        except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
            raise InputError(
                f"target {self.base_url}: GET /profile failed ({type(exc).__name__}: {exc}); "
                "is the server running (skc serve --land ...) and is it the Portal Test API?"
            ) from exc
        if response.status_code != 200 or not isinstance(body, dict):
            raise InputError(
                f"target {self.base_url}: GET /profile answered {response.status_code}"
            )
        if body.get("land") != land:
            raise InputError(
                f"target {self.base_url} serves {body.get('land')!r}, not {land}; "
                f"run with --land {body.get('land')} or start skc serve --land {land}"
            )
        return body

    def connect(self) -> HttpConnection:
        """A client of its own (and a fresh portal instance when the server has test hooks)."""
        return HttpConnection(self)


__all__ = ["HttpAdapter", "HttpConnection", "is_loopback", "outcome_of"]
