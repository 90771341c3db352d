"""What every suite shares: checks, their context and results, and the hypothesis profiles.

A :class:`Check` is one test purpose (one field rule, one scenario, one state machine) that
runs against any adapter and returns a :class:`CheckResult`. ``guarded`` turns what can go
wrong into verdicts: a disagreement is ``fail``, an adapter failure ``error`` (never shrunk or
retried: it ends the Hypothesis run at once), a step the profile cannot support
``not-applicable`` or ``inconclusive``.

The :class:`CheckContext` carries the run's shared state: the model to compare against
(injected, by default the reference portal), the call guard (deadline, rate limit), the
account namespace, the ledger of created accounts and every secret used (for scrubbing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.errors import Flaky, Unsatisfiable

from skc.conformance.adapters.guard import CallGuard, GuardedConnection
from skc.conformance.adapters.identities import AccountNamespace, LedgerEntry
from skc.conformance.adapters.inprocess import reference_model
from skc.conformance.adapters.protocol import Adapter
from skc.conformance.boundaries import Probe
from skc.conformance.lockstep import Abort, Lockstep, StepFailure, Unobservable
from skc.conformance.mismatch import Kind, Mismatch
from skc.conformance.profile import PortalProfile
from skc.conformance.steps import Step, Verbatim
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

ModelFactory = Callable[[PortalProfile], Adapter]
# Disagreements that fix a check's kind only when nothing more telling turns up (see Pairs).
DEFERRED: Final = frozenset({Kind.OTHER_RULE})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check, with what a finding needs.

    ``warnings`` are notes for the report that do not change the verdict (a portal that
    rejected without naming a rule, a cleanup that failed after a finding).
    """

    verdict: Verdict
    covered: tuple[str, ...] = ()
    rule: str | None = None
    expected: str = ""
    observed: str = ""
    example: tuple[str, ...] = ()
    reason: str = ""
    warnings: tuple[str, ...] = ()
    kind: str = ""
    probes: frozenset[Probe] = frozenset()


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything a check needs: the adapter, its profile, the seed and the hypothesis profile.

    ``model`` makes the model side of each lock-step pair from the profile; ``guard``,
    ``namespace``, ``ledger`` and ``secrets_used`` may be shared by all checks of a run (pass
    the same objects); by default each context has its own. The guard takes its deadline and
    rate limit from the profile unless it was built with them.
    """

    adapter: Adapter
    seed: int
    hypothesis_profile: str = "ci"
    secrets_used: set[str] = field(default_factory=set)
    model: ModelFactory = reference_model
    guard: CallGuard = field(default_factory=CallGuard)
    namespace: AccountNamespace = field(default_factory=AccountNamespace)
    ledger: list[LedgerEntry] = field(default_factory=list)
    on_step: Callable[[Step], None] | None = None

    def __post_init__(self) -> None:
        self.guard.configure(self.adapter.profile)

    @property
    def profile(self) -> PortalProfile:
        """The profile of the portal under test."""
        return self.adapter.profile

    @property
    def settings(self) -> settings:
        """The hypothesis settings of the chosen profile."""
        return PROFILES[self.hypothesis_profile]

    def lockstep(
        self,
        check: str = "",
        *,
        abort: bool = False,
        on_close: Callable[[Lockstep], None] | None = None,
        keep: Callable[[Mismatch], bool] | None = None,
    ) -> Lockstep:
        """A fresh portal under test beside a fresh model with the same readings, with the
        example's own identities; accounts it creates go to the ledger as it closes."""
        target = GuardedConnection.open(self.adapter, self.guard)
        return Lockstep(
            target,
            self.model(self.profile).connect(),
            self.profile,
            guard=self.guard,
            identities=self.namespace.example(self.profile),
            on_ledger=self.ledger.append,
            check=check,
            abort=abort,
            on_close=on_close,
            on_step=self.on_step,
            keep=keep,
        )


@dataclass(frozen=True, slots=True)
class Check:
    """One test purpose that runs against any adapter; ``rules`` lists every rule its steps
    cite (the quality session runs only the checks citing a fault's rule)."""

    suite: str
    name: str
    rules: tuple[str, ...]
    run: Callable[[CheckContext], CheckResult] = field(repr=False)

    @property
    def id(self) -> str:
        """The id used by ``--replay`` and in reports: ``suite/name``."""
        return f"{self.suite}/{self.name}"


class Pairs:
    """Makes a fresh lock-step pair per example; keeps only what the result needs from each.

    Each pair is a context manager closed at the end of its example; as it closes, its
    exercised rules, secrets and warnings are collected here and the pair itself is dropped,
    so memory stays flat however many examples a check runs.

    The first disagreement fixes the check's :class:`~skc.conformance.mismatch.Kind`; a later
    example that disagrees in another way counts as uninteresting, so Hypothesis shrinks an
    acceptance the model refuses to a smaller acceptance, never to a rejection for some other
    rule (the failing condition must stay the same while shrinking). A refusal for another
    rule (:data:`DEFERRED`) does not fix the kind on a first pass: it often hides what the
    portal does (a portal that drops spaces refuses a short password for its length, and
    accepts a longer one), so the first pass looks on for a telling disagreement, and only a
    second pass, if none was found, shrinks the refusal (``kind`` fixed from the start).
    """

    def __init__(self, ctx: CheckContext, check: str = "", kind: Kind | None = None) -> None:
        self.ctx = ctx
        self.check = check
        self.exercised: set[str] = set()
        self.probes: set[Probe] = set()
        self.warnings: dict[str, None] = {}
        self.open: list[Lockstep] = []
        self.failure: StepFailure | None = None  # the shortest disagreement seen so far
        self.kind = kind  # the kind of the first disagreement, or the one a pass looks for
        self.deferred = False  # a disagreement of a deferred kind was seen and set aside
        self.made = 0  # pairs made: more than one means Hypothesis ran examples
        self.final: StepFailure | None = None  # the disagreement the check ends with

    def keeps(self, mismatch: Mismatch) -> bool:
        """Whether a disagreement is of the check's kind (the first telling one fixes it)."""
        if self.kind is None:
            if mismatch.kind in DEFERRED:
                self.deferred = True
                return False
            self.kind = mismatch.kind
        return mismatch.kind is self.kind

    def __call__(self) -> Lockstep:
        try:
            pair = self.ctx.lockstep(
                self.check, abort=True, on_close=self._collect, keep=self.keeps
            )
        except AdapterError as exc:
            raise Abort(exc) from exc
        self.open.append(pair)
        self.made += 1
        return pair

    def _collect(self, pair: Lockstep) -> None:
        self.exercised |= pair.exercised
        self.probes |= pair.probes
        self.ctx.secrets_used.update(pair.secrets_used)
        self.warnings.update(dict.fromkeys(pair.warnings))
        failure = pair.failure
        if failure is not None and (
            self.failure is None or len(failure.log) <= len(self.failure.log)
        ):
            self.failure = failure
        if pair in self.open:
            self.open.remove(pair)

    def merge(self, other: Pairs) -> None:
        """Take in what another pass of the same check collected."""
        self.exercised |= other.exercised
        self.probes |= other.probes
        self.warnings.update(other.warnings)

    def close(self) -> None:
        """Close the pairs an interrupted example left open (their errors become warnings)."""
        for pair in list(self.open):
            try:
                pair.close()
            except (AdapterError, Abort) as exc:
                self.warnings[f"closing the connection failed: {exc}"] = None


def guarded(
    ctx: CheckContext, body: Callable[[Pairs], None], covered: tuple[str, ...], check: str = ""
) -> CheckResult:
    """Run ``body`` with a maker of fresh lock-step pairs and turn its end into a verdict.

    When the only disagreements were of a deferred kind, ``body`` runs a second time with
    that kind fixed, so Hypothesis shrinks within it (see :class:`Pairs`)."""
    pairs = Pairs(ctx, check)
    try:
        result = _pass(body, pairs, covered)
        if result.verdict is Verdict.PASS and pairs.deferred:
            second = Pairs(ctx, check, kind=Kind.OTHER_RULE)
            result = _pass(body, second, covered)
            pairs.merge(second)
    finally:
        ctx.guard.close()  # the worker thread ends with the check; the next call starts one
    return _with_warnings(result, pairs)


def _pass(body: Callable[[Pairs], None], pairs: Pairs, covered: tuple[str, ...]) -> CheckResult:
    result = _verdict(body, pairs, covered)
    pairs.close()
    final = pairs.final
    if (
        result.verdict is Verdict.FAIL
        and final is not None
        and pairs.made > 1
        and not any(_verbatim(step.args) for step in final.log)
    ):
        shorter = reduce_log(pairs, final)  # many examples ran: Hypothesis' example, shrunk
        if shorter is not final:
            result = failed(shorter, covered)
    return result


def _verbatim(value: object) -> bool:
    """Whether a step argument holds a value under test as it is (the field suite's addresses
    are tagged for their own example: a replay would use one a second time on a live portal)."""
    if isinstance(value, Verbatim):
        return True
    if isinstance(value, Mapping):
        return any(_verbatim(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_verbatim(v) for v in value)
    return False


# Replays a reduction may spend; each is one example's steps on a fresh pair.
REDUCE_BUDGET: Final = 64


def reduce_log(pairs: Pairs, failure: StepFailure, budget: int = REDUCE_BUDGET) -> StepFailure:
    """Delete the steps a disagreement does not need, after Hypothesis has shrunk it.

    A state machine's shrinker often stops with steps left that change nothing (it turns them
    into the simplest rule, then runs out of its budget). The log is data, so chunks of it
    (halves, quarters, ..., single steps; never the failing last step) are left out and the
    rest replayed on a fresh pair: a replay that disagrees at the same last step, with the same
    kind on the same rule, replaces the log. A replay that cannot run (a value saved by a
    deleted step) keeps it; an adapter error or an unobservable step ends the reduction with
    what it has. Logs holding a value under test verbatim (the field suite's) are not reduced:
    their addresses belong to one example."""
    best, tries = failure, 0
    size = max(1, (len(best.log) - 1) // 2)
    while size >= 1 and tries < budget:
        start = 0
        while start < len(best.log) - 1 and tries < budget:
            candidate = best.log[:start] + best.log[start + size :]
            tries += 1
            try:
                with pairs() as pair:
                    pair.run_all(list(candidate))
            except StepFailure as found:
                kept = (found.log[-1], found.mismatch.kind, found.mismatch.rule)
                if kept == (best.log[-1], best.mismatch.kind, best.mismatch.rule):
                    best = found
                    continue
            except Abort:
                return best
            except Exception:  # a log that cannot replay (a deleted step saved a value) stays
                pass
            start += size
        size //= 2
    return best


def _verdict(body: Callable[[Pairs], None], pairs: Pairs, covered: tuple[str, ...]) -> CheckResult:
    try:
        try:
            body(pairs)
        except Abort as abort:
            if pairs.failure is not None:  # found before the adapter failed: the finding stands
                pairs.warnings[f"shrinking stopped early: {abort.cause}"] = None
                return failed(pairs.failure, covered)
            raise abort.cause from abort
    except StepFailure as failure:
        pairs.final = failure
        return failed(failure, covered)
    except Unobservable as skip:
        return CheckResult(skip.verdict, covered, reason=skip.reason)
    except Flaky as exc:
        return CheckResult(Verdict.ERROR, covered, reason=f"the portal behaved flakily: {exc}")
    except Unsatisfiable as exc:
        if pairs.deferred:  # every example disagreed, each for another rule: the second pass
            return CheckResult(Verdict.PASS, covered)
        return CheckResult(Verdict.ERROR, covered, reason=f"harness error Unsatisfiable: {exc}")
    except AdapterError as exc:
        return CheckResult(Verdict.ERROR, covered, reason=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug in the harness or the model: never a portal verdict
        reason = f"harness error {type(exc).__name__}: {exc}"
        return CheckResult(Verdict.ERROR, covered, reason=reason)
    return CheckResult(Verdict.PASS, tuple(sorted(set(covered) | pairs.exercised)))


def _with_warnings(result: CheckResult, pairs: Pairs) -> CheckResult:
    return replace(result, warnings=tuple(pairs.warnings), probes=frozenset(pairs.probes))


def failed(failure: StepFailure, covered: tuple[str, ...]) -> CheckResult:
    """A fail result from a disagreement, with the step log as the example; expected and
    observed carry the effects where the sides differ."""
    mismatch = failure.mismatch
    expected, observed = mismatch.sides()
    return CheckResult(
        Verdict.FAIL,
        covered,
        rule=mismatch.rule,
        expected=expected,
        observed=observed,
        example=tuple(step.render() for step in failure.log),
        kind=mismatch.kind.value,
    )


__all__ = [
    "PROFILES", "Check", "CheckContext", "CheckResult", "ModelFactory", "Pairs", "failed",
    "guarded",
]  # fmt: skip
