"""What every suite shares: checks, their context and results, and the hypothesis profiles.

A :class:`Check` is one test purpose (one field rule, one scenario, one state machine) that
runs against any adapter and returns a :class:`CheckResult`. ``guarded`` turns what can go
wrong into verdicts: a disagreement is ``fail``, an adapter failure ``error``, a step the
profile cannot support ``not-applicable`` or ``inconclusive``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.errors import Flaky

from skc.conformance.adapters.inprocess import InProcessAdapter
from skc.conformance.adapters.protocol import Adapter
from skc.conformance.lockstep import Lockstep, StepFailure, Unobservable
from skc.conformance.profile import PortalProfile
from skc.conformance.verdicts import Verdict
from skc.model.errors import AdapterError

_COMMON = {
    "database": None,
    "deadline": None,
    "verbosity": Verbosity.quiet,
    "report_multiple_bugs": False,
    "phases": (Phase.explicit, Phase.generate, Phase.shrink),
    "suppress_health_check": list(HealthCheck),
}
# Hypothesis profiles of the harness: examples per field rule and per state machine.
PROFILES: Final[dict[str, settings]] = {
    "ci": settings(max_examples=60, stateful_step_count=30, **_COMMON),  # type: ignore[arg-type]
    "dev": settings(max_examples=150, stateful_step_count=50, **_COMMON),  # type: ignore[arg-type]
    "live": settings(max_examples=8, stateful_step_count=12, **_COMMON),  # type: ignore[arg-type]
}
for _name, _settings in PROFILES.items():
    settings.register_profile(f"skc-{_name}", _settings)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check, with what a finding needs."""

    verdict: Verdict
    covered: tuple[str, ...] = ()
    rule: str | None = None
    expected: str = ""
    observed: str = ""
    example: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything a check needs: the adapter, its profile, the seed and the hypothesis profile."""

    adapter: Adapter
    seed: int
    hypothesis_profile: str = "ci"
    secrets_used: set[str] = field(default_factory=set)

    @property
    def profile(self) -> PortalProfile:
        """The profile of the portal under test."""
        return self.adapter.profile

    @property
    def settings(self) -> settings:
        """The hypothesis settings of the chosen profile."""
        return PROFILES[self.hypothesis_profile]

    def lockstep(self) -> Lockstep:
        """A fresh portal under test beside a fresh model with the same readings."""
        model = InProcessAdapter(self.profile.land, self.profile)
        timeout = self.profile.parameters.get("call_timeout_s", 30.0)
        return Lockstep(
            self.adapter.connect(), model.connect(), self.profile, call_timeout_s=float(timeout)
        )


@dataclass(frozen=True, slots=True)
class Check:
    """One test purpose that runs against any adapter."""

    suite: str
    name: str
    rules: tuple[str, ...]
    run: Callable[[CheckContext], CheckResult] = field(repr=False)

    @property
    def id(self) -> str:
        """The id used by ``--replay`` and in reports: ``suite/name``."""
        return f"{self.suite}/{self.name}"


class Pairs:
    """Makes fresh lock-step pairs for one check and remembers them (rules, secrets, cleanup)."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.made: list[Lockstep] = []

    def __call__(self) -> Lockstep:
        pair = self.ctx.lockstep()
        self.made.append(pair)
        return pair

    def exercised(self) -> set[str]:
        """Every rule a step probed or the model decided on."""
        return set().union(*(pair.exercised for pair in self.made))

    def close(self) -> None:
        """Close every pair and hand the secrets used to the context (for scrubbing)."""
        for pair in self.made:
            self.ctx.secrets_used.update(pair.secrets_used)
            pair.close()


def guarded(
    ctx: CheckContext, body: Callable[[Pairs], None], covered: tuple[str, ...]
) -> CheckResult:
    """Run ``body`` with a maker of fresh lock-step pairs and turn its end into a verdict."""
    pairs = Pairs(ctx)
    try:
        body(pairs)
    except StepFailure as failure:
        return failed(failure, covered)
    except Unobservable as skip:
        return CheckResult(skip.verdict, covered, reason=skip.reason)
    except Flaky as exc:
        return CheckResult(Verdict.ERROR, covered, reason=f"the portal behaved flakily: {exc}")
    except AdapterError as exc:
        return CheckResult(Verdict.ERROR, covered, reason=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug in the harness or the model: never a portal verdict
        reason = f"harness error {type(exc).__name__}: {exc}"
        return CheckResult(Verdict.ERROR, covered, reason=reason)
    finally:
        pairs.close()
    return CheckResult(Verdict.PASS, tuple(sorted(set(covered) | pairs.exercised())))


def failed(failure: StepFailure, covered: tuple[str, ...]) -> CheckResult:
    """A fail result from a disagreement, with the step log as the example."""
    return CheckResult(
        Verdict.FAIL,
        covered,
        rule=failure.mismatch.rule,
        expected=failure.mismatch.expected,
        observed=failure.mismatch.observed,
        example=tuple(step.render() for step in failure.log),
    )


__all__ = ["PROFILES", "Check", "CheckContext", "CheckResult", "Pairs", "failed", "guarded"]
