"""Conformance runs over HTTP against skc serve started by the test: the suites pass, a seeded
fault is found on its rule, a misbehaving or killed server gives error verdicts with the cause
(never pass) and every report, and a restart mid-scenario loses no account or message."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from skc.conformance.adapters.http import HttpAdapter
from skc.conformance.faults import parse_fault
from skc.conformance.profile import reference_profile
from skc.conformance.reports import HTML_FILE, JUNIT_FILE, RESULTS_FILE
from skc.conformance.runner import RunConfig, RunReport, run
from skc.conformance.verdicts import Verdict
from skc.model.lands import LandId
from skc.service import ServeOptions, build_app
from skc.service.testing import free_port, serve_process, serving, wait_until_up

pytestmark = pytest.mark.slow
TOKEN = "run-token"
PASSWORD = "Geheim-Xy12345!"


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKC_TEST_TOKEN", TOKEN)


def _app(land: str, fault: str | None = None) -> Any:
    options = ServeOptions(land=land, fault=fault, db=None, test_hooks=True, test_token=TOKEN)
    return build_app(options)


def _config(url: str, land: LandId, out: Path | None, **kwargs: Any) -> RunConfig:
    return RunConfig(lands=(land,), seed=3, target=url, out=out, **kwargs)


class Misbehaving:
    """The served app, except that one operation answers 500, malformed JSON or never."""

    def __init__(self, app: Any, operation: str, mode: str) -> None:
        self.app = app
        self.operation = operation
        self.mode = mode

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith(f"/operations/{self.operation}"):
            if self.mode == "hang":
                await asyncio.Event().wait()  # cancelled when the server shuts down
            status, body = (500, b"boom") if self.mode == "500" else (200, b'{"value": ')
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def test_scenarios_pass_over_http_as_in_process_when_served_by_skc_serve(tmp_path: Path) -> None:
    with serving(_app("hamburg")) as url:
        report = run(_config(url, "hamburg", tmp_path / "out", suites=("scenarios",)))
    counts = report.counts
    assert report.ok, report.summary.status_reason
    assert counts.get("pass", 0) > 20
    assert not counts.get("error")
    assert not counts.get("fail")


@pytest.mark.parametrize(
    "name",
    ["berlin-timeout-20-minutes", "hamburg-eid-sync-any-card", "berlin-payment-window-60-minutes"],
)
def test_seeded_fault_is_found_over_http_on_the_same_rule_as_in_process(name: str) -> None:
    fault = parse_fault(name)
    rules = frozenset({fault.rule})
    inprocess = run(RunConfig(lands=(fault.land,), seed=1, fault=fault, out=None,
                              only_rules=rules, stop_at_first_failure=True))  # fmt: skip
    with serving(_app(fault.land, name)) as url:
        served = run(_config(url, fault.land, None, only_rules=rules, stop_at_first_failure=True))
    assert inprocess.findings(), "found in process"
    found = served.findings()
    assert found, f"{name} not found over HTTP"
    assert found[0].verdict == "fail"
    assert found[0].rule == inprocess.findings()[0].rule == fault.rule


def _errors_with_cause(report: RunReport, out: Path, *causes: str) -> None:
    errors = [r for r in report.results if r.verdict is Verdict.ERROR]
    assert errors, "the misbehaviour gives error verdicts"
    assert all(any(c in r.reason for c in causes) for r in errors), [r.reason for r in errors]
    first = report.results.index(errors[0])
    assert not [r for r in report.results[first:] if r.verdict is Verdict.PASS]
    assert not report.ok
    for name in (RESULTS_FILE, JUNIT_FILE, HTML_FILE):
        assert (out / name).stat().st_size > 0
    summary = json.loads((out / RESULTS_FILE).read_text("utf-8").splitlines()[-1])
    assert summary["type"] == "summary"


@pytest.mark.parametrize(
    ("mode", "cause"),
    [("500", "answered 500"), ("malformed", "malformed JSON"), ("hang", "no answer within")],
)
def test_misbehaving_server_gives_error_verdicts_with_the_cause_and_every_report(
    mode: str, cause: str, tmp_path: Path
) -> None:
    profile = reference_profile("berlin").model_copy(update={"parameters": {"call_timeout_s": 4}})
    out = tmp_path / "out"
    with serving(Misbehaving(_app("berlin"), "login", mode)) as url:
        config = _config(url, "berlin", out, suites=("scenarios",), profile=profile,
                         only_check="scenarios/session-timeout")  # fmt: skip
        report = run(config)
    _errors_with_cause(report, out, cause)


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import uvicorn
    from skc.service import ServeOptions, build_app

    app = build_app(ServeOptions(land="berlin", db=None, test_hooks=True, test_token=sys.argv[2]))
    seen = {"calls": 0}

    async def killing(scope, receive, send):
        if scope["type"] == "http" and "/operations/" in scope["path"]:
            seen["calls"] += 1
            if seen["calls"] == 200:
                os.kill(os.getpid(), signal.SIGKILL)
        await app(scope, receive, send)

    uvicorn.run(killing, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    """
)


def test_server_killed_mid_run_gives_error_verdicts_with_the_cause_and_every_report(
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    server = subprocess.Popen([sys.executable, "-c", KILLER, str(port), TOKEN], env=env)
    try:
        wait_until_up(url, process=server)
        out = tmp_path / "out"
        report = run(_config(url, "berlin", out, suites=("scenarios",)))
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=30)
    assert server.returncode == -signal.SIGKILL
    assert report.counts.get("pass", 0) >= 1  # it ran before the kill
    _errors_with_cause(
        report, out, "ConnectError", "RemoteProtocolError", "ReadError", "WriteError"
    )


@pytest.fixture
def portal_db(tmp_path: Path) -> Path:
    return tmp_path / "portal.sqlite3"


def test_restart_in_the_middle_of_a_scenario_loses_no_account_and_no_message(
    portal_db: Path,
) -> None:
    port = free_port()
    with serve_process("hamburg", portal_db, port=port, token=TOKEN) as (url, server):
        adapter = HttpAdapter(url, land="hamburg")
        conn = adapter.connect()
        address = "anna.restart@example.org"
        conn.call("register_citizen", {
            "email": address, "password": PASSWORD, "first_name": "Anna", "last_name": "Muster",
            "salutation": "Frau", "security_question": "Haustier?", "security_answer": "Bello",
        })  # fmt: skip
        conn.call("activate", {"token": conn.captured_token(address, "activation")})
        account = str(conn.call("account_id_of", {"email": address}).value)
        vorgang = conn.call("start_vorgang", {"mailbox_id": account, "title": "Wohngeld"})
        message = conn.call("deliver_message", {"vorgang_id": str(vorgang.value), "subject": "B"})
        assert message.accepted, message
        server.send_signal(signal.SIGKILL)  # no shutdown: what was answered must be on disk
        server.wait(timeout=30)
    with serve_process("hamburg", portal_db, port=port, token=TOKEN):
        session = conn.call("login", {"email": address, "password": PASSWORD})
        assert session.accepted, session
        assert conn.call("account_status", {"account_id": account}).value == "active"
        assert conn.call("unread_count", {"session": str(session.value)}).value == 1
        assert conn.call("message_exists", {"message_id": str(message.value)}).value is True
        conn.advance_clock(timedelta(minutes=1))
        conn.close()
