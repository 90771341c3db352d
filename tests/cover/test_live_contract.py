"""A contract a live portal can meet: unique addresses, the ledger, closed connections,
deadlines that interrupt, no shrinking of adapter errors, the rate limit, eID card and PIN,
secrets, the checks' static rules, and flat memory across state-machine runs."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis.stateful import RuleBasedStateMachine

from skc.conformance.adapters import CallGuard, InProcessAdapter, Value, operation
from skc.conformance.adapters.inprocess import InProcessConnection
from skc.conformance.lockstep import Lockstep
from skc.conformance.profile import PortalProfile, reference_profile
from skc.conformance.steps import Step
from skc.conformance.suites.base import Check, CheckContext, CheckResult
from skc.conformance.suites.fields import field_checks
from skc.conformance.suites.plan import plan
from skc.conformance.suites.scenarios import load_scenario, scenario_check
from skc.conformance.suites.stateful import stateful_checks
from skc.conformance.verdicts import Verdict
from skc.model.errors import AdapterTimeoutError, InputError
from skc.model.lands import LANDS, LandId
from skc.model.sim.outcome import Outcome

SESSION_TIMEOUT = Path("scenarios/session-timeout.yaml")


@dataclass
class Recorder:
    """What a recording portal saw, per connection."""

    addresses: list[set[str]] = field(default_factory=list)
    created: set[str] = field(default_factory=set)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    open_now: int = 0
    open_max: int = 0
    check: str = ""
    checks: list[str] = field(default_factory=list)


class RecordingConnection:
    """An in-process portal that records every address argument and creation."""

    def __init__(self, inner: InProcessConnection, seen: Recorder) -> None:
        self.inner = inner
        self.seen = seen
        self.addresses: set[str] = set()
        seen.addresses.append(self.addresses)
        seen.checks.append(seen.check)
        seen.open_now += 1
        seen.open_max = max(seen.open_max, seen.open_now)

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        op = operation(operation_name)
        self.seen.calls.append((operation_name, dict(arguments)))
        for param in op.params:
            value = arguments.get(param.name)
            if param.kind == "email" and isinstance(value, str):
                self.addresses.add(value.casefold())
        outcome = self.inner.call(operation_name, arguments)
        if op.creates_account and outcome.accepted:
            self.seen.created.add(str(arguments[op.creates_account]))
        return outcome

    def advance_clock(self, delta: timedelta) -> None:
        self.inner.advance_clock(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        self.addresses.add(address.casefold())
        return self.inner.captured_token(address, kind)

    def close(self) -> None:
        self.seen.open_now -= 1


class RecordingAdapter:
    name = "recording"

    def __init__(self, land: LandId, profile: PortalProfile | None = None) -> None:
        self.profile = profile if profile is not None else reference_profile(land)
        self.inner = InProcessAdapter(land, self.profile)
        self.seen = Recorder()

    def connect(self) -> RecordingConnection:
        return RecordingConnection(self.inner.connect(), self.seen)


class HangingConnection:
    """A connection whose chosen method blocks on an event nobody sets."""

    def __init__(self, inner: InProcessConnection, hang: str, release: threading.Event) -> None:
        self.inner, self.hang, self.release = inner, hang, release

    def _maybe_hang(self, name: str) -> None:
        if name == self.hang:
            self.release.wait()

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        self._maybe_hang(operation_name)
        return self.inner.call(operation_name, arguments)

    def advance_clock(self, delta: timedelta) -> None:
        self._maybe_hang("advance_clock")
        self.inner.advance_clock(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        self._maybe_hang("captured_token")
        return self.inner.captured_token(address, kind)

    def close(self) -> None:
        self._maybe_hang("close")


class HangingAdapter:
    name = "hanging"

    def __init__(self, land: LandId, hang: str, profile: PortalProfile) -> None:
        self.profile = profile
        self.inner = InProcessAdapter(land, profile)
        self.hang = hang
        self.release = threading.Event()

    def connect(self) -> HangingConnection:
        if self.hang == "connect":
            self.release.wait()
        return HangingConnection(self.inner.connect(), self.hang, self.release)


def _with_parameters(land: LandId, **parameters: Any) -> PortalProfile:
    return reference_profile(land).model_copy(update={"parameters": parameters})


def _run_all(checks: list[Check], adapter: Any, **context: Any) -> list[CheckResult]:
    results = []
    ledger: list[Any] = context.pop("ledger", [])
    for check in checks:
        adapter.seen.check = check.id
        ctx = CheckContext(adapter, 1, "live", ledger=ledger, **context)
        results.append(check.run(ctx))
    return results


@pytest.mark.parametrize(
    "hang", ["login", "connect", "close", "advance_clock", "captured_token"]
)  # fmt: skip
def test_hung_adapter_call_gives_error_within_the_deadline_when_it_never_returns(
    hang: str,
) -> None:
    adapter = HangingAdapter("berlin", hang, _with_parameters("berlin", call_timeout_s=0.5))
    try:
        started = time.monotonic()
        result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(CheckContext(adapter, 1))
        took = time.monotonic() - started
    finally:
        adapter.release.set()  # let the abandoned worker thread end
    assert result.verdict is Verdict.ERROR
    assert "AdapterTimeoutError" in result.reason
    assert f"{hang if hang != 'login' else 'login'} took more than the 0.5 s limit" in result.reason
    assert took < 0.5 + 1.0


def test_run_goes_on_after_a_hung_call_when_the_next_check_starts() -> None:
    profile = _with_parameters("berlin", call_timeout_s=0.5)
    hanging = HangingAdapter("berlin", "ping", profile)
    guard = CallGuard()
    check = scenario_check(load_scenario(SESSION_TIMEOUT))
    try:
        first = check.run(CheckContext(hanging, 1, guard=guard))
        second = check.run(CheckContext(InProcessAdapter("berlin", profile), 1, guard=guard))
    finally:
        hanging.release.set()
    assert first.verdict is Verdict.ERROR
    assert second.verdict is Verdict.PASS
    assert guard.abandoned == 1


def test_guard_raises_timeout_naming_the_call_when_it_blocks() -> None:
    release = threading.Event()
    guard = CallGuard(0.2)
    try:
        with pytest.raises(AdapterTimeoutError, match=r"login took more than the 0.2 s limit"):
            guard.run("login", release.wait)
        assert guard.run("ping", lambda: 7) == 7
    finally:
        release.set()


def test_adapter_error_is_neither_shrunk_nor_retried_when_raised() -> None:
    calls: list[str] = []

    class Failing(RecordingAdapter):
        def connect(self) -> RecordingConnection:
            connection = super().connect()
            inner_call = connection.call

            def call(operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
                if operation_name == "logout":
                    calls.append(operation_name)
                    raise ConnectionError("portal went away")
                return inner_call(operation_name, arguments)

            connection.call = call  # type: ignore[method-assign]
            return connection

    lifecycle = stateful_checks("hamburg")[0]
    result = lifecycle.run(CheckContext(Failing("hamburg"), seed=3))
    assert result.verdict is Verdict.ERROR
    assert "portal went away" in result.reason
    assert calls == ["logout"]


def test_rate_limit_spaces_the_calls_when_the_profile_sets_one() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    guard = CallGuard(5.0, 4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        guard.run("ping", lambda: None)
    assert slept == [0.25, 0.25]


def test_profile_parameters_configure_the_guard_when_the_context_is_made() -> None:
    profile = _with_parameters("berlin", call_timeout_s=2, rate_limit_per_s=5)
    ctx = CheckContext(InProcessAdapter("berlin", profile), 1)
    assert ctx.guard.timeout_s == 2.0
    assert ctx.guard.rate_limit_per_s == 5.0
    assert CheckContext(InProcessAdapter("berlin"), 1).guard.timeout_s == 30.0


def test_no_example_reuses_an_address_another_example_used_when_a_land_runs() -> None:
    adapter = RecordingAdapter("hamburg")
    ledger: list[Any] = []
    results = _run_all(plan("hamburg"), adapter, ledger=ledger)
    assert {r.verdict for r in results} == {Verdict.PASS}
    seen: dict[str, int] = {}
    for index, addresses in enumerate(adapter.seen.addresses):
        # strings with no local part or no "@" are no address any portal could register
        for address in (a for a in addresses if a.partition("@")[0] and "@" in a):
            assert seen.setdefault(address, index) == index, address
    assert len(adapter.seen.addresses) > 100
    # (an example may register an address again after deleting it: one ledger entry each)
    assert {entry.address.casefold() for entry in ledger} <= set().union(*adapter.seen.addresses)
    assert len(ledger) > 100
    assert any(e.check.startswith("fields/email/") for e in ledger)


def test_ledger_lists_every_created_account_and_its_cleanup_when_checks_run() -> None:
    adapter = RecordingAdapter("berlin")
    ledger: list[Any] = []
    checks = plan("berlin", ("scenarios", "organisations"))
    _run_all(checks, adapter, ledger=ledger)
    assert {entry.address for entry in ledger} == adapter.seen.created
    assert all(entry.land == "berlin" for entry in ledger)
    assert {entry.check for entry in ledger} <= {c.id for c in checks}
    # a state machine's accounts are all cleaned up; a scenario's may not be, and say why (a
    # Master-User cannot delete themselves, a member never got a password this example knows)
    assert all(entry.cleaned_up for entry in ledger if entry.check.endswith("machine"))
    assert any(entry.check == "organisations/rights-machine" for entry in ledger)
    assert all(entry.cleaned_up or entry.cleanup.startswith("not deleted") for entry in ledger)
    assert sum(entry.cleaned_up for entry in ledger) > len(ledger) * 0.8
    deleted = [e for e in ledger if e.cleanup == "deleted"]
    assert deleted
    assert any(name in ("delete_account", "delete_organisation") for name, _ in adapter.seen.calls)


def test_account_namespace_of_the_profile_shapes_every_address_when_given() -> None:
    profile = _with_parameters("berlin", account_namespace="qa-@mail.sink.test")
    adapter = RecordingAdapter("berlin", profile)
    scenario_check(load_scenario(SESSION_TIMEOUT)).run(CheckContext(adapter, 1))
    (addresses,) = adapter.seen.addresses
    assert addresses
    assert all(a.startswith("qa-anna.") and a.endswith("@mail.sink.test") for a in addresses)


def test_connections_are_closed_at_the_end_of_each_example_when_checks_run() -> None:
    adapter = RecordingAdapter("hamburg")
    checks = [*field_checks("hamburg")[:2], *stateful_checks("hamburg")]
    _run_all(checks, adapter)
    assert adapter.seen.open_max == 1
    assert adapter.seen.open_now == 0
    assert len(adapter.seen.addresses) > 20


def test_eid_login_presents_a_card_and_a_pin_when_a_scenario_runs() -> None:
    adapter = RecordingAdapter("hamburg")
    result = scenario_check(load_scenario(Path("scenarios/eid-login.yaml"))).run(
        CheckContext(adapter, 1)
    )
    assert result.verdict is Verdict.PASS
    logins = [args for name, args in adapter.seen.calls if name == "login_with_eid"]
    assert logins
    assert all(set(args) == {"card", "pin"} for args in logins)
    assert {args["card"] for args in logins} == {"erika-mustermann", "max-beispiel"}


def test_literal_secret_in_a_scenario_is_refused_with_file_and_line_when_loaded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "leaky.yaml"
    path.write_text(
        "title: x\nsteps:\n  - do: register_citizen\n    rule: registration.consent_required\n"
        "    with:\n      email: a@example.org\n      password: Geheim123\n"
        "      first_name: A\n      last_name: B\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"leaky.yaml:7: step 1: .*literal secret in password"):
        load_scenario(path)


def test_literal_pin_in_a_scenario_is_refused_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "pin.yaml"
    path.write_text(
        "title: x\nsteps:\n  - do: login_with_eid\n    rule: eid.pin_required\n"
        "    with: {card: $card, pin: '123456'}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"pin.yaml:5: step 1: .*literal secret in pin"):
        load_scenario(path)


def test_every_secret_the_portal_received_is_in_secrets_used_when_a_check_runs() -> None:
    adapter = RecordingAdapter("berlin")
    ctx = CheckContext(adapter, 1, "live")
    for check in [*field_checks("berlin")[:3], scenario_check(load_scenario(SESSION_TIMEOUT))]:
        check.run(ctx)
    sent = {
        str(args[p.name])
        for name, args in adapter.seen.calls
        for p in operation(name).params
        if p.secret and args.get(p.name)
    }
    assert len(sent) > 3
    assert sent <= ctx.secrets_used


@pytest.mark.parametrize("land", LANDS)
def test_check_rules_list_every_rule_a_step_cites_when_the_machines_run(
    land: LandId, monkeypatch: pytest.MonkeyPatch
) -> None:
    cited: list[str] = []
    original: Callable[[Lockstep, Step], tuple[Outcome, Outcome]] = Lockstep.run

    def recording(self: Lockstep, step: Step) -> tuple[Outcome, Outcome]:
        if step.rule:
            cited.append(step.rule)
        return original(self, step)

    monkeypatch.setattr(Lockstep, "run", recording)
    for check in stateful_checks(land):
        cited.clear()
        check.run(CheckContext(InProcessAdapter(land), 2, "live"))
        assert cited
        assert set(cited) <= set(check.rules), check.id


def test_state_machine_runs_leave_no_pairs_alive_when_repeated() -> None:
    checks = stateful_checks("gemeinsam-online")
    for check in checks:
        check.run(CheckContext(InProcessAdapter("gemeinsam-online"), 1, "live"))
    gc.collect()
    classes = len(RuleBasedStateMachine._setup_state_per_class)
    for check in checks:
        check.run(CheckContext(InProcessAdapter("gemeinsam-online"), 2, "live"))
    gc.collect()
    assert len(RuleBasedStateMachine._setup_state_per_class) == classes
    assert not [o for o in gc.get_objects() if isinstance(o, Lockstep)]


def test_same_address_in_another_case_maps_to_the_same_account_when_namespaced() -> None:
    from skc.conformance.adapters import AccountNamespace

    identities = AccountNamespace("t0k3n").example(reference_profile("berlin"))
    lower = identities.address("anna@example.org")
    upper = identities.address("ANNA@Example.org")
    assert lower == "anna.t0k3n0001@example.org"
    assert upper.casefold() == lower
    assert identities.address("no address") == "no address"
    assert identities.address(lower) == lower
    other = AccountNamespace("t0k3n").example(reference_profile("berlin"))
    assert other.address("anna@example.org") == lower
    again = identities.address("bernd@example.org")
    assert again == "bernd.t0k3n0001@example.org"


def test_each_example_gets_its_own_tag_when_the_namespace_is_shared() -> None:
    from skc.conformance.adapters import AccountNamespace

    namespace = AccountNamespace()
    profile = reference_profile("hamburg")
    tags = {namespace.example(profile).address("a@example.org") for _ in range(500)}
    assert len(tags) == 500


def test_adapter_exception_becomes_an_adapter_error_naming_the_call_when_raised() -> None:
    from skc.model.errors import AdapterError

    def broken() -> None:
        raise ValueError("bad gateway")

    with pytest.raises(AdapterError, match=r"close raised ValueError: bad gateway"):
        CallGuard(1.0).run("close", broken)


def test_no_worker_thread_outlives_its_check_when_checks_run() -> None:
    before = set(threading.enumerate())
    for check in [*field_checks("berlin")[:2], scenario_check(load_scenario(SESSION_TIMEOUT))]:
        check.run(CheckContext(InProcessAdapter("berlin"), 1, "live"))
    workers = [t for t in threading.enumerate() if t.name == "skc-adapter-call" and t not in before]
    for worker in workers:
        worker.join(timeout=5)  # each was told to stop; joining only waits for that
    assert not [t for t in workers if t.is_alive()]


def test_ledger_marks_cleanup_not_attempted_when_the_connection_hung() -> None:
    adapter = HangingAdapter("berlin", "login", _with_parameters("berlin", call_timeout_s=0.5))
    ledger: list[Any] = []
    try:
        result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(
            CheckContext(adapter, 1, ledger=ledger)
        )
    finally:
        adapter.release.set()
    assert result.verdict is Verdict.ERROR
    assert [entry.cleaned_up for entry in ledger] == [False]
    assert ledger[0].cleanup == "not attempted: the connection was abandoned after login timed out"


def test_cleanup_that_hangs_gives_error_when_the_example_itself_passed() -> None:
    adapter = HangingAdapter(
        "berlin", "account_id_of", _with_parameters("berlin", call_timeout_s=0.5)
    )
    ledger: list[Any] = []
    try:
        result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(
            CheckContext(adapter, 1, ledger=ledger)
        )
    finally:
        adapter.release.set()
    assert result.verdict is Verdict.ERROR
    assert "cleaning up test accounts: account_id_of took more than" in result.reason
    assert [entry.cleaned_up for entry in ledger] == [False]


def test_bad_timeout_parameter_is_refused_naming_it_when_the_context_is_made() -> None:
    profile = _with_parameters("berlin", call_timeout_s="soon")
    with pytest.raises(InputError, match=r"profile parameter call_timeout_s: .* not 'soon'"):
        CheckContext(InProcessAdapter("berlin", profile), 1)


def test_finding_stands_and_a_failed_cleanup_is_a_warning_when_both_happen() -> None:
    from skc.conformance.faults import parse_fault

    class BrokenCleanup:
        name = "broken-cleanup"

        def __init__(self) -> None:
            fault = parse_fault("berlin-timeout-20-minutes")
            self.inner = InProcessAdapter("berlin", fault=fault)
            self.profile = self.inner.profile

        def connect(self) -> RecordingConnection:
            connection = RecordingConnection(self.inner.connect(), Recorder())
            inner_call = connection.call

            def call(operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
                if operation_name == "account_id_of":
                    raise ConnectionError("back office unreachable")
                return inner_call(operation_name, arguments)

            def close() -> None:
                raise ConnectionError("socket already gone")

            connection.call = call  # type: ignore[method-assign]
            connection.close = close  # type: ignore[method-assign]
            return connection

    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(CheckContext(BrokenCleanup(), 1))
    assert result.verdict is Verdict.FAIL
    assert result.rule == "session.idle_timeout"
    assert any("cleaning up" in w and "back office unreachable" in w for w in result.warnings)
    assert any(
        "closing the connection" in w and "socket already gone" in w for w in result.warnings
    )


def test_close_that_raises_gives_error_when_the_example_itself_passed() -> None:
    class BrokenClose(RecordingAdapter):
        def connect(self) -> RecordingConnection:
            connection = super().connect()

            def close() -> None:
                raise ConnectionError("socket already gone")

            connection.close = close  # type: ignore[method-assign]
            return connection

    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(
        CheckContext(BrokenClose("berlin"), 1)
    )
    assert result.verdict is Verdict.ERROR
    assert "close raised ConnectionError: socket already gone" in result.reason


def test_finding_stands_when_the_adapter_fails_while_hypothesis_shrinks_it() -> None:
    from skc.conformance.faults import parse_fault

    diverged: list[str] = []

    class GivesUpAfterAFinding:
        """A faulty portal whose connection breaks once it has disagreed with the model."""

        name = "gives-up"

        def __init__(self) -> None:
            # a fault no explicit example shows: the first disagreement is drawn, then shrunk
            fault = parse_fault("gemeinsam-online-one-criterion")
            self.faulty = InProcessAdapter("gemeinsam-online", fault=fault)
            self.correct = InProcessAdapter("gemeinsam-online")
            self.profile = self.faulty.profile

        def connect(self) -> RecordingConnection:
            connection = RecordingConnection(self.faulty.connect(), Recorder())
            reference = self.correct.connect()
            inner_call = connection.call

            def call(operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
                if diverged:
                    raise ConnectionError("portal overloaded")
                outcome = inner_call(operation_name, arguments)
                if bool(outcome) != bool(reference.call(operation_name, arguments)):
                    diverged.append(operation_name)
                return outcome

            connection.call = call  # type: ignore[method-assign]
            return connection

    rule = "password.character_classes"
    check = next(c for c in field_checks("gemeinsam-online") if c.id == f"fields/password/{rule}")
    result = check.run(CheckContext(GivesUpAfterAFinding(), 1))
    assert diverged
    assert result.verdict is Verdict.FAIL
    assert result.rule == "password.character_classes"
    assert any("shrinking stopped early" in w and "overloaded" in w for w in result.warnings)


def test_subclass_of_the_in_process_adapter_keeps_the_deadline_when_its_call_hangs() -> None:
    import threading
    import time

    from skc.conformance.adapters import CallGuard, GuardedConnection, InProcessAdapter
    from skc.model.errors import AdapterTimeoutError

    never = threading.Event()

    class HangingAdapter(InProcessAdapter):
        def connect(self):  # type: ignore[no-untyped-def]
            never.wait()

    guard = CallGuard(timeout_s=0.3)
    started = time.monotonic()
    with pytest.raises(AdapterTimeoutError):
        GuardedConnection.open(HangingAdapter("berlin"), guard)
    assert time.monotonic() - started < 1.3
    never.set()
