"""The base of every state machine suite: a machine on a fresh lock-step pair per example.

:class:`LockstepMachine` runs each step on the portal under test and on the model and keeps
the time the example moved the clock on, so its clock jumps land one second before and after a
time limit counted from now (``jump_to_a_limit``) or from an event that starts it
(:meth:`LockstepMachine.mark`, ``jump_past_an_event``): a portal counting from another event
disagrees on one side. :func:`machine_check` turns a machine class into a planned check.

The machine classes are fixed: a run passes its maker of lock-step pairs and its time limits
to each instance through a factory, so Hypothesis' per-class caches hold one entry per class
for the whole process, never a class per run with every pair it made (memory stays flat from
check to check). Each instance's pair is closed in ``teardown``, at the end of its example.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, ClassVar, Final

from hypothesis import seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)

from skc.conformance.lockstep import Lockstep
from skc.conformance.profile import Capability
from skc.conformance.steps import Step
from skc.conformance.suites.base import Check, CheckContext, CheckResult, Pairs, guarded
from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.scenarios import QUESTION

MAIL_CAPTURE: Final = Capability.MAIL_CAPTURE
MINOR: Final = date(2010, 6, 1)  # under 18 on the simulation's start date (2024-03-04)
_OFFSETS: Final = (-1, 1)
CITIZEN: Final = {
    "first_name": "Anna", "last_name": "Muster", "salutation": "Frau",
    "security_question": QUESTION, "security_answer": "$answer",
}  # fmt: skip


class LockstepMachine(RuleBasedStateMachine):
    """A state machine whose steps run on a fresh lock-step pair (one per example)."""

    # Every rule id a step of the machine cites (besides the Land's time limits).
    RULES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.time_rules = time_rules
        self.saved: set[str] = set()
        self.serial = 0
        self.elapsed = timedelta()  # how far this example has moved the clock
        self.anchors: dict[tuple[str, str], timedelta] = {}  # (limit, what) -> when it started
        self.pair: Lockstep = pairs()

    def teardown(self) -> None:
        """Close the example's pair: delete its accounts, close both connections."""
        self.pair.close()

    def do(
        self, op: str, rule_id: str | None = None, save: str | None = None, **args: Any
    ) -> Outcome:
        """Run one step in lock-step (a disagreement raises StepFailure); the model's outcome."""
        if op == "advance":
            self.elapsed += self._delta(args)
        _target, model = self.pair.run(Step(do=op, args=args, rule=rule_id, save=save))
        if save:
            self.saved.add(save)
        if op == "advance":
            self.after_advance()
        return model

    def register_active_citizen(self, email: str, account: str = "acc") -> None:
        """Register a citizen (saved as ``account``) and follow the activation link."""
        self.do(
            "register_citizen", "registration.activation_completes", account,
            email=email, password="$password", **CITIZEN,
        )  # fmt: skip
        self.do("mail_token", save="act", to=email, kind="activation")
        self.do("activate", "registration.activation_completes", token="$act")

    def after_advance(self) -> None:
        """Look at what the time that passed may have ended (a machine's own checks)."""

    def _delta(self, args: dict[str, Any]) -> timedelta:
        if "limit_of" in args:
            limit = self.pair.rules.duration(str(args["limit_of"])) or timedelta()
            return max(limit + timedelta(seconds=int(args.get("offset_seconds", 0))), timedelta())
        units = ("days", "hours", "minutes", "seconds")
        return timedelta(**{unit: int(args.get(unit, 0)) for unit in units})

    def cite(self, rule_id: str) -> str | None:
        """The rule, if the Land states it (a step cites no rule its Land does not state)."""
        return rule_id if self.pair.rules.stated(rule_id) else None

    def mark(self, limit: str, what: str) -> None:
        """Note that an event starting the time limit ``limit`` happened now (``what`` names
        the thing it runs for: a Vorgang, a link, a session); a later mark replaces it."""
        if self.pair.rules.duration(limit):
            self.anchors[(limit, what)] = self.elapsed

    @precondition(lambda self: bool(self.anchors))
    @rule(data=st.data())
    def jump_past_an_event(self, data: st.DataObject) -> None:
        """Move the clock to one second before or after a limit counted from its event."""
        anchor = data.draw(st.sampled_from(sorted(self.anchors)), label="since")
        offset = data.draw(st.sampled_from(_OFFSETS), label="offset")
        limit = self.pair.rules.duration(anchor[0]) or timedelta()
        due = self.anchors[anchor] + limit + timedelta(seconds=offset) - self.elapsed
        if due > timedelta():
            self.do("advance", anchor[0], seconds=int(due.total_seconds()))

    def fresh(self, prefix: str) -> str:
        """A new variable name."""
        self.serial += 1
        return f"{prefix}{self.serial}"

    @precondition(lambda self: bool(self.time_rules))
    @rule(data=st.data())
    def jump_to_a_limit(self, data: st.DataObject) -> None:
        """Move the clock to one second before or after a time limit the Land states."""
        limit = data.draw(st.sampled_from(self.time_rules), label="limit")
        offset = data.draw(st.sampled_from(_OFFSETS), label="offset")
        self.do("advance", limit, limit_of=limit, offset_seconds=offset)

    @rule(minutes=st.sampled_from((1, 5, 60)))
    def wait(self, minutes: int) -> None:
        """Let a little time pass."""
        self.do("advance", minutes=minutes)


def machine_check(
    land: LandId,
    suite: str,
    machine: type[LockstepMachine],
    time_rules: tuple[str, ...] = (),
    *,
    stated_only: bool = False,
    share: float = 1.0,
    max_steps: int | None = None,
    name: str = "state-machine",
) -> Check:
    """A check that runs ``machine`` with the time limits of ``time_rules`` the Land states.

    ``stated_only`` keeps out of the check's rules those the Land does not state (a machine
    that runs in every Land but probes, say, Berlin's reset link only there). ``share`` of the
    profile's examples (at least two) and at most ``max_steps`` steps each: for a machine whose
    steps are slow (every eID step runs PACE on a virtual card). ``name`` tells two machines
    of one suite apart."""
    catalog = load_catalog()
    limits = tuple(
        r
        for r in time_rules
        if catalog.stated(land, r) and any(v for v in catalog.params(land, r).values())
    )
    cited = [r for r in machine.RULES if not stated_only or catalog.stated(land, r)]
    rules = tuple(dict.fromkeys((*cited, *limits)))

    def run(ctx: CheckContext) -> CheckResult:
        def body(pairs: Pairs) -> None:
            def factory() -> LockstepMachine:
                return machine(pairs, limits)

            # documented to take any factory; annotated as taking a class
            machine_test = seed(ctx.seed)(factory)
            chosen = ctx.settings
            if share != 1.0 or max_steps is not None:
                steps = min(chosen.stateful_step_count, max_steps or chosen.stateful_step_count)
                examples = max(2, int(chosen.max_examples * share))
                chosen = settings(chosen, max_examples=examples, stateful_step_count=steps)
            run_state_machine_as_test(machine_test, settings=chosen)  # type: ignore[arg-type]

        return guarded(ctx, body, (), f"{suite}/{name}")

    return Check(suite, name, rules, run)


def machine_where_stated(
    land: LandId, suite: str, machine: type[LockstepMachine], name: str, any_of: Iterable[str]
) -> list[Check]:
    """``machine`` as a check of ``suite`` named ``name``, citing only the rules the Land
    states, if the Land states any of ``any_of``; no check otherwise."""
    catalog = load_catalog()
    if not any(catalog.stated(land, rule_id) for rule_id in any_of):
        return []
    return [machine_check(land, suite, machine, stated_only=True, name=name)]


__all__ = [
    "CITIZEN", "MAIL_CAPTURE", "MINOR", "LockstepMachine", "machine_check",
    "machine_where_stated",
]  # fmt: skip
