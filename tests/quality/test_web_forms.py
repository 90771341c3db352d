"""The reference portal's web pages decide as the model does: suites through the HTML forms.

Opt-in (``./dev quality``). A small forms client (Starlette's TestClient, no browser) performs
every user action through its page as a person would: it opens the page, fills each field as
the page contract says, submits with the CSRF token, reads the success box or the German
messages and maps each message back to its rule id through ``messages.yaml``; queries,
back-office operations and the test hooks go to the instance directly, as the Portal Test API
serves them. A message the table does not know fails the test; a value no form can take (a
line break inside a line) is inconclusive, as in a browser. Every scenario (and, for two
Länder, every suite) must come out as in process: the pages lose or add no decision.
Measured on the 2-core machine: the scenarios of all five Länder 36 s; every suite about 7 min
per Land (Berlin 425 s).
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest

from skc.conformance.adapters.eid import EidFailure, EidRequest, EidTerminal
from skc.conformance.adapters.function import FunctionAdapter, Handler
from skc.conformance.profile import PortalProfile
from skc.conformance.runner import RunConfig, run
from skc.conformance.suites.plan import SUITES
from skc.model.errors import UnobservedError
from skc.model.lands import LANDS, LandId
from skc.model.sim.outcome import Outcome, rejected
from skc.service import ServeOptions, build_app
from skc.service.web.messages import message, messages
from skc.service.web.pages import Page, pages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that it would prefer httpx2
    from starlette.testclient import TestClient

pytestmark = pytest.mark.quality

PAGE_OF: dict[str, Page] = {page.operation.name: page for page in pages().values()}
UNKNOWN: list[str] = []  # messages no rule id in messages.yaml produces


def _enterable(kind: str, value: object) -> None:
    """UnobservedError (inconclusive) for a value no form can take: a line break inside one
    line (a text input drops it; a list or mapping line would split)."""
    parts: list[object] = [value]
    if isinstance(value, Mapping):
        parts = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        parts = list(value)
    if any(isinstance(part, str) and ("\n" in part or "\r" in part) for part in parts):
        raise UnobservedError(f"a {kind} value with a line break cannot be typed into the form")


def _field_text(kind: str, value: object) -> str | None:
    _enterable(kind, value)
    if value is None or (kind == "bool" and value is False):
        return None
    if kind == "bool":
        return "true"
    if isinstance(value, date):
        return value.isoformat()
    if kind == "str_list" and isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)
    if kind in ("mapping", "card") and isinstance(value, Mapping):
        return "\n".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def _value(page: Page, body: str, session: str | None) -> object:
    kind = page.operation.returns
    if kind == "session":
        return session
    single = re.search(r'<output id="ergebnis"(?: data-value="(\w+)")?>([^<]*)</output>', body)
    if single is not None:
        text = html.unescape(single.group(2))
        if single.group(1):
            return single.group(1) == "true"
        return int(text) if kind == "count" else text
    items = re.findall(r'<output class="ergebnis-eintrag">([^<]*)</output>', body)
    return tuple(html.unescape(item) for item in items) if kind == "ids" else None


def _messages(body: str) -> list[str]:
    found = re.findall(r'<p class="fehler" id="fehler-\w+" role="alert">([^<]*)</p>', body)
    box = re.search(r'<div class="fehler-formular" role="alert">(.*?)</div>', body, re.S)
    if box is not None:
        found += re.findall(r"<p>([^<]*)</p>", box.group(1))
    return [html.unescape(text) for text in found]


@cache
def _app(land: LandId) -> Any:
    return build_app(ServeOptions(land=land, db=None))


def forms_adapter(land: LandId, profile: PortalProfile | None = None) -> FunctionAdapter:
    """An adapter that performs each user action through its web page."""
    app = _app(land)

    def connect() -> Handler:
        instance = app.state.config.portals.create()
        known = {message(rule, land, instance.portal.readings): rule for rule in messages()}
        client = TestClient(app)
        terminal = EidTerminal()
        web = f"/portals/{instance.id}/web"

        def handler(operation: str, arguments: Mapping[str, Any]) -> Outcome:
            if operation == "advance_clock":
                instance.portal.clock.advance(timedelta(seconds=arguments["seconds"]))
                return Outcome(accepted=True)
            if operation == "captured_token":
                token = instance.connection.captured_token(arguments["address"], arguments["kind"])
                found = token is not None  # "": a mail without a link
                return Outcome(accepted=True, value=token) if found else rejected("sim.unknown_id")
            page = PAGE_OF.get(operation)
            if page is None:  # a query, the back office, or what only the browser does
                with instance.lock:
                    outcome: Outcome = instance.connection.call(operation, dict(arguments))
                    return outcome
            client.cookies.clear()
            if arguments.get("session") is not None:
                client.cookies.set("skc_session", str(arguments["session"]), path="/portals")
            shown = client.get(f"{web}/{page.slug}").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', shown)
            assert token is not None, page.slug
            values = dict(arguments)
            if page.presents_card and isinstance(values.get("card"), str):
                asked = re.search(r'id="eid-anfrage">([^<]+)</script>', shown)
                assert asked is not None, page.slug
                request = EidRequest.from_json(json.loads(html.unescape(asked.group(1))), "page")
                release = bool(values.get("release_pseudonym", True))
                result = terminal.run(
                    str(values["card"]), values.get("pin"), request, release_pseudonym=release
                )
                failed = isinstance(result, EidFailure)
                values["card"] = {"failure": result.state} if failed else result  # type: ignore[union-attr]
            data = {"csrf_token": token.group(1)}
            for field in page.fields:
                text = _field_text(field.param.kind, values.get(field.name, field.param.default))
                if text is not None:
                    data[field.name] = text
            answer = client.post(f"{web}/{page.slug}", data=data)
            assert answer.status_code == 200, (page.slug, answer.status_code)
            if '<div class="erfolg" role="status">' in answer.text:
                session = answer.cookies.get("skc_session")
                return Outcome(accepted=True, value=_value(page, answer.text, session))
            texts = _messages(answer.text)
            UNKNOWN.extend(f"{operation}: {text}" for text in texts if text not in known)
            assert texts, f"{page.slug}: neither success nor a message"
            return rejected(*(known.get(text, "sim.invalid_input") for text in texts))

        return handler

    def unused(operation: str, arguments: Mapping[str, Any]) -> Outcome:
        raise AssertionError("every connection has its own handler")

    return FunctionAdapter(unused, land=land, profile=profile, on_connect=connect)


def _run(land: LandId, suites: tuple[str, ...]) -> None:
    UNKNOWN.clear()
    target = f"{__name__}:forms_adapter"
    report = run(RunConfig(lands=(land,), seed=3, target=target, out=None, suites=suites))
    assert UNKNOWN == []
    assert report.counts.get("pass", 0) > 50
    assert not report.counts.get("fail")
    assert not report.counts.get("error")


@pytest.mark.parametrize("land", LANDS)
def test_every_scenario_through_the_web_forms_comes_out_as_in_process(land: LandId) -> None:
    _run(land, ("scenarios",))


def test_every_suite_through_the_web_forms_passes_or_is_inconclusive_in_berlin() -> None:
    # one Land with every variant the forms carry (a 20-character password maximum, address
    # fields); the browser tests run every Land's field and scenario suites (7 min a Land here)
    _run("berlin", SUITES)
