"""The HTTP adapter over a function transport: answers become outcomes, anything the API does
not declare becomes an AdapterError naming the cause; retries only for queries; remote targets
need --allow-remote."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from skc.conformance.adapters.http import HttpAdapter, is_loopback
from skc.conformance.adapters.registry import resolve_target
from skc.conformance.cli import app as cli
from skc.conformance.profile import Capability, PortalProfile
from skc.conformance.run_command import build_config
from skc.model.errors import AdapterError, AdapterTimeoutError, InputError
from skc.service.problems import MEDIA_TYPE, type_uri

URL = "http://127.0.0.1:9"
CAPABILITIES = {c.value: True for c in Capability}
PROFILE: dict[str, object] = {
    "land": "berlin", "version": "0", "operations": [], "test_hooks": ["portals", "clock", "mail"],
    "capabilities": CAPABILITIES,
}  # fmt: skip


def _adapter(
    answer: Callable[[httpx.Request], httpx.Response],
    *,
    served: dict[str, object] | None = None,
    monkeypatch: pytest.MonkeyPatch,
    token: str | None = "tok",
) -> tuple[HttpAdapter, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/profile":
            return httpx.Response(200, json=served if served is not None else PROFILE)
        if request.url.path == "/test/portals":
            return httpx.Response(201, json={"portal": "p-1"})
        return answer(request)

    if token is None:
        monkeypatch.delenv("SKC_TEST_TOKEN", raising=False)
    else:
        monkeypatch.setenv("SKC_TEST_TOKEN", token)
    return HttpAdapter(URL, land="berlin", transport=httpx.MockTransport(handler)), seen


def _rejected(rules: list[str]) -> httpx.Response:
    body = {
        "type": type_uri("rejected"),
        "title": "t",
        "status": 422,
        "detail": "no",
        "rules": rules,
    }
    return httpx.Response(422, content=orjson.dumps(body), headers={"content-type": MEDIA_TYPE})


def test_accepted_answer_is_an_outcome_with_its_value_and_lists_become_tuples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter, seen = _adapter(
        lambda r: httpx.Response(200, json={"value": ["a", "b"]}), monkeypatch=monkeypatch
    )
    outcome = adapter.connect().call("list_vorgaenge", {"session": "s", "folder": "inbox"})
    assert outcome.accepted
    assert outcome.value == ("a", "b")
    assert seen[-1].url.path == "/portals/p-1/operations/list_vorgaenge"
    assert seen[-1].headers["authorization"] == "Bearer tok"


def test_rejection_problem_is_a_rejected_outcome_on_its_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    adapter, _ = _adapter(lambda r: _rejected(["session.idle_timeout"]), monkeypatch=monkeypatch)
    outcome = adapter.connect().call("ping", {"session": "s"})
    assert not outcome.accepted
    assert outcome.rules == ("session.idle_timeout",)


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (lambda r: httpx.Response(500, text="boom"), "answered 500"),
        (lambda r: httpx.Response(200, content=b'{"value": '), "malformed JSON"),
        (lambda r: httpx.Response(200, json=["not", "an", "object"]), "not an object"),
        (lambda r: httpx.Response(422, json={"rules": ["x"]}), "answered 422"),
        (lambda r: httpx.Response(404, text="Not Found"), "answered 404"),
    ],
)
def test_answer_the_api_does_not_declare_is_an_adapter_error_naming_the_cause(
    answer: Callable[[httpx.Request], httpx.Response], cause: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter, _ = _adapter(answer, monkeypatch=monkeypatch)
    with pytest.raises(AdapterError, match=cause):
        adapter.connect().call("login", {"email": "a@b.de", "password": "x"})


def test_answer_that_never_comes_is_an_adapter_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    adapter, _ = _adapter(hang, monkeypatch=monkeypatch)
    with pytest.raises(AdapterTimeoutError, match="no answer within"):
        adapter.connect().call("login", {"email": "a@b.de", "password": "x"})


def test_query_is_retried_after_a_dropped_connection_and_an_action_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failures = {"count": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        failures["count"] += 1
        if failures["count"] % 2:
            raise httpx.RemoteProtocolError("dropped", request=request)
        return httpx.Response(200, json={"value": "active"})

    adapter, seen = _adapter(flaky, monkeypatch=monkeypatch)
    connection = adapter.connect()
    assert connection.call("account_status", {"account_id": "a"}).value == "active"
    with pytest.raises(AdapterError, match="RemoteProtocolError"):
        connection.call("activate", {"token": "t"})
    paths = [r.url.path.rsplit("/", 1)[-1] for r in seen]
    assert paths.count("account_status") == 2
    assert paths.count("activate") == 1


def test_capabilities_the_server_lacks_leave_the_profile_when_it_has_no_test_hooks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = {**PROFILE, "test_hooks": [], "capabilities": {**CAPABILITIES, "elster": False}}
    adapter, _ = _adapter(
        lambda r: httpx.Response(200, json={"value": None}), served=served, monkeypatch=monkeypatch
    )
    assert not adapter.profile.has(Capability.CLOCK_CONTROL)
    assert not adapter.profile.has(Capability.MAIL_CAPTURE)
    assert not adapter.profile.has(Capability.ELSTER)
    assert adapter.profile.has(Capability.ORGANISATIONS)
    assert adapter.connect().portal == "default"


def test_clock_and_mail_hooks_go_to_the_connections_own_instance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hooks(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/test/clock"):
            assert orjson.loads(request.content) == {"seconds": 1501}
            return httpx.Response(200, json={"now": "x"})
        return httpx.Response(200, json={"token": "token-1"})

    adapter, seen = _adapter(hooks, monkeypatch=monkeypatch)
    connection = adapter.connect()
    connection.advance_clock(timedelta(minutes=25, seconds=1))
    assert connection.captured_token("a@b.de", "activation") == "token-1"
    assert seen[-1].url.params["address"] == "a@b.de"
    assert {r.url.path for r in seen} >= {"/portals/p-1/test/clock", "/portals/p-1/test/mail"}


def test_server_of_another_land_is_refused_before_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="serves 'hamburg'"):
        _adapter(
            lambda r: httpx.Response(500),
            served={**PROFILE, "land": "hamburg"},
            monkeypatch=monkeypatch,
        )


def test_unreachable_target_is_an_input_error_asking_whether_the_server_runs() -> None:
    with pytest.raises(InputError, match="is the server running"):
        resolve_target("http://127.0.0.1:9", land="berlin", profile=None)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [("http://127.0.0.1:8080", True), ("http://localhost:1", True), ("http://[::1]:8", True),
     ("http://10.0.0.1:80", False), ("https://portal.example.org", False)],
)  # fmt: skip
def test_loopback_is_told_by_the_host(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_remote_target_needs_allow_remote(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--allow-remote"):
        build_config(
            target="http://portal.example.org", lands=["berlin"], seed=1, fault=None, suites=[],
            profile=None, expected_failures=None, hypothesis_profile="ci", out=tmp_path / "o",
            replay=None, scenarios=None,
        )  # fmt: skip


def test_profile_the_user_gives_keeps_its_own_absences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKC_TEST_TOKEN", "tok")
    given = PortalProfile(land="berlin", capabilities={Capability.CLOCK_CONTROL: True})
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=PROFILE))
    adapter = HttpAdapter(URL, land="berlin", profile=given, transport=transport)
    assert adapter.profile.has(Capability.CLOCK_CONTROL)
    assert not adapter.profile.has(Capability.ORGANISATIONS)
    assert adapter.profile.base_url == URL


def test_skc_run_exits_2_naming_allow_remote_when_the_target_is_another_host(
    tmp_path: Path,
) -> None:
    args = ["run", "--target", "http://10.1.2.3:8080", "--land", "berlin", "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--allow-remote" in " ".join(result.output.split())
