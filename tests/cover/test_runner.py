from __future__ import annotations

import json
import os
import shlex
import signal
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from skc.conformance import runner
from skc.conformance.events import CheckFinished, Event, RunFinished, RunStarted, StepRan
from skc.conformance.expected import ExpectedFailure, load_expected_failures
from skc.conformance.faults import parse_fault
from skc.conformance.profile import PortalProfile
from skc.conformance.reports import OutputDir, read_records
from skc.conformance.results import Status
from skc.conformance.runner import RunConfig, run
from skc.conformance.suites.base import Check, CheckContext, CheckResult
from skc.model.errors import InputError

TIMEOUT_CHECK = "scenarios/session-timeout"


def _timeout_run(tmp_path: Path | None, **kwargs: object) -> RunConfig:
    return RunConfig(
        lands=("berlin",), seed=1, suites=("scenarios",), out=tmp_path,
        only_check=TIMEOUT_CHECK, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def test_expected_failure_is_reported_as_expected_when_listed() -> None:
    entry = ExpectedFailure(land="berlin", rule="session.idle_timeout", reason="ticket 7")
    fault = parse_fault("berlin-timeout-20-minutes")
    report = run(_timeout_run(None, fault=fault, expected=(entry,)))
    fails = [r for r in report.results if r.verdict == "fail"]
    assert fails
    assert all(r.expected_failure is not None for r in fails)
    assert all(r.expected_failure.reason == "ticket 7" for r in fails if r.expected_failure)
    assert report.summary.status is Status.CONFORMANT


def test_stale_entry_is_an_unexpected_pass_when_another_entry_has_the_same_reason(
    tmp_path: Path,
) -> None:
    fault = parse_fault("berlin-timeout-20-minutes")
    live = ExpectedFailure(land="berlin", rule="session.idle_timeout", reason="SKC-1", entry=0)
    stale = ExpectedFailure(land="berlin", rule="password.max_length", reason="SKC-1", entry=1)
    report = run(_timeout_run(tmp_path, fault=fault, expected=(live, stale)))
    assert [e.rule for e in report.unexpected_passes] == ["password.max_length"]
    assert report.summary.status is Status.NOT_CONFORMANT
    records = read_records(tmp_path / "results.jsonl")
    assert [r["rule"] for r in records if r["type"] == "unexpected_pass"] == ["password.max_length"]
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert 'type="unexpected-pass"' in junit
    assert "password.max_length" in junit
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Unexpected passes" in html
    assert "Not conformant" in html


def test_duplicate_expected_failure_entries_are_refused_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(
        "- land: berlin\n  rule: password.max_length\n  reason: SKC-1\n"
        "- land: berlin\n  rule: password.max_length\n  reason: SKC-2\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"known.yaml:4: the same land, rule and check .*:1"):
        load_expected_failures(path)


def test_interrupted_run_ends_with_a_summary_and_every_report_when_a_check_is_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(ctx: CheckContext) -> CheckResult:
        raise KeyboardInterrupt

    real = runner.plan("berlin", ("scenarios",))[:2]
    stop = Check("scenarios", "interrupt", (), interrupt)
    monkeypatch.setattr(runner, "plan", lambda *args: [*real, stop, *real])
    report = run(RunConfig(lands=("berlin",), seed=1, suites=("scenarios",), out=tmp_path))
    assert report.summary.interrupted
    assert report.summary.status is Status.INCOMPLETE
    records = read_records(tmp_path / "results.jsonl")
    assert records[0]["type"] == "run"
    assert records[-1]["type"] == "summary"
    assert records[-1]["interrupted"] is True
    assert {r["check"] for r in records if r["type"] == "result"} == {c.id for c in real}
    assert "interrupted" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "junit.xml").is_file()


def test_sigterm_ends_the_run_with_a_summary_when_received_during_a_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def terminate(ctx: CheckContext) -> CheckResult:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM should have interrupted this check")

    monkeypatch.setattr(
        runner, "plan", lambda *args: [Check("scenarios", "terminate", (), terminate)]
    )
    report = run(RunConfig(lands=("berlin",), seed=1, suites=("scenarios",), out=tmp_path))
    assert report.summary.interrupted
    assert read_records(tmp_path / "results.jsonl")[-1]["type"] == "summary"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_check_that_raises_is_an_error_and_the_run_goes_on_when_close_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(ctx: CheckContext) -> CheckResult:
        raise RuntimeError("adapter close failed")

    real = runner.plan("berlin", ("scenarios",))[:1]
    monkeypatch.setattr(
        runner, "plan", lambda *args: [Check("scenarios", "broken", (), broken), *real]
    )
    report = run(RunConfig(lands=("berlin",), seed=1, suites=("scenarios",), out=None))
    verdicts = {r.check: r.verdict for r in report.results}
    assert verdicts["scenarios/broken"] == "error"
    assert real[0].id in verdicts
    assert report.summary.status is Status.INCOMPLETE


def test_run_is_incomplete_not_conformant_when_no_check_executed() -> None:
    report = run(
        RunConfig(
            lands=("berlin",),
            seed=1,
            suites=("scenarios",),
            out=None,
            only_rules=frozenset({"no.such.rule"}),
        )
    )
    assert report.summary.checks_run == 0
    assert report.summary.status is Status.INCOMPLETE
    assert "no check" in report.summary.status_reason


def test_run_is_incomplete_when_the_profile_leaves_most_rules_unobservable() -> None:
    bare = PortalProfile(land="hamburg")  # no capability declared: no clock, no mail
    report = run(RunConfig(lands=("hamburg",), seed=1, suites=("scenarios",), out=None,
                           profile=bare))  # fmt: skip
    assert report.summary.status is Status.INCOMPLETE
    assert "could not be observed" in report.summary.status_reason


def test_earlier_reports_are_removed_before_the_run_starts(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text("old", encoding="utf-8")
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    seen: list[bool] = []

    class Spy:
        def handle(self, event: Event) -> None:
            if isinstance(event, RunStarted):
                seen.append((tmp_path / "junit.xml").exists())
                seen.append((tmp_path / "report.html").exists())

        def close(self) -> None:
            pass

    run(_timeout_run(tmp_path), [Spy()])
    assert seen == [False, False]


def test_second_run_into_the_same_directory_is_refused_while_the_first_writes(
    tmp_path: Path,
) -> None:
    with OutputDir(tmp_path, ()), pytest.raises(InputError, match="another run"):
        run(_timeout_run(tmp_path))


def test_events_arrive_in_order_with_typed_results_when_handlers_listen() -> None:
    events: list[Event] = []

    class Recorder:
        def handle(self, event: Event) -> None:
            events.append(event)

        def close(self) -> None:
            pass

    run(_timeout_run(None), [Recorder()])
    assert isinstance(events[0], RunStarted)
    assert isinstance(events[-1], RunFinished)
    finished = [e for e in events if isinstance(e, CheckFinished)]
    assert finished
    assert finished[0].results[0].check == TIMEOUT_CHECK


def test_replay_command_is_shell_quoted_and_complete_when_inputs_have_spaces(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "my portal"
    config = RunConfig(
        lands=("berlin",), seed=9, suites=("scenarios",), out=folder / "out",
        profile_path=folder / "profile.yaml", expected_path=folder / "known.yaml",
        scenario_dir=folder / "scen", fault=parse_fault("berlin-timeout-20-minutes"),
    )  # fmt: skip
    argv = shlex.split(config.replay_command("berlin", TIMEOUT_CHECK))
    assert argv[:2] == ["skc", "run"]
    options = dict(zip(argv[2::2], argv[3::2], strict=True))
    assert options["--profile"] == str((folder / "profile.yaml").resolve())
    assert options["--expected-failures"] == str((folder / "known.yaml").resolve())
    assert options["--scenarios"] == str((folder / "scen").resolve())
    assert options["--suite"] == "scenarios"
    assert options["--replay"] == TIMEOUT_CHECK
    assert options["--fault"] == "berlin-timeout-20-minutes"
    assert options["--out"] != str((folder / "out").resolve())
    assert Path(options["--out"]).is_relative_to((folder / "out").resolve())


def test_replay_command_repeats_allow_remote_and_wall_clock_when_the_run_had_them() -> None:
    plain = RunConfig(lands=("berlin",), seed=9, target="http://portal.example:8080")
    assert "--allow-remote" not in shlex.split(plain.replay_command("berlin", TIMEOUT_CHECK))
    assert "--wall-clock" not in shlex.split(plain.replay_command("berlin", TIMEOUT_CHECK))
    live = replace(plain, allow_remote=True, wall_clock=True)
    argv = shlex.split(live.replay_command("berlin", TIMEOUT_CHECK))
    assert "--allow-remote" in argv
    assert "--wall-clock" in argv
    assert argv[argv.index("--target") + 1] == "http://portal.example:8080"


def test_junit_durations_add_up_to_the_check_time_when_a_check_covers_many_rules(
    tmp_path: Path,
) -> None:
    report = run(_timeout_run(tmp_path))
    took = sum(r.duration_s for r in report.results)
    records = read_records(tmp_path / "results.jsonl")
    assert len([r for r in records if r["type"] == "result"]) > 1
    assert took <= report.summary.duration_s + 0.01
    assert json.loads(json.dumps(records[-1]))["status"] == "conformant"


def test_steps_reach_a_listening_handler_without_their_secrets_when_it_wants_steps() -> None:
    steps: list[StepRan] = []

    class StepListener:
        wants_steps = True

        def handle(self, event: Event) -> None:
            if isinstance(event, StepRan):
                steps.append(event)

        def close(self) -> None:
            pass

    report = run(_timeout_run(None), [StepListener()])
    assert len(steps) >= 3
    assert {s.check for s in steps} == {TIMEOUT_CHECK}
    assert any(s.step.startswith("login(") for s in steps)
    assert not any(secret in s.step for s in steps for secret in report.secrets_seen)


def test_rejection_naming_no_rule_is_a_warning_in_every_report_when_the_portal_is_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skc.conformance.adapters import FunctionAdapter, InProcessAdapter
    from skc.model.sim.outcome import Outcome

    reference = InProcessAdapter("berlin")

    def connect() -> Callable[[str, Mapping[str, object]], Outcome]:
        connection = reference.connect()

        def handler(operation: str, arguments: Mapping[str, object]) -> Outcome:
            if operation == "advance_clock":
                connection.advance_clock(timedelta(seconds=int(str(arguments["seconds"]))))
                return Outcome(accepted=True)
            if operation == "captured_token":
                token = connection.captured_token(str(arguments["address"]), "activation")
                return Outcome(accepted=token is not None, value=token)
            outcome = connection.call(operation, arguments)  # type: ignore[arg-type]
            return outcome if outcome.accepted else Outcome(accepted=False)  # no rule named

        return handler

    adapter = FunctionAdapter(connect(), land="berlin", on_connect=connect)
    monkeypatch.setattr(runner, "adapter_for", lambda config, land: adapter)
    run(_timeout_run(tmp_path))
    for name in ("junit.xml", "report.html", "results.jsonl"):
        assert "without naming a rule" in (tmp_path / name).read_text(encoding="utf-8"), name
