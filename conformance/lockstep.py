"""Lock-step execution: every step runs on the portal under test and on the model, then compare.

The model is the reference portal (an in-process connection without faults). A disagreement
raises :class:`StepFailure` carrying the rule it concerns and the step log so far, which is the
example a finding shows. The rule is chosen so that a finding points at the help-text sentence
that decides: the rule the model rejected with, else the rule the step probes, else the rule
the portal named. When both rejected for different reasons, a time limit either side named
comes first (limits are checked before the action), then the model's rule.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from skc.conformance.adapters.operations import NEEDS, operation
from skc.conformance.adapters.protocol import Connection
from skc.conformance.profile import Capability, PortalProfile
from skc.conformance.steps import Secret, Step, resolve
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.errors import AdapterError, AdapterTimeoutError
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules


class Unobservable(Exception):  # noqa: N818 - a verdict signal, not an error condition
    """The step cannot be observed on this portal: ``not-applicable`` or ``inconclusive``."""

    def __init__(self, verdict: Verdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Where portal and model disagreed."""

    rule: str
    expected: str
    observed: str


class StepFailure(AssertionError):  # noqa: N818 - a verdict signal, named like Unobservable
    """The portal disagreed with the model (or the scenario) on the last step of ``log``."""

    def __init__(self, mismatch: Mismatch, log: tuple[Step, ...]) -> None:
        super().__init__(f"{mismatch.rule}: expected {mismatch.expected}, saw {mismatch.observed}")
        self.mismatch = mismatch
        self.log = log


def describe(outcome: Outcome) -> str:
    """An outcome in a few words (never an id or a secret)."""
    if outcome.accepted:
        return "accepted"
    return f"rejected ({', '.join(outcome.rules)})"


def _catalog_rules(outcome: Outcome) -> tuple[str, ...]:
    ids = load_catalog().ids
    return tuple(rule for rule in outcome.rules if rule in ids)


_ID_QUERIES = frozenset({"account_id_of"})


def _comparable(value: object) -> object:
    """Ids differ between implementations; compare counts, flags, states and sizes instead."""
    if isinstance(value, tuple | list | frozenset | set):
        return len(value)
    return value


class Lockstep:
    """Runs steps on a target and the model, keeping each side's saved values apart."""

    def __init__(
        self,
        target: Connection,
        model: Connection,
        profile: PortalProfile,
        *,
        call_timeout_s: float = 30.0,
    ) -> None:
        self.target = target
        self.model = model
        self.profile = profile
        self.rules = LandRules(profile.land, profile.readings)
        self.call_timeout_s = call_timeout_s
        self.saved: tuple[dict[str, object], dict[str, object]] = ({}, {})
        self.log: list[Step] = []
        self.exercised: set[str] = set()
        self.secrets_used: set[str] = set()

    def close(self) -> None:
        """Close both connections."""
        self.target.close()
        self.model.close()

    def run(self, step: Step) -> tuple[Outcome, Outcome]:
        """Run one step on both sides (target first); raise StepFailure if they disagree."""
        self.log.append(step)
        if step.rule:
            self.exercised.add(step.rule)
        if step.do == "advance":
            self._advance(step)
            return Outcome(accepted=True), Outcome(accepted=True)
        if step.do == "mail_token":
            return self._mail_token(step)
        op = operation(step.do)
        needed = NEEDS.get(op.name)
        if needed is not None and not self.profile.has(Capability(needed)):
            raise Unobservable(
                Verdict.NOT_APPLICABLE, f"the profile declares {needed!r} absent ({op.name})"
            )
        self._note_secrets(step.args)
        model_out = self.model.call(op.name, resolve(step.args, self.saved[1]))
        target_out = self._call_target(op.name, resolve(step.args, self.saved[0]))
        self.exercised.update(_catalog_rules(model_out))
        if step.save:
            self.saved[0][step.save] = target_out.value
            self.saved[1][step.save] = model_out.value
        ids = op.name in _ID_QUERIES
        mismatch = self._compare(step, op.query, target_out, model_out, ids=ids)
        if mismatch is not None:
            raise StepFailure(mismatch, tuple(self.log))
        return target_out, model_out

    def run_all(self, steps: list[Step]) -> None:
        """Run steps in order."""
        for step in steps:
            self.run(step)

    # --- internals ----------------------------------------------------------------------------

    def _note_secrets(self, args: Mapping[str, Any]) -> None:
        for value in args.values():
            if isinstance(value, Secret):
                self.secrets_used.add(value.value)

    def _call_target(self, name: str, arguments: Mapping[str, Any]) -> Outcome:
        started = time.monotonic()
        try:
            outcome = self.target.call(name, arguments)
        except AdapterError:
            raise
        except TimeoutError as exc:
            raise AdapterTimeoutError(f"{name} timed out: {exc}") from exc
        except Exception as exc:
            raise AdapterError(f"{name} raised {type(exc).__name__}: {exc}") from exc
        elapsed = time.monotonic() - started
        if elapsed > self.call_timeout_s:
            raise AdapterTimeoutError(
                f"{name} took {elapsed:.1f} s, more than the {self.call_timeout_s:g} s limit"
            )
        if not isinstance(outcome, Outcome):
            raise AdapterError(f"{name} returned {type(outcome).__name__}, not an Outcome")
        return outcome

    def _advance(self, step: Step) -> None:
        if not self.profile.has(Capability.CLOCK_CONTROL):
            raise Unobservable(
                Verdict.INCONCLUSIVE, "moving the clock needs 'clock_control', which is absent"
            )
        args = step.args
        if "limit_of" in args:
            limit = self.rules.duration(str(args["limit_of"]))
            if limit is None:
                raise Unobservable(
                    Verdict.NOT_APPLICABLE,
                    f"{self.profile.land} states no time limit for {args['limit_of']}",
                )
            # a limit of zero ("at once") has no "one second before"
            delta = max(limit + timedelta(seconds=int(args.get("offset_seconds", 0))), timedelta())
        else:
            delta = timedelta(
                days=int(args.get("days", 0)),
                hours=int(args.get("hours", 0)),
                minutes=int(args.get("minutes", 0)),
                seconds=int(args.get("seconds", 0)),
            )
        self.model.advance_clock(delta)
        try:
            self.target.advance_clock(delta)
        except AdapterError:
            raise
        except Exception as exc:
            raise AdapterError(f"advancing the clock failed: {exc}") from exc

    def _mail_token(self, step: Step) -> tuple[Outcome, Outcome]:
        if not self.profile.has(Capability.MAIL_CAPTURE):
            raise Unobservable(
                Verdict.INCONCLUSIVE, "reading e-mails needs 'mail_capture', which is absent"
            )
        address, kind = str(step.args["to"]), str(step.args["kind"])
        model_token = self.model.captured_token(address, kind)
        try:
            target_token = self.target.captured_token(address, kind)
        except Exception as exc:
            raise AdapterError(f"reading the captured mail failed: {exc}") from exc
        if step.save:
            self.saved[0][step.save] = target_token
            self.saved[1][step.save] = model_token
        if (model_token is None) != (target_token is None):
            sent = "a" if model_token is not None else "no"
            seen = "one" if target_token is not None else "none"
            mismatch = Mismatch(step.rule or "sim.unknown_token", f"{sent} {kind} mail", seen)
            raise StepFailure(mismatch, tuple(self.log))
        return Outcome(accepted=True), Outcome(accepted=True)

    def _compare(
        self, step: Step, query: bool, target: Outcome, model: Outcome, *, ids: bool = False
    ) -> Mismatch | None:
        expected, observed = describe(model), describe(target)
        differs = target.accepted != model.accepted
        if not differs and not target.accepted:
            seen, want = set(_catalog_rules(target)), set(_catalog_rules(model))
            differs = bool(seen and want and not seen & want)
        if not differs and target.accepted and query:
            want_value, seen_value = _comparable(model.value), _comparable(target.value)
            if ids:  # an id differs between implementations: compare only that there is one
                want_value, seen_value = want_value is not None, seen_value is not None
            if want_value != seen_value:
                differs = True
                expected, observed = f"accepted: {want_value!r}", f"accepted: {seen_value!r}"
        if (
            not differs
            and step.expect is not None
            and (step.expect == "accepted") != target.accepted
        ):
            differs, expected = True, step.expect
        if not differs:
            return None
        return Mismatch(self._attribute(step, target, model), expected, observed)

    def _attribute(self, step: Step, target: Outcome, model: Outcome) -> str:
        model_named = _catalog_rules(model) if not model.accepted else ()
        target_named = _catalog_rules(target) if not target.accepted else ()
        if not target.accepted and not model.accepted:
            # Different reasons: a time limit is checked before the action, so a limit named by
            # either side is the disagreement; otherwise the rule the model decided by.
            catalog = load_catalog()
            timed = [r for r in (*target_named, *model_named) if catalog.rule(r).family == "times"]
            if timed:
                return timed[0]
        for named in (model_named, target_named):
            if named:
                return step.rule if step.rule in named else named[0]
        return step.rule or (target.rules or model.rules or ("sim.unattributed",))[0]


__all__ = ["Lockstep", "Mismatch", "StepFailure", "Unobservable", "describe"]
