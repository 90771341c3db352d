from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pytest

from skc.conformance.adapters import OPERATIONS, Connection, InProcessAdapter, Value, operation
from skc.conformance.faults import load_faults, parse_fault, shipped_faults
from skc.conformance.lockstep import Lockstep, StepFailure
from skc.conformance.profile import Capability, PortalProfile, reference_profile
from skc.conformance.steps import Step, secret_values
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.scenarios import load_scenario
from skc.conformance.suites.stateful import stateful_checks
from skc.conformance.verdicts import Verdict
from skc.model.errors import InputError, UnknownNameError
from skc.model.sim.outcome import Outcome

REGISTER = Step(
    do="register_citizen",
    args={"email": "a@example.org", "password": "$password", "first_name": "A", "last_name": "B"},
    rule="registration.consent_required",
)


class RaisingAdapter(InProcessAdapter):
    """An adapter whose portal raises (or times out) on one operation."""

    def __init__(self, land: str, failing: str, error: Exception) -> None:
        super().__init__(land)  # type: ignore[arg-type]
        self.failing = failing
        self.error = error

    def connect(self) -> _Raising:  # type: ignore[override]
        return _Raising(super().connect(), self.failing, self.error)


class _Raising:
    def __init__(self, inner: Connection, failing: str, error: Exception) -> None:
        self.inner, self.failing, self.error = inner, failing, error

    def call(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        if operation == self.failing:
            raise self.error
        return self.inner.call(operation, arguments)

    def advance_clock(self, delta: timedelta) -> None:
        self.inner.advance_clock(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        return self.inner.captured_token(address, kind)

    def close(self) -> None:
        self.inner.close()


def _pair(land: str = "gemeinsam-online", **fault: str) -> Lockstep:
    target = InProcessAdapter(land, fault=parse_fault(fault["fault"]) if fault else None)  # type: ignore[arg-type]
    model = InProcessAdapter(land)  # type: ignore[arg-type]
    return Lockstep(target.connect(), model.connect(), target.profile)


def test_operations_mirror_the_reference_portal_when_listed() -> None:
    login = operation("login")
    assert [p.name for p in login.params] == ["email", "password", "cookies"]
    assert [p.required for p in login.params] == [True, True, False]
    assert OPERATIONS["unread_count"].query
    assert OPERATIONS["deliver_message"].authority


def test_unknown_operation_lists_valid_ones_when_asked() -> None:
    with pytest.raises(UnknownNameError, match=r"valid: .*login"):
        operation("log_in")


def test_in_process_connection_satisfies_the_protocol_when_typed() -> None:
    connection: Connection = InProcessAdapter("berlin").connect()
    outcome = connection.call("email_available", {"email": "x@example.org"})
    assert outcome.accepted


def test_lockstep_fails_on_the_model_rule_when_the_portal_accepts_too_much() -> None:
    pair = _pair("niedersachsen", fault="niedersachsen-consent-not-required")
    step = REGISTER.model_copy(update={"args": {**REGISTER.args, "consent": False}})
    with pytest.raises(StepFailure) as failure:
        pair.run(step)
    assert failure.value.mismatch.rule == "registration.consent_required"
    assert failure.value.mismatch.observed == "accepted"


def test_lockstep_passes_when_portal_and_model_agree() -> None:
    pair = _pair()
    target, model = pair.run(REGISTER)
    assert target.accepted
    assert model.accepted


def test_rendered_steps_never_show_a_secret_when_printed() -> None:
    text = REGISTER.render()
    assert all(secret not in text for secret in secret_values())
    assert "$password" in text


def test_adapter_that_raises_gives_error_and_the_run_goes_on_when_run(tmp_path: Path) -> None:
    adapter = RaisingAdapter("gemeinsam-online", "ping", ConnectionError("portal went away"))
    ctx = CheckContext(adapter, seed=3)
    results = [check.run(ctx) for check in stateful_checks("gemeinsam-online")]
    lifecycle = results[0]
    assert lifecycle.verdict is Verdict.ERROR
    assert "ConnectionError" in lifecycle.reason
    assert "portal went away" in lifecycle.reason
    assert Verdict.PASS in {r.verdict for r in results[1:]}


def test_adapter_that_times_out_gives_error_naming_the_timeout_when_run() -> None:
    adapter = RaisingAdapter("hamburg", "login", TimeoutError("no answer in 30 s"))
    result = stateful_checks("hamburg")[0].run(CheckContext(adapter, seed=3))
    assert result.verdict is Verdict.ERROR
    assert "AdapterTimeoutError" in result.reason
    assert "timed out" in result.reason


def test_slow_call_over_the_profile_limit_gives_error_when_limit_is_zero() -> None:
    profile = reference_profile("berlin").model_copy(update={"parameters": {"call_timeout_s": 0}})
    result = stateful_checks("berlin")[0].run(CheckContext(InProcessAdapter("berlin", profile), 1))
    assert result.verdict is Verdict.ERROR
    assert "more than the 0 s limit" in result.reason


def _profile_without(land: str, capability: Capability) -> PortalProfile:
    caps = {c: c is not capability for c in Capability}
    return PortalProfile.model_validate({"land": land, "capabilities": caps})


def test_absent_capability_gives_not_applicable_when_declared() -> None:
    profile = _profile_without("hamburg", Capability.ORGANISATIONS)
    ctx = CheckContext(InProcessAdapter("hamburg", profile), seed=1)
    organisations = stateful_checks("hamburg")[2]
    result = organisations.run(ctx)
    assert result.verdict is Verdict.NOT_APPLICABLE
    assert "organisations" in result.reason


def test_timing_without_clock_control_is_inconclusive_not_pass_when_declared() -> None:
    from skc.conformance.suites.scenarios import scenario_check

    profile = _profile_without("berlin", Capability.CLOCK_CONTROL)
    scenario = load_scenario(Path("scenarios/session-timeout.yaml"))
    result = scenario_check(scenario).run(CheckContext(InProcessAdapter("berlin", profile), 1))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "clock_control" in result.reason


def test_shipped_faults_cover_every_land_and_many_rules_when_loaded() -> None:
    faults = shipped_faults().values()
    assert len(faults) >= 30
    assert {f.land for f in faults} == {
        "sachsen-anhalt", "gemeinsam-online", "hamburg", "berlin", "niedersachsen"
    }  # fmt: skip
    assert len({f.rule for f in faults}) >= 25


def test_malformed_faults_file_names_file_and_line_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(
        "- name: a\n  land: berlin\n  rule: password.max_length\n  description: x\n"
        "  set: {max: 21}\n- name: b\n  land: bremen\n  rule: password.max_length\n"
        "  description: x\n  ignore: true\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"faults.yaml:7: land"):
        load_faults(path)


def test_fault_of_a_rule_the_land_does_not_state_is_rejected_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(
        "- name: a\n  land: gemeinsam-online\n  rule: org.admins.max\n  description: x\n"
        "  set: {max: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"faults.yaml:1: gemeinsam-online does not state"):
        load_faults(path)
