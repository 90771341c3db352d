"""skc serve's Portal Test API: operations, problem details, cookies, test hooks, the store,
the committed OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate
from typer.testing import CliRunner

from skc.conformance.cli import app as cli
from skc.service import ServeOptions, build_app
from skc.service.openapi import DOCUMENT_FILE, document, render
from skc.service.testing import serving

TOKEN = "t0ken-for-tests"
HOOKS = {"Authorization": f"Bearer {TOKEN}"}
PASSWORD = "Geheim-Xy12345!"
ANSWER = "Bello-der-Hund"


def _citizen(email: str = "anna@example.org") -> dict[str, str]:
    return {
        "email": email, "password": PASSWORD, "first_name": "Anna", "last_name": "Muster",
        "salutation": "Frau", "security_question": "Haustier?", "security_answer": ANSWER,
    }  # fmt: skip


@pytest.fixture
def served(tmp_path: Path) -> Iterator[httpx.Client]:
    options = ServeOptions(
        land="berlin", db=tmp_path / "state.sqlite3", test_hooks=True, test_token=TOKEN
    )
    with serving(build_app(options)) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield client


def _portal(client: httpx.Client) -> str:
    response = client.post("/test/portals", headers=HOOKS)
    assert response.status_code == 201
    return str(response.json()["portal"])


def _activated(client: httpx.Client, portal: str) -> None:
    ops = f"/portals/{portal}/operations"
    assert client.post(f"{ops}/register_citizen", json=_citizen()).status_code == 200
    mail = client.get(
        f"/portals/{portal}/test/mail",
        params={"address": "anna@example.org", "kind": "activation"},
        headers=HOOKS,
    )
    token = mail.json()["token"]
    assert client.post(f"{ops}/activate", json={"token": token}).status_code == 200


def test_login_answers_the_session_and_sets_an_http_only_same_site_cookie_when_accepted(
    served: httpx.Client,
) -> None:
    portal = _portal(served)
    _activated(served, portal)
    response = served.post(
        f"/portals/{portal}/operations/login",
        json={"email": "anna@example.org", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert response.json()["value"].startswith("session")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()


def test_rejection_is_a_problem_with_the_portals_rule_when_the_session_idled_out(
    served: httpx.Client,
) -> None:
    portal = _portal(served)
    _activated(served, portal)
    ops = f"/portals/{portal}/operations"
    served.post(f"{ops}/login", json={"email": "anna@example.org", "password": PASSWORD})
    clock = served.post(
        f"/portals/{portal}/test/clock", json={"seconds": 25 * 60 + 1}, headers=HOOKS
    )
    assert clock.status_code == 200
    response = served.post(f"{ops}/ping", json={})  # the session from the cookie
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["rules"] == ["session.idle_timeout"]
    assert problem["status"] == 422
    assert problem["type"].endswith("/rejected")
    assert problem["detail"]


def test_arguments_that_break_the_declaration_are_a_400_problem_naming_the_argument(
    served: httpx.Client,
) -> None:
    portal = _portal(served)
    ops = f"/portals/{portal}/operations"
    wrong_type = served.post(f"{ops}/register_citizen", json={**_citizen(), "email": 7})
    unknown = served.post(f"{ops}/login", json={"email": "a@b.de", "password": "x", "pin": "1"})
    not_json = served.post(
        f"{ops}/login", content=b"{", headers={"content-type": "application/json"}
    )
    # a null where the portal cannot work without a value (Schemathesis sent them: 500s)
    null_login = served.post(f"{ops}/login", json={"email": None, "password": "x"})
    null_card = served.post(
        f"{ops}/register_citizen_with_eid", json={"email": "a@b.de", "password": "x", "card": None}
    )
    no_such_card = served.post(
        f"{ops}/register_citizen_with_eid", json={"email": "a@b.de", "password": "x", "card": "?"}
    )
    answers = (wrong_type, unknown, not_json, null_login, null_card, no_such_card)
    assert [r.status_code for r in answers] == [400] * 6
    assert "'email'" in wrong_type.json()["detail"]
    assert "'pin'" in unknown.json()["detail"]
    assert "'email'" in null_login.json()["detail"]
    assert "'card'" in null_card.json()["detail"]


def test_clock_step_past_the_year_9999_is_a_400_problem_and_leaves_the_clock_alone(
    served: httpx.Client,
) -> None:
    # Schemathesis sent {"seconds": 1936796200521} (61,000 years): it was a 500
    portal = _portal(served)
    before = served.post(f"/portals/{portal}/test/clock", json={"seconds": 0}, headers=HOOKS)
    too_far = served.post(
        f"/portals/{portal}/test/clock", json={"seconds": 1_936_796_200_521}, headers=HOOKS
    )
    beyond_timedelta = served.post(
        f"/portals/{portal}/test/clock", json={"seconds": 10**20}, headers=HOOKS
    )
    after = served.post(f"/portals/{portal}/test/clock", json={"seconds": 0}, headers=HOOKS)
    assert [too_far.status_code, beyond_timedelta.status_code] == [400, 400]
    assert "9999" in too_far.json()["detail"]
    assert after.json()["now"] == before.json()["now"]


def test_test_hooks_and_back_office_refuse_a_request_without_the_token(
    served: httpx.Client,
) -> None:
    assert served.post("/test/portals").status_code == 401
    wrong = served.post("/test/portals", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    office = served.post("/portals/default/operations/offer_service", json={"service_id": "x"})
    assert office.status_code == 401
    assert office.headers["www-authenticate"].startswith("Bearer")
    assert served.post("/portals/nowhere/operations/ping", json={}).status_code == 404


def test_server_without_test_hooks_serves_no_hook_and_declares_no_clock_control(
    tmp_path: Path,
) -> None:
    with serving(build_app(ServeOptions(land="hamburg", db=None))) as url:
        profile = httpx.get(f"{url}/profile").json()
        created = httpx.post(f"{url}/test/portals", headers=HOOKS)
    assert profile["land"] == "hamburg"
    assert profile["capabilities"]["clock_control"] is False
    assert profile["capabilities"]["mail_capture"] is False
    assert profile["test_hooks"] == []
    assert created.status_code == 404


def test_accounts_and_mail_survive_a_new_server_on_the_same_file_and_no_secret_is_in_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "state.sqlite3"
    options = ServeOptions(land="berlin", db=db, test_hooks=True, test_token=TOKEN)
    with serving(build_app(options)) as url, httpx.Client(base_url=url) as client:
        portal = _portal(client)
        client.post(f"/portals/{portal}/operations/register_citizen", json=_citizen())
    with serving(build_app(options)) as url, httpx.Client(base_url=url) as client:
        _token = client.get(
            f"/portals/{portal}/test/mail",
            params={"address": "anna@example.org", "kind": "activation"}, headers=HOOKS,
        ).json()["token"]  # fmt: skip
        activated = client.post(f"/portals/{portal}/operations/activate", json={"token": _token})
        login = client.post(
            f"/portals/{portal}/operations/login",
            json={"email": "anna@example.org", "password": PASSWORD},
        )
    assert activated.status_code == 200
    assert login.status_code == 200
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("state"))
    for secret in (PASSWORD, ANSWER, TOKEN):
        assert secret.encode() not in stored


def test_served_fault_deviates_on_its_rule_when_the_server_starts_with_it(tmp_path: Path) -> None:
    options = ServeOptions(
        land="berlin", fault="berlin-timeout-20-minutes", db=None, test_hooks=True,
        test_token=TOKEN,
    )  # fmt: skip
    with serving(build_app(options)) as url, httpx.Client(base_url=url) as client:
        portal = _portal(client)
        _activated(client, portal)
        ops = f"/portals/{portal}/operations"
        client.post(f"{ops}/login", json={"email": "anna@example.org", "password": PASSWORD})
        client.post(f"/portals/{portal}/test/clock", json={"seconds": 20 * 60 + 1}, headers=HOOKS)
        response = client.post(f"{ops}/ping", json={})
    assert response.json()["rules"] == ["session.idle_timeout"]


def test_committed_openapi_document_is_the_generated_one_and_validates() -> None:
    committed = DOCUMENT_FILE.read_text(encoding="utf-8")
    assert committed == render(), "regenerate: skc serve --openapi > service/openapi.json"
    validate(json.loads(committed))
    paths = document()["paths"]
    assert "/portals/{portal}/operations/register_citizen" in paths


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--land", "nowhere"], "unknown Land"),
        (["serve", "--land", "berlin", "--test-hooks"], "needs a token"),
        (["serve", "--land", "hamburg", "--fault", "berlin-timeout-20-minutes"], "--land berlin"),
        (["serve", "--land", "berlin", "--smtp", "nohost"], "HOST:PORT"),
        (["serve", "--land", "berlin", "--db", "/nonexistent/dir/x.db"], "does not exist"),
    ],
)
def test_serve_exits_2_with_the_reason_when_an_option_is_bad(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SKC_TEST_TOKEN", raising=False)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
