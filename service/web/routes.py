"""The web pages' routes: German HTML forms over the same portal instances as the test API.

``GET /`` redirects to ``/portals/default/web/``; ``GET /portals/{portal}/web/`` is the start
page, ``GET .../web/<section>`` a navigation section, ``GET|POST .../web/<slug>`` the form of one
operation (:mod:`skc.service.web.pages`). A POST is checked for its CSRF token (403 and nothing
changed otherwise), performed on the portal instance under its lock, and answered with the same
page: the success sentence and the operation's value, or each rule's German message under its
field. A login sets the HttpOnly, SameSite=Lax cookie ``skc_session``; pages of operations
that take a session read it from there. A ``?token=`` in the address (a mail's link) fills the
token field; the person still presses the button (a GET changes nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from skc.model.errors import AdapterError, UnknownNameError
from skc.model.lands import PORTAL_NAMES
from skc.service.instances import DEFAULT, Instance, Portals
from skc.service.web import csrf
from skc.service.web.forms import Errors, arguments_of, errors_of, parse_body
from skc.service.web.messages import message
from skc.service.web.pages import SECTIONS, FormField, Page, pages
from skc.service.wire import encode_value

SESSION_COOKIE: Final = "skc_session"
_log = logging.getLogger("skc.service.web")
_ENV: Final = Environment(
    loader=PackageLoader("skc.service.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# The navigation: the two entry forms, then the section pages.
NAV_TARGETS: Final = {"registrieren": "registrieren", "anmelden": "anmelden"}
FORBIDDEN: Final = (
    "Das Formular ist abgelaufen oder wurde nicht von dieser Seite gesendet. "
    "Bitte laden Sie die Seite neu und senden Sie es erneut."
)
NOT_FOUND: Final = "Diese Seite gibt es nicht."
UNKNOWN_PORTAL: Final = "Dieses Portal gibt es auf diesem Server nicht."
SERVER_ERROR: Final = "Es ist ein technischer Fehler aufgetreten. Bitte versuchen Sie es später."
Deliver = Callable[[Instance], None]


@dataclass(frozen=True, slots=True)
class Result:
    """An accepted operation's value, as the page shows it."""

    kind: str  # "text", "flag", "list" or "mapping"
    text: str = ""
    raw: str = ""
    items: tuple[object, ...] = ()


def result_of(page: Page, value: object) -> Result | None:
    """What the success message shows of a value (never a session)."""
    kind = page.operation.returns
    if value is None or kind in ("none", "session"):
        return None
    encoded = encode_value(value)
    if kind == "flag" and isinstance(encoded, bool):
        return Result("flag", "ja" if encoded else "nein", "true" if encoded else "false")
    if isinstance(encoded, list):
        return Result("list", items=tuple(str(item) for item in encoded))
    if isinstance(encoded, dict):
        return Result("mapping", items=tuple((str(k), str(v)) for k, v in encoded.items()))
    return Result("text", str(encoded))


def _navigation() -> list[tuple[str, str]]:
    return [(NAV_TARGETS.get(slug, slug), name) for slug, name in SECTIONS.items()]


def _in_section(section: str) -> list[Page]:
    return [page for page in pages().values() if page.section == section]


def web_routes(portals: Portals, deliver: Deliver) -> list[Route]:
    """The routes of the web pages over a server's portal instances."""
    land = portals.land
    portal_name = PORTAL_NAMES[land]

    def render(
        request: Request, template: str, status: int = 200, **context: object
    ) -> HTMLResponse:
        token = request.cookies.get(csrf.CSRF_COOKIE) or csrf.new_token()
        portal = request.path_params.get("portal", DEFAULT)
        html = _ENV.get_template(template).render(
            land=land, portal_name=portal_name, root=f"/portals/{portal}/web",
            navigation=_navigation(), csrf_token=token, **context,
        )  # fmt: skip
        response = HTMLResponse(html, status)
        if request.cookies.get(csrf.CSRF_COOKIE) != token:
            response.set_cookie(csrf.CSRF_COOKIE, token, path="/", httponly=True, samesite="lax")
        return response

    def notice(request: Request, text: str, status: int, title: str = "Hinweis") -> HTMLResponse:
        back = f"/portals/{request.path_params.get('portal', DEFAULT)}/web/"
        return render(request, "message.html", status, title=title, text=text, back=back)

    async def root(request: Request) -> Response:
        return RedirectResponse(f"/portals/{DEFAULT}/web/", 307)

    async def bare(request: Request) -> Response:
        return RedirectResponse(f"/portals/{request.path_params['portal']}/web/", 307)

    async def start(request: Request) -> Response:
        if portals.get(request.path_params["portal"]) is None:
            return notice(request, UNKNOWN_PORTAL, 404, "Nicht gefunden")
        sections = [{"name": name, "pages": _in_section(slug)} for slug, name in SECTIONS.items()]
        return render(request, "start.html", title=portal_name, sections=sections)

    def form_page(
        request: Request,
        page: Page,
        *,
        values: Mapping[str, str],
        errors: Errors | None = None,
        success: str | None = None,
        result: Result | None = None,
    ) -> HTMLResponse:
        portal = request.path_params["portal"]
        instance = portals.get(portal)
        eid = (
            instance.connection.eid_request(page.operation.name).to_json()
            if (instance is not None and page.presents_card)
            else None
        )
        token = request.query_params.get("token", "")
        invite = f"/portals/{portal}/web/zugang-aktivieren?{urlencode({'token': token})}"

        def checked(field: FormField) -> bool:
            if csrf.CSRF_FIELD in values:  # a submitted form: what the person ticked
                return field.name in values
            return field.param.default is True

        shown = {
            f.name: values[f.name]
            for f in page.fields
            if f.name in values and f.param.kind != "secret"
        }
        return render(
            request, "form.html", title=page.title, page=page, values=shown,
            field_errors=(errors or Errors()).fields, form_errors=(errors or Errors()).form,
            success=success, result=result, checked=checked,
            invite_link=invite if page.slug == "aktivieren" and token else None,
            siblings=[p for p in _in_section(page.section) if p.slug != page.slug],
            section_name=SECTIONS[page.section], eid_request=eid,
        )  # fmt: skip

    async def show(request: Request) -> Response:
        slug = request.path_params["slug"]
        if portals.get(request.path_params["portal"]) is None:
            return notice(request, UNKNOWN_PORTAL, 404, "Nicht gefunden")
        if slug in SECTIONS and slug not in NAV_TARGETS:
            return render(request, "section.html", title=SECTIONS[slug], pages=_in_section(slug))
        page = pages().get(slug)
        if page is None:
            return notice(request, NOT_FOUND, 404, "Nicht gefunden")
        token = request.query_params.get("token")
        values = {"token": token} if token is not None else {}
        return form_page(request, page, values=values)

    async def submit(request: Request) -> Response:
        page = pages().get(request.path_params["slug"])
        instance = portals.get(request.path_params["portal"])
        if page is None or instance is None:
            return notice(request, NOT_FOUND if instance else UNKNOWN_PORTAL, 404, "Nicht gefunden")
        try:
            form = parse_body(await request.body())
        except UnicodeDecodeError:
            form = {}
        if not csrf.valid(request.cookies, form):
            return notice(request, FORBIDDEN, 403, "Anfrage abgelehnt")
        arguments, errors = arguments_of(page, form, request.cookies.get(SESSION_COOKIE))
        if errors:
            return form_page(request, page, values=form, errors=errors)
        return perform(request, page, instance, arguments, form)

    def perform(
        request: Request,
        page: Page,
        instance: Instance,
        arguments: dict[str, object],
        form: Mapping[str, str],
    ) -> Response:
        op = page.operation
        with instance.lock:
            try:
                outcome = instance.connection.call(op.name, arguments)  # type: ignore[arg-type]
            except (AdapterError, UnknownNameError, ValueError):  # e.g. a card no profile names
                errors = Errors()  # on an eID page: the eID result could not be read
                where = "card" if page.presents_card else None
                errors.add(where, message("sim.invalid_input", land, instance.portal.readings))
                return form_page(request, page, values=form, errors=errors)
            except Exception:
                _log.exception("web page %s failed", op.name)  # arguments stay out of logs
                return notice(request, SERVER_ERROR, 500, "Fehler")
            finally:
                deliver(instance)
                portals.save(instance)
        if not outcome.accepted:
            errors = errors_of(page, outcome.rules, land, instance.portal.readings)
            return form_page(request, page, values=form, errors=errors)
        response = form_page(
            request, page, values={}, success=page.success, result=result_of(page, outcome.value)
        )
        path = f"/portals/{instance.id}"
        if op.returns == "session" and isinstance(outcome.value, str):
            response.set_cookie(
                SESSION_COOKIE, outcome.value, path=path, httponly=True, samesite="lax"
            )
        elif op.name in ("logout", "delete_account"):
            response.delete_cookie(SESSION_COOKIE, path=path, httponly=True, samesite="lax")
        return response

    return [
        Route("/", root, methods=["GET"]),
        Route("/portals/{portal}/web", bare, methods=["GET"]),
        Route("/portals/{portal}/web/", start, methods=["GET"]),
        Route("/portals/{portal}/web/{slug}", show, methods=["GET"]),
        Route("/portals/{portal}/web/{slug}", submit, methods=["POST"]),
    ]


__all__ = ["SESSION_COOKIE", "Result", "result_of", "web_routes"]
