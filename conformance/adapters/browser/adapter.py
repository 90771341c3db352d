"""The browser adapter: a portal reached through its web pages (``skc run --target browser``).

:class:`BrowserAdapter` reads the portal map the profile names (``parameters.portal_map``, a path
relative to the profile's file; the reference portal's map when absent) and drives one headless
Debian chromium (:mod:`.driver`). Each connection keeps one Playwright ``BrowserContext`` per
session handle: a login opens a fresh context, and the handle is the value of the map's
``session_cookie`` (so queries that take the session reach the Portal Test API with it);
operations without a session share one anonymous context. A call opens the operation's page,
fills every field byte-exactly (a value the browser would change on entry is ``inconclusive``),
submits and reads the page: the map's success element (and the value it shows), or the
messages, each mapped to its rule by the map's patterns. A message no pattern matches raises
:class:`~skc.model.errors.UnobservedError` quoting it (verdict ``inconclusive``).

Operations without a page in the map (queries, back office, clock, mail) go through the Portal
Test API at the profile's ``base_url`` with the HTTP adapter's connection, which also creates
the example's own portal instance; with ``test_api: false`` in the profile's parameters they are
``inconclusive``, as on a real portal without a test API. Every context records a Playwright
trace; a connection whose example became a finding keeps a screenshot and the trace of the page
the finding was seen on (:meth:`BrowserAdapter.collect_evidence`).
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

from skc.conformance.adapters.browser.driver import Driver
from skc.conformance.adapters.browser.evidence import scrub_trace
from skc.conformance.adapters.browser.page_script import FILL, READ, SUBMIT
from skc.conformance.adapters.browser.portal_map import (
    REFERENCE_MAP,
    Page,
    PortalMap,
    load_portal_map,
    rejection,
)
from skc.conformance.adapters.eid import EidRequest, EidTerminal, present_card, presents_card
from skc.conformance.adapters.guard import DEFAULT_TIMEOUT_S
from skc.conformance.adapters.operations import Operation, Param, operation
from skc.conformance.adapters.protocol import Value
from skc.conformance.profile import Capability, PortalProfile
from skc.model.errors import AdapterError, InputError, UnobservedError
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome

if TYPE_CHECKING:
    from skc.conformance.adapters.http import HttpAdapter, HttpConnection

SCREENSHOT: Final = "screenshot.png"
TRACE: Final = "trace.zip"
_LOGIN: Final = "\0login-"  # the key of a context a login is tried in


def _text(param: Param, value: Value) -> str:
    """A value as the form field takes it (one line per item, ``key=value`` lines, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "\n".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _map_path(profile: PortalProfile) -> Path:
    given = profile.parameters.get("portal_map")
    if given is None:
        return REFERENCE_MAP
    path = Path(str(given))
    source = profile.where("parameters").split(":")[0]
    if not path.is_absolute() and source != "the reference profile":
        path = Path(source).parent / path
    if not path.is_file():
        raise InputError(f"{profile.where('parameters')}: portal_map: no file {path}")
    return path


class BrowserConnection:
    """One example in the browser: its contexts (one per session) and its portal instance."""

    def __init__(self, adapter: BrowserAdapter) -> None:
        from skc.conformance.adapters.http import HttpConnection

        self.adapter = adapter
        self.api = HttpConnection(adapter.api) if adapter.api is not None else None
        self.portal = self.api.portal if self.api is not None else "default"
        self.contexts: dict[str | None, Any] = {}
        self.last: Any = None  # the page the last operation ended on
        self.shot: bytes | None = None
        self.finding = False
        self._handles = itertools.count(1)
        self.eid = EidTerminal()  # the holder's eID client and test cards, on the harness side

    def __repr__(self) -> str:
        return f"BrowserConnection({self.adapter.base_url}, portal={self.portal!r})"

    # --- the protocol -----------------------------------------------------------------------

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """Submit the operation's form (or send it through the test API when it has no page);
        a test card is presented through the shared eID step first (the PIN stays here)."""
        op = operation(operation_name)
        self.adapter.secrets |= {
            str(arguments[p.name]) for p in op.params if p.secret and arguments.get(p.name)
        }
        if presents_card(operation_name, arguments):
            return present_card(self, self.eid, operation(operation_name).name, arguments)
        return self.send(operation_name, arguments)

    def eid_request(self, operation_name: str) -> EidRequest:
        """The portal's eID request for an operation that presents a card (test API)."""
        return self._api(operation_name).eid_request(operation_name)

    def send(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """The operation with its arguments as they are: its form, or the test API."""
        op = operation(operation_name)
        page = self.adapter.map.operations.get(op.name)
        if page is None:
            return self._api(op.name).call(op.name, arguments)
        outcome: Outcome = self.adapter.driver.run(lambda: self._submit(op, page, arguments))
        return outcome

    def advance_clock(self, delta: timedelta) -> None:
        """Move the portal's clock (test API)."""
        self._api("advance_clock").advance_clock(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        """The newest mailed token (test API or the profile's SMTP sink)."""
        return self._api("captured_token").captured_token(address, kind)

    def mark_finding(self) -> None:
        """This example is a finding: screenshot the page it ended on now, keep its trace."""
        self.finding = True
        if self.last is not None:
            self.shot = self.adapter.driver.run(lambda: self.last.screenshot(full_page=True))

    def close(self) -> None:
        """Close every context (keeping the evidence of a finding), then the portal instance."""
        self.adapter.driver.run(self._close_contexts)
        if self.api is not None:
            self.api.close()

    # --- internals ----------------------------------------------------------------------------

    def _api(self, what: str) -> HttpConnection:
        if self.api is None:
            raise UnobservedError(
                f"{what}: the portal map has no page for it and the profile offers no test API "
                "(test_api: false)"
            )
        return self.api

    def _close_contexts(self) -> None:
        keep = self.adapter.new_evidence() if self.finding else None
        last_context = id(self.last.context) if self.last is not None else None
        for context in self.contexts.values():
            if self.adapter.trace:
                kept = keep is not None and id(context) == last_context
                raw = keep / f"raw-{TRACE}" if kept and keep else None
                context.tracing.stop_chunk(path=str(raw) if raw else None)
                if keep is not None and raw is not None:
                    scrub_trace(raw, keep / TRACE, self.adapter.secrets)
                    raw.unlink()
            self.adapter.release(context)
        self.contexts.clear()
        self.last = None
        if keep is not None and self.shot is not None:
            (keep / SCREENSHOT).write_bytes(self.shot)

    def _context(self, handle: str | None) -> Any:
        context = self.contexts.get(handle)
        if context is None:
            context = self.adapter.acquire()
            if self.adapter.trace:
                context.tracing.start_chunk()
            self.contexts[handle] = context
        cookie = self.adapter.map.session_cookie
        if handle is not None and cookie is not None and not handle.startswith(_LOGIN):
            # also after a logout: the harness asks whether the old session still works
            url = self.adapter.map.url(self.adapter.base_url, self.portal, Page(page=""))
            context.add_cookies([{"name": cookie, "value": handle, "url": url}])
        return context

    def _submit(self, op: Operation, page: Page, arguments: Mapping[str, Value]) -> Outcome:
        names = {p.name for p in op.params}
        if op.returns == "session":
            handle: str | None = f"{_LOGIN}{next(self._handles)}"  # a fresh context to log in
        else:
            session = arguments.get("session") if "session" in names else None
            handle = session if isinstance(session, str) else None
        context = self._context(handle)
        tab = context.pages[0]
        self.last = tab
        url = self.adapter.map.url(self.adapter.base_url, self.portal, page)
        query = {n: _text(op.param(n), arguments.get(n)) for n in page.query if n in arguments}
        if query:
            url += "?" + urlencode(query)
        self._check(op, tab.goto(url, wait_until="domcontentloaded"))
        if page.form is not None and tab.locator(page.form).count() > 0:
            self._fill(tab, op, page, arguments)
            with tab.expect_navigation(wait_until="domcontentloaded") as sent:
                tab.evaluate(SUBMIT, page.submit)
            self._check(op, sent.value)
        outcome = self._read(tab, op)
        if handle is not None and handle.startswith(_LOGIN):
            self.contexts.pop(handle)
            if outcome.accepted:
                outcome = Outcome(True, value=self._session_of(context), detail=outcome.detail)
                self.contexts[str(outcome.value)] = context
            else:
                self.contexts[handle] = context  # closed with the others
        return outcome

    def _session_of(self, context: Any) -> str:
        name = self.adapter.map.session_cookie
        if name is None:
            return f"browser-session-{next(self._handles)}"
        for cookie in context.cookies():
            if cookie["name"] == name:
                return str(cookie["value"])
        raise AdapterError(f"the login was shown as successful but set no cookie {name!r}")

    def _fill(self, tab: Any, op: Operation, page: Page, arguments: Mapping[str, Value]) -> None:
        entries = []
        for param in op.params:
            if param.name == "session" or param.name in page.query:
                continue
            if param.name in arguments:
                value = arguments[param.name]
            elif param.default is not None:
                value = param.default
            else:
                continue  # left as the page shows it (an edit form shows the current value)
            selector = page.fields.get(param.name)
            if selector is None and param.name in arguments and value is not None:
                raise AdapterError(
                    f"{op.name}: the portal map names no field for {param.name!r}; add it "
                    f"under operations.{op.name}.fields"
                )
            if selector is not None:
                text = str(bool(value)).lower() if param.kind == "bool" else _text(param, value)
                entries.append((param.name, selector, param.kind, text))
        for name, problem in tab.evaluate(FILL, entries):
            if problem == "missing":
                raise AdapterError(
                    f"{op.name}: the page {tab.url} has no field {page.fields[name]!r} for "
                    f"{name!r}; is the portal map right?"
                )
            raise UnobservedError(
                f"{op.name}: the field {name!r} cannot take the value as given (the browser "
                "changed it on entry, as an <input> drops line breaks)"
            )

    @staticmethod
    def _check(op: Operation, response: Any) -> None:
        if response is not None and response.status >= 400 and response.status != 422:
            text = " ".join(response.text().split())[:200] if response.status != 500 else ""
            raise AdapterError(f"{op.name}: {response.url} answered {response.status} {text}")

    def _read(self, tab: Any, op: Operation) -> Outcome:
        where, success = self.adapter.map.messages, self.adapter.map.success
        fields = [where.field.format(param=p.name) for p in op.params]
        page = tab.evaluate(
            READ,
            [fields, where.form, success.shown, success.value, success.items, success.mapping],
        )
        refused = rejection(op.name, page["messages"], self.adapter.map.patterns)
        if refused is not None:
            return refused
        if not page["success"]:
            raise AdapterError(
                f"{op.name}: the page {tab.url} shows neither success ({success.shown}) nor a "
                "message; is the portal map right?"
            )
        return Outcome(True, value=self._value(op, page))

    @staticmethod
    def _value(op: Operation, page: Mapping[str, Any]) -> object:
        kind = op.returns
        if kind in ("none", "session"):
            return None
        if kind == "ids":
            return tuple(str(item).strip() for item in page["items"])
        if kind == "mapping":
            pairs = zip(page["terms"], page["defs"], strict=False)
            return {str(k).strip(): str(v).strip() for k, v in pairs}
        if page["value"] is None:
            return None  # the page shows no value (compared as the operation declares)
        text = str(page["data"] if page["data"] is not None else page["value"]).strip()
        if kind == "count":
            return int(text)
        if kind == "flag":
            return text.lower() in ("true", "ja", "1", "wahr")
        return text


class BrowserAdapter:
    """A portal reached through its web pages, described by a portal map and a profile."""

    def __init__(
        self, *, land: LandId, profile: PortalProfile, driver: Driver | None = None
    ) -> None:
        if profile.base_url is None:
            raise InputError(
                f"{profile.where()}: the browser target needs the portal's base_url in the "
                "profile (and portal_map under parameters for a portal other than skc serve)"
            )
        self.name = "browser"
        self.base_url = profile.base_url.rstrip("/")
        self.map: PortalMap = load_portal_map(_map_path(profile))
        limit = profile.parameters.get("call_timeout_s", DEFAULT_TIMEOUT_S)
        self.timeout_ms = 800.0 * float(limit if isinstance(limit, int | float) else 30)
        self.trace = profile.parameters.get("browser_trace", True) is not False
        self.api: HttpAdapter | None = None
        if profile.parameters.get("test_api", True) is not False:
            from skc.conformance.adapters.http import HttpAdapter

            self.api = HttpAdapter(self.base_url, land=land, profile=profile)
            profile = self.api.profile
        else:
            off = {Capability.CLOCK_CONTROL: False, Capability.MAIL_CAPTURE: False}
            profile = profile.model_copy(update={"capabilities": {**profile.capabilities, **off}})
        self.profile = profile
        self._driver = driver
        self._evidence = Path(tempfile.mkdtemp(prefix="skc-evidence-"))
        self._kept: list[Path] = []
        self._pool: list[Any] = []  # contexts free for the next connection
        # every secret typed on this adapter: a trace may hold earlier examples' pages too
        self.secrets: set[str] = set()
        atexit.register(self.close)

    def __repr__(self) -> str:
        return f"BrowserAdapter({self.base_url!r}, land={self.profile.land!r})"

    @property
    def driver(self) -> Driver:
        """The browser, started on first use (listing checks starts none)."""
        if self._driver is None:
            self._driver = Driver()
        return self._driver

    def connect(self) -> BrowserConnection:
        """A connection for one example (its own portal instance when the test API has one)."""
        return BrowserConnection(self)

    def acquire(self) -> Any:
        """A browser context without cookies (a used one when one is free: a new one costs
        about half a second); in the browser's thread."""
        if self._pool:
            return self._pool.pop()
        context = self.driver.browser.new_context(locale="de-DE")
        context.set_default_timeout(self.timeout_ms)
        if self.trace:
            context.tracing.start(screenshots=False, snapshots=True)
        context.new_page()
        return context

    def release(self, context: Any) -> None:
        """Give a context back: its cookies and the page's state are dropped first."""
        context.clear_cookies()
        self._pool.append(context)

    def new_evidence(self) -> Path:
        """A fresh directory for one finding's screenshot and trace."""
        folder = Path(tempfile.mkdtemp(dir=self._evidence))
        self._kept.append(folder)
        return folder

    def collect_evidence(self, dest: Path | None) -> tuple[Path, ...]:
        """Move the newest finding's evidence into ``dest`` (drop it all with None); the paths."""
        newest = next((k for k in reversed(self._kept) if any(k.iterdir())), None)
        moved: list[Path] = []
        if dest is not None and newest is not None:
            dest.mkdir(parents=True, exist_ok=True)
            for name in (SCREENSHOT, TRACE):
                if (newest / name).exists():
                    moved.append(Path(shutil.move(str(newest / name), str(dest / name))))
        for folder in self._kept:
            shutil.rmtree(folder, ignore_errors=True)
        self._kept.clear()
        return tuple(moved)

    def close(self) -> None:
        """Stop the browser and remove evidence nobody collected."""
        if self._driver is not None:
            self._driver.stop()
            self._driver = None
        shutil.rmtree(self._evidence, ignore_errors=True)


__all__ = ["SCREENSHOT", "TRACE", "BrowserAdapter", "BrowserConnection"]
