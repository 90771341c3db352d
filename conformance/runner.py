"""The runner: plan the checks for each Land, run them, emit typed events, conclude.

``run`` is what ``skc run`` calls; the pytest plugin drives a :class:`Session` one check at a
time. Each check's :class:`~skc.conformance.suites.base.CheckResult` becomes typed
:class:`~skc.conformance.results.Result` values (one per rule it covers; a failure, one on the
rule it breaks), scrubbed of every secret the check used, matched against the expected failures
by entry, and emitted as events to the handlers (JSONL stream, JUnit, HTML, console). A check
that raises, an adapter that fails in ``close``, SIGINT or SIGTERM: the run still ends with a
summary (marked interrupted where it was) and every report written.
"""

from __future__ import annotations

import gc
import shlex
import signal
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from skc import __version__
from skc.conformance.adapters.guard import CallGuard
from skc.conformance.adapters.identities import AccountNamespace, LedgerEntry
from skc.conformance.adapters.protocol import Adapter
from skc.conformance.adapters.registry import resolve_target
from skc.conformance.coverage import measure
from skc.conformance.events import (
    Broadcast,
    CheckFinished,
    CheckStarted,
    Handler,
    RunFinished,
    RunStarted,
    StepRan,
    UnexpectedPassFound,
)
from skc.conformance.expected import ExpectedFailure, match
from skc.conformance.faults import Fault
from skc.conformance.profile import PortalProfile, reference_profile
from skc.conformance.redact import Scrubber
from skc.conformance.reports.outdir import REPLAY_DIR
from skc.conformance.results import (
    ExpectedFailureMatch,
    Result,
    RunHeader,
    RunState,
    RunSummary,
    UnexpectedPass,
    certify,
    conclude,
    count,
    provenance,
)
from skc.conformance.steps import Step, secret_values
from skc.conformance.suites.base import Check, CheckContext, CheckResult
from skc.conformance.suites.plan import SUITES, plan
from skc.conformance.verdicts import Verdict
from skc.conformance.wallclock import RUN_SCOPE, end_started_probes
from skc.model.catalog import load_catalog
from skc.model.errors import UnknownNameError
from skc.model.lands import LandId


@dataclass(frozen=True)
class RunConfig:
    """What to run: target, Länder, seed, suites, fault, profile, expected failures, output."""

    lands: tuple[LandId, ...]
    seed: int
    target: str = "inprocess"
    suites: tuple[str, ...] = SUITES
    fault: Fault | None = None
    profile: PortalProfile | None = None
    expected: tuple[ExpectedFailure, ...] = ()
    hypothesis_profile: str = "ci"
    out: Path | None = Path("reports/out")
    only_check: str | None = None
    scenario_dir: Path | None = None
    profile_path: Path | None = None
    expected_path: Path | None = None
    only_rules: frozenset[str] | None = None
    stop_at_first_failure: bool = False
    allow_remote: bool = False  # --allow-remote was given (a replay needs it too)
    wall_clock: bool = False  # --wall-clock was given: timing probes wait in real time

    def profile_for(self, land: LandId) -> PortalProfile:
        """The profile of the portal under test in this Land."""
        if self.profile is None:
            return reference_profile(land)
        if self.profile.land != land:
            return self.profile.model_copy(update={"land": land})
        return self.profile

    def replay_command(self, land: LandId, check: str) -> str:
        """The shell command that runs one check again, same seed and inputs, other output."""
        parts = ["skc", "run", "--target", self.target, "--land", land, "--seed", str(self.seed)]
        suite = check.split("/", 1)[0]
        parts += ["--suite", suite]
        if self.fault is not None:
            parts += ["--fault", self.fault.name]
        for option, path in (
            ("--profile", self.profile_path), ("--expected-failures", self.expected_path),
            ("--scenarios", self.scenario_dir),
        ):  # fmt: skip
            if path is not None:
                parts += [option, str(path.resolve())]
        if self.hypothesis_profile != "ci":
            parts += ["--hypothesis-profile", self.hypothesis_profile]
        if self.allow_remote:
            parts.append("--allow-remote")
        if self.wall_clock:
            parts.append("--wall-clock")
        parts += ["--replay", check]
        if self.out is not None:
            slug = check.replace("/", "-")
            parts += ["--out", str(self.out.resolve() / REPLAY_DIR / f"{land}-{slug}")]
        return shlex.join(parts)


def planned_checks(config: RunConfig) -> list[tuple[LandId, Check]]:
    """Every (Land, check) the configuration runs, after ``--replay`` and the rule filter."""
    planned = [
        (land, check)
        for land in config.lands
        for check in plan(
            land, config.suites, config.scenario_dir, config.profile_for(land).readings
        )
    ]
    if config.only_rules is not None:
        planned = [(land, c) for land, c in planned if config.only_rules & set(c.rules)]
    if config.only_check is not None:
        known = sorted({check.id for _, check in planned})
        planned = [(land, check) for land, check in planned if check.id == config.only_check]
        if not planned:
            raise UnknownNameError("check", config.only_check, known)
    return planned


def adapter_for(config: RunConfig, land: LandId) -> Adapter:
    """The adapter of the chosen target for one Land (``inprocess``, ``MODULE:FACTORY``, or a
    name registered under the ``skc.adapters`` entry points)."""
    fault = config.fault if config.fault is not None and config.fault.land == land else None
    return resolve_target(config.target, land=land, profile=config.profile_for(land), fault=fault)


class RunInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: finish the reports, then stop."""


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Turn SIGTERM (and SIGINT) into :class:`RunInterrupted` in the main thread."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise RunInterrupted(signal.Signals(signum).name)

    try:
        previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Leave the objects alive before the checks (the catalog, compiled rules, modules, the
    plan) out of the cyclic garbage collector's passes while the run makes and drops its
    millions of short-lived ones, and hand them back afterwards: about 8 % of the field
    suite's time went to scanning them again and again."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class Session:
    """One run in progress: emits events, keeps the run state, concludes."""

    config: RunConfig
    handler: Handler
    state: RunState = field(default_factory=RunState)
    scrubber: Scrubber = field(default_factory=lambda: Scrubber(secret_values()))
    secrets_seen: set[str] = field(default_factory=set)
    header: RunHeader | None = None
    started: float = field(default_factory=time.monotonic)
    namespace: AccountNamespace = field(default_factory=AccountNamespace)
    guard: CallGuard = field(default_factory=CallGuard)
    adapters: dict[LandId, Adapter] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # the run's own, beside the checks'

    def adapter(self, land: LandId) -> Adapter:
        """The run's adapter for a Land, made once."""
        if land not in self.adapters:
            self.adapters[land] = adapter_for(self.config, land)
        return self.adapters[land]

    def start(self) -> RunHeader:
        """Emit the run header."""
        config = self.config
        self.header = RunHeader(
            run_id=f"{config.target}-seed{config.seed}",
            target=config.target,
            lands=config.lands,
            seed=config.seed,
            suites=config.suites,
            hypothesis_profile=config.hypothesis_profile,
            started=datetime.now(UTC).isoformat(timespec="seconds"),
            harness_version=__version__,
            fault=config.fault.name if config.fault is not None else None,
            profile=str(config.profile_path) if config.profile_path else None,
            expected_failures=str(config.expected_path) if config.expected_path else None,
            scenarios=str(config.scenario_dir) if config.scenario_dir else None,
        )
        self.handler.handle(RunStarted(self.header))
        return self.header

    def run_check(
        self, land: LandId, check: Check, index: int = 0, total: int = 1
    ) -> CheckFinished:
        """Run one check on one Land and emit its results."""
        self.handler.handle(CheckStarted(land, check.id, index, total))
        began = time.monotonic()
        ledger: list[LedgerEntry] = []
        secrets: set[str] = set()
        try:
            ctx = CheckContext(
                self.adapter(land), self.config.seed, self.config.hypothesis_profile,
                secrets_used=secrets, guard=self.guard, namespace=self.namespace, ledger=ledger,
                on_step=self._step_listener(land, check.id),
            )  # fmt: skip
            outcome = check.run(ctx)
        except Exception as exc:  # a harness bug or an adapter failing in close: never a verdict
            outcome = CheckResult(
                Verdict.ERROR, check.rules, reason=f"harness error {type(exc).__name__}: {exc}"
            )
        took = time.monotonic() - began
        # The fixed secrets everywhere, and what this check generated: a check's values reach
        # only that check's outputs, and one scrubber of a whole run would grow without end.
        scrub = self.scrubber.with_secrets(secrets)
        self.secrets_seen |= secrets
        evidence = self._evidence(land, check, outcome.verdict)
        results = self._results(land, check, outcome, took, scrub, evidence)
        self.state.results.extend(results)
        self.state.checks_run += 1
        self.state.probes.setdefault(land, set()).update(outcome.probes)
        accounts = tuple(replace(e, cleanup=scrub(e.cleanup)) for e in ledger)
        self.state.ledger.extend(accounts)
        finished = CheckFinished(land, check.id, results, accounts, round(took, 4))
        self.handler.handle(finished)
        return finished

    def end_wall_clock_probes(self) -> None:
        """Wall-clock probes the run leaves running (interrupted, or stopped at a finding):
        their waits are called off, their clean-up awaited, and the accounts they created
        listed like any check's."""
        for probe in end_started_probes(self):
            scrub = self.scrubber.with_secrets(set(probe.secrets))
            self.secrets_seen |= probe.secrets
            accounts = tuple(replace(e, cleanup=scrub(e.cleanup)) for e in probe.ledger)
            self.state.ledger.extend(accounts)
            if probe.unfinished is not None:
                self.warnings.append(f"{probe.land} timing/{probe.rule}: {probe.unfinished}")
            check = f"timing/{probe.rule}"
            self.handler.handle(CheckFinished(probe.land, check, (), accounts, 0.0))

    def _evidence(self, land: LandId, check: Check, verdict: Verdict) -> tuple[str, ...]:
        """A failing check's screenshot and trace from an adapter that keeps them (the browser
        adapter), moved under ``OUT/evidence/``; paths relative to OUT for the reports."""
        collect = getattr(self.adapters.get(land), "collect_evidence", None)
        if not callable(collect):
            return ()
        out = self.config.out
        keep = out is not None and verdict is Verdict.FAIL
        dest = out / "evidence" / f"{land}-{check.id.replace('/', '-')}" if out and keep else None
        return tuple(str(Path(path).relative_to(out)) for path in collect(dest) if out)

    def _step_listener(self, land: LandId, check: str) -> Callable[[Step], None] | None:
        if not getattr(self.handler, "wants_steps", False):
            return None

        def on_step(step: Step) -> None:
            self.handler.handle(StepRan(land, check, self.scrubber(step.render())))

        return on_step

    def _results(
        self,
        land: LandId,
        check: Check,
        outcome: CheckResult,
        took: float,
        scrub: Scrubber,
        evidence: tuple[str, ...] = (),
    ) -> tuple[Result, ...]:
        catalog = load_catalog()
        if outcome.verdict is Verdict.FAIL and outcome.rule is not None:
            rules: tuple[str, ...] = (outcome.rule,)
        else:
            rules = tuple(
                r for r in outcome.covered if r in catalog.ids and catalog.stated(land, r)
            )
            if outcome.verdict is not Verdict.PASS and not rules:
                rules = tuple(r for r in check.rules if r in catalog.ids) or ("-",)
        replay = (
            self.config.replay_command(land, check.id) if outcome.verdict is not Verdict.PASS
            else ""
        )  # fmt: skip
        warnings = tuple(scrub(str(w)) for w in getattr(outcome, "warnings", ()))
        results: list[Result] = []
        for rule in rules:
            family, quotes, seed_file = provenance(land, rule)
            expected_match = None
            if outcome.verdict is Verdict.FAIL:
                entry = match(self.config.expected, land, rule, check.id)
                if entry is not None:
                    self.state.matched_entries.add(entry.entry)
                    expected_match = ExpectedFailureMatch(entry.reason, entry.entry, entry.line)
            results.append(
                Result(
                    land=land,
                    suite=check.suite,
                    check=check.id,
                    rule=scrub(rule),  # a portal may name any text, a secret too, as its rule
                    verdict=outcome.verdict,
                    family=family,
                    expected=scrub(outcome.expected),
                    observed=scrub(outcome.observed),
                    example=tuple(scrub(line) for line in outcome.example),
                    replay=replay,
                    reason=scrub(outcome.reason),
                    seed_file=seed_file,
                    quotes=quotes,
                    duration_s=round(took / len(rules), 4),
                    expected_failure=expected_match,
                    warnings=warnings,
                    kind=outcome.kind,
                    evidence=evidence,
                )
            )
        return tuple(results)

    def finish(self, *, interrupted: bool = False) -> RunSummary:
        """Emit unexpected passes and the summary with the run's status."""
        config, state = self.config, self.state
        unexpected = tuple(
            UnexpectedPass(e.land, e.rule, e.check, e.reason, e.entry, e.line)
            for e in config.expected
            if e.land in config.lands and e.entry not in state.matched_entries
        )
        if not interrupted:
            for entry in unexpected:
                self.handler.handle(UnexpectedPassFound(entry))
        else:  # checks that never ran cannot show an expected failure is gone
            unexpected = ()
        certification = certify(state.results, config.lands)
        status, reason = conclude(
            state.results, certification, unexpected,
            checks_run=state.checks_run, interrupted=interrupted,
        )  # fmt: skip
        left = tuple(e.address for e in state.ledger if not e.cleaned_up)
        warnings = tuple(sorted({w for r in state.results for w in r.warnings} | {*self.warnings}))
        summary = RunSummary(
            status=status, status_reason=reason, counts=dict(count(state.results)),
            certification=certification, unexpected_passes=unexpected,
            checks_run=state.checks_run, interrupted=interrupted,
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            duration_s=round(time.monotonic() - self.started, 3),
            accounts_created=len(state.ledger), accounts_left=left, warnings=warnings,
            coverage={
                land: cov.to_record()
                for land, cov in measure(certification, state.probes, config.lands).items()
            },
        )  # fmt: skip
        self.handler.handle(RunFinished(summary))
        return summary


@dataclass(frozen=True)
class RunReport:
    """What ``run`` returns: the header, every result, the summary; secrets kept apart."""

    header: RunHeader
    results: tuple[Result, ...]
    summary: RunSummary
    ledger: tuple[LedgerEntry, ...] = ()
    secrets_seen: frozenset[str] = field(default=frozenset(), repr=False)
    probes: Mapping[str, frozenset[tuple[str, str]]] = field(default_factory=dict)  # per Land

    @property
    def ok(self) -> bool:
        """Tell whether the run says conformant."""
        return self.summary.ok

    @property
    def counts(self) -> dict[str, int]:
        """Results per verdict."""
        return dict(self.summary.counts)

    @property
    def unexpected_passes(self) -> tuple[UnexpectedPass, ...]:
        """Expected failures that did not fail."""
        return self.summary.unexpected_passes

    def findings(self) -> list[Result]:
        """The failures and errors no expected-failures entry accounts for."""
        return [result for result in self.results if result.is_finding]


def file_handlers(out: Path) -> list[Handler]:
    """The handlers that write ``results.jsonl``, ``junit.xml`` and ``report.html`` in ``out``."""
    from skc.conformance.reports import (
        HTML_FILE,
        JUNIT_FILE,
        RESULTS_FILE,
        HtmlHandler,
        JsonlHandler,
        JunitHandler,
    )

    return [JsonlHandler(out / RESULTS_FILE), JunitHandler(out / JUNIT_FILE),
            HtmlHandler(out / HTML_FILE)]  # fmt: skip


def run(
    config: RunConfig,
    handlers: Sequence[Handler] = (),
    *,
    on_check: Callable[[str, int, int], None] | None = None,
) -> RunReport:
    """Run every planned check; the reports in ``config.out`` plus ``handlers`` get the events.

    SIGINT and SIGTERM end the run early: the summary says ``interrupted`` and every report is
    written before ``run`` returns.
    """
    from skc.conformance.reports import REPORT_FILES, OutputDir

    planned = planned_checks(config)
    with _signals_interrupt(), _long_lived_objects_frozen():
        if config.out is not None:
            with OutputDir(config.out, REPORT_FILES):
                return _run(config, planned, [*file_handlers(config.out), *handlers], on_check)
        return _run(config, planned, list(handlers), on_check)


def _run(
    config: RunConfig,
    planned: Sequence[tuple[LandId, Check]],
    handlers: list[Handler],
    on_check: Callable[[str, int, int], None] | None,
) -> RunReport:
    bus = Broadcast(handlers)
    session = Session(config, bus)
    interrupted = False
    scope = RUN_SCOPE.set(session)
    try:
        header = session.start()
        try:
            for index, (land, check) in enumerate(planned):
                if on_check is not None:
                    on_check(f"{land} {check.id}", index, len(planned))
                finished = session.run_check(land, check, index, len(planned))
                if config.stop_at_first_failure and any(r.is_finding for r in finished.results):
                    break
        except KeyboardInterrupt:
            interrupted = True
        session.end_wall_clock_probes()
        summary = session.finish(interrupted=interrupted)
    finally:
        RUN_SCOPE.reset(scope)
        bus.close()
    return RunReport(
        header, tuple(session.state.results), summary, tuple(session.state.ledger),
        frozenset(session.secrets_seen),
        {land: frozenset(found) for land, found in session.state.probes.items()},
    )  # fmt: skip


__all__ = [
    "SUITES",
    "RunConfig",
    "RunInterrupted",
    "RunReport",
    "Session",
    "adapter_for",
    "file_handlers",
    "plan",
    "planned_checks",
    "run",
]
