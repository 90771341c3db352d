from __future__ import annotations

import contextvars
import itertools
import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from skc.conformance.adapters.identities import LedgerEntry
from skc.conformance.adapters.inprocess import InProcessAdapter, InProcessConnection
from skc.conformance.cli import app
from skc.conformance.faults import Fault, shipped_faults
from skc.conformance.profile import (
    Capability,
    PortalProfile,
    WallClock,
    load_profile,
    reference_profile,
)
from skc.conformance.run_command import announce_wall_clock, build_config
from skc.conformance.runner import RunConfig, run
from skc.conformance.suites.base import CheckContext, CheckResult
from skc.conformance.suites.timing import timing_checks
from skc.conformance.verdicts import Verdict
from skc.conformance.wallclock import (
    RUN_SCOPE,
    Concurrent,
    ProbeCancelled,
    RealClock,
    announce,
    duration,
    end_started_probes,
    planned_waits,
)
from skc.model.errors import InputError
from skc.model.lands import LandId
from skc.model.sim.clock import VirtualClock
from skc.model.sim.rules import LandRules

DAYS_200 = 200 * 24 * 3600


class SimulatedTime:
    """Real time, simulated: it passes only when every running probe waits, and it moves the
    clocks of the portals attached to it by as much (no test sleeps)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._now = 0.0
        self._running = 0
        self._sleepers: dict[int, float] = {}
        self._serial = itertools.count()
        self.clocks: list[VirtualClock] = []
        self.waits: list[float] = []

    def now(self) -> float:
        with self._cond:
            return self._now

    def cancel(self) -> None:
        raise AssertionError("these tests never end a probe early")

    def attach(self, clock: VirtualClock) -> None:
        with self._cond:
            self.clocks.append(clock)

    def sleep(self, seconds: float) -> None:
        with self._cond:
            self.waits.append(seconds)
            if seconds <= 0:
                return
            key = next(self._serial)
            self._sleepers[key] = self._now + seconds
            self._advance()
            while key in self._sleepers:
                if not self._cond.wait(timeout=20):
                    raise AssertionError("simulated time is stuck: a probe neither waits nor ends")

    @contextmanager
    def running(self) -> Iterator[None]:
        with self._cond:
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._advance()

    def _advance(self) -> None:
        if not self._sleepers or len(self._sleepers) < self._running:
            return
        wake = min(self._sleepers.values())
        for clock in self.clocks:
            clock.advance(timedelta(seconds=wake - self._now))
        self._now = wake
        self._sleepers = {k: t for k, t in self._sleepers.items() if t > wake}
        self._cond.notify_all()


class PassingTimeAdapter:
    """The reference portal (optionally with a fault) without clock control: its clock moves
    only as the simulated real time passes."""

    name = "passing-time"

    def __init__(self, profile: PortalProfile, time: SimulatedTime, fault: Fault | None = None):
        self.profile = profile
        self.inner = InProcessAdapter(profile.land, profile, fault)
        self.time = time

    def connect(self) -> InProcessConnection:
        connection = self.inner.connect()
        self.time.attach(connection.portal.clock)
        return connection


def _profile(land: LandId, *, enabled: bool = True, **settings: object) -> PortalProfile:
    capabilities = {**dict.fromkeys(Capability, True), Capability.CLOCK_CONTROL: False}
    wall = WallClock.model_validate({"enabled": enabled, "max_wait_s": DAYS_200, **settings})
    return PortalProfile(land=land, capabilities=capabilities, wall_clock=wall)


Kept = dict[str, tuple[list[LedgerEntry], set[str]]]


def _run(
    land: LandId, profile: PortalProfile, fault: str | None = None, kept: Kept | None = None
) -> tuple[dict[str, CheckResult], SimulatedTime]:
    time = SimulatedTime()
    seeded = shipped_faults()[fault] if fault else None
    adapter = PassingTimeAdapter(profile, time, seeded)
    results = {}
    only = profile.wall_clock.only
    for check in timing_checks(land, clock=time):
        if only is None or check.name in only:  # as a run plans them
            ledger, secrets = (kept or {}).get(check.name, ([], set()))
            context = CheckContext(adapter, 1, "live", secrets_used=secrets, ledger=ledger)
            results[check.name] = check.run(context)
    return results, time


def _limit_s(land: LandId, rule: str) -> float:
    limit = LandRules(land).duration(rule)
    assert limit is not None
    return limit.total_seconds()


@pytest.mark.parametrize("land", ["hamburg", "berlin"])
def test_every_limit_passes_on_the_reference_when_real_time_passes_concurrently(
    land: LandId,
) -> None:
    results, time = _run(land, _profile(land))
    assert {name: r.verdict for name, r in results.items()} == dict.fromkeys(results, Verdict.PASS)
    longest = max(_limit_s(land, rule) for rule in results)
    total = sum(_limit_s(land, rule) for rule in results)
    plans = planned_waits(land, tuple(results), _profile(land))
    assert longest + 5 <= time.now() <= max(p.wait_s for p in plans)
    assert time.now() < total  # concurrently: about the longest limit, not the sum
    assert any(r.probes for r in results.values())


def test_each_check_gets_the_accounts_and_secrets_of_its_own_probe_when_run_concurrently() -> None:
    rules = ("session.idle_timeout", "payment.window")
    kept: Kept = {rule: ([], set()) for rule in rules}
    results, _ = _run("berlin", _profile("berlin", only=rules), kept=kept)
    assert [results[rule].verdict for rule in rules] == [Verdict.PASS, Verdict.PASS]
    for rule, (ledger, secrets) in kept.items():
        assert ledger
        assert all(entry.check == f"timing/{rule}" and entry.cleaned_up for entry in ledger)
        assert secrets


def test_probe_threads_share_the_profiles_rate_limit_when_they_run_at_once() -> None:
    seen: list[tuple[str, int, float | None]] = []

    def side(ctx: CheckContext, offset: int) -> CheckResult:
        seen.append((ctx.profile.land, offset, ctx.guard.rate_limit_per_s))
        return CheckResult(Verdict.PASS, ("x",))

    base = _profile("berlin")
    profile = base.model_copy(update={"parameters": {"rate_limit_per_s": 8}})
    rules = ("session.idle_timeout", "payment.window")
    concurrent = Concurrent(dict.fromkeys(rules, side), SimulatedTime())
    adapter = InProcessAdapter("berlin", profile)
    assert concurrent.result(rules[0], CheckContext(adapter, 1)).verdict is Verdict.PASS
    # the other rule's probe threads may still run: wait for its result too
    assert concurrent.result(rules[1], CheckContext(adapter, 1)).verdict is Verdict.PASS
    assert sorted(seen) == [("berlin", -5, 2.0)] * 2 + [("berlin", 5, 2.0)] * 2  # 8 / 4 threads


def test_idle_probe_waits_to_each_side_of_the_limit_when_the_margin_is_set() -> None:
    profile = _profile("berlin", margin_s=7, only=("session.idle_timeout",))
    results, time = _run("berlin", profile)
    assert results["session.idle_timeout"].verdict is Verdict.PASS
    assert time.now() == 14 + 1500 + 7  # the gap before the last request, the limit, the margin
    # after the request, 7 s pass before the click; then the rest up to 25 min -/+ 7 s
    assert {1500 - 7 - 7, 1500 + 7 - 7} <= {round(wait) for wait in time.waits}


@pytest.mark.parametrize(
    ("fault", "rule"),
    [
        ("berlin-timeout-20-minutes", "session.idle_timeout"),
        ("berlin-idle-timeout-from-login", "session.idle_timeout"),
        ("berlin-payment-window-60-minutes", "payment.window"),
    ],
)
def test_wall_clock_probe_finds_a_seeded_timing_fault_when_it_waits(fault: str, rule: str) -> None:
    results, _ = _run("berlin", _profile("berlin", only=(rule,)), fault)
    found = results[rule]
    assert found.verdict is Verdict.FAIL
    assert found.rule == rule
    assert any(f"limit_of='{rule}'" in line or f"limit_of={rule}" in line for line in found.example)


def test_limit_over_the_cap_is_inconclusive_and_never_waited_when_capped() -> None:
    results, time = _run("berlin", _profile("berlin", max_wait_s=3600))
    assert results["session.idle_timeout"].verdict is Verdict.PASS
    capped = results["account.email_reuse_delay"]
    assert capped.verdict is Verdict.INCONCLUSIVE
    assert "wall_clock.max_wait_s (3600 s)" in capped.reason
    assert time.now() < 3600


def test_timing_without_clock_control_stays_inconclusive_naming_the_flag_when_not_asked() -> None:
    results, time = _run("berlin", _profile("berlin", enabled=False))
    assert {r.verdict for r in results.values()} == {Verdict.INCONCLUSIVE}
    assert all("--wall-clock" in r.reason for r in results.values())
    assert time.waits == []


def test_clock_control_is_used_rather_than_waiting_when_the_portal_has_it() -> None:
    time = SimulatedTime()
    profile = reference_profile("berlin").model_copy(update={"wall_clock": WallClock(enabled=True)})
    check = timing_checks("berlin", clock=time)[0]
    result = check.run(CheckContext(InProcessAdapter("berlin", profile), 1, "live"))
    assert result.verdict is Verdict.PASS
    assert time.waits == []


def test_announcement_lists_each_wait_and_the_longest_as_the_total_when_planned() -> None:
    profile = _profile("berlin", max_wait_s=10_000)
    plans = planned_waits("berlin", ("session.idle_timeout", "payment.window"), profile)
    lines = announce(plans)
    assert lines[0].startswith("wall clock: berlin session.idle_timeout: waits up to 25 min 20 s")
    assert "estimated duration about 2 h 00 min 20 s (the longest)" in lines[-1]
    capped = announce(planned_waits("berlin", ("payment.window",), _profile("berlin")))
    assert "not probed" not in capped[0]
    small = _profile("berlin", max_wait_s=60)
    assert "not probed" in announce(planned_waits("berlin", ("payment.window",), small))[0]


def test_duration_reads_hours_minutes_and_seconds_when_formatted() -> None:
    seconds = (9, 125, 3725, 2 * 86400 + 3725)
    assert [duration(s) for s in seconds] == [
        "9 s", "2 min 05 s", "1 h 02 min 05 s", "2 d 01 h 02 min 05 s",
    ]  # fmt: skip


def test_profile_file_sets_margin_and_cap_and_names_the_line_of_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("land: berlin\nwall_clock:\n  margin_s: 3\n  max_wait_s: 7200\n")
    assert load_profile(good).wall_clock == WallClock(margin_s=3, max_wait_s=7200)
    bad = tmp_path / "bad.yaml"
    bad.write_text("land: berlin\nwall_clock:\n  margin_s: 0\n")
    with pytest.raises(InputError, match=r"bad\.yaml:3: wall_clock\.margin_s: .*greater than"):
        load_profile(bad)


def _config(tmp_path: Path, **options: object) -> RunConfig:
    profile = tmp_path / "portal.yaml"
    profile.write_text(
        "land: berlin\ncapabilities: {clock_control: false, mail_capture: true}\n"
        "wall_clock: {max_wait_s: 9000}\n"
    )
    given: dict[str, object] = {
        "target": "inprocess", "lands": ["berlin"], "seed": 1, "fault": None,
        "suites": ["timing"], "profile": profile, "expected_failures": None,
        "hypothesis_profile": "live", "out": None, "replay": None, "scenarios": None,
        **options,
    }  # fmt: skip
    return build_config(**given)  # type: ignore[arg-type]


def test_run_announces_the_waits_and_duration_before_it_starts_when_wall_clock(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, wall_clock=True)
    assert config.profile is not None
    assert config.profile.wall_clock.enabled
    console = Console(record=True, width=200)
    announce_wall_clock(config, console)
    text = console.export_text()
    assert "wall clock: berlin session.idle_timeout: waits up to 25 min 20 s" in text
    assert "berlin account.email_reuse_delay: not probed" in text  # a day: over the cap
    assert (
        "2 timing probes run concurrently; estimated duration about 2 h 00 min 20 s (the "
        "longest), not 2 h 25 min 40 s"
    ) in text


def test_run_plans_only_the_replayed_rule_and_announces_nothing_without_the_flag(
    tmp_path: Path,
) -> None:
    replayed = _config(tmp_path, wall_clock=True, replay="timing/session.idle_timeout")
    assert replayed.profile is not None
    assert replayed.profile.wall_clock.only == ("session.idle_timeout",)
    console = Console(record=True, width=200)
    announce_wall_clock(_config(tmp_path), console)
    assert console.export_text() == ""


def test_a_wall_clock_run_prints_replay_commands_that_wait_in_real_time_too(
    tmp_path: Path,
) -> None:
    replay = _config(tmp_path, wall_clock=True).replay_command("berlin", "timing/x")
    assert "--wall-clock" in replay.split()
    assert "--wall-clock" not in _config(tmp_path).replay_command("berlin", "timing/x").split()


def test_skc_run_wall_clock_announces_then_reports_capped_limits_inconclusive_when_run(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "portal.yaml"
    profile.write_text(
        "land: berlin\ncapabilities: {clock_control: false, mail_capture: true}\n"
        "wall_clock: {max_wait_s: 60}\n"
    )
    args = ["run", "--no-progress", "--profile", str(profile), "--suite", "timing", "--seed", "1"]
    result = CliRunner().invoke(app, [*args, "--wall-clock", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "wall clock: berlin session.idle_timeout: not probed" in result.output
    assert "no timing probe fits within wall_clock.max_wait_s" in result.output
    assert result.output.index("wall clock:") < result.output.index("Rules per Land")


class StuckTime:
    """Real time that never passes: every wait lasts until the probes are called off."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._cancelled = False
        self.waiting = 0

    def now(self) -> float:
        return 0.0

    def sleep(self, seconds: float) -> None:
        with self._cond:
            self.waiting += 1
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._cancelled, timeout=20):
                raise AssertionError("the probe was never called off")
            raise ProbeCancelled("called off")

    @contextmanager
    def running(self) -> Iterator[None]:
        yield

    def cancel(self) -> None:
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def until_waiting(self, probes: int) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self.waiting >= probes, timeout=20)


def test_ending_a_run_calls_off_its_waiting_probes_and_lists_their_accounts_cleaned_up() -> None:
    time = StuckTime()
    rule = "session.idle_timeout"
    profile = _profile("berlin", only=(rule,))
    check = next(c for c in timing_checks("berlin", clock=time) if c.name == rule)
    scope, other_run = object(), object()
    context = contextvars.copy_context()
    context.run(RUN_SCOPE.set, scope)
    ctx = CheckContext(InProcessAdapter("berlin", profile), 1, "live")
    thread = threading.Thread(target=context.run, args=(check.run, ctx), daemon=True)
    thread.start()
    time.until_waiting(2)  # both sides of the probe wait for the limit
    assert end_started_probes(other_run) == []  # another run's end leaves them alone
    [left] = end_started_probes(scope, deadline_s=20)
    assert (left.land, left.rule, left.unfinished) == ("berlin", rule, None)
    assert len(left.ledger) == 2  # one account a side, each deleted as its pair closed
    assert all(entry.cleaned_up and entry.check == f"timing/{rule}" for entry in left.ledger)
    assert left.secrets
    thread.join(timeout=20)
    assert end_started_probes(scope) == []  # each probe is collected once


def test_interrupted_wall_clock_run_reports_the_accounts_of_its_probes_when_sigint_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = threading.Semaphore(0)
    real_sleep = RealClock.sleep

    def sleep(self: RealClock, seconds: float) -> None:
        waits.release()
        real_sleep(self, seconds)

    monkeypatch.setattr(RealClock, "sleep", sleep)

    def interrupt() -> None:
        for _ in range(2):  # both sides wait for the 25-minute limit: no real wait follows
            assert waits.acquire(timeout=20)
        os.kill(os.getpid(), signal.SIGINT)

    config = _config(tmp_path, wall_clock=True, replay="timing/session.idle_timeout")
    config = replace(config, out=tmp_path / "out")
    threading.Thread(target=interrupt, daemon=True).start()
    report = run(config)
    assert report.summary.interrupted
    assert report.summary.accounts_created == 2
    assert report.summary.accounts_left == ()
    records = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").open()]
    accounts = [r for r in records if r["type"] == "account"]
    assert len(accounts) == 2
    assert all(a["cleaned_up"] and a["check"] == "timing/session.idle_timeout" for a in accounts)
