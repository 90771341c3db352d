"""Real time for a portal without clock control: the timing probes with real waits.

A live portal whose clock cannot be moved answers a time limit only to someone who waits.
With ``skc run --wall-clock`` (the profile's ``wall_clock.enabled``), each timing probe
(:mod:`skc.conformance.suites.timing`) runs twice, once on each side of the limit: it waits
until ``margin_s`` before the limit (the link, session or message must still be there) and
until ``margin_s`` after it (it must be gone). The model beside it jumps by exactly those
amounts; the portal's side waits on a :class:`Clock` (``time.sleep`` in production, a
simulated one in tests, which never sleep). The waits before the right event are
``2 * margin_s``, so a portal counting from an earlier event is caught on the near side.

Every side of every probe runs in a thread of its own, with its own connection, identities and
call guard, so a run takes about as long as its longest limit, not their sum. A probe whose
waits would exceed the profile's ``wall_clock.max_wait_s`` stays ``inconclusive`` with the
reason. :func:`planned_waits` and :func:`announce` say before the run what it will cost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Protocol

from skc.conformance.adapters.guard import CallGuard
from skc.conformance.adapters.identities import LedgerEntry
from skc.conformance.boundaries import Probe, bounds, probes
from skc.conformance.profile import PortalProfile
from skc.conformance.suites.base import CheckContext, CheckResult
from skc.conformance.verdicts import Verdict
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules


class ProbeCancelled(BaseException):
    """The run ended while a wall-clock probe waited: the probe stops where it is and cleans
    up what it created. A BaseException, so neither Hypothesis nor a check's verdict takes it
    for a failure of the portal."""


class Clock(Protocol):
    """Where real time comes from: a monotonic reading in seconds, a way to wait, and a way
    to call every wait off."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        ...

    def running(self) -> AbstractContextManager[None]:
        """Marks one probe thread as running while inside (a simulated clock lets time pass
        only when every running probe waits)."""
        ...

    def cancel(self) -> None:
        """Wake every waiting probe with :class:`ProbeCancelled`; later waits raise it at once."""
        ...


class RealClock:
    """The production clock: ``time.monotonic``, and waits that :meth:`cancel` cuts short."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def __repr__(self) -> str:
        return "RealClock()"

    def now(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (nothing for zero or less); raise ProbeCancelled once cancelled."""
        if self._cancelled.wait(max(seconds, 0)):
            raise ProbeCancelled("the run ended while the probe waited")

    def cancel(self) -> None:
        """Call every wait off."""
        self._cancelled.set()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Nothing to mark: real time passes anyway."""
        yield


def gap_s(profile: PortalProfile) -> int:
    """The wait before the event a limit counts from: twice the margin, so a portal counting
    from an earlier event has passed the near side's probe."""
    return 2 * profile.wall_clock.margin_s


def longest_wait_s(limit_s: int, profile: PortalProfile) -> int:
    """The far side's waits, at most: up to one and a half gaps before the event the limit
    counts from (the longest probe's), the limit and the margin."""
    return limit_s + profile.wall_clock.margin_s + (3 * gap_s(profile)) // 2


@dataclass(frozen=True, slots=True)
class PlannedWait:
    """One time limit's probe under ``--wall-clock``: its limit, its longest side's waits
    (at most), and why it will not run (over the cap), if so."""

    land: LandId
    rule: str
    limit_s: int
    wait_s: int
    margin_s: int
    skipped: str = ""


def planned_wait(land: LandId, rule: str, profile: PortalProfile) -> PlannedWait | None:
    """The probe of one rule under the profile (None when the Land states no limit for it)."""
    limit = LandRules(land, profile.readings).duration(rule)
    if limit is None:
        return None
    settings = profile.wall_clock
    seconds = int(limit.total_seconds())
    wait = longest_wait_s(seconds, profile)
    skipped = ""
    if wait > settings.max_wait_s:
        skipped = (
            f"waiting out {rule} takes about {duration(wait)} of real time, more than the "
            f"profile's wall_clock.max_wait_s ({settings.max_wait_s} s); raise it to probe "
            "this limit, or give the portal clock control"
        )
    return PlannedWait(land, rule, seconds, wait, settings.margin_s, skipped)


def planned_waits(
    land: LandId, rules: tuple[str, ...], profile: PortalProfile
) -> list[PlannedWait]:
    """The probes a wall-clock run of these timing rules makes in one Land."""
    found = (planned_wait(land, rule, profile) for rule in rules)
    return [plan for plan in found if plan is not None]


def duration(seconds: float) -> str:
    """Seconds as ``2 d 01 h 02 min 05 s`` (the larger units only when needed)."""
    days, rest = divmod(round(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours:02d} h {minutes:02d} min {secs:02d} s"
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def announce(plans: list[PlannedWait]) -> list[str]:
    """What ``skc run --wall-clock`` prints before it starts: each wait and the total."""
    lines = []
    for plan in plans:
        if plan.skipped:
            lines.append(f"wall clock: {plan.land} {plan.rule}: not probed ({plan.skipped})")
        else:
            lines.append(
                f"wall clock: {plan.land} {plan.rule}: waits up to {duration(plan.wait_s)} "
                f"(limit {duration(plan.limit_s)}, probed {plan.margin_s} s before and after it)"
            )
    running = [plan.wait_s for plan in plans if not plan.skipped]
    if len(running) == 1:
        lines.append(f"wall clock: 1 timing probe; estimated duration about {duration(running[0])}")
    elif running:
        lines.append(
            f"wall clock: {len(running)} timing probes run concurrently; estimated duration "
            f"about {duration(max(running))} (the longest), not {duration(sum(running))}"
        )
    else:
        lines.append("wall clock: no timing probe fits within wall_clock.max_wait_s")
    return lines


def unprobed(limit: timedelta, profile: PortalProfile, rule: str) -> str:
    """Why a timing check without clock control and without ``--wall-clock`` is inconclusive."""
    wait = longest_wait_s(int(limit.total_seconds()), profile)
    return (
        f"moving the clock needs 'clock_control', which is absent; run with --wall-clock to "
        f"wait out {rule} in real time (about {duration(wait)})"
    )


# One side of one probe: (the side's own context, offset in seconds) -> its verdict.
Side = Callable[[CheckContext, int], CheckResult]


@dataclass
class _Outcome:
    result: CheckResult
    ledger: list[LedgerEntry] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)


def _combine(sides: list[CheckResult], rule: str) -> CheckResult:
    """One verdict from both sides: a failure first, then an error, else a pass."""
    for verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.NOT_APPLICABLE):
        for result in sides:
            if result.verdict is verdict:
                warnings = tuple(dict.fromkeys(w for s in sides for w in s.warnings))
                return replace(result, warnings=warnings)
    covered = tuple(sorted({r for s in sides for r in s.covered} | {rule}))
    probed = frozenset(p for s in sides for p in s.probes)
    warnings = tuple(dict.fromkeys(w for s in sides for w in s.warnings))
    return CheckResult(Verdict.PASS, covered, warnings=warnings, probes=probed)


def share_of(profile: PortalProfile, threads: int) -> CallGuard:
    """A call guard for one of ``threads`` probe threads: the profile's deadline and its share
    of the rate limit, so all threads together stay within ``rate_limit_per_s``."""
    whole = CallGuard()
    whole.configure(profile)
    rate = whole.rate_limit_per_s
    return CallGuard(whole.timeout_s, rate / threads if rate else None)


@dataclass(frozen=True)
class Unreported:
    """A probe the run ended before its check reported it: the accounts it created (cleaned
    up or not), or why they are unknown."""

    land: LandId
    rule: str
    ledger: tuple[LedgerEntry, ...]
    secrets: frozenset[str]
    unfinished: str | None = None  # the probe did not end within the deadline


# The run whose checks are running in this context (set by the runner): probes started by
# its checks are ended with it, never another run's.
RUN_SCOPE: ContextVar[object | None] = ContextVar("skc_wall_clock_run", default=None)
_STARTED: dict[int, list[Concurrent]] = {}  # id of a run scope -> its probes, in start order
_STARTED_LOCK = threading.Lock()


def end_started_probes(scope: object, deadline_s: float = 120.0) -> list[Unreported]:
    """Call off every wall-clock probe the run ``scope`` started that is still running (the
    run was interrupted or stopped early) and wait up to ``deadline_s`` for each to clean up;
    return the accounts of every probe no check has reported, so the run can list them."""
    with _STARTED_LOCK:
        started = _STARTED.pop(id(scope), [])
    until = time.monotonic() + deadline_s
    left: list[Unreported] = []
    for concurrent in started:
        left += concurrent.end(until)
    return left


class Concurrent:
    """The wall-clock probes of one Land's timing checks, all started by the first to run.

    ``sides`` maps each rule to its probe's side; the first :meth:`result` starts every rule
    the profile's ``wall_clock.only`` lets through (all, when unset), two threads per rule,
    and each check then waits for its own rule. Each thread has its own call guard with its
    share of the profile's rate limit. Accounts and secrets a probe used go to the context of
    the check that reports it; :func:`end_started_probes` ends and collects the others."""

    def __init__(self, sides: dict[str, Side], clock: Clock) -> None:
        self.sides = sides
        self.clock = clock
        self.land: LandId | None = None
        self._lock = threading.Lock()
        self._futures: dict[str, Future[_Outcome]] = {}
        self._reported: set[str] = set()
        self._go = threading.Event()  # set once every first probe is running

    def __repr__(self) -> str:
        return f"Concurrent({len(self.sides)} rules, {self.clock!r})"

    def result(self, rule: str, ctx: CheckContext) -> CheckResult:
        """The verdict of ``rule``'s probe (both sides), starting the Land's probes first."""
        with self._lock:
            if not self._futures:
                self.land = ctx.profile.land
                scope = RUN_SCOPE.get()
                if scope is not None:  # outside a run, nobody would end them: keep none
                    with _STARTED_LOCK:
                        _STARTED.setdefault(id(scope), []).append(self)
                only = ctx.profile.wall_clock.only
                names = []
                for name in self.sides:
                    planned = planned_wait(ctx.profile.land, name, ctx.profile)
                    fits = planned is not None and not planned.skipped
                    if name == rule or (fits and (only is None or name in only)):
                        names.append(name)
                for name in names:
                    self._futures[name] = self._start(name, ctx, 2 * len(names))
                self._go.set()
            elif rule not in self._futures:
                self._futures[rule] = self._start(rule, ctx, 2)
            future = self._futures[rule]
        outcome = future.result()
        with self._lock:
            self._reported.add(rule)
        ctx.ledger.extend(outcome.ledger)
        ctx.secrets_used.update(outcome.secrets)
        return outcome.result

    def end(self, until: float) -> list[Unreported]:
        """Cancel the waits and collect the probes no check reported (waiting for their
        clean-up up to the monotonic time ``until``)."""
        self.clock.cancel()
        with self._lock:
            pending = {r: f for r, f in self._futures.items() if r not in self._reported}
            self._reported |= set(pending)
        land = self.land
        left: list[Unreported] = []
        if land is None:  # nothing was started
            return left
        for rule, future in pending.items():
            try:
                outcome = future.result(timeout=max(until - time.monotonic(), 0))
            except FutureTimeout:
                why = "the probe was still cleaning up when the run ended"
                left.append(Unreported(land, rule, (), frozenset(), unfinished=why))
                continue
            left.append(Unreported(land, rule, tuple(outcome.ledger), frozenset(outcome.secrets)))
        return left

    def _start(self, rule: str, ctx: CheckContext, threads: int) -> Future[_Outcome]:
        margin = ctx.profile.wall_clock.margin_s
        side_futures: list[Future[_Outcome]] = []
        for offset in (-margin, margin):
            guard = share_of(ctx.profile, threads)
            own = replace(ctx, guard=guard, ledger=[], secrets_used=set(), on_step=None)
            side_futures.append(self._thread(rule, offset, own))
        done: Future[_Outcome] = Future()

        def gather() -> None:
            outcomes = [f.result() for f in side_futures]
            result = _combine([o.result for o in outcomes], rule)
            ledger = [e for o in outcomes for e in o.ledger]
            done.set_result(_Outcome(result, ledger, {s for o in outcomes for s in o.secrets}))

        threading.Thread(target=gather, name=f"skc-wall-{rule}", daemon=True).start()
        return done

    def _thread(self, rule: str, offset: int, ctx: CheckContext) -> Future[_Outcome]:
        future: Future[_Outcome] = Future()
        side = self.sides[rule]
        started = threading.Event()

        def work() -> None:
            with self.clock.running():
                started.set()
                self._go.wait()
                try:
                    result = side(ctx, offset)
                except ProbeCancelled as stop:  # the pair cleaned up as it closed
                    result = CheckResult(Verdict.INCONCLUSIVE, (rule,), reason=str(stop))
                except Exception as exc:  # a harness bug: never a portal verdict
                    reason = f"harness error {type(exc).__name__}: {exc}"
                    result = CheckResult(Verdict.ERROR, (rule,), reason=reason)
            future.set_result(_Outcome(result, ctx.ledger, ctx.secrets_used))

        threading.Thread(target=work, name=f"skc-wall-{rule}{offset:+d}", daemon=True).start()
        started.wait()  # every probe counts as running before any may wait: none runs ahead
        return future


def limit_probes(profile: PortalProfile, rule: str, offset: int) -> set[Probe]:
    """The boundary probes a jump to ``offset`` seconds from ``rule``'s limit makes."""
    args = {"limit_of": rule, "offset_seconds": offset}
    rules = LandRules(profile.land, profile.readings)
    return probes(bounds(rules), "advance", args, rule, Outcome(accepted=True))


__all__ = [
    "RUN_SCOPE", "Clock", "Concurrent", "PlannedWait", "ProbeCancelled", "RealClock", "Side",
    "Unreported",
    "announce", "duration", "end_started_probes", "gap_s", "limit_probes", "longest_wait_s",
    "planned_wait", "planned_waits", "share_of", "unprobed",
]  # fmt: skip
