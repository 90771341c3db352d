from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# A vendor's package, outside the project: the reference portal behind a function adapter,
# except that an idle session never expires (``make``), or that a login never returns (``hung``).
ADAPTER = textwrap.dedent(
    """
    from __future__ import annotations

    import threading
    from datetime import timedelta
    from functools import partial

    from skc.conformance.adapters import FunctionAdapter, InProcessAdapter
    from skc.model.sim.outcome import Outcome

    NEVER = threading.Event()


    def make(*, land, profile, hang_login=False):
        reference = InProcessAdapter(land, profile)

        def connect():
            connection = reference.connect()

            def handler(operation, arguments):
                if operation == "advance_clock":
                    connection.advance_clock(timedelta(seconds=arguments["seconds"]))
                    return Outcome(accepted=True)
                if operation == "captured_token":
                    token = connection.captured_token(arguments["address"], arguments["kind"])
                    return Outcome(accepted=token is not None, value=token)
                if operation == "login" and hang_login:
                    NEVER.wait()
                outcome = connection.call(operation, arguments)
                if operation == "ping":
                    return Outcome(accepted=True)  # an idle session never expires
                return outcome

            return handler

        return FunctionAdapter(connect(), land=land, profile=profile, on_connect=connect)


    hung = partial(make, hang_login=True)
    """
)


def _vendor(tmp_path: Path) -> Path:
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "adapter.py").write_text(ADAPTER, encoding="utf-8")
    return tmp_path


def _skc(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "skc", "run", "--no-progress", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def _records(out: Path) -> list[dict[str, object]]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_vendor_adapter_outside_the_project_is_run_and_named_when_given_as_module_factory(
    tmp_path: Path,
) -> None:
    home = _vendor(tmp_path)
    done = _skc(
        home, "--target", "mypkg.adapter:make", "--land", "berlin", "--suite", "scenarios",
        "--seed", "3", "--out", "out",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    records = _records(home / "out")
    assert records[0]["target"] == "mypkg.adapter:make"
    fails = [r for r in records if r["type"] == "result" and r["verdict"] == "fail"]
    assert fails, "the session that outlives its idle timeout is a finding"
    assert "session.idle_timeout" in {r["rule"] for r in fails}
    replay = shlex.split(str(fails[0]["replay"]))
    assert replay[replay.index("--target") + 1] == "mypkg.adapter:make"
    assert "mypkg.adapter:make" in done.stdout
    junit = (home / "out" / "junit.xml").read_text(encoding="utf-8")
    assert "mypkg.adapter:make" in junit


def test_hung_call_gives_error_within_the_deadline_and_the_run_writes_every_report(
    tmp_path: Path,
) -> None:
    home = _vendor(tmp_path)
    (home / "profile.yaml").write_text(
        "land: berlin\ncapabilities: {clock_control: true, mail_capture: true}\n"
        "parameters: {call_timeout_s: 0.5}\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    done = _skc(
        home, "--target", "mypkg.adapter:hung", "--profile", "profile.yaml", "--suite",
        "scenarios", "--seed", "3", "--out", "out", "--replay", "scenarios/session-timeout",
    )  # fmt: skip
    took = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    records = _records(home / "out")
    errors = [r for r in records if r["type"] == "result" and r["verdict"] == "error"]
    assert errors
    assert "0.5 s limit" in str(errors[0]["reason"])
    assert float(str(errors[0]["duration_s"])) <= 0.5 + 1, "error within the deadline + 1 s"
    assert records[-1]["type"] == "summary"
    assert records[-1]["status"] == "incomplete"
    assert (home / "out" / "junit.xml").is_file()
    assert (home / "out" / "report.html").is_file()
    assert took < 30, "one hung call costs its deadline, not the run"
