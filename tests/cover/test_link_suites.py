from __future__ import annotations

from datetime import timedelta

import pytest

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.faults import parse_fault
from skc.conformance.lockstep import Lockstep, StepFailure
from skc.conformance.profile import reference_profile
from skc.conformance.steps import Step
from skc.conformance.suites.machine import CITIZEN
from skc.conformance.suites.sessions import dead_session_step, session_operations
from skc.conformance.suites.timing import PROBES, Script, time_limit_rules
from skc.model.ambiguity import Readings
from skc.model.lands import LANDS, LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules

ME = "anna@example.org"
# What the browser does without a server request (a click that sends nothing under Hamburg's
# reading of session.idle_reset, closing the browser): the portal never sees the session.
NO_SESSION_NEEDED = {"client_action", "close_browser"}


def _pair(land: LandId, fault: str | None = None) -> Lockstep:
    target = InProcessAdapter(land, fault=parse_fault(fault) if fault else None)
    model = InProcessAdapter(land)
    return Lockstep(target.connect(), model.connect(), target.profile)


def _citizen(pair: Lockstep) -> None:
    pair.run(Step(do="register_citizen", args={"email": ME, "password": "$password", **CITIZEN}))
    pair.run(Step(do="mail_token", args={"to": ME, "kind": "activation"}, save="act"))
    pair.run(Step(do="activate", args={"token": "$act"}))
    pair.run(Step(do="login", args={"email": ME, "password": "$password"}, save="s"))


def test_every_session_operation_is_refused_when_its_session_was_logged_out() -> None:
    pair = _pair("hamburg")
    _citizen(pair)
    pair.run(Step(do="logout", args={"session": "$s"}))
    accepted = set()
    for op in session_operations():
        step = Step(do=op.name, args=dead_session_step(op, "$s"))
        _target, model = pair.run(step)
        if model.accepted and op.name != "session_alive":
            accepted.add(op.name)
    assert accepted == NO_SESSION_NEEDED
    assert len(session_operations()) > 40


@pytest.mark.parametrize(
    ("fault", "steps", "rule"),
    [
        ("hamburg-session-survives-logout",
         [("logout", {"session": "$s"}), ("ping", {"session": "$s"})], "logout.ends_session"),
        ("gemeinsam-online-deleted-account-session-alive",
         [("delete_account", {"session": "$s"}), ("ping", {"session": "$s"})],
         "account.deletion"),
        ("niedersachsen-duplicate-email-case-sensitive",
         [("register_citizen", {"email": "Anna@Example.org", "password": "$password", **CITIZEN})],
         "login.email_is_username"),
    ],
)  # fmt: skip
def test_faulty_portal_disagrees_on_its_rule_when_the_step_probes_it(
    fault: str, steps: list[tuple[str, dict[str, object]]], rule: str
) -> None:
    pair = _pair(parse_fault(fault).land, fault)
    _citizen(pair)
    *before, last = steps
    for op, args in before:
        pair.run(Step(do=op, args=args))
    with pytest.raises(StepFailure) as failure:
        pair.run(Step(do=last[0], args=last[1], rule=rule))
    assert failure.value.mismatch.rule == rule


PROBED = [(land, rule) for land in LANDS for rule in time_limit_rules(land)]
# What the last step sees one second before and after the limit: the thing is alive, then gone;
# a deleted or deactivated account's address is blocked, then free (at once where the delay is 0).
SIDES: dict[tuple[LandId, str], list[bool]] = {
    ("berlin", "org.deletion.deactivation_period"): [False, True],
    ("berlin", "account.deletion_completion"): [False, True],
    **{(land, "account.email_reuse_delay"): [True, True] for land in LANDS},
    ("berlin", "account.email_reuse_delay"): [False, True],
}


def _alive(outcome: Outcome) -> bool:
    return outcome.value if isinstance(outcome.value, bool) else outcome.accepted


@pytest.mark.parametrize(("land", "rule"), PROBED)
def test_timing_probe_sees_the_limit_on_exactly_one_side_when_run_on_the_reference(
    land: LandId, rule: str
) -> None:
    limit = LandRules(land).duration(rule)
    assert limit is not None
    gap = max(int(limit.total_seconds()) // 2, 2)
    seen = []
    for offset in (-1, 1):
        with _pair(land) as pair:
            seen.append(_alive(PROBES[rule](Script(pair, limit), gap, offset, rule)))
    assert seen == SIDES.get((land, rule), [True, False])


@pytest.mark.parametrize(
    ("fault", "offset"),
    [
        ("gemeinsam-online-trash-retention-from-creation", -1),
        ("berlin-idle-timeout-from-login", -1),
        ("sachsen-anhalt-org-user-window-from-org-creation", -1),
    ],
)
def test_timing_probe_finds_a_limit_counted_from_an_earlier_event_when_just_inside_it(
    fault: str, offset: int
) -> None:
    rule = parse_fault(fault).rule
    land = parse_fault(fault).land
    limit = LandRules(land).duration(rule) or timedelta()
    with pytest.raises(StepFailure) as failure, _pair(land, fault) as pair:
        PROBES[rule](Script(pair, limit), 3600 if limit > timedelta(hours=2) else 60, offset, rule)
    assert failure.value.mismatch.rule == rule


@pytest.mark.parametrize(
    ("land", "entry"),
    [("sachsen-anhalt", "session.idle_reset_user_action"), ("hamburg", "session.idle_reset")],
)
@pytest.mark.parametrize("reading", ["any-user-action", "server-requests"])
@pytest.mark.parametrize("offset", [-1, 1])
def test_idle_probe_counts_from_the_event_the_reading_names_when_a_click_sends_nothing(
    land: LandId, entry: str, reading: str, offset: int
) -> None:
    profile = reference_profile(land).model_copy(update={"readings": Readings({entry: reading})})
    target, model = InProcessAdapter(land, profile), InProcessAdapter(land, profile)
    limit = LandRules(land).duration("session.idle_timeout") or timedelta()
    with Lockstep(target.connect(), model.connect(), profile) as pair:
        last = PROBES["session.idle_timeout"](
            Script(pair, limit), 600, offset, "session.idle_timeout"
        )
    assert last.accepted is (offset < 0)
