"""The reference portal's German web pages: forms and labels, field errors, messages, CSRF,
escaping, the session cookie and the mail links."""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from itertools import pairwise
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that it would prefer httpx2
    from starlette.testclient import TestClient

from skc.conformance.adapters.eid import EidRequest, EidTerminal
from skc.model import sim
from skc.model.ambiguity import Readings
from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.model.sim.outbox import Mail
from skc.model.sim.outcome import SIM_REASONS
from skc.service import ServeOptions, build_app
from skc.service.instances import Instance
from skc.service.mail import message_of, parse_mail
from skc.service.web.forms import errors_of
from skc.service.web.messages import message, messages, rejectable
from skc.service.web.pages import SECTIONS, pages, shown

PASSWORD = "Geheim-Xy12345!"
WEB = "/portals/default/web"


@pytest.fixture(scope="module")
def land() -> LandId:
    return "berlin"


@pytest.fixture
def client(land: LandId) -> Iterator[TestClient]:
    with TestClient(build_app(ServeOptions(land=land, db=None))) as test_client:
        yield test_client


def _instance(client: TestClient) -> Instance:
    found: Instance | None = client.app.state.config.portals.get("default")  # type: ignore[attr-defined]
    assert found is not None
    return found


def _csrf(client: TestClient, slug: str) -> str:
    page = client.get(f"{WEB}/{slug}")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _post(client: TestClient, slug: str, data: dict[str, str]) -> str:
    response = client.post(f"{WEB}/{slug}", data={"csrf_token": _csrf(client, slug), **data})
    assert response.status_code == 200
    return str(response.text)


def _citizen(email: str = "anna@example.org", **changes: str) -> dict[str, str]:
    return {
        "email": email, "password": PASSWORD, "first_name": "Anna", "last_name": "Muster",
        "consent": "true", "salutation": "Frau", "security_question": "Haustier?",
        "security_answer": "Bello-der-Hund", **changes,
    }  # fmt: skip


def _account(client: TestClient, email: str) -> bool:
    outcome = _instance(client).connection.call("account_id_of", {"email": email})
    return outcome.accepted and outcome.value is not None


def _field_errors(html: str, param: str) -> list[str]:
    return re.findall(rf'<p class="fehler" id="fehler-{param}" role="alert">([^<]*)</p>', html)


def test_every_page_shows_each_declared_parameter_with_its_german_label(
    client: TestClient,
) -> None:
    for slug, page in pages().items():
        html = client.get(f"{WEB}/{slug}").text
        assert '<html lang="de">' in html
        assert f'<form method="post" id="form-{page.operation.name}" novalidate>' in html
        assert 'type="hidden" name="csrf_token"' in html
        assert '<button type="submit" id="absenden">' in html
        levels = [int(level) for level in re.findall(r"<h(\d)", html)]
        assert levels[0] == 1, slug  # the page title is the first heading, none skips a level
        assert all(b <= a + 1 for a, b in pairwise(levels)), slug
        inputs = re.findall(r'<input type="[a-z]+" id="([^"]+)"|<textarea id="([^"]+)"', html)
        for found in (a or b for a, b in inputs):
            assert f'<label for="{found}">' in html, (slug, found)  # every input is labelled
        for param in page.operation.params:
            if not shown(page.operation, param.name):  # the session; the PIN at the AusweisApp
                assert f'name="{param.name}"' not in html, (slug, param.name)
                continue
            label = next(f.label for f in page.fields if f.name == param.name)
            assert f'<label for="f-{param.name}">{label}' in html, (slug, param.name)
            assert f'id="f-{param.name}" name="{param.name}"' in html, (slug, param.name)


def test_every_user_action_has_a_page_with_a_unique_slug_except_browser_only_ones() -> None:
    from skc.conformance.adapters.operations import OPERATIONS

    with_page = Counter(page.operation.name for page in pages().values())
    actions = {n for n, op in OPERATIONS.items() if op.role == "user" and not op.query}
    assert set(with_page) | {"client_action", "close_browser"} == actions
    assert max(with_page.values()) == 1
    assert not set(pages()) & set(SECTIONS) - {"registrieren", "anmelden"}


def test_start_page_links_the_help_texts_navigation_and_root_redirects_to_it(
    client: TestClient,
) -> None:
    html = client.get("/", follow_redirects=True).text
    assert "<h1>Service-Konto Berlin</h1>" in html
    for name in ("Registrieren", "Anmelden", "Mein Bereich", "Konto verwalten", "Postfach"):
        assert f">{name}</a>" in html
    assert client.get(f"{WEB}/administration").status_code == 200
    assert client.get(f"{WEB}/gibt-es-nicht").status_code == 404
    assert client.get("/portals/nirgends/web/").status_code == 404


def test_rejected_registration_shows_each_error_under_its_field_in_german_without_rule_ids(
    client: TestClient, land: LandId
) -> None:
    html = _post(client, "registrieren", _citizen("anna @example.org", password="kurz"))
    password = _field_errors(html, "password")
    assert "Das Passwort muss aus mindestens 8 Zeichen bestehen." in password
    assert "Leerzeichen sind in der E-Mail-Adresse nicht erlaubt." in _field_errors(html, "email")
    assert 'aria-describedby="fehler-password"' in html
    assert not re.search(r"\b(password|email|sim)\.[a-z_]+", html)  # no rule id shows
    assert not _account(client, "anna @example.org")


def test_field_messages_follow_the_order_of_the_rule_ids(land: LandId) -> None:
    page = pages()["registrieren"]
    rules = ("password.no_spaces", "password.min_length", "sim.email_in_use")
    errors = errors_of(page, rules, land, _readings())
    assert errors.fields["password"] == [message(r, land, _readings()) for r in rules[:2]]
    assert errors.fields["email"] == ["Diese E-Mail-Adresse ist bereits registriert."]
    assert errors.form == []
    login = errors_of(pages()["anmelden"], ("sim.wrong_credentials",), land, _readings())
    assert login.form == ["Benutzername oder Passwort ist nicht korrekt."]


def _readings() -> Readings:
    return Readings()


def test_every_field_rule_shows_under_the_parameter_bound_to_its_field() -> None:
    catalog = load_catalog()
    for page in pages().values():
        for param in page.operation.params:
            bound = {*param.fields, *(field for _, field in param.keys)}
            for field in bound:
                for rule in catalog.for_field(field):
                    assert page.field_of_rule(rule.id, rule.field) == param.name, rule.id


def test_messages_cover_every_rejectable_rule_id_once_each() -> None:
    assert set(messages()) == set(rejectable())
    assert len(rejectable()) == len(load_catalog().ids) + len(SIM_REASONS)
    source = "".join(path.read_text() for path in Path(sim.__file__).parent.glob("*.py"))
    named = set(re.findall(r'(?:Reject|rejected)\(\s*"([a-z_.0-9]+)"', source))
    assert len(named) > 10
    assert named <= set(messages())  # every id the simulation's code rejects with
    shared = [text for text, count in Counter(messages().values()).items() if count > 1]
    assert shared == []


def test_messages_fill_in_the_lands_parameters() -> None:
    berlin = message("password.max_length", "berlin", _readings())
    hamburg = message("password.max_length", "hamburg", _readings())
    assert (berlin, hamburg) == (
        "Das Passwort darf höchstens 20 Zeichen lang sein.",
        "Das Passwort darf höchstens 40 Zeichen lang sein.",
    )
    assert "{" not in message("password.forbidden_chars", "berlin", _readings())


@pytest.mark.parametrize("token", [None, "falsch"])
def test_post_is_refused_and_changes_nothing_when_the_csrf_token_is_missing_or_wrong(
    client: TestClient, token: str | None
) -> None:
    _csrf(client, "registrieren")  # the browser holds a valid cookie
    data = _citizen() | ({"csrf_token": token} if token else {})
    response = client.post(f"{WEB}/registrieren", data=data)
    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in response.text
    assert not _account(client, "anna@example.org")
    assert not _instance(client).portal.outbox


def test_script_in_a_name_comes_back_escaped(client: TestClient) -> None:
    html = _post(
        client, "registrieren", _citizen(first_name="<script>alert(1)</script>", password="x")
    )
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def _activated(client: TestClient, email: str = "anna@example.org") -> None:
    html = _post(client, "registrieren", _citizen(email))
    assert '<div class="erfolg" role="status">' in html
    assert re.search(r'<output id="ergebnis">[^<]+</output>', html)  # the account id
    token = _instance(client).connection.captured_token(email, "activation")
    assert token is not None
    page = client.get(f"{WEB}/aktivieren", params={"token": token}).text
    assert f'value="{token}"' in page  # the link fills the field; the GET changes nothing
    assert "Ihr Konto ist aktiviert" not in page
    assert "Ihr Konto ist aktiviert" in _post(client, "aktivieren", {"token": token})


def test_login_sets_an_http_only_lax_session_cookie_that_session_pages_use(
    client: TestClient,
) -> None:
    assert "Sie sind nicht angemeldet" in _post(
        client, "passwort-aendern", {"old_password": PASSWORD, "new_password": "Neu-Geheim-987!"}
    )
    _activated(client)
    response = client.post(
        f"{WEB}/anmelden",
        data={"csrf_token": _csrf(client, "anmelden"), "email": "anna@example.org",
              "password": PASSWORD, "cookies": "true"},
    )  # fmt: skip
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("skc_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/portals/default" in cookie
    assert "Sie sind angemeldet." in response.text
    changed = _post(
        client, "passwort-aendern", {"old_password": PASSWORD, "new_password": "Neu-Geheim-987!"}
    )
    assert "Ihr Passwort wurde geändert." in changed
    assert "Sie sind abgemeldet." in _post(client, "abmelden", {})
    assert "Sie sind nicht angemeldet" in _post(client, "sitzung-verlaengern", {})


def test_mail_links_point_at_the_web_page_and_the_sink_still_reads_the_token() -> None:
    mail = Mail("anna@example.org", "password_reset_link", sent_at=None, token="abc-123")  # type: ignore[arg-type]
    message_ = message_of("p-1", mail, "http://127.0.0.1:8080")
    body = message_.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    link = "http://127.0.0.1:8080/portals/p-1/web/passwort-zuruecksetzen?token=abc-123"
    assert link in body.get_content()
    assert parse_mail(message_) == ("anna@example.org", "password_reset_link", "abc-123")


def test_eid_page_states_its_request_and_takes_the_eid_clients_result_without_the_pin(
    client: TestClient,
) -> None:
    html = client.get(f"{WEB}/registrieren-mit-ausweis").text
    found = re.search(r'<script type="application/json" id="eid-anfrage">([^<]+)</script>', html)
    assert found is not None
    assert 'name="pin"' not in html
    request = EidRequest.from_json(json.loads(found.group(1)), "the page")
    result = EidTerminal().run("erika-mustermann", None, request, release_pseudonym=True)
    assert isinstance(result, dict)
    lines = "\n".join(f"{key}={value}" for key, value in result.items())
    email = "erika@example.org"
    accepted = _post(client, "registrieren-mit-ausweis", _citizen(email, card=lines))
    assert '<div class="erfolg" role="status">' in accepted
    assert _account(client, email)
    failed = _post(
        client, "registrieren-mit-ausweis", _citizen("max@example.org", card="failure=expired")
    )
    assert _field_errors(failed, "card") == [
        "Die Online-Ausweisfunktion konnte nicht verwendet werden."
    ]
